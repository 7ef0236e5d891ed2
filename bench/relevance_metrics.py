"""Graded ranking measures for judged queries: nDCG@10, P@5, unjudged results, summaries."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence


def ndcg(ranked: Sequence[str], gains: Mapping[str, int], ideal: Sequence[int], k: int = 10) -> float:
    """nDCG@k with linear gains and log2 discounts (trec_eval's ndcg_cut).

    Args:
        ranked: result ids, best first.
        gains: grade of each judged id; ids not in it are unjudged and gain 0.
        ideal: the grades of every judged answer of the query (also those no engine can
            return), from which the best possible ranking is drawn.
        k: the cut-off.

    Returns:
        The ranking's DCG over the ideal one's, 0.0 when no judged answer has a grade.
    """
    dcg = sum(gains.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    best = sum(g / math.log2(i + 2) for i, g in enumerate(sorted(ideal, reverse=True)[:k]))
    return dcg / best if best else 0.0


def precision(ranked: Sequence[str], gains: Mapping[str, int], k: int = 5) -> float:
    """P@k: the share of the first k places holding an answer of grade 1 or more (an empty
    place counts as not relevant)."""
    return sum(gains.get(d, 0) >= 1 for d in ranked[:k]) / k


def unjudged(ranked: Sequence[str], gains: Mapping[str, int], k: int = 10) -> int:
    """How many of the first k results have no judgment."""
    return sum(d not in gains for d in ranked[:k])


def summary(rows: Sequence[Mapping], systems: Sequence[str]) -> dict:
    """Mean nDCG@10, P@5 and unjudged-in-top-10 of each system over per-query rows.

    Each row holds ``{system: {"ndcg": .., "p5": .., "unjudged": ..}}``.
    """
    n = len(rows)
    out: dict = {"queries": n}
    for system in systems:
        out[system] = {
            measure: (sum(r[system][measure] for r in rows) / n if n else 0.0)
            for measure in ("ndcg", "p5", "unjudged")
        }
    return out


def paired_sign_flip(diffs: Sequence[float], rounds: int = 20000, seed: int = 1) -> float:
    """Two-sided p-value of a paired randomisation test on per-query differences: how often
    flipping the differences' signs at random gives a mean as far from 0 as the observed.

    Returns 1.0 for no differences or when all are 0.
    """
    n = len(diffs)
    observed = abs(sum(diffs))
    if not n or observed == 0:
        return 1.0
    rng = random.Random(seed)
    hits = sum(
        abs(sum(d if rng.random() < 0.5 else -d for d in diffs)) >= observed - 1e-12
        for _ in range(rounds)
    )
    return (hits + 1) / (rounds + 1)
