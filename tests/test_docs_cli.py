"""docs/cli.md stays true: its console examples print what it says, and it names every option.

Each ``$ msqa-search ...`` line in a ```console block is run with CliRunner in a fresh
copy of a workspace that holds a copy of seeds/ and an index of it at ``msqa-index``
(MSQA_SEARCH_INDEX=msqa-index, NO_COLOR=1), as docs/cli.md says the examples were made.
The lines after it, up to the next ``$`` line or the end of the block, must be exactly
what a terminal shows (stdout, and stderr where there is any). Only the "elapsed" JSON
field is normalised. A pipe into ``jq`` is run with the real jq when it is installed.

After a deliberate change of output, ``MSQA_UPDATE_DOCS=1 python -m pytest
tests/test_docs_cli.py`` writes the outputs the examples now print into docs/cli.md
(check the diff before committing it).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import attrs
import click
import pytest
from click.testing import CliRunner

from msqa_search.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DOC = ROOT / "docs" / "cli.md"
INDEX_NAME = "msqa-index"
ELAPSED = re.compile(r'"elapsed": [0-9.eE+-]+')


@attrs.frozen
class Example:
    """One ``$ msqa-search ...`` line of a console block and the output shown under it."""

    line: int
    command: str
    output: str


def console_blocks(text: str) -> list[tuple[int, list[str]]]:
    """The ```console blocks of a Markdown text: (first line number, lines)."""
    blocks, current, start = [], None, 0
    for number, line in enumerate(text.splitlines(), start=1):
        if current is None:
            if line.strip() == "```console":
                current, start = [], number + 1
        elif line.strip() == "```":
            blocks.append((start, current))
            current = None
        else:
            current.append(line)
    assert current is None, "a ```console block is not closed"
    return blocks


def examples(text: str) -> list[Example]:
    """Every ``$ msqa-search`` example of the console blocks, with its documented output."""
    found = []
    for start, lines in console_blocks(text):
        command, line, output = None, 0, []
        for offset, content in enumerate(lines):
            if content.startswith("$ "):
                if command is not None:
                    found.append(Example(line, command, "".join(f"{o}\n" for o in output)))
                command, line, output = content[2:], start + offset, []
            elif command is None:
                raise AssertionError(f"docs/cli.md:{start + offset}: output before any command")
            else:
                output.append(content)
        if command is not None:
            found.append(Example(line, command, "".join(f"{o}\n" for o in output)))
    return found


DOC_TEXT = DOC.read_text(encoding="utf-8")
EXAMPLES = examples(DOC_TEXT)


def normalise(text: str) -> str:
    """Blank out what legitimately differs between runs: the time a search took."""
    return ELAPSED.sub('"elapsed": 0.0', text)


@pytest.fixture(scope="module")
def workspace_template(tmp_path_factory) -> Path:
    """A folder with a copy of seeds/ and an index of it at msqa-index, built once."""
    folder = tmp_path_factory.mktemp("docs-workspace")
    shutil.copytree(SEEDS, folder / "seeds")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        result = CliRunner().invoke(cli, ["index", "seeds/", "--index", INDEX_NAME], catch_exceptions=False)
    assert 0 == result.exit_code, result.output
    return folder


@pytest.fixture
def workspace(workspace_template, tmp_path, monkeypatch) -> Path:
    """A fresh copy of the workspace as the current folder, set up as the docs say."""
    folder = tmp_path / "work"
    shutil.copytree(workspace_template, folder)
    monkeypatch.chdir(folder)
    monkeypatch.setenv("MSQA_SEARCH_INDEX", INDEX_NAME)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("MSQA_SEARCH_SYNONYMS", raising=False)
    return folder


def split_pipe(command: str) -> tuple[list[str], list[str] | None]:
    """The msqa-search arguments, and the jq command the output is piped into (or None)."""
    words = shlex.split(command)
    assert "msqa-search" == words[0], command
    if "|" not in words:
        return words[1:], None
    bar = words.index("|")
    pipe = words[bar + 1 :]
    assert "jq" == pipe[0] and "|" not in pipe, f"only one pipe into jq is supported: {command}"
    return words[1:bar], pipe


UPDATING = os.environ.get("MSQA_UPDATE_DOCS") == "1"
ACTUAL: dict[int, str] = {}


@pytest.fixture(scope="module", autouse=True)
def _write_updates():
    """With MSQA_UPDATE_DOCS=1, put the outputs the examples printed into docs/cli.md."""
    yield
    if not UPDATING or not ACTUAL:
        return
    lines = DOC_TEXT.splitlines(keepends=True)
    for example in sorted(EXAMPLES, key=lambda e: e.line, reverse=True):
        if example.line in ACTUAL:
            old = example.output.count("\n")
            lines[example.line : example.line + old] = [ACTUAL[example.line]]
    DOC.write_text("".join(lines), encoding="utf-8")


class TestDocExamples:
    def test_there_are_examples(self):
        """docs/cli.md has console examples, and each console line with a prompt runs msqa-search."""
        assert len(EXAMPLES) >= 20
        for start, lines in console_blocks(DOC_TEXT):
            for line in lines:
                if line.startswith("$ "):
                    assert line.startswith("$ msqa-search "), f"docs/cli.md:{start}: {line}"

    def test_every_command_has_an_example(self):
        """Each command is run by at least one example; the default search too."""
        run = {shlex.split(e.command)[1] for e in EXAMPLES}
        assert set(cli.commands) <= run
        assert any(shlex.split(e.command)[1] not in cli.commands for e in EXAMPLES)

    @pytest.mark.parametrize("example", EXAMPLES, ids=[f"line{e.line}" for e in EXAMPLES])
    def test_example(self, workspace, example):
        """The example prints exactly the output shown under it in docs/cli.md."""
        args, pipe = split_pipe(example.command)
        result = CliRunner().invoke(cli, args, prog_name="msqa-search")

        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
        if pipe is None:
            if UPDATING:
                ACTUAL[example.line] = normalise(result.output)
            assert normalise(example.output) == normalise(result.output), f"docs/cli.md:{example.line}"
            return
        if shutil.which("jq") is None:
            pytest.skip("jq is not installed")
        assert (0, "") == (result.exit_code, result.stderr), f"docs/cli.md:{example.line}"
        jq = subprocess.run(pipe, input=result.stdout, capture_output=True, encoding="utf-8", timeout=60)
        assert "" == jq.stderr
        if UPDATING:
            ACTUAL[example.line] = jq.stdout
        assert example.output == jq.stdout, f"docs/cli.md:{example.line}"


def all_options() -> list[tuple[str, str]]:
    """(command, option) for every option of the group and of each command, --help included.

    The contexts carry the group's settings, as when msqa-search runs: click caches each
    command's help option, and a bare context would cache one without -h.
    """
    root = click.Context(cli, info_name="msqa-search", **cli.context_settings)
    contexts = [root, *(click.Context(c, parent=root, info_name=name) for name, c in cli.commands.items())]
    return [
        (ctx.command_path, option)
        for ctx in contexts
        for param in ctx.command.get_params(ctx)
        if isinstance(param, click.Option)
        for option in (*param.opts, *param.secondary_opts)
    ]


def section(name: str) -> str:
    """The text of the section whose heading names the command in backquotes, up to the next heading."""
    match = re.search(rf"^(#+) [^\n]*`{re.escape(name)}`[^\n]*$", DOC_TEXT, re.M)
    assert match, f"no heading for the {name} command"
    rest = DOC_TEXT[match.end():]
    end = re.search(rf"^#{{1,{len(match[1])}}} ", rest, re.M)
    return rest[: end.start() if end else len(rest)]


def mentioned(option: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text) is not None


class TestDocCoverage:
    @pytest.mark.parametrize("name", sorted(cli.commands))
    def test_command_is_documented(self, name):
        """Every command has a section in docs/cli.md."""
        assert f"msqa-search {name}" in DOC_TEXT
        assert section(name).strip()

    @pytest.mark.parametrize(("where", "option"), all_options())
    def test_option_is_documented(self, where, option):
        """Every option of every command appears in that command's section of docs/cli.md."""
        name = where.split()[-1]
        text = DOC_TEXT if name == "msqa-search" else section(name)
        assert mentioned(option, text), f"{where} {option} is not in its section of docs/cli.md"

    @pytest.mark.parametrize("name", ["MSQA_SEARCH_INDEX", "NO_COLOR", "_MSQA_SEARCH_COMPLETE", "XDG_DATA_HOME"])
    def test_environment_is_documented(self, name):
        """The environment variables the CLI reads are documented."""
        assert name in DOC_TEXT
