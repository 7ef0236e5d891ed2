"""Searching one snapshot: filters, facets, ranking, the corrected query, "more like this".

The options are checked and gathered in search_options.py. The query plan (query.py)
is scored into arrays (ranking.py), from which facets are counted over all matches
(facets.py) and the page is ranked; hits.py builds the page's hits and highlights.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import attrs
import numpy as np

from . import facets as facets_mod
from . import query as query_mod
from . import ranking
from .engine.expert import cap_expansions, is_expert
from .engine.opening import damage_guard
from .engine.snapshot import Snapshot
from .facets import DEFAULT_FACETS, FACET_SIZE
from .hits import consensus_of_hits, group, page_hits
from .plan import Alternative, Concept, Plan
from .related import related_docs, telling_words
from .results import Facet, Results
from .search_options import Filters, Shape, check_options, filter_values
from .suggestions import clearly_more, suggest

__all__ = ["SIMILAR_WORDS", "plan_query", "search", "similar", "telling_words"]


def search(
    snapshot: Snapshot,
    query: str,
    *,
    limit: int = 10,
    page: int = 1,
    specialty: str | Sequence[str] | None = None,
    city: str | Sequence[str] | None = None,
    doctor: str | Sequence[str] | None = None,
    min_rating: float | None = None,
    min_reviews: int | None = None,
    sort: str = "relevance",
    facets: str | Sequence[str] = DEFAULT_FACETS,
    group_by_thread: bool = False,
    synonyms: bool = True,
    snippets: int = 3,
    snippet_chars: int = 240,
    facet_size: int | None = FACET_SIZE,
    stance: str | Sequence[str] | None = None,
    exact_spelling: bool = False,
    match: str = "most",
    related: bool = True,
) -> Results:
    """Search the answers of one snapshot of an index.

    Args:
        query: words as a person types them, or expert syntax (docs/search.md).
        limit: hits per page. page: which page, from 1.
        specialty, city, doctor: keep only answers with this value (any case), or
            with any of several values; "unknown" keeps answers without one. A doctor
            is matched by the full name or any part of it ("klein").
        min_rating: keep only answers whose doctor is rated at least this (0-5).
        min_reviews: keep only answers whose doctor has at least this many reviews.
        stance: keep only answers taking this stance ("for", "against",
            "conditional", "unclear"), or any of several, on some target of their
            thread's question (index_stance.py).
        sort: "relevance", "rating" or "reviews" (highest first; ties by the other
            of rating and reviews, then relevance, then answer id).
        facets: which facet counts to return (a name or several), counted over all
            matches. A facet with a filter on counts as if its own filter were off
            (disjunctive facets; ``Results.filtered`` names them).
        group_by_thread: one hit per thread (its best answer); ``total`` then
            counts threads, and ``Results.consensus`` holds each thread's split.
        synonyms: search medical synonyms and correct misspellings too.
        exact_spelling: search the words as typed: no typo variants, no correction
            (a suggestion is still offered).
        snippets: how many highlighted fragments each hit carries (0: none).
        snippet_chars: about how long each fragment is, in characters.
        facet_size: how many values each facet returns, most common first (None: all);
            ``Facet.truncated`` says when there are more.
        match: how many of a plain query's topical words an answer must hold: "any"
            (one), "all", or "most" (one below three topical words, then 75% of them,
            rounded up; plan.required_concepts). Expert syntax says what it matches.
        related: when a plain query's matches end part-way down the page (sorted
            by relevance, not grouped), fill the rest of it with related answers
            (``Hit.related``; related.py). Not counted in ``total`` or the facets.

    Raises:
        QuerySyntaxError: the query cannot be searched; the message says why.
        SearchOptionError: an option has an impossible value.
        FilterValueError: a filter value that no answer has; it lists the nearest.
        IndexDamagedError: the index's files are damaged.
    """
    started = time.perf_counter()
    facets = (facets,) if isinstance(facets, str) else tuple(facets)
    check_options(limit, page, min_rating, sort, facets, min_reviews, snippets, snippet_chars, facet_size)
    filters = Filters(
        values={"specialty": filter_values(specialty), "city": filter_values(city), "doctor": filter_values(doctor),
                "stance": filter_values(stance)},
        min_rating=min_rating, min_reviews=min_reviews,
    )
    shape = Shape(limit, page, sort, facets, group_by_thread, snippets, snippet_chars, facet_size, related)
    plan = plan_query(snapshot, query, synonyms=synonyms, match=match, spelling=not exact_spelling)
    results = _run(snapshot, plan, query, filters, shape)
    suggestion = suggest(snapshot.speller, query) if synonyms else None
    if suggestion:
        # Searched instead when the typed query finds nothing or its corrected words
        # are clearly more frequent; offered only when it finds answers (without a
        # search when it is plain words, unfiltered, each in some answer).
        apply = not exact_spelling and (not results.total or clearly_more(snapshot.speller, query, suggestion))
        if apply or not _surely_finds(snapshot, suggestion, filters, match):
            retry = plan_query(snapshot, suggestion, synonyms=synonyms, match=match)
            corrected = _run(snapshot, retry, query, filters, shape)
            if not corrected.total:
                suggestion = None
            elif apply:
                results = attrs.evolve(corrected, searched=suggestion, typed_total=results.total)
    return attrs.evolve(results, suggestion=suggestion, elapsed=time.perf_counter() - started)


def _surely_finds(snapshot: Snapshot, text: str, filters: Filters, match: str) -> bool:
    """True when ``text`` is plain words, unfiltered, each in some answer, and one word
    or matched with ``match="any"``: it matches."""
    unfiltered = (not any(filters.values.values()) and filters.min_rating is None
                  and filters.min_reviews is None and not filters.exclude)
    words = query_mod.query_words(text)
    return (unfiltered and bool(words) and (match == "any" or len(words) == 1) and not is_expert(text)
            and all(snapshot.speller.df(w.raw) > 0 for w in words))


def plan_query(snapshot: Snapshot, text: str, *, synonyms: bool = True, match: str = "most",
               spelling: bool = True) -> Plan:
    """The plan of ``text`` with the lexicon and term statistics of ``snapshot``
    (``spelling=False``: no typo variants).

    Raises:
        QuerySyntaxError: the query cannot be searched.
        SearchOptionError: ``match`` is not a match rule.
    """
    lexicon = query_mod.lexicon(snapshot.speller if spelling else None) if synonyms else query_mod.Lexicon()
    return query_mod.plan(text, lexicon, snapshot, match=match)


def _run(snapshot: Snapshot, plan: Plan, query, filters: Filters, shape: Shape) -> Results:
    limit, page, sort, facets, group_by_thread = shape.limit, shape.page, shape.sort, shape.facets, shape.group_by_thread
    with damage_guard(snapshot.root):
        notices: list[str] = []
        executed = None
        if plan.query is not None:
            executed = cap_expansions(plan.query, snapshot.searcher.reader(), query_mod.MAX_EXPANSIONS, notices)
        scores, matched = ranking.score(snapshot, plan, executed)
        if filters.exclude:
            gone = [d for answer_id in filters.exclude for d in snapshot.columns.find(answer_id)]
            matched = matched[~np.isin(matched, gone)]
        parts = facets_mod.filter_parts(snapshot, filters.values, filters.min_rating, filters.min_reviews)
        everything = matched
        mask = facets_mod.combine(parts.values())
        if mask is not None:
            matched = matched[mask[matched]]
        # Identical answers (one doctor's answer captured on two pages) count once, in
        # the total and the facets alike; the hit shown names the others.
        unfolded, matched = matched, ranking.fold(snapshot, scores, matched)
        counts = {}
        for name in facets:
            counted = matched
            if name in parts:
                # Disjunctive: the facet's own filter is left out, so that its other
                # values (which a repeated filter could add) are counted too.
                others = facets_mod.combine(part for key, part in parts.items() if key != name)
                counted = ranking.fold(snapshot, scores, everything if others is None else everything[others[everything]])
            counts[name] = facets_mod.facet(snapshot, name, counted, shape.facet_size)
        wanted = page * limit
        sizes: dict[int, int] = {}
        if group_by_thread:
            ranked, sizes = group(snapshot, ranking.rank(snapshot, scores, matched, None, sort))
            total = len(ranked)
        else:
            ranked, total = ranking.rank(snapshot, scores, matched, wanted, sort), len(matched)
        hits = page_hits(snapshot, plan, executed, ranked[(page - 1) * limit : wanted], scores, unfolded, sizes, shape)
        if (shape.related and plan.query is None and sort == "relevance" and not group_by_thread
                and (page - 1) * limit < total < wanted):
            # The matches end on this page: related answers fill the rest of it.
            allowed = _allowed(snapshot, mask, filters)
            more, found = related_docs(snapshot, plan, scores, matched, unfolded, allowed, wanted - total)
            hits += tuple(attrs.evolve(hit, related=True)
                          for hit in page_hits(snapshot, plan, executed, more, found, more, {}, shape))
        consensus = consensus_of_hits(snapshot, hits) if group_by_thread else {}
    filtered = tuple(name for name in ("specialty", "city", "doctor", "stance") if name in parts)
    return Results(query=query, total=total, folded=len(unfolded) - len(matched), hits=hits, facets=counts,
                   page=page, limit=limit,
                   group_by_thread=group_by_thread, filtered=filtered,
                   notices=tuple(notices), consensus=consensus)


def _allowed(snapshot: Snapshot, mask, filters: Filters):
    """The filters' mask over all documents, with the answers excluded (None: all)."""
    if not filters.exclude:
        return mask
    allowed = np.ones(snapshot.postings.size, dtype=bool) if mask is None else mask.copy()
    allowed[[d for answer_id in filters.exclude for d in snapshot.columns.find(answer_id)]] = False
    return allowed


#: How many of an answer's words a "more like this" search looks for.
SIMILAR_WORDS = 12


def similar(snapshot: Snapshot, answer, *, limit: int = 10, facets: str | Sequence[str] = ()) -> Results:
    """Answers like ``answer``, found from its most telling words.

    The words of the answer's title and body are weighed as a search engine weighs
    them (how often the answer uses a word, times how rare the word is in the index);
    the top ``SIMILAR_WORDS`` are searched as a plain query, without the answer itself.
    ``Results.query`` holds the words searched.

    Raises:
        SearchOptionError: an impossible limit or facet.
    """
    started = time.perf_counter()
    facets = (facets,) if isinstance(facets, str) else tuple(facets)
    check_options(limit, 1, None, "relevance", facets)
    words = telling_words(snapshot, f"{answer.title}\n{answer.body}", SIMILAR_WORDS)
    shape = Shape(limit, 1, "relevance", facets, False, related=False)
    filters = Filters(values={}, exclude=(answer.id,))
    if not words:
        results = Results(query="", total=0, hits=(), facets={f: Facet(name=f) for f in facets}, limit=limit)
    else:
        concepts = tuple(Concept(typed, (Alternative((stem,), 1.0),)) for stem, typed in words)
        plan = Plan(" ".join(typed for _, typed in words), concepts, terms=frozenset(stem for stem, _ in words))
        query = " ".join(typed for _, typed in words)
        results = _run(snapshot, plan, query, filters, shape)
    return attrs.evolve(results, elapsed=time.perf_counter() - started)

