"""Searching an index: hits, synonyms, typos, facets, filters, sorts, pages, highlights,
suggestions, expert syntax and the errors a search raises."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import attrs
import pytest

from msqa_search import (
    Answer,
    AnswerNotFoundError,
    Doctor,
    Facet,
    FacetValue,
    FilterValueError,
    Hit,
    MsqaError,
    QuerySyntaxError,
    Results,
    SearchOptionError,
    build_index,
    from_dict,
    thread_consensus,
)
from msqa_search.facets import FACET_SIZE

ROOT = Path(__file__).resolve().parent.parent

SEED_A = "000_19f0a23f49198bfd"
SEED_B = "001_7bed0a8b883f696a"

ALL_FACETS = ("specialty", "city", "rating", "doctor")
EVERYTHING = 1000  # a limit larger than any result set in these tests


@pytest.fixture(autouse=True)
def _no_user_synonyms(monkeypatch):
    """Searches use only the shipped synonym data."""
    monkeypatch.delenv("MSQA_SEARCH_SYNONYMS", raising=False)


def a(n: int) -> str:
    """Answer id of seed A (000_...)."""
    return f"{SEED_A}#{n}"


def b(n: int) -> str:
    """Answer id of seed B (001_...)."""
    return f"{SEED_B}#{n}"


def ids(results: Results) -> list[str]:
    return [hit.answer_id for hit in results.matches]


def answer_text(thread, answer) -> str:
    """Everything indexed as words for an answer: its title, body and the question."""
    return "\n".join((answer.title, answer.body, thread.title, thread.body))


def answers_matching(threads, pattern: str) -> set[str]:
    """Ids of seed answers whose text matches ``pattern`` (case-insensitive): an oracle
    independent of the index."""
    regex = re.compile(pattern, re.IGNORECASE)
    return {ans.id for t in threads for ans in t.answers if regex.search(answer_text(t, ans))}


def band(rating: float | None) -> str:
    """The issue's rating bands, inclusive at the bottom, 5.0 in the top band."""
    if rating is None:
        return "unrated"
    for low, name in ((4.8, "4.8-5.0"), (4.5, "4.5-4.8"), (4.0, "4.0-4.5")):
        if rating >= low:
            return name
    return "below 4.0"


def facet_value(hit: Hit, facet: str) -> str:
    doctor = hit.doctor or Doctor()
    if facet == "rating":
        return band(doctor.rating)
    value = {"specialty": doctor.specialty, "city": doctor.city, "doctor": doctor.name}[facet]
    return value if value else "unknown"


def values_of(results) -> dict[str, tuple[FacetValue, ...]]:
    """Facet name -> the values a search returned for it."""
    return {name: facet.values for name, facet in results.facets.items()}


def expected_facets(hits, facets=ALL_FACETS) -> dict[str, tuple[FacetValue, ...]]:
    """Facet counts computed from a full list of hits, sorted by count, then name."""
    result = {}
    for facet in facets:
        counts = Counter(facet_value(hit, facet) for hit in hits)
        ordered = sorted(counts.items(), key=lambda vn: (-vn[1], vn[0].casefold(), vn[0]))
        result[facet] = tuple(FacetValue(value=v, count=n) for v, n in ordered)
    return result


def without_timing(results: Results) -> Results:
    return attrs.evolve(results, elapsed=0.0)


# -- hand-made corpora ------------------------------------------------------------------


@pytest.fixture(scope="module")
def synonym_index(tmp_path_factory, make_thread):
    """Small hand-made threads for one-direction synonyms, titles and negations."""
    threads = [
        make_thread(
            "fill",
            "Juvederm is a good choice for thin lips.",
            "Restylane lasts about six months in the lips.",
            "A dermal filler can help with volume.",
            "Sculptra builds collagen slowly.",
            title="Lip question",
        ),
        make_thread(
            "ms",
            "Ms. Jones has had good results with this treatment.",
            "Patients with MS should ask their neurologist first.",
            "Multiple sclerosis is a disease of the nerves.",
            title="Patient question",
        ),
        make_thread(
            "tox",
            "Botox is a brand name.",
            "Botulinum toxin relaxes the muscle.",
            "OnabotulinumtoxinA is the generic name.",
            "Xeomin is another brand.",
            title="Brand question",
        ),
        make_thread(
            "neg",
            "This is not a contraindication for treatment.",
            "This is a contraindication for treatment.",
            title="Allowed question",
        ),
        make_thread(
            "typo",
            "Hyaluronic gel works well here.",
            "It lasts a year.",
            title="Can I get Restalyne?",
        ),
    ]
    index = build_index(threads, tmp_path_factory.mktemp("synonyms") / "index")
    yield index
    index.close()


@pytest.fixture(scope="module")
def tie_index(tmp_path_factory, make_thread):
    """Identical answers in threads added in reverse id order, so scores tie."""
    threads = [make_thread(tid, "Botox was fine for me.", title="Same") for tid in ("t3", "t2", "t1")]
    index = build_index(threads, tmp_path_factory.mktemp("ties") / "index")
    yield index
    index.close()


# -- hits ---------------------------------------------------------------------------------


class TestSeedHits:
    def test_botox_contraindication_ranks_answers_with_both_words_first(self, seed_index, threads):
        """Every answer saying both Botox and contraindication ranks above those with one word."""
        # all answers say Botox; "contraindicated" is the same word once stemmed
        both = answers_matching(threads, r"\bcontraindicat(ion|ed)\b")
        results = seed_index.search("botox contraindication", limit=EVERYTHING)
        assert (16, both) == (results.total, set(ids(results)[: len(both)]))

    def test_question_with_question_mark(self, seed_index, threads):
        """A question typed with '?' finds the answers, as the same words without it do."""
        results = seed_index.search("Can MS patients get Botox?", limit=EVERYTHING, match="any")
        plain = seed_index.search("Can MS patients get Botox", limit=EVERYTHING, match="any")
        everything = {ans.id for t in threads for ans in t.answers}
        assert (16, everything) == (results.total, set(ids(results)))
        assert ids(plain) == ids(results)
        assert ids(seed_index.search("Can MS patients get Botox?", limit=EVERYTHING)) == ids(
            seed_index.search("Can MS patients get Botox", limit=EVERYTHING))

    def test_spasticity_finds_misspelled_spasticty(self, seed_index):
        """'spasticity' finds the one answer that wrote 'spasticty'."""
        results = seed_index.search("spasticity")
        assert (1, [a(2)]) == (results.total, ids(results))

    def test_restylane_finds_thread_with_restylane(self, seed_index, threads_by_id):
        """'Restylane' finds every answer of the thread asking about Restylane (and only it)."""
        results = seed_index.search("Restylane", limit=EVERYTHING)
        assert {ans.id for ans in threads_by_id[SEED_B].answers} == set(ids(results))

    def test_restylane_finds_question_that_wrote_restalyne(self, synonym_index):
        """'Restylane' finds answers whose question only wrote 'Restalyne'."""
        results = synonym_index.search("Restylane", limit=EVERYTHING)
        assert {"fill#2", "typo#1", "typo#2"} == set(ids(results))

    def test_filler_finds_restylane_and_dermal_fillers(self, seed_index, threads):
        """'filler' finds answers mentioning fillers, dermal fillers or Restylane."""
        results = seed_index.search("filler", limit=EVERYTHING)
        expected = answers_matching(threads, r"\bfillers?\b|\brestylane\b")
        assert {a(1), a(3)} < expected
        assert expected == set(ids(results))

    def test_ms_and_multiple_sclerosis_find_each_other(self, seed_index):
        """'MS' and 'multiple sclerosis' find the same answers on the seeds."""
        ms = seed_index.search("MS", limit=EVERYTHING)
        long = seed_index.search("multiple sclerosis", limit=EVERYTHING)
        assert (16, set(ids(ms))) == (long.total, set(ids(long)))

    def test_negation_phrase_is_kept(self, seed_index):
        """'"not a contraindication"' finds only the answer that says so."""
        results = seed_index.search('"not a contraindication"')
        assert [b(2)] == ids(results)


class TestSynonyms:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("Restylane", {"fill#2", "typo#1", "typo#2"}),
            ("Juvederm", {"fill#1"}),
            ("filler", {"fill#1", "fill#2", "fill#3", "fill#4"}),
            ("dermal filler", {"fill#1", "fill#2", "fill#3", "fill#4"}),
        ],
    )
    def test_one_direction_rule(self, synonym_index, query, expected):
        """'filler' finds Restylane and Juvederm; neither brand finds the other or fillers."""
        assert expected == set(ids(synonym_index.search(query, limit=EVERYTHING)))

    @pytest.mark.parametrize("query", ["MS", "ms", "multiple sclerosis", "Multiple Sclerosis"])
    def test_ms_equals_multiple_sclerosis(self, synonym_index, query):
        """MS and multiple sclerosis find each other, and never a 'Ms.' title."""
        assert {"ms#2", "ms#3"} == set(ids(synonym_index.search(query, limit=EVERYTHING)))

    @pytest.mark.parametrize(
        "title", ["Ms. Jones has had good results.", "Ms Smith asked about this treatment."]
    )
    def test_title_ms_is_not_multiple_sclerosis(self, tmp_path, make_thread, title):
        """An answer with 'Ms.'/'Ms' as a title before a name is not found by 'MS'."""
        thread = make_thread("t", title, "Patients with MS should ask their neurologist.")
        with build_index([thread], tmp_path / "index") as index:
            results = index.search("MS")
        assert ["t#2"] == ids(results)

    def test_title_query_is_not_multiple_sclerosis(self, synonym_index):
        """The query 'Ms. Jones' finds Ms. Jones, not the multiple sclerosis answers."""
        assert ["ms#1"] == ids(synonym_index.search("Ms. Jones", limit=EVERYTHING))

    @pytest.mark.parametrize("query", ["Botox", "botulinum toxin", "onabotulinumtoxinA"])
    def test_botulinum_toxin_names_are_equivalent(self, synonym_index, query):
        """Botox, botulinum toxin and onabotulinumtoxinA each find all three, not Xeomin."""
        assert {"tox#1", "tox#2", "tox#3"} == set(ids(synonym_index.search(query, limit=EVERYTHING)))

    def test_negation_phrase(self, synonym_index):
        """'"not a contraindication"' does not match 'a contraindication'."""
        assert ["neg#1"] == ids(synonym_index.search('"not a contraindication"'))

    def test_negation_word_is_searched(self, synonym_index):
        """'not a contraindication' ranks the answer with 'not' first; negations are not stop words."""
        assert ["neg#1", "neg#2"] == ids(synonym_index.search("not a contraindication"))


class TestSynonymsOff:
    def test_no_typo_tolerance(self, seed_index):
        """With synonyms=False, 'spasticity' does not find 'spasticty'."""
        results = seed_index.search("spasticity", synonyms=False)
        assert (0, []) == (results.total, ids(results))

    def test_no_synonyms(self, seed_index, threads):
        """With synonyms=False, 'filler' finds only answers with the word filler itself."""
        results = seed_index.search("filler", synonyms=False, limit=EVERYTHING)
        assert answers_matching(threads, r"\bfillers?\b") == set(ids(results))

    def test_no_ms_expansion(self, synonym_index):
        """With synonyms=False, 'MS' does not find 'multiple sclerosis'."""
        assert ["ms#2"] == ids(synonym_index.search("MS", synonyms=False))


# -- facets ----------------------------------------------------------------------------


class TestFacets:
    @pytest.mark.parametrize(
        ("query", "options"),
        [
            ("botox", {}),
            ("filler", {}),
            ("contraindication", {}),
            ("neurologist", {"city": "New York"}),
            ("botox", {"min_rating": 4.8}),
            ("MS", {"specialty": "plastic surgeon"}),
            ("botox", {"group_by_thread": True}),
        ],
    )
    def test_counts_cover_all_matches(self, seed_index, query, options):
        """Facets on a small first page equal counts over every matching answer; a facet
        with a filter on counts the matches of the other filters (disjunctive)."""
        page = seed_index.search(query, limit=2, facets=ALL_FACETS, facet_size=None, **options)
        expected = {}
        for facet in ALL_FACETS:
            others = {k: v for k, v in options.items() if k not in (facet, "group_by_thread")}
            full = seed_index.search(query, limit=EVERYTHING, facets=ALL_FACETS, **others)
            expected[facet] = expected_facets(full.matches)[facet]
        assert expected == values_of(page)
        assert not any(f.truncated for f in page.facets.values())
        assert tuple(k for k in ("specialty", "city", "doctor") if k in options) == page.filtered

    def test_seed_botox_facets(self, seed_index):
        """The full facet table for 'botox', 'unknown' for missing values, bands inclusive."""
        results = seed_index.search("botox", facets=("specialty", "rating"))
        assert {
            "specialty": (
                FacetValue(value="Plastic Surgeon", count=5),
                FacetValue(value="Dermatologist", count=4),
                FacetValue(value="Dermatologic Surgeon", count=2),
                FacetValue(value="Facial Plastic Surgeon", count=2),
                FacetValue(value="Oculoplastic Surgeon", count=1),
                FacetValue(value="Phlebologist", count=1),
                FacetValue(value="unknown", count=1),
            ),
            "rating": (
                FacetValue(value="4.8-5.0", count=10),
                FacetValue(value="4.5-4.8", count=3),
                FacetValue(value="4.0-4.5", count=2),
                FacetValue(value="unrated", count=1),
            ),
        } == values_of(results)

    def test_rating_bands_edges(self, tmp_path, make_thread):
        """Ratings at band edges fall in the higher band; 5.0 is in 4.8-5.0."""
        ratings = (5.0, 4.8, 4.79, 4.5, 4.0, 3.99, 0.0, None)
        thread = make_thread(
            "r", *((f"Botox answer {i}.", Doctor(rating=r)) for i, r in enumerate(ratings))
        )
        with build_index([thread], tmp_path / "index") as index:
            results = index.search("botox", facets=("rating",), limit=EVERYTHING)
        assert {
            "rating": (
                FacetValue(value="4.5-4.8", count=2),
                FacetValue(value="4.8-5.0", count=2),
                FacetValue(value="below 4.0", count=2),
                FacetValue(value="4.0-4.5", count=1),
                FacetValue(value="unrated", count=1),
            )
        } == values_of(results) == expected_facets(results.matches, ("rating",))

    @pytest.mark.parametrize("size", [1, 3, 6, 7, 100])
    def test_facet_size_truncates(self, seed_index, size):
        """A facet returns its ``facet_size`` most common values, and ``truncated`` says
        whether more values have matches."""
        full = seed_index.search("botox", facets=ALL_FACETS, facet_size=None).facets
        cut = seed_index.search("botox", facets=ALL_FACETS, facet_size=size).facets
        expected = {
            name: Facet(name=name, values=facet.values[:size], truncated=len(facet.values) > size)
            for name, facet in full.items()
        }
        assert expected == cut

    def test_facet_size_default(self, seed_index):
        """By default each facet holds at most FACET_SIZE values; the seeds' doctor facet
        has more, so it is truncated."""
        doctor = seed_index.search("botox", facets=("doctor",)).facets["doctor"]
        assert (FACET_SIZE, True) == (len(doctor.values), doctor.truncated)

    @pytest.mark.parametrize("size", [0, -1, 2.5, True, "3"])
    def test_facet_size_must_be_positive(self, seed_index, size):
        """A facet_size that is not a whole number of at least 1 (or None) is an option error."""
        with pytest.raises(SearchOptionError, match="facet_size must be a whole number of at least 1"):
            seed_index.search("botox", facet_size=size)

    def test_only_requested_facets(self, seed_index):
        """Only the facets asked for are returned; none when facets=()."""
        assert ["city"] == list(seed_index.search("botox", facets=("city",)).facets)
        assert {} == seed_index.search("botox", facets=()).facets

    def test_same_on_every_page(self, seed_index):
        """Page 2 reports the same facet counts as page 1."""
        one = seed_index.search("botox", limit=3, page=1)
        two = seed_index.search("botox", limit=3, page=2)
        assert one.facets == two.facets


# -- filters -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def everything(seed_index) -> list[Hit]:
    """Every hit for 'botox' (all 16 seed answers), in relevance order."""
    return list(seed_index.search("botox", limit=EVERYTHING).matches)


class TestFilters:
    @pytest.mark.parametrize(
        ("options", "keep"),
        [
            ({"specialty": "DERMATOLOGIST"}, lambda d: d.specialty == "Dermatologist"),
            ({"specialty": "plastic surgeon"}, lambda d: d.specialty == "Plastic Surgeon"),
            ({"specialty": "unknown"}, lambda d: d.specialty is None),
            ({"city": "new york"}, lambda d: d.city == "New York"),
            ({"city": "SAN DIEGO"}, lambda d: d.city == "San Diego"),
            ({"doctor": "marla m. klein"}, lambda d: d.name == "Marla M. Klein"),
            ({"doctor": "unknown"}, lambda d: d.name is None),
            ({"min_rating": 4.9}, lambda d: d.rating is not None and d.rating >= 4.9),
            ({"min_rating": 5}, lambda d: d.rating == 5.0),
            ({"min_rating": 0}, lambda d: d.rating is not None),
            (
                {"specialty": "Plastic Surgeon", "city": "New York"},
                lambda d: (d.specialty, d.city) == ("Plastic Surgeon", "New York"),
            ),
            ({"specialty": ["dermatologist", "Plastic Surgeon"]}, lambda d: d.specialty in ("Dermatologist", "Plastic Surgeon")),
            ({"city": ("new york", "san diego")}, lambda d: d.city in ("New York", "San Diego")),
            ({"doctor": "klein"}, lambda d: d.name == "Marla M. Klein"),
            ({"doctor": ["Shafer", "bryan k. chen"]}, lambda d: d.name in ("David Shafer", "Bryan K. Chen")),
            ({"min_reviews": 40}, lambda d: d.reviews is not None and d.reviews >= 40),
        ],
    )
    def test_filter(self, seed_index, everything, options, keep):
        """A filter keeps exactly the matching answers, in relevance order, with the right total."""
        expected = [h.answer_id for h in everything if keep(h.doctor or Doctor())]
        results = seed_index.search("botox", limit=EVERYTHING, **options)
        assert (len(expected), expected) == (results.total, ids(results))

    @pytest.mark.parametrize(
        ("options", "facet", "value", "nearest"),
        [
            ({"specialty": "Dentist"}, "specialty", "Dentist", ("Dermatologist",)),
            ({"specialty": "derm"}, "specialty", "derm", ("Dermatologic Surgeon", "Dermatologist")),
            ({"city": "NYC"}, "city", "NYC", ()),
            ({"doctor": "kline"}, "doctor", "kline", ()),
            ({"city": ["New York", "Nwe York"]}, "city", "Nwe York", ("New York",)),
        ],
    )
    def test_value_not_in_the_index(self, seed_index, options, facet, value, nearest):
        """A filter value no answer has is an error naming it and the nearest values, not an empty result."""
        with pytest.raises(FilterValueError) as info:
            seed_index.search("botox", **options)
        assert (facet, value, nearest) == (info.value.facet, info.value.value, info.value.nearest)

    def test_min_rating_is_inclusive(self, seed_index):
        """min_rating=4.9 keeps the doctors rated exactly 4.9."""
        results = seed_index.search("botox", min_rating=4.9, limit=EVERYTHING)
        assert {4.9, 5.0} == {hit.doctor.rating for hit in results.matches}

    def test_unknown_specialty_is_the_unsigned_answer(self, seed_index):
        """specialty='unknown' keeps the answer without a signature card."""
        results = seed_index.search("botox", specialty="unknown")
        assert ([b(3)], [None]) == (ids(results), [hit.doctor for hit in results.matches])


# -- sorting, pages, grouping, determinism ----------------------------------------------------


class TestSort:
    def test_relevance(self, everything):
        """The default sort is by score, highest first, ties by answer id."""
        assert sorted(everything, key=lambda h: (-h.score, h.answer_id)) == everything

    @pytest.mark.parametrize("sort", ["rating", "reviews"])
    def test_by_doctor_value(self, seed_index, everything, sort):
        """rating/reviews sort highest first, missing last; ties by the other of the two,
        then relevance, then answer id."""
        other = {"rating": "reviews", "reviews": "rating"}[sort]

        def value(hit, name):
            v = getattr(hit.doctor or Doctor(), name)
            return float("-inf") if v is None else v

        expected = sorted(
            everything, key=lambda h: (-value(h, sort), -value(h, other), -h.score, h.answer_id)
        )
        results = seed_index.search("botox", sort=sort, limit=EVERYTHING)
        assert [h.answer_id for h in expected] == ids(results)

    @pytest.mark.parametrize("sort", ["rating", "reviews"])
    def test_by_doctor_value_primary_key(self, seed_index, sort):
        """rating/reviews sort puts higher values first and answers without one last."""
        results = seed_index.search("botox", sort=sort, limit=EVERYTHING)
        values = [getattr(hit.doctor or Doctor(), sort) for hit in results.matches]
        known = [v for v in values if v is not None]
        assert (sorted(known, reverse=True), [None]) == (known, values[len(known):])

    @pytest.mark.parametrize("sort", ["relevance", "rating", "reviews"])
    def test_pages_follow_the_sort(self, seed_index, sort):
        """Each page of a sorted search is the next slice of the full sorted list."""
        full = ids(seed_index.search("botox", sort=sort, limit=EVERYTHING))
        pages = [ids(seed_index.search("botox", sort=sort, limit=5, page=p)) for p in (1, 2, 3, 4)]
        assert [full[0:5], full[5:10], full[10:15], full[15:20]] == pages


class TestPagination:
    def test_page_two_continues_page_one(self, seed_index):
        """Page 2 holds the next hits, none repeated, and total is unchanged."""
        full = seed_index.search("MS", limit=EVERYTHING)
        one = seed_index.search("MS", limit=6, page=1)
        two = seed_index.search("MS", limit=6, page=2)
        assert (ids(full)[:6], ids(full)[6:12]) == (ids(one), ids(two))
        assert not set(ids(one)) & set(ids(two))
        assert (16, 16, 16) == (full.total, one.total, two.total)
        assert ((1, 6), (2, 6)) == ((one.page, one.limit), (two.page, two.limit))

    @pytest.mark.parametrize("limit", [1, 3, 5, 10])
    @pytest.mark.parametrize(
        "query", ["botox", "botox contraindication", "MS", "filler", "Can MS patients get Botox?"]
    )
    def test_first_page_is_head_of_full_ranking(self, seed_index, query, limit):
        """A page of `limit` hits is the head of the full ranking, whatever the limit."""
        full = seed_index.search(query, limit=EVERYTHING)
        assert ids(full)[:limit] == ids(seed_index.search(query, limit=limit))

    @pytest.mark.parametrize("limit", [3, 5])
    def test_pages_do_not_overlap(self, seed_index, limit):
        """Consecutive pages of 'botox' never repeat a hit and together list every answer."""
        pages = [ids(seed_index.search("botox", limit=limit, page=p)) for p in range(1, 16 // limit + 2)]
        listed = [answer_id for page in pages for answer_id in page]
        assert (16, 16) == (len(listed), len(set(listed)))

    def test_page_past_the_end(self, seed_index):
        """A page past the last hit is empty but keeps the total and facets."""
        last = seed_index.search("spasticity", page=3)
        first = seed_index.search("spasticity")
        assert ((), 1, first.facets) == (last.matches, last.total, last.facets)


class TestGroupByThread:
    def test_one_hit_per_thread(self, seed_index):
        """Each thread appears once, as its best answer, with its number of matching answers."""
        full = seed_index.search("botox", limit=EVERYTHING)
        grouped = seed_index.search("botox", group_by_thread=True)
        best = {}
        for hit in full.matches:
            best.setdefault(hit.thread_id, hit.answer_id)
        counts = Counter(hit.thread_id for hit in full.matches)
        assert (2, True) == (grouped.total, grouped.group_by_thread)
        assert [(best[h.thread_id], counts[h.thread_id]) for h in grouped.matches] == [
            (h.answer_id, h.thread_hits) for h in grouped.matches
        ]
        assert {SEED_A: 9, SEED_B: 7} == {h.thread_id: h.thread_hits for h in grouped.matches}

    def test_total_counts_threads_with_filter(self, seed_index):
        """With a filter, total counts the threads that still have a matching answer."""
        grouped = seed_index.search("botox", group_by_thread=True, city="New York")
        assert (2, {SEED_A: 2, SEED_B: 2}) == (
            grouped.total,
            {h.thread_id: h.thread_hits for h in grouped.matches},
        )

    def test_pages_of_threads(self, seed_index):
        """Pages of grouped results continue each other, one thread per hit."""
        both = seed_index.search("botox", group_by_thread=True)
        one = seed_index.search("botox", group_by_thread=True, limit=1, page=1)
        two = seed_index.search("botox", group_by_thread=True, limit=1, page=2)
        assert (ids(both), 2, 2) == (ids(one) + ids(two), one.total, two.total)

    def test_ungrouped_hits_count_one(self, seed_index):
        """Without grouping every hit has thread_hits == 1."""
        assert {1} == {h.thread_hits for h in seed_index.search("botox", limit=EVERYTHING).matches}


class TestDeterminism:
    @pytest.mark.parametrize("query", ["botox contraindication", "MS", 'specialty:"plastic surgeon"'])
    def test_same_query_same_results(self, seed_index, query):
        """The same search twice gives identical results (apart from the time taken)."""
        first = seed_index.search(query, limit=EVERYTHING)
        second = seed_index.search(query, limit=EVERYTHING)
        assert without_timing(first) == without_timing(second)

    def test_ties_broken_by_answer_id(self, tie_index):
        """Equal scores are ordered by answer id, not by the order of indexing."""
        results = tie_index.search("botox")
        assert ["t1#1", "t2#1", "t3#1"] == ids(results)
        assert 1 == len({hit.score for hit in results.matches})

    def test_ties_across_pages(self, tie_index):
        """Tied hits cut by a page keep the answer-id order across pages."""
        pages = [ids(tie_index.search("botox", limit=1, page=p)) for p in (1, 2, 3)]
        assert [["t1#1"], ["t2#1"], ["t3#1"]] == pages

    def test_expert_ties_broken_by_answer_id(self, seed_index):
        """A field query that scores its hits alike lists them by answer id."""
        results = seed_index.search('specialty:"plastic surgeon"')
        assert [a(8), b(1), b(5), b(6), b(7)] == ids(results)


# -- hits and highlights -------------------------------------------------------------------------


class TestHits:
    def test_hit_record(self, seed_index, threads_by_id):
        """A hit carries the answer, its thread title, the doctor's card and the
        answer's stances as thread_consensus judges them."""
        thread = threads_by_id[SEED_A]
        answer = thread.answers[1]
        (hit,) = seed_index.search("spasticity").matches
        stances = tuple(s.stance for s in thread_consensus(thread).stances if s.answer_id == answer.id)
        assert attrs.evolve(hit, score=0.0, highlights=()) == Hit(
            answer_id=answer.id,
            thread_id=thread.id,
            thread_title=thread.title,
            position=2,
            title=answer.title,
            body=answer.body,
            doctor=answer.doctor,
            score=0.0,
            stances=stances,
        )

    def test_results_record(self, seed_index):
        """Results echo the query and options, and have no suggestion for good spelling."""
        results = seed_index.search("spasticity", limit=5)
        assert (results.query, results.page, results.limit, results.suggestion, results.searched) == (
            "spasticity", 1, 5, None, None
        )


class TestHighlights:
    def test_pieces_are_text_and_flag(self, seed_index):
        """Every fragment is a tuple of (str, bool) pieces whose text is a part of the body."""
        for hit in seed_index.search("botox contraindication", limit=EVERYTHING).matches:
            assert hit.highlights
            for fragment in hit.highlights:
                assert all(isinstance(t, str) and isinstance(m, bool) for t, m in fragment)
                assert "".join(t for t, _ in fragment) in hit.body

    def test_marks_words_as_written(self, seed_index):
        """A lowercase query marks 'Botox' as the text capitalises it."""
        (hit,) = [h for h in seed_index.search("botox", limit=EVERYTHING).matches if h.answer_id == a(3)]
        marked = [t for fragment in hit.highlights for t, m in fragment if m]
        assert marked and {"Botox"} == set(marked)

    def test_whole_highlight(self, make_thread, tmp_path):
        """One short fragment: 'BOTOX' and 'Botox' marked as written, nothing else."""
        thread = make_thread("h", "BOTOX is safe for most people, and Botox lasts months.")
        with build_index([thread], tmp_path / "index") as index:
            (hit,) = index.search("botox").matches
        assert (
            (
                ("BOTOX", True),
                (" is safe for most people, and ", False),
                ("Botox", True),
                (" lasts months", False),
            ),
        ) == hit.highlights

    def test_synonym_phrase_word_alone_is_not_marked(self, make_thread, tmp_path):
        """'botox' does not mark a lone 'cosmetic' (only part of the synonym 'botox cosmetic')."""
        thread = make_thread("h", "Botox is safe for most people. Other cosmetic treatments are fine too.")
        with build_index([thread], tmp_path / "index") as index:
            (hit,) = index.search("botox").matches
        marked = [t for fragment in hit.highlights for t, m in fragment if m]
        assert ["Botox"] == marked

    def test_synonym_is_marked(self, synonym_index):
        """'Botox' marks the words of 'Botulinum toxin' in an answer found through the synonym."""
        (hit,) = [h for h in synonym_index.search("Botox").matches if h.answer_id == "tox#2"]
        assert ((("Botulinum", True), (" ", False), ("toxin", True), (" relaxes the muscle", False)),) == hit.highlights


# -- suggestions -------------------------------------------------------------------------------


class TestSuggestion:
    def test_misspelled_query_searches_the_suggestion(self, seed_index):
        """'contraindicaton' has no hits, so the results are for 'contraindication'."""
        results = seed_index.search("contraindicaton", limit=EVERYTHING)
        corrected = seed_index.search("contraindication", limit=EVERYTHING)
        assert ("contraindicaton", "contraindication", "contraindication") == (
            results.query, results.suggestion, results.searched
        )
        assert (corrected.total, ids(corrected)) == (results.total, ids(results))
        assert 7 == results.total  # contraindication, contraindicated: one stem

    def test_typed_query_alone_has_no_hits(self, seed_index):
        """The typed 'contraindicaton' matches nothing by itself (synonyms and typos off)."""
        results = seed_index.search("contraindicaton", synonyms=False)
        assert (0, None, None) == (results.total, results.suggestion, results.searched)

    def test_suggestion_keeps_case(self, seed_index):
        """'Contraindicaton' is corrected to 'Contraindication'."""
        results = seed_index.search("Contraindicaton")
        assert ("Contraindication", "Contraindication") == (results.suggestion, results.searched)

    def test_suggestion_finding_clearly_more_is_searched(self, seed_index):
        """The typed query has hits ("botox"), but the corrected word is in many more
        answers than the typo: the correction is searched, the typed total kept."""
        typed = seed_index.search("contraindicaton botox", exact_spelling=True)
        results = seed_index.search("contraindicaton botox")
        corrected = seed_index.search("contraindication botox", exact_spelling=True)
        assert typed.total and typed.searched is None
        assert ("contraindication botox", "contraindication botox", typed.total) == (
            results.suggestion, results.searched, results.typed_total)
        assert ids(corrected) == ids(results)

    @pytest.mark.parametrize(
        ("query", "suggestion"),
        [("spasticty", "spasticity"), ("dermatologsit", "dermatologist"), ("Restalyne", "Restylane")],
    )
    def test_corpus_misspellings_are_corrected(self, seed_index, query, suggestion):
        """Typing one of the corpus's misspellings suggests the right spelling."""
        assert suggestion == seed_index.search(query).suggestion

    @pytest.mark.parametrize(
        "query",
        ["spasticty", "spastcity", "spasticy", "spasticti", "dermatologsit", "dermatologst",
         "dermatoligist", "dermatologit", "Restalyne", "restalyn", "restylne", "restalne"],
    )
    def test_corpus_misspellings_never_suggested(self, seed_index, query):
        """The seeds' misspellings are never offered as a suggestion."""
        suggestion = seed_index.search(query).suggestion
        assert suggestion is None or suggestion.lower() not in {
            "spasticty", "dermatologsit", "restalyne", "dermatoligist"
        }

    @pytest.mark.parametrize(
        ("query", "misspelling"),
        [("spasticy", "spasticty"), ("dermatologst", "dermatologsit"), ("restalyn", "restalyne")],
    )
    def test_frequent_corpus_misspellings_never_suggested(self, tmp_path, make_thread, query, misspelling):
        """Even a misspelling that several answers repeat is never suggested."""
        bodies = [f"Answer {i} talks about {misspelling} today." for i in range(5)]
        with build_index([make_thread("m", *bodies)], tmp_path / "index") as index:
            suggestion = index.search(query).suggestion
        assert suggestion is None or suggestion.lower() != misspelling


# -- expert syntax ----------------------------------------------------------------------------


class TestExpertSyntax:
    def test_phrase(self, seed_index, threads):
        """A quoted phrase matches the words next to each other."""
        results = seed_index.search('"muscle weakness"', limit=EVERYTHING)
        assert answers_matching(threads, r"\bmuscle weakness\b") == set(ids(results)) == {a(3)}

    def test_doctor_field(self, seed_index):
        """doctor:klein finds Dr Klein's answer."""
        assert [a(2)] == ids(seed_index.search("doctor:klein"))

    def test_specialty_field_phrase(self, seed_index):
        """specialty:"plastic surgeon" finds exactly the plastic surgeons (not facial ones)."""
        results = seed_index.search('specialty:"plastic surgeon"', limit=EVERYTHING)
        assert {a(8), b(1), b(5), b(6), b(7)} == set(ids(results))

    def test_rating_range(self, seed_index, threads):
        """rating:>=4.9 finds answers by doctors rated 4.9 or more."""
        expected = {
            ans.id for t in threads for ans in t.answers
            if ans.doctor and ans.doctor.rating is not None and ans.doctor.rating >= 4.9
        }
        assert expected == set(ids(seed_index.search("rating:>=4.9", limit=EVERYTHING)))

    def test_and(self, seed_index, threads):
        """muscles AND nerves finds answers with both words."""
        expected = answers_matching(threads, r"\bmuscles?\b") & answers_matching(threads, r"\bnerves?\b")
        results = seed_index.search("muscles AND nerves", limit=EVERYTHING)
        assert {a(1), a(5)} == expected == set(ids(results))

    def test_or(self, seed_index, threads):
        """spasms OR exacerbation finds answers with either word."""
        expected = answers_matching(threads, r"\bspasms\b|\bexacerbation\b")
        results = seed_index.search("spasms OR exacerbation", limit=EVERYTHING)
        assert expected == set(ids(results))

    def test_and_not(self, seed_index, threads):
        """restylane AND NOT filler drops the answers that say filler."""
        expected = answers_matching(threads, r"\brestylane\b") - answers_matching(threads, r"\bfillers?\b")
        results = seed_index.search("restylane AND NOT filler", limit=EVERYTHING)
        assert expected == set(ids(results))

    def test_not(self, seed_index, threads):
        """restylane NOT filler finds Restylane answers that do not say filler."""
        expected = answers_matching(threads, r"\brestylane\b") - answers_matching(threads, r"\bfillers?\b")
        results = seed_index.search("restylane NOT filler", limit=EVERYTHING)
        assert (len(expected), expected) == (results.total, set(ids(results)))

    def test_plus_minus(self, seed_index, threads):
        """+restylane -filler: required Restylane, excluded only the word filler."""
        expected = answers_matching(threads, r"\brestylane\b") - answers_matching(threads, r"\bfillers?\b")
        results = seed_index.search("+restylane -filler", limit=EVERYTHING)
        assert (6, expected) == (results.total, set(ids(results)))

    def test_minus_without_synonyms(self, seed_index, threads):
        """+botox -muscles drops answers mentioning muscles."""
        expected = answers_matching(threads, r"\bbotox\b") - answers_matching(threads, r"\bmuscles?\b")
        results = seed_index.search("+botox -muscles", limit=EVERYTHING)
        assert expected == set(ids(results))

    def test_plus_requires(self, seed_index, threads):
        """+spasms +botox requires both words."""
        expected = answers_matching(threads, r"\bspasms\b")
        assert expected == set(ids(seed_index.search("+spasms +botox", limit=EVERYTHING)))

    def test_phrase_with_filter_and_field(self, seed_index):
        """Expert syntax combines with filters."""
        results = seed_index.search('"no contraindication"', city="New York")
        assert [a(7)] == ids(results)


# -- errors ------------------------------------------------------------------------------------


class TestQueryErrors:
    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("", "the query is empty. Type some words to search for"),
            ("   \t ", "the query is empty. Type some words to search for"),
            (
                "can the",
                "the query has no words to search for. Function words such as 'the' or 'can'"
                " and lone operators are not searched; add a word that carries meaning",
            ),
            (
                "Can you?",
                "the query has no words to search for. Function words such as 'the' or 'can'"
                " and lone operators are not searched; add a word that carries meaning",
            ),
        ],
    )
    def test_nothing_to_search(self, seed_index, query, message):
        """Empty and stop-word-only queries raise QuerySyntaxError saying why."""
        with pytest.raises(QuerySyntaxError) as info:
            seed_index.search(query)
        assert (message, type(info.value)) == (str(info.value), QuerySyntaxError)

    def test_overlong_query(self, seed_index):
        """A query over 4,000 characters raises QuerySyntaxError with the length."""
        query = "botox " * 700
        with pytest.raises(QuerySyntaxError) as info:
            seed_index.search(query)
        assert (
            "the query is 4,200 characters long. Use at most 4,000 characters;"
            " a few distinctive words work best",
            query[:80] + "...",
        ) == (str(info.value), info.value.query)

    def test_longest_query_is_accepted(self, seed_index):
        """A query of exactly 4,000 characters is searched."""
        assert seed_index.search(("botox " * 700)[:4000]).total == 16

    def test_carries_query_and_hint(self, seed_index):
        """The error carries the query and the hint as attributes."""
        with pytest.raises(QuerySyntaxError) as info:
            seed_index.search("the")
        assert ("the", True) == (info.value.query, info.value.hint in str(info.value))


class TestOptionErrors:
    @pytest.mark.parametrize(
        ("options", "message"),
        [
            ({"limit": 0}, "limit must be a whole number of at least 1, not 0"),
            ({"limit": -3}, "limit must be a whole number of at least 1, not -3"),
            ({"page": 0}, "page must be a whole number of at least 1, not 0"),
            ({"min_rating": 7}, "min_rating must be a number from 0 to 5, not 7"),
            ({"min_rating": -0.5}, "min_rating must be a number from 0 to 5, not -0.5"),
            ({"sort": "date"}, "sort must be one of relevance, rating, reviews, not 'date'"),
            (
                {"facets": ("city", "colour")},
                "unknown facet 'colour'; facets are specialty, city, rating, doctor, stance",
            ),
        ],
    )
    def test_bad_option(self, seed_index, options, message):
        """An impossible option raises SearchOptionError (also a ValueError) naming it."""
        with pytest.raises(SearchOptionError) as info:
            seed_index.search("botox", **options)
        assert (message, type(info.value), True, True) == (
            str(info.value),
            SearchOptionError,
            isinstance(info.value, ValueError),
            isinstance(info.value, MsqaError),
        )


# -- the library as people use it ------------------------------------------------------------


class TestLibraryUse:
    def test_search_declares_its_options(self):
        """SearchIndex.search names its keyword options, so help() and editors show them."""
        import inspect

        from msqa_search import SearchIndex

        params = inspect.signature(SearchIndex.search).parameters
        assert {"limit", "page", "specialty", "city", "doctor", "min_rating", "min_reviews", "sort", "facets",
                "group_by_thread", "synonyms", "snippets", "snippet_chars"} <= set(params)
        assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())

    def test_results_len_and_iteration(self, seed_index):
        """len(results) is the number of hits on the page, and iterating gives the hits."""
        results = seed_index.search("botox", limit=3)
        assert (3, list(results.matches)) == (len(results), list(results))

    def test_one_facet_as_a_string(self, seed_index):
        """facets="specialty" is one facet, not nine letters."""
        assert ["specialty"] == list(seed_index.search("botox", facets="specialty").facets)

    def test_similar(self, seed_index):
        """similar() finds other answers sharing the answer's telling words, never the answer itself."""
        results = seed_index.similar(f"{SEED_A}#6", limit=5)
        assert 5 == len(results)
        assert f"{SEED_A}#6" not in ids(results)
        assert {"contraindication", "neurologist"} <= set(results.query.split())
        assert all(h.score > 0 for h in results)

    def test_similar_unknown_answer(self, seed_index):
        """similar() of an id that is not in the index raises AnswerNotFoundError."""
        with pytest.raises(AnswerNotFoundError):
            seed_index.similar("nope#1")

    def test_values(self, seed_index):
        """values() counts every value of a facet over the whole index."""
        found = seed_index.values("city")
        assert (FacetValue(value="New York", count=4), 16) == (found[0], sum(v.count for v in found))

    def test_exports(self):
        """IndexStats, UpdateSummary and the new errors are part of the public API."""
        import msqa_search

        for name in ("IndexStats", "UpdateSummary", "ThreadAnswer", "FilterValueError", "ThreadNotFoundError",
                     "IndexClosedError"):
            assert name in msqa_search.__all__ and getattr(msqa_search, name).__name__ == name

    @pytest.mark.parametrize(
        ("cls", "data", "message"),
        [
            (Doctor, {"rating": 7}, "not a valid Doctor: 'rating' must be <= 5.0: 7.0"),
            (Doctor, {"reviews": "many"}, "not a valid Doctor: reviews: 'many' (invalid literal for int() with base 10: 'many')"),
            (Answer, {"thread_id": "t"}, "not a valid Answer: position: missing; body: missing"),
        ],
    )
    def test_from_dict_names_the_field_and_value(self, cls, data, message):
        """from_dict errors name the field at fault and the value it holds."""
        with pytest.raises(ValueError) as info:
            from_dict(cls, data)
        assert message == str(info.value)

    def test_readme_example_runs_anywhere(self, tmp_path, monkeypatch):
        """The README's Python example runs from any folder and prints hits and facet counts."""
        import contextlib
        import io

        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        code = readme.split("## Use it from Python", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
        monkeypatch.chdir(tmp_path)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {})
        lines = out.getvalue().splitlines()
        assert re.match(r"\w+#\d+ .+ \(.+\)$", lines[0]), lines
        assert any("Dermatologist" in line for line in lines)
