"""Opening an index and searching it: ``open_index`` and ``SearchIndex``.

Building and updating are in index_write.py, the schema in index_schema.py, the folder
layout in store.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import stat
import struct
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import attrs
import numpy as np
import whoosh
from whoosh.filedb.filestore import FileStorage

from . import columns as cols
from . import index_check, index_pickle, index_stance, search_scores, store
from .errors import (
    AnswerNotFoundError,
    IndexClosedError,
    IndexDamagedError,
    IndexSchemaError,
    MsqaError,
    SearchOptionError,
    ThreadNotFoundError,
    UnsafeIndexError,
    rebuild_hint,
)
from .index_schema import INDEX_NAME, SCHEMA, SCHEMA_VERSION
from .search_query import DEFAULT_FACETS, FACETS
from .index_write import (
    LOCK_TIMEOUT,
    UpdateSummary,
    build_index,
    columns_name,
    load_vocabulary,
    remove_generation,
    update_generation,
)
from .model import Answer, Consensus, Doctor, FacetValue, Results, Thread, ThreadAnswer, from_dict

_WHOOSH_DIR = os.path.dirname(whoosh.__file__)
#: Unpickles bytes read from index files only, so whatever it raises is damage.
_PICKLE_FILE = index_pickle.__file__

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
        UnsafeIndexError: its files are writable by, or belong to, other users.
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
    store.check_generation_files(root, generation)
    _check_safe(root, generation)
    try:
        meta = store.read_meta(generation)
    except FileNotFoundError as e:
        raise IndexDamagedError(
            f"the index at {root} is damaged: {generation.name} is missing or incomplete."
            f" {rebuild_hint(root)}",
            path=root,
        ) from e
    except (OSError, ValueError, RecursionError) as e:
        raise IndexDamagedError(f"the index at {root} is damaged ({e}). {rebuild_hint(root)}", path=root) from e
    found = meta.get("schema") if isinstance(meta, dict) else None
    if found != SCHEMA_VERSION:
        raise IndexSchemaError(
            f"the index at {root} was written with schema version {found}; this version of"
            f" msqa-search reads version {SCHEMA_VERSION}. {rebuild_hint(root)}",
            path=root, found=found, expected=SCHEMA_VERSION,
        )
    index_check.check_meta(root, generation, meta)
    storage = _ReadStorage(str(generation))
    with damage_guard(root), storage.closing_on_failure():
        ix = storage.open_index(indexname=INDEX_NAME, schema=SCHEMA)
        index_check.check_segments(root, generation, ix._segments(), meta)
        return ix


class _ReadStorage(FileStorage):
    """Whoosh's folder storage, able to close every file opened while an index or a
    searcher is being opened.

    Whoosh leaves files open when it fails half-way through opening: those of the
    segment reader that tripped over a garbled terms file, and those of the segments
    opened before it, which only Whoosh's half-built list of readers holds. They would
    be closed by the garbage collector, with a ResourceWarning from whatever code runs
    next. (Files of an open index belong to its searcher, which ``close()`` closes.)
    """

    _opening: list | None = None

    def open_file(self, name, **kwargs):
        opened = super().open_file(name, **kwargs)
        if self._opening is not None:
            self._opening.append(opened)
        return opened

    @contextlib.contextmanager
    def closing_on_failure(self) -> Iterator[None]:
        """Close the files opened within the block if it raises, whatever it raises."""
        self._opening = opened = []
        try:
            yield
        except BaseException:
            for file in opened:
                with contextlib.suppress(Exception):
                    file.close()
            raise
        finally:
            self._opening = None


@contextlib.contextmanager
def damage_guard(root: Path) -> Iterator[None]:
    """Turn whatever Whoosh trips over in damaged files into one IndexDamagedError."""
    try:
        yield
    except MsqaError:
        raise
    except Exception as e:
        if not _from_files(e):
            raise  # a bug, not damage: let it show
        raise damaged(root, e) from None


_FILE_ERRORS = (OSError, EOFError, UnicodeDecodeError, zlib.error, pickle.UnpicklingError, struct.error)


def _from_files(error: BaseException) -> bool:
    """True when ``error`` comes from reading index files: raised inside Whoosh or our
    unpickler (which raise anything on garbled bytes: ValueError, TypeError,
    AttributeError, OverflowError...), or a read or decoding error anywhere."""
    if isinstance(error, _FILE_ERRORS):
        return True
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return False
    where = tb.tb_frame.f_code.co_filename
    return where.startswith(_WHOOSH_DIR) or where == _PICKLE_FILE


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


def damaged(root: Path, error: BaseException) -> IndexDamagedError:
    detail = f"{type(error).__name__}: {error}"[:200]
    return IndexDamagedError(f"the index at {root} is damaged ({detail}). {rebuild_hint(root)}", path=root)


@contextlib.contextmanager
def confirm_damage(root: Path, generation: Path) -> Iterator[None]:
    """Let an error that is not the library's own through only when the index's files
    match their checksums: then it is a bug. When they do not, it was damage, reported
    as the one-line IndexDamagedError naming the first damaged file.

    A division by zero or an invalid value in the numbers (a damaged field length, say)
    raises here, as under warnings-as-errors, rather than warning and ranking by NaN.
    """
    try:
        with np.errstate(divide="raise", invalid="raise"):
            yield
    except MsqaError:
        raise
    except Exception as e:
        if _from_files(e):
            raise damaged(root, e) from None
        try:
            meta = store.read_meta(generation)
            problems = index_check.file_problems(generation, meta) if meta.get("files") is not None else []
        except Exception as failure:  # noqa: BLE001 - the meta file itself is damaged
            problems = [f"{store.META} cannot be read ({type(failure).__name__})"]
        if problems:
            raise IndexDamagedError(
                f"the index at {root} is damaged ({problems[0]}). {rebuild_hint(root)}", path=root,
            ) from None
        raise


def _check_safe(root: Path, generation: Path) -> None:
    """Refuse index files that other users can write or own: they could change what the
    index answers (or swap files under a writer). Opening runs no code from the files
    either way (index_pickle.py); this guards what the index says, not the process."""
    me = os.geteuid() if hasattr(os, "geteuid") else None
    for path in (root, generation, *(generation.iterdir() if generation.is_dir() else ())):
        try:
            info = path.stat()
        except OSError:
            continue
        # The sticky bit lets only owners delete or rename entries of a folder; on a file
        # it means nothing, so a 1666 file is as writable by others as a 0666 one.
        sticky_folder = stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_ISVTX
        writable_by_others = info.st_mode & stat.S_IWOTH and not sticky_folder
        foreign_owner = me is not None and info.st_uid not in (me, 0)
        if writable_by_others or foreign_owner:
            why = "is writable by other users" if writable_by_others else "belongs to another user"
            raise UnsafeIndexError(
                f"refusing to open the index at {root}: {path} {why}, so others could change"
                " what it answers. Rebuild the index yourself from the thread files,"
                f" or fix its permissions (chmod -R o-w {root}) if you trust it.",
                path=root, file=str(path),
            )


class SearchIndex:
    """An open index: search it, update it, ask what it holds.

    It keeps one Whoosh searcher open across searches, refreshed after its own writes
    and, at the start of each call, when another process has published a new
    generation. Use it in a ``with`` block, or call ``close()``, to release its files;
    a closed SearchIndex raises IndexClosedError. One SearchIndex is meant for one
    thread at a time.
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
        self.closed = False
        """True once ``close()`` was called."""

    def __repr__(self) -> str:
        return f"<SearchIndex {str(self.path)!r} {self._generation.name}>"

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Release the index's open files. The SearchIndex cannot be used after this."""
        self.closed = True
        self._release()

    def _release(self) -> None:
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
        if self.closed:
            raise IndexClosedError(self.path)
        current = store.current_generation(self.path)
        if current is not None and current != self._generation:
            generation, ix = _open_current(self.path)
            self._release()
            self._generation, self._ix = generation, ix
            self._columns = self._vocabulary = None
            self.cache = {}

    def searcher(self):
        """The open Whoosh searcher (for the search module)."""
        if self._searcher is None:
            if self.closed:
                raise IndexClosedError(self.path)
            self._check_segments()
            with damage_guard(self.path), self._ix.storage.closing_on_failure():
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
            except (OSError, ValueError, KeyError, TypeError, RecursionError) as e:
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

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        page: int = 1,
        specialty: str | Sequence[str] | None = None,
        city: str | Sequence[str] | None = None,
        doctor: str | Sequence[str] | None = None,
        min_rating: float | None = None,
        min_reviews: int | None = None,
        sort: str = "relevance",
        facets: str | Sequence[str] = DEFAULT_FACETS,
        group_by_thread: bool = False,
        synonyms: bool = True,
        snippets: int = 3,
        snippet_chars: int = 240,
        stance: str | Sequence[str] | None = None,
    ) -> Results:
        """Search the answers.

        Args:
            query: words as a person types them, or expert syntax (docs/search.md).
            limit: hits per page. page: which page, from 1.
            specialty, city, doctor: keep only answers with this value, or any of
                several (any case; "unknown" for none; a doctor by any part of the name).
            min_rating: keep only doctors rated at least this (0-5).
            min_reviews: keep only doctors with at least this many reviews.
            stance: keep only answers taking this stance on some target of their
                thread's question: "for", "against", "conditional" or "unclear" (no
                position on any target), or any of several.
            sort: "relevance", "rating" or "reviews".
            facets: the facet counts to return: a name, or several (specialty,
                city, rating, doctor, stance; by default all but stance).
            group_by_thread: one hit per thread (its best answer), with each
                thread's split in ``Results.consensus``.
            synonyms: search medical synonyms and the corpus's misspellings too.
            snippets: highlighted fragments per hit (0: none).
            snippet_chars: about how long each fragment is.

        Returns:
            One page of hits, with facet counts over all matches (see Results).

        Raises:
            QuerySyntaxError: the query cannot be searched.
            SearchOptionError: an impossible option (FilterValueError: a filter
                value the index does not hold, with the nearest values).
            IndexClosedError: the SearchIndex was closed.
            IndexDamagedError: the index's files are damaged.
        """
        from .search import search

        self.refresh()
        with confirm_damage(self.path, self._generation):
            return search(
                self, query, limit=limit, page=page, specialty=specialty, city=city, doctor=doctor,
                min_rating=min_rating, min_reviews=min_reviews, sort=sort, facets=facets,
                group_by_thread=group_by_thread, synonyms=synonyms, snippets=snippets,
                snippet_chars=snippet_chars, stance=stance,
            )

    def similar(self, answer_id: str, limit: int = 10, *, facets: str | Sequence[str] = ()) -> Results:
        """Answers like the answer ``answer_id`` ("more like this"), best first.

        They are found from the answer's most telling words (frequent in it, rare in
        the index); ``Results.query`` holds the words searched. The answer itself is
        never among the hits.

        Raises:
            AnswerNotFoundError: no such answer in the index.
            IndexClosedError: the SearchIndex was closed.
        """
        from .search import similar

        found = self.answer(answer_id)
        with confirm_damage(self.path, self._generation):
            return similar(self, found.answer, limit=limit, facets=facets)

    def values(self, facet: str) -> tuple[FacetValue, ...]:
        """Every value of ``facet`` (specialty, city, rating, doctor, stance) with how many
        answers have it, most common first.

        Raises:
            SearchOptionError: an unknown facet.
        """
        if facet not in FACETS:
            raise SearchOptionError(f"unknown facet {facet!r}; facets are {', '.join(FACETS)}")
        self.refresh()
        with confirm_damage(self.path, self._generation):
            vec = search_scores.vectors(self)
            live = np.flatnonzero(vec.live)
            return tuple(FacetValue(value=v, count=n) for v, n in search_scores.facet_counts(self, facet, live))

    def answer(self, answer_id: str) -> ThreadAnswer:
        """The answer with ``answer_id`` and its thread (with all its indexed answers).

        Returns:
            A record with ``.answer`` and ``.thread`` (it also unpacks as
            ``thread, answer``).

        Raises:
            AnswerNotFoundError: no such answer in the index.
        """
        self.refresh()
        with confirm_damage(self.path, self._generation):
            searcher = self.searcher()
            fields = self._stored({"answer_id": answer_id}, searcher)
            if not fields:
                raise AnswerNotFoundError(answer_id)
            try:
                thread = self._thread(fields[0]["thread_id"])
            except ThreadNotFoundError:  # the answer is there, its thread's term is not
                raise damaged(self.path, ValueError(f"the thread of answer {answer_id} is missing")) from None
            found = [a for a in thread.answers if a.id == answer_id]
            if not found:
                raise damaged(self.path, ValueError(f"answer {answer_id} is not in its thread"))
            return ThreadAnswer(thread=thread, answer=found[0])

    def thread(self, thread_id: str) -> Thread:
        """The thread ``thread_id`` rebuilt from the index.

        Raises:
            ThreadNotFoundError: no answer of that thread is in the index.
        """
        self.refresh()
        with confirm_damage(self.path, self._generation):
            return self._thread(thread_id)

    def consensus(self, thread_id: str, question: str | None = None) -> Consensus:
        """How the answers of thread ``thread_id`` split on its question, per target.

        Args:
            thread_id: The thread.
            question: Another question or claim to judge its answers on. By default
                the thread's own question, whose stances were judged when the thread
                was indexed: nothing is judged again.

        Returns:
            The ``Consensus`` that ``thread_consensus`` gives for the thread as
            indexed (docs/consensus.md).

        Raises:
            ThreadNotFoundError: no answer of that thread is in the index.
            SearchOptionError: ``question`` is not a text with a word in it.
        """
        if question is not None and (not isinstance(question, str) or not question.strip()):
            raise SearchOptionError(f"question must be a text with a word in it, not {question!r}")
        self.refresh()
        with confirm_damage(self.path, self._generation):
            if question is None:
                return self.stored_consensus(thread_id)
            from .stance_consensus import thread_consensus

            return thread_consensus(self._thread(thread_id), question)

    def stored_consensus(self, thread_id: str) -> Consensus:
        """The consensus of a thread on its own question, from its stored stances (for
        the search module; ``consensus`` is the public call)."""
        docs = self._thread_docs(thread_id)
        thread = self._thread_from(thread_id, docs)
        stances = {answer.id: index_stance.loads(f["stances"]) for answer, f in zip(thread.answers, docs)}
        try:
            return index_stance.consensus(thread, stances)
        except ValueError as e:
            raise damaged(self.path, e) from None

    def _thread_docs(self, thread_id: str) -> list[dict]:
        docs = sorted(self._stored({"thread_id": thread_id}, self.searcher()), key=lambda f: f["position"])
        if not docs:
            raise ThreadNotFoundError(thread_id)
        return docs

    def _thread(self, thread_id: str) -> Thread:
        return self._thread_from(thread_id, self._thread_docs(thread_id))

    def _thread_from(self, thread_id: str, docs: list[dict]) -> Thread:
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

    def sources(self) -> dict[str, str | None]:
        """Thread id -> the file it was read from (None when not read from a file)."""
        self.refresh()
        searcher = self.searcher()
        found: dict[str, str | None] = {}
        with damage_guard(self.path):
            for docnum in searcher.reader().all_doc_ids():
                fields = searcher.stored_fields(docnum)
                if fields["thread_id"] not in found:
                    found[fields["thread_id"]] = json.loads(fields["thread"]).get("source")
        return found

    def remove(self, thread_ids: Iterable[str], *, lock_timeout: float = LOCK_TIMEOUT) -> UpdateSummary:
        """Remove the threads ``thread_ids`` (all their answers) from the index.

        Ids that are not in the index are ignored; the summary counts what went.

        Raises:
            IndexLockedError: another process kept the index locked for ``lock_timeout``.
            IndexWriteError: the index could not be written; it is left as it was.
        """
        self.refresh()
        summary = remove_generation(
            self.path, thread_ids, lock_timeout=lock_timeout,
            open_generation=lambda generation: _open_generation(self.path, generation),
        )
        self.refresh()
        return summary

    def _stored(self, terms: dict, searcher) -> list[dict]:
        from whoosh.query import Term

        (field, value), = terms.items()
        with damage_guard(self.path):
            found = [searcher.stored_fields(d) for d in searcher.docs_for_query(Term(field, value))]
        for fields in found:
            problem = index_check.stored_problem(fields)
            if problem:
                raise damaged(self.path, ValueError(problem))
        return found

    def stats(self) -> IndexStats:
        """Counts of what the index holds."""
        self.refresh()
        with confirm_damage(self.path, self._generation):
            return self._stats()

    def _stats(self) -> IndexStats:
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

    def check(self) -> list[str]:
        """Read the whole index and verify it, as SQLite's ``PRAGMA integrity_check``.

        Checks every file of the current generation against the size and SHA-256
        recorded when it was written, the meta file against its own checksum, the
        segment list, the columns (types, lengths, bounds), every document's stored
        fields against the columns, every posting list, and the vocabulary.

        Returns:
            The problems found, one line each; an empty list when the index is sound.
        """
        self.refresh()
        generation = self._generation
        problems: list[str] = []
        try:
            meta = store.read_meta(generation)
            if not isinstance(meta, dict):
                raise ValueError("not a record")
        except (OSError, ValueError, RecursionError) as e:
            return [f"{store.META} cannot be read ({type(e).__name__}: {e})"]
        problems += index_check.file_problems(generation, meta)
        steps = (
            lambda: index_check.segment_problems(generation, self._ix._segments(), meta),
            lambda: self._check_documents(),
            lambda: self._check_postings(),
            lambda: (self.vocabulary(), [])[1],
        )
        for step in steps:
            try:
                with damage_guard(self.path):
                    problems += step()
            except MsqaError as e:
                problems.append(str(e).split(f". {rebuild_hint(self.path)}")[0])
            except Exception as e:  # noqa: BLE001 - check() reports whatever it meets
                problems.append(f"{type(e).__name__}: {e}"[:200])
        return list(dict.fromkeys(problems))

    def _check_documents(self) -> list[str]:
        columns = self.columns()
        searcher = self.searcher()
        for docnum in range(searcher.doc_count_all()):
            fields = searcher.stored_fields(docnum)
            problem = index_check.stored_problem(fields)
            if problem is None and fields["answer_id"] != columns.answer_ids[docnum]:
                problem = "its stored answer id differs from the columns"
            if problem is None and index_stance.mask(index_stance.loads(fields["stances"])) != columns.arrays["stance"][docnum]:
                problem = "its stored stances differ from the columns"
            if problem:
                return [f"document {docnum}: {problem}"]
        return []

    def _check_postings(self) -> list[str]:
        reader = self.searcher().reader()
        count = reader.doc_count_all()
        for field, text in reader.all_terms():
            ids = list(reader.postings(field, text).all_ids())
            if any(not 0 <= d < count for d in ids) or ids != sorted(ids):
                return [f"the postings of {field}:{text!r} are out of range"]
        return []

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
            self.path, self._changed(threads, unchanged), lock_timeout=lock_timeout, on_thread=on_thread,
            open_generation=lambda generation: _open_generation(self.path, generation),
        )
        self.refresh()
        return attrs.evolve(summary, threads_unchanged=unchanged[0])

    def _changed(self, threads: Iterable[Thread], unchanged: list[int]) -> Iterator[Thread]:
        """The threads whose content differs from what the index holds; counts the others."""
        seen: set[str] = set()
        for thread in threads:
            if thread.id not in seen:
                seen.add(thread.id)
                try:
                    stored = self.thread(thread.id)
                except ThreadNotFoundError:
                    stored = None
                if stored is not None and _content(stored) == _content(thread):
                    unchanged[0] += 1
                    continue
            yield thread


def _content(thread: Thread) -> tuple:
    """What the index stores of a thread."""
    return (thread.title, thread.body, thread.declared_answers, thread.source, thread.complete,
            tuple((a.title, a.body, a.doctor, a.cut) for a in thread.answers))
