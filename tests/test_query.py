"""The pure query planner: a plan from the text, a lexicon and term statistics, no index."""

from __future__ import annotations

import math

import pytest
from click.testing import CliRunner

from msqa_search import QuerySyntaxError
from msqa_search.cli import cli
from msqa_search.lexicon.spelling import fuzzy_variants
from msqa_search.plan import Alternative, Concept, Lexicon, Plan
from msqa_search.query import plan

DOCS = 100


class FakeStats:
    """Term statistics of an imaginary index of 100 answers."""

    def __init__(self, frequencies: dict[str, int], vocabulary: tuple[str, ...] = ()) -> None:
        self.frequencies = frequencies
        self.vocabulary = vocabulary
        self.asked: list[str] = []

    def doc_count(self) -> int:
        return DOCS

    def doc_frequency(self, stem: str) -> int:
        self.asked.append(stem)
        return self.frequencies.get(stem, 0)

    def typo_variants(self, word: str) -> list[str]:
        return fuzzy_variants(word, self.vocabulary)


class FakeSpeller:
    def __init__(self, known: set[str], frequencies: dict[str, int] | None = None) -> None:
        self.known = known
        self.frequencies = frequencies or {}

    def is_known(self, word: str) -> bool:
        return word in self.known

    def is_listed(self, word: str) -> bool:
        return word in self.known

    def df(self, word: str) -> int:
        return self.frequencies.get(word, 0)

    def suggest(self, word: str) -> str | None:
        near = [k for k in fuzzy_variants(word, self.known) if word not in self.known]
        return near[0] if near else None


def idf(df: int) -> float:
    return math.log(1 + (DOCS - df + 0.5) / (df + 0.5))


SYNONYMS = {("ms",): (("multipl", "sclerosi"),), ("multipl", "sclerosi"): (("ms",),)}


class TestPlainPlan:
    def test_words_synonyms_and_weights(self):
        """Each word is a concept; a synonym is weighed by the idf of the word over its own."""
        stats = FakeStats({"ms": 40, "multipl": 10, "sclerosi": 10, "botox": 20})
        found = plan("MS and botox", Lexicon(synonyms=SYNONYMS), stats)
        weight = 0.7 * min(1.0, idf(40) / (idf(10) + idf(10)))
        assert Plan(
            "MS and botox",
            (
                Concept("ms", (Alternative(("ms",), 1.0), Alternative(("multipl", "sclerosi"), weight, "synonym"))),
                Concept("botox", (Alternative(("botox",), 1.0),)),
            ),
            terms=frozenset({"ms", "botox"}),
            phrases=frozenset({("multipl", "sclerosi")}),
        ) == found

    def test_phrase_with_synonym_is_one_concept_with_parts(self):
        """A phrase the synonym table knows is one concept; each of its words counts a little."""
        stats = FakeStats({"ms": 40, "multipl": 10, "sclerosi": 10})
        (concept,) = plan("multiple sclerosis", Lexicon(synonyms=SYNONYMS), stats).concepts
        assert ["typed", "synonym", "part", "part"] == [a.source for a in concept.alternatives]
        assert 0.7 == concept.alternatives[1].boost  # a common synonym: 0.7, never more

    def test_typo_variants_are_known_neighbours(self):
        """An unknown word's typo variants are its known neighbours in the index; a rare
        unknown word ("spasticti") never is one."""
        stats = FakeStats({"spastic": 5, "spasticti": 1}, vocabulary=("spasticty", "spastics", "spasticity"))
        speller = FakeSpeller({"spasticity", "spastics"})
        (concept,) = plan("spastcity", Lexicon(speller=speller), stats).concepts
        assert [("spastic", "typo", "spasticity")] == [
            (a.stems[0], a.source, a.word) for a in concept.alternatives[1:]
        ]

    def test_a_known_word_has_no_typo_variants(self):
        """A known word is not searched as its known neighbours ("spastics")."""
        stats = FakeStats({"spastic": 5, "spasticti": 1}, vocabulary=("spasticty", "spastics", "spasticity"))
        speller = FakeSpeller({"spasticity", "spastics", "spasticty"})
        (concept,) = plan("spasticity", Lexicon(speller=speller), stats).concepts
        assert ["typed"] == [a.source for a in concept.alternatives]

    def test_a_known_word_finds_its_other_forms(self):
        """"amnesia" finds "amnesic" (one word, two stems), never "amnesty"-like neighbours."""
        stats = FakeStats({}, vocabulary=("amnesic", "amnesty"))
        speller = FakeSpeller({"amnesia", "amnesic", "amnesty"})
        (concept,) = plan("amnesia", Lexicon(speller=speller), stats).concepts
        assert ["amnesic"] == [a.word for a in concept.alternatives[1:]]

    def test_an_unknown_word_finds_more_frequent_corpus_words(self):
        """"apthous", in no answer, finds the rarer but present "aphthous"."""
        stats = FakeStats({}, vocabulary=("aphthous", "apthos"))
        speller = FakeSpeller(set(), {"aphthous": 2})
        (concept,) = plan("apthous", Lexicon(speller=speller), stats).concepts
        assert ["aphthous"] == [a.word for a in concept.alternatives[1:]]

    def test_a_known_word_finds_its_misspellings(self):
        """A known word is searched with the index's misspellings of it ("spasticty")."""
        stats = FakeStats({"spastic": 5, "spasticti": 1}, vocabulary=("spasticty", "spastics", "spasticity"))
        speller = FakeSpeller({"spasticity", "spastics"})
        (concept,) = plan("spasticity", Lexicon(speller=speller), stats).concepts
        assert [("spasticti", "typo", "spasticty")] == [(a.stems[0], a.source, a.word) for a in concept.alternatives[1:]]

    def test_no_lexicon_no_alternatives(self):
        """Without synonyms and speller, a plan holds the words typed only."""
        found = plan("botox filler", Lexicon(), FakeStats({}))
        assert [[("botox",)], [("filler",)]] == [[a.stems for a in c.alternatives] for c in found.concepts]

    def test_nothing_to_search(self):
        """Only function words: QuerySyntaxError, before any statistics are asked for."""
        stats = FakeStats({})
        with pytest.raises(QuerySyntaxError):
            plan("can the", Lexicon(), stats)
        assert [] == stats.asked


class TestExpertPlan:
    def test_required_excluded_and_filter(self):
        """An expert plan scores its positive words, and names exclusions and field filters."""
        found = plan("+spasm -filler doctor:klein", Lexicon(), FakeStats({}))
        assert (True, ["spasm"], ("filler",), ("doctor:klein",)) == (
            found.expert, [c.label for c in found.concepts], found.excluded, found.filters)

    def test_field_and_pattern(self):
        """``title:botox`` is scored in the title; a pattern is left to expand at search time."""
        found = plan("title:botox inject*", Lexicon(), FakeStats({}))
        assert [("botox", ("title",), False), ("inject*", None, True)] == [
            (c.label, c.fields, bool(c.patterns)) for c in found.concepts]

    def test_printable(self):
        """str(plan) lists each concept with its alternatives and weights, and the exclusions."""
        stats = FakeStats({"ms": 40, "multipl": 10, "sclerosi": 10})
        text = str(plan("+MS -botox", Lexicon(synonyms=SYNONYMS), stats))
        weight = 0.7 * min(1.0, idf(40) / (idf(10) + idf(10)))
        assert [
            "query: +MS -botox",
            "  expert query: Whoosh decides what matches; answers matching more concepts rank higher",
            "concept 1: ms",
            f"  {'ms':<28} weight 1.000  (typed)",
            f"  {'multipl sclerosi':<28} weight {weight:.3f}  (synonym)",
            "excluded: botox",
        ] == text.splitlines()


class TestExplain:
    def test_index_explains_with_its_own_statistics(self, seed_index):
        """SearchIndex.explain prints the plan made with the index's lexicon and statistics."""
        text = seed_index.explain("spasm")
        assert ["query: spasm", "concept 1: spasm"] == [line for line in text.splitlines() if not line.startswith(" ")]
        assert "(typo:" not in text  # a known word is searched as typed
        assert "(typo: spasticty)" in seed_index.explain("spasticity")  # and its misspellings

    def test_cli_explain(self, seed_index):
        """``--explain`` prints the plan and exits 0; with an output mode it is a usage error."""
        runner = CliRunner()
        result = runner.invoke(cli, ["spasm", "--explain", "--index", str(seed_index.path)], catch_exceptions=False)
        both = runner.invoke(cli, ["spasm", "--explain", "--json", "--index", str(seed_index.path)])
        assert (0, seed_index.explain("spasm") + "\n") == (result.exit_code, result.stdout)
        assert 2 == both.exit_code
