"""Writing an index: full builds, updates, and what each generation holds beside Whoosh's
files (the columns of each segment, the vocabulary, the meta file).

See store.py for the folder layout that makes every write all-or-nothing.
"""

from __future__ import annotations

import contextlib
import gc
import io
import itertools
import json
import os
import re
import shutil
import time
import traceback
import warnings
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
from whoosh.filedb.filestore import FileStorage

from . import columns as cols
from . import index_check, index_stance, store
from .errors import IndexProblem
from .index_schema import INDEX_NAME, SCHEMA, SCHEMA_VERSION, column_row, document, safe_thread
from .model import Doctor, Thread, from_dict

if TYPE_CHECKING:  # pragma: no cover
    from .index import SearchIndex

LOCK_TIMEOUT = 10.0
#: Memory for a writer's postings before it spills sorted runs to disk. Segments are
#: written as separate files (compound=False): Whoosh copies each part of a compound
#: segment into memory when it opens it, 300 MB for 100,000 answers.
WRITER_MB = 512
#: Segments an index may have before an update merges them.
MAX_SEGMENTS = 10
#: A build with fewer answers runs in one process: starting workers costs more.
PARALLEL_MIN_ANSWERS = 5000


@attrs.frozen(kw_only=True)
class UpdateSummary:
    """What a build or an update changed, counted in threads and answers."""

    threads_added: int = 0
    threads_replaced: int = 0
    answers_added: int = 0
    answers_replaced: int = 0
    answers_removed: int = 0
    threads_removed: int = 0
    threads_unchanged: int = 0
    """Threads read again whose content is what the index holds: not rewritten."""


_WORD = re.compile(r"\w+")


class Batch:
    """Adds threads' answers to a Whoosh writer, collecting columns and vocabulary."""

    def __init__(self, writer) -> None:
        self.writer = writer
        self.columns = cols.ColumnsBuilder()
        self.vocabulary: Counter[str] = Counter()
        self.threads = 0

    def add(self, thread: Thread) -> None:
        thread = safe_thread(thread)
        self.threads += 1
        # Judged once, here: a query reads the stored stances and never judges again.
        stances = index_stance.thread_stances(thread)
        for answer in thread.answers:
            fields = document(thread, answer, stances[answer.id])
            self.writer.add_document(**fields)
            self.columns.add(**column_row(thread.id, answer.id, answer.position, answer.doctor,
                                          stances[answer.id]))
            text = f"{answer.title} {answer.body} {fields['question']}".lower()
            self.vocabulary.update(set(_WORD.findall(text)))


def build_index(
    threads: Iterable[Thread],
    path: str | os.PathLike[str],
    *,
    lock_timeout: float = LOCK_TIMEOUT,
    on_thread: Callable[[Thread], None] | None = None,
    workers: int | None = None,
) -> SearchIndex:
    """Build a new index of ``threads`` at ``path``, replacing any index there.

    The index is written beside the old one and swapped in only when complete: a
    failed or interrupted build leaves the previous index as it was.

    Args:
        threads: the threads to index (any iterable; read once).
        path: the index folder; created if missing. Files in it that are not the
            index's own are left alone.
        lock_timeout: seconds to wait while another process writes this index.
        on_thread: called after each thread is added (for progress reports).
        workers: processes for a large build (over PARALLEL_MIN_ANSWERS answers);
            by default one per core, at most four. 1 builds in this process.

    Raises:
        IndexLockedError: another process kept the index locked for ``lock_timeout``.
        IndexWriteError: the index could not be written (disk full, read-only...).
        IndexProblem: ``path`` is a file.
    """
    root = Path(path)
    _refuse_foreign(root)
    _write_generation(root, lock_timeout, lambda tmp, base: _write_build(threads, tmp, workers, on_thread))
    from .index import open_index

    return open_index(root)


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
        from .index_parallel import build_segments

        vocabulary = build_segments(itertools.chain(first, threads), folder, workers, on_thread)
        ix = FileStorage(str(folder)).open_index(indexname=INDEX_NAME, schema=SCHEMA)
        _finish_generation(ix, folder, None, vocabulary)
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
    _finish_generation(ix, folder, batch, previous_vocabulary=None)


def default_workers() -> int:
    """Processes for a large build: one per core, at most four."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def cancel(writer) -> None:
    """Cancel a Whoosh writer and close every file it holds.

    ``cancel()`` alone leaves the files of a half-written segment open when the write
    failed (a full disk): they would warn later, and keep the space in use.
    """
    from whoosh.filedb.structfile import StructFile

    with contextlib.suppress(Exception):
        writer.cancel()
    seen: set[int] = set()

    def close(value, depth: int) -> None:
        if id(value) in seen or depth > 8:
            return
        seen.add(id(value))
        if isinstance(value, (StructFile, io.IOBase)) or _file_like(value):
            with contextlib.suppress(Exception):
                value.close()
            if isinstance(value, StructFile):  # its close() may fail before the file's
                close(value.file, depth + 1)
        elif isinstance(value, (list, tuple)):
            for item in value:
                close(item, depth + 1)
        elif isinstance(value, dict):
            for item in value.values():
                close(item, depth + 1)
        elif hasattr(value, "__dict__") and type(value).__module__.startswith("whoosh"):
            for item in vars(value).values():
                close(item, depth + 1)

    close(writer, 0)


def _file_like(value) -> bool:
    return callable(getattr(value, "write", None)) and callable(getattr(value, "close", None)) and not isinstance(value, type)


def _discard(folder: Path, error: BaseException) -> None:
    """Remove a failed write's folder, first closing the files Whoosh left open in it.

    A failed Whoosh writer keeps files open in the frames of the error's traceback;
    clearing those frames closes them now rather than with a warning later.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        seen = set()
        while error is not None and id(error) not in seen:  # the error, and what it interrupted
            seen.add(id(error))
            traceback.clear_frames(error.__traceback__)
            error = error.__context__
        gc.collect()
    shutil.rmtree(folder, ignore_errors=True)


def _refuse_foreign(root: Path) -> None:
    """A file at ``root`` is never replaced. (A folder of other files is fine: a build
    adds its own entries beside them and never deletes what it did not write.)"""
    if root.exists() and not root.is_dir():
        raise IndexProblem(
            f"{root} is a file, not a folder; it is left as it is. Give the index a folder"
            " of its own (msqa-search index --index NEW_FOLDER THREADS...)",
            path=root,
        )


def _new_generation(root: Path) -> tuple[Path, Path]:
    try:
        return store.new_generation(root)
    except OSError as e:
        raise store.write_error(root, e) from e


def _finish_generation(ix, folder: Path, batch: Batch | None, previous_vocabulary: Counter | None,
                       base: Path | None = None) -> None:
    """Write the columns of new segments, the vocabulary and the meta file."""
    segments = ix._segments()
    for segment in segments:
        target = folder / columns_name(segment)
        if target.exists():
            continue
        if batch is not None and segment.doc_count_all() == batch.columns.size:
            # The only new segment holds exactly this batch's documents, in order.
            cols.save(batch.columns.build(), target)
        else:
            cols.save(_columns_from_segment(ix, segment), target)
    vocabulary = Counter(previous_vocabulary or ())
    if batch is not None:
        vocabulary.update(batch.vocabulary)
    _save_vocabulary(folder, vocabulary)
    meta = {
        "schema": SCHEMA_VERSION, "written": time.time(),
        # What opening and check() verify (index_check.py).
        "segments": {segment.segment_id(): segment.doc_count_all() for segment in segments},
        "files": index_check.manifest(folder, base),
    }
    store.write_meta(folder, index_check.seal(meta))


def columns_name(segment) -> str:
    return f"{segment.segment_id()}.msqa-columns"


def _columns_from_segment(ix, segment) -> cols.Columns:
    """Columns of a segment we did not write in order (a merge): read its stored fields."""
    from whoosh.reading import SegmentReader

    builder = cols.ColumnsBuilder()
    reader = SegmentReader(ix.storage, ix.schema, segment)
    try:
        for docnum in range(reader.doc_count_all()):
            fields = reader.stored_fields(docnum)
            card = fields.get("card")
            doctor = from_dict(Doctor, json.loads(card)) if card else None
            stances = index_stance.loads(fields["stances"])
            builder.add(**column_row(fields["thread_id"], fields["answer_id"], fields["position"], doctor, stances))
    finally:
        reader.close()
    return builder.build()


VOCABULARY = "vocabulary.tsv"


def _save_vocabulary(folder: Path, vocabulary: Counter) -> None:
    lines = (f"{word}\t{n}\n" for word, n in sorted(vocabulary.items()))
    store.write_file(folder / VOCABULARY, "".join(lines))


def load_vocabulary(folder: Path) -> Counter:
    """Raw (unstemmed) words of the index with the number of answers holding them."""
    vocabulary: Counter[str] = Counter()
    try:
        text = store.read_regular(folder / VOCABULARY).decode("utf-8")
    except FileNotFoundError:
        return vocabulary
    for line in text.splitlines():
        word, _, n = line.partition("\t")
        if n.isdigit():
            vocabulary[word] = int(n)
    return vocabulary




class _NothingToWrite(Exception):
    """An update without a single thread: its new generation is dropped, not published."""


def update_generation(root: Path, threads: Iterable[Thread], *, lock_timeout: float,
                      on_thread: Callable[[Thread], None] | None, open_generation) -> UpdateSummary:
    """Write the current generation plus ``threads`` as a new generation, and publish it.

    When ``threads`` turns out empty, nothing is published and the summary counts nothing.
    """
    try:
        return _write_generation(
            root, lock_timeout,
            lambda tmp, base: _write_update(open_generation(base), tmp, base, threads, on_thread),
            from_current=True,
        )
    except _NothingToWrite:
        return UpdateSummary()


def _write_generation(root: Path, lock_timeout: float, write, *, from_current: bool = False):
    """Under the write lock, let ``write(folder, base)`` fill a new generation folder (a
    copy of the current one when ``from_current``), then publish it. On any failure the
    folder goes and the current generation stays."""
    with store.write_lock(root, lock_timeout):
        store.clean(root)
        base = store.require_generation(root) if from_current else None
        tmp, final = _new_generation(root)
        try:
            if base is not None:
                store.link_files(base, tmp)
            result = write(tmp, base)
            store.publish(root, tmp, final)
        except OSError as e:
            _discard(tmp, e)
            raise store.write_error(root, e) from None
        except BaseException as e:
            _discard(tmp, e)
            raise
        store.clean(root)
    return result


def _write_update(old_ix, tmp: Path, base: Path, threads, on_thread) -> UpdateSummary:
    with old_ix.searcher() as old:
        existing: dict[str, set[str]] = {}
        arrays = cols.concat([cols.load(base / columns_name(s)) for s in old_ix._segments()])
        for docnum in old.reader().all_doc_ids():
            thread = arrays.tables["thread"][arrays.arrays["thread"][docnum]]
            existing.setdefault(thread, set()).add(arrays.answer_ids[docnum])
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
        merge = len(ix._segments()) + 1 > MAX_SEGMENTS
        writer.commit(merge=merge)
    except BaseException:
        cancel(writer)
        raise
    _finish_generation(ix, tmp, None if merge else batch, load_vocabulary(base), base)
    return UpdateSummary(**counts)


def remove_generation(root: Path, thread_ids: Iterable[str], *, lock_timeout: float,
                      open_generation) -> UpdateSummary:
    """Write the current generation without the threads ``thread_ids`` as a new
    generation, and publish it. Ids that are not in the index are left alone."""
    return _write_generation(
        root, lock_timeout,
        lambda tmp, base: _write_removal(open_generation(base), tmp, base, list(thread_ids)),
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
    _finish_generation(ix, tmp, None, load_vocabulary(base), base)
    return UpdateSummary(
        threads_removed=sum(1 for n in present.values() if n),
        answers_removed=sum(present.values()),
    )
