"""Tests for msqa_search.lexicon.stem_exceptions: the file format, the shipped families, the analyzer."""

from __future__ import annotations

import pytest
from whoosh.lang.porter2 import stem as porter2

from msqa_search import build_index
from msqa_search.errors import DataFileError, MsqaError
from msqa_search.engine.analysis import text_analyzer
from msqa_search.engine.analysis import stem
from msqa_search.lexicon.stem_exceptions import (
    kept_whole,
    load_kept_words,
    load_stem_exceptions,
    parse_kept_words,
    parse_stem_exceptions,
    stem_exception,
)

# Words people type whose family must give one term.
FAMILIES = [
    ("breastfeed", "breastfeeds", "breastfed", "breastfeeding"),
    ("bleed", "bleeds", "bled", "bleeding"),
    ("swell", "swells", "swelled", "swollen", "swelling"),
    ("droop", "drooped", "drooping", "droopy", "droopiness"),
    ("puff", "puffed", "puffy", "puffiness"),
    ("lump", "lumps", "lumpy", "lumpiness"),
    ("bump", "bumps", "bumpy"),
    ("itch", "itching", "itchy", "itchiness"),
    ("bag", "bags", "baggy"),
    ("sag", "sagging", "saggy"),
    ("ache", "aching", "achy"),
    ("tingle", "tingling", "tingly"),
    ("burn", "burned", "burning", "burnt"),
    ("dry", "dried", "dryness"),
    ("wear", "wears", "wearing", "wore", "worn"),
    ("freeze", "freezing", "froze", "frozen"),
    ("paralysis", "paralyzed", "paralysed", "paralytic"),
    ("injury", "injuries", "injured"),
    ("recover", "recovered", "recovery"),
    ("inflammation", "inflamed"),
    ("allergy", "allergies", "allergic"),
    ("asymmetry", "asymmetric", "asymmetrical"),
    ("hyperpigmentation", "hyperpigmented"),
    ("pregnancy", "pregnant"),
    ("glabella", "glabellar"),
    ("necrosis", "necrotic"),
    ("ptosis", "ptotic"),
    ("tooth", "teeth"),
    # The stemmer already joins these; they stay joined.
    ("bruise", "bruised", "bruising", "bruises"),
    ("numb", "numbness", "numbing"),
]

# Words that look alike but mean different things: never one term.
APART = [
    ("scar", "scary"),
    ("stuff", "stuffy"),
    ("tear", "torn"),
    ("breast", "breastfeeding"),
    ("red", "reddish"),
    # The stemmer alone cuts each first word into the second's stem.
    ("organic", "organ"),
    ("organically", "organism"),
    ("organism", "organization"),
    ("organ", "organized"),
    ("experiment", "experience"),
    ("als", "al"),
    ("hardly", "hard"),
    ("medical", "medication"),
    ("added", "ad"),
    ("hepatitis", "hepatic"),
    ("pancreatitis", "pancreatic"),
    ("sinusitis", "sinus"),
    ("prostatitis", "prostate"),
    ("appendicitis", "append"),
]

# Families whose word is kept whole.
KEPT_FAMILIES = [
    ("organic", "organically", "organics"),
    ("medical", "medically"),
    ("organism", "organisms"),
    ("organization", "organizations", "organized", "organising"),
    ("experiment", "experiments", "experimental"),
    ("add", "added", "adding", "adds"),
]


def term(word: str) -> str:
    """The one term the index analyzer gives a word."""
    (token,) = text_analyzer()(word)
    return token.text


class TestParse:
    def test_families(self):
        """Each left-hand word maps to its line's right-hand word; comments are ignored."""
        text = "# a comment\n\nbled -> bleed\nbreastfed breastfeeds -> breastfeeding  # why\n"
        assert {"bled": "bleed", "breastfed": "breastfeeding", "breastfeeds": "breastfeeding"} == dict(
            parse_stem_exceptions(text)
        )

    def test_head_on_its_own_left_is_ignored(self):
        """Writing the right-hand word on the left too is harmless."""
        assert {"swollen": "swell"} == dict(parse_stem_exceptions("swell swollen -> swell"))

    def test_kept_words(self):
        """Words after '=' are kept whole; they may head a family, and the families still parse."""
        text = "= organic als\norganically -> organic\nbled -> bleed\n"
        assert frozenset({"organic", "als"}) == parse_kept_words(text)
        assert {"organically": "organic", "bled": "bleed"} == dict(parse_stem_exceptions(text))

    def test_read_only(self):
        """The mapping cannot be changed by a caller."""
        table = parse_stem_exceptions("bled -> bleed")
        with pytest.raises(TypeError):
            table["bled"] = "blood"  # type: ignore[index]

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("bled bleed", "f:1: no '->'; write: word word ... -> word"),
            ("a -> b -> c", "f:1: more than one '->'; write: word word ... -> word"),
            (" -> bleed", "f:1: write one or more words, then '->' and one word"),
            ("bled -> bleed blood", "f:1: write one or more words, then '->' and one word"),
            ("bled ->", "f:1: write one or more words, then '->' and one word"),
            ("Bled -> bleed", "f:1: 'Bled' is not a word of lowercase letters a-z"),
            ("bled -> ble3d", "f:1: 'ble3d' is not a word of lowercase letters a-z"),
            ("bled -> bleed\nbled -> blood", "f:2: 'bled' is already listed on line 1"),
            (
                "bled -> bleed\nbleed -> blood",
                "f:2: 'bleed' is the right-hand word of line 1: a family has one word on the"
                " right, and that word is never on a left side",
            ),
            ("=", "f:1: '' is not a word of lowercase letters a-z; write: = word word ..."),
            ("= Als", "f:1: 'Als' is not a word of lowercase letters a-z; write: = word word ..."),
            ("= als\n= als", "f:2: 'als' is already listed on line 1"),
            ("bled -> bleed\n= bled", "f:2: 'bled' is already listed on line 1"),
            (
                "= organic\norganic organics -> organ",
                "f:2: 'organic' is kept whole on line 1: a kept word is its own term, never on a left side",
            ),
            (
                "bleed -> blood\nbled -> bleed",
                "f:2: 'bleed' is on the left of line 1: a family has one word on the right,"
                " and that word is never on a left side",
            ),
        ],
    )
    def test_bad_line(self, text, message):
        """A bad line raises DataFileError naming the source, the line and the problem."""
        with pytest.raises(DataFileError) as info:
            parse_stem_exceptions(text, source="f")
        assert message == str(info.value)
        assert isinstance(info.value, MsqaError) and isinstance(info.value, ValueError)
        assert ("f", int(message.split(":")[1])) == (info.value.source, info.value.line)


class TestShipped:
    def test_loads(self):
        """The shipped file parses, and stem_exception reads it."""
        table = load_stem_exceptions()
        assert len(table) >= 50
        assert "breastfeeding" == stem_exception("breastfed")
        assert None is stem_exception("breastfeeding")
        assert None is stem_exception("botox")

    def test_every_entry_is_a_real_split(self):
        """Each listed word is one the stemmer alone stems apart from its family's word."""
        table = load_stem_exceptions()
        joined = sorted(w for w, head in table.items() if porter2(w) == porter2(head) and not kept_whole(head))
        assert [] == joined

    def test_every_kept_word_is_cut(self):
        """Each word kept whole is one the stemmer alone would change."""
        assert [] == sorted(w for w in load_kept_words() if porter2(w) == w)

    @pytest.mark.parametrize("word", ["hepatitis", "sinusitis", "conjunctivitis", "organic", "als"])
    def test_kept_word_is_its_term(self, word):
        """A kept word (listed, or an "-itis" inflammation) is its own term."""
        assert kept_whole(word)
        assert word == term(word) == stem(word)

    @pytest.mark.parametrize("word", ["itis", "organ", "hepatic", "sinus"])
    def test_other_words_are_stemmed(self, word):
        """Only listed words and inflammations are kept whole."""
        assert not kept_whole(word)

    @pytest.mark.parametrize("family", KEPT_FAMILIES, ids=lambda f: f[0])
    def test_kept_family_meets(self, family):
        """A family that takes a kept word gives that word's term."""
        assert {stem(family[0])} == {term(w) for w in family} == {stem(w) for w in family}

    @pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f[0])
    def test_family_meets(self, family):
        """Every word of a family gives one term, in the index and in queries alike."""
        assert 1 == len({term(w) for w in family})
        assert {term(family[0])} == {stem(w) for w in family}

    @pytest.mark.parametrize("pair", APART, ids=lambda p: "-".join(p))
    def test_look_alikes_stay_apart(self, pair):
        """Words that only look related keep their own terms."""
        assert len(pair) == len({term(w) for w in pair})


@pytest.fixture(scope="module")
def index(tmp_path_factory, make_thread):
    """An index of one thread whose answers use one form of each word."""
    thread = make_thread(
            "t",
        "Most patients can keep breastfeeding after the treatment.",
        "The lip stays swollen for a few days.",
        "A droopy lid settles as the product wears off.",
        "Nothing here is about that.",
        "The organ is examined, and hepatic function tested.",
        "Hepatitis was ruled out by an organic chemistry lab.",
    )
    with build_index([thread], tmp_path_factory.mktemp("stems") / "index") as index:
        yield index


class TestSearch:
    @pytest.mark.parametrize(
        ("query", "answer"),
        [("breastfed", "t#1"), ("breastfeed", "t#1"), ("swelling", "t#2"), ("drooping", "t#3"),
         ("worn", "t#3")],
    )
    def test_other_form_finds_answer(self, index, query, answer):
        """A query in one form of a word finds the answer written in another."""
        results = index.search(query, synonyms=False)
        assert [answer] == [hit.answer_id for hit in results.hits]

    @pytest.mark.parametrize(("query", "answer"), [("hepatitis", "t#6"), ("organically", "t#6"), ("hepatic", "t#5"),
                                                   ("organ", "t#5")])
    def test_kept_word_finds_only_itself(self, index, query, answer):
        """An inflammation does not find its organ's adjective, nor "organic" an organ."""
        results = index.search(query, synonyms=False)
        assert [answer] == [hit.answer_id for hit in results.hits]
