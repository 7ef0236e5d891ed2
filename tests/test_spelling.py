"""Tests for msqa_search.lexicon.spelling: edit distance, fuzzy variants and the speller."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msqa_search.lexicon.speller import Speller
from msqa_search.lexicon.spelling import (
    edit_distance,
    fuzzy_variants,
    load_medical_words,
    max_typos,
)

SEEDS = Path(__file__).parent.parent / "seeds"

# Misspellings doctors wrote in the sample threads, with what they meant.
SEED_TYPOS = {
    "spasticty": "spasticity",
    "dermatologsit": "dermatologist",
    "dermatoligist": "dermatologist",
    "restalyne": "restylane",
    "cometic": "cosmetic",
    "immunosupressive": "immunosuppressive",
}


def full_osa(a: str, b: str) -> int:
    """Reference optimal string alignment distance: the whole table, no shortcuts."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


@pytest.fixture(scope="module")
def medical_words() -> frozenset[str]:
    return load_medical_words()


@pytest.fixture(scope="module")
def seed_frequencies() -> Counter[str]:
    """Document frequency of each raw word of the sample threads, one file a document."""
    counts: Counter[str] = Counter()
    for path in sorted(SEEDS.glob("*.txt")):
        counts.update(set(re.findall(r"\w+", path.read_text(encoding="utf-8").lower())))
    return counts


@pytest.fixture(scope="module")
def speller(medical_words) -> Speller:
    return Speller(medical_words, {"spasticty": 1})


words = st.text(alphabet="abcd", max_size=8)


class TestEditDistance:
    @pytest.mark.parametrize(
        ("a", "b", "expected"),
        [
            ("", "", 0),
            ("", "abc", 3),
            ("botox", "botox", 0),
            ("kitten", "sitting", 3),
            ("dermatologsit", "dermatologist", 1),
            ("spasticty", "spasticity", 1),
            ("restalyne", "restylane", 2),
            ("contraindicaton", "contraindication", 1),
            ("ca", "abc", 3),
        ],
    )
    def test_known_values(self, a, b, expected):
        """Insertions, deletions, substitutions and adjacent transpositions each cost 1."""
        assert expected == edit_distance(a, b, 5)

    def test_early_exit(self):
        """Beyond max_distance the result is max_distance + 1."""
        assert 2 == edit_distance("kitten", "sitting", 1)
        assert 1 == edit_distance("botox", "filler", 0)
        assert 3 == edit_distance("a", "abcdef", 2)

    def test_not_a_metric(self):
        """Optimal string alignment breaks the triangle inequality, as documented."""
        assert 1 + 1 < edit_distance("ca", "abc", 9)
        assert (1, 1) == (edit_distance("ca", "ac", 9), edit_distance("ac", "abc", 9))

    def test_negative_bound(self):
        """A negative max_distance is an error."""
        with pytest.raises(ValueError, match="max_distance must be >= 0, not -1"):
            edit_distance("a", "b", -1)

    @given(words, words, st.integers(min_value=0, max_value=6))
    def test_early_exit_agrees_with_full_distance(self, a, b, k):
        """The bounded result is the full distance, capped at max_distance + 1."""
        assert min(full_osa(a, b), k + 1) == edit_distance(a, b, k)

    @given(words, words, st.integers(min_value=0, max_value=6))
    def test_symmetry(self, a, b, k):
        """d(a, b) == d(b, a)."""
        assert edit_distance(a, b, k) == edit_distance(b, a, k)

    @given(words, words)
    def test_identity(self, a, b):
        """d(a, b) is 0 exactly when a == b."""
        assert (edit_distance(a, b, 8) == 0) == (a == b)

    @given(words, words, words)
    def test_triangle_inequality_bounded(self, a, b, c):
        """d(a, c) <= 2 * (d(a, b) + d(b, c)), as each transposition is two substitutions."""
        d = {(x, y): edit_distance(x, y, 16) for x, y in ((a, b), (b, c), (a, c))}
        assert d[a, c] <= 2 * (d[a, b] + d[b, c])

    @given(words, words)
    def test_bounds(self, a, b):
        """The length difference <= d(a, b) <= the longer length."""
        assert abs(len(a) - len(b)) <= edit_distance(a, b, 8) <= max(len(a), len(b))


class TestMaxTypos:
    @pytest.mark.parametrize(
        ("word", "expected"),
        [("ms", 0), ("als", 0), ("lipo", 1), ("botox", 1), ("restyln", 1), ("neuritis", 2),
         ("spasticity", 2)],
    )
    def test_rule(self, word, expected):
        """0 below 4 letters, 1 for 4-7 letters, 2 from 8 letters."""
        assert expected == max_typos(word)


class TestFuzzyVariants:
    def test_finds_corpus_typos(self):
        """A correct query word finds the misspellings in the index."""
        assert ["spasticty"] == fuzzy_variants("spasticity", ["spasticty", "spastic", "plastic"])
        assert ["restalyne"] == fuzzy_variants("Restylane", ["restalyne", "restylane", "rest"])

    def test_needs_first_letter(self):
        """A word starting with another letter is never a variant."""
        assert [] == fuzzy_variants("restylane", ["festylane", "eestylane"])

    def test_order_and_bound(self):
        """Nearest first, then alphabetical; the default bound follows max_typos."""
        vocabulary = ["neurolgst", "neurologists", "neurolo", "neurologist", "nurologist"]
        assert ["neurologists", "nurologist", "neurolgst"] == (
            fuzzy_variants("neurologist", vocabulary)
        )
        assert ["botx"] == fuzzy_variants("botox", ["botx", "bx", "bottoxx"])
        assert ["botx", "bottoxx"] == fuzzy_variants("botox", ["bottoxx", "botx"], max_distance=2)

    def test_short_words_have_no_variants(self):
        """Words under 4 letters are matched exactly."""
        assert [] == fuzzy_variants("als", ["alz", "als", "ams"])


class TestMedicalWords:
    def test_domain_words_present(self, medical_words):
        """The list has the domain's key words."""
        assert {
            "contraindication", "contraindicated", "neurologist", "dermatologist",
            "spasticity", "injection", "hyaluronic", "restylane", "botox", "juvederm",
            "onabotulinumtoxina", "blepharoplasty", "sclerosis", "amyotrophic",
        } <= medical_words

    def test_no_known_misspellings(self, medical_words):
        """None of the corpus's misspellings is in the list."""
        assert set() == set(SEED_TYPOS) & medical_words

    def test_file_is_clean(self):
        """The shipped file is lowercase, alphabetic, sorted and without repeats."""
        path = Path(__file__).parent.parent / "msqa_search" / "data" / "medical_words.txt"
        lines = [line for line in path.read_text(encoding="utf-8").splitlines()
                 if not line.startswith("#")]
        assert sorted(set(lines)) == lines
        assert all(w.isalpha() and w == w.lower() for w in lines)
        assert len(lines) >= 3000

    def test_extra_file(self, tmp_path, medical_words):
        """An extra file of the same format adds its words, lowercased."""
        extra = tmp_path / "mine.txt"
        extra.write_text("# mine\nVistabel\n\nazzalure  # EU brands\n", encoding="utf-8")
        assert medical_words | {"vistabel", "azzalure"} == load_medical_words(extra)


class TestSpeller:
    @pytest.mark.parametrize(
        ("word", "expected"),
        [
            ("contraindicaton", "contraindication"),
            ("spasticty", "spasticity"),
            ("restalyne", "restylane"),
            ("dermatologsit", "dermatologist"),
            ("Dermatoligist", "dermatologist"),
            ("botox", None),
            ("neurologist", None),
            ("ms", None),
        ],
    )
    def test_examples(self, speller, word, expected):
        """The brief's examples, with "spasticty" once in the index."""
        assert expected == speller.suggest(word)

    def test_seed_typos(self, medical_words, seed_frequencies):
        """With the seeds as the index, each of their typos is corrected."""
        speller = Speller(medical_words, seed_frequencies)
        assert SEED_TYPOS == {typo: speller.suggest(typo) for typo in SEED_TYPOS}

    def test_never_suggests_a_corpus_typo(self, medical_words, seed_frequencies):
        """No word of the seeds gets a corpus misspelling as its suggestion."""
        speller = Speller(medical_words, seed_frequencies)
        suggestions = {speller.suggest(w) for w in seed_frequencies}
        assert set() == suggestions & set(SEED_TYPOS)

    def test_frequent_typo_is_shadowed_by_curated_word(self):
        """A typo in several documents is still corrected toward a curated neighbour."""
        speller = Speller(["spasticity"], {"spasticty": 12, "spasticity": 2})
        assert not speller.is_known("spasticty")
        assert "spasticity" == speller.suggest("spasticty")

    def test_common_corpus_word_is_trusted(self):
        """A corpus word in common_frequency documents stands, even beside a curated word."""
        speller = Speller(["linear"], {"liner": 30})
        assert speller.is_known("liner")
        assert "liner" == speller.suggest("linre")

    def test_rare_corpus_word_is_not_trusted(self):
        """A corpus word in fewer than min_frequency documents is neither known nor offered."""
        speller = Speller([], {"vistabel": 2})
        assert not speller.is_known("vistabel")
        assert None is speller.suggest("vistabell")

    def test_much_more_frequent_word_shadows(self):
        """A corpus word is shadowed by a neighbour in dominance times as many documents."""
        speller = Speller([], {"recieve": 5, "receive": 50, "chnage": 5, "change": 49})
        assert "receive" == speller.suggest("recieve")
        assert speller.is_known("chnage")

    def test_inflection_is_not_a_typo(self):
        """A word plus an ending ("s", "ed", ...) is not shadowed by the bare word."""
        speller = Speller(["injector"], {"injectors": 5, "injectorx": 5})
        assert speller.is_known("injectors")
        assert not speller.is_known("injectorx")

    @pytest.mark.parametrize("word", ["als", "bto", "2020", "20units", "co2"])
    def test_short_words_and_numbers_are_left_alone(self, word):
        """Words under 4 letters and words with digits are never corrected."""
        speller = Speller(["also", "botox", "2021", "units", "cox"])
        assert None is speller.suggest(word)

    def test_ranking(self):
        """Rank by distance, then curated first, then frequency, then alphabetically."""
        index = {"botax": 90, "botix": 50, "botux": 50}
        assert "botox" == Speller(["botox"], index).suggest("botxx")
        assert "botax" == Speller([], index).suggest("botxx")
        assert "botix" == Speller([], {"botix": 50, "botux": 50}).suggest("botxx")
        assert "restalyns" == Speller(["restylane"], {"restalyns": 500}).suggest("restalyne")

    def test_max_distance(self):
        """max_distance narrows the search; max_typos caps it for short words."""
        speller = Speller(["restylane", "sculptra"])
        assert None is speller.suggest("restalyne", max_distance=1)
        assert None is speller.suggest("sclptr", max_distance=2)
        with pytest.raises(ValueError, match="max_distance must be >= 0, not -1"):
            speller.suggest("restalyne", max_distance=-1)

    def test_correct_query_words(self, speller):
        """Each word is corrected; None when nothing changes."""
        assert ["can", "ms", "spasticity", "patients", "get", "restylane"] == (
            speller.correct_query_words(["can", "ms", "spasticty", "patients", "get", "Restalyne"])
        )
        assert None is speller.correct_query_words(["can", "ms", "patients", "get", "Botox"])
