"""Per-generation arrays read from Whoosh's files: live documents, field lengths and the
posting lists of terms, over global document numbers."""

from __future__ import annotations

import numpy as np

from . import compat

__all__ = ["Postings"]

#: Distinct terms (and lengths) kept per generation before the memo starts afresh.
_MEMO = 4096


class Postings:
    """The postings and field lengths of one open searcher, as numpy arrays.

    Whoosh scores a query by walking every matching document through a tree of matcher
    objects in Python: about 30 microseconds a document. Here each term's posting list
    is read block by block (the same postings Whoosh reads) into arrays, so that the
    ranking module scores with the formula and statistics Whoosh uses, in a fraction
    of the time.
    """

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self.size: int = searcher.doc_count_all()
        self.parts = searcher.subsearchers or [(searcher, 0)]
        live = np.ones(self.size, dtype=bool)
        for sub, offset in self.parts:
            reader = sub.reader()
            if reader.has_deletions():
                deleted = np.fromiter(reader.segment().deleted_docs(), dtype=np.int64)
                live[deleted + offset] = False
        self.live: np.ndarray = live
        """True for each document that is not deleted."""
        self._lengths: dict[str, np.ndarray] = {}
        self._postings: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self.scored: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
        """(word, fields, B, K1) -> its matching documents and scores, memoised by the ranking module."""

    def doc_count(self) -> int:
        """Live documents."""
        return self.searcher.doc_count()

    def avg_length(self, field: str) -> float:
        """The average length of ``field`` over all documents (as Whoosh's BM25F)."""
        return self.searcher.avg_field_length(field) or 1

    def lengths(self, field: str) -> np.ndarray:
        """Every document's length in ``field``, as Whoosh's scorer sees it."""
        found = self._lengths.get(field)
        if found is None:
            found = np.zeros(self.size, dtype=np.float64)
            for sub, offset in self.parts:
                reader = sub.reader()
                count = reader.doc_count_all()
                if not count:  # an empty index's reader holds no length table
                    continue
                data = compat.reader_lengths(reader, field)[:count]
                codes = np.zeros(count, dtype=np.uint8)
                codes[: len(data)] = np.frombuffer(data, dtype=np.uint8)
                found[offset : offset + count] = compat.LENGTH_OF_BYTE[codes]
            self._lengths[field] = found
        return found

    def postings(self, field: str, text: str, values: list | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Global document numbers and weights of a term's postings (memoised). With
        ``values``, each posting's encoded value (its positions) is appended to it, in
        the same order: the postings are then read again even when memoised."""
        key = (field, text)
        found = self._postings.get(key)
        if found is None or values is not None:
            ids, weights = [], []
            for sub, offset in self.parts:
                part_ids, part_weights = compat.term_postings(sub.reader(), field, text, values)
                if len(part_ids):
                    ids.append(part_ids + offset)
                    weights.append(part_weights)
            if ids:
                found = (np.concatenate(ids), np.concatenate(weights))
            else:
                found = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
            if len(self._postings) > _MEMO:
                self._postings.clear()
            self._postings[key] = found
        return found
