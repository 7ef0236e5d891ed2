"""Related answers: what fills a page that the matches leave short, and the telling
words of a text that find them.

When a plain query's matches end part-way down a page (a rare brand name, an unusual
word), the rest of the page holds related answers: those that score highest on the
telling words of the best matches (pseudo-relevance feedback, as "more like this" does
for one answer), without holding what the query asks for. They come after every match,
are marked (``Hit.related``) and counted neither in ``Results.total`` nor in the facets,
and the query's filters hold for them too. On the NFCorpus dev split they add 0.011
nDCG@10 (docs/performance.md): the judged answers a query's words miss are often
written in the words of the ones they find.
"""

from __future__ import annotations

import math

import numpy as np

from . import ranking
from .engine import documents
from .engine.analysis import stemmed_analyzer
from .engine.schema import TEXT_FIELDS
from .engine.snapshot import Snapshot
from .plan import Plan

__all__ = ["FEEDBACK_ANSWERS", "RELATED_WORDS", "related_docs", "telling_words"]

#: How many of the best matches the related answers are found from, and how many of
#: their telling words are searched, each weighing by its tf-idf there (NFCorpus dev:
#: flat from 3 to 10 answers and from 20 to 30 words; 12 words, or equal weights, cost
#: 0.001-0.002).
FEEDBACK_ANSWERS = 5
RELATED_WORDS = 20


def telling_words(snapshot: Snapshot, text: str, top: int) -> list[tuple[str, str]]:
    """The ``top`` stems of ``text`` with the highest tf-idf in the index, each with a
    word of the text that has it; words no other answer holds are left out."""
    return [(stem, typed) for _, stem, typed in _weighed(snapshot, text)[:top]]


def _weighed(snapshot: Snapshot, text: str) -> list[tuple[float, str, str]]:
    """``(tf-idf, stem, a word of the text with it)`` for each stem of ``text`` held
    by two answers or more, highest first."""
    counts: dict[str, int] = {}
    typed: dict[str, str] = {}
    for token in stemmed_analyzer()(text, chars=True, removestops=True):
        if len(token.text) < 3 or token.text.isdigit():
            continue
        counts[token.text] = counts.get(token.text, 0) + 1
        typed.setdefault(token.text, text[token.startchar:token.endchar].lower())
    total = max(snapshot.doc_count(), 1)
    weighed = []
    for word, tf in counts.items():
        df = snapshot.doc_frequency(word)
        if df >= 2:
            weighed.append((tf * math.log(1 + total / df), word))
    weighed.sort(key=lambda pair: (-pair[0], pair[1]))
    return [(weight, word, typed[word]) for weight, word in weighed]


def related_docs(snapshot: Snapshot, plan: Plan, scores: np.ndarray, matched: np.ndarray, unfolded: np.ndarray,
                 allowed: np.ndarray | None, wanted: int) -> tuple[np.ndarray, np.ndarray]:
    """Up to ``wanted`` related answers of a plain query, best first, and their scores
    over all documents (BM25F of the telling words, with the fragment prior).

    Args:
        scores: the query's scores over all documents; ``matched``: its matches after
            filters and folding (the best FEEDBACK_ANSWERS of them are read);
            ``unfolded``: before folding (none of them is related, nor any answer
            identical to one).
        allowed: the filters' mask over all documents (None: no filter).
    """
    none = np.zeros(0, dtype=np.int64), np.zeros(len(scores), dtype=np.float64)
    if not len(matched) or wanted < 1:
        return none
    best = matched[np.lexsort((snapshot.answer_rank[matched], -scores[matched]))[:FEEDBACK_ANSWERS]]
    text = "\n".join(f"{fields['title']}\n{fields['body']}"
                     for fields in (documents.stored(snapshot.root, snapshot.searcher, int(d)) for d in best))
    asked = {stem for concept in plan.concepts for alt in concept.alternatives for stem in alt.stems}
    words = [(weight, stem) for weight, stem, _ in _weighed(snapshot, text) if stem not in asked][:RELATED_WORDS]
    if not words:
        return none
    # Each word weighs by its tf-idf in the best matches, as pseudo-relevance feedback does.
    concepts = [(((stem,), weight / words[0][0]),) for weight, stem in words]
    found, _ = ranking.concept_scores(snapshot.postings, concepts, TEXT_FIELDS, B=ranking.BM25["B"],
                                      K1=ranking.BM25["K1"])
    found *= ranking.fragment_prior(snapshot)
    found[unfolded] = 0.0
    if allowed is not None:
        found[~allowed] = 0.0
    candidates = np.flatnonzero(found > 0)
    if not len(candidates):
        return candidates, found
    # One of a set of identical answers, and none identical to a match.
    candidates = ranking.fold(snapshot, found, candidates)
    candidates = candidates[~np.isin(ranking.duplicate_keys(snapshot, candidates),
                                     _keys_of(snapshot, unfolded))]
    return ranking.rank(snapshot, found, candidates, wanted, "relevance"), found


def _keys_of(snapshot: Snapshot, docs: np.ndarray) -> np.ndarray:
    keys = ranking.duplicate_keys(snapshot, docs)
    return keys[keys != 0]
