"""What one write adds to a generation: documents, and beside Whoosh's files the joined
columns of its segments, the vocabulary with its typo table, the known-word list and the
meta file."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from pathlib import Path

from whoosh.reading import SegmentReader

from .. import columns as cols
from .. import index_stance, store
from ..column_file import COLUMNS_FILE, open_columns
from ..column_writer import write_columns
from ..lexicon.known_words import write_known_words
from ..lexicon.typo_table import Vocabulary
from ..lexicon.vocabulary_file import vocabulary_path, write_vocabulary
from ..model import Doctor, Thread, from_dict
from . import check, compat
from .schema import SCHEMA_VERSION, column_row, document, safe_thread

__all__ = [
    "VOCABULARY_PREFIX",
    "WRITER_MB",
    "Batch",
    "cancel",
    "segment_columns_name",
    "finish_generation",
    "load_vocabulary",
]

#: Memory for a writer's postings before it spills sorted runs to disk. Segments are
#: written as separate files (compound=False): Whoosh copies each part of a compound
#: segment into memory when it opens it, 300 MB for 100,000 answers.
WRITER_MB = 512
#: The vocabulary file of a generation is ``words.msqa-vocabulary`` (lexicon.typo_table).
VOCABULARY_PREFIX = "words"
_WORD = re.compile(r"\w+")

#: Cancel a Whoosh writer and close every file it holds (see compat.cancel_writer).
cancel = compat.cancel_writer


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
                                          stances[answer.id], body=answer.body, title=answer.title,
                                          cut=answer.cut))
            text = f"{answer.title} {answer.body} {fields['question']}".lower()
            self.vocabulary.update(set(_WORD.findall(text)))


def segment_columns_name(segment) -> str:
    """The columns file a worker process writes for its segment (joined, then removed)."""
    return f"{segment.segment_id()}.part.msqa-columns"


def finish_generation(ix, folder: Path, batch: Batch | None, previous_vocabulary: Counter | None,
                      base: Path | None = None) -> None:
    """Write the joined columns of the segments, the vocabulary, the known words and the
    meta file."""
    segments = compat.segments(ix)
    _write_columns(ix, folder, segments, batch, base)
    vocabulary = Counter(previous_vocabulary or ())
    if batch is not None:
        vocabulary.update(batch.vocabulary)
    write_vocabulary(folder / VOCABULARY_PREFIX, {w: n for w, n in vocabulary.items() if n > 0})
    write_known_words(folder)
    meta = {
        "schema": SCHEMA_VERSION, "written": time.time(),
        # What opening and check() verify (check.py).
        "segments": {segment.segment_id(): segment.doc_count_all() for segment in segments},
        "files": check.manifest(folder, base),
    }
    store.write_meta(folder, check.seal(meta))


def _write_columns(ix, folder: Path, segments, batch: Batch | None, base: Path | None) -> None:
    """Join the columns of every segment into the generation's one file. A segment of
    ``base`` is a slice of its file (segments never change once written; deleted
    documents keep their rows); a worker's segment has its own file; the one new
    segment of a batch has the batch's columns; any other (a merge) is read back from
    its stored fields."""
    old = open_columns(base / COLUMNS_FILE) if base is not None else None
    where, at = {}, 0
    for name, count in old.segments if old is not None else ():
        where[name] = (at, count)
        at += count
    sources: list = []  # (start, stop) slices of the base's file, or columns
    joined = []
    for segment in segments:
        name, count = segment.segment_id(), segment.doc_count_all()
        worker_file = folder / segment_columns_name(segment)
        if name in where and where[name][1] == count:
            start = where[name][0]
            if sources and isinstance(sources[-1], tuple) and sources[-1][1] == start:
                sources[-1] = (sources[-1][0], start + count)  # one slice for neighbours
            else:
                sources.append((start, start + count))
        elif worker_file.exists():
            sources.append(open_columns(worker_file).part(0, count))
            joined.append(worker_file)
        elif batch is not None and count == batch.columns.size:
            # The only new segment holds exactly this batch's documents, in order.
            sources.append(batch.columns.build())
        else:
            sources.append(_columns_from_segment(ix, segment))
    parts = [old.part(*source) if isinstance(source, tuple) else source for source in sources]
    write_columns(folder / COLUMNS_FILE, parts, [(s.segment_id(), s.doc_count_all()) for s in segments])
    for path in joined:
        path.unlink()


def _columns_from_segment(ix, segment) -> cols.Columns:
    """Columns of a segment we did not write in order (a merge): read its stored fields."""
    builder = cols.ColumnsBuilder()
    reader = SegmentReader(ix.storage, ix.schema, segment)
    try:
        for docnum in range(reader.doc_count_all()):
            fields = reader.stored_fields(docnum)
            card = fields.get("card")
            doctor = from_dict(Doctor, json.loads(card)) if card else None
            stances = index_stance.loads(fields["stances"])
            builder.add(**column_row(fields["thread_id"], fields["answer_id"], fields["position"], doctor, stances,
                                     body=fields["body"], title=fields["title"],
                                     cut=bool(fields.get("cut", False))))
    finally:
        reader.close()
    return builder.build()


def load_vocabulary(folder: Path) -> Counter:
    """Raw (unstemmed) words of the index with the number of answers holding them, read
    whole (an update adds to them; a query opens the file with ``Vocabulary.open``)."""
    if not vocabulary_path(folder / VOCABULARY_PREFIX).exists():
        return Counter()
    return Counter(dict(Vocabulary.open(folder / VOCABULARY_PREFIX).items()))
