"""Highlighted fragments of an answer's text: the matching words marked, as written.

The text is cut into the text analyzer's tokens (the same pattern, lowercased and stemmed
alike), but only the tokens that may be marked are stemmed: a stem starts with its word's
first letter (Porter2 only rewrites endings), so a word whose first letter starts no wanted
stem is never looked up, except the words the stemming exceptions stem as another word.
The fragments are Whoosh's (``fragments.py``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate

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
_FIRST_LOWER: dict[str, str] = {}  # a character -> the first character of its lowercase


def _wanted_initials(stems) -> frozenset[str] | None:
    """The first letters of the words that may stem to one of ``stems``, or None when
    every word may (an empty stem)."""
    initials = {s[:1] for s in stems}
    if "" in initials:
        return None
    others = _exception_initials()
    for letter in list(initials):
        initials.update(others.get(letter, ()))
    return frozenset(initials)


@lru_cache(maxsize=1)
def _exception_initials() -> dict[str, frozenset[str]]:
    """A first letter -> the first letters of the words the stemming exceptions stem as a
    word with that first letter."""
    found: dict[str, set[str]] = {}
    for word, head in load_stem_exceptions().items():
        found.setdefault(head[0], set()).add(word[0])
    return {letter: frozenset(words) for letter, words in found.items()}


def _marks(text: str, terms: frozenset[str], phrases, unmarked: frozenset[str]):
    """Each token's offsets, the marked tokens' indexes (ascending), and the stem of each
    token that may be marked (by index), as ``highlights`` marks them."""
    parts = _split(text)  # [between, token, between, token, ..., between]
    offsets = list(accumulate(map(len, parts)))
    starts, ends, words = offsets[0:-1:2], offsets[1::2], parts[1::2]
    initials = _wanted_initials([*terms, *(s for phrase in phrases for s in phrase)])
    if initials is None:
        candidates = range(len(words))
    else:
        lower = _FIRST_LOWER
        if len(lower) > 4096:
            lower.clear()
        wanted = set()
        for c in {w[0] for w in words}:
            f = lower.get(c)
            if f is None:
                f = lower[c] = c.lower()[:1]
            if f in initials:
                wanted.add(c)
        candidates = [i for i, w in enumerate(words) if w[0] in wanted]
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
