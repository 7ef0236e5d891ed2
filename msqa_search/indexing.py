"""Indexing thread files or records in one call: it decides between a build and an update."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .engine.generations import LOCK_TIMEOUT
from .errors import IndexNotFoundError, NothingToIndexError, SearchOptionError
from .index import build_index, open_index
from .model import Problem, Thread
from .parse.files import find_thread_files, iter_threads
from .results import IndexSummary

__all__ = ["index_threads"]


def index_threads(
    sources: Iterable[Thread] | Iterable[str | os.PathLike[str]],
    path: str | os.PathLike[str],
    *,
    rebuild: bool = False,
    prune: bool = False,
    lock_timeout: float = LOCK_TIMEOUT,
    workers: int | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    on_file: Callable[[Path, int, int], None] | None = None,
) -> IndexSummary:
    """Build or update the index at ``path`` from thread files, folders or records.

    When there is no index at ``path``, or with ``rebuild``, a new index of the threads
    is built (replacing any index there). Otherwise the index is updated: new threads
    are added, threads read again replace their old copy (by thread id) and unchanged
    ones are left as they are. Either way the write is all-or-nothing.

    Args:
        sources: thread files and folders (searched for ``*.txt``), or Thread records.
        path: the index folder.
        rebuild: replace the whole index with these threads.
        prune: also remove the threads whose file is gone (not with ``rebuild``).
        lock_timeout: seconds to wait while another process writes this index.
        workers: processes for a large build (see ``build_index``).
        on_problem: called with each file (or thread) skipped, as it is found.
        on_file: called as ``on_file(file, done, total)`` after each file is read.

    Returns:
        What was built or updated, skipped and warned about.

    Raises:
        NothingToIndexError: sources were given but not a single thread could be read
            (the index is left as it was).
        SearchOptionError: ``prune`` together with ``rebuild``.
        IndexLockedError, IndexWriteError, IndexProblem: as ``build_index``.
    """
    if prune and rebuild:
        raise SearchOptionError("prune and rebuild cannot be used together: a rebuild keeps only the threads given")
    root = Path(path)
    problems: list[Problem] = []
    warnings: list[tuple[str, tuple[str, ...]]] = []
    counts = {"threads_added": 0, "answers_added": 0}

    def problem(found: Problem) -> None:
        problems.append(found)
        if on_problem is not None:
            on_problem(found)

    threads, files = _threads(sources, problem, on_file)

    def indexed() -> Iterator[Thread]:
        for thread in threads:
            if thread.warnings and thread.answers:
                warnings.append((thread.source or thread.id, thread.warnings))
            if not thread.answers:
                # Nothing of it can be searched: say so, and count it as skipped (an
                # update still gets it, to drop the answers an older copy had).
                problem(Problem(path=thread.source or thread.id, message="no answers found; not indexed"))
            else:
                counts["threads_added"] += 1
                counts["answers_added"] += len(thread.answers)
            yield thread

    exists = not rebuild and _exists(root)
    found = indexed()
    first = next(found, None)
    if first is None and not (prune and exists):
        raise NothingToIndexError(root, files=files, skipped=len(problems))
    found = itertools.chain([] if first is None else [first], found)
    report = {"path": str(root), "files": files if files is not None else 0}
    if not exists:
        build_index(found, root, lock_timeout=lock_timeout, workers=workers).close()
        return IndexSummary(built=True, **report, **counts, problems=problems, warnings=warnings)
    with open_index(root) as index:
        summary = index.update(found, lock_timeout=lock_timeout)
        removed = None
        if prune:
            gone = [t for t, source in index.sources().items() if source and not os.path.exists(source)]
            if gone:
                removed = index.remove(gone, lock_timeout=lock_timeout)
    return IndexSummary(
        built=False, **report,
        threads_added=summary.threads_added, threads_replaced=summary.threads_replaced,
        threads_unchanged=summary.threads_unchanged,
        threads_removed=removed.threads_removed if removed else 0,
        answers_added=summary.answers_added, answers_replaced=summary.answers_replaced,
        answers_removed=summary.answers_removed + (removed.answers_removed if removed else 0),
        problems=problems, warnings=warnings,
    )


def _exists(root: Path) -> bool:
    try:
        open_index(root).close()
    except IndexNotFoundError:
        return False
    return True


def _threads(sources, problem, on_file) -> tuple[Iterator[Thread], int | None]:
    """The threads of ``sources`` and how many files they come from (None: records)."""
    items = iter(sources)
    first = next(items, None)
    if isinstance(first, Thread):
        return itertools.chain([first], items), None
    paths = [] if first is None else [first, *items]
    files = find_thread_files(paths, on_problem=problem)

    def progress() -> Iterator[Path]:
        for done, file in enumerate(files, start=1):
            yield file
            if on_file is not None:
                on_file(file, done, len(files))

    return iter_threads(progress(), on_problem=problem), len(files)
