"""Spelling: edit distance, typo-tolerant variants, and "did you mean" suggestions.

Which words are known (never corrected) is lexicon.speller's business; this module
holds the distance, the variants and the curated medical list.

All words are compared as lowercased raw tokens, never stemmed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from importlib import resources

__all__ = [
    "INFLECTIONS",
    "MIN_LENGTH",
    "edit_distance",
    "fuzzy_variants",
    "load_medical_words",
    "max_typos",
]

MIN_LENGTH = 4
"""Words shorter than this are never corrected and have no fuzzy variants."""

INFLECTIONS = frozenset({"s", "es", "d", "ed", "ing", "er", "ers", "ly", "al"})
"""Endings that make another word, not a typo, though one edit apart (patient/patients,
inject/injected)."""


def max_typos(word: str) -> int:
    """How many typos to tolerate in a word of this length.

    Args:
        word: A query word.

    Returns:
        0 below 4 letters, 1 for 4 to 7 letters, 2 for 8 letters or more.
    """
    if len(word) < MIN_LENGTH:
        return 0
    return 1 if len(word) < 8 else 2


def edit_distance(a: str, b: str, max_distance: int) -> int:
    """The optimal string alignment distance between two strings, up to a bound.

    Counts insertions, deletions, substitutions and transpositions of two adjacent
    characters, no substring being edited twice (restricted Damerau-Levenshtein). It is
    not a metric: "ca" -> "ac" -> "abc" takes 1 + 1 edits, but "ca" -> "abc" takes 3.

    Args:
        a: One string.
        b: The other.
        max_distance: The largest distance of interest; must be >= 0.

    Returns:
        The distance when it is at most ``max_distance``, otherwise
        ``max_distance + 1``, found without finishing the computation.

    Raises:
        ValueError: ``max_distance`` is negative.
    """
    if max_distance < 0:
        raise ValueError(f"max_distance must be >= 0, not {max_distance}")
    if a == b:
        return 0
    if abs(len(a) - len(b)) > max_distance:
        return max_distance + 1
    # A shared prefix or suffix never takes part in an optimal alignment's edits.
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    return _osa(a[start:], b[start:], max_distance)


def _osa(a: str, b: str, k: int) -> int:
    # Strip the common suffix, then fill the band |i - j| <= k of the usual table one
    # row at a time; cells outside the band are worth more than k anyway, so they are
    # capped at k + 1. A row whose cells all exceed k means the end does too.
    while a and b and a[-1] == b[-1]:
        a, b = a[:-1], b[:-1]
    la, lb = len(a), len(b)
    over = k + 1
    if not la or not lb:
        return la + lb if la + lb <= k else over
    before = None
    prev = [j if j <= k else over for j in range(lb + 1)]
    for i in range(1, la + 1):
        ca = a[i - 1]
        row = [over] * (lb + 1)
        if i <= k:
            row[0] = i
        lowest = row[0]
        for j in range(max(1, i - k), min(lb, i + k) + 1):
            cb = b[j - 1]
            v = prev[j - 1] if ca == cb else prev[j - 1] + 1
            t = prev[j] + 1
            if t < v:
                v = t
            t = row[j - 1] + 1
            if t < v:
                v = t
            if i > 1 and j > 1 and ca != cb and ca == b[j - 2] and a[i - 2] == cb:
                t = before[j - 2] + 1
                if t < v:
                    v = t
            if v > over:
                v = over
            row[j] = v
            if v < lowest:
                lowest = v
        if lowest > k:
            return over
        before, prev = prev, row
    return prev[lb]


def fuzzy_variants(
    word: str, vocabulary: Iterable[str], max_distance: int | None = None
) -> list[str]:
    """The words of a vocabulary that could be ``word`` with a few typos.

    Only words sharing the first letter count (a prefix of 1), as in typo-tolerant
    matching of raw index terms: "spasticity" finds the indexed "spasticty".

    Args:
        word: A query word (compared lowercased).
        vocabulary: Candidate words, e.g. the raw terms of an index field.
        max_distance: Edits allowed; defaults to ``max_typos(word)``.

    Returns:
        The matching words other than ``word`` itself, nearest first, then
        alphabetically.
    """
    word = word.lower()
    limit = max_typos(word) if max_distance is None else max_distance
    if not word or limit <= 0:
        return []
    found = []
    for other in vocabulary:
        if other[:1] != word[:1] or other == word or abs(len(other) - len(word)) > limit:
            continue
        distance = edit_distance(word, other, limit)
        if distance <= limit:
            found.append((distance, other))
    return [other for _, other in sorted(found)]


def load_medical_words(extra_path: str | os.PathLike[str] | None = None) -> frozenset[str]:
    """Read the curated medical word list, plus an optional file of the same format.

    The format is one word per line; ``#`` starts a comment; blank lines are ignored;
    words are lowercased.

    Args:
        extra_path: A user word list to add.

    Returns:
        The words.

    Raises:
        OSError: ``extra_path`` cannot be read.
    """
    shipped = resources.files("msqa_search").joinpath("data", "medical_words.txt")
    words = set(_words(shipped.read_text(encoding="utf-8")))
    if extra_path is not None:
        with open(extra_path, encoding="utf-8-sig") as f:
            words.update(_words(f.read()))
    return frozenset(words)


def _words(text: str) -> Iterator[str]:
    for line in text.splitlines():
        word = line.split("#", 1)[0].strip().lower()
        if word:
            yield word
