"""An index opened at its current generation, and reopened when a writer publishes a
newer one: the base of the SearchIndex facade (index.py).

It holds the Snapshot every call reads, refreshes it at the start of a call, and
releases its files on ``close()``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TypeVar

from . import store
from .column_file import ColumnFile
from .engine.opening import confirm_damage, open_current
from .engine.snapshot import Snapshot
from .errors import IndexClosedError

__all__ = ["OpenIndex", "open_snapshot"]

_Open = TypeVar("_Open", bound="OpenIndex")


def open_snapshot(root: Path) -> Snapshot:
    """The snapshot of the generation CURRENT names in the index at ``root``.

    Raises:
        IndexNotFoundError: nothing there, or a folder that holds no index.
        IndexSchemaError: the index was written by another schema version.
        IndexDamagedError: its files are missing, truncated or garbled.
        UnsafeIndexError: its files are writable by, or belong to, other users.
    """
    generation, ix = open_current(root)
    return Snapshot(root, generation, ix)


class OpenIndex:
    """The open generation of the index at ``snapshot.root``; see SearchIndex."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.path = snapshot.root
        self._snapshot = snapshot
        self.closed = False
        """True once ``close()`` was called."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self.path)!r} {self._snapshot.generation.name}>"

    def __enter__(self: _Open) -> _Open:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Release the index's open files. The SearchIndex cannot be used after this."""
        self.closed = True
        self._snapshot.close()

    def refresh(self) -> None:
        """Switch to the newest generation if a writer has published one.

        Public calls do this first, so that everything one call reads comes from one
        generation.
        """
        if self.closed:
            raise IndexClosedError(self.path)
        current = store.current_generation(self.path)
        if current is not None and current != self._snapshot.generation:
            snapshot = open_snapshot(self.path)
            self._snapshot.close()
            self._snapshot = snapshot

    def snapshot(self) -> Snapshot:
        """The snapshot of the generation this SearchIndex reads (no refresh)."""
        if self.closed:
            raise IndexClosedError(self.path)
        return self._snapshot

    def searcher(self):
        """The open Whoosh searcher of the current snapshot."""
        return self.snapshot().searcher

    def columns(self) -> ColumnFile:
        """The value arrays of every document, in document-number order (memory-mapped)."""
        snapshot = self.snapshot()
        with confirm_damage(self.path, snapshot.generation):
            return snapshot.columns

    def vocabulary(self) -> Mapping[str, int]:
        """Raw words of the index and how many answers hold each, with their typo table
        (a memory-mapped ``lexicon.typo_table.Vocabulary``)."""
        return self.snapshot().vocabulary

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Snapshot]:
        """Refresh, then the current snapshot, with an error met while reading it reported
        as damage when the files do not match their checksums (``confirm_damage``)."""
        self.refresh()
        snapshot = self._snapshot
        with confirm_damage(self.path, snapshot.generation):
            yield snapshot
