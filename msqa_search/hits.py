"""The Hit records of a page of results: each answer's stored fields, highlights, the
identical answers folded into it, and (one hit per thread) how many of its answers matched.

search.py ranks the matches; this turns the ranked document numbers into hits.
"""

from __future__ import annotations

import json

import attrs
import numpy as np

from . import index_stance, ranking
from .engine import documents
from .engine.expert import expand_patterns, highlight_plan
from .engine.highlight import highlights
from .engine.snapshot import Snapshot
from .plan import Plan
from .results import Hit
from .search_options import Shape

__all__ = ["consensus_of_hits", "group", "hit_of", "page_hits"]


def group(snapshot: Snapshot, ranked: np.ndarray) -> tuple[np.ndarray, dict[int, int]]:
    """Each thread's first answer in ``ranked``, and how many of its answers matched."""
    threads = snapshot.arrays["thread"][ranked]
    _, first, sizes = np.unique(threads, return_index=True, return_counts=True)
    keep = np.sort(first)
    size_of = dict(zip(first.tolist(), sizes.tolist()))
    return ranked[keep], {int(ranked[i]): size_of[i] for i in keep.tolist()}


def page_hits(snapshot: Snapshot, plan: Plan, executed, docnums: np.ndarray, scores: np.ndarray,
              unfolded: np.ndarray, sizes: dict[int, int], shape: Shape) -> tuple[Hit, ...]:
    """The hits of the documents ``docnums`` (one page, best first), highlighted with the
    words of ``plan``, or of ``executed`` (the query searched) when there is one.

    ``unfolded`` holds the matches before identical answers were folded (each hit names
    its others); ``sizes`` the number of matched answers of each grouped thread's hit.
    """
    marked, phrases, patterns = plan.terms, plan.phrases, plan.patterns
    if executed is not None:  # a capped pattern is highlighted as the terms searched
        found_terms, found_phrases, patterns = highlight_plan(executed)
        marked, phrases = frozenset(found_terms), frozenset(found_phrases)
    terms = marked | expand_patterns(snapshot.searcher, tuple(patterns))
    return tuple(
        attrs.evolve(hit_of(snapshot, int(d), float(scores[d]), phrases, terms, sizes.get(int(d), 1), shape,
                         plan.unmarked),
                     also=ranking.also(snapshot, unfolded, int(d)))
        for d in docnums
    )


def consensus_of_hits(snapshot: Snapshot, hits: tuple[Hit, ...]) -> dict:
    """Thread id -> the stored consensus of that thread, for each hit's thread."""
    return {hit.thread_id: documents.stored_consensus(snapshot.root, snapshot.searcher, hit.thread_id) for hit in hits}


def hit_of(snapshot: Snapshot, docnum: int, score: float, phrases: frozenset, terms: frozenset[str], thread_hits: int,
           shape: Shape | None = None, unmarked: frozenset[str] = frozenset()) -> Hit:
    """The Hit of document ``docnum``, its body highlighted with ``terms`` and ``phrases``."""
    fields = documents.stored(snapshot.root, snapshot.searcher, docnum)
    thread = json.loads(fields["thread"])
    return Hit(
        answer_id=fields["answer_id"],
        thread_id=fields["thread_id"],
        thread_title=thread["title"],
        position=fields["position"],
        title=fields["title"],
        body=fields["body"],
        doctor=documents.doctor_of(fields),
        score=round(float(score), 6),
        highlights=highlights(fields["body"], terms, phrases,
                              top=shape.snippets if shape else 3, size=shape.snippet_chars if shape else 240,
                              unmarked=unmarked),
        thread_hits=thread_hits,
        cut=bool(fields.get("cut", False)),
        stances=index_stance.loads(fields["stances"]),
    )
