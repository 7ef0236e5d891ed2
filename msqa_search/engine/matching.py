"""Which documents an expert query matches, exactly: set algebra over document numbers."""

from __future__ import annotations

import numpy as np
from whoosh import query as wq

from . import positions
from .postings import Postings

__all__ = ["matching_docs"]


def matching_docs(searcher, q, postings: Postings | None = None) -> np.ndarray:
    """The documents the Whoosh query ``q`` matches, sorted (without scoring them:
    every query kind is scored by the ranking module).

    The operators are set algebra over document numbers (And: intersection, Or:
    union, AndNot and Not: difference), and only the leaves are asked of Whoosh:
    Whoosh's and-not matcher does not always skip the excluded list forward, so an
    excluded word could leak into the matches. Deleted documents may be among them.
    Phrases are matched over arrays (engine/positions.py), from ``postings`` (the
    searcher's, when given).
    """
    everything = searcher.reader().doc_count_all()
    return _docs(searcher, q, everything, postings if postings is not None else Postings(searcher), {})


_EMPTY = np.zeros(0, dtype=np.int64)


def _docs(searcher, q, everything: int, vec: Postings, read: dict) -> np.ndarray:
    if q is None or q is wq.NullQuery:
        return _EMPTY
    if isinstance(q, wq.AndNot):
        return np.setdiff1d(_docs(searcher, q.a, everything, vec, read), _docs(searcher, q.b, everything, vec, read),
                            assume_unique=True)
    if isinstance(q, wq.Not):
        return np.setdiff1d(np.arange(everything, dtype=np.int64), _docs(searcher, q.query, everything, vec, read),
                            assume_unique=True)
    if isinstance(q, (wq.And, wq.Require)):
        parts = [_docs(searcher, c, everything, vec, read) for c in q.children()]
        found = parts[0] if parts else _EMPTY
        for part in parts[1:]:
            found = np.intersect1d(found, part, assume_unique=True)
        return found
    if isinstance(q, wq.AndMaybe):
        return _docs(searcher, q.a, everything, vec, read)
    if isinstance(q, (wq.Or, wq.DisjunctionMax)) and getattr(q, "minmatch", 0) <= 1:
        parts = [_docs(searcher, c, everything, vec, read) for c in q.children()]
        return np.unique(np.concatenate(parts)) if parts else _EMPTY
    if positions.handles(searcher, q):
        return positions.phrase_docs(vec, q.fieldname, q.words, read)
    # A leaf (term, pattern, range, other phrase) or a compound of another kind: Whoosh's
    # matcher is exact for these.
    return np.unique(np.fromiter(searcher.docs_for_query(q), dtype=np.int64))
