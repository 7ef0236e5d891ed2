"""Opening an index and searching it: ``open_index`` and ``SearchIndex``.

Building and updating are in index_write.py, the schema in index_schema.py, the folder
layout in store.py.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import stat
import struct
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import attrs
import whoosh
from whoosh.filedb.filestore import FileStorage

from . import columns as cols
from . import store
from .errors import (
    AnswerNotFoundError,
    IndexDamagedError,
    IndexSchemaError,
    MsqaError,
    UnsafeIndexError,
    rebuild_hint,
)
from .index_schema import INDEX_NAME, SCHEMA_VERSION
from .index_write import (
    LOCK_TIMEOUT,
    UpdateSummary,
    build_index,
    columns_name,
    load_vocabulary,
    update_generation,
)
from .model import Answer, Doctor, Results, Thread, from_dict

_WHOOSH_DIR = os.path.dirname(whoosh.__file__)

__all__ = ["IndexStats", "SearchIndex", "UpdateSummary", "build_index", "open_index"]


@attrs.frozen(kw_only=True)
class IndexStats:
    """What an index holds."""

    path: str
    threads: int
    answers: int
    doctors: int
    specialties: int
    cities: int
    schema_version: int
    generation: str
    segments: int


def open_index(path: str | os.PathLike[str]) -> SearchIndex:
    """Open the index at ``path`` for searching and updating.

    Raises:
        IndexNotFoundError: nothing there, or a folder that holds no index.
        IndexSchemaError: the index was written by another schema version.
        IndexDamagedError: its files are missing, truncated or garbled.
        UnsafeIndexError: its files are writable by other users.
    """
    root = Path(path)
    return SearchIndex(root, *_open_current(root))


def _open_current(root: Path, tries: int = 5):
    """Open the generation CURRENT names; if a writer replaces it meanwhile (and cleans
    the one read away), read CURRENT again."""
    for attempt in range(tries):
        generation = store.require_generation(root)
        try:
            return generation, _open_generation(root, generation)
        except IndexDamagedError:
            if attempt == tries - 1 or store.current_generation(root) == generation:
                raise


def _open_generation(root: Path, generation: Path):
    _check_safe(root, generation)
    try:
        meta = store.read_meta(generation)
    except FileNotFoundError as e:
        raise IndexDamagedError(
            f"the index at {root} is damaged: {generation.name} is missing or incomplete."
            f" {rebuild_hint(root)}",
            path=root,
        ) from e
    except (OSError, ValueError) as e:
        raise IndexDamagedError(f"the index at {root} is damaged ({e}). {rebuild_hint(root)}", path=root) from e
    found = meta.get("schema") if isinstance(meta, dict) else None
    if found != SCHEMA_VERSION:
        raise IndexSchemaError(
            f"the index at {root} was written with schema version {found}; this version of"
            f" msqa-search reads version {SCHEMA_VERSION}. {rebuild_hint(root)}",
            path=root, found=found, expected=SCHEMA_VERSION,
        )
    with damage_guard(root, opening=True):
        return FileStorage(str(generation)).open_index(indexname=INDEX_NAME)


@contextlib.contextmanager
def damage_guard(root: Path, *, opening: bool = False) -> Iterator[None]:
    """Turn whatever Whoosh trips over in damaged files into one IndexDamagedError.

    Whoosh leaves files open when it fails half-way through opening an index; with
    ``opening``, they are closed here instead of warning later from whatever code runs
    next. (Files of an open index belong to its searcher, which ``close()`` closes.)
    """
    try:
        yield
    except MsqaError:
        raise
    except Exception as e:
        if not _from_files(e):
            raise  # a bug, not damage: let it show
        if opening:
            _close_files(e.__traceback__)
        raise damaged(root, e) from None


_FILE_ERRORS = (OSError, EOFError, UnicodeDecodeError, zlib.error, pickle.UnpicklingError, struct.error)


def _from_files(error: BaseException) -> bool:
    """True when ``error`` comes from reading index files: raised inside Whoosh (which
    raises anything on garbled bytes), or a read or decoding error anywhere."""
    if isinstance(error, _FILE_ERRORS):
        return True
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and tb.tb_frame.f_code.co_filename.startswith(_WHOOSH_DIR)


def _close_searcher(searcher) -> None:
    """Close every file of a searcher, part by part: after damage some part may fail to
    close, and that must not leave the others open."""
    reader = searcher.reader()
    for segment_reader in getattr(reader, "readers", None) or [reader]:
        for part in ("_terms", "_perdoc", "_storage"):
            with contextlib.suppress(Exception):
                getattr(segment_reader, part).close()
        segment_reader.is_closed = True
    searcher.is_closed = True


def _close_files(tb) -> None:
    """Close the files, and the readers of segments opened so far, that the frames of a
    traceback hold."""
    from whoosh.filedb.structfile import StructFile
    from whoosh.reading import IndexReader

    def close(value) -> None:
        if isinstance(value, (list, tuple)):
            for item in value:
                close(item)
        elif isinstance(value, (StructFile, io.IOBase, IndexReader)):
            with contextlib.suppress(Exception):
                value.close()

    while tb is not None:
        for value in list(tb.tb_frame.f_locals.values()):
            close(value)
        tb = tb.tb_next


def damaged(root: Path, error: BaseException) -> IndexDamagedError:
    detail = f"{type(error).__name__}: {error}"[:200]
    return IndexDamagedError(f"the index at {root} is damaged ({detail}). {rebuild_hint(root)}", path=root)


def _check_safe(root: Path, generation: Path) -> None:
    """Refuse index files that other users can write: Whoosh unpickles them on open."""
    me = os.geteuid() if hasattr(os, "geteuid") else None
    for path in (root, generation, *(generation.iterdir() if generation.is_dir() else ())):
        try:
            info = path.stat()
        except OSError:
            continue
        writable_by_others = info.st_mode & stat.S_IWOTH and not (info.st_mode & stat.S_ISVTX)
        foreign_owner = me is not None and info.st_uid not in (me, 0)
        if writable_by_others or foreign_owner:
            why = "is writable by other users" if writable_by_others else "belongs to another user"
            raise UnsafeIndexError(
                f"refusing to open the index at {root}: {path} {why}, and opening index files"
                " can run code stored in them. Rebuild the index yourself from the thread files,"
                f" or fix its permissions (chmod -R o-w {root}) if you trust it.",
                path=root, file=str(path),
            )


class SearchIndex:
    """An open index: search it, update it, ask what it holds.

    It keeps one Whoosh searcher open across searches, refreshed after its own writes
    and, at the start of each call, when another process has published a new
    generation. Use it in a ``with`` block, or call ``close()``, to release its files.
    One SearchIndex is meant for one thread at a time.
    """

    def __init__(self, root: Path, generation: Path, ix) -> None:
        self.path = root
        self._generation = generation
        self._ix = ix
        self._searcher = None
        self._columns: cols.Columns | None = None
        self._vocabulary: Counter | None = None
        self.cache: dict = {}
        """Per-generation caches of the search module (filter sets, speller)."""

    def __repr__(self) -> str:
        return f"<SearchIndex {str(self.path)!r} {self._generation.name}>"

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Release the index's open files. Searching again reopens them."""
        if self._searcher is not None:
            searcher, self._searcher = self._searcher, None
            self.cache.pop("vectors", None)  # holds the searcher's readers
            _close_searcher(searcher)

    # -- what the search module uses ---------------------------------------------

    def refresh(self) -> None:
        """Switch to the newest generation if a writer has published one.

        Public calls do this first, so that everything one call reads comes from one
        generation.
        """
        current = store.current_generation(self.path)
        if current is not None and current != self._generation:
            generation, ix = _open_current(self.path)
            self.close()
            self._generation, self._ix = generation, ix
            self._columns = self._vocabulary = None
            self.cache = {}

    def searcher(self):
        """The open Whoosh searcher (for the search module)."""
        if self._searcher is None:
            self._check_segments()
            with damage_guard(self.path, opening=True):
                self._searcher = self._ix.searcher()
        return self._searcher

    def _check_segments(self) -> None:
        """A missing segment file is damage; find it before Whoosh opens the others (and
        leaves them open when it trips over the missing one)."""
        for segment in self._ix._segments():
            name = segment.segment_id()
            if not any((self._generation / f"{name}.{ext}").exists() for ext in ("pst", "seg")):
                raise damaged(self.path, FileNotFoundError(f"segment {name} is missing"))

    def columns(self) -> cols.Columns:
        """The value arrays of every document, in document-number order."""
        searcher = self.searcher()
        if self._columns is None:
            parts = []
            try:
                for segment in self._ix._segments():
                    parts.append(cols.load(self._generation / columns_name(segment)))
            except (OSError, ValueError, KeyError) as e:
                raise damaged(self.path, e) from e
            columns = cols.concat(parts) if parts else cols.ColumnsBuilder().build()
            if columns.size != searcher.doc_count_all():
                raise damaged(self.path, ValueError("columns do not match the segments"))
            self._columns = columns
        return self._columns

    def vocabulary(self) -> Counter:
        """Raw words of the index and how many answers hold each (for typo handling)."""
        if self._vocabulary is None:
            with damage_guard(self.path):
                self._vocabulary = load_vocabulary(self._generation)
        return self._vocabulary

    # -- public API ---------------------------------------------------------------

    def search(self, query: str, **options) -> Results:
        """Search the answers; see ``msqa_search.search.search`` for the options."""
        from .search import search

        self.refresh()
        return search(self, query, **options)

    def answer(self, answer_id: str) -> tuple[Thread, Answer]:
        """The answer with ``answer_id`` and its thread (with all its indexed answers).

        Raises:
            AnswerNotFoundError: no such answer in the index.
        """
        self.refresh()
        searcher = self.searcher()
        fields = self._stored({"answer_id": answer_id}, searcher)
        if not fields:
            raise AnswerNotFoundError(answer_id)
        thread = self.thread(fields[0]["thread_id"])
        return thread, next(a for a in thread.answers if a.id == answer_id)

    def thread(self, thread_id: str) -> Thread:
        """The thread ``thread_id`` rebuilt from the index.

        Raises:
            AnswerNotFoundError: no answer of that thread is in the index.
        """
        docs = sorted(self._stored({"thread_id": thread_id}, self.searcher()), key=lambda f: f["position"])
        if not docs:
            raise AnswerNotFoundError(f"{thread_id}#1")
        info = json.loads(docs[0]["thread"])
        answers = [
            Answer(
                thread_id=thread_id,
                position=i,
                title=f["title"],
                body=f["body"],
                doctor=from_dict(Doctor, json.loads(f["card"])) if f["card"] else None,
                cut=bool(f.get("cut", False)),
            )
            for i, f in enumerate(docs, start=1)
        ]
        return Thread(
            id=thread_id, title=info["title"], body=info["body"],
            declared_answers=info["declared_answers"], answers=answers, source=info["source"],
            complete=bool(info.get("complete", True)),
        )

    def _stored(self, terms: dict, searcher) -> list[dict]:
        from whoosh.query import Term

        (field, value), = terms.items()
        with damage_guard(self.path):
            return [searcher.stored_fields(d) for d in searcher.docs_for_query(Term(field, value))]

    def stats(self) -> IndexStats:
        """Counts of what the index holds."""
        self.refresh()
        searcher = self.searcher()
        columns = self.columns()
        live = list(searcher.reader().all_doc_ids())
        distinct = {
            name: {columns.arrays[name][d] for d in live}
            for name in ("thread", "doctor", "specialty", "city")
        }
        known = {
            name: len([p for p in places if cols.facet_key(columns.tables[name][p]) != cols.UNKNOWN])
            for name, places in distinct.items()
        }
        return IndexStats(
            path=str(self.path), threads=len(distinct["thread"]), answers=len(live),
            doctors=known["doctor"], specialties=known["specialty"], cities=known["city"],
            schema_version=SCHEMA_VERSION, generation=self._generation.name,
            segments=len(self._ix._segments()),
        )

    def update(self, threads: Iterable[Thread], *, lock_timeout: float = LOCK_TIMEOUT,
               on_thread: Callable[[Thread], None] | None = None) -> UpdateSummary:
        """Add new threads and replace threads read again (matched by thread id).

        Answers that disappeared from a re-read thread are removed. The update is
        written as a new generation and published only when complete; searches in
        other processes keep working meanwhile.

        Raises:
            IndexLockedError: another process kept the index locked for ``lock_timeout``.
            IndexWriteError: the index could not be written; it is left as it was.
        """
        summary = update_generation(
            self.path, threads, lock_timeout=lock_timeout, on_thread=on_thread,
            open_generation=lambda generation: _open_generation(self.path, generation),
        )
        self.refresh()
        return summary
