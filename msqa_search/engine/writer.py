"""Writing an index: full builds, updates and removals, each as a new generation.

See store.py for the folder layout that makes every write all-or-nothing, and batch.py
for what each generation holds beside Whoosh's files.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from whoosh.filedb.filestore import FileStorage

from ..column_file import COLUMNS_FILE, open_columns
from ..errors import FOLDER_HINT, IndexProblem
from ..model import Thread
from ..results import UpdateSummary
from . import compat, parallel
from .batch import WRITER_MB, Batch, cancel, finish_generation, load_vocabulary
from .generations import write_generation
from .opening import open_generation
from .schema import INDEX_NAME, SCHEMA, safe_thread

__all__ = [
    "MAX_SEGMENTS",
    "PARALLEL_MIN_ANSWERS",
    "build_generation",
    "default_workers",
    "remove_generation",
    "update_generation",
]

#: Segments an index may have before an update merges them.
MAX_SEGMENTS = 10
#: A build with fewer answers runs in one process: starting workers costs more.
PARALLEL_MIN_ANSWERS = 5000


def build_generation(threads: Iterable[Thread], root: Path, *, lock_timeout: float,
                     on_thread: Callable[[Thread], None] | None = None, workers: int | None = None) -> None:
    """Write ``threads`` as a new index at ``root``, replacing any index there.

    Raises:
        IndexLockedError: another process kept the index locked for ``lock_timeout``.
        IndexWriteError: the index could not be written (disk full, read-only...).
        IndexProblem: ``root`` is a file.
    """
    _refuse_foreign(root)
    write_generation(root, lock_timeout, lambda tmp, base: _write_build(threads, tmp, workers, on_thread))


def _write_build(threads: Iterable[Thread], folder: Path, workers: int | None,
                 on_thread: Callable[[Thread], None] | None) -> None:
    """Write all ``threads`` into a new index at ``folder``: in this process when they
    are few, else in worker processes, one segment each."""
    ix = FileStorage(str(folder)).create_index(SCHEMA, indexname=INDEX_NAME)
    threads = iter(threads)
    workers = default_workers() if workers is None else max(1, workers)
    first: list[Thread] = []
    answers = 0
    if workers > 1:
        for thread in threads:
            first.append(thread)
            answers += len(thread.answers)
            if answers >= PARALLEL_MIN_ANSWERS:
                break
    if workers > 1 and answers >= PARALLEL_MIN_ANSWERS:
        vocabulary = parallel.build_segments(itertools.chain(first, threads), folder, workers, on_thread)
        ix = FileStorage(str(folder)).open_index(indexname=INDEX_NAME, schema=SCHEMA)
        finish_generation(ix, folder, None, vocabulary)
        return
    writer = ix.writer(limitmb=WRITER_MB, compound=False)
    batch = Batch(writer)
    try:
        for thread in itertools.chain(first, threads):
            batch.add(thread)
            if on_thread is not None:
                on_thread(thread)
        writer.commit(optimize=True)
    except BaseException:
        cancel(writer)
        raise
    finish_generation(ix, folder, batch, previous_vocabulary=None)


def default_workers() -> int:
    """Processes for a large build: one per core, at most four."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def _refuse_foreign(root: Path) -> None:
    """A file at ``root`` is never replaced. (A folder of other files is fine: a build
    adds its own entries beside them and never deletes what it did not write.)"""
    if root.exists() and not root.is_dir():
        raise IndexProblem(
            f"{root} is a file, not a folder; it is left as it is. {FOLDER_HINT}",
            path=root,
        )


class _NothingToWrite(Exception):
    """An update without a single thread: its new generation is dropped, not published."""


def update_generation(root: Path, threads: Iterable[Thread], *, lock_timeout: float,
                      on_thread: Callable[[Thread], None] | None = None) -> UpdateSummary:
    """Write the current generation plus ``threads`` as a new generation, and publish it.

    When ``threads`` turns out empty, nothing is published and the summary counts nothing.
    """
    try:
        return write_generation(
            root, lock_timeout,
            lambda tmp, base: _write_update(open_generation(root, base), tmp, base, threads, on_thread),
            from_current=True,
        )
    except _NothingToWrite:
        return UpdateSummary()


def _write_update(old_ix, tmp: Path, base: Path, threads, on_thread) -> UpdateSummary:
    with old_ix.searcher() as old:
        existing: dict[str, set[str]] = {}
        columns = open_columns(base / COLUMNS_FILE)
        threads_of, ids = columns.tables["thread"].tolist(), columns.answer_ids.tolist()
        places = columns.arrays["thread"].tolist()
        for docnum in old.reader().all_doc_ids():
            existing.setdefault(threads_of[places[docnum]], set()).add(ids[docnum])
    ix = FileStorage(str(tmp)).open_index(indexname=INDEX_NAME, schema=SCHEMA)
    writer = ix.writer(limitmb=WRITER_MB, compound=False)
    batch = Batch(writer)
    counts = Counter()
    try:
        seen: set[str] = set()
        for thread in threads:
            thread = safe_thread(thread)
            if thread.id in seen:
                continue  # the first copy of a thread id wins, as in read_threads
            seen.add(thread.id)
            old_ids = existing.get(thread.id)
            if old_ids is not None:
                writer.delete_by_term("thread_id", thread.id)
                new_ids = {a.id for a in thread.answers}
                counts["threads_replaced"] += 1
                counts["answers_replaced"] += len(old_ids & new_ids)
                counts["answers_added"] += len(new_ids - old_ids)
                counts["answers_removed"] += len(old_ids - new_ids)
            elif thread.answers:  # a thread without answers has nothing to index
                counts["threads_added"] += 1
                counts["answers_added"] += len(thread.answers)
            batch.add(thread)
            if on_thread is not None:
                on_thread(thread)
        if not batch.threads:
            raise _NothingToWrite()
        merge = len(compat.segments(ix)) + 1 > MAX_SEGMENTS
        writer.commit(merge=merge)
    except BaseException:
        cancel(writer)
        raise
    finish_generation(ix, tmp, None if merge else batch, load_vocabulary(base), base)
    return UpdateSummary(**counts)


def remove_generation(root: Path, thread_ids: Iterable[str], *, lock_timeout: float) -> UpdateSummary:
    """Write the current generation without the threads ``thread_ids`` as a new
    generation, and publish it. Ids that are not in the index are left alone."""
    return write_generation(
        root, lock_timeout,
        lambda tmp, base: _write_removal(open_generation(root, base), tmp, base, list(thread_ids)),
        from_current=True,
    )


def _write_removal(old_ix, tmp: Path, base: Path, thread_ids: list[str]) -> UpdateSummary:
    with old_ix.searcher() as old:
        reader = old.reader()
        present = {t: reader.doc_frequency("thread_id", t) for t in dict.fromkeys(thread_ids)}
    ix = FileStorage(str(tmp)).open_index(indexname=INDEX_NAME, schema=SCHEMA)
    writer = ix.writer(limitmb=WRITER_MB, compound=False)
    try:
        for thread_id, answers in present.items():
            if answers:
                writer.delete_by_term("thread_id", thread_id)
        writer.commit(merge=False)
    except BaseException:
        cancel(writer)
        raise
    finish_generation(ix, tmp, None, load_vocabulary(base), base)
    return UpdateSummary(
        threads_removed=sum(1 for n in present.values() if n),
        answers_removed=sum(present.values()),
    )
