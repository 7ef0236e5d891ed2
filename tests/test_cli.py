"""The msqa-search command line: output, options, exit codes and the console script.

Every test points the CLI at an index under tmp_path (--index or MSQA_SEARCH_INDEX),
and HOME / XDG_DATA_HOME are tmp folders too, so the user's own default index is never
read or written.
"""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import msqa_search
from msqa_search import build_index, read_thread, read_threads, to_dict
from msqa_search.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_000 = SEEDS / "000_19f0a23f49198bfd.txt"
SEED_001 = SEEDS / "001_7bed0a8b883f696a.txt"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
COMMANDS = ("search", "index", "show", "stats", "parse")
RESULT_KEYS = {
    "query", "total", "hits", "facets", "suggestion", "searched", "page", "limit",
    "group_by_thread", "elapsed",
}
HIT_KEYS = {
    "answer_id", "thread_id", "thread_title", "position", "title", "body", "doctor",
    "score", "highlights", "thread_hits", "cut",
}
DOCTOR_KEYS = {"name", "credentials", "city", "specialty", "rating", "reviews", "badges"}


# -- fixtures and helpers -------------------------------------------------------------


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    """An index of seeds/, built once for the module; tests only read it."""
    path = tmp_path_factory.mktemp("seed-index") / "index"
    build_index(read_threads([SEEDS]), path).close()
    return path


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """A tmp HOME and XDG_DATA_HOME, and no MSQA_SEARCH_INDEX or NO_COLOR from outside."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "home"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("MSQA_SEARCH_INDEX", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("MSQA_SEARCH_SYNONYMS", raising=False)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def run(runner, index_dir):
    """Run msqa-search against the seed index; happy paths let exceptions through."""

    def run(*args: str, ok: bool = True, env: dict | None = None, color: bool = False):
        return runner.invoke(
            cli, list(args), prog_name="msqa-search",
            env={"MSQA_SEARCH_INDEX": str(index_dir), **(env or {})},
            catch_exceptions=not ok, color=color,
        )

    return run


def search_json(run, *args: str) -> dict:
    """The --json document of a search that matches."""
    result = run(*args, "--json")
    assert 0 == result.exit_code, result.output
    return json.loads(result.stdout)


def assert_error(result, code: int, message: str, usage: str | None = None) -> None:
    """Exit ``code``, ``message`` as the one line on stderr (after click's usage lines),
    nothing on stdout and no traceback."""
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    lines = result.stderr.splitlines()
    if usage is not None:
        assert [f"Usage: {usage}", f"Try '{usage.split(' [')[0]} --help' for help.", ""] == lines[:3]
        lines = lines[3:]
    assert [message] == lines[:1]
    assert 1 == len(lines), f"expected one line on stderr, got {len(lines)}: {lines}"
    assert "" == result.stdout
    assert code == result.exit_code


def hit_ids(data: dict) -> list[str]:
    return [hit["answer_id"] for hit in data["hits"]]


def copy_seeds(folder: Path) -> Path:
    """A copy of seeds/ to change or add to (seeds/ itself is never written)."""
    shutil.copytree(SEEDS, folder)
    return folder


# -- the default command --------------------------------------------------------------


class TestDefaultCommand:
    def test_query_alone_is_a_search(self, run):
        """`msqa-search QUERY` prints exactly what `msqa-search search QUERY` prints."""
        implicit = run("botox contraindication")
        explicit = run("search", "botox contraindication")

        assert 0 == implicit.exit_code
        assert (explicit.stdout, explicit.stderr, explicit.exit_code) == (
            implicit.stdout, implicit.stderr, implicit.exit_code,
        )
        assert implicit.stdout.startswith(" 1. ")

    def test_options_before_the_query(self, run):
        """Options may come before the query of the default search."""
        result = run("--limit", "1", "--no-facets", "botox")

        assert 0 == result.exit_code
        assert "16 answers match 'botox'; showing 1-1" == result.stdout.splitlines()[-1]

    def test_command_name_as_query_needs_search(self, run):
        """A query that is a command's name is searched with the word search in front."""
        result = run("search", "stats", "--no-synonyms", ok=False)

        assert 1 == result.exit_code
        assert "msqa-search: no answers match 'stats'.\n" == result.stderr


# -- search: text output ----------------------------------------------------------------


# One answer pinned by --doctor, so that the text does not depend on the ranking.
ISHOO_HIT = """\
 1. Cosmetic Botox in MS patients  [000_19f0a23f49198bfd#6]
    Edwin Ishoo, MD · Facial Plastic Surgeon · Cambridge · ★ 4.4 (20 reviews)
    Q: Is there any evidence that MS patients have antibodies that reject Botox & other cosmetic
    treatments?
    … In my practice, diagnosis of MS is an absolute contraindication to use of Botox for cosmetic
    purposes unless the patient's neurologist clears them for the treatment …
"""

ISHOO_FACETS = """\
Specialty  (1 value)
  Facial Plastic Surgeon      1  ████████████████████

City  (1 value)
  Cambridge      1  ████████████████████

Rating  (1 value)
  4.0-4.5      1  ████████████████████

Doctor  (1 value)
  Edwin Ishoo      1  ████████████████████
"""

# Facet tables over the 16 answers that mention Botox (all of them).
SPECIALTY_TABLE = """\
Specialty  (7 values)
  Plastic Surgeon             5  ████████████████████
  Dermatologist               4  ████████████████
  Dermatologic Surgeon        2  ████████
  Facial Plastic Surgeon      2  ████████
  Oculoplastic Surgeon        1  ████
  Phlebologist                1  ████
  unknown                     1  ████
"""

CITY_TABLE = """\
City  (12 values)
  New York            4  ████████████████████
  San Diego           2  ██████████
  Beverly Hills       1  █████
  Buffalo             1  █████
  Cambridge           1  █████
  East Brunswick      1  █████
  Lake Oswego         1  █████
  Manhattan           1  █████
  … 4 more
"""

RATING_TABLE = """\
Rating  (4 values)
  4.8-5.0     10  ████████████████████
  4.5-4.8      3  ██████
  4.0-4.5      2  ████
  unrated      1  ██
"""

DOCTOR_TABLE = """\
Doctor  (14 values)
  unknown                    3  ████████████████████
  Bryan K. Chen              1  ███████
  David Shafer               1  ███████
  Edwin Ishoo                1  ███████
  Hratch Karamanoukian       1  ███████
  Keith Denkler              1  ███████
  Kenneth D. Steinsapir      1  ███████
  Kenneth R. Francis         1  ███████
  … 6 more
"""


class TestSearchText:
    def test_whole_page(self, run):
        """A hit (rank, title, id, doctor card, question, snippets), the summary, then facet tables."""
        result = run("botox", "--doctor", "Edwin Ishoo")

        assert 0 == result.exit_code
        assert "" == result.stderr
        assert ISHOO_HIT + "\n" + "1 answer matches 'botox'; showing 1-1\n" + "\n" + ISHOO_FACETS == result.stdout

    def test_facet_tables(self, run):
        """Facet tables list the top eight values with counts over all matches, and how many more."""
        result = run("botox", "--limit", "1")

        assert result.stdout.endswith(
            "16 answers match 'botox'; showing 1-1\n"
            + "\n" + SPECIALTY_TABLE + "\n" + CITY_TABLE + "\n" + RATING_TABLE + "\n" + DOCTOR_TABLE
        )

    def test_hits_follow_the_json(self, run):
        """Each hit's first lines show its rank, title, id and doctor card, in the order of --json."""
        data = search_json(run, "botox contraindication", "--limit", "3")
        text = run("botox contraindication", "--limit", "3", "--no-facets").stdout
        blocks = text.split("\n\n")

        assert 4 == len(blocks)
        for rank, (hit, block) in enumerate(zip(data["hits"], blocks), start=1):
            lines = block.splitlines()
            assert f"{rank:>2}. {hit['title']}  [{hit['answer_id']}]" == lines[0]
            assert lines[1].startswith("    ") and hit["doctor"]["specialty"] in lines[1]
            first_snippet = next(i for i, line in enumerate(lines) if line.startswith("    … "))
            assert f"Q: {hit['thread_title']}" == " ".join(line.strip() for line in lines[2:first_snippet])
            snippets = " ".join(line.strip() for line in lines[first_snippet:])
            assert " ".join(
                "… " + " ".join("".join(piece for piece, _ in fragment).split()) + " …"
                for fragment in hit["highlights"]
            ) == snippets
        assert "16 answers match 'botox contraindication'; showing 1-3\n" == blocks[-1]

    def test_unsigned_answer_card(self, run):
        """An answer without a doctor card shows 'unsigned answer' as its card line."""
        result = run("botox", "--specialty", "unknown", "--no-facets")

        assert [
            " 1. No elective chemically active injections for MS patients  [001_7bed0a8b883f696a#3]",
            "    unsigned answer",
            "    Q: Having Restylane or Botox Despite Multiple Sclerosis?",
        ] == result.stdout.splitlines()[:3]

    def test_suggestion_is_searched_when_query_has_no_hits(self, run):
        """A misspelled query with no hits says so and shows the hits of its correction."""
        result = run("botx", "--limit", "1", "--no-facets")

        assert 0 == result.exit_code
        lines = result.stdout.splitlines()
        assert ["No answers match 'botx'; showing results for 'botox'.", ""] == lines[:2]
        assert lines[2].startswith(" 1. ")
        assert "16 answers match 'botox'; showing 1-1" == lines[-1]

    def test_suggestion_after_hits(self, run):
        """A query that matches but looks misspelled ends with a suggested spelling."""
        result = run("botox contraindicaton", "--limit", "1", "--no-facets")

        assert 0 == result.exit_code
        assert result.stdout.endswith(
            "16 answers match 'botox contraindicaton'; showing 1-1\n\nDid you mean 'botox contraindication'?\n"
        )
        assert "" == result.stderr

    def test_page_past_the_end(self, run):
        """A page after the last hit shows no hits but still the summary; exit 0."""
        result = run("botox", "--page", "50", "--no-facets")

        assert 0 == result.exit_code
        assert "16 answers match 'botox'; showing none\n" == result.stdout


class TestSearchOptions:
    def test_limit(self, run):
        """--limit sets the number of hits on the page."""
        data = search_json(run, "botox", "--limit", "3")
        text = run("botox", "--limit", "3", "--no-facets").stdout

        assert 3 == len(data["hits"])
        assert 16 == data["total"]
        assert ["1", "2", "3"] == re.findall(r"^ ?(\d+)\. ", text, re.M)
        assert text.endswith("16 answers match 'botox'; showing 1-3\n")

    def test_page(self, run):
        """--page 2 shows the hits that follow page 1, ranked on from where it ended."""
        first_four = hit_ids(search_json(run, "botox", "--limit", "4"))
        page_two = search_json(run, "botox", "--limit", "2", "--page", "2")
        text = run("botox", "--limit", "2", "--page", "2", "--no-facets").stdout

        assert first_four[2:] == hit_ids(page_two)
        assert 2 == page_two["page"]
        assert ["3", "4"] == re.findall(r"^ ?(\d+)\. ", text, re.M)
        assert text.endswith("16 answers match 'botox'; showing 3-4\n")

    def test_specialty(self, run):
        """--specialty keeps answers of that specialty, in any case; facets count only them."""
        data = search_json(run, "botox", "--specialty", "dermatologist")

        assert 4 == data["total"]
        assert {"Dermatologist"} == {hit["doctor"]["specialty"] for hit in data["hits"]}
        assert [{"value": "Dermatologist", "count": 4}] == data["facets"]["specialty"]

    def test_specialty_unknown(self, run):
        """--specialty unknown keeps the answers without a specialty."""
        data = search_json(run, "botox", "--specialty", "unknown")

        assert ["001_7bed0a8b883f696a#3"] == hit_ids(data)
        assert None is data["hits"][0]["doctor"]

    def test_city(self, run):
        """--city keeps answers by doctors in that city, in any case."""
        data = search_json(run, "botox", "--city", "new york")

        assert 4 == data["total"]
        assert {"New York"} == {hit["doctor"]["city"] for hit in data["hits"]}

    def test_doctor(self, run):
        """--doctor keeps the answers of the doctor with that name."""
        data = search_json(run, "botox", "--doctor", "Marla M. Klein")

        assert ["000_19f0a23f49198bfd#2"] == hit_ids(data)
        assert [{"value": "Marla M. Klein", "count": 1}] == data["facets"]["doctor"]

    def test_min_rating(self, run):
        """--min-rating keeps doctors rated at least that; the summary counts only them."""
        data = search_json(run, "botox", "--min-rating", "4.9")
        text = run("botox", "--min-rating", "4.9", "--no-facets").stdout

        assert 8 == data["total"]
        assert all(hit["doctor"]["rating"] >= 4.9 for hit in data["hits"])
        assert text.endswith("8 answers match 'botox'; showing 1-8\n")

    def test_filters_combine(self, run):
        """Filters combine with AND."""
        data = search_json(run, "botox", "--city", "New York", "--min-rating", "4.8")

        assert ["000_19f0a23f49198bfd#7", "001_7bed0a8b883f696a#6"] == sorted(hit_ids(data))

    def test_sort_relevance_is_the_default(self, run):
        """--sort relevance gives the default order, best score first."""
        default = search_json(run, "botox contraindication")
        relevance = search_json(run, "botox contraindication", "--sort", "relevance")
        scores = [hit["score"] for hit in default["hits"]]

        assert hit_ids(default) == hit_ids(relevance)
        assert sorted(scores, reverse=True) == scores

    def test_sort_rating(self, run):
        """--sort rating puts the best-rated doctors first, ties by number of reviews."""
        data = search_json(run, "botox", "--sort", "rating", "--limit", "8")

        assert [
            (5.0, 78), (5.0, 19), (5.0, 8), (5.0, 5), (5.0, 4), (5.0, 4), (4.9, 75), (4.9, 26),
        ] == [(hit["doctor"]["rating"], hit["doctor"]["reviews"]) for hit in data["hits"]]

    def test_sort_reviews(self, run):
        """--sort reviews puts the most-reviewed doctors first."""
        data = search_json(run, "botox", "--sort", "reviews", "--limit", "5")

        assert [78, 75, 48, 46, 41] == [hit["doctor"]["reviews"] for hit in data["hits"]]

    def test_facet_is_repeatable(self, run):
        """--facet NAME, repeated, chooses which facets are counted and shown, in that order."""
        data = search_json(run, "botox contraindication", "--facet", "city", "--facet", "specialty")
        text = run("botox contraindication", "--limit", "2", "--facet", "city", "--facet", "specialty").stdout

        assert ["city", "specialty"] == list(data["facets"])
        assert text.endswith(
            "16 answers match 'botox contraindication'; showing 1-2\n\n" + CITY_TABLE + "\n" + SPECIALTY_TABLE
        )

    def test_rating_facet(self, run):
        """The rating facet counts answers by rating band."""
        data = search_json(run, "botox contraindication", "--facet", "rating")

        assert {"rating": [
            {"value": "4.8-5.0", "count": 10},
            {"value": "4.5-4.8", "count": 3},
            {"value": "4.0-4.5", "count": 2},
            {"value": "unrated", "count": 1},
        ]} == data["facets"]

    def test_no_facets(self, run):
        """--no-facets prints no facet tables and gives an empty facets object."""
        data = search_json(run, "botox", "--no-facets")
        text = run("botox", "--no-facets").stdout

        assert {} == data["facets"]
        assert text.endswith("16 answers match 'botox'; showing 1-10\n")
        assert "Specialty  (" not in text

    def test_group_by_thread(self, run):
        """--group-by-thread shows each thread's best answer, how many more matched, and counts threads."""
        data = search_json(run, "botox", "--group-by-thread")
        text = run("botox", "--group-by-thread", "--no-facets").stdout

        assert 2 == data["total"]
        assert data["group_by_thread"] is True
        assert {("001_7bed0a8b883f696a", 7), ("000_19f0a23f49198bfd", 9)} == {
            (hit["thread_id"], hit["thread_hits"]) for hit in data["hits"]
        }
        first = data["hits"][0]
        assert [
            f" 1. {first['title']}  [{first['answer_id']}]",
            f"    +{first['thread_hits'] - 1} more matching answers in this thread",
        ] == [text.splitlines()[0], text.splitlines()[2]]
        assert text.endswith("2 threads match 'botox'; showing 1-2\n")

    def test_synonyms_by_default(self, run):
        """Without --no-synonyms a word finds its medical synonyms."""
        data = search_json(run, "neurotoxin", "--no-facets")

        assert 16 == data["total"]

    def test_no_synonyms(self, run):
        """--no-synonyms searches the words only: no synonyms, no typo tolerance, no suggestion."""
        synonym = run("neurotoxin", "--no-synonyms", ok=False)
        typo = run("spasticity", "--no-synonyms", ok=False)
        misspelled = run("insulinn", "--no-synonyms", ok=False)

        assert (1, "msqa-search: no answers match 'neurotoxin'.\n") == (synonym.exit_code, synonym.stderr)
        assert (1, "msqa-search: no answers match 'spasticity'.\n") == (typo.exit_code, typo.stderr)
        assert (1, "msqa-search: no answers match 'insulinn'.\n") == (misspelled.exit_code, misspelled.stderr)
        assert 1 == search_json(run, "spasticity")["total"]

    def test_index_option_overrides_the_environment(self, runner, index_dir, tmp_path):
        """--index wins over MSQA_SEARCH_INDEX."""
        result = runner.invoke(
            cli, ["botox", "--index", str(index_dir), "--no-facets", "--limit", "1"],
            env={"MSQA_SEARCH_INDEX": str(tmp_path / "missing")}, catch_exceptions=False,
        )

        assert 0 == result.exit_code
        assert result.stdout.endswith("16 answers match 'botox'; showing 1-1\n")


class TestSearchJson:
    def test_document_shape(self, run):
        """--json prints one document: the query, total, hits, facets, suggestion and the page."""
        data = search_json(run, "botox contraindication", "--limit", "2")

        assert RESULT_KEYS == set(data)
        assert 2 == len(data["hits"])
        assert (
            "botox contraindication", 16, None, None, 1, 2, False,
        ) == (
            data["query"], data["total"], data["suggestion"], data["searched"], data["page"],
            data["limit"], data["group_by_thread"],
        )
        assert isinstance(data["elapsed"], float)
        assert all(HIT_KEYS == set(hit) for hit in data["hits"])
        assert all(DOCTOR_KEYS == set(hit["doctor"]) for hit in data["hits"] if hit["doctor"] is not None)
        assert ["specialty", "city", "rating", "doctor"] == list(data["facets"])
        assert {"value": "Plastic Surgeon", "count": 5} == data["facets"]["specialty"][0]
        assert 14 == len(data["facets"]["doctor"])  # all values, not only the top 8

    def test_hits(self, run):
        """Each hit carries its answer id, doctor card and highlighted fragments."""
        hit, = search_json(run, "botox contraindication", "--doctor", "Edwin Ishoo")["hits"]

        assert HIT_KEYS == set(hit)
        assert {
            "name": "Edwin Ishoo", "credentials": ["MD"], "city": "Cambridge",
            "specialty": "Facial Plastic Surgeon", "rating": 4.4, "reviews": 20, "badges": [],
        } == hit["doctor"]
        assert ("000_19f0a23f49198bfd#6", "000_19f0a23f49198bfd", 6, "Cosmetic Botox in MS patients") == (
            hit["answer_id"], hit["thread_id"], hit["position"], hit["title"],
        )
        assert 1 <= len(hit["highlights"]) <= 3
        for fragment in hit["highlights"]:
            assert all(isinstance(text, str) and isinstance(matched, bool) for text, matched in fragment)
            assert "".join(text for text, _ in fragment) in hit["body"]
        matched = {text.lower() for fragment in hit["highlights"] for text, on in fragment if on}
        assert {"botox", "contraindication"} <= matched

    def test_suggestion_fields(self, run):
        """A misspelled query has its correction in suggestion and, when searched instead, in searched."""
        data = search_json(run, "botx", "--limit", "1")

        assert ("botx", "botox", "botox", 16) == (
            data["query"], data["suggestion"], data["searched"], data["total"],
        )

    def test_no_colour_in_json(self, run):
        """--json output has no ANSI codes, even with --color."""
        result = run("botox", "--json", "--color", color=True)

        assert not ANSI.search(result.stdout)
        json.loads(result.stdout)

    def test_no_match_still_prints_the_document(self, run):
        """With --json and no match, the document (total 0) is printed and the exit code is 1."""
        result = run("xyzzyq", "--json", ok=False)

        assert 1 == result.exit_code
        assert (0, []) == (json.loads(result.stdout)["total"], json.loads(result.stdout)["hits"])
        assert "msqa-search: no answers match 'xyzzyq'.\n" == result.stderr


class TestColour:
    def test_color_flag_adds_ansi_codes(self, run):
        """--color colours the output even when stdout is not a terminal (e.g. for less -R)."""
        result = run("botox", "--limit", "1", "--color")

        assert 0 == result.exit_code
        assert "\x1b[" in result.stdout

    def test_no_color_flag(self, run):
        """--no-color prints no ANSI codes where colour would be allowed."""
        result = run("botox", "--limit", "1", "--no-color", color=True)

        assert 0 == result.exit_code
        assert "\x1b[" not in result.stdout

    def test_no_colour_off_a_terminal(self, run):
        """By default, output that is not a terminal is not coloured."""
        result = run("botox", "--limit", "1")

        assert "\x1b[" not in result.stdout

    def test_no_color_env(self, run):
        """NO_COLOR set: no ANSI codes, even when the runner lets colour through."""
        result = run("botox", "--limit", "1", env={"NO_COLOR": "1"}, color=True)

        assert 0 == result.exit_code
        assert "\x1b[" not in result.stdout

    def test_colour_styles_are_the_only_difference(self, run):
        """Coloured output is the plain output with ANSI codes added."""
        plain = run("botox contraindication", "--limit", "2").stdout
        coloured = run("botox contraindication", "--limit", "2", "--color", color=True).stdout

        assert "\x1b[" in coloured
        assert plain == ANSI.sub("", coloured)

    def test_show_color_flag(self, run):
        """show --color colours the answer even when stdout is not a terminal."""
        result = run("show", "000_19f0a23f49198bfd#6", "--color")

        assert "\x1b[" in result.stdout


# -- on a real terminal ---------------------------------------------------------------


def console_command() -> list[str]:
    """The installed console script, or python -m msqa_search when it is not installed."""
    script = shutil.which("msqa-search", path=os.path.dirname(sys.executable)) or shutil.which("msqa-search")
    return [script] if script else [sys.executable, "-m", "msqa_search"]


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment for a subprocess: tmp HOME and data dir, no index or colour settings."""
    env = {k: v for k, v in os.environ.items() if k not in ("MSQA_SEARCH_INDEX", "NO_COLOR", "MSQA_SEARCH_SYNONYMS")}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "xdg-data"),
               USERPROFILE=str(tmp_path / "home"), LOCALAPPDATA=str(tmp_path / "xdg-data"),
               PYTHONIOENCODING="utf-8", **extra)
    return env


def run_on_tty(args: list[str], env: dict[str, str]) -> bytes:
    """Run the CLI with stdout on a pseudo-terminal; return what it wrote there."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    try:
        proc = subprocess.run(console_command() + args, stdout=slave, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, env=env, timeout=120)
    finally:
        os.close(slave)
    chunks = []
    try:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the terminal is closed and drained
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(master)
    assert 0 == proc.returncode, proc.stderr
    return b"".join(chunks)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
class TestTerminal:
    def test_terminal_is_coloured(self, tmp_path, index_dir):
        """On a terminal the output is coloured by default."""
        out = run_on_tty(["botox", "--limit", "1", "--no-facets"], clean_env(tmp_path, MSQA_SEARCH_INDEX=str(index_dir)))

        assert b"\x1b[" in out

    def test_no_color_on_a_terminal(self, tmp_path, index_dir):
        """NO_COLOR set: no ANSI codes, even on a terminal."""
        env = clean_env(tmp_path, MSQA_SEARCH_INDEX=str(index_dir), NO_COLOR="1")
        out = run_on_tty(["botox", "--limit", "1", "--no-facets"], env)

        assert out.startswith(b" 1. ")
        assert b"\x1b[" not in out

    def test_color_flag_beats_no_color(self, tmp_path, index_dir):
        """--color colours a terminal's output even with NO_COLOR set."""
        env = clean_env(tmp_path, MSQA_SEARCH_INDEX=str(index_dir), NO_COLOR="1")
        out = run_on_tty(["botox", "--limit", "1", "--no-facets", "--color"], env)

        assert b"\x1b[" in out


# -- exit codes and errors --------------------------------------------------------------


SEARCH_USAGE = "msqa-search search [OPTIONS] QUERY"


class TestSearchExitCodes:
    def test_matches_exit_0(self, run):
        """Answers match: exit 0, nothing on stderr."""
        result = run("botox")

        assert (0, "") == (result.exit_code, result.stderr)

    def test_no_match_exits_1(self, run):
        """No answers match: exit 1, nothing on stdout, the reason on stderr."""
        result = run("xyzzyq", ok=False)

        assert (1, "", "msqa-search: no answers match 'xyzzyq'.\n") == (
            result.exit_code, result.stdout, result.stderr,
        )

    def test_no_match_with_suggestion(self, run):
        """No match even for the correction: exit 1, and stderr says what was meant."""
        result = run("insulinn", ok=False)

        assert 1 == result.exit_code
        assert "msqa-search: no answers match 'insulinn'. Did you mean 'insulin'?\n" == result.stderr

    def test_no_match_with_filter_and_suggestion(self, run):
        """A filter that leaves nothing: exit 1 with the suggestion on stderr."""
        result = run("botx", "--specialty", "nobody", ok=False)

        assert 1 == result.exit_code
        assert "msqa-search: no answers match 'botx'. Did you mean 'botox'?\n" == result.stderr

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--limit", "0"], "Error: Invalid value for '--limit': 0 is not in the range 1<=x<=1000."),
            (["--limit", "ten"], "Error: Invalid value for '--limit': 'ten' is not a valid integer range."),
            (["--page", "0"], "Error: Invalid value for '--page': 0 is not in the range x>=1."),
            (["--min-rating", "6"], "Error: Invalid value for '--min-rating': 6.0 is not in the range 0<=x<=5."),
            (["--sort", "date"], "Error: Invalid value for '--sort': 'date' is not one of 'relevance', 'rating', 'reviews'."),
            (["--facet", "price"], "Error: Invalid value for '--facet': 'price' is not one of 'specialty', 'city', 'rating', 'doctor'."),
            (["--frobnicate"], "Error: No such option '--frobnicate'."),
        ],
        ids=["limit-0", "limit-text", "page-0", "min-rating-6", "sort", "facet", "unknown-option"],
    )
    def test_bad_option_value(self, run, args, message):
        """A bad option value: click's usage lines, one error line, exit 2."""
        result = run("botox", *args, ok=False)

        assert_error(result, 2, message, usage=SEARCH_USAGE)

    def test_missing_query(self, run):
        """search without a query is a usage error, exit 2."""
        result = run("search", ok=False)

        assert_error(result, 2, "Error: Missing argument 'QUERY'.", usage=SEARCH_USAGE)

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("", "Error: the query is empty. Type some words to search for"),
            ("   ", "Error: the query is empty. Type some words to search for"),
            ("the can", "Error: the query has no words to search for. Function words such as 'the'"
             " or 'can' and lone operators are not searched; add a word that carries meaning"),
            ('"', "Error: the query has no words to search for. Function words such as 'the'"
             " or 'can' and lone operators are not searched; add a word that carries meaning"),
            ("AND", "Error: the query has no words to search for. Function words such as 'the'"
             " or 'can' and lone operators are not searched; add a word that carries meaning"),
            ("botox " * 700, "Error: the query is 4,200 characters long. Use at most 4,000 characters;"
             " a few distinctive words work best"),
        ],
        ids=["empty", "blank", "function-words", "lone-quote", "lone-operator", "too-long"],
    )
    def test_bad_query(self, run, query, message):
        """An empty or malformed query: one clear error line, exit 2."""
        result = run(query, ok=False)

        assert_error(result, 2, message)

    def test_missing_index_option(self, runner, tmp_path):
        """--index naming a folder that does not exist: one error line, exit 2."""
        missing = tmp_path / "nowhere"
        result = runner.invoke(cli, ["botox", "--index", str(missing)], prog_name="msqa-search")

        assert_error(
            result, 2,
            f"Error: no index at {missing}. Build one with `msqa-search index --index {missing}"
            " THREADS...` (or build_index() in Python).",
        )

    def test_missing_index_env(self, runner, tmp_path):
        """MSQA_SEARCH_INDEX naming a folder that does not exist: the same error."""
        missing = tmp_path / "nowhere"
        result = runner.invoke(cli, ["botox"], env={"MSQA_SEARCH_INDEX": str(missing)})

        assert_error(
            result, 2,
            f"Error: no index at {missing}. Build one with `msqa-search index --index {missing}"
            " THREADS...` (or build_index() in Python).",
        )

    def test_folder_without_index(self, runner, tmp_path):
        """An existing folder that holds no index: one error line, exit 2."""
        result = runner.invoke(cli, ["botox", "--index", str(tmp_path)])

        assert_error(
            result, 2,
            f"Error: {tmp_path} holds no msqa-search index. Rebuild it with"
            f" `msqa-search index --rebuild --index {tmp_path} THREADS...` (or build_index() in Python).",
        )


def damaged_copy(index_dir: Path, tmp_path: Path, how: str) -> Path:
    """A copy of the seed index, damaged in one way."""
    copy = tmp_path / f"damaged-{how}"
    shutil.copytree(index_dir, copy)
    generation = next(copy.glob("gen-*"))
    if how == "current":
        (copy / "CURRENT").write_text("garbage\n", encoding="utf-8")
    elif how == "segment":
        segment = next(generation.glob("*.pst"))
        data = segment.read_bytes()
        segment.write_bytes(data[: len(data) // 3])
    elif how == "toc":
        next(generation.glob("*.toc")).write_bytes(b"\x00garbage" * 10)
    elif how == "meta":
        (generation / "msqa-index.json").unlink()
    return copy


class TestDamagedIndex:
    # Whoosh leaves a file open when it trips over damage; that is reported (as a
    # ResourceWarning) by test_no_file_left_open alone, so that these tests check the message.
    @pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
    @pytest.mark.parametrize("how", ["current", "segment", "toc", "meta"])
    @pytest.mark.parametrize("args", [["botox"], ["show", "000_19f0a23f49198bfd#6"], ["stats"]],
                             ids=["search", "show", "stats"])
    def test_damaged_index(self, runner, index_dir, tmp_path, how, args):
        """A damaged index: one line saying so and how to rebuild it, exit 2."""
        if (how, args) == ("segment", ["stats"]):
            pytest.skip("stats reads no postings, so it cannot see them damaged; search does")
        copy = damaged_copy(index_dir, tmp_path, how)
        result = runner.invoke(cli, [*args, "--index", str(copy)], prog_name="msqa-search")
        try:
            assert_error(result, 2, result.stderr.splitlines()[0] if result.stderr else "<nothing on stderr>")
            message = result.stderr.rstrip("\n")
            assert message.startswith(f"Error: the index at {copy} is damaged")
            assert message.endswith(
                f"Rebuild it with `msqa-search index --rebuild --index {copy} THREADS...` (or build_index() in Python)."
            )
        finally:
            # The result holds the error's traceback and with it any file left open;
            # collect it now so that nothing is reported in a later test.
            del result
            gc.collect()

    @pytest.mark.parametrize("how", ["segment", "toc"])
    def test_no_file_left_open(self, runner, index_dir, tmp_path, how):
        """A search of a damaged index closes the index files it opened (no ResourceWarning)."""
        copy = damaged_copy(index_dir, tmp_path, how)
        result = runner.invoke(cli, ["botox", "--index", str(copy)], prog_name="msqa-search")
        assert 2 == result.exit_code
        del result
        gc.collect()  # an unclosed file is reported here, and fails this test


# -- index --------------------------------------------------------------------------


class TestIndex:
    def test_build(self, runner, tmp_path):
        """A first run builds the index and says how many threads and answers it added."""
        target = tmp_path / "ix"
        result = runner.invoke(cli, ["index", str(SEEDS), "--index", str(target)], catch_exceptions=False)

        assert 0 == result.exit_code
        assert f"Built the index at {target}: 2 threads added, 16 answers added; 0 files skipped.\n" == result.stdout
        assert "" == result.stderr
        found = runner.invoke(cli, ["botox", "--index", str(target), "--json"], catch_exceptions=False)
        assert 16 == json.loads(found.stdout)["total"]

    def test_build_with_env(self, runner, tmp_path):
        """The index named by MSQA_SEARCH_INDEX is built when there is no --index."""
        target = tmp_path / "ix"
        result = runner.invoke(cli, ["index", str(SEEDS)], env={"MSQA_SEARCH_INDEX": str(target)},
                               catch_exceptions=False)

        assert f"Built the index at {target}: 2 threads added, 16 answers added; 0 files skipped.\n" == result.stdout
        assert (target / "CURRENT").is_file()

    def test_second_run_updates(self, runner, tmp_path):
        """Indexing the same threads again replaces them and says so."""
        target = tmp_path / "ix"
        runner.invoke(cli, ["index", str(SEEDS), "--index", str(target)], catch_exceptions=False)
        result = runner.invoke(cli, ["index", str(SEEDS), "--index", str(target)], catch_exceptions=False)

        assert 0 == result.exit_code
        assert (
            f"Updated the index at {target}: 0 threads added, 2 threads replaced, 0 answers added,"
            " 16 answers replaced, 0 answers removed; 0 files skipped.\n"
        ) == result.stdout

    def test_update_counts_added_replaced_removed(self, runner, tmp_path):
        """An update counts new threads, re-read threads, and answers added, replaced and removed."""
        target = tmp_path / "ix"
        runner.invoke(cli, ["index", str(SEEDS), "--index", str(target)], catch_exceptions=False)
        threads = copy_seeds(tmp_path / "threads")
        shortened = threads / SEED_000.name
        text = shortened.read_text(encoding="utf-8")
        shortened.write_text(text[: text.index("\nBotox in multiple sclerosis\n") + 1], encoding="utf-8")
        shutil.copy(SEED_001, threads / "002_extra.txt")

        result = runner.invoke(cli, ["index", str(threads), "--index", str(target)], catch_exceptions=False)

        assert 0 == result.exit_code
        assert (
            f"Updated the index at {target}: 1 thread added, 2 threads replaced, 7 answers added,"
            " 15 answers replaced, 1 answer removed; 0 files skipped.\n"
        ) == result.stdout
        assert f"warning: {shortened}: the page declares 9 answers but 8 were found\n" == result.stderr
        stats = json.loads(runner.invoke(cli, ["stats", "--json", "--index", str(target)]).stdout)
        assert (3, 22) == (stats["threads"], stats["answers"])

    def test_non_threads_are_skipped(self, runner, tmp_path):
        """Binary and empty files are reported as skipped; the others are indexed; exit 0."""
        threads = copy_seeds(tmp_path / "threads")
        (threads / "binary.txt").write_bytes(b"\x00\x01\x02 not text \x00")
        (threads / "empty.txt").write_bytes(b"")
        target = tmp_path / "ix"

        result = runner.invoke(cli, ["index", str(threads), "--index", str(target)], catch_exceptions=False)

        assert 0 == result.exit_code
        assert f"Built the index at {target}: 2 threads added, 16 answers added; 2 files skipped.\n" == result.stdout
        assert (
            f"skipped: {threads / 'binary.txt'}: line 1: binary data (NUL bytes), not a thread page\n"
            f"skipped: {threads / 'empty.txt'}: empty: no question title\n"
        ) == result.stderr
        assert "Traceback" not in result.output

    def test_missing_path_is_skipped(self, runner, tmp_path):
        """A path that does not exist is reported as skipped; the rest is indexed."""
        target = tmp_path / "ix"
        missing = tmp_path / "no-such-folder"
        result = runner.invoke(cli, ["index", str(missing), str(SEED_000), "--index", str(target)],
                               catch_exceptions=False)

        assert 0 == result.exit_code
        assert f"Built the index at {target}: 1 thread added, 9 answers added; 1 file skipped.\n" == result.stdout
        assert f"skipped: {missing}: no such file or folder\n" == result.stderr

    def test_warnings_per_file(self, runner, tmp_path):
        """A thread the parser had to work around is indexed, with a warning naming its file."""
        threads = tmp_path / "threads"
        threads.mkdir()
        warned = threads / "002_warned.txt"
        warned.write_text(
            SEED_000.read_text(encoding="utf-8").replace("Doctor Answers 9", "Doctor Answers 12"), encoding="utf-8",
        )
        shutil.copy(SEED_001, threads / SEED_001.name)
        target = tmp_path / "ix"

        result = runner.invoke(cli, ["index", str(threads), "--index", str(target)], catch_exceptions=False)

        assert 0 == result.exit_code
        assert f"warning: {warned}: the page declares 12 answers but 9 were found\n" == result.stderr
        assert f"Built the index at {target}: 2 threads added, 16 answers added; 0 files skipped.\n" == result.stdout

    def test_rebuild_replaces(self, runner, tmp_path):
        """--rebuild replaces the whole index with the threads given."""
        target = tmp_path / "ix"
        runner.invoke(cli, ["index", str(SEEDS), "--index", str(target)], catch_exceptions=False)

        result = runner.invoke(cli, ["index", "--rebuild", str(SEED_000), "--index", str(target)],
                               catch_exceptions=False)

        assert 0 == result.exit_code
        assert f"Built the index at {target}: 1 thread added, 9 answers added; 0 files skipped.\n" == result.stdout
        stats = json.loads(runner.invoke(cli, ["stats", "--json", "--index", str(target)]).stdout)
        assert (1, 9) == (stats["threads"], stats["answers"])
        gone = runner.invoke(cli, ["show", "001_7bed0a8b883f696a#1", "--index", str(target)])
        assert 2 == gone.exit_code

    def test_no_paths_with_index(self, runner, tmp_path):
        """index --index PATH without thread paths is a usage error, exit 2."""
        result = runner.invoke(cli, ["index", "--index", str(tmp_path / "ix")], prog_name="msqa-search")

        assert_error(result, 2, "Error: give thread files or folders to index",
                     usage="msqa-search index [OPTIONS] [PATHS]...")
        assert not (tmp_path / "ix").exists()

    def test_foreign_folder_keeps_its_files(self, runner, tmp_path):
        """A folder of other files gets the index beside them, and keeps them."""
        target = tmp_path / "notes"
        target.mkdir()
        (target / "keep.txt").write_text("mine", encoding="utf-8")

        result = runner.invoke(cli, ["index", str(SEEDS), "--index", str(target)], prog_name="msqa-search")

        assert 0 == result.exit_code, result.output
        assert "mine" == (target / "keep.txt").read_text(encoding="utf-8")


# -- show, stats, parse ---------------------------------------------------------------


SHOWN = """\
Cosmetic Botox in MS patients  [000_19f0a23f49198bfd#6]
Edwin Ishoo, MD · Facial Plastic Surgeon · Cambridge · ★ 4.4 (20 reviews)

In my practice, diagnosis of MS is an absolute contraindication to use of Botox for cosmetic
purposes unless the patient's neurologist clears them for the treatment.

Question  [000_19f0a23f49198bfd] 9 answers
  Is there any evidence that MS patients have antibodies that reject Botox & other cosmetic
  treatments?
"""


class TestShow:
    def test_text(self, run):
        """show prints the answer's title, id, doctor card, body and the question."""
        result = run("show", "000_19f0a23f49198bfd#6")

        assert 0 == result.exit_code
        assert SHOWN == result.stdout

    def test_json(self, run):
        """show --json prints the answer and its thread as records."""
        result = run("show", "000_19f0a23f49198bfd#6", "--json")
        data = json.loads(result.stdout)
        thread = read_thread(SEED_000)

        assert {"answer", "thread"} == set(data)
        assert to_dict(thread.answers[5]) == data["answer"]
        assert to_dict(thread)["answers"] == data["thread"]["answers"]
        assert ("000_19f0a23f49198bfd", str(SEED_000)) == (data["thread"]["id"], data["thread"]["source"])

    def test_no_color(self, run):
        """show --no-color prints no ANSI codes."""
        result = run("show", "000_19f0a23f49198bfd#6", "--no-color", color=True)

        assert SHOWN == result.stdout

    @pytest.mark.parametrize("answer_id", ["nope", "000_19f0a23f49198bfd#99", "#1"])
    def test_unknown_answer(self, run, answer_id):
        """An id that is not in the index: one error line, exit 2."""
        result = run("show", answer_id, ok=False)

        assert_error(
            result, 2,
            f"Error: no answer {answer_id!r} in the index; answer ids look like THREAD_ID#POSITION",
        )


class TestStats:
    def test_text(self, run, index_dir):
        """stats prints one labelled line per count."""
        result = run("stats")

        assert 0 == result.exit_code
        assert (
            f"index           {index_dir}\n"
            "threads         2\n"
            "answers         16\n"
            "doctors         13\n"
            "specialties     6\n"
            "cities          11\n"
            "schema version  1\n"
            "generation      gen-000001\n"
            "segments        1\n"
        ) == result.stdout

    def test_json(self, run, index_dir):
        """stats --json prints the same counts as one JSON object."""
        result = run("stats", "--json")

        assert {
            "path": str(index_dir), "threads": 2, "answers": 16, "doctors": 13, "specialties": 6,
            "cities": 11, "schema_version": 1, "generation": "gen-000001", "segments": 1,
        } == json.loads(result.stdout)


PARSED_001 = """\
001_7bed0a8b883f696a: Having Restylane or Botox Despite Multiple Sclerosis?
  7 answers (the page declares 7)
  #1 MS patients cleared by neurologist for Botox Cosmetic — unnamed doctor · Plastic Surgeon · East Brunswick · ★ 5.0 (4 reviews)
  #2 Restylane, Botox and multiple sclerosis — Bryan K. Chen, MD · Dermatologist · San Diego · ★ 5.0 (5 reviews)
  #3 No elective chemically active injections for MS patients — unsigned answer
  #4 Your dermatologist is being conservative — Kenneth D. Steinsapir, MD · Oculoplastic Surgeon · Beverly Hills · ★ 4.9 (26 reviews)
  #5 Botox with MS — Steven Wallach, MD · Plastic Surgeon · New York · ★ 4.1 (28 reviews)
  #6 If your neurologist gives you the green light then it is okay. — David Shafer, MD · Plastic Surgeon · New York · ★ 4.9 (75 reviews)
  #7 They are both right — Kenneth R. Francis, MD, FACS · Plastic Surgeon · Manhattan · ★ 4.6 (46 reviews)
"""


class TestParse:
    def test_text(self, runner):
        """parse prints each thread's id, title, answer count and one line per answer."""
        result = runner.invoke(cli, ["parse", str(SEED_001)], catch_exceptions=False)

        assert 0 == result.exit_code
        assert PARSED_001 == result.stdout
        assert "" == result.stderr

    def test_warnings(self, runner, tmp_path):
        """parse lists the parser's warnings under the thread."""
        warned = tmp_path / "002_warned.txt"
        warned.write_text(
            SEED_000.read_text(encoding="utf-8").replace("Doctor Answers 9", "Doctor Answers 12"), encoding="utf-8",
        )
        result = runner.invoke(cli, ["parse", str(warned)], catch_exceptions=False)

        lines = result.stdout.splitlines()
        assert ["  9 answers (the page declares 12)", "  warning: the page declares 12 answers but 9 were found"] == [
            lines[1], lines[-1],
        ]

    def test_json(self, runner):
        """parse --json prints a list of the threads as records."""
        result = runner.invoke(cli, ["parse", str(SEEDS), "--json"], catch_exceptions=False)

        assert 0 == result.exit_code
        assert [to_dict(t) for t in read_threads([SEEDS])] == json.loads(result.stdout)

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"\x7fELF\x02\x01\x01\x00\x00\x00", "line 1: binary data (NUL bytes), not a thread page"),
            (b"", "empty: no question title"),
        ],
        ids=["binary", "empty"],
    )
    def test_not_a_thread(self, runner, tmp_path, content, message):
        """A file that is not a thread: one 'skipped' line on stderr, exit 2."""
        bad = tmp_path / "bad.txt"
        bad.write_bytes(content)
        result = runner.invoke(cli, ["parse", str(bad)], prog_name="msqa-search")

        assert_error(result, 2, f"skipped: {bad}: {message}")

    def test_good_and_bad(self, runner, tmp_path):
        """Good files are still printed when another is skipped; the exit code is 2."""
        bad = tmp_path / "bad.txt"
        bad.write_bytes(b"\x00\x00\x00")
        result = runner.invoke(cli, ["parse", str(SEED_001), str(bad), "--json"])

        assert 2 == result.exit_code
        assert ["001_7bed0a8b883f696a"] == [t["id"] for t in json.loads(result.stdout)]
        assert f"skipped: {bad}: line 1: binary data (NUL bytes), not a thread page\n" == result.stderr

    def test_missing_file_argument(self, runner):
        """parse without FILE is a usage error, exit 2."""
        result = runner.invoke(cli, ["parse"], prog_name="msqa-search")

        assert_error(result, 2, "Error: Missing argument 'FILES...'.", usage="msqa-search parse [OPTIONS] FILES...")


# -- help, version, completion ------------------------------------------------------


class TestHelpAndVersion:
    @pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)], ids=["msqa-search", *COMMANDS])
    @pytest.mark.parametrize("flag", ["--help", "-h"])
    def test_help_has_an_example(self, runner, command, flag):
        """Every command's --help shows its usage and an Example line."""
        result = runner.invoke(cli, [*command, flag], prog_name="msqa-search", catch_exceptions=False)

        assert 0 == result.exit_code
        assert result.stdout.startswith(f"Usage: msqa-search {' '.join(command)}".rstrip() + " ")
        assert re.search(r"^\s*Examples?:$", result.stdout, re.M)
        assert re.search(r"^\s+msqa-search .+", result.stdout, re.M)

    def test_no_arguments_prints_help(self, runner):
        """msqa-search alone prints the group's help on stderr, exit 2."""
        result = runner.invoke(cli, [], prog_name="msqa-search")

        assert 2 == result.exit_code
        assert "" == result.stdout
        assert result.stderr.startswith("Usage: msqa-search [OPTIONS] COMMAND [ARGS]...\n")
        assert "Traceback" not in result.output

    def test_version(self, runner):
        """--version prints the program name and the package version."""
        result = runner.invoke(cli, ["--version"], prog_name="msqa-search", catch_exceptions=False)

        assert 0 == result.exit_code
        assert f"msqa-search, version {msqa_search.__version__}\n" == result.stdout


class TestCompletion:
    @pytest.mark.parametrize(
        ("shell", "marker"),
        [
            ("bash", "complete -o nosort -F _msqa_search_completion msqa-search"),
            ("zsh", "compdef _msqa_search_completion msqa-search"),
            ("fish", "complete --no-files --command msqa-search"),
        ],
    )
    def test_source_script(self, runner, shell, marker):
        """_MSQA_SEARCH_COMPLETE=SHELL_source prints the shell's completion script, exit 0."""
        result = runner.invoke(cli, [], prog_name="msqa-search",
                               env={"_MSQA_SEARCH_COMPLETE": f"{shell}_source"}, catch_exceptions=False)

        assert 0 == result.exit_code
        assert "_MSQA_SEARCH_COMPLETE" in result.stdout
        assert marker in result.stdout

    @pytest.mark.parametrize(
        ("words", "expected"),
        [
            ("msqa-search st", "plain,stats\n"),
            ("msqa-search botox --sort rat", "plain,rating\n"),
            ("msqa-search search botox --fac", "plain,--facet\n"),
        ],
    )
    def test_completes(self, runner, words, expected):
        """Completion offers commands, options and option choices."""
        env = {"_MSQA_SEARCH_COMPLETE": "bash_complete", "COMP_WORDS": words,
               "COMP_CWORD": str(len(words.split()) - 1)}
        result = runner.invoke(cli, [], prog_name="msqa-search", env=env, catch_exceptions=False)

        assert 0 == result.exit_code
        assert expected == result.stdout


# -- the installed console script -------------------------------------------------------


class TestConsoleScript:
    def test_default_index_from_samples(self, tmp_path):
        """Without an index setting, the first run builds the per-user index from the samples; the second reuses it."""
        env = clean_env(tmp_path)
        default = tmp_path / "xdg-data" / "msqa-search" / "index"

        first = subprocess.run(console_command() + ["botox contraindication"], capture_output=True,
                               env=env, timeout=300, encoding="utf-8", stdin=subprocess.DEVNULL)
        second = subprocess.run(console_command() + ["botox contraindication"], capture_output=True,
                                env=env, timeout=300, encoding="utf-8", stdin=subprocess.DEVNULL)

        assert 0 == first.returncode, first.stderr
        assert (
            f"msqa-search: no index yet; building one at {default} from the 2 sample threads shipped"
            " with msqa-search (use --index or MSQA_SEARCH_INDEX to search your own)\n"
        ) == first.stderr
        assert (default / "CURRENT").is_file()
        assert re.match(r" 1\. .+  \[\w+#\d+\]\n    .+ · .+\n    Q: ", first.stdout)
        assert "16 answers match 'botox contraindication'; showing 1-10\n" in first.stdout
        assert re.search(r"^Specialty  \(7 values\)\n  Plastic Surgeon +5  [█#]+$", first.stdout, re.M)
        assert re.search(r"^  New York +4  [█#]+$", first.stdout, re.M)
        assert (0, "", first.stdout) == (second.returncode, second.stderr, second.stdout)

    @pytest.mark.parametrize(
        "args",
        [["botox", "--index", "{tmp}/nowhere"], ["show", "nope", "--index", "{index}"], ["parse", "{tmp}/binary.txt"],
         ["botox", "--limit", "0", "--index", "{index}"], ["", "--index", "{index}"]],
        ids=["missing-index", "unknown-answer", "parse-binary", "bad-option", "empty-query"],
    )
    def test_errors_have_no_traceback(self, tmp_path, index_dir, args):
        """Errors from the real script exit 2 with no traceback."""
        (tmp_path / "binary.txt").write_bytes(b"\x00\x01binary\x00")
        argv = [a.format(tmp=tmp_path, index=index_dir) for a in args]
        proc = subprocess.run(console_command() + argv, capture_output=True, env=clean_env(tmp_path),
                              timeout=300, encoding="utf-8", stdin=subprocess.DEVNULL)

        assert "Traceback" not in proc.stderr + proc.stdout
        assert 2 == proc.returncode, proc.stderr
