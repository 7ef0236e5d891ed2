"""Scoring and ordering matches: BM25F over the postings, coordination, sorts.

Plain words are scored with numpy over Whoosh's postings read as arrays
(engine/postings.py), with the formula and statistics Whoosh uses, so the scores are
Whoosh's own in a fraction of the time. A phrase among a word's alternatives (a synonym
such as "botulinum toxin") scores as its words do in the answers that hold them all.
A length prior keeps fragments (a one-word answer, one the page copy cuts off) below
complete answers with the same match, and identical answers are folded into one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import query as query_mod
from .engine.expert import pattern_terms
from .engine.matching import matching_docs
from .engine.postings import Postings
from .engine.schema import TEXT_FIELDS
from .engine.snapshot import Snapshot
from .plan import KEEP_BEST, Plan

__all__ = ["BM25", "COORDINATION", "CUT_FULL_WORDS", "FULL_WORDS", "PART_CAP", "PART_SHARE", "SHORT_POWER", "SORTS",
           "UNTOPICAL_WEIGHT", "also", "concept_scores", "duplicate_keys", "fold", "fragment_prior", "rank", "score"]

#: BM25F parameters and how strongly the share of concepts matched scales a score
#: (0: not at all), tuned on the NFCorpus dev split (docs/performance.md).
BM25 = {"B": 1.0, "K1": 2.0}
COORDINATION = 0.25
#: The fragment prior: an answer body of fewer than FULL_WORDS indexed words scores
#: (words / FULL_WORDS) ** SHORT_POWER of its score; one the page copy cuts off counts
#: as complete only from CUT_FULL_WORDS words on. BM25 normalises by length, so a
#: one-word answer, or the first line of a cut one, that holds the word would otherwise
#: outscore every complete answer saying the same thing. (A long cut answer says most
#: of what it has to say, and is often the one a reader wants: it is not damped.)
FULL_WORDS = 12
CUT_FULL_WORDS = 40
SHORT_POWER = 0.5
#: The weight of a word that carries no topic beside its BM25 score (its idf says how
#: much it discriminates).
UNTOPICAL_WEIGHT = 0.5
#: An answer holding only a part of a known phrase matches when the part is specific to
#: the phrase: at least PART_SHARE of the answers holding the part hold the phrase or one
#: of its synonyms (otherwise a patient typing "multiple sclerosis" gets the answers
#: offering "multiple choices", and "chin augmentation" the breast augmentation ones).
#: It then scores at most PART_CAP of the lowest score of the answers holding the phrase.
PART_SHARE = 0.25
PART_CAP = 0.9
SORTS = ("relevance", "rating", "reviews")
#: Scored words kept per generation before the memo starts afresh.
_MEMO = 4096


def score(snapshot: Snapshot, plan: Plan, query=None) -> tuple[np.ndarray, np.ndarray]:
    """Every document's score, and the matching documents (live ones only).

    Plain words and expert queries are scored alike, from the plan's concepts. Plain
    words match the documents holding ``plan.required`` topical concepts (with
    match="most", the KEEP_BEST best-scoring ones too); an expert query matches what Whoosh
    says it matches (``query``: the plan's, with its expansions capped), and the
    documents it matches only through a field that is not text (``doctor:klein``)
    score 0.
    """
    vec = snapshot.postings
    # An expert query's matches first: its phrases read their words' postings with the
    # positions, in the pass that memoises the arrays the scoring below reads.
    matched = None if plan.query is None else matching_docs(snapshot.searcher, plan.query if query is None else query,
                                                            vec)
    concepts, fields, counted = [], [], []
    for concept in plan.concepts:
        if concept.patterns:
            terms = pattern_terms(snapshot.searcher.reader(), concept.patterns, query_mod.MAX_EXPANSIONS)
            alternatives = tuple(((term,), 1.0, True) for term in terms)
        else:
            weight = 1.0 if concept.topical else UNTOPICAL_WEIGHT
            alternatives = tuple((a.stems, a.boost * weight, a.counts) for a in concept.alternatives)
        if alternatives:
            concepts.append(alternatives)
            fields.append(concept.fields)
            counted.append(concept.topical)
    topical = sum(counted)
    if concepts:
        scores, coverage = concept_scores(vec, concepts, TEXT_FIELDS, B=BM25["B"], K1=BM25["K1"], fields=fields,
                                          counted=counted)
        # Coordination: BM25 adds up what each word contributes, so an answer repeating
        # one word can outscore one holding every word typed; a patient expects the
        # latter first. Only topical concepts count ("after" is not a word matched).
        scores *= (coverage / max(topical, 1)) ** COORDINATION
        scores *= fragment_prior(snapshot)
    else:
        scores, coverage = np.zeros(vec.size, dtype=np.float64), np.zeros(vec.size, dtype=np.int16)
    if plan.query is None:
        # Minimum-should-match: an answer holds at least ``plan.required`` topical
        # concepts (a word that carries no topic alone matches nothing).
        matched = np.flatnonzero(coverage > 0)
        required = plan.required
        if required > 1 and len(matched):
            keep = coverage[matched] >= required
            if plan.match == "most" and KEEP_BEST and len(matched) > KEEP_BEST:
                # The best-scoring answers stay whatever they lack (rank-safe at the top).
                best = np.argpartition(-scores[matched], KEEP_BEST - 1)[:KEEP_BEST]
                keep[best] = True
            elif plan.match == "most" and KEEP_BEST:
                keep[:] = True  # all of them are among the best
            matched = matched[keep]
        return scores, matched
    return scores, matched[vec.live[matched]]


def fragment_prior(snapshot: Snapshot) -> np.ndarray:
    """Each document's fragment prior (1.0 for a complete answer of FULL_WORDS or more)."""
    cached = snapshot.filter_masks.get(("fragment prior", None))
    if cached is not None:
        return cached
    lengths = snapshot.postings.lengths("body").astype(np.float64)
    full = np.where(snapshot.arrays["cut"] != 0, float(CUT_FULL_WORDS), float(FULL_WORDS))
    prior = (np.minimum(np.maximum(lengths, 1.0), full) / full) ** SHORT_POWER
    snapshot.filter_masks[("fragment prior", None)] = prior
    return prior


def duplicate_keys(snapshot: Snapshot, docs: np.ndarray) -> np.ndarray:
    """Each document's duplicate key (body and doctor, columns.py; 0: none)."""
    arrays = snapshot.arrays
    return (arrays["dup_hi"][docs].astype(np.int64) << 32) | (arrays["dup_lo"][docs].astype(np.int64) & 0xFFFFFFFF)


def fold(snapshot: Snapshot, scores: np.ndarray, matched: np.ndarray) -> np.ndarray:
    """``matched`` (sorted) with each set of identical answers (same duplicate key:
    body and doctor, columns.py) reduced to its best: highest score, then answer id.
    The copies share their doctor, so the best by score is the best by rating too."""
    keys = duplicate_keys(snapshot, matched)
    keyed = keys != 0
    if len(matched) < 2 or not keyed.any():
        return matched
    docs, keys = matched[keyed], keys[keyed]
    order = np.lexsort((snapshot.answer_rank[docs], -scores[docs], keys))
    ordered = keys[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    return np.sort(np.concatenate([matched[~keyed], docs[order][first]]))


def also(snapshot: Snapshot, matched: np.ndarray, docnum: int) -> tuple[str, ...]:
    """The ids of the other documents of ``matched`` that are identical to ``docnum``."""
    key = duplicate_keys(snapshot, np.array([docnum]))[0]
    if key == 0:
        return ()
    same = matched[duplicate_keys(snapshot, matched) == key]
    ids = snapshot.columns.answer_ids
    return tuple(sorted(ids[d] for d in same.tolist() if d != docnum))


def concept_scores(vec: Postings, concepts, all_fields: dict[str, float], B: float, K1: float,
                   fields: Sequence = (), counted: Sequence[bool] = ()):
    """Each document's score and how many (counted) concepts it matches.

    Args:
        concepts: for each concept, its alternatives as (stems, boost) or (stems,
            boost, counts); a concept scores as its best alternative. An alternative
            that does not count (a part of a phrase) matches alone only where it is
            specific to the phrase (PART_SHARE), and scores below every answer
            holding one that does (PART_CAP). A word scores by BM25F over the text
            fields; a phrase as the sum of its words, in the answers that hold them all
            (near each other or not: an expert query's phrases are matched exactly, by
            engine/positions.py, and scored as here).
        all_fields: the text fields.
        fields: for each concept, the fields it is scored in (None or missing: all).
        counted: for each concept, whether it counts in ``coverage`` (missing: yes);
            a word that carries no topic does not.

    Returns:
        ``(scores, coverage)``: float and int arrays over all document numbers.
    """
    total = np.zeros(vec.size, dtype=np.float64)
    coverage = np.zeros(vec.size, dtype=np.int16)
    for n, concept in enumerate(concepts):
        scored_in = tuple(fields[n] if n < len(fields) and fields[n] else all_fields)
        best = np.zeros(vec.size, dtype=np.float64)
        parts = []
        for stems, boost, *counts in concept:
            ids, scores = _word_scores(vec, stems[0], scored_in, B, K1)
            for word in stems[1:]:
                more_ids, more_scores = _word_scores(vec, word, scored_in, B, K1)
                both, here, there = np.intersect1d(ids, more_ids, assume_unique=True, return_indices=True)
                ids, scores = both, scores[here] + more_scores[there]
            if not len(ids):
                continue
            if counts and not counts[0]:
                parts.append((ids, scores * boost))
            else:
                best[ids] = np.maximum(best[ids], scores * boost)
        if parts:
            best = _with_parts(best, parts)
        total += best
        if n >= len(counted) or counted[n]:
            coverage += best > 0
    total[~vec.live] = 0.0
    coverage[~vec.live] = 0
    return total, coverage


def _with_parts(best: np.ndarray, parts) -> np.ndarray:
    """``best`` (the scores of a phrase and its synonyms) with the answers that hold only
    a part of the phrase, as ``parts`` (ids and scores of each part).

    A part that is specific to the phrase in this index (PART_SHARE of the answers
    holding it hold the phrase or a synonym: "sclerosis" of "multiple sclerosis", "chin"
    of "chin augmentation", whose synonym "chin implant" holds it) scores below every
    answer holding the phrase (PART_CAP). One that is not ("multiple", "augmentation",
    the "show" of "scleral show") matches nothing alone; nor does any part where no
    answer holds the phrase, since then nothing says which part carries its topic.
    """
    holds = best > 0
    if not holds.any():
        return best
    cap = PART_CAP * best[holds].min()
    part = np.zeros(len(best), dtype=np.float64)
    for ids, scores in parts:
        if holds[ids].mean() >= PART_SHARE:
            part[ids] = np.maximum(part[ids], np.minimum(scores, cap))
    return np.maximum(best, part)


def _word_scores(vec: Postings, word: str, fields: tuple[str, ...], B: float, K1: float):
    """The documents holding ``word`` in any of ``fields`` (sorted), and its BM25F score
    in each: field frequencies, weighted by field (the weights are in the postings) and
    normalised by field length, are added up before BM25's saturation, and the idf
    counts the answers holding the word anywhere."""
    key = (word, fields, B, K1)
    memo = vec.scored
    found = memo.get(key)
    if found is not None:
        return found
    parts_ids, parts_tf = [], []
    for field in fields:
        ids, weights = vec.postings(field, word)
        if len(ids):
            avg = vec.avg_length(field)
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
    if len(memo) > _MEMO:
        memo.clear()
    memo[key] = found
    return found



def rank(snapshot: Snapshot, scores: np.ndarray, matched: np.ndarray, wanted: int | None, sort: str) -> np.ndarray:
    """The ``matched`` documents in result order (the first ``wanted`` of them, or all).

    Relevance orders by score, then answer id; "rating" and "reviews" order by that
    number, then the other, then score, then answer id. Unrated and uncounted last.
    """
    if sort == "relevance" and wanted is not None:
        if wanted < len(matched):
            # Only the top needs sorting: all that score at least the wanted-th score.
            cut = np.partition(scores[matched], len(matched) - wanted)[len(matched) - wanted]
            matched = matched[scores[matched] >= cut]
        ids = snapshot.columns.answer_ids
        names = np.array([ids[d] for d in matched.tolist()])
        return matched[np.lexsort((names, -scores[matched]))][:wanted]
    ids = snapshot.answer_rank[matched]
    if sort == "relevance":
        order = np.lexsort((ids, -scores[matched]))
    else:
        first, second = ("rating100", "reviews") if sort == "rating" else ("reviews", "rating100")
        columns = snapshot.arrays
        order = np.lexsort((ids, -scores[matched], -columns[second][matched], -columns[first][matched]))
    ranked = matched[order]
    return ranked if wanted is None else ranked[:wanted]
