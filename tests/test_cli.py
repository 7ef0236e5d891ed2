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
from msqa_search import build_index, read_thread, read_threads, thread_consensus, to_dict
from msqa_search.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_000 = SEEDS / "000_19f0a23f49198bfd.txt"
SEED_001 = SEEDS / "001_7bed0a8b883f696a.txt"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
COMMANDS = ("search", "index", "show", "stats", "parse", "values", "similar", "remove")
RESULT_KEYS = {
    "query", "total", "hits", "facets", "suggestion", "searched", "typed_total", "page", "limit",
    "group_by_thread", "elapsed", "filtered", "notices", "consensus", "folded",
}
HIT_KEYS = {
    "answer_id", "thread_id", "thread_title", "position", "title", "body", "doctor",
    "score", "highlights", "thread_hits", "cut", "stances", "also", "related",
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
    Q: Is there any evidence that MS patients have antibodies that reject Botox
    & other cosmetic treatments?
    … In my practice, diagnosis of MS is an absolute contraindication to use of
    Botox for cosmetic purposes unless the patient's neurologist clears them for
    the treatment …
"""

# The compact facets of that search: one line each; the doctor facet has a filter on,
# so it counts the other doctors too.
ISHOO_FACETS = """\
Specialty: Facial Plastic Surgeon 1
City: Cambridge 1
Rating: 4.0-4.5 1
Doctor*: unknown 3 · Bryan K. Chen 1 · David Shafer 1 · … 7+ more
* filter on; its other values are counted too
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
City  (top 10 values)
  New York            4  ████████████████████
  San Diego           2  ██████████
  Beverly Hills       1  █████
  Buffalo             1  █████
  Cambridge           1  █████
  East Brunswick      1  █████
  Lake Oswego         1  █████
  Manhattan           1  █████
  … 2+ more
"""

RATING_TABLE = """\
Rating  (4 values)
  4.8-5.0     10  ████████████████████
  4.5-4.8      3  ██████
  4.0-4.5      2  ████
  unrated      1  ██
"""

DOCTOR_TABLE = """\
Doctor  (top 10 values)
  unknown                    3  ████████████████████
  Bryan K. Chen              1  ███████
  David Shafer               1  ███████
  Edwin Ishoo                1  ███████
  Hratch Karamanoukian       1  ███████
  Keith Denkler              1  ███████
  Kenneth D. Steinsapir      1  ███████
  Kenneth R. Francis         1  ███████
  … 2+ more
"""


class TestSearchText:
    def test_whole_page(self, run):
        """A hit (rank, title, id, doctor card, question, snippets), the summary, then one line per facet."""
        result = run("botox", "--doctor", "Edwin Ishoo")

        assert 0 == result.exit_code
        assert "" == result.stderr
        assert ISHOO_HIT + "\n" + "1 answer matches 'botox'; showing 1-1\n" + "\n" + ISHOO_FACETS == result.stdout

    def test_facet_tables(self, run):
        """--facets-table: tables of the top eight values with counts over all matches, and how many more."""
        result = run("botox", "--limit", "1", "--facets-table")

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
            tag = next(i for i, line in enumerate(lines) if line.endswith(f"[{hit['answer_id']}]"))
            assert f"{rank}. {hit['title']} [{hit['answer_id']}]" == " ".join(
                " ".join(line.split()) for line in lines[: tag + 1])
            question = next(i for i, line in enumerate(lines) if line.startswith("    Q: "))
            assert hit["doctor"]["specialty"] in " ".join(lines[tag + 1 : question])
            first_snippet = next(i for i, line in enumerate(lines) if line.startswith("    … "))
            assert f"Q: {hit['thread_title']}" == " ".join(line.strip() for line in lines[question:first_snippet])
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
            " 1. No elective chemically active injections for MS patients",
            "    [001_7bed0a8b883f696a#3]",
            "    unsigned answer",
            "    Q: Having Restylane or Botox Despite Multiple Sclerosis?",
        ] == result.stdout.splitlines()[:4]

    def test_suggestion_is_searched_when_query_has_no_hits(self, run):
        """A misspelled query with no hits says so and shows the hits of its correction."""
        result = run("inujection", "--limit", "1", "--no-facets", "--exact-spelling", ok=False)
        assert "msqa-search: no answers match 'inujection'. Did you mean 'injection'?\n" == result.stderr
        result = run("botx", "--limit", "1", "--no-facets", "--no-synonyms", ok=False)
        assert 1 == result.exit_code
        result = run("botx", "--limit", "1", "--no-facets")

        assert 0 == result.exit_code
        lines = result.stdout.splitlines()
        assert ["Showing results for 'botox'; search instead for 'botx' with --exact-spelling.", ""] == lines[:2]
        assert lines[2].startswith(" 1. ")
        assert "16 answers match 'botox'; showing 1-1" == lines[-1]

    def test_suggestion_after_hits(self, run):
        """A query that matches but looks misspelled: with --exact-spelling its words are
        searched as typed and the correction suggested; without, the correction (whose
        word is in clearly more answers) is searched and said so."""
        result = run("botox contraindicaton", "--limit", "1", "--no-facets", "--exact-spelling")

        assert 0 == result.exit_code
        assert ["Did you mean 'botox contraindication'?", ""] == result.stdout.splitlines()[:2]
        assert result.stdout.splitlines()[2].startswith(" 1. ")
        assert result.stdout.endswith("16 answers match 'botox contraindicaton'; showing 1-1\n")
        assert "" == result.stderr
        result = run("botox contraindicaton", "--limit", "1", "--no-facets")
        assert ["Showing results for 'botox contraindication'; search instead for"
                " 'botox contraindicaton' with --exact-spelling.", ""] == result.stdout.splitlines()[:2]
        assert result.stdout.endswith("16 answers match 'botox contraindication'; showing 1-1\n")

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
        """--specialty keeps answers of that specialty, in any case; the other facets count only them."""
        data = search_json(run, "botox", "--specialty", "dermatologist")

        assert 4 == data["total"]
        assert {"Dermatologist"} == {hit["doctor"]["specialty"] for hit in data["hits"]}
        assert 4 == sum(v["count"] for v in data["facets"]["city"]["values"])
        assert ["specialty"] == data["filtered"]

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
        assert {"name": "specialty", "values": [{"value": "Dermatologic Surgeon", "count": 1}],
                "truncated": False} == data["facets"]["specialty"]

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
        text = run("botox contraindication", "--limit", "2", "--facet", "city", "--facet", "specialty",
                   "--facets-table").stdout

        assert ["city", "specialty"] == list(data["facets"])
        assert text.endswith(
            "16 answers match 'botox contraindication'; showing 1-2\n\n" + CITY_TABLE + "\n" + SPECIALTY_TABLE
        )

    def test_rating_facet(self, run):
        """The rating facet counts answers by rating band."""
        data = search_json(run, "botox contraindication", "--facet", "rating")

        assert {"rating": {"name": "rating", "values": [
            {"value": "4.8-5.0", "count": 10},
            {"value": "4.5-4.8", "count": 3},
            {"value": "4.0-4.5", "count": 2},
            {"value": "unrated", "count": 1},
        ], "truncated": False}} == data["facets"]

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
        assert {"value": "Plastic Surgeon", "count": 5} == data["facets"]["specialty"]["values"][0]
        # The seeds have 14 doctors: the ten most common, and the facet says there are more.
        assert (10, True) == (len(data["facets"]["doctor"]["values"]), data["facets"]["doctor"]["truncated"])
        assert (14, False) == (len(search_json(run, "botox", "--facet-size", "20")["facets"]["doctor"]["values"]),
                               search_json(run, "botox", "--facet-size", "20")["facets"]["doctor"]["truncated"])

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


def run_on_tty(args: list[str], env: dict[str, str], columns: int | None = None) -> bytes:
    """Run the CLI with stdout on a pseudo-terminal (of ``columns`` columns when given,
    with COLUMNS and LINES unset); return what it wrote there."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    if columns is not None:
        import fcntl
        import struct
        import termios

        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
        env = {k: v for k, v in env.items() if k not in ("COLUMNS", "LINES")}
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


SEARCH_USAGE = "msqa-search search [OPTIONS] QUERY..."


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
        """No match even for the correction ("insulin" is a medical word, in no answer):
        exit 1, and no suggestion that would find nothing."""
        result = run("insulinn", ok=False)

        assert 1 == result.exit_code
        assert "msqa-search: no answers match 'insulinn'.\n" == result.stderr

    def test_no_match_with_filter_and_suggestion(self, run):
        """A filter that leaves nothing, even for the correction: exit 1, no suggestion."""
        result = run("botx", "--specialty", "phlebologist", "--city", "new york", ok=False)

        assert 1 == result.exit_code
        assert "msqa-search: no answers match 'botx'.\n" == result.stderr

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--limit", "0"], "Error: Invalid value for '--limit': 0 is not in the range 1<=x<=1000."),
            (["--limit", "ten"], "Error: Invalid value for '--limit': 'ten' is not a valid integer range."),
            (["--page", "0"], "Error: Invalid value for '--page': 0 is not in the range x>=1."),
            (["--min-rating", "6"], "Error: Invalid value for '--min-rating': 6.0 is not in the range 0<=x<=5."),
            (["--sort", "date"], "Error: Invalid value for '--sort': 'date' is not one of 'relevance', 'rating', 'reviews'."),
            (["--facet", "price"], "Error: Invalid value for '--facet': 'price' is not one of 'specialty', 'city', 'rating', 'doctor', 'stance'."),
            (["--stance", "maybe"], "Error: Invalid value for '--stance': 'maybe' is not one of 'for', 'against', 'conditional', 'unclear'."),
            (["--frobnicate"], "Error: No such option '--frobnicate'."),
        ],
        ids=["limit-0", "limit-text", "page-0", "min-rating-6", "sort", "facet", "stance", "unknown-option"],
    )
    def test_bad_option_value(self, run, args, message):
        """A bad option value: click's usage lines, one error line, exit 2."""
        result = run("botox", *args, ok=False)

        assert_error(result, 2, message, usage=SEARCH_USAGE)

    def test_missing_query(self, run):
        """search without a query is a usage error, exit 2."""
        result = run("search", ok=False)

        assert_error(result, 2, "Error: Missing argument 'QUERY...'.", usage=SEARCH_USAGE)

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
            " THREADS...`.",
        )

    def test_missing_index_env(self, runner, tmp_path):
        """MSQA_SEARCH_INDEX naming a folder that does not exist: the same error."""
        missing = tmp_path / "nowhere"
        result = runner.invoke(cli, ["botox"], env={"MSQA_SEARCH_INDEX": str(missing)})

        assert_error(
            result, 2,
            f"Error: no index at {missing}. Build one with `msqa-search index --index {missing}"
            " THREADS...`.",
        )

    def test_folder_without_index(self, runner, tmp_path):
        """An existing folder that holds no index: one error line, exit 2."""
        result = runner.invoke(cli, ["botox", "--index", str(tmp_path)])

        assert_error(
            result, 2,
            f"Error: {tmp_path} holds no index. Rebuild it with"
            f" `msqa-search index --rebuild --index {tmp_path} THREADS...`.",
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
                f"Rebuild it with `msqa-search index --rebuild --index {copy} THREADS...`."
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
        assert f"Built the index at {target}: 2 threads, 16 answers added; 0 files skipped, 0 warnings.\n" == result.stdout
        assert "" == result.stderr
        found = runner.invoke(cli, ["botox", "--index", str(target), "--json"], catch_exceptions=False)
        assert 16 == json.loads(found.stdout)["total"]

    def test_build_with_env(self, runner, tmp_path):
        """The index named by MSQA_SEARCH_INDEX is built when there is no --index."""
        target = tmp_path / "ix"
        result = runner.invoke(cli, ["index", str(SEEDS)], env={"MSQA_SEARCH_INDEX": str(target)},
                               catch_exceptions=False)

        assert f"Built the index at {target}: 2 threads, 16 answers added; 0 files skipped, 0 warnings.\n" == result.stdout
        assert (target / "CURRENT").is_file()

    def test_second_run_updates(self, runner, tmp_path):
        """Indexing the same files again leaves them as they are (unchanged, not replaced) and writes nothing."""
        target = tmp_path / "ix"
        runner.invoke(cli, ["index", str(SEEDS), "--index", str(target)], catch_exceptions=False)
        result = runner.invoke(cli, ["index", str(SEEDS), "--index", str(target)], catch_exceptions=False)

        assert 0 == result.exit_code
        assert (
            f"Updated the index at {target}: 2 threads read: 0 added, 0 replaced, 2 unchanged;"
            " answers: 0 added, 0 replaced, 0 removed; 0 files skipped, 0 warnings.\n"
        ) == result.stdout
        assert ["gen-000001"] == sorted(p.name for p in target.glob("gen-*"))

    def test_update_counts_added_replaced_removed(self, runner, tmp_path):
        """An update counts new threads, re-read threads (read from another file here), and answers added, replaced and removed."""
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
            f"Updated the index at {target}: 3 threads read: 1 added, 2 replaced, 0 unchanged;"
            " answers: 7 added, 15 replaced, 1 removed; 0 files skipped, 1 warning (--verbose lists them).\n"
        ) == result.stdout
        assert "" == result.stderr
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
        assert f"Built the index at {target}: 2 threads, 16 answers added; 2 files skipped, 0 warnings.\n" == result.stdout
        assert (
            f"skipped: {threads / 'binary.txt'}: line 1: binary data (NUL bytes), not a thread page\n"
            f"skipped: {threads / 'empty.txt'}: empty: no question title\n"
        ) == result.stderr
        assert "Traceback" not in result.output

    def test_missing_path_is_an_error(self, runner, tmp_path):
        """A path that does not exist is an error naming it, exit 2; nothing is indexed."""
        target = tmp_path / "ix"
        missing = tmp_path / "no-such-folder"
        result = runner.invoke(cli, ["index", str(missing), str(SEED_000), "--index", str(target)],
                               prog_name="msqa-search")

        assert_error(result, 2, f"Error: no such file or folder: {missing}")
        assert not target.exists()

    def test_nothing_read_is_an_error(self, runner, tmp_path):
        """A run in which no thread could be read is an error (exit 2), not a success; nothing is written."""
        threads = tmp_path / "threads"
        threads.mkdir()
        (threads / "binary.txt").write_bytes(b"\x00\x01 not text")
        empty = tmp_path / "empty"
        empty.mkdir()
        target = tmp_path / "ix"

        bad = runner.invoke(cli, ["index", str(threads), "--index", str(target)], prog_name="msqa-search")
        none = runner.invoke(cli, ["index", str(empty), "--index", str(target)], prog_name="msqa-search")

        assert (2, "") == (bad.exit_code, bad.stdout)
        assert [
            f"skipped: {threads / 'binary.txt'}: line 1: binary data (NUL bytes), not a thread page",
            f"Error: no thread could be read: 1 file found, 1 skipped; the index at {target} is unchanged",
        ] == bad.stderr.splitlines()
        assert_error(none, 2, f"Error: no thread could be read: no thread files (*.txt) found, 0 skipped;"
                              f" the index at {target} is unchanged")
        assert not target.exists()

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

        result = runner.invoke(cli, ["index", str(threads), "--index", str(target), "--verbose"],
                               catch_exceptions=False)

        assert 0 == result.exit_code
        assert f"warning: {warned}: the page declares 12 answers but 9 were found\n" == result.stderr
        assert f"Built the index at {target}: 2 threads, 16 answers added; 0 files skipped, 1 warning.\n" == result.stdout

    def test_rebuild_replaces(self, runner, tmp_path):
        """--rebuild replaces the whole index with the threads given."""
        target = tmp_path / "ix"
        runner.invoke(cli, ["index", str(SEEDS), "--index", str(target)], catch_exceptions=False)

        result = runner.invoke(cli, ["index", "--rebuild", str(SEED_000), "--index", str(target)],
                               catch_exceptions=False)

        assert 0 == result.exit_code
        assert f"Built the index at {target}: 1 thread, 9 answers added; 0 files skipped, 0 warnings.\n" == result.stdout
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
Botox: only if cleared by a neurologist — “In my practice, diagnosis of MS is an
absolute contraindication to use of Botox for cosmetic purposes unless the
patient's neurologist clears them for the treatment.”

In my practice, diagnosis of MS is an absolute contraindication to use of Botox
for cosmetic purposes unless the patient's neurologist clears them for the
treatment.

Question  [000_19f0a23f49198bfd] 9 answers
  Is there any evidence that MS patients have antibodies that reject Botox &
  other cosmetic treatments?
"""


class TestShow:
    def test_text(self, run):
        """show prints the answer's title, id, doctor card, its stance with the sentence
        that shows it, the body and the question."""
        result = run("show", "000_19f0a23f49198bfd#6")

        assert 0 == result.exit_code
        assert SHOWN == result.stdout

    def test_json(self, run):
        """show --json prints the answer, its stances and its thread as records."""
        result = run("show", "000_19f0a23f49198bfd#6", "--json")
        data = json.loads(result.stdout)
        thread = read_thread(SEED_000)
        stances = [to_dict(s.stance) for s in thread_consensus(thread).stances if s.answer_id == thread.answers[5].id]

        assert {"answer", "stances", "thread"} == set(data)
        assert stances == data["stances"]
        assert to_dict(thread.answers[5]) == data["answer"]
        assert to_dict(thread)["answers"] == data["thread"]["answers"]
        assert ("000_19f0a23f49198bfd", str(SEED_000)) == (data["thread"]["id"], data["thread"]["source"])

    def test_no_color(self, run):
        """show --no-color prints no ANSI codes."""
        result = run("show", "000_19f0a23f49198bfd#6", "--no-color", color=True)

        assert SHOWN == result.stdout

    @pytest.mark.parametrize("answer_id", ["nope", "000_19f0a23f49198bfd#99", "#1"])
    def test_unknown_answer(self, run, answer_id):
        """An id that is neither an answer's nor a thread's: one error line, exit 2."""
        result = run("show", answer_id, ok=False)

        assert_error(
            result, 2,
            f"Error: no answer {answer_id!r} in the index; answer ids look like THREAD_ID#POSITION,"
            " and no thread has that id",
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
            "schema version  6\n"
            "generation      gen-000001\n"
            "segments        1\n"
        ) == result.stdout

    def test_json(self, run, index_dir):
        """stats --json prints the same counts as one JSON object."""
        result = run("stats", "--json")

        assert {
            "path": str(index_dir), "threads": 2, "answers": 16, "doctors": 13, "specialties": 6,
            "cities": 11, "schema_version": 6, "generation": "gen-000001", "segments": 1,
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
            ("msqa-search search botox --fac", "plain,--facet\nplain,--facet-size\nplain,--facets-table\n"),
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
        assert re.search(r"^Specialty: Plastic Surgeon 5 . Dermatologist 4 ", first.stdout, re.M)
        assert re.search(r"^City: New York 4 ", first.stdout, re.M)
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


# -- as people use it (issue: the command line and the library) ------------------------


SEED_A_ID = "000_19f0a23f49198bfd"
SEED_B_ID = "001_7bed0a8b883f696a"


def without_elapsed(text: str) -> str:
    return re.sub(r'"elapsed": [0-9.eE+-]+', '"elapsed": 0', text)


class TestGlobalOptionsAnywhere:
    @pytest.mark.parametrize(
        ("before", "after"),
        [
            (["--index", "{ix}", "stats"], ["stats", "--index", "{ix}"]),
            (["--index={ix}", "--json", "stats"], ["stats", "--index", "{ix}", "--json"]),
            (["--index", "{ix}", "show", "000_19f0a23f49198bfd#6"], ["show", "000_19f0a23f49198bfd#6", "--index", "{ix}"]),
            (["--json", "--index", "{ix}", "values", "city"], ["values", "city", "--json", "--index", "{ix}"]),
            (["--index", "{ix}", "--no-color", "botox"], ["search", "botox", "--index", "{ix}"]),
        ],
        ids=["stats", "stats-json", "show", "values", "search"],
    )
    def test_before_or_after_the_command(self, runner, index_dir, before, after):
        """Options shared by the commands work before the command's name as after it."""
        first = runner.invoke(cli, [a.format(ix=index_dir) for a in before], catch_exceptions=False)
        second = runner.invoke(cli, [a.format(ix=index_dir) for a in after], catch_exceptions=False)

        assert (0, "") == (first.exit_code, first.stderr)
        assert without_elapsed(second.stdout) == without_elapsed(first.stdout)


class TestUnquotedQuery:
    def test_words_after_the_command_are_the_query(self, run):
        """`msqa-search can I get botox with MS` searches the question, as if quoted."""
        unquoted = run("can", "I", "get", "botox", "with", "MS", "--json")
        quoted = run("can I get botox with MS", "--json")
        explicit = run("search", "can", "I", "get", "botox", "with", "MS", "--json")

        assert 0 == unquoted.exit_code, unquoted.output
        assert "can I get botox with MS" == json.loads(unquoted.stdout)["query"]
        assert without_elapsed(quoted.stdout) == without_elapsed(unquoted.stdout) == without_elapsed(explicit.stdout)


    def test_an_unquoted_exclusion_gets_a_hint(self, run):
        """`msqa-search droop -botox`: click reads -botox as options; the error says how to exclude."""
        result = run("droop", "-botox", ok=False)

        assert (2, "") == (result.exit_code, result.stdout)
        assert result.stderr.endswith(
            "Error: No such option '-b'.\n'-botox' is not an option. To leave out answers with 'botox',"
            ' quote the whole query ("... -botox") or put -- before it (... -- -botox).\n'
        )

    def test_an_exclusion_after_two_dashes_is_searched(self, run):
        """`msqa-search botox -- -pregnant` searches botox without pregnant, as the quoted query does."""
        dashed = run("botox", "--json", "--", "-pregnant")
        quoted = run("botox -pregnant", "--json")

        assert 0 == dashed.exit_code, dashed.output
        assert without_elapsed(quoted.stdout) == without_elapsed(dashed.stdout)


class TestFilterValues:
    def test_doctor_by_surname(self, run):
        """--doctor klein finds Marla M. Klein's answer, as doctor:klein does."""
        assert ["000_19f0a23f49198bfd#2"] == hit_ids(search_json(run, "botox", "--doctor", "klein"))

    def test_repeated_filter_is_any(self, run):
        """A repeated --specialty keeps the answers of any of them."""
        data = search_json(run, "botox", "--specialty", "dermatologist", "--specialty", "phlebologist", "--limit", "20")

        assert (5, {"Dermatologist", "Phlebologist"}) == (data["total"], {h["doctor"]["specialty"] for h in data["hits"]})

    def test_min_reviews(self, run):
        """--min-reviews N keeps doctors with at least N reviews."""
        data = search_json(run, "botox", "--min-reviews", "41", "--limit", "20")

        assert [78, 75, 48, 46, 41, 41] == sorted((h["doctor"]["reviews"] for h in data["hits"]), reverse=True)

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--doctor", "kline"], "Error: no doctor 'kline' in the index. List them with `msqa-search values doctor`."),
            (["--specialty", "derm"], "Error: no specialty 'derm' in the index; nearest: Dermatologic Surgeon,"
             " Dermatologist. List them with `msqa-search values specialty`."),
            (["--city", "NYC"], "Error: no city 'NYC' in the index. List them with `msqa-search values city`."),
            (["--city", "Nwe York"], "Error: no city 'Nwe York' in the index; nearest: New York. List them with"
             " `msqa-search values city`."),
        ],
        ids=["doctor", "specialty", "city", "city-typo"],
    )
    def test_value_not_in_the_index(self, run, args, message):
        """A filter value that no answer has is an error with the nearest values, not 'no answers match'."""
        assert_error(run("botox", *args, ok=False), 2, message)

    def test_values_command(self, run):
        """`values FACET` lists every value with its number of answers, most common first."""
        result = run("values", "specialty")
        data = json.loads(run("values", "specialty", "--json").stdout)

        assert (
            "Plastic Surgeon             5\n"
            "Dermatologist               4\n"
            "Dermatologic Surgeon        2\n"
            "Facial Plastic Surgeon      2\n"
            "Oculoplastic Surgeon        1\n"
            "Phlebologist                1\n"
            "unknown                     1\n"
        ) == result.stdout
        assert {"value": "Plastic Surgeon", "count": 5} == data[0]
        assert 16 == sum(v["count"] for v in data)

    @pytest.mark.parametrize(
        ("words", "expected"),
        [
            ("msqa-search botox --specialty derm", "plain,Dermatologist\nplain,Dermatologic Surgeon\n"),
            ("msqa-search botox --city new", "plain,New York\n"),
            ("msqa-search botox --doctor kle", "plain,Marla M. Klein\n"),
        ],
    )
    def test_completion_of_values(self, runner, index_dir, words, expected):
        """Shell completion completes filter values from the index (a surname too)."""
        env = {"_MSQA_SEARCH_COMPLETE": "bash_complete", "COMP_WORDS": words,
               "COMP_CWORD": str(len(words.split()) - 1), "MSQA_SEARCH_INDEX": str(index_dir)}
        result = runner.invoke(cli, [], prog_name="msqa-search", env=env, catch_exceptions=False)

        assert (0, expected) == (result.exit_code, result.stdout)


class TestDisjunctiveFacets:
    def test_filtered_facet_counts_the_other_values(self, run):
        """While --specialty is on, the specialty facet still counts the other specialties; JSON names it."""
        data = search_json(run, "botox", "--specialty", "dermatologist")

        assert ["specialty"] == data["filtered"]
        assert {"value": "Plastic Surgeon", "count": 5} == data["facets"]["specialty"]["values"][0]
        assert [{"value": "4.8-5.0", "count": 4}] == data["facets"]["rating"]["values"]
        assert "Specialty*: Plastic Surgeon 5 · Dermatologist 4 · " in run("botox", "--specialty", "dermatologist").stdout


class TestOutputModes:
    def test_count(self, run):
        """--count / -c prints the number of matching answers only."""
        assert ("16\n", "16\n") == (run("botox", "--count").stdout, run("-c", "botox").stdout)

    def test_ids(self, run):
        """--ids / -l prints one answer id a line, the page's hits in order."""
        expected = "".join(f"{i}\n" for i in hit_ids(search_json(run, "botox", "--limit", "4")))
        assert (expected, expected) == (run("botox", "--ids", "--limit", "4").stdout, run("-l", "botox", "--limit", "4").stdout)

    def test_jsonl(self, run):
        """--jsonl prints one hit a line as JSON, equal to --json's hits."""
        lines = run("botox", "--jsonl", "--limit", "3").stdout.splitlines()

        assert search_json(run, "botox", "--limit", "3")["hits"] == [json.loads(line) for line in lines]

    def test_csv(self, run):
        """--csv prints a header and one row per hit, the doctor's fields in their own columns."""
        import csv
        import io

        rows = list(csv.DictReader(io.StringIO(run("botox", "--csv", "--doctor", "Hratch Karamanoukian").stdout)))

        assert 1 == len(rows)
        assert {
            "rank": "1", "answer_id": "000_19f0a23f49198bfd#9", "doctor_name": "Hratch Karamanoukian",
            "credentials": "MD; FACS", "specialty": "Phlebologist", "city": "Buffalo", "rating": "4.8",
            "reviews": "41", "badges": "RealSelf100 Member",
        } == {k: rows[0][k] for k in ("rank", "answer_id", "doctor_name", "credentials", "specialty", "city",
                                      "rating", "reviews", "badges")}

    def test_snippets(self, run):
        """--snippets N sets the fragments per hit (0: none); --snippet-chars their size."""
        none = search_json(run, "botox contraindication", "--snippets", "0")
        one = search_json(run, "botox contraindication", "--snippets", "1", "--snippet-chars", "60")

        assert {0} == {len(h["highlights"]) for h in none["hits"]}
        assert {1} == {len(h["highlights"]) for h in one["hits"]}
        assert max(len("".join(p for p, _ in h["highlights"][0])) for h in one["hits"]) <= 80

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--jsonl", "--csv"], "Error: --jsonl and --csv cannot be used together; choose one"),
            (["-c", "-l"], "Error: --count and --ids cannot be used together; choose one"),
            (["--facet", "city", "--no-facets"], "Error: --facet and --no-facets cannot be used together"),
            (["--index", ""], "Error: Invalid value for '--index' (env var: 'MSQA_SEARCH_INDEX'): must name a"
             " folder, not be empty"),
        ],
        ids=["jsonl-csv", "count-ids", "facet-no-facets", "empty-index"],
    )
    def test_usage_errors(self, run, args, message):
        """Options that contradict each other, or an empty --index, are usage errors (exit 2)."""
        assert_error(run("botox", *args, ok=False), 2, message, usage=SEARCH_USAGE)


class TestQueryErrors:
    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("rating:abc", "Error: rating:abc is not a number. Write a number or a range, as in rating:>=4.5"),
            ("botox doctor:", "Error: doctor: has no value. Write the value after the colon, as in doctor:klein"),
        ],
    )
    def test_field_errors(self, run, query, message):
        """A number field with a word, or a field without a value, is a query error, not a silent no-match."""
        assert_error(run(query, ok=False), 2, message)

    def test_errors_as_json(self, run):
        """With --json, an error is one JSON object on stderr."""
        result = run("botox", "--city", "NYC", "--json", ok=False)

        assert (2, "") == (result.exit_code, result.stdout)
        assert {"error": {"type": "FilterValueError", "exit_code": 2,
                          "message": "no city 'NYC' in the index. List them with `msqa-search values city`."}} == json.loads(result.stderr)


class TestReadableText:
    def test_fits_80_columns(self, run):
        """The default output off a terminal is 80 columns wide at most, hits first."""
        text = run("botox contraindication").stdout

        assert text.startswith(" 1. ")
        assert max(map(len, text.splitlines())) <= 80

    def test_long_title_wraps_and_keeps_the_id_whole(self, run):
        """A title and id that do not fit wrap, and the id stays whole on one line."""
        lines = run("botox", "--specialty", "unknown", "--no-facets").stdout.splitlines()

        assert ["    [001_7bed0a8b883f696a#3]"] == [line for line in lines if "001_7bed0a8b883f696a#3" in line]

    def test_plurals(self, runner, tmp_path):
        """Counts of one take the singular: '1 answer matches', '+1 more matching answer', '1 review', '1 answer' in show and parse."""
        from msqa_search import Answer, Doctor, Thread, format_thread

        doctor = Doctor(name="Ann Lee", specialty="Dermatologist", city="Boston", rating=4.0, reviews=1)
        thread = Thread(id="t1", title="Botox?", declared_answers=2, answers=[
            Answer(thread_id="t1", position=1, title="Yes", body="Botox is fine.", doctor=doctor),
            Answer(thread_id="t1", position=2, title="Also yes", body="Botox again."),
        ])
        one = Thread(id="t2", title="Filler?", declared_answers=1, answers=[
            Answer(thread_id="t2", position=1, title="Maybe", body="Filler may work.")])
        folder = tmp_path / "threads"
        folder.mkdir()
        (folder / "t1.txt").write_text(format_thread(thread), encoding="utf-8")
        (folder / "t2.txt").write_text(format_thread(one), encoding="utf-8")
        ix = str(tmp_path / "ix")
        runner.invoke(cli, ["index", str(folder), "--index", ix], catch_exceptions=False)

        grouped = runner.invoke(cli, ["botox", "--group-by-thread", "--no-facets", "--index", ix]).stdout
        shown = runner.invoke(cli, ["show", "t2#1", "--index", ix]).stdout
        parsed = runner.invoke(cli, ["parse", str(folder / "t2.txt")]).stdout

        assert "    +1 more matching answer in this thread\n" in grouped
        assert "1 thread matches 'botox'; showing 1-1\n" in grouped
        assert "Ann Lee · Dermatologist · Boston · ★ 4.0 (1 review)" in grouped
        assert "Question  [t2] 1 answer\n" in shown
        assert "  1 answer (the page declares 1)\n" in parsed


class TestIndexCommand:
    def test_quiet_and_verbose(self, runner, tmp_path):
        """--quiet prints nothing on success; --verbose lists each parser warning; both are counted."""
        threads = tmp_path / "threads"
        threads.mkdir()
        (threads / "warned.txt").write_text(
            SEED_000.read_text(encoding="utf-8").replace("Doctor Answers 9", "Doctor Answers 12"), encoding="utf-8")
        quiet = runner.invoke(cli, ["index", str(threads), "--index", str(tmp_path / "a"), "--quiet"], catch_exceptions=False)
        loud = runner.invoke(cli, ["index", str(threads), "--index", str(tmp_path / "b"), "-v"], catch_exceptions=False)

        assert (0, "", "") == (quiet.exit_code, quiet.stdout, quiet.stderr)
        assert f"warning: {threads / 'warned.txt'}: the page declares 12 answers but 9 were found\n" == loud.stderr
        assert loud.stdout.endswith("; 0 files skipped, 1 warning.\n")

    def test_remove(self, runner, tmp_path):
        """`remove THREAD_ID...` takes a thread's answers out of the index; an unknown id is an error."""
        target = tmp_path / "ix"
        runner.invoke(cli, ["index", str(SEEDS), "--index", str(target)], catch_exceptions=False)

        unknown = runner.invoke(cli, ["remove", "nope", "--index", str(target)])
        removed = runner.invoke(cli, ["remove", SEED_A_ID, "--index", str(target)], catch_exceptions=False)
        stats = json.loads(runner.invoke(cli, ["stats", "--json", "--index", str(target)]).stdout)

        assert_error(unknown, 2, f"Error: no thread 'nope' in the index at {target}; nothing was removed")
        assert f"Removed 1 thread (9 answers) from the index at {target}.\n" == removed.stdout
        assert (1, 7) == (stats["threads"], stats["answers"])

    def test_prune(self, runner, tmp_path):
        """index --prune removes the threads whose file is gone."""
        threads = copy_seeds(tmp_path / "threads")
        target = tmp_path / "ix"
        runner.invoke(cli, ["index", str(threads), "--index", str(target)], catch_exceptions=False)
        (threads / SEED_000.name).unlink()

        result = runner.invoke(cli, ["index", "--prune", str(threads), "--index", str(target)], catch_exceptions=False)
        stats = json.loads(runner.invoke(cli, ["stats", "--json", "--index", str(target)]).stdout)

        assert (
            f"Updated the index at {target}: 1 thread read: 0 added, 0 replaced, 1 unchanged, 1 removed;"
            " answers: 0 added, 0 replaced, 9 removed; 0 files skipped, 0 warnings.\n"
        ) == result.stdout
        assert (1, 7) == (stats["threads"], stats["answers"])


class TestShowThread:
    def test_whole_thread(self, run):
        """show THREAD_ID prints the question and every answer with its card."""
        text = run("show", SEED_B_ID).stdout
        lines = text.splitlines()

        assert ["Having Restylane or Botox Despite Multiple Sclerosis?  [001_7bed0a8b883f696a]", "7 answers"] == lines[:2]
        assert [f" {n}. " for n in range(1, 8)] == [line[:4] for line in lines if re.match(r" \d\. ", line)]
        assert "unsigned answer" in text and max(map(len, lines)) <= 80

    def test_whole_thread_json(self, run):
        """show THREAD_ID --json prints the thread record and its consensus."""
        data = json.loads(run("show", SEED_B_ID, "--json").stdout)
        thread = read_thread(SEED_001)

        assert (["thread", "consensus"], 7, to_dict(thread_consensus(thread))) == (
            list(data), len(data["thread"]["answers"]), data["consensus"])


class TestSimilar:
    def test_similar(self, run):
        """`similar ANSWER_ID` lists other answers sharing its most telling words, not itself."""
        data = json.loads(run("similar", "000_19f0a23f49198bfd#6", "--limit", "3", "--json").stdout)
        text = run("similar", "000_19f0a23f49198bfd#6", "--limit", "3").stdout

        assert 3 == len(data["hits"])
        assert "000_19f0a23f49198bfd#6" not in hit_ids(data)
        assert "contraindication" in data["query"].split()
        assert text.startswith("Answers like 000_19f0a23f49198bfd#6, from the words: ")

    def test_unknown_answer(self, run):
        """similar of an unknown answer id is an error, exit 2."""
        assert_error(run("similar", "nope#1", ok=False), 2,
                     "Error: no answer 'nope#1' in the index; answer ids look like THREAD_ID#POSITION")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
class TestRealTerminal:
    def test_default_search_fits_80_columns_and_is_coloured(self, tmp_path, index_dir):
        """On an 80-column terminal the default search is coloured and no line is wider than 80;
        piped, the same search has no colour at all."""
        env = clean_env(tmp_path, MSQA_SEARCH_INDEX=str(index_dir))
        out = run_on_tty(["botox", "contraindication"], env, columns=80).decode("utf-8")
        piped = subprocess.run(console_command() + ["botox", "contraindication"], capture_output=True,
                               env=env, timeout=120, encoding="utf-8", stdin=subprocess.DEVNULL)
        plain = ANSI.sub("", out).replace("\r\n", "\n")

        assert "\x1b[" in out
        assert max(len(line) for line in plain.splitlines()) <= 80
        assert plain.startswith(" 1. ")
        assert "\x1b" not in piped.stdout

    def test_empty_no_color_is_unset(self, tmp_path, index_dir):
        """NO_COLOR set to an empty value does not turn colour off (no-color.org)."""
        env = clean_env(tmp_path, MSQA_SEARCH_INDEX=str(index_dir), NO_COLOR="")

        assert b"\x1b[" in run_on_tty(["botox", "--limit", "1"], env, columns=80)


class TestOutputFailures:
    def test_pipe_closed_early_is_quiet(self, tmp_path, index_dir):
        """`msqa-search botox | head -1`: a reader that goes away ends the search quietly (SIGPIPE)."""
        env = clean_env(tmp_path, MSQA_SEARCH_INDEX=str(index_dir))
        proc = subprocess.Popen(console_command() + ["botox", "--limit", "100", "--snippet-chars", "5000"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, stdin=subprocess.DEVNULL)
        proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read().decode("utf-8")
        proc.stderr.close()
        code = proc.wait(timeout=120)

        assert ("", True) == (err, code in (0, -13, 141)), (err, code)

    def test_full_disk(self, tmp_path, index_dir):
        """stdout on a full disk (/dev/full): one line on stderr, exit 2, no traceback."""
        if not os.path.exists("/dev/full"):
            pytest.skip("no /dev/full here")
        env = clean_env(tmp_path, MSQA_SEARCH_INDEX=str(index_dir))
        with open("/dev/full", "w") as full:
            proc = subprocess.run(console_command() + ["botox"], stdout=full, stderr=subprocess.PIPE,
                                  env=env, timeout=120, encoding="utf-8", stdin=subprocess.DEVNULL)

        assert (2, "msqa-search: cannot write the output: No space left on device\n") == (proc.returncode, proc.stderr)

    def test_closed_stdout(self, tmp_path, index_dir):
        """stdout closed (`>&-`): one line on stderr, exit 2, no traceback."""
        env = clean_env(tmp_path, MSQA_SEARCH_INDEX=str(index_dir))
        proc = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", *console_command(), "botox"],
                              capture_output=True, env=env, timeout=120, encoding="utf-8", stdin=subprocess.DEVNULL)

        assert (2, "msqa-search: cannot write the output: standard output is closed\n") == (proc.returncode, proc.stderr)


class TestMatchOption:
    def test_match_sets_how_many_topical_words_an_answer_holds(self, run):
        """--match any counts more answers than the default most, and all no more than most."""
        def count(*extra: str) -> int:
            result = run("Can MS patients get Botox?", "--count", *extra)
            assert 0 == result.exit_code, result.output
            return int(result.stdout.split()[0])

        assert count("--match", "any") > count() >= count("--match", "all")
        assert count() == count("--match", "most")

    def test_explain_prints_the_rule(self, run):
        result = run("Can MS patients get Botox?", "--explain", "--match", "all")
        assert 0 == result.exit_code, result.output
        assert "match all: answers hold 3 of the 3 topical concepts\n" in result.stdout
        assert "concept 3: get (not topical" in result.stdout

    def test_unknown_rule_is_a_usage_error(self, run):
        result = run("botox", "--match", "some")
        assert 2 == result.exit_code
        assert "--match" in result.output
