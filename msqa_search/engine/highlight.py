"""Highlighted fragments of an answer's text: the matching words marked, as written."""

from __future__ import annotations

from whoosh import highlight as wh

from .analysis import stemmed_analyzer

__all__ = ["highlights"]


def highlights(text: str, terms: frozenset[str], phrases: frozenset[tuple[str, ...]] = frozenset(),
               top: int = 3, size: int = 240) -> tuple:
    """Up to ``top`` fragments of ``text`` with the matching words marked, as written.

    A stem in ``terms`` is marked wherever it stands; the stems of a phrase only where
    they stand together. Each fragment is a tuple of ``(text, matched)`` pieces. Without
    a match, the one fragment is the start of the text, unmarked.
    """
    if top <= 0:
        return ()
    tokens = [t.copy() for t in stemmed_analyzer()(text, chars=True, positions=True, removestops=False)]
    for token in tokens:
        token.matched = token.text in terms
    for phrase in phrases:
        n = len(phrase)
        for i in range(len(tokens) - n + 1):
            if all(tokens[i + k].text == phrase[k] for k in range(n)):
                for k in range(n):
                    tokens[i + k].matched = True
    fragmenter = wh.ContextFragmenter(maxchars=size, surround=size // 3)
    fragments = wh.top_fragments(fragmenter.fragment_tokens(text, iter(tokens)), top,
                                 wh.BasicFragmentScorer(), wh.FIRST, minscore=1)
    result = []
    for fragment in fragments:
        pieces, at = [], fragment.startchar
        for token in fragment.matches:
            if token.startchar < at:
                continue
            if token.startchar > at:
                pieces.append((text[at:token.startchar], False))
            pieces.append((text[token.startchar:token.endchar], True))
            at = token.endchar
        if at < fragment.endchar:
            pieces.append((text[at:fragment.endchar], False))
        result.append(tuple(pieces))
    if not result and text:
        cut = text[:size]
        if len(text) > size:
            cut = cut.rsplit(" ", 1)[0]
        result.append(((cut, False),))
    return tuple(result)
