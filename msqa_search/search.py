"""Searching an index: options, filters, facets, ranking, hits and highlights.

Plain-word queries are scored with numpy over Whoosh's postings (search_scores.py);
expert queries by Whoosh's own matchers. Either way the matching documents become
arrays, from which facets are counted over all matches and the page is ranked.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence

import attrs
import numpy as np
from whoosh import collectors as wc
from whoosh import highlight as wh
from whoosh.scoring import BM25F

from . import index as ix_mod
from . import index_stance
from . import search_scores as scores_mod
from .errors import SearchOptionError
from .model import Doctor, FacetValue, Hit, Results, from_dict
from .search_query import DEFAULT_FACETS, FACETS, SORTS, TEXT_FIELDS, Plan, build_query, stemmed_analyzer, suggest

#: BM25F parameters and how strongly the share of concepts matched scales a score
#: (0: not at all), tuned on the NFCorpus dev split (docs/performance.md).
BM25 = {"B": 1.0, "K1": 1.5}
COORDINATION = 0.25

def _check_options(limit, page, min_rating, sort, facets, min_reviews=None, snippets=3, snippet_chars=240) -> None:
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
    if min_reviews is not None and (not isinstance(min_reviews, int) or isinstance(min_reviews, bool) or min_reviews < 0):
        raise bad(f"min_reviews must be a whole number of at least 0, not {min_reviews!r}")
    if not isinstance(snippets, int) or isinstance(snippets, bool) or snippets < 0:
        raise bad(f"snippets must be a whole number of at least 0, not {snippets!r}")
    if not isinstance(snippet_chars, int) or isinstance(snippet_chars, bool) or snippet_chars < 20:
        raise bad(f"snippet_chars must be a whole number of at least 20, not {snippet_chars!r}")
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
    stance: str | Sequence[str] | None = None,
) -> Results:
    """Search the answers of ``index``.

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
        synonyms: search medical synonyms and the corpus's misspellings too.
        snippets: how many highlighted fragments each hit carries (0: none).
        snippet_chars: about how long each fragment is, in characters.

    Raises:
        QuerySyntaxError: the query cannot be searched; the message says why.
        SearchOptionError: an option has an impossible value.
        FilterValueError: a filter value that no answer has; it lists the nearest.
        IndexDamagedError: the index's files are damaged.
    """
    started = time.perf_counter()
    facets = (facets,) if isinstance(facets, str) else tuple(facets)
    _check_options(limit, page, min_rating, sort, facets, min_reviews, snippets, snippet_chars)
    filters = Filters(
        values={"specialty": _values(specialty), "city": _values(city), "doctor": _values(doctor),
                "stance": _values(stance)},
        min_rating=min_rating, min_reviews=min_reviews,
    )
    shape = Shape(limit, page, sort, facets, group_by_thread, snippets, snippet_chars)
    plan = build_query(index, query, synonyms=synonyms)
    results = _run(index, plan, query, filters, shape)
    suggestion = suggest(index, query) if synonyms else None
    if results.total == 0 and suggestion:
        retry = build_query(index, suggestion, synonyms=synonyms)
        corrected = _run(index, retry, query, filters, shape)
        if corrected.total:
            results = attrs.evolve(corrected, searched=suggestion)
    return attrs.evolve(results, suggestion=suggestion, elapsed=time.perf_counter() - started)


def _values(value) -> tuple[str, ...] | None:
    if value is None:
        return None
    values = (value,) if isinstance(value, str) else tuple(value)
    for v in values:
        if not isinstance(v, str):
            raise SearchOptionError(f"filter values must be strings, not {v!r}")
    return values or None


@attrs.frozen
class Filters:
    """The filters of one search: facet name -> values (any of them), and minimums."""

    values: dict
    min_rating: float | None = None
    min_reviews: int | None = None
    exclude: tuple[str, ...] = ()
    """Answer ids never to return (the answer a "more like this" search starts from)."""


@attrs.frozen
class Shape:
    """What a search returns besides its matches: page, order, facets, snippets."""

    limit: int
    page: int
    sort: str
    facets: tuple
    group_by_thread: bool
    snippets: int = 3
    snippet_chars: int = 240


def _run(index, plan: Plan, query, filters: Filters, shape: Shape) -> Results:
    limit, page, sort, facets, group_by_thread = shape.limit, shape.page, shape.sort, shape.facets, shape.group_by_thread
    with ix_mod.damage_guard(index.path):
        scores, matched = _score(index, plan)
        if filters.exclude:
            ids = index.columns().answer_ids
            gone = [d for d, answer_id in enumerate(ids) if answer_id in filters.exclude]
            matched = matched[~np.isin(matched, gone)]
        parts = scores_mod.filter_parts(index, filters.values, filters.min_rating, filters.min_reviews)
        everything = matched
        mask = scores_mod.combine(parts.values())
        if mask is not None:
            matched = matched[mask[matched]]
        counts = {}
        for name in facets:
            counted = matched
            if name in parts:
                # Disjunctive: the facet's own filter is left out, so that its other
                # values (which a repeated filter could add) are counted too.
                others = scores_mod.combine(part for key, part in parts.items() if key != name)
                counted = everything if others is None else everything[others[everything]]
            counts[name] = tuple(
                FacetValue(value=v, count=n) for v, n in scores_mod.facet_counts(index, name, counted)
            )
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
            _hit(index, searcher, int(d), float(scores[d]), plan, terms, sizes.get(int(d), 1), shape)
            for d in ranked[(page - 1) * limit : wanted]
        )
        consensus = {hit.thread_id: index.stored_consensus(hit.thread_id) for hit in hits} if group_by_thread else {}
    filtered = tuple(name for name in ("specialty", "city", "doctor", "stance") if name in parts)
    return Results(query=query, total=total, hits=hits, facets=counts, page=page, limit=limit,
                   group_by_thread=group_by_thread, filtered=filtered,
                   notices=plan.notices, consensus=consensus)


#: How many of an answer's words a "more like this" search looks for.
SIMILAR_WORDS = 12


def similar(index, answer, *, limit: int = 10, facets: str | Sequence[str] = ()) -> Results:
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
    _check_options(limit, 1, None, "relevance", facets)
    words = telling_words(index, f"{answer.title}\n{answer.body}")
    shape = Shape(limit, 1, "relevance", facets, False)
    filters = Filters(values={}, exclude=(answer.id,))
    if not words:
        results = Results(query="", total=0, hits=(), facets={f: () for f in facets}, limit=limit)
    else:
        concepts = tuple((((stem,), 1.0),) for stem, _ in words)
        plan = Plan(None, frozenset(stem for stem, _ in words), frozenset(), (), concepts)
        query = " ".join(typed for _, typed in words)
        results = _run(index, plan, query, filters, shape)
    return attrs.evolve(results, elapsed=time.perf_counter() - started)


def telling_words(index, text: str, top: int = SIMILAR_WORDS) -> list[tuple[str, str]]:
    """The ``top`` stems of ``text`` with the highest tf-idf in the index, each with a
    word of the text that has it; words no other answer holds are left out."""
    counts: dict[str, int] = {}
    typed: dict[str, str] = {}
    for token in stemmed_analyzer()(text, chars=True, removestops=True):
        if len(token.text) < 3 or token.text.isdigit():
            continue
        counts[token.text] = counts.get(token.text, 0) + 1
        typed.setdefault(token.text, text[token.startchar:token.endchar].lower())
    reader = index.searcher().reader()
    documents = max(reader.doc_count(), 1)
    weighed = []
    for word, tf in counts.items():
        df = reader.doc_frequency("body", word)
        if df < 2:
            continue
        weighed.append((-tf * math.log(1 + documents / df), word))
    weighed.sort()
    return [(word, typed[word]) for _, word in weighed[:top]]


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


def _hit(index, searcher, docnum: int, score: float, plan: Plan, terms: frozenset[str], thread_hits: int,
         shape: Shape | None = None) -> Hit:
    fields = searcher.stored_fields(docnum)
    problem = ix_mod.index_check.stored_problem(fields)
    if problem:
        raise ix_mod.damaged(index.path, ValueError(f"document {docnum}: {problem}"))
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
        highlights=highlights(fields["body"], terms, plan.phrases,
                              top=shape.snippets if shape else 3, size=shape.snippet_chars if shape else 240),
        thread_hits=thread_hits,
        cut=bool(fields.get("cut", False)),
        stances=index_stance.loads(fields["stances"]),
    )


def highlights(text: str, terms: frozenset[str], phrases: frozenset[tuple[str, ...]] = frozenset(),
               top: int = 3, size: int = 240) -> tuple:
    """Up to ``top`` fragments of ``text`` with the matching words marked, as written.

    A stem in ``terms`` is marked wherever it stands; the stems of a phrase only where
    they stand together. Each fragment is a tuple of ``(text, matched)`` pieces. Without
    a match, the one fragment is the start of the text, unmarked.
    """
    if top <= 0:
        return ()
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


