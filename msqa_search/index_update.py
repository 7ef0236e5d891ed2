"""An open index that changes: update and remove threads, each change written as a new
generation (engine/writer.py) and read at once. SearchIndex (index.py) builds on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import attrs

from .engine.generations import LOCK_TIMEOUT
from .engine.writer import remove_generation, update_generation
from .errors import ThreadNotFoundError
from .index_open import OpenIndex
from .index_show import thread_of
from .model import Thread
from .results import UpdateSummary

__all__ = ["UpdatableIndex", "changed_threads"]


class UpdatableIndex(OpenIndex):
    """An open index with ``update`` and ``remove``; see SearchIndex."""

    def remove(self, thread_ids: Iterable[str], *, lock_timeout: float = LOCK_TIMEOUT) -> UpdateSummary:
        """Remove the threads ``thread_ids`` (all their answers) from the index.

        Ids that are not in the index are ignored; the summary counts what went.

        Raises:
            IndexLockedError: another process kept the index locked for ``lock_timeout``.
            IndexWriteError: the index could not be written; it is left as it was.
        """
        self.refresh()
        summary = remove_generation(self.path, thread_ids, lock_timeout=lock_timeout)
        self.refresh()
        return summary

    def update(self, threads: Iterable[Thread], *, lock_timeout: float = LOCK_TIMEOUT,
               on_thread: Callable[[Thread], None] | None = None) -> UpdateSummary:
        """Add new threads and replace threads read again (matched by thread id).

        Answers that disappeared from a re-read thread are removed. A thread read
        again with the same content as in the index is not rewritten (it counts as
        ``threads_unchanged``); when nothing changed, nothing is written. The update
        is written as a new generation and published only when complete; searches in
        other processes keep working meanwhile.

        Raises:
            IndexLockedError: another process kept the index locked for ``lock_timeout``.
            IndexWriteError: the index could not be written; it is left as it was.
        """
        self.refresh()
        unchanged = [0]
        summary = update_generation(
            self.path, changed_threads(threads, self._held, unchanged), lock_timeout=lock_timeout, on_thread=on_thread,
        )
        self.refresh()
        return attrs.evolve(summary, threads_unchanged=unchanged[0])

    def _held(self, thread_id: str) -> Thread:
        """The thread ``thread_id`` as the index holds it now (as ``SearchIndex.thread``)."""
        with self._reading() as snapshot:
            return thread_of(snapshot, thread_id)


def changed_threads(threads: Iterable[Thread], stored: Callable[[str], Thread],
                    unchanged: list[int]) -> Iterator[Thread]:
    """The threads whose content differs from what the index holds (``stored`` gives a
    held thread by id, or raises ThreadNotFoundError); counts the others in ``unchanged[0]``.
    A thread id seen again is always yielded."""
    seen: set[str] = set()
    for thread in threads:
        if thread.id not in seen:
            seen.add(thread.id)
            try:
                held = stored(thread.id)
            except ThreadNotFoundError:
                held = None
            if held is not None and _content(held) == _content(thread):
                unchanged[0] += 1
                continue
        yield thread


def _content(thread: Thread) -> tuple:
    """What the index stores of a thread."""
    return (thread.title, thread.body, thread.declared_answers, thread.source, thread.complete,
            tuple((a.title, a.body, a.doctor, a.cut) for a in thread.answers))
