"""What a file holds cannot steer the terminal, and no terminal encoding ends in a traceback.

Issue 14, items 6 and 11: thread ids (file names), titles, bodies and doctor cards were
printed raw, so a file name could set the window title or write the clipboard (OSC 52);
and a Latin-1 or ASCII terminal got a UnicodeEncodeError on the `…` of a snippet or the
`—` of `parse`, even for an all-ASCII corpus.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from faultlib import child_env, cli_command

from msqa_search import Answer, Doctor, Thread, build_index, format_thread, read_threads
from msqa_search.cli import cli

# An OSC 52 clipboard write, an OSC 0 window title, a CSI screen clear, an 8-bit CSI
# (C1), a bell, and a right-to-left override.
OSC52 = "\x1b]52;c;ZWNobyBoaQ==\x07"
TITLE = "\x1b]0;owned\x07"
CLEAR = "\x1b[2J"
C1_CSI = "\x9b31m"
RLO = "\u202e"
HOSTILE = (OSC52, TITLE, CLEAR, C1_CSI, RLO)
# What must never reach a terminal from a file: ESC, BEL, C1 controls, bidi overrides.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
ANSI_STYLE = re.compile(r"\x1b\[[0-9;]*m")
HOSTILE_ID = f"evil{OSC52}{TITLE}{RLO}txt"


def hostile_thread(thread_id: str) -> Thread:
    """A thread whose title, body and doctor card carry control sequences."""
    doctor = Doctor(name=f"Eve{CLEAR}Mallory", credentials=("MD",), city=f"Nowhere{C1_CSI}",
                    specialty="Dermatologist", rating=4.5, reviews=3)
    return Thread(
        id=thread_id, title=f"Is botox safe{TITLE}?", body=f"I ask{OSC52} about botox.", declared_answers=1,
        answers=[Answer(thread_id=thread_id, position=1, title=f"Botox {RLO}answer",
                        body=f"Botox is fine{CLEAR} for most{C1_CSI} patients.", doctor=doctor)],
    )


@pytest.fixture
def corpus(tmp_path) -> tuple[Path, Path]:
    """A folder with a hostile thread under a hostile file name (and a binary file so
    named), and an index of it."""
    if sys.platform == "win32":
        pytest.skip("control characters are not allowed in Windows file names")
    folder = tmp_path / "threads"
    folder.mkdir()
    (folder / f"{HOSTILE_ID}.txt").write_text(format_thread(hostile_thread(HOSTILE_ID)), encoding="utf-8")
    (folder / f"bin{TITLE}.txt").write_bytes(b"\x00\x01binary")
    index = tmp_path / "index"
    build_index(read_threads([folder]), index).close()
    return folder, index


def assert_inert(text: str) -> None:
    """No control sequence from the file is in ``text`` (the CLI's own colour codes aside)."""
    found = UNSAFE.search(ANSI_STYLE.sub("", text))
    assert found is None, f"{found[0]!r} reached the terminal: {text!r}"


class TestControlSequencesAreInert:
    @pytest.mark.parametrize(
        "args",
        [
            ["botox"], ["botox", "--color"], ["botox", "--facets-table"], ["botox", "--ids"], ["botox", "--csv"],
            ["show", f"{HOSTILE_ID}#1"], ["show", HOSTILE_ID], ["values", "doctor"], ["values", "city"],
            ["similar", f"{HOSTILE_ID}#1"],
        ],
        ids=["search", "search-colour", "facet-tables", "ids", "csv", "show-answer", "show-thread",
             "values-doctor", "values-city", "similar"],
    )
    def test_index_commands(self, corpus, args):
        """Hits, show, values and similar print file content with its controls escaped."""
        result = CliRunner().invoke(cli, [*args, "--index", str(corpus[1])])

        assert result.exit_code in (0, 1), result.output
        assert_inert(result.stdout + result.stderr)

    def test_index_reports(self, corpus, tmp_path):
        """index prints the skipped: lines, warnings and its summary with file names escaped."""
        result = CliRunner().invoke(cli, ["index", str(corpus[0]), "--index", str(tmp_path / "again"), "--verbose"])

        assert 0 == result.exit_code, result.output
        assert "bin\\x1b]0;owned\\x07.txt" in result.stderr
        assert_inert(result.stdout + result.stderr)

    def test_escapes_are_visible(self, corpus):
        """The escaped controls stay visible, so the id can still be read and typed."""
        result = CliRunner().invoke(cli, ["botox", "--ids", "--index", str(corpus[1])])

        assert "evil\\x1b]52;c;ZWNobyBoaQ==\\x07\\x1b]0;owned\\x07\\u202etxt#1\n" == result.stdout

    def test_parse_and_skipped_lines(self, corpus):
        """parse prints thread ids, titles and cards escaped, and the skipped: line's file name too."""
        result = CliRunner().invoke(cli, ["parse", str(corpus[0])])

        assert 2 == result.exit_code
        assert_inert(result.stdout + result.stderr)
        assert result.stderr.startswith("skipped: ") and "bin\\x1b]0;owned\\x07.txt" in result.stderr

    @pytest.mark.parametrize("args", [["botox", "--json"], ["botox", "--jsonl"], ["show", f"{HOSTILE_ID}#1", "--json"]])
    def test_json_keeps_the_data_and_escapes_it(self, corpus, args):
        """JSON output escapes every control (so a terminal shows it inertly) and still decodes to the data."""
        result = CliRunner().invoke(cli, [*args, "--index", str(corpus[1])])

        assert 0 == result.exit_code, result.output
        assert_inert(result.stdout)
        data = json.loads(result.stdout.splitlines()[0] if "--jsonl" in args else result.stdout)
        thread_id = {"show": lambda: data["thread"]["id"], "--json": lambda: data["hits"][0]["thread_id"],
                     "--jsonl": lambda: data["thread_id"]}[args[0] if args[0] == "show" else args[1]]()
        assert HOSTILE_ID == thread_id

    def test_error_messages(self, corpus):
        """An error message that repeats a hostile value escapes it too."""
        result = CliRunner().invoke(cli, ["botox", "--city", f"x{TITLE}", "--index", str(corpus[1])])

        assert 2 == result.exit_code
        assert_inert(result.stderr)


ASCII_PAGE = """What helps after a botox injection?

I had it yesterday and my forehead feels heavy. Is that normal?

Doctor Answers 1

Heaviness after botox
{{ voteCount >= 0 ? '+' + (voteCount + 1) : (voteCount + 1) }}

Heaviness in the first days after botox is common and usually settles within two weeks
as the muscles adjust to the treatment and the brow finds its new balance. Keep your
follow-up appointment and tell your injector how it goes.

Jane Roe, MD
Boston Dermatologist
4.5 out of 5 stars 12 reviews
"""


@pytest.fixture(scope="module")
def ascii_corpus(tmp_path_factory) -> tuple[Path, Path]:
    """An all-ASCII thread file, and an index of it."""
    root = tmp_path_factory.mktemp("ascii")
    folder = root / "threads"
    folder.mkdir()
    (folder / "t0001.txt").write_text(ASCII_PAGE, encoding="ascii")
    index = root / "index"
    result = CliRunner().invoke(cli, ["index", str(folder), "--index", str(index)])
    assert 0 == result.exit_code, result.output
    return folder, index


class TestNarrowTerminalEncodings:
    @pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
    @pytest.mark.parametrize(
        "args",
        [["botox", "heavy"], ["botox", "--facets-table"], ["show", "t0001#1"], ["show", "t0001"], ["parse", "{threads}"],
         ["similar", "t0001#1"], ["values", "city"]],
        ids=["search", "facet-tables", "show", "show-thread", "parse", "similar", "values"],
    )
    def test_no_traceback(self, ascii_corpus, encoding, args):
        """On a Latin-1 or ASCII terminal every command prints in that encoding, with ASCII
        signs for its own decorations ('...' for a cut, '-' in parse), and never a traceback."""
        folder, index = ascii_corpus
        env = {**child_env(), "PYTHONIOENCODING": encoding, "MSQA_SEARCH_INDEX": str(index)}
        argv = [a.format(threads=folder) for a in args]
        proc = subprocess.run(cli_command() + argv, capture_output=True, env=env, timeout=120,
                              stdin=subprocess.DEVNULL)

        assert b"Traceback" not in proc.stderr, proc.stderr.decode(encoding, "replace")
        assert proc.returncode in (0, 1), proc.stderr.decode(encoding, "replace")
        out = proc.stdout.decode(encoding)  # must be valid in the terminal's encoding
        if args[0] == "botox":
            assert "... Heaviness" in out
        if args[0] == "parse":
            assert "#1 Heaviness after botox - Jane Roe, MD | Dermatologist | Boston | 4.5 stars (12 reviews)" in out

    def test_content_the_encoding_lacks_is_replaced(self, tmp_path):
        """A character the terminal cannot show becomes '?', not a traceback."""
        page = tmp_path / "t0002.txt"
        page.write_text(ASCII_PAGE.replace("Heaviness after botox", "Heaviness after botox \u2013 normal"),
                        encoding="utf-8")
        env = {**child_env(), "PYTHONIOENCODING": "latin-1"}
        proc = subprocess.run(cli_command() + ["parse", str(page)], capture_output=True, env=env, timeout=120,
                              stdin=subprocess.DEVNULL)

        assert (0, b"") == (proc.returncode, proc.stderr)
        assert "#1 Heaviness after botox ? normal - Jane Roe" in proc.stdout.decode("latin-1")
