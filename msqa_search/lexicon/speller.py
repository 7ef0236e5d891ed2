"""The speller: which words are known, and the correction of the others.

A word is *known* when it is listed (the general English list and the curated medical
list, lexicon.known_words) or frequent enough in the index and not a likely misspelling
of a listed or much more frequent word. The index alone cannot be trusted, since
doctors misspell too ("spasticty", "dermatologsit", "Restalyne"), and in a small index
most real words are rare: "sneezing" in two answers is a word, not a typo of
"sleeping". A known word is never corrected and never searched with typo variants.

All words are compared as lowercased raw tokens, never stemmed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from .spelling import INFLECTIONS, MIN_LENGTH, edit_distance, fuzzy_variants, max_typos

__all__ = ["Speller"]


class Speller:
    """Suggests corrections of unknown words from the known words of the index.

    A word is known when ``listed`` holds it, or when the index has it in at least
    ``min_frequency`` documents and it is not *shadowed*. A word is shadowed by a
    neighbour (an index word with the same first letter, within ``max_typos`` edits,
    and not just the word plus an ending such as "s" or "ed") that is listed while the
    word is in fewer than ``common_frequency`` documents, or that is in ``dominance``
    times as many documents. So "spasticty" from the index is never known, whatever its
    count, while a corpus word as frequent as "patients" is.

    Args:
        listed: The listed words: a ``known_words.KnownList`` (looked up, never read
            whole), or any collection of words, which are then also ``candidates``.
        index_words: Each raw (unstemmed, lowercased) index word with the number of
            documents containing it: a ``typo_table.Vocabulary`` (its typo table finds
            the neighbours of a word) or any mapping (scanned by first letter).
        min_frequency: Documents an unlisted index word needs to count at all.
        common_frequency: Documents from which a corpus word is no longer shadowed
            by a listed neighbour.
        dominance: How many times more frequent a neighbour must be to shadow a word.
        candidates: Listed words that may be corrections though the index lacks them
            (the medical list: the index may hold only misspellings of a drug name), as
            a collection or as a ``typo_table.Vocabulary`` (looked up in its table).
    """

    def __init__(
        self,
        listed: Collection[str] | Iterable[str],
        index_words: Mapping[str, int] | None = None,
        *,
        min_frequency: int = 3,
        common_frequency: int = 30,
        dominance: int = 10,
        candidates: Iterable[str] | None = None,
    ):
        if isinstance(listed, (set, frozenset, list, tuple, dict)) or not hasattr(listed, "__contains__"):
            self._listed = frozenset(w.lower() for w in listed)
            extra = self._listed if candidates is None else candidates
        else:
            self._listed = listed
            extra = candidates or ()
        self._candidate_table = extra if hasattr(extra, "typo_variants") else None
        self._extra_candidates = frozenset() if self._candidate_table is not None else frozenset(
            w.lower() for w in extra)
        index_words = index_words if index_words is not None else {}
        if hasattr(index_words, "typo_variants"):
            self._index = index_words
        else:
            index: dict[str, int] = {}
            for word, count in index_words.items():
                index[word.lower()] = max(count, index.get(word.lower(), 0))
            self._index = index
        self._min_frequency = min_frequency
        self._common_frequency = common_frequency
        self._dominance = dominance
        self._letters: dict[str, list[str]] = {}
        self._known: dict[str, bool] = {}
        self._suggested: dict[tuple[str, int], str | None] = {}

    def df(self, word: str) -> int:
        """Documents of the index holding ``word`` (lowercased)."""
        return self._index.get(word.lower(), 0)

    def is_listed(self, word: str) -> bool:
        """Whether a word is in the English or medical list (or the words given)."""
        return word.lower() in self._listed

    def is_known(self, word: str) -> bool:
        """Whether a word is listed or a trusted word of the index (see the class)."""
        word = word.lower()
        if word not in self._known:
            self._known[word] = word in self._listed or (
                self.df(word) >= self._min_frequency and not self._shadowed(word))
        return self._known[word]

    def neighbours(self, word: str, limit: int | None = None) -> list[str]:
        """Index words (and, for a word collection given as ``listed``, those words)
        within ``limit`` typos of ``word`` (default ``max_typos``) sharing its first
        letter, nearest first."""
        word = word.lower()
        limit = max_typos(word) if limit is None else limit
        if limit <= 0:
            return []
        if hasattr(self._index, "typo_variants"):
            found = self._index.typo_variants(word, limit)
        else:
            found = fuzzy_variants(word, self._words_of(word[0]), limit)
        if self._candidate_table is not None:
            found = list(dict.fromkeys(found + self._candidate_table.typo_variants(word, limit)))
        elif self._extra_candidates:
            found = list(dict.fromkeys(found + fuzzy_variants(word, self._candidates_of(word[0]), limit)))
        return found

    def suggest(self, word: str, max_distance: int = 2) -> str | None:
        """The best correction of a word, or None.

        Candidates are known neighbours within the smaller of ``max_distance`` and
        ``max_typos(word)`` edits. They rank by edit distance, then listed before
        corpus-only, then by document frequency, then alphabetically.

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
        if (word, max_distance) not in self._suggested:
            self._suggested[word, max_distance] = self._suggest(word, max_distance)
        return self._suggested[word, max_distance]

    def _suggest(self, word: str, max_distance: int) -> str | None:
        if len(word) < MIN_LENGTH or not word.isalpha() or self.is_known(word):
            return None
        limit = min(max_distance, max_typos(word))
        best: tuple[int, bool, int, str] | None = None
        for other in self.neighbours(word, limit):
            if len(other) < MIN_LENGTH or not self.is_known(other):
                continue
            key = (edit_distance(word, other, limit), not self.is_listed(other), -self.df(other), other)
            if best is None or key < best:
                best = key
        return None if best is None else best[3]

    def correct_query_words(self, words: Iterable[str]) -> list[str] | None:
        """Each word of a query with each correctable one replaced by its suggestion,
        or None when no word changed."""
        words = list(words)
        corrected = [self.suggest(w) or w for w in words]
        return None if corrected == words else corrected

    def _words_of(self, letter: str) -> list[str]:
        if letter not in self._letters:
            self._letters[letter] = [w for w in self._index if w[:1] == letter]
        return self._letters[letter]

    def _candidates_of(self, letter: str) -> list[str]:
        # The candidate words of one first letter, gathered when first needed.
        key = "+" + letter
        if key not in self._letters:
            self._letters[key] = [w for w in self._extra_candidates if w[:1] == letter]
        return self._letters[key]

    def _shadowed(self, word: str) -> bool:
        count = self.df(word)
        for other in self.neighbours(word):
            if not ((self.is_listed(other) and count < self._common_frequency)
                    or self.df(other) >= self._dominance * count):
                continue
            if not _inflection(word, other):
                return True
        return False


def _inflection(a: str, b: str) -> bool:
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return long.startswith(short) and long[len(short) :] in INFLECTIONS
