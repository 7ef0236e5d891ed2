"""'Did you mean': the query with each misspelled word replaced by its correction."""

from __future__ import annotations

from .lexicon.spelling import Speller
from .query import query_words

__all__ = ["suggest"]


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
