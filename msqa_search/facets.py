"""Filters and facets: boolean masks per filter value, and facet counts over matches."""

from __future__ import annotations

import difflib

import numpy as np

from . import columns as cols
from .engine.snapshot import Snapshot
from . import index_stance
from .errors import FilterValueError, SearchOptionError
from .results import Facet, FacetValue

__all__ = ["DEFAULT_FACETS", "FACETS", "FACET_SIZE", "combine", "facet", "facet_counts", "filter_mask", "filter_parts", "filter_places", "nearest_values"]

FACETS = ("specialty", "city", "rating", "doctor", "stance")
#: The facets a search counts unless told which: the stance facet is asked for by name.
DEFAULT_FACETS = FACETS[:4]
#: Values a facet returns by default; ``Facet.truncated`` says when there are more.
FACET_SIZE = 10


def filter_mask(snapshot: Snapshot, specialty, city, doctor, min_rating, min_reviews=None) -> np.ndarray | None:
    """Documents passing every filter, as a boolean array (None: no filter); cached.

    ``specialty``, ``city`` and ``doctor`` are each None, one value or several (any of
    them passes).
    """
    parts = filter_parts(snapshot, {"specialty": specialty, "city": city, "doctor": doctor},
                         min_rating, min_reviews)
    return combine(parts.values())


def combine(masks) -> np.ndarray | None:
    """The documents passing all ``masks`` (None when there is none)."""
    mask = None
    for part in masks:
        mask = part if mask is None else mask & part
    return mask


def filter_parts(snapshot: Snapshot, values: dict, min_rating=None, min_reviews=None) -> dict[str, np.ndarray]:
    """One boolean array per filter that is on: facet name (or min_rating, min_reviews)
    -> the documents passing it.

    Raises:
        FilterValueError: a value that no answer of the index has.
    """
    parts = {}
    for name, wanted in values.items():
        if wanted is None:
            continue
        wanted = (wanted,) if isinstance(wanted, str) else tuple(wanted)
        if not wanted:
            continue
        mask = None
        for value in wanted:
            part = _filter(snapshot, name, value)
            mask = part if mask is None else mask | part
        parts[name] = mask
    if min_rating is not None:
        parts["min_rating"] = _filter(snapshot, "min_rating", float(min_rating))
    if min_reviews is not None:
        parts["min_reviews"] = _filter(snapshot, "min_reviews", int(min_reviews))
    return parts


def _name_words(text: str) -> list[str]:
    return [w.strip(".,") for w in cols.facet_key(text).split() if w.strip(".,")]


def filter_places(table: list[str], name: str, value: str) -> list[int]:
    """The places of ``table`` a filter value selects: any case and spacing; for a
    doctor, also any part of the name ("klein" selects "Marla M. Klein")."""
    wanted = cols.facet_key(value)
    places = [p for p, v in enumerate(table) if cols.facet_key(v) == wanted]
    if not places and name == "doctor" and wanted != cols.UNKNOWN:
        words = _name_words(value)
        if words:
            places = [
                p for p, v in enumerate(table)
                if cols.facet_key(v) != cols.UNKNOWN and _contains(_name_words(v), words)
            ]
    return places


def _contains(words: list[str], part: list[str]) -> bool:
    n = len(part)
    return any(words[i:i + n] == part for i in range(len(words) - n + 1))


def nearest_values(table: list[str], value: str, limit: int = 5) -> tuple[str, ...]:
    """Values of ``table`` close to ``value``: those that contain it or start alike
    first, then those that look alike."""
    key = cols.facet_key(value)
    names = sorted({v for v in table if cols.facet_key(v) != cols.UNKNOWN}, key=lambda v: (v.casefold(), v))
    found = [v for v in names if key and key in cols.facet_key(v)]
    found += [v for v in names if v not in found and key[:3] and cols.facet_key(v).startswith(key[:3])]
    keys = {cols.facet_key(v): v for v in names}
    found += [keys[k] for k in difflib.get_close_matches(key, list(keys), n=limit, cutoff=0.6) if keys[k] not in found]
    return tuple(found[:limit])


def _filter(snapshot: Snapshot, name: str, value) -> np.ndarray:
    key = (name, value)
    found = snapshot.filter_masks.get(key)
    if found is None:
        arrays = snapshot.arrays
        if name == "stance":
            bit = index_stance.LABEL_BITS.get(cols.facet_key(value))
            if bit is None:
                raise SearchOptionError(
                    f"stance must be one of {', '.join(index_stance.LABEL_BITS)}, not {value!r}")
            found = (arrays["stance"] & bit) != 0
        elif name == "min_rating":
            found = arrays["rating100"] >= round(value * 100)
        elif name == "min_reviews":
            found = arrays["reviews"] >= value
        else:
            table = snapshot.columns.tables[name]
            places = filter_places(table, name, value)
            if not places and cols.facet_key(value) != cols.UNKNOWN:
                raise FilterValueError(name, value, nearest_values(table, value))
            found = np.isin(arrays[name], places)
        snapshot.filter_masks[key] = found
    return found


def facet_counts(snapshot: Snapshot, name: str, matched: np.ndarray, top: int | None = None) -> list[tuple[str, int]]:
    """Values of facet ``name`` over the ``matched`` documents, by count then value: all
    of them, or the first ``top``.

    Every value is counted (one pass of numpy over the matches); only the values that
    can be among the first ``top`` are sorted, so a facet of thousands of doctors costs
    little more than one of five rating bands. The stance facet is multi-valued: an
    answer counts under each of its labels (index_stance.py).
    """
    if name == "stance":
        masks = snapshot.arrays["stance"][matched]
        found = [(label, int(np.count_nonzero(masks & bit))) for label, bit in index_stance.LABEL_BITS.items()]
        found = sorted((vn for vn in found if vn[1]), key=lambda vn: (-vn[1], vn[0]))
        return found if top is None else found[:top]
    table = snapshot.columns.tables[name]
    counts = np.bincount(snapshot.arrays[name][matched], minlength=len(table))
    places = np.flatnonzero(counts)
    if top is not None and top < len(places):
        # Every value that counts at least the top-th count (ties included) may be in.
        cut = np.partition(counts[places], len(places) - top)[len(places) - top]
        places = places[counts[places] >= cut]
    found = [(table[p], int(counts[p])) for p in places.tolist()]
    found.sort(key=lambda vn: (-vn[1], vn[0].casefold(), vn[0]))
    return found if top is None else found[:top]


def facet(snapshot: Snapshot, name: str, matched: np.ndarray, size: int | None) -> Facet:
    """Facet ``name`` over ``matched``: its ``size`` most common values (None: all), and
    whether there are more (counted as datasette does, asking for ``size + 1``)."""
    found = facet_counts(snapshot, name, matched, None if size is None else size + 1)
    shown = found if size is None else found[:size]
    return Facet(name=name, values=tuple(FacetValue(value=v, count=n) for v, n in shown),
                 truncated=len(found) > len(shown))
