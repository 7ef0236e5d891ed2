"""Searching an index: options, filters, facets, ranking, hits and highlights.

Plain-word queries are scored with numpy over Whoosh's postings (search_scores.py);
expert queries by Whoosh's own matchers. Either way the matching documents become
arrays, from which facets are counted over all matches and the page is ranked.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

import attrs
import numpy as np
from whoosh import collectors as wc
from whoosh import highlight as wh
from whoosh.scoring import BM25F

from . import index as ix_mod
from . import search_scores as scores_mod
from .errors import SearchOptionError
from .model import Doctor, FacetValue, Hit, Results, from_dict
from .search_query import FACETS, SORTS, TEXT_FIELDS, Plan, build_query, stemmed_analyzer, suggest

#: BM25F parameters and how strongly the share of concepts matched scales a score
#: (0: not at all), tuned on the NFCorpus dev split (docs/performance.md).
BM25 = {"B": 1.0, "K1": 1.5}
COORDINATION = 0.25

def _check_options(limit, page, min_rating, sort, facets) -> None:
    def bad(message: str) -> SearchOptionError:
        return SearchOptionError(message)

    if not isinstance(limit, int) or limit < 1:
        raise bad(f"limit must be a whole number of at least 1, not {limit!r}")
    if not isinstance(page, int) or page < 1:
        raise bad(f"page must be a whole number of at least 1, not {page!r}")
    if min_rating is not None and (not isinstance(min_rating, (int, float)) or not 0 <= min_rating <= 5):
        raise bad(f"min_rating must be a number from 0 to 5, not {min_rating!r}")
    if sort not in SORTS:
        raise bad(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    unknown = [f for f in facets if f not in FACETS]
    if unknown:
        raise bad(f"unknown facet {unknown[0]!r}; facets are {', '.join(FACETS)}")


# -- the search ----------------------------------------------------------------------


def search(
    index,
    query: str,
    *,
    limit: int = 10,
    page: int = 1,
    specialty: str | None = None,
    city: str | None = None,
    doctor: str | None = None,
    min_rating: float | None = None,
    sort: str = "relevance",
    facets: Sequence[str] = FACETS,
    group_by_thread: bool = False,
    synonyms: bool = True,
) -> Results:
    """Search the answers of ``index``.

    Args:
        query: words as a person types them, or expert syntax (docs/search.md).
        limit: hits per page. page: which page, from 1.
        specialty, city, doctor: keep only answers with this value (any case);
            "unknown" keeps answers without one.
        min_rating: keep only answers whose doctor is rated at least this (0-5).
        sort: "relevance", "rating" or "reviews" (highest first; ties by the other
            of rating and reviews, then relevance, then answer id).
        facets: which facet counts to return, counted over all matches.
        group_by_thread: one hit per thread (its best answer); ``total`` then
            counts threads.
        synonyms: search medical synonyms and the corpus's misspellings too.

    Raises:
        QuerySyntaxError: the query cannot be searched; the message says why.
        SearchOptionError: an option has an impossible value.
        IndexDamagedError: the index's files are damaged.
    """
    started = time.perf_counter()
    facets = tuple(facets)
    _check_options(limit, page, min_rating, sort, facets)
    plan = build_query(index, query, synonyms=synonyms)
    results = _run(index, plan, query, limit, page, specialty, city, doctor, min_rating, sort, facets, group_by_thread)
    suggestion = suggest(index, query) if synonyms else None
    if results.total == 0 and suggestion:
        retry = build_query(index, suggestion, synonyms=synonyms)
        corrected = _run(index, retry, query, limit, page, specialty, city, doctor, min_rating, sort, facets, group_by_thread)
        if corrected.total:
            results = attrs.evolve(corrected, searched=suggestion)
    return attrs.evolve(results, suggestion=suggestion, elapsed=time.perf_counter() - started)


def _run(index, plan: Plan, query, limit, page, specialty, city, doctor, min_rating, sort, facets,
         group_by_thread) -> Results:
    with ix_mod.damage_guard(index.path):
        scores, matched = _score(index, plan)
        mask = scores_mod.filter_mask(index, specialty, city, doctor, min_rating)
        if mask is not None:
            matched = matched[mask[matched]]
        counts = {
            name: tuple(FacetValue(value=v, count=n) for v, n in scores_mod.facet_counts(index, name, matched))
            for name in facets
        }
        wanted = page * limit
        sizes: dict[int, int] = {}
        if group_by_thread:
            ranked, sizes = _group(index, scores_mod.rank(index, scores, matched, None, sort))
            total = len(ranked)
        else:
            ranked, total = scores_mod.rank(index, scores, matched, wanted, sort), len(matched)
        searcher = index.searcher()
        terms = plan.terms | _expand_patterns(searcher, plan.patterns)
        hits = tuple(
            _hit(searcher, int(d), float(scores[d]), plan, terms, sizes.get(int(d), 1))
            for d in ranked[(page - 1) * limit : wanted]
        )
    return Results(query=query, total=total, hits=hits, facets=counts, page=page, limit=limit,
                   group_by_thread=group_by_thread)


def _score(index, plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """Every document's score, and the matching documents (live ones only)."""
    if plan.concepts:
        scores, coverage = scores_mod.concept_scores(index, plan.concepts, TEXT_FIELDS, **BM25)
        # Coordination: BM25 adds up what each word contributes, so an answer repeating
        # one word can outscore one holding every word typed; a patient expects the
        # latter first.
        scores *= (coverage / len(plan.concepts)) ** COORDINATION
        return scores, np.flatnonzero(coverage)
    searcher = index.searcher()
    searcher.weighting = BM25F(**BM25)
    # No replace(): with it, Whoosh's matchers drop real matches (phrases among the
    # alternatives, the documents an ANDNOT excludes).
    collector = wc.UnlimitedCollector()
    collector.replace = 0
    searcher.search_with_collector(plan.query, collector)
    scores = np.zeros(searcher.doc_count_all(), dtype=np.float64)
    docs = np.fromiter((hit.docnum for hit in collector.results()), dtype=np.int64)
    scores[docs] = [hit.score for hit in collector.results()]
    return scores, np.sort(docs)


def _group(index, ranked: np.ndarray) -> tuple[np.ndarray, dict[int, int]]:
    """Each thread's first answer in ``ranked``, and how many of its answers matched."""
    threads = scores_mod.vectors(index).columns["thread"][ranked]
    _, first, sizes = np.unique(threads, return_index=True, return_counts=True)
    keep = np.sort(first)
    size_of = dict(zip(first.tolist(), sizes.tolist()))
    return ranked[keep], {int(ranked[i]): size_of[i] for i in keep.tolist()}


def _expand_patterns(searcher, patterns) -> frozenset[str]:
    found: set[str] = set()
    reader = searcher.reader()
    for pattern in patterns:
        for field, text in pattern.existing_terms(reader, expand=True):
            if field in TEXT_FIELDS:
                found.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return frozenset(found)


def _hit(searcher, docnum: int, score: float, plan: Plan, terms: frozenset[str], thread_hits: int) -> Hit:
    fields = searcher.stored_fields(docnum)
    thread = json.loads(fields["thread"])
    card = fields.get("card")
    return Hit(
        answer_id=fields["answer_id"],
        thread_id=fields["thread_id"],
        thread_title=thread["title"],
        position=fields["position"],
        title=fields["title"],
        body=fields["body"],
        doctor=from_dict(Doctor, json.loads(card)) if card else None,
        score=round(float(score), 6),
        highlights=highlights(fields["body"], terms, plan.phrases),
        thread_hits=thread_hits,
        cut=bool(fields.get("cut", False)),
    )


def highlights(text: str, terms: frozenset[str], phrases: frozenset[tuple[str, ...]] = frozenset(),
               top: int = 3, size: int = 240) -> tuple:
    """Up to ``top`` fragments of ``text`` with the matching words marked, as written.

    A stem in ``terms`` is marked wherever it stands; the stems of a phrase only where
    they stand together. Each fragment is a tuple of ``(text, matched)`` pieces. Without
    a match, the one fragment is the start of the text, unmarked.
    """
    tokens = [t.copy() for t in stemmed_analyzer()(text, chars=True, positions=True, removestops=False)]
    for token in tokens:
        token.matched = token.text in terms
    for phrase in phrases:
        n = len(phrase)
        for i in range(len(tokens) - n + 1):
            if all(tokens[i + k].text == phrase[k] for k in range(n)):
                for k in range(n):
                    tokens[i + k].matched = True
    fragmenter = wh.ContextFragmenter(maxchars=size, surround=size // 3)
    fragments = wh.top_fragments(fragmenter.fragment_tokens(text, iter(tokens)), top,
                                 wh.BasicFragmentScorer(), wh.FIRST, minscore=1)
    result = []
    for fragment in fragments:
        pieces, at = [], fragment.startchar
        for token in fragment.matches:
            if token.startchar < at:
                continue
            if token.startchar > at:
                pieces.append((text[at:token.startchar], False))
            pieces.append((text[token.startchar:token.endchar], True))
            at = token.endchar
        if at < fragment.endchar:
            pieces.append((text[at:fragment.endchar], False))
        result.append(tuple(pieces))
    if not result and text:
        cut = text[:size]
        if len(text) > size:
            cut = cut.rsplit(" ", 1)[0]
        result.append(((cut, False),))
    return tuple(result)


