"""Tests for the shipped lexicon's content: lay terms, abbreviations, narrow kinds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from msqa_search.engine.analysis import text_analyzer
from msqa_search.lexicon.synonym_cache import derived_synonyms
from msqa_search.lexicon.synonym_file import load_synonyms
from msqa_search.lexicon.synonyms import SynonymMap, phrase_words

REALPAGES = Path(__file__).resolve().parent.parent.parent / "shared" / "realpages"


def stemmed(text: str) -> tuple[str, ...]:
    """A phrase in the index's terms."""
    return tuple(t.text for t in text_analyzer()(text))


@pytest.fixture(scope="module")
def shipped() -> SynonymMap:
    return load_synonyms()


@pytest.fixture(scope="module")
def terms() -> SynonymMap:
    """The shipped map in the index's terms, as queries use it."""
    return derived_synonyms((), lambda phrase: stemmed(" ".join(phrase)), tag="tests")


def finds(synonyms: SynonymMap, query: str, *, rewrite=phrase_words) -> set[tuple[str, ...]]:
    return set(synonyms.alternatives(rewrite(query)))


class TestAbbreviationsAndLayTerms:
    @pytest.mark.parametrize(
        ("typed", "expected"),
        [
            ("ba", "breast augmentation"),
            ("boob job", "breast augmentation"),
            ("bleph", "blepharoplasty"),
            ("eye lift", "blepharoplasty"),
            ("tt", "abdominoplasty"),
            ("tummy tuck", "abdominoplasty"),
            ("nose job", "rhinoplasty"),
            ("pih", "post inflammatory hyperpigmentation"),
            ("ha", "hyaluronic acid"),
            ("ha filler", "hyaluronic acid filler"),
            ("11s", "glabellar lines"),
            ("fat transfer", "fat grafting"),
            ("fat injections", "fat grafting"),
            ("eyedrops", "eye drops"),
            ("iopidine", "apraclonidine"),
            ("apraclonidine", "iopidine"),
            ("gyno", "gynecomastia"),
            ("ear pinning", "otoplasty"),
            ("erythema", "redness"),
            ("c02", "co2 laser"),
            ("photo facial", "ipl"),
            ("hq", "hydroquinone"),
            ("chin implant", "chin augmentation"),
            ("stitches", "sutures"),
        ],
    )
    def test_finds(self, shipped, typed, expected):
        """An abbreviation or lay term finds the term the answers use."""
        assert phrase_words(expected) in finds(shipped, typed)

    @pytest.mark.parametrize(
        ("typed", "expected"),
        [
            ("drooping eyelids", "blepharoptosis"),
            ("droopy lids", "eyelid ptosis"),
            ("droopy eyebrows", "brow ptosis"),
            ("hyaluronic acid", "restylane"),
            ("hyaluronic acid", "juvederm"),
            ("swollen", "edema"),
            ("hylenex", "hyaluronidase"),
        ],
    )
    def test_finds_in_index_terms(self, terms, typed, expected):
        """Through the stems queries use, word forms and brands reach the same terms."""
        assert stemmed(expected) in finds(terms, typed, rewrite=stemmed)


class TestNarrowKinds:
    def test_ptosis_is_the_eyelid(self, shipped):
        """ptosis finds eyelid ptosis and its synonyms, never brow ptosis."""
        found = finds(shipped, "ptosis")
        assert {phrase_words("eyelid ptosis"), phrase_words("droopy eyelid")} <= found
        assert not {phrase_words("brow ptosis"), phrase_words("brow droop")} & found

    def test_brow_and_eyelid_stay_apart(self, shipped):
        """A brow droop does not find an eyelid droop, nor the other way round."""
        assert phrase_words("eyelid ptosis") not in finds(shipped, "eyebrow droop")
        assert phrase_words("brow ptosis") not in finds(shipped, "droopy eyelid")

    def test_kinds_do_not_find_the_general_term(self, shipped):
        """A kind finds its synonyms, not its general term: restylane finds no filler."""
        assert phrase_words("filler") not in finds(shipped, "hyaluronic acid")
        assert phrase_words("blepharoplasty") not in finds(shipped, "lower eye lift")
        assert phrase_words("liposuction") not in finds(shipped, "smartlipo")

    def test_breast_surgeries_stay_apart(self, shipped):
        """Augmentation, lift and reduction of the breast do not find one another."""
        for one, other in [("breast augmentation", "breast reduction"),
                           ("breast lift", "breast augmentation"),
                           ("boob job", "breast reduction"),
                           ("chin augmentation", "breast augmentation")]:
            assert phrase_words(other) not in finds(shipped, one)


class TestEntries:
    def test_entries_are_short(self, shipped):
        """Every phrase is a word or a short phrase, never a sentence."""
        phrases = {p for group in shipped.groups for p in group}
        phrases |= {p for left, targets in shipped.rules for p in (left, *targets)}
        assert [] == sorted(p for p in phrases if len(p) > 5)

    def test_no_number_or_unit_alone(self, shipped):
        """No phrase is a bare number or unit, which everyday text is full of."""
        single = {p[0] for p in shipped.phrases() if len(p) == 1}
        assert [] == sorted(w for w in single if w.isdigit() or w in {"cc", "ml", "mg", "u"})

    def test_no_phrase_is_only_function_words(self, shipped):
        """Each phrase keeps a searchable word once function words are dropped."""
        phrases = [p for group in shipped.groups for p in group]
        assert [] == [p for p in phrases if not stemmed(" ".join(p))]


@pytest.mark.skipif(not REALPAGES.is_dir(), reason="the real pages are not beside the project")
class TestRealPages:
    ABBREVIATIONS = ["bleph", "ba", "pih", "ha", "11s", "gyno", "rhino", "tt", "imf", "hq", "c02"]

    def test_abbreviations_of_the_pages_find_something(self, shipped):
        """Each abbreviation the pages use on their own finds its expansion."""
        words = set()
        for page in REALPAGES.glob("*.txt"):
            words.update(w.lower() for w in re.findall(r"\w+", page.read_text(encoding="utf-8")))
        used = [a for a in self.ABBREVIATIONS if a in words]
        assert len(used) >= 5
        assert [] == [a for a in used if not shipped.alternatives((a,))]
