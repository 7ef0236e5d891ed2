"""Spelling: edit distance, typo-tolerant variants, and "did you mean" suggestions.

Suggestions come from two sources: a curated list of correctly spelled medical words
(``data/medical_words.txt``) and the words of the index with their document frequency.
The index alone cannot be trusted, since doctors misspell too ("spasticty",
"dermatologsit", "Restalyne"): a corpus word only counts when it is curated, or frequent
and not a likely misspelling of a curated or much more frequent word (see ``Speller``).

All words are compared as lowercased raw tokens, never stemmed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources

__all__ = [
    "MIN_LENGTH",
    "Speller",
    "edit_distance",
    "fuzzy_variants",
    "load_medical_words",
    "max_typos",
]

MIN_LENGTH = 4
"""Words shorter than this are never corrected and have no fuzzy variants."""

# Pairs like patient/patients or inject/injected are different words, not typos, even
# though one edit apart.
_SUFFIXES = frozenset({"s", "es", "d", "ed", "ing", "er", "ers", "ly", "al"})


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


class Speller:
    """Suggests corrections from a curated word list and the index's own words.

    A word is *known* (never corrected, and a possible suggestion) when it is curated,
    or when the index has it in at least ``min_frequency`` documents and it is not
    *shadowed*. A word is shadowed by a neighbour (a known-looking word with the same
    first letter, within ``max_typos`` edits, and not just the word plus an ending such
    as "s" or "ed") that is curated while the word is in fewer than ``common_frequency``
    documents, or that is in ``dominance`` times as many documents. So "spasticty" from
    the index is never suggested, whatever its count, while a corpus word as frequent
    as "patients" stays.

    Args:
        dictionary_words: The curated words (``load_medical_words()``).
        index_words: Each raw (unstemmed, lowercased) index word with the number of
            documents containing it.
        min_frequency: Documents an index word needs to count at all.
        common_frequency: Documents from which a corpus word is no longer shadowed
            by a curated neighbour.
        dominance: How many times more frequent a neighbour must be to shadow a word.
    """

    def __init__(
        self,
        dictionary_words: Iterable[str],
        index_words: Mapping[str, int] | None = None,
        *,
        min_frequency: int = 3,
        common_frequency: int = 30,
        dominance: int = 10,
    ):
        self._curated = frozenset(w.lower() for w in dictionary_words)
        self._df: dict[str, int] = {}
        for word, count in (index_words or {}).items():
            word = word.lower()
            self._df[word] = max(count, self._df.get(word, 0))
        self._min_frequency = min_frequency
        self._common_frequency = common_frequency
        self._dominance = dominance
        # (first letter, length) -> words that may be known; a word shorter than
        # MIN_LENGTH is never a candidate. Filled one first letter at a time, when a
        # word starting with it is first looked up: a query needs a few letters only.
        self._buckets: dict[tuple[str, int], list[str]] = {}
        self._letters: set[str] = set()
        self._known: dict[str, bool] = {}

    def is_known(self, word: str) -> bool:
        """Whether a word is curated or a trusted word of the index (see the class)."""
        word = word.lower()
        if word in self._curated:
            return True
        if self._df.get(word, 0) < self._min_frequency:
            return False
        if word not in self._known:
            self._known[word] = not self._shadowed(word)
        return self._known[word]

    def suggest(self, word: str, max_distance: int = 2) -> str | None:
        """The best correction of a word, or None.

        Candidates are known words with the same first letter, within the smaller of
        ``max_distance`` and ``max_typos(word)`` edits. They rank by edit distance,
        then curated before corpus-only, then by document frequency, then
        alphabetically.

        Args:
            word: A raw query word.
            max_distance: The most edits to consider.

        Returns:
            The lowercased correction; None when the word is known, shorter than 4
            letters, not purely alphabetic (numbers, "co2"), or has no candidate.

        Raises:
            ValueError: ``max_distance`` is negative.
        """
        if max_distance < 0:
            raise ValueError(f"max_distance must be >= 0, not {max_distance}")
        word = word.lower()
        if len(word) < MIN_LENGTH or not word.isalpha() or self.is_known(word):
            return None
        limit = min(max_distance, max_typos(word))
        best: tuple[int, bool, int, str] | None = None
        for other in self._neighbours(word, limit):
            key = (
                edit_distance(word, other, limit),
                other not in self._curated,
                -self._df.get(other, 0),
                other,
            )
            if key[0] <= limit and (best is None or key < best) and self.is_known(other):
                best = key
        return None if best is None else best[3]

    def correct_query_words(self, words: Iterable[str]) -> list[str] | None:
        """Correct each word of a query.

        Args:
            words: The query's raw words.

        Returns:
            The words with each correctable one replaced by its suggestion, or None
            when no word changed.
        """
        words = list(words)
        corrected = [self.suggest(w) or w for w in words]
        return None if corrected == words else corrected

    def _fill(self, letter: str) -> None:
        self._letters.add(letter)
        pool = {w for w in self._curated if w[:1] == letter}
        pool.update(w for w, n in self._df.items() if n >= self._min_frequency and w[:1] == letter)
        for word in sorted(pool):
            if len(word) >= MIN_LENGTH:
                self._buckets.setdefault((word[0], len(word)), []).append(word)

    def _neighbours(self, word: str, limit: int) -> Iterator[str]:
        if word[:1] not in self._letters:
            self._fill(word[:1])
        for length in range(len(word) - limit, len(word) + limit + 1):
            for other in self._buckets.get((word[0], length), ()):
                if other != word:
                    yield other

    def _shadowed(self, word: str) -> bool:
        count = self._df.get(word, 0)
        limit = max_typos(word)
        for other in self._neighbours(word, limit):
            curated = other in self._curated
            if not (
                (curated and count < self._common_frequency)
                or self._df.get(other, 0) >= self._dominance * count
            ):
                continue
            if _inflection(word, other) or edit_distance(word, other, limit) > limit:
                continue
            return True
        return False


def _inflection(a: str, b: str) -> bool:
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return long.startswith(short) and long[len(short) :] in _SUFFIXES
