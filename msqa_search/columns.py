"""Per-answer value arrays, written beside each index segment, for fast facets and sorts.

Counting facets by walking postings in Python, or rebuilding a filter's document set on
every query, is what makes plain Whoosh slow. Instead, each segment gets a small file
holding, for every document number, the index of its specialty, city, doctor, rating
band and thread in a table, plus its rating, review count, position, stance labels
(a bit per label, index_stance.py), whether the page copy cuts it, and the hash of its
normalised body and doctor (``duplicate_key``: identical answers are shown once). Facet counts are then a
``numpy.bincount`` over the matching document numbers, and filters cached boolean arrays
(facets.py, ranking.py).

File layout: one line of JSON (the tables and the arrays' lengths), then the arrays as
raw little-endian 32-bit integers in the order of ``ARRAYS``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import sys
from array import array
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import attrs

__all__ = [
    "ARRAYS",
    "BANDS",
    "Columns",
    "ColumnsBuilder",
    "FORMAT",
    "TABLES",
    "UNKNOWN",
    "concat",
    "duplicate_key",
    "facet_key",
    "load",
    "rating_band",
    "save",
]

#: 3: the cut flag and the duplicate key (dup_hi, dup_lo).
FORMAT = 3
#: Facets whose values live in a table; the array holds the value's place in it.
TABLES = ("specialty", "city", "doctor", "rating", "thread")
#: All arrays, one int per document; -1 stands for "none" in rating and reviews; stance
#: holds a bit per label the answer takes (index_stance.LABEL_BITS); cut is 1 for an
#: answer the page copy stops inside; dup_hi and dup_lo are the two halves of its
#: duplicate key (both 0: never folded).
ARRAYS = (*TABLES, "rating100", "reviews", "position", "stance", "cut", "dup_hi", "dup_lo")
#: An answer body of fewer words than this is never folded with another: "Yes." from two
#: doctors, or one doctor in two threads, are two answers.
DUPLICATE_WORDS = 8
_WORDS = re.compile(r"\w+")
UNKNOWN = "unknown"
BANDS = ("4.8-5.0", "4.5-4.8", "4.0-4.5", "below 4.0", "unrated")


def rating_band(rating: float | None) -> str:
    """The inclusive band a rating falls in; 5.0 is in the top band."""
    if rating is None:
        return "unrated"
    if rating >= 4.8:
        return "4.8-5.0"
    if rating >= 4.5:
        return "4.5-4.8"
    if rating >= 4.0:
        return "4.0-4.5"
    return "below 4.0"


def duplicate_key(body: str, doctor: str | None, title: str = "") -> tuple[int, int]:
    """A 64-bit hash of the body's and title's words (case and punctuation aside) and
    the doctor's facet key, as two signed 32-bit halves; ``(0, 0)`` for a body too
    short to fold."""
    words = _WORDS.findall(body.casefold())
    if len(words) < DUPLICATE_WORDS:
        return 0, 0
    text = "\n".join((facet_key(doctor) if doctor else "", " ".join(_WORDS.findall(title.casefold())), " ".join(words)))
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    hi, lo = int.from_bytes(digest[:4], "little", signed=True), int.from_bytes(digest[4:], "little", signed=True)
    return (hi, lo) if (hi, lo) != (0, 0) else (0, 1)


def facet_key(value: str | None) -> str:
    """The normalised form a facet value is filtered and grouped by."""
    if value is None or not value.strip():
        return UNKNOWN
    return " ".join(value.split()).casefold()


@attrs.frozen
class Columns:
    """The value arrays of one segment (or of several, concatenated)."""

    tables: dict[str, list[str]]
    """Facet name -> display values; the arrays hold indexes into these."""
    arrays: dict[str, array]
    answer_ids: list[str]

    @property
    def size(self) -> int:
        return len(self.answer_ids)


class ColumnsBuilder:
    """Collects one row per document, in document-number order."""

    def __init__(self) -> None:
        self._places: dict[str, dict[str, int]] = {name: {} for name in TABLES}
        self._display: dict[str, list[Counter[str]]] = {name: [] for name in TABLES}
        self._arrays = {name: array("i") for name in ARRAYS}
        self._ids: list[str] = []

    def add(self, *, answer_id: str, thread_id: str, position: int, specialty: str | None,
            city: str | None, doctor: str | None, rating: float | None,
            reviews: int | None, stance: int = 0, cut: bool = False, body: str = "",
            title: str = "") -> None:
        values = {
            "specialty": specialty, "city": city, "doctor": doctor,
            "rating": rating_band(rating), "thread": thread_id,
        }
        for name, value in values.items():
            key = value if name == "thread" else facet_key(value)
            places = self._places[name]
            place = places.get(key)
            if place is None:
                place = places[key] = len(places)
                self._display[name].append(Counter())
            self._display[name][place][value if value and key != UNKNOWN else UNKNOWN] += 1
            self._arrays[name].append(place)
        self._arrays["rating100"].append(-1 if rating is None else round(rating * 100))
        self._arrays["reviews"].append(-1 if reviews is None else min(reviews, 2**31 - 1))
        self._arrays["position"].append(position)
        self._arrays["stance"].append(stance)
        self._arrays["cut"].append(1 if cut else 0)
        hi, lo = duplicate_key(body, doctor, title)
        self._arrays["dup_hi"].append(hi)
        self._arrays["dup_lo"].append(lo)
        self._ids.append(answer_id)

    @property
    def size(self) -> int:
        return len(self._ids)

    def build(self) -> Columns:
        # Each key shows as its most common spelling, ties broken by the spelling.
        tables = {
            name: [min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for c in self._display[name]]
            for name in TABLES
        }
        return Columns(tables=tables, arrays=self._arrays, answer_ids=self._ids)


def save(columns: Columns, path: Path) -> None:
    """Write ``columns`` to ``path`` (through a temporary file, then renamed)."""
    header = {
        "format": FORMAT,
        "size": columns.size,
        "tables": columns.tables,
        "answer_ids": "\n".join(columns.answer_ids),
    }
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n")
        for name in ARRAYS:
            data = columns.arrays[name]
            if sys.byteorder != "little":  # pragma: no cover - big-endian machines
                data = array("i", data)
                data.byteswap()
            f.write(data.tobytes())
    os.replace(tmp, path)


def _open_regular(path, flags: int) -> int:
    # Never wait on a named pipe planted in place of a columns file.
    fd = os.open(path, flags | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{os.path.basename(path)} is not a regular file")
    return fd


def load(path: Path) -> Columns:
    """Read columns written by ``save``, checking their structure: header types, the
    file's exact length, and every array value within its bounds.

    Raises:
        ValueError: the file is truncated, garbled, or not a columns file.
        OSError: it cannot be read.
    """
    import numpy as np

    with open(path, "rb", opener=_open_regular) as f:
        line = f.readline()
        try:
            header = json.loads(line)
        except RecursionError:
            raise ValueError(f"{path.name} has a garbled header") from None
        if not isinstance(header, dict):
            raise ValueError(f"{path.name} has a garbled header")
        if header.get("format") != FORMAT:
            raise ValueError(f"unknown columns format {header.get('format')!r}")
        size, tables, ids = header.get("size"), header.get("tables"), header.get("answer_ids")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise ValueError(f"{path.name} has no valid size")
        if not isinstance(tables, dict) or not all(
            isinstance(tables.get(name), list) and all(isinstance(v, str) for v in tables[name])
            for name in TABLES
        ):
            raise ValueError(f"{path.name} has malformed tables")
        if not isinstance(ids, str):
            raise ValueError(f"{path.name} has malformed answer ids")
        length = os.fstat(f.fileno()).st_size
        if length != len(line) + 4 * size * len(ARRAYS):
            raise ValueError(f"{path.name} is truncated" if length < len(line) + 4 * size * len(ARRAYS)
                             else f"{path.name} is damaged")
        arrays = {}
        for name in ARRAYS:
            data = array("i")
            data.frombytes(f.read(4 * size))
            if len(data) != size:
                raise ValueError(f"{path.name} is truncated")
            if sys.byteorder != "little":  # pragma: no cover
                data.byteswap()
            arrays[name] = data
    for name, (low, high) in _bounds(tables).items():
        values = np.frombuffer(arrays[name], dtype=np.int32)
        if size and (int(values.min()) < low or int(values.max()) > high):
            raise ValueError(f"{path.name} has {name} values out of range")
    ids = ids.split("\n") if size else []
    if len(ids) != size:
        raise ValueError(f"{path.name} is damaged")
    return Columns(tables={name: tables[name] for name in TABLES}, arrays=arrays, answer_ids=ids)


def _bounds(tables: dict[str, list[str]]) -> dict[str, tuple[int, int]]:
    """The inclusive range each array's values must lie in."""
    bounds = {name: (0, len(tables[name]) - 1) for name in TABLES}
    bounds.update(rating100=(-1, 500), reviews=(-1, 2**31 - 1), position=(1, 2**31 - 1), stance=(0, 15),
                  cut=(0, 1))
    return bounds


def concat(parts: Sequence[Columns]) -> Columns:
    """Join segments' columns into one, in segment order, re-numbering table places."""
    import numpy as np

    if len(parts) == 1:
        return parts[0]
    tables: dict[str, list[str]] = {name: [] for name in TABLES}
    arrays = {name: array("i") for name in ARRAYS}
    ids: list[str] = []
    places: dict[str, dict[str, int]] = {name: {} for name in TABLES}
    for part in parts:
        for name in TABLES:
            table, known = tables[name], places[name]
            remap = []
            for value in part.tables[name]:
                key = facet_key(value) if name != "thread" else value
                if key not in known:
                    known[key] = len(table)
                    table.append(value)
                remap.append(known[key])
            codes = np.frombuffer(part.arrays[name], dtype=np.int32)
            arrays[name].frombytes(np.asarray(remap, dtype=np.int32)[codes].tobytes())
        for name in ARRAYS[len(TABLES):]:
            arrays[name].extend(part.arrays[name])
        ids.extend(part.answer_ids)
    return Columns(tables=tables, arrays=arrays, answer_ids=ids)
