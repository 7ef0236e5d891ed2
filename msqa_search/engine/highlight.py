"""Highlighted fragments of an answer's text: the matching words marked, as written.

The text is cut into the text analyzer's tokens (the same pattern, lowercased and stemmed
alike), but only the tokens that may be marked are stemmed: a stem starts with its word's first
two letters (Porter2 rewrites endings), so a word whose first two letters start no wanted
stem is never stemmed, except the words stemmed by exception.
The fragments are Whoosh's (``fragments.py``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate

from whoosh.lang.porter2 import exceptional_forms

from ..lexicon.stem_exceptions import load_stem_exceptions
from .analysis import STOP_WORDS, TOKEN_PATTERN, stem
from .fragments import best_fragments

__all__ = ["RELATIVE_MIN", "highlights", "related"]

#: A stem this long or longer also marks the stems one or two letters longer that start
#: with it ("droop" marks "droopy", stemmed "droopi"), and those mark it.
RELATIVE_MIN = 5


def related(word: str, terms: frozenset[str]) -> bool:
    """True when ``word`` (a stem) is in ``terms`` or a close relative of one: one of
    the two starts with the other, the shorter has RELATIVE_MIN letters or more and the
    longer at most two more ("droop" / "droopi", "bruis" / "bruising")."""
    if word in terms:
        return True
    if len(word) < RELATIVE_MIN:
        return False
    for term in terms:
        if len(term) >= RELATIVE_MIN and abs(len(term) - len(word)) <= 2 and (
                term.startswith(word) or word.startswith(term)):
            return True
    return False


def highlights(text: str, terms: frozenset[str], phrases: frozenset[tuple[str, ...]] = frozenset(),
               top: int = 3, size: int = 240, unmarked: frozenset[str] = frozenset()) -> tuple:
    """Up to ``top`` fragments of ``text`` with the matching words marked, as written.

    A stem in ``terms``, or a close relative of one (``related``), is marked wherever it stands; the stems of a phrase only where
    they stand together, and a stem in ``unmarked`` (a function word) never. Each fragment is a tuple of ``(text, matched)`` pieces. Without
    a match, the one fragment is the start of the text, unmarked.
    """
    if top <= 0:
        return ()
    starts, ends, marked, term_of = _marks(text, terms, phrases, unmarked)
    result = []
    for first, last, tks in best_fragments(starts, ends, marked, term_of, top, size, size // 3):
        pieces, at = [], first
        for i in tks:
            start, end = starts[i], ends[i]
            if start < at:
                continue
            if start > at:
                pieces.append((text[at:start], False))
            pieces.append((text[start:end], True))
            at = end
        if at < last:
            pieces.append((text[at:last], False))
        result.append(tuple(pieces))
    if not result and text:
        cut = text[:size]
        if len(text) > size:
            cut = cut.rsplit(" ", 1)[0]
        result.append(((cut, False),))
    return tuple(result)


# Splitting on the token pattern gives the text between tokens and the tokens in turn, and
# their running lengths the tokens' offsets, all without a Python step per token.
_split = re.compile(f"({TOKEN_PATTERN})").split


class _Wanted:
    """Which words may stem to a wanted stem, by their first letters, for one query.

    Porter2 rewrites a word's ending only: past its first two letters, or down to its
    first letter ("aing" -> "a"). Its exceptional forms and the stemming exceptions are
    looked up by their stems. A word whose first letters are not ASCII is always stemmed,
    as lowercasing them may depend on the letters after.
    """

    def __init__(self, stems: frozenset[str]):
        heads = {s[:2] for s in stems if len(s) >= 2}
        self.ones = frozenset(s for s in stems if len(s) == 1)
        heads.update(word[:2] for word, term in _exception_stems() if term[:2] in heads or term in self.ones)
        self.heads = frozenset(heads)
        self.initials = frozenset(h[:1] for h in heads) | self.ones
        self.first: dict[str, bool] = {}  # a first letter as written -> may be wanted
        self.two: dict[str, bool] = {}  # two first letters as written -> may be wanted

    def candidates(self, words: list[str]) -> list[int]:
        """The indexes of the ``words`` that may stem to a wanted stem."""
        first, two = self.first, self.two
        for c in {w[0] for w in words}.difference(first):
            first[c] = not c.isascii() or c.lower() in self.initials
        maybe = [i for i, w in enumerate(words) if first[w[0]]]
        for h in {words[i][:2] for i in maybe}.difference(two):
            low = h.lower()
            two[h] = not h.isascii() or low in self.heads or low[:1] in self.ones
        return [i for i in maybe if two[words[i][:2]]]


@lru_cache(maxsize=16)
def _wanted(terms: frozenset[str], phrases: frozenset) -> _Wanted | None:
    """The words to stem for ``terms`` and ``phrases`` (None: every word, for an empty stem)."""
    stems = frozenset([*terms, *(s for phrase in phrases for s in phrase)])
    return None if "" in stems else _Wanted(stems)


@lru_cache(maxsize=1)
def _exception_stems() -> tuple[tuple[str, str], ...]:
    """Each word whose stem may not start as it does, with its stem."""
    words = {*load_stem_exceptions(), *exceptional_forms}
    return tuple((word, stem(word)) for word in sorted(words))


def _marks(text: str, terms: frozenset[str], phrases, unmarked: frozenset[str]):
    """Each token's offsets, the marked tokens' indexes (ascending), and the stem of each
    token that may be marked (by index), as ``highlights`` marks them."""
    parts = _split(text)  # [between, token, between, token, ..., between]
    offsets = list(accumulate(map(len, parts)))
    starts, ends, words = offsets[0:-1:2], offsets[1::2], parts[1::2]
    wanted = _wanted(frozenset(terms), frozenset(phrases))
    candidates = range(len(words)) if wanted is None else wanted.candidates(words)
    term_of: dict[int, str] = {}  # token index -> stem, for the tokens that may be marked
    marked: list[int] = []
    found: dict[str, bool] = {}  # a stem -> marked (decided where the stem first stands)
    for i in candidates:
        word = words[i].lower()
        term = term_of[i] = stem(word)
        mark = found.get(term)
        if mark is None:
            mark = found[term] = (not (word in STOP_WORDS or len(word) < 2) and term not in unmarked
                                  and related(term, terms))
        if mark:
            marked.append(i)
    if phrases:
        on = set(marked)
        for phrase in phrases:
            if not phrase:
                continue
            head, rest = phrase[0], phrase[1:]
            for i, term in term_of.items():
                if term == head and all(term_of.get(i + k) == s for k, s in enumerate(rest, 1)):
                    on.update(i + k for k in range(len(phrase)) if term_of[i + k] not in unmarked)
        if len(on) != len(marked):
            marked = sorted(on)
    return starts, ends, marked, term_of
