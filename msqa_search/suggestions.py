"""'Did you mean': the query with each misspelled word replaced by its correction."""

from __future__ import annotations

from .lexicon.speller import Speller
from .query import query_words

__all__ = ["CLEARLY_MORE", "clearly_more", "suggest"]

CLEARLY_MORE = 2
"""A corrected word is searched instead of the typed one when it is in this many times
as many answers (and more than one)."""


def suggest(speller: Speller, query: str) -> str | None:
    """The query with each misspelled word replaced by its correction, or None."""
    changed = False
    out, at = [], 0
    for word in query_words(query):
        if not word.raw.isalpha():
            continue
        fix = speller.suggest(word.raw)
        if fix and fix != word.raw:
            start = query.find(word.typed, at)
            if start < 0:
                continue
            out.append(query[at:start])
            out.append(_match_case(word.typed, fix))
            at = start + len(word.typed)
            changed = True
    if not changed:
        return None
    out.append(query[at:])
    return "".join(out)


def _match_case(typed: str, word: str) -> str:
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def clearly_more(speller: Speller, query: str, suggestion: str) -> bool:
    """True when every word ``suggestion`` changes is in ``CLEARLY_MORE`` times as many
    answers as the word typed ("restylane" in 12, "restalyne" in 1)."""
    typed, fixed = query_words(query), query_words(suggestion)
    if len(typed) != len(fixed):
        return False
    pairs = [(a.raw, b.raw) for a, b in zip(typed, fixed) if a.raw != b.raw]
    return bool(pairs) and all(
        speller.df(b) > 1 and speller.df(b) >= CLEARLY_MORE * speller.df(a) for a, b in pairs)
