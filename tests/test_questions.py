"""Questions: function words, minimum-should-match, phrase parts and highlights, on
synthetic threads."""

from __future__ import annotations

import pytest

from msqa_search import Doctor, SearchOptionError
from msqa_search import query as query_mod
from msqa_search.engine.highlight import related
from msqa_search.plan import KEEP_BEST, required_concepts

SWELLING = "how long does swelling last after rhinoplasty"
FUNCTION = {"how", "long", "does", "last", "after", "under", "get", "getting", "can", "i"}


class FakeStats:
    def doc_count(self) -> int:
        return 100

    def doc_frequency(self, stem: str) -> int:
        return 10

    def typo_candidates(self, word: str, limit: int) -> list[str]:
        return []


def plan(text: str, match: str = "most"):
    return query_mod.plan(text, query_mod.lexicon(None), FakeStats(), match=match)


def marked(results) -> list[str]:
    return [text.lower() for hit in results.matches for fragment in hit.highlights for text, on in fragment if on]


def doctor(specialty: str) -> Doctor:
    return Doctor(name="Dr. Ann Lee", specialty=specialty)


@pytest.fixture
def swelling_index(build, make_thread):
    """Answers about swelling after rhinoplasty, and answers that share only the
    question's function words with it (botox lasting long, a facelift)."""
    about = [
        ("Swelling after rhinoplasty lasts a long time; the tip is last to settle.", doctor("Facial Plastic Surgeon")),
        ("Most rhinoplasty swelling is gone after a few months.", doctor("Facial Plastic Surgeon")),
        ("Rhinoplasty swelling can take a year to resolve fully.", doctor("Plastic Surgeon")),
    ]
    others = [
        ("Botox will last about three months, long after the first week.", doctor("Dermatologist")),
        ("After a facelift, how long you rest depends on the surgeon.", doctor("Dermatologist")),
        ("Filler lasts long; after a year you may want more.", doctor("Dermatologist")),
        ("Laser results last; after the peel the redness fades.", doctor("Dermatologist")),
    ]
    return build([make_thread("t-about", *about, title="Nose"), make_thread("t-other", *others, title="Skin")])


class TestFunctionWordsPlan:
    def test_question_words_are_not_topical(self):
        """long, last and after are concepts marked not topical; the topic words are topical."""
        concepts = {c.label: c.topical for c in plan(SWELLING).concepts}
        assert {"long": False, "swelling": True, "last": False, "after": False, "rhinoplasty": True} == concepts

    def test_function_words_are_matched_by_stem(self):
        """'getting' is 'get': not topical, as 'get' is."""
        concepts = {c.label: c.topical for c in plan("breastfeed after getting botox").concepts}
        assert {"breastfeed": True, "after": False, "getting": False, "botox": True} == concepts

    def test_function_words_are_never_highlight_terms(self):
        """The plan's highlight terms hold the topical words (and their synonyms) only."""
        terms = plan("filler blue tint under eyes").terms | plan(SWELLING).terms
        assert {"under", "long", "last", "after"}.isdisjoint(terms)
        assert {"swell", "rhinoplasti", "filler", "bluish"} <= terms

    def test_only_function_words_are_all_searched(self):
        """A query of function words alone searches them as topical words."""
        assert all(c.topical for c in plan("how long after").concepts)

    @pytest.mark.parametrize(("match", "topical", "required"), [
        ("most", 1, 1), ("most", 2, 1), ("most", 3, 3), ("most", 4, 3), ("most", 5, 4), ("most", 8, 6),
        ("any", 5, 1), ("all", 5, 5), ("all", 1, 1),
    ])
    def test_required_concepts(self, match, topical, required):
        """most: any one below three topical words, then 75% rounded up; any: one; all: all."""
        assert required == required_concepts(match, topical)

    def test_plan_counts_topical_words_only(self):
        """The four function words of a question do not raise what 'most' requires."""
        assert 1 == plan(SWELLING).required
        assert 2 == plan(SWELLING, match="all").required
        assert 3 == plan("swelling bruising after rhinoplasty").required

    def test_unknown_match_rule_is_an_error(self):
        with pytest.raises(SearchOptionError, match="match must be one of"):
            plan(SWELLING, match="some")

    def test_explain_names_the_rule_and_the_untopical_words(self):
        text = str(plan("swelling bruising after rhinoplasty"))
        assert "match most: answers hold 3 of the 3 topical concepts, or score among the 10 best" in text
        assert "concept 3: after (not topical" in text
        assert "concept 1: swelling\n" in text


class TestFunctionWordsSearch:
    def test_totals_and_facets_count_answers_about_the_question(self, swelling_index):
        """Answers sharing only how/long/last/after with the question do not match, and
        the facets count the matching answers only."""
        results = swelling_index.search(SWELLING, facets=("specialty",), limit=20)
        assert {"t-about"} == {hit.thread_id for hit in results.matches}
        assert 3 == results.total
        assert {"Facial Plastic Surgeon", "Plastic Surgeon"} == {v.value for v in results.facets["specialty"].values}

    def test_match_all_keeps_answers_with_every_topical_word(self, swelling_index, build, make_thread):
        results = swelling_index.search("rhinoplasty swelling tip", match="all")
        assert ["t-about#1"] == [hit.answer_id for hit in results.matches]
        assert 3 == swelling_index.search("rhinoplasty swelling tip", match="any").total

    def test_question_words_are_not_highlighted(self, swelling_index):
        words = marked(swelling_index.search(SWELLING))
        assert words
        assert FUNCTION.isdisjoint(words)
        assert {"swelling", "rhinoplasty"} <= set(words)

    def test_explain_of_an_index(self, swelling_index):
        text = swelling_index.explain(SWELLING, match="all")
        assert "match all: answers hold 2 of the 2 topical concepts\n" in text
        assert "concept 1: long (not topical" in text


class TestMinimumShouldMatch:
    @pytest.fixture
    def many(self, build, make_thread):
        """Three answers about swelling, bruising and rhinoplasty; thirty about
        rhinoplasty alone."""
        full = [f"Swelling and bruising after rhinoplasty, case {n}." for n in range(3)]
        partial = [f"Rhinoplasty cost and recovery, case {n}." for n in range(30)]
        return build([make_thread("t-full", *full), make_thread("t-part", *partial)])

    def test_most_holds_most_topical_words_and_the_best_answers(self, many):
        """'most' of three topical words is all three; the KEEP_BEST best-scoring answers
        stay whatever they lack, so the total is far below 'any'."""
        query = "swelling bruising rhinoplasty"
        most = many.search(query, limit=100)
        assert 33 == many.search(query, limit=100, match="any").total
        assert 3 == many.search(query, limit=100, match="all").total
        assert max(KEEP_BEST, 3) == most.total
        assert {f"t-full#{n}" for n in (1, 2, 3)} == {hit.answer_id for hit in most.matches[:3]}

    def test_a_query_of_two_topical_words_matches_either(self, many):
        assert 33 == many.search("swelling after rhinoplasty", limit=100).total


class TestPhraseParts:
    """A part of a known phrase matches alone only where it is specific to the phrase:
    at least ranking.PART_SHARE of the answers holding it hold the phrase (or a synonym);
    it then ranks below every answer holding the phrase."""

    MS = [
        "With multiple sclerosis, a neurologist should approve the treatment first, and the"
        " dose may be lower than usual; discuss your medications and your history.",
        "Patients with multiple sclerosis have been treated safely in my practice.",
    ]
    CHOICES = [
        "There are multiple choices: multiple fillers, multiple doses, multiple visits.",
        "Multiple options exist, multiple times over; multiple products are multiple good choices.",
        "Multiple treatments are needed for the best result.",
        "I see multiple patients a week with this concern.",
        "Multiple studies show the results last about a year.",
        "Multiple sessions of laser work better than one.",
        "Ask multiple surgeons before you choose one.",
        "Take photos from multiple angles before the visit.",
    ]

    def test_a_part_that_is_not_specific_matches_nothing_alone(self, build, make_thread):
        """'multiple sclerosis' does not find the answers that say only 'multiple ...'
        (two of the ten answers holding 'multiple' hold the phrase, short of PART_SHARE)."""
        index = build([make_thread("t-ms", *self.MS), make_thread("t-multi", *self.CHOICES)])
        results = index.search("multiple sclerosis")
        assert {"t-ms#1", "t-ms#2"} == {hit.answer_id for hit in results.matches}
        assert 2 == results.total

    def test_a_specific_part_matches_below_the_phrase(self, build, make_thread):
        """An answer saying only 'sclerosis' (most answers holding it hold the phrase)
        matches, and ranks below every answer holding 'multiple sclerosis'."""
        other = ["Sclerosis of the tissue is what we call its hardening, and it is rare here."]
        index = build([make_thread("t-ms", *self.MS), make_thread("t-multi", *self.CHOICES),
                       make_thread("t-other", *other)])
        hits = index.search("multiple sclerosis").matches
        assert ["t-ms", "t-ms", "t-other"] == [hit.thread_id for hit in hits]
        assert hits[2].score < min(h.score for h in hits[:2])

    def test_no_part_matches_where_no_answer_holds_the_phrase(self, build, make_thread):
        """With no answer about multiple sclerosis (or MS), 'multiple sclerosis' matches
        nothing rather than the answers offering multiple choices."""
        index = build([make_thread("t-multi", *self.CHOICES)])
        assert 0 == index.search("multiple sclerosis").total

    def test_a_part_still_counts_in_a_longer_query(self, build, make_thread):
        """'multiple' answers still match the query's other words: the part adds nothing."""
        index = build([make_thread("t-ms", *self.MS), make_thread("t-multi", *self.CHOICES)])
        results = index.search("multiple sclerosis treatments", match="any")
        assert "t-multi#3" in {hit.answer_id for hit in results.matches}
        assert {"t-ms"} == {hit.thread_id for hit in results.matches[:2]}

    def test_chin_augmentation_finds_no_breast_augmentation(self, build, make_thread):
        """'chin augmentation' finds the chin answers (its synonym 'chin implant' holds
        'chin', so 'chin' is specific) and none that holds only 'augmentation' (one of the
        five answers holding it holds the phrase)."""
        chin = ["A chin augmentation with an implant balances the profile.",
                "A chin implant is placed through a small incision under the chin."]
        filler = ["Filler in the chin can add projection for a year or so."]
        breast = [
            "Breast augmentation: augmentation size, augmentation shape, augmentation cost.",
            "Augmentation of the breast with augmentation implants; augmentation recovery.",
            "After a breast augmentation, rest for a week.",
            "Your augmentation will settle over three months.",
        ]
        index = build([make_thread("t-chin", *chin), make_thread("t-filler", *filler),
                       make_thread("t-breast", *breast)])
        hits = index.search("chin augmentation").matches
        assert ["t-chin", "t-chin", "t-filler"] == [hit.thread_id for hit in hits]
        assert hits[2].score < min(h.score for h in hits[:2])

    def test_a_word_without_topic_is_no_part(self):
        """'under' of 'under eyes' (a function word) is never searched alone; 'eye' is."""
        (concept,) = [c for c in plan("swelling under eyes").concepts if c.label == "under eyes"]
        assert [("eye",)] == [a.stems for a in concept.alternatives if a.source == "part"]

    def test_the_plan_says_when_a_part_matches(self):
        """--explain says a part matches alone only where it is specific to the phrase."""
        text = str(plan("multiple sclerosis"))
        assert "multipl                      weight 0.400  (part: alone only where specific to the phrase)" in text

    def test_a_part_alone_is_not_highlighted(self, build, make_thread):
        index = build([make_thread("t", "Multiple sclerosis is not a reason to refuse; multiple visits help.")])
        pieces = [(text.lower(), on) for frag in index.search("multiple sclerosis").matches[0].highlights for text, on in frag]
        assert ("multiple", True) in pieces and ("sclerosis", True) in pieces
        assert ("multiple visits help.", False) in [(t.strip(), on) for t, on in pieces] or \
            all(not on for t, on in pieces if "visits" in t)
        assert sum(1 for t, on in pieces if on and t == "multiple") == 1


class TestHighlights:
    def test_stem_relatives_are_marked(self):
        """A stem marks the stems one or two letters longer that start with it, and back."""
        assert related("droopi", frozenset({"droop"}))
        assert related("droop", frozenset({"droopi"}))
        assert not related("scare", frozenset({"scar"}))  # too short to say
        assert not related("botoxtreat", frozenset({"botox"}))

    def test_a_synonym_marks_its_words(self, build, make_thread):
        """'blue tint under eyes' marks 'bluish' (a synonym says so), never 'under'."""
        index = build([make_thread("t", "A bluish color under eyes after filler is the Tyndall effect.")])
        words = marked(index.search("filler blue tint under eyes"))
        assert "bluish" in words and "filler" in words
        assert "under" not in words
