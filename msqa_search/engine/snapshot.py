"""One open generation of an index as a typed snapshot: its searcher, columns,
vocabulary with its typo table, known words and term statistics.

A SearchIndex holds one Snapshot and swaps it for a new one when a writer publishes a
new generation, so everything one call reads comes from one generation. The heavy parts
load on first use, each into an attribute of its own type.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from ..column_file import COLUMNS_FILE, ColumnFile, open_columns
from ..lexicon.known_words import KnownList, open_medical_table
from ..lexicon.speller import Speller
from ..lexicon.typo_table import Vocabulary
from . import compat
from .batch import VOCABULARY_PREFIX
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
    def columns(self) -> ColumnFile:
        """The value arrays of every document, in document-number order (memory-mapped:
        opening them reads the file's header and segment list only)."""
        columns = open_columns(self.generation / COLUMNS_FILE)
        if columns.segments != tuple((s.segment_id(), s.doc_count_all()) for s in self.segments):
            raise damaged(self.root, ValueError("columns do not match the segments"))
        return columns

    @property
    def arrays(self) -> Mapping[str, np.ndarray]:
        """Each column as an int32 array over document numbers (range-checked on first use)."""
        return self.columns.arrays

    @cached_property
    def postings(self) -> Postings:
        """Postings and field lengths as arrays, and the live documents."""
        return Postings(self.searcher)

    @cached_property
    def vocabulary(self) -> Vocabulary:
        """Raw words of the index and how many answers hold each, with their typo table
        (memory-mapped: opening it reads its header only)."""
        with damage_guard(self.root):
            return Vocabulary.open(self.generation / VOCABULARY_PREFIX)

    @cached_property
    def known_words(self) -> KnownList:
        """The English and medical word lists (memory-mapped)."""
        with damage_guard(self.root):
            return KnownList.open(self.generation)

    @cached_property
    def speller(self) -> Speller:
        """The speller of the listed words and this index's vocabulary; the medical
        words are corrections too when the index holds only their misspellings."""
        return Speller(self.known_words, self.vocabulary, candidates=self.medical_table)

    @cached_property
    def medical_table(self):
        """The medical words with their typo table (memory-mapped)."""
        with damage_guard(self.root):
            return open_medical_table(self.generation)

    @property
    def answer_rank(self) -> np.ndarray:
        """Each document's place among all answer ids in sorted order (for tie-breaks),
        sorted when the generation was written."""
        return self.columns.rank

    # -- term statistics (the planner's TermStats) -----------------------------------

    def doc_count(self) -> int:
        """Live documents."""
        return self.searcher.reader().doc_count()

    def doc_frequency(self, stem: str, field: str = "body") -> int:
        """Documents holding ``stem`` in ``field``."""
        return self.searcher.reader().doc_frequency(field, stem)

    def typo_variants(self, word: str) -> list[str]:
        """Vocabulary words within ``max_typos(word)`` typos of ``word``, sharing its
        first letter, nearest first (from the typo table: a few lookups)."""
        with damage_guard(self.root):
            return self.vocabulary.typo_variants(word)
