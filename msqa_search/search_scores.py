"""BM25F scores of plain-word queries, computed with numpy over Whoosh's postings.

Whoosh scores a query by walking every matching document through a tree of matcher
objects in Python: about 30 microseconds a document, so a common word in 100,000
answers takes a second and a half. Here each term's posting list is read block by block
from the index (the same postings Whoosh reads) and scored as arrays with the formula
and statistics Whoosh uses, so the scores are Whoosh's own, in a fraction of the time.
A phrase among a word's alternatives (a synonym such as "botulinum toxin") scores as
its words do in the answers that hold them all.
"""

from __future__ import annotations

import difflib

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.util.numeric import _length_byte_cache

from . import columns as cols
from . import index_stance
from .errors import FilterValueError, SearchOptionError
from .index_schema import length_bytes

#: Byte-encoded field length -> length, as Whoosh decodes it.
_LENGTHS = np.asarray(_length_byte_cache, dtype=np.float64)


class Vectors:
    """Per-generation arrays: field lengths, live documents, facet columns."""

    def __init__(self, index) -> None:
        searcher = index.searcher()
        self.searcher = searcher
        self.size = searcher.doc_count_all()
        self.parts = searcher.subsearchers or [(searcher, 0)]
        live = np.ones(self.size, dtype=bool)
        for sub, offset in self.parts:
            reader = sub.reader()
            if reader.has_deletions():
                deleted = np.fromiter(reader.segment().deleted_docs(), dtype=np.int64)
                live[deleted + offset] = False
        self.live = live
        self._lengths: dict[str, np.ndarray] = {}
        self._postings: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self.scored: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
        columns = index.columns()
        self.columns = {name: np.frombuffer(columns.arrays[name], dtype=np.int32) for name in cols.ARRAYS}

    def lengths(self, field: str) -> np.ndarray:
        """Every document's length in ``field``, as Whoosh's scorer sees it."""
        found = self._lengths.get(field)
        if found is None:
            found = np.zeros(self.size, dtype=np.float64)
            for sub, offset in self.parts:
                reader = sub.reader()
                count = reader.doc_count_all()
                data = length_bytes(reader._perdoc, field)[:count]
                codes = np.zeros(count, dtype=np.uint8)
                codes[: len(data)] = np.frombuffer(data, dtype=np.uint8)
                found[offset : offset + count] = _LENGTHS[codes]
            self._lengths[field] = found
        return found

    def postings(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Global document numbers and weights of a term's postings (cached)."""
        key = (field, text)
        found = self._postings.get(key)
        if found is None:
            ids, weights = [], []
            for sub, offset in self.parts:
                reader = sub.reader()
                if (field, text) not in reader:
                    continue
                matcher = reader._terms.matcher(field, reader._text_to_bytes(field, text),
                                                reader.schema[field].format, scorer=None)
                part_ids, part_weights = _read_postings(matcher)
                ids.append(part_ids + offset)
                weights.append(part_weights)
            if ids:
                found = (np.concatenate(ids), np.concatenate(weights))
            else:
                found = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
            if len(self._postings) > 4096:
                self._postings.clear()
            self._postings[key] = found
        return found


def _read_postings(matcher) -> tuple[np.ndarray, np.ndarray]:
    """All (id, weight) pairs of one segment's posting list, block by block."""
    ids, weights = [], []
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            raw_ids, raw_weights = matcher._data[0], matcher._data[1]
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
            matcher.next()
        if pairs:
            ids.append(np.array([p[0] for p in pairs], dtype=np.int64))
            weights.append(np.array([p[1] for p in pairs], dtype=np.float64))
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    return np.concatenate(ids), np.concatenate(weights)


def vectors(index) -> Vectors:
    found = index.cache.get("vectors")
    if found is None:
        found = index.cache["vectors"] = Vectors(index)
    return found


def concept_scores(index, concepts, fields: dict[str, float], B: float, K1: float):
    """Each document's score and how many concepts it matches.

    Args:
        concepts: for each concept, its alternatives as (stems, boost); a concept
            scores as its best alternative. A word scores by BM25F over ``fields``; a
            phrase as the sum of its words, in the answers that hold them all (near
            each other or not: exact adjacency would need every position decoded in
            Python).

    Returns:
        ``(scores, coverage)``: float and int arrays over all document numbers.
    """
    vec = vectors(index)
    total = np.zeros(vec.size, dtype=np.float64)
    coverage = np.zeros(vec.size, dtype=np.int16)
    for concept in concepts:
        best = np.zeros(vec.size, dtype=np.float64)
        for stems, boost in concept:
            ids, scores = _word_scores(vec, stems[0], fields, B, K1)
            for word in stems[1:]:
                more_ids, more_scores = _word_scores(vec, word, fields, B, K1)
                both, here, there = np.intersect1d(ids, more_ids, assume_unique=True, return_indices=True)
                ids, scores = both, scores[here] + more_scores[there]
            if len(ids):
                best[ids] = np.maximum(best[ids], scores * boost)
        total += best
        coverage += best > 0
    total[~vec.live] = 0.0
    coverage[~vec.live] = 0
    return total, coverage


def _word_scores(vec: Vectors, word: str, fields, B: float, K1: float):
    """The documents holding ``word`` in any of ``fields`` (sorted), and its BM25F score
    in each: field frequencies, weighted by field (the weights are in the postings) and
    normalised by field length, are added up before BM25's saturation, and the idf
    counts the answers holding the word anywhere."""
    key = ("word", word, B, K1)
    found = vec.scored.get(key)
    if found is not None:
        return found
    parts_ids, parts_tf = [], []
    for field in fields:
        ids, weights = vec.postings(field, word)
        if len(ids):
            avg = vec.searcher.avg_field_length(field) or 1
            parts_ids.append(ids)
            parts_tf.append(weights / ((1 - B) + B * vec.lengths(field)[ids] / avg))
    if not parts_ids:
        found = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
    else:
        ids = np.concatenate(parts_ids)
        tf = np.concatenate(parts_tf)
        docs, where = np.unique(ids, return_inverse=True)
        combined = np.bincount(where, weights=tf, minlength=len(docs))
        df = len(docs)
        idf = np.log(1 + (vec.size - df + 0.5) / (df + 0.5))
        found = (docs, idf * combined * (K1 + 1) / (K1 + combined))
    if len(vec.scored) > 4096:
        vec.scored.clear()
    vec.scored[key] = found
    return found


def filter_mask(index, specialty, city, doctor, min_rating, min_reviews=None) -> np.ndarray | None:
    """Documents passing every filter, as a boolean array (None: no filter); cached.

    ``specialty``, ``city`` and ``doctor`` are each None, one value or several (any of
    them passes).
    """
    parts = filter_parts(index, {"specialty": specialty, "city": city, "doctor": doctor},
                         min_rating, min_reviews)
    return combine(parts.values())


def combine(masks) -> np.ndarray | None:
    """The documents passing all ``masks`` (None when there is none)."""
    mask = None
    for part in masks:
        mask = part if mask is None else mask & part
    return mask


def filter_parts(index, values: dict, min_rating=None, min_reviews=None) -> dict[str, np.ndarray]:
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
            part = _filter(index, name, value)
            mask = part if mask is None else mask | part
        parts[name] = mask
    if min_rating is not None:
        parts["min_rating"] = _filter(index, "min_rating", float(min_rating))
    if min_reviews is not None:
        parts["min_reviews"] = _filter(index, "min_reviews", int(min_reviews))
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


def _filter(index, name: str, value) -> np.ndarray:
    key = ("filter", name, value)
    found = index.cache.get(key)
    if found is None:
        vec = vectors(index)
        if name == "stance":
            bit = index_stance.LABEL_BITS.get(cols.facet_key(value))
            if bit is None:
                raise SearchOptionError(
                    f"stance must be one of {', '.join(index_stance.LABEL_BITS)}, not {value!r}")
            found = (vec.columns["stance"] & bit) != 0
        elif name == "min_rating":
            found = vec.columns["rating100"] >= round(value * 100)
        elif name == "min_reviews":
            found = vec.columns["reviews"] >= value
        else:
            table = index.columns().tables[name]
            places = filter_places(table, name, value)
            if not places and cols.facet_key(value) != cols.UNKNOWN:
                raise FilterValueError(name, value, nearest_values(table, value))
            found = np.isin(vec.columns[name], places)
        index.cache[key] = found
    return found


def facet_counts(index, name: str, matched: np.ndarray) -> list[tuple[str, int]]:
    """Values of facet ``name`` over the ``matched`` documents, by count then value.

    The stance facet is multi-valued: an answer counts under each of its labels
    (index_stance.py).
    """
    if name == "stance":
        masks = vectors(index).columns["stance"][matched]
        found = [(label, int(np.count_nonzero(masks & bit))) for label, bit in index_stance.LABEL_BITS.items()]
        return sorted((vn for vn in found if vn[1]), key=lambda vn: (-vn[1], vn[0]))
    table = index.columns().tables[name]
    counts = np.bincount(vectors(index).columns[name][matched], minlength=len(table))
    found = [(table[p], int(n)) for p in np.flatnonzero(counts) for n in (counts[p],)]
    return sorted(found, key=lambda vn: (-vn[1], vn[0].casefold(), vn[0]))


def answer_rank(index) -> np.ndarray:
    """Each document's place among all answer ids in sorted order (for tie-breaks)."""
    found = index.cache.get("answer-rank")
    if found is None:
        ids = index.columns().answer_ids
        order = sorted(range(len(ids)), key=ids.__getitem__)
        found = np.empty(len(ids), dtype=np.int64)
        found[order] = np.arange(len(ids))
        index.cache["answer-rank"] = found
    return found


def rank(index, scores: np.ndarray, matched: np.ndarray, wanted: int | None, sort: str) -> np.ndarray:
    """The ``matched`` documents in result order (the first ``wanted`` of them, or all).

    Relevance orders by score, then answer id; "rating" and "reviews" order by that
    number, then the other, then score, then answer id. Unrated and uncounted last.
    """
    if sort == "relevance" and wanted is not None:
        if wanted < len(matched):
            # Only the top needs sorting: all that score at least the wanted-th score.
            cut = np.partition(scores[matched], len(matched) - wanted)[len(matched) - wanted]
            matched = matched[scores[matched] >= cut]
        ids = index.columns().answer_ids
        names = np.array([ids[d] for d in matched.tolist()])
        return matched[np.lexsort((names, -scores[matched]))][:wanted]
    ids = answer_rank(index)[matched]
    if sort == "relevance":
        order = np.lexsort((ids, -scores[matched]))
    else:
        first, second = ("rating100", "reviews") if sort == "rating" else ("reviews", "rating100")
        columns = vectors(index).columns
        order = np.lexsort((ids, -scores[matched], -columns[second][matched], -columns[first][matched]))
    ranked = matched[order]
    return ranked if wanted is None else ranked[:wanted]
