"""Hostile queries: results or one clear error (QuerySyntaxError / SearchOptionError), quickly."""

from __future__ import annotations

import pytest
from faultlib import SEEDS, make_threads, run_cli, stderr_lines, time_limit
from hypothesis import HealthCheck, given, settings
from budget import examples
from hypothesis import strategies as st

from msqa_search import QuerySyntaxError, Results, SearchOptionError, build_index, open_index, read_threads

LIMIT = 5.0  # seconds per query: a guard against hangs and blow-ups, not a benchmark
FUZZ = settings(deadline=None, max_examples=examples(150), derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])

TOO_LONG = (
    "the query is 10,000 characters long. Use at most 4,000 characters; a few distinctive"
    " words work best"
)
NO_WORDS = (
    "the query has no words to search for. Function words such as 'the' or 'can' and lone"
    " operators are not searched; add a word that carries meaning"
)


@pytest.fixture(scope="module")
def index_path(tmp_path_factory):
    """The seeds plus 300 synthetic threads: enough terms for wildcards and typos to cost."""
    path = tmp_path_factory.mktemp("queries") / "index"
    threads = read_threads([SEEDS]) + make_threads("querymarker", 300, 3, words=40)
    build_index(threads, path).close()
    return path


@pytest.fixture(scope="module")
def index(index_path):
    with open_index(index_path) as opened:
        yield opened


def outcome(index, query: str, **options):
    """The search's Results or its library error, within the time limit."""
    with time_limit(LIMIT):
        try:
            return index.search(query, **options)
        except (QuerySyntaxError, SearchOptionError) as e:
            return e


QUERIES = {
    "unbalanced quote": '"botox injection',
    "closing quote only": 'botox"',
    "unbalanced bracket": "(botox OR filler",
    "closing brackets only": "botox))))",
    "square brackets": "[botox TO",
    "curly brackets": "{botox",
    "lone quote": '"',
    "many quotes": '"' * 3001,
    "only operators": "AND OR NOT",
    "operator soup": "+ - * ? ~ ^ : ( ) [ ] { }",
    "only stop words": "the a an of is it can",
    "stop words and operators": "the AND the OR a",
    "control characters": "\x00\x01\x02botox\x1b[31m\x7f filler\r\n\t",
    "bidi and zero-width": "\u202ebotox\u200b\u2066filler",
    "lone surrogate": "\ud800botox",
    "unknown field": "nosuchfield:botox",
    "empty field": "title:",
    "field chain": "title:body:question:botox",
    "numeric field with text": "rating:abc reviews:[a TO b]",
    "huge number": "rating:>=99999999999999999999999999999",
    "open range": "reviews:[1 TO",
    "deeply nested brackets": "(" * 1990 + "botox" + ")" * 1990,
    "nested field groups": "title:(" * 300 + "botox" + ")" * 300,
    "many ORs": " OR ".join(f"word{i}" for i in range(480)),
    "many ANDs": " AND ".join(f"w{i}" for i in range(560)),
    "many NOTs": "NOT " * 990 + "botox",
    "many exclusions": "-botox " * 550,
    "many phrases": " ".join(f'"w{i} x{i}"' for i in range(350)),
    "long phrase": '"' + "botox " * 650 + '"',
    "many wildcards": "*a* " * 900,
    "leading wildcard": "*tox",
    "all terms": "*",
    "many fuzzy": "botox~ " * 500,
    "fuzzy with huge distance": "botox~99999",
    "huge boost": "botox^99999999999999999999",
    "many distinct misspellings": " ".join(f"spastic{c}y" for c in "abcdefghijklmnopqrstuvwxyz" * 10),
    "repeated word": "injection " * 399,
    "just under the limit": "x" * 3999,
    "ten thousand characters": "botox " * 1666 + "fill",
}


class TestHostileQueries:
    """Every hostile query returns Results or raises one of the two query errors, under 5 s."""

    @pytest.mark.parametrize("name", list(QUERIES))
    def test_query(self, index, name):
        """Results, or QuerySyntaxError / SearchOptionError with a one-line message."""
        result = outcome(index, QUERIES[name])
        assert isinstance(result, (Results, QuerySyntaxError, SearchOptionError)), repr(result)
        if isinstance(result, Exception):
            assert "\n" not in str(result)

    @pytest.mark.parametrize("query", ["x" * 10_000, "botox " * 1666 + "fill"])
    def test_ten_thousand_characters(self, index, query):
        """A 10,000-character query is refused with its length and the limit."""
        error = outcome(index, query)
        assert (type(error), str(error)) == (QuerySyntaxError, TOO_LONG)

    @pytest.mark.parametrize("query", ["AND OR", "the a an of", "+ - * ?", '""', "((((", ":"])
    def test_nothing_to_search(self, index, query):
        """Only operators or stop words: a QuerySyntaxError that says so."""
        error = outcome(index, query)
        assert (type(error), str(error)) == (QuerySyntaxError, NO_WORDS)

    @pytest.mark.parametrize("query", ["", "   ", "\t\n"])
    def test_empty(self, index, query):
        """An empty query is a QuerySyntaxError."""
        error = outcome(index, query)
        assert (type(error), str(error)) == (QuerySyntaxError, "the query is empty. Type some words to search for")

    OPTIONS = {
        "limit zero": ({"limit": 0}, "limit must be a whole number of at least 1, not 0"),
        "limit text": ({"limit": "10"}, "limit must be a whole number of at least 1, not '10'"),
        "page zero": ({"page": 0}, "page must be a whole number of at least 1, not 0"),
        "rating too high": ({"min_rating": 6}, "min_rating must be a number from 0 to 5, not 6"),
        "rating nan": ({"min_rating": float("nan")}, "min_rating must be a number from 0 to 5, not nan"),
        "unknown sort": ({"sort": "nope"}, "sort must be one of relevance, rating, reviews, not 'nope'"),
        "unknown facet": ({"facets": ("nope",)}, "unknown facet 'nope'; facets are specialty, city, rating, doctor, stance"),
    }

    @pytest.mark.parametrize("name", list(OPTIONS))
    def test_impossible_option(self, index, name):
        """An impossible option is a SearchOptionError naming it."""
        options, message = self.OPTIONS[name]
        error = outcome(index, "botox", **options)
        assert (type(error), str(error)) == (SearchOptionError, message)

    @pytest.mark.parametrize("options", [{"page": 10**9}, {"limit": 1000, "page": 10**6},
                                         {"page": 10**9, "group_by_thread": True},
                                         {"page": 10**9, "sort": "rating"}],
                             ids=["page 1e9", "limit 1000 page 1e6", "grouped page 1e9", "sorted page 1e9"])
    def test_far_page(self, index, options):
        """A page far past the end is an empty page (or an option error), fast."""
        result = outcome(index, "botox", **options)
        if isinstance(result, Results):
            assert (result.hits, result.total > 0) == ((), True)
        else:
            assert type(result) is SearchOptionError

    OPERATORS = st.sampled_from(["AND", "OR", "NOT", "(", ")", '"', "+", "-", "*", "?", "~", "^2",
                                 "title:", "rating:>=", "[", "]", "TO", "{", "}", ":", "\\", "'"])
    WORDS = st.sampled_from(["botox", "filler", "the", "not", "ms", "spasticty", "querymarker", "é", "日本"])

    @FUZZ
    @given(st.lists(st.one_of(OPERATORS, WORDS, st.text(max_size=8)), max_size=60).map(" ".join))
    def test_query_soup(self, index, query):
        """Any mix of operators, words and junk: Results or a query error, under 5 s."""
        result = outcome(index, query)
        assert isinstance(result, (Results, QuerySyntaxError)), repr(result)

    @FUZZ
    @given(st.text(max_size=300))
    def test_any_text(self, index, query):
        """Any text at all: Results or a query error, under 5 s."""
        result = outcome(index, query)
        assert isinstance(result, (Results, QuerySyntaxError)), repr(result)


@pytest.mark.slow
class TestHostileQueriesThroughCli:
    """Through `msqa-search`: exit 0/1 with results, or exit 2 with one line."""

    @pytest.mark.parametrize("query", ['"botox injection', "(botox OR filler", "nosuchfield:botox",
                                       "(" * 1990 + "botox" + ")" * 1990, "\x01\x02botox\x1b[31m"],
                             ids=["quote", "bracket", "unknown field", "nested", "control"])
    def test_answers(self, index_path, query):
        """Queries that can be searched give results and no error line."""
        result = run_cli("search", query, "--index", index_path, "--no-facets", timeout=60)
        assert (result.returncode in (0, 1), "Traceback" not in result.stderr) == (True, True)
        assert len(stderr_lines(result.stderr)) <= 1

    @pytest.mark.parametrize(("query", "message"), [("x" * 10_000, TOO_LONG), ("AND OR NOT +", NO_WORDS),
                                                    ("the of a", NO_WORDS)],
                             ids=["10k characters", "operators", "stop words"])
    def test_refused(self, index_path, query, message):
        """A refused query: exit 2 and one line on stderr that starts with the error."""
        result = run_cli("search", query, "--index", index_path, timeout=60)
        assert (result.returncode, result.stdout) == (2, "")
        lines = stderr_lines(result.stderr)
        assert len(lines) == 1, lines
        assert lines[0].startswith(f"Error: {message}")

    def test_query_that_looks_like_an_option(self, index_path):
        """A query starting with '-' (exclusion syntax) is not taken for an unknown option."""
        result = run_cli("search", "-botox spasm", "--index", index_path, timeout=60)
        assert "No such option" not in result.stderr
        assert result.returncode in (0, 1, 2)
        assert len(stderr_lines(result.stderr)) <= 1, result.stderr
