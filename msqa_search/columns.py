"""Per-answer value arrays, built beside each index segment, for fast facets and sorts.

Counting facets by walking postings in Python, or rebuilding a filter's document set on
every query, is what makes plain Whoosh slow. Instead, each segment gets arrays
holding, for every document number, the index of its specialty, city, doctor, rating
band and thread in a table, plus its rating, review count, position, stance labels
(a bit per label, index_stance.py), whether the page copy cuts it, and the hash of its
normalised body and doctor (``duplicate_key``: identical answers are shown once). Facet counts are then a
``numpy.bincount`` over the matching document numbers, and filters cached boolean arrays
(facets.py, ranking.py).

A generation's columns are joined into one memory-mapped file when it is published
(column_file.py).
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections import Counter
from collections.abc import Sequence

import attrs

__all__ = [
    "ARRAYS",
    "BANDS",
    "Columns",
    "ColumnsBuilder",
    "FORMAT",
    "TABLES",
    "UNKNOWN",
    "duplicate_key",
    "facet_key",
    "rating_band",
]

#: 3: the cut flag and the duplicate key (dup_hi, dup_lo).
#: 4: one memory-mapped file per generation, with the answer rank (column_file.py).
FORMAT = 4
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
    """The value arrays of the documents of one write, as built (column_file.py reads
    a generation's from its file)."""

    tables: dict[str, Sequence[str]]
    """Facet name -> display values; the arrays hold indexes into these."""
    arrays: dict[str, array]
    answer_ids: Sequence[str]

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
