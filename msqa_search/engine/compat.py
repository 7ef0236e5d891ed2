"""Every use of Whoosh's internals, each with the reason it is needed.

whoosh-reloaded 2.7.5 is frozen (no fixes are coming), so the rest of the engine keeps to
Whoosh's public API, and whatever leans on a private name, a module-level global or an
undocumented behaviour is here, in one place to check when Whoosh is swapped or
upgraded. A test checks that no other module names a private Whoosh attribute.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import types
from collections.abc import Callable

import numpy as np
import whoosh
import whoosh.codec.whoosh3
import whoosh.columns
import whoosh.filedb.structfile
import whoosh.formats
import whoosh.index
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, W3PerDocReader, _lenfield
from whoosh.filedb.structfile import StructFile
from whoosh.util.numeric import _length_byte_cache, byte_to_length

__all__ = [
    "LENGTH_OF_BYTE",
    "WHOOSH_DIR",
    "cancel_writer",
    "close_searcher",
    "compile_range",
    "install_unpicklers",
    "length_bytes",
    "patch_length_reader",
    "pattern_terms",
    "reader_lengths",
    "segment_codec",
    "segments",
    "term_postings",
    "unpicklers_installed",
    "write_toc",
]

#: Where Whoosh's code lives: an exception whose last frame is in here came from Whoosh
#: tripping over bytes it read (it raises anything on garbled files).
WHOOSH_DIR = os.path.dirname(whoosh.__file__)

#: Byte-encoded field length -> length, as Whoosh decodes it. Whoosh keeps the table
#: private; the scorer needs it to decode a whole segment's lengths at once.
LENGTH_OF_BYTE = np.asarray(_length_byte_cache, dtype=np.float64)


def segments(ix) -> list:
    """The segments of an open index. ``Index._segments()`` is private, but it is the
    only way to list them, which the columns files (one per segment) and the checks of
    the segment list need."""
    return ix._segments()


def segment_codec(segment):
    """The codec a segment was written with (``W3Segment._codec``): checking it keeps a
    damaged table of contents from sending a reader into an unknown codec."""
    return getattr(segment, "_codec", None)


def write_toc(storage, segment_list: list, schema, index_name: str) -> None:
    """Join segments written by separate processes under one table of contents.

    Whoosh has no public call for it: ``TOC`` and ``clean_files`` are module internals
    of ``whoosh.index``, used the way ``Index`` itself uses them after a commit.
    """
    whoosh.index.TOC(schema, segment_list, 1).write(storage, index_name)
    whoosh.index.clean_files(storage, index_name, 1, segment_list)


# -- field lengths -------------------------------------------------------------------


def length_bytes(perdoc, fieldname: str) -> bytes:
    """A segment's field lengths, one byte per document (Whoosh's encoding), read once.

    Reads the per-document reader's length column in one piece (``_cached_reader``,
    ``_dbfile``, ``_basepos``, ``_count``), where Whoosh reads one byte through a file
    object per call. Documents past the end of the bytes have length byte 0.
    """
    cache = perdoc.__dict__.setdefault("_msqa_lengths", {})
    lengths = cache.get(fieldname)
    if lengths is None:
        reader = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        lengths = b"" if reader is None else reader._dbfile.get(reader._basepos, reader._count)
        cache[fieldname] = lengths
    return lengths


def reader_lengths(reader, fieldname: str) -> bytes:
    """``length_bytes`` of a segment reader (through its private ``_perdoc``)."""
    return length_bytes(reader._perdoc, fieldname)


def patch_length_reader() -> None:
    """Two fixes to Whoosh's per-document reader, which writing and scoring lean on.

    1. While writing a segment, Whoosh looks up each posting's field length; for fields
       without lengths (ids, numbers) it checks that the column file exists every time,
       without remembering the answer: an ``os.stat`` per posting.
    2. Each length lookup reads one byte through a file object: about 3 microseconds per
       posting written and per document scored. Segments never change once written, so
       the lengths of a field are read once, in one piece, and kept.
    """
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

    def doc_field_length(self, docnum, fieldname, default=0):
        if docnum > self._doccount:
            raise IndexError("Asked for docnum %r of %d" % (docnum, self._doccount))
        lengths = length_bytes(self, fieldname)
        if not lengths and self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) is None:
            return default
        lbyte = lengths[docnum] if docnum < len(lengths) else 0
        if lbyte:
            return byte_to_length(lbyte)
        return None  # as Whoosh does for a document without the field

    W3PerDocReader._cached_reader = _cached_reader
    W3PerDocReader.doc_field_length = doc_field_length
    W3PerDocReader._msqa_patched = True


# -- postings ------------------------------------------------------------------------


def term_postings(reader, field: str, text: str, values: list | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All (id, weight) pairs of one segment's posting list, block by block.

    Whoosh's public matcher yields one posting per Python call (about 30 microseconds a
    document once scoring is added); reading the decoded blocks of a ``W3LeafMatcher``
    (``_data``, ``_blocklength``, ``_byteids``, ``_next_block``) gives whole arrays. The
    matcher itself comes from the reader's private term table (``_terms``,
    ``_text_to_bytes``), without a scorer.

    With ``values``, each posting's encoded value is appended to it in the same pass:
    phrase matching decodes the positions of many postings at once (engine/positions.py),
    where Whoosh's span matchers decode them one posting at a time. (A format of
    variable-size values, as positions are, keeps them in a block as a tuple of bytes.)
    """
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
    if (field, text) not in reader:
        return empty
    matcher = reader._terms.matcher(field, reader._text_to_bytes(field, text), reader.schema[field].format,
                                    scorer=None)
    ids, weights = [], []
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            raw_ids, raw_weights = matcher._data[0], matcher._data[1]
            if values is not None:
                values.extend(matcher._data[2])
            count = matcher._blocklength
            block = np.asarray(raw_ids, dtype=np.int64)
            ids.append(block if matcher._byteids else np.cumsum(block))
            if raw_weights is None:
                weights.append(np.ones(count))
            elif isinstance(raw_weights, float):
                weights.append(np.full(count, raw_weights))
            else:
                weights.append(np.asarray(raw_weights, dtype=np.float64))
            matcher._next_block()
    else:  # pragma: no cover - other codecs
        pairs = []
        while matcher.is_active():
            pairs.append((matcher.id(), matcher.weight()))
            if values is not None:
                values.append(matcher.value())
            matcher.next()
        if pairs:
            ids.append(np.array([p[0] for p in pairs], dtype=np.int64))
            weights.append(np.array([p[1] for p in pairs], dtype=np.float64))
    if not ids:
        return empty
    return np.concatenate(ids), np.concatenate(weights)


# -- queries -------------------------------------------------------------------------


def compile_range(q, reader):
    """The terms query a ``NumericRange`` becomes (``_compile_query``): capping its
    expansion needs the terms, which Whoosh only computes while matching."""
    return q._compile_query(reader)


def pattern_terms(q, reader):
    """The encoded terms a wildcard, prefix or fuzzy term expands to, lazily
    (``MultiTerm._btexts``): the public ``existing_terms`` reads them all first."""
    return q._btexts(reader)


# -- files Whoosh leaves open --------------------------------------------------------


def close_searcher(searcher) -> None:
    """Close every file of a searcher, part by part: after damage some part may fail to
    close, and Whoosh's own ``close()`` then stops before closing the others (a segment
    reader's ``_terms``, ``_perdoc`` and ``_storage``)."""
    reader = searcher.reader()
    for segment_reader in getattr(reader, "readers", None) or [reader]:
        for part in ("_terms", "_perdoc", "_storage"):
            with contextlib.suppress(Exception):
                getattr(segment_reader, part).close()
        segment_reader.is_closed = True
    searcher.is_closed = True


def cancel_writer(writer) -> None:
    """Cancel a Whoosh writer and close every file it holds.

    ``cancel()`` alone leaves the files of a half-written segment open when the write
    failed (a full disk): they would warn later, and keep the space in use. They are
    found by walking the writer's (private) attributes.
    """
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


# -- unpickling ----------------------------------------------------------------------


def install_unpicklers(loads: Callable, load: Callable) -> None:
    """Point every place Whoosh unpickles file data at ``loads`` / ``load``.

    Whoosh calls ``pickle.loads`` through module globals of its codec, formats, columns,
    structfile and index modules; replacing those globals is the only way in.
    """
    whoosh.codec.whoosh3.loads = loads  # posting blocks, inlined postings
    whoosh.formats.loads = loads  # positions and characters
    whoosh.columns.loads = loads  # stored fields (a pickle column)
    whoosh.filedb.structfile.load_pickle = load  # the segment list of the TOC
    # The TOC's pickled schema is skipped when a schema is given, as we always do;
    # should some path read it anyway, it goes through the same unpickler.
    shim = types.ModuleType("pickle")
    shim.__dict__.update(vars(pickle))
    shim.loads, shim.load = loads, load
    whoosh.index.pickle = shim


def unpicklers_installed(loads: Callable, load: Callable) -> bool:
    """True when Whoosh's unpickling goes through ``loads`` and ``load``."""
    return whoosh.columns.loads is loads and whoosh.filedb.structfile.load_pickle is load
