"""The Whoosh index of answers: schema, full builds, updates, and opening an index.

One document per answer, keyed ``"<thread_id>#<position>"``. See store.py for the
folder layout that makes every write all-or-nothing, and columns.py for the value
arrays kept beside each segment.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import stat
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import attrs
import whoosh.index
from whoosh.analysis import IDTokenizer, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage

from . import columns as cols
from . import store
from .errors import (
    AnswerNotFoundError,
    IndexDamagedError,
    IndexProblem,
    IndexSchemaError,
    IndexWriteError,
    MsqaError,
    UnsafeIndexError,
    rebuild_hint,
)
from .model import Answer, Doctor, Results, Thread, from_dict, to_dict

SCHEMA_VERSION = 1
LOCK_TIMEOUT = 10.0
#: Memory for a writer's postings before it spills sorted runs to disk.
WRITER_MB = 512
#: Segments an index may have before an update merges them.
MAX_SEGMENTS = 10
INDEX_NAME = "MAIN"

# Function words dropped from text and queries. Negations stay: "not a contraindication"
# must not match like "a contraindication".
STOP_WORDS = frozenset(
    "a an and are as at be been but by can could did do does for from had has have he her"
    " him his how i if in into is it its may me might my of on or our she should so than"
    " that the their them then there these they this those to us was we were what when"
    " where which who whom why will with would you your".split()
)
NEGATIONS = frozenset("no not nor never none without cannot against".split())
# "Ms." as a title before a name is its own token, so it never matches MS the disease.
# The title keeps the one space after it ("ms " / "ms. "), which no other token has.
TOKEN_PATTERN = r"Ms\.?[ \n](?=[A-Z][a-z])|\w+(?:\.?\w+)*"


def text_analyzer(stem: bool = True):
    """Tokenise, lowercase, drop function words (not negations), then stem."""
    chain = RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS)
    return chain | StemFilter(cachesize=-1) if stem else chain


def name_analyzer():
    return RegexTokenizer(r"\w+") | LowercaseFilter()


def _key_field() -> TEXT:
    # One lowercased term for the whole value, so `specialty:"plastic surgeon"` works.
    return TEXT(analyzer=IDTokenizer() | LowercaseFilter(), phrase=False)


def make_schema() -> Schema:
    stemmed = text_analyzer()
    return Schema(
        answer_id=ID(stored=True, unique=True, sortable=True),
        thread_id=ID(stored=True),
        position=STORED(),
        title=TEXT(analyzer=stemmed, stored=True, field_boost=2.0),
        body=TEXT(analyzer=stemmed, stored=True),
        question=TEXT(analyzer=stemmed, field_boost=0.5),
        doctor=TEXT(analyzer=name_analyzer()),
        doctor_key=_key_field(),
        specialty=_key_field(),
        city=_key_field(),
        # One term per value (shift_step=0): few distinct values, so range queries stay
        # quick, and each answer adds one posting instead of sixteen.
        rating=NUMERIC(float, shift_step=0),
        reviews=NUMERIC(int, shift_step=0),
        card=STORED(),
        thread=STORED(),
    )


SCHEMA = make_schema()


def _remember_missing_columns() -> None:
    """Stop Whoosh from asking the file system, per posting, for a column that is absent.

    While writing a segment, Whoosh looks up each posting's field length; for fields
    without lengths (ids, numbers) it checks that the column file exists every time,
    without remembering the answer: an ``os.stat`` per posting, about a quarter of a
    build's time. Segments never change once written, so a missing column stays missing.
    """
    from whoosh.codec.whoosh3 import W3PerDocReader

    if getattr(W3PerDocReader, "_msqa_patched", False):
        return
    original = W3PerDocReader._cached_reader

    def _cached_reader(self, fieldname, column):
        missing = self.__dict__.setdefault("_msqa_missing", set())
        if fieldname in missing:
            return None
        reader = original(self, fieldname, column)
        if reader is None:
            missing.add(fieldname)
        return reader

    W3PerDocReader._cached_reader = _cached_reader
    W3PerDocReader._msqa_patched = True


_remember_missing_columns()


@attrs.frozen(kw_only=True)
class UpdateSummary:
    """What a build or an update changed, counted in threads and answers."""

    threads_added: int = 0
    threads_replaced: int = 0
    answers_added: int = 0
    answers_replaced: int = 0
    answers_removed: int = 0


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


def _document(thread: Thread, answer: Answer) -> dict:
    doctor = answer.doctor or Doctor()
    question = f"{thread.title}\n\n{thread.body}".strip()
    document = {
        "answer_id": answer.id,
        "thread_id": thread.id,
        "position": answer.position,
        "title": answer.title,
        "body": answer.body,
        "question": question,
        "doctor": doctor.name or "",
        "doctor_key": cols.facet_key(doctor.name),
        "specialty": cols.facet_key(doctor.specialty),
        "city": cols.facet_key(doctor.city),
        "card": json.dumps(to_dict(doctor)) if answer.doctor else "",
        "thread": json.dumps(
            {
                "title": thread.title,
                "body": thread.body,
                "declared_answers": thread.declared_answers,
                "answers": len(thread.answers),
                "source": thread.source,
            }
        ),
    }
    if doctor.rating is not None:
        document["rating"] = doctor.rating
    if doctor.reviews is not None:
        document["reviews"] = doctor.reviews
    return document


def _column_row(thread_id: str, answer_id: str, position: int, doctor: Doctor | None) -> dict:
    doctor = doctor or Doctor()
    return dict(
        answer_id=answer_id, thread_id=thread_id, position=position,
        specialty=doctor.specialty, city=doctor.city, doctor=doctor.name,
        rating=doctor.rating, reviews=doctor.reviews,
    )


_WORD = re.compile(r"\w+")


class _Batch:
    """Adds threads' answers to a Whoosh writer, collecting columns and vocabulary."""

    def __init__(self, writer) -> None:
        self.writer = writer
        self.columns = cols.ColumnsBuilder()
        self.vocabulary: Counter[str] = Counter()
        self.threads = 0

    def add(self, thread: Thread) -> None:
        self.threads += 1
        for answer in thread.answers:
            document = _document(thread, answer)
            self.writer.add_document(**document)
            self.columns.add(**_column_row(thread.id, answer.id, answer.position, answer.doctor))
            text = f"{answer.title} {answer.body} {document['question']}".lower()
            self.vocabulary.update(set(_WORD.findall(text)))


def build_index(
    threads: Iterable[Thread],
    path: str | os.PathLike[str],
    *,
    lock_timeout: float = LOCK_TIMEOUT,
    on_thread: Callable[[Thread], None] | None = None,
) -> SearchIndex:
    """Build a new index of ``threads`` at ``path``, replacing any index there.

    The index is written beside the old one and swapped in only when complete: a
    failed or interrupted build leaves the previous index as it was.

    Args:
        threads: the threads to index (any iterable; read once).
        path: the index folder; created if missing. It must be empty or an index.
        lock_timeout: seconds to wait while another process writes this index.
        on_thread: called after each thread is added (for progress reports).

    Raises:
        IndexLockedError: another process kept the index locked for ``lock_timeout``.
        IndexWriteError: the index could not be written (disk full, read-only...).
        IndexProblem: ``path`` is a non-empty folder that holds no index.
    """
    root = Path(path)
    _refuse_foreign(root)
    with store.write_lock(root, lock_timeout):
        store.clean(root)
        tmp, final = _new_generation(root)
        try:
            storage = FileStorage(str(tmp))
            ix = storage.create_index(SCHEMA, indexname=INDEX_NAME)
            writer = ix.writer(limitmb=WRITER_MB)
            batch = _Batch(writer)
            try:
                for thread in threads:
                    batch.add(thread)
                    if on_thread is not None:
                        on_thread(thread)
                writer.commit(optimize=True)
            except BaseException:
                writer.cancel()
                raise
            _finish_generation(ix, tmp, batch, previous_vocabulary=None)
            store.publish(root, tmp, final)
        except OSError as e:
            shutil.rmtree(tmp, ignore_errors=True)
            raise store.write_error(root, e) from e
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        store.clean(root)
    return open_index(root)


def _refuse_foreign(root: Path) -> None:
    if root.is_file():
        raise IndexProblem(f"{root} is a file; give a folder for the index", path=root)
    if root.is_dir() and store.current_generation(root) is None:
        foreign = [p.name for p in root.iterdir() if not p.name.startswith(("gen-", store.LOCK, store.CURRENT))]
        if foreign:
            raise IndexProblem(
                f"{root} is not empty and holds no msqa-search index (it has {foreign[0]!r});"
                " choose a new or empty folder for the index, so that nothing in it is lost",
                path=root,
            )


def _new_generation(root: Path) -> tuple[Path, Path]:
    try:
        return store.new_generation(root)
    except OSError as e:
        raise store.write_error(root, e) from e


def _finish_generation(ix, folder: Path, batch: _Batch | None, previous_vocabulary: Counter | None) -> None:
    """Write the columns of new segments, the vocabulary and the meta file."""
    segments = ix._segments()
    for segment in segments:
        target = folder / _columns_name(segment)
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
    store.write_meta(folder, {"schema": SCHEMA_VERSION, "written": time.time()})


def _columns_name(segment) -> str:
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
            builder.add(**_column_row(fields["thread_id"], fields["answer_id"], fields["position"], doctor))
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
        text = (folder / VOCABULARY).read_text(encoding="utf-8")
    except FileNotFoundError:
        return vocabulary
    for line in text.splitlines():
        word, _, n = line.partition("\t")
        if n.isdigit():
            vocabulary[word] = int(n)
    return vocabulary


def open_index(path: str | os.PathLike[str]) -> SearchIndex:
    """Open the index at ``path`` for searching and updating.

    Raises:
        IndexNotFoundError: nothing there, or a folder that holds no index.
        IndexSchemaError: the index was written by another schema version.
        IndexDamagedError: its files are missing, truncated or garbled.
        UnsafeIndexError: its files are writable by other users.
    """
    root = Path(path)
    generation = store.require_generation(root)
    return SearchIndex(root, generation, _open_generation(root, generation))


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
    with damage_guard(root):
        return FileStorage(str(generation)).open_index(indexname=INDEX_NAME)


@contextlib.contextmanager
def damage_guard(root: Path) -> Iterator[None]:
    """Turn whatever Whoosh trips over in damaged files into one IndexDamagedError.

    Whoosh leaves files open when it fails half-way through reading them; they are
    closed here instead of warning later from whatever code runs next.
    """
    try:
        yield
    except MsqaError:
        raise
    except Exception as e:  # noqa: BLE001 - damaged files raise anything
        _close_files(e.__traceback__)
        raise damaged(root, e) from None


def _close_files(tb) -> None:
    """Close the files that the frames of a traceback had open."""
    from whoosh.filedb.structfile import StructFile

    while tb is not None:
        for value in list(tb.tb_frame.f_locals.values()):
            if isinstance(value, (StructFile, io.IOBase)):
                with contextlib.suppress(Exception):
                    value.close()
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
    and when another process publishes a new generation. Use it in a ``with`` block,
    or call ``close()``, to release its files.
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
            self._searcher.close()
            self._searcher = None

    # -- what the search module uses ---------------------------------------------

    def _refresh(self) -> None:
        """Switch to the newest generation if a writer has published one."""
        current = store.current_generation(self.path)
        if current is not None and current != self._generation:
            ix = _open_generation(self.path, current)
            self.close()
            self._generation, self._ix = current, ix
            self._columns = self._vocabulary = None
            self.cache = {}

    def searcher(self):
        """The open Whoosh searcher (for the search module)."""
        self._refresh()
        if self._searcher is None:
            with damage_guard(self.path):
                self._searcher = self._ix.searcher()
        return self._searcher

    def columns(self) -> cols.Columns:
        """The value arrays of every document, in document-number order."""
        searcher = self.searcher()
        if self._columns is None:
            parts = []
            try:
                for segment in self._ix._segments():
                    parts.append(cols.load(self._generation / _columns_name(segment)))
            except (OSError, ValueError, KeyError) as e:
                raise damaged(self.path, e) from e
            columns = cols.concat(parts) if parts else cols.ColumnsBuilder().build()
            if columns.size != searcher.doc_count_all():
                raise damaged(self.path, ValueError("columns do not match the segments"))
            self._columns = columns
        return self._columns

    def vocabulary(self) -> Counter:
        if self._vocabulary is None:
            self._vocabulary = load_vocabulary(self._generation)
        return self._vocabulary

    # -- public API ---------------------------------------------------------------

    def search(self, query: str, **options) -> Results:
        """Search the answers; see ``msqa_search.search.search`` for the options."""
        from .search import search

        return search(self, query, **options)

    def answer(self, answer_id: str) -> tuple[Thread, Answer]:
        """The answer with ``answer_id`` and its thread (with all its indexed answers).

        Raises:
            AnswerNotFoundError: no such answer in the index.
        """
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
            )
            for i, f in enumerate(docs, start=1)
        ]
        return Thread(
            id=thread_id, title=info["title"], body=info["body"],
            declared_answers=info["declared_answers"], answers=answers, source=info["source"],
        )

    def _stored(self, terms: dict, searcher) -> list[dict]:
        from whoosh.query import Term

        (field, value), = terms.items()
        with damage_guard(self.path):
            return [searcher.stored_fields(d) for d in searcher.docs_for_query(Term(field, value))]

    def stats(self) -> IndexStats:
        """Counts of what the index holds."""
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
        with store.write_lock(self.path, lock_timeout):
            store.clean(self.path)
            base = store.require_generation(self.path)
            ix = _open_generation(self.path, base)
            tmp, final = _new_generation(self.path)
            try:
                store.link_files(base, tmp)
                summary = self._write_update(ix, tmp, base, threads, on_thread)
                store.publish(self.path, tmp, final)
            except OSError as e:
                shutil.rmtree(tmp, ignore_errors=True)
                raise store.write_error(self.path, e) from e
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            store.clean(self.path)
        self._refresh()
        return summary

    def _write_update(self, old_ix, tmp: Path, base: Path, threads, on_thread) -> UpdateSummary:
        with old_ix.searcher() as old:
            existing: dict[str, set[str]] = {}
            arrays = cols.concat([cols.load(base / _columns_name(s)) for s in old_ix._segments()])
            for docnum in old.reader().all_doc_ids():
                thread = arrays.tables["thread"][arrays.arrays["thread"][docnum]]
                existing.setdefault(thread, set()).add(arrays.answer_ids[docnum])
        ix = FileStorage(str(tmp)).open_index(indexname=INDEX_NAME)
        writer = ix.writer(limitmb=WRITER_MB)
        batch = _Batch(writer)
        counts = Counter()
        try:
            seen: set[str] = set()
            for thread in threads:
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
                else:
                    counts["threads_added"] += 1
                    counts["answers_added"] += len(thread.answers)
                batch.add(thread)
                if on_thread is not None:
                    on_thread(thread)
            merge = len(ix._segments()) + 1 > MAX_SEGMENTS
            writer.commit(merge=merge)
        except BaseException:
            writer.cancel()
            raise
        _finish_generation(ix, tmp, None if merge else batch, load_vocabulary(base))
        return UpdateSummary(**counts)
