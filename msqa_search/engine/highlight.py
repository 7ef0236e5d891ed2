"""Highlighted fragments of an answer's text: the matching words marked, as written."""

from __future__ import annotations

from whoosh import highlight as wh

from .analysis import stemmed_analyzer

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
    tokens = [t.copy() for t in stemmed_analyzer()(text, chars=True, positions=True, removestops=False)]
    marked: dict[str, bool] = {}
    for token in tokens:
        found = marked.get(token.text)
        if found is None:
            found = marked[token.text] = (not token.stopped and token.text not in unmarked
                                          and related(token.text, terms))
        token.matched = found
    for phrase in phrases:
        n = len(phrase)
        for i in range(len(tokens) - n + 1):
            if all(tokens[i + k].text == phrase[k] for k in range(n)):
                for k in range(n):
                    tokens[i + k].matched = tokens[i + k].text not in unmarked
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
