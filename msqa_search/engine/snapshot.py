"""One open generation of an index as a typed snapshot: its searcher, columns,
vocabulary, typo tables and term statistics.

A SearchIndex holds one Snapshot and swaps it for a new one when a writer publishes a
new generation, so everything one call reads comes from one generation. The heavy parts
load on first use, each into an attribute of its own type.
"""

from __future__ import annotations

from collections import Counter
from functools import cached_property
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from .. import columns as cols
from ..lexicon.spelling import Speller, load_medical_words
from . import compat
from .batch import columns_name, load_vocabulary
from .opening import check_segment_files, damage_guard, damaged
from .postings import Postings

__all__ = ["Snapshot"]


@attrs.frozen(slots=False, eq=False)
class Snapshot:
    """What one generation holds, read once and shared by every search of it."""

    root: Path
    """The index folder."""
    generation: Path
    """The generation folder (``gen-NNNNNN``)."""
    ix: Any
    """The open Whoosh index of the generation."""
    filter_masks: dict[tuple[str, Any], np.ndarray] = attrs.field(factory=dict, init=False)
    """(filter name, value) -> the documents passing it, filled as filters are used."""
    typo_buckets: dict[str, dict[int, list[str]]] = attrs.field(factory=dict, init=False)
    """First letter -> word length -> vocabulary words (typo candidates), by letter as needed."""

    @cached_property
    def segments(self) -> list:
        """Whoosh's segments of the generation."""
        return compat.segments(self.ix)

    @cached_property
    def searcher(self):
        """The open Whoosh searcher of the generation."""
        check_segment_files(self.root, self.generation, self.ix)
        with damage_guard(self.root), self.ix.storage.closing_on_failure():
            return self.ix.searcher()

    @property
    def searcher_open(self) -> bool:
        """True once the searcher was opened (and so holds files)."""
        return "searcher" in self.__dict__

    def close(self) -> None:
        """Close the searcher's files, if it was opened."""
        searcher = self.__dict__.pop("searcher", None)
        self.__dict__.pop("postings", None)  # holds the searcher's readers
        if searcher is not None:
            compat.close_searcher(searcher)

    @cached_property
    def columns(self) -> cols.Columns:
        """The value arrays of every document, in document-number order."""
        searcher = self.searcher
        parts = []
        try:
            for segment in self.segments:
                parts.append(cols.load(self.generation / columns_name(segment)))
        except (OSError, ValueError, KeyError, TypeError, RecursionError) as e:
            raise damaged(self.root, e) from e
        columns = cols.concat(parts) if parts else cols.ColumnsBuilder().build()
        if columns.size != searcher.doc_count_all():
            raise damaged(self.root, ValueError("columns do not match the segments"))
        return columns

    @cached_property
    def arrays(self) -> dict[str, np.ndarray]:
        """Each column as an int32 array over document numbers."""
        columns = self.columns
        return {name: np.frombuffer(columns.arrays[name], dtype=np.int32) for name in cols.ARRAYS}

    @cached_property
    def postings(self) -> Postings:
        """Postings and field lengths as arrays, and the live documents."""
        return Postings(self.searcher)

    @cached_property
    def vocabulary(self) -> Counter:
        """Raw words of the index and how many answers hold each (for typo handling)."""
        with damage_guard(self.root):
            return load_vocabulary(self.generation)

    @cached_property
    def speller(self) -> Speller:
        """The speller of the curated medical words and this index's vocabulary."""
        return Speller(load_medical_words(), self.vocabulary)

    @cached_property
    def answer_rank(self) -> np.ndarray:
        """Each document's place among all answer ids in sorted order (for tie-breaks)."""
        ids = self.columns.answer_ids
        order = sorted(range(len(ids)), key=ids.__getitem__)
        found = np.empty(len(ids), dtype=np.int64)
        found[order] = np.arange(len(ids))
        return found

    # -- term statistics (the planner's TermStats) -----------------------------------

    def doc_count(self) -> int:
        """Live documents."""
        return self.searcher.reader().doc_count()

    def doc_frequency(self, stem: str, field: str = "body") -> int:
        """Documents holding ``stem`` in ``field``."""
        return self.searcher.reader().doc_frequency(field, stem)

    def typo_candidates(self, word: str, limit: int) -> list[str]:
        """Vocabulary words of 4+ letters that start as ``word`` does and are within
        ``limit`` letters of its length."""
        buckets = self.typo_buckets.get(word[0])
        if buckets is None:  # filled one first letter at a time, as needed
            buckets = self.typo_buckets[word[0]] = {}
            for other in self.vocabulary:
                if other[:1] == word[0] and len(other) >= 4 and other.isalpha():
                    buckets.setdefault(len(other), []).append(other)
        return [other for n in range(len(word) - limit, len(word) + limit + 1) for other in buckets.get(n, ())]
