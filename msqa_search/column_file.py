"""The columns of one generation as one file, joined when the generation is published
and memory-mapped when it is read: opening it reads its header and segment list only.

``columns.msqa-columns``, all integers little-endian, each section starting at a
multiple of 8 bytes::

    header    128 bytes: magic b"MSQACOLS", u32 format, u32 arrays, u64 documents,
              u32 segments, u32 reserved, u64 id bytes, then u64 values and u64
              value bytes for each table of columns.TABLES
    segments  per segment: its id (72 bytes, ASCII, NUL-padded) and u64 documents
    arrays    i32[documents] for each name of columns.ARRAYS, in that order
    rank      i32[documents]      each document's place among the answer ids sorted
    order     i32[documents]      the documents in answer-id order (rank inverted)
    ids       u64[documents + 1]  answer id i is id_blob[ids[i]:ids[i + 1]]
    id_blob   u8[id bytes]        the answer ids, UTF-8, back to back
    then per table: u64[values + 1] offsets and u8[value bytes] its values, alike

The answer rank (the tie-break order of hits) is sorted once here, at build time.

What is checked when (every problem is an IndexDamagedError naming the file):

* on open: the magic and format, the counts against each other and against the file's
  exact length, the segment list (ASCII ids, counts adding up to the documents), and
  the first and last offset of each list of strings: a few hundred bytes read;
* on the first use of an array in a process (``arrays[name]``, ``rank``, ``find``):
  all its values within their bounds (a table's places within the table), one numpy
  min and max over that array;
* on each string read: its offsets within its blob, and valid UTF-8.

Values are in bounds by construction when written (column_writer.py), which checks
the offsets of the parts it copies from an older file.
"""

from __future__ import annotations

import mmap
import operator
import os
import struct
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import attrs
import numpy as np

from . import store
from .columns import ARRAYS, FORMAT, TABLES
from .errors import IndexDamagedError

__all__ = [
    "BYTES_PER_DOCUMENT", "COLUMNS_FILE", "HEADER", "HEADER_SIZE", "MAGIC", "SEGMENT", "ColumnFile", "Part",
    "Strings", "open_columns", "padding", "sections",
]

COLUMNS_FILE = "columns.msqa-columns"
MAGIC = b"MSQACOLS"
HEADER = struct.Struct("<8sIIQIIQ" + "QQ" * len(TABLES))
HEADER_SIZE = 128
SEGMENT = struct.Struct("<72sQ")
#: The file holds at least this many bytes per document (its int32 arrays and id offset).
BYTES_PER_DOCUMENT = 4 * (len(ARRAYS) + 2) + 8
_EXTRA = ("rank", "order")


def padding(n: int) -> int:
    """The zero bytes after a section of ``n`` bytes, so that the next starts 8-aligned."""
    return -n % 8


def sections(documents: int, segments: int, id_bytes: int, tables) -> Iterator[tuple[str, str, int]]:
    """(name, dtype, count) of each section after the header, in file order."""
    yield "segments", "u1", SEGMENT.size * segments
    for name in (*ARRAYS, *_EXTRA):
        yield name, "<i4", documents
    yield "ids", "<u8", documents + 1
    yield "id_blob", "u1", id_bytes
    for name, (values, value_bytes) in zip(TABLES, tables):
        yield f"{name}:offsets", "<u8", values + 1
        yield f"{name}:blob", "u1", value_bytes


def _bounds(tables: Mapping[str, Sequence[str]], documents: int) -> dict[str, tuple[int, int]]:
    """The inclusive range each array's values must lie in."""
    bounds = {name: (0, len(tables[name]) - 1) for name in TABLES}
    bounds.update(rating100=(-1, 500), reviews=(-1, 2**31 - 1), position=(1, 2**31 - 1), stance=(0, 15),
                  cut=(0, 1), dup_hi=(-(2**31), 2**31 - 1), dup_lo=(-(2**31), 2**31 - 1),
                  rank=(0, documents - 1), order=(0, documents - 1))
    return bounds


def _damaged(path: Path, why: str) -> IndexDamagedError:
    return IndexDamagedError(f"the columns file {path} is damaged: {why}; rebuild the index", path=path)


class Strings(Sequence):
    """Strings stored as offsets into a UTF-8 blob, each decoded when it is read."""

    def __init__(self, path: Path, data, offsets: np.ndarray, start: int, end: int):
        self._path, self._data, self._offsets, self._start, self._end = path, data, offsets, start, end
        self._n = len(offsets) - 1
        self._all: list[str] | None = None

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):  # noqa: ANN001 - Sequence protocol
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._n))]
        i = operator.index(i)
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError("string index out of range")
        a, b = int(self._offsets[i]), int(self._offsets[i + 1])
        if not 0 <= a <= b <= self._end - self._start:
            raise _damaged(self._path, f"string {i} lies outside its data")
        return self._decode(self._data[self._start + a:self._start + b], i)

    def _decode(self, raw: bytes, i: int) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _damaged(self._path, f"string {i} is not UTF-8") from None

    def span(self, start: int = 0, stop: int | None = None) -> tuple[np.ndarray, bytes]:
        """The offsets (from 0) and bytes of strings ``start`` to ``stop``, checked."""
        stop = self._n if stop is None else stop
        offsets = np.asarray(self._offsets[start:stop + 1], dtype=np.int64)
        if len(offsets) and (offsets[0] < 0 or offsets[-1] > self._end - self._start
                             or (len(offsets) > 1 and np.any(np.diff(offsets) < 0))):
            raise _damaged(self._path, "string offsets out of order")
        if not len(offsets):
            return np.zeros(1, dtype=np.int64), b""
        return offsets - offsets[0], bytes(self._data[self._start + int(offsets[0]):self._start + int(offsets[-1])])

    def tolist(self) -> list[str]:
        """Every string, decoded at once (and kept)."""
        if self._all is None:
            offsets, data = self.span()
            bounds = offsets.tolist()
            self._all = [self._decode(data[a:b], i) for i, (a, b) in enumerate(zip(bounds, bounds[1:]))]
        return self._all

    def __iter__(self) -> Iterator[str]:
        return iter(self.tolist())


class _Checked(Mapping):
    """Arrays by name, each range-checked on its first use."""

    def __init__(self, path: Path, views: dict[str, np.ndarray], bounds: dict[str, tuple[int, int]]):
        self._path, self._views, self._bounds, self._checked = path, views, bounds, set()

    def __getitem__(self, name: str) -> np.ndarray:
        view = self._views[name]
        if name not in self._checked:
            low, high = self._bounds[name]
            if len(view) and (int(view.min()) < low or int(view.max()) > high):
                raise _damaged(self._path, f"{name} values out of range")
            self._checked.add(name)
        return view

    def __iter__(self) -> Iterator[str]:
        return iter(self._views)

    def __len__(self) -> int:
        return len(self._views)


@attrs.frozen(kw_only=True)
class Part:
    """Some documents' columns, ready to be joined with others."""

    tables: Mapping[str, Sequence[str]]
    """Facet name -> display values, which the table arrays index."""
    arrays: Mapping[str, np.ndarray]
    """Each name of columns.ARRAYS -> its int32 values."""
    ids: tuple[np.ndarray, bytes]
    """The answer ids: offsets (from 0, one more than the documents) into UTF-8 bytes."""


@attrs.frozen(slots=False, eq=False)
class ColumnFile:
    """The columns of every document of a generation, memory-mapped (see the module doc)."""

    path: Path
    size: int
    """Documents (live or deleted), in document-number order."""
    segments: tuple[tuple[str, int], ...]
    """Each segment's id and document count, in the order of the documents."""
    tables: dict[str, Strings]
    """Facet name -> display values; the arrays hold indexes into these."""
    arrays: Mapping[str, np.ndarray]
    """Each name of columns.ARRAYS -> its int32 array over document numbers."""
    answer_ids: Strings
    _extra: _Checked

    @property
    def rank(self) -> np.ndarray:
        """Each document's place among all answer ids in sorted order (for tie-breaks)."""
        return self._extra["rank"]

    def find(self, answer_id: str) -> list[int]:
        """The documents (live or deleted) holding ``answer_id``, in order."""
        order, ids = self._extra["order"], self.answer_ids
        lo, hi = 0, self.size
        while lo < hi:  # the first place whose id is not below answer_id
            mid = (lo + hi) // 2
            if ids[int(order[mid])] < answer_id:
                lo = mid + 1
            else:
                hi = mid
        found = []
        while lo < self.size and ids[int(order[lo])] == answer_id:
            found.append(int(order[lo]))
            lo += 1
        return sorted(found)

    def problems(self) -> list[str]:
        """What a full read finds wrong that opening leaves to first use: values out of
        bounds, strings outside their data or not UTF-8, an answer order that is not
        sorted or a rank that is not its inverse."""
        try:
            for name in ARRAYS:
                self.arrays[name]
            rank, order = self._extra["rank"], self._extra["order"]
            for strings in (*self.tables.values(), self.answer_ids):
                strings.tolist()
        except IndexDamagedError as e:
            return [str(e).removesuffix("; rebuild the index")]
        ids = self.answer_ids.tolist()
        places = order.tolist()
        if not np.array_equal(rank[order], np.arange(self.size)):
            return [f"the columns file {self.path} is damaged: the answer rank does not invert the order"]
        if any(ids[a] > ids[b] for a, b in zip(places, places[1:])):
            return [f"the columns file {self.path} is damaged: the answer order is not sorted"]
        return []

    def part(self, start: int, stop: int) -> Part:
        """Documents ``start`` to ``stop``, to be joined into another file."""
        return Part(tables=self.tables, arrays={name: self.arrays[name][start:stop] for name in ARRAYS},
                     ids=self.answer_ids.span(start, stop))


def open_columns(path: Path) -> ColumnFile:
    """Open the file ``write_columns`` wrote, reading its header and segment list.

    Raises:
        IndexDamagedError: it is missing, not a columns file, of another format, or its
            sizes do not add up.
    """
    try:
        with os.fdopen(store.open_regular(path), "rb") as f:
            raw = f.read(HEADER_SIZE)
            length = os.fstat(f.fileno()).st_size
            if len(raw) < HEADER_SIZE or raw[:8] != MAGIC:
                raise _damaged(path, "not a columns file (bad header)")
            magic, found, arrays, documents, segments, _, id_bytes, *table_sizes = HEADER.unpack_from(raw)
            if found != FORMAT:
                raise _damaged(path, f"columns format {found}, this version reads {FORMAT}")
            tables = list(zip(table_sizes[::2], table_sizes[1::2]))
            if arrays != len(ARRAYS) or documents >= 2**31 or any(values > documents for values, _ in tables):
                raise _damaged(path, "its header holds impossible counts")
            places, at = {}, HEADER_SIZE
            for name, dtype, count in sections(documents, segments, id_bytes, tables):
                places[name] = (at, dtype, count)
                at += np.dtype(dtype).itemsize * count + padding(np.dtype(dtype).itemsize * count)
            if length != at:
                raise _damaged(path, f"{length} bytes where the header announces {at}"
                               f" ({'truncated' if length < at else 'trailing data'})")
            listed = f.read(SEGMENT.size * segments)
            data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except IndexDamagedError:
        raise
    except OSError as e:
        raise IndexDamagedError(f"cannot read the columns file {path}: {e.strerror or e}; rebuild the index",
                                path=path) from e
    segment_list = []
    for i in range(segments):
        name, count = SEGMENT.unpack_from(listed, i * SEGMENT.size)
        try:
            segment_list.append((name.rstrip(b"\0").decode("ascii"), count))
        except UnicodeDecodeError:
            raise _damaged(path, "its segment list is garbled") from None
    if sum(count for _, count in segment_list) != documents:
        raise _damaged(path, "its segments do not add up to its documents")
    views = {name: np.frombuffer(data, dtype=dtype, count=count, offset=at)
             for name, (at, dtype, count) in places.items() if dtype != "u1"}

    def strings(offsets: str, blob: str) -> Strings:
        start, _, count = places[blob]
        found = Strings(path, data, views[offsets], start, start + count)
        if int(views[offsets][0]) != 0 or int(views[offsets][-1]) != count:
            raise _damaged(path, f"{offsets.split(':')[0]} offsets do not match their data")
        return found

    table_strings = {name: strings(f"{name}:offsets", f"{name}:blob") for name in TABLES}
    bounds = _bounds(table_strings, documents)
    return ColumnFile(
        path=path, size=documents, segments=tuple(segment_list), tables=table_strings,
        arrays=_Checked(path, {name: views[name] for name in ARRAYS}, bounds),
        answer_ids=strings("ids", "id_blob"), extra=_Checked(path, {name: views[name] for name in _EXTRA}, bounds),
    )
