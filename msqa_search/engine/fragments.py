"""The fragments of a highlighted text: Whoosh's context fragmenter and fragment choice,
over plain lists of token offsets.

``best_fragments`` gives what ``top_fragments(ContextFragmenter(maxchars, surround)
.fragment_tokens(...), top, BasicFragmentScorer(), FIRST)`` gives for the same tokens, but
it skips the stretches of unmarked words that the fragmenter only steps over, and builds
no token or fragment objects. tests/test_highlight_same.py compares the two.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from heapq import nlargest

__all__ = ["CHARLIMIT", "best_fragments"]

#: Whoosh's fragmenters stop at the first token ending past this many characters.
CHARLIMIT = 2**15


def best_fragments(starts: list[int], ends: list[int], marked: list[int], terms: list,
                   top: int, maxchars: int, surround: int) -> list[tuple[int, int, list[int]]]:
    """The ``top`` best fragments, in text order, as ``(start, end, marked tokens)``.

    Args:
        starts: The start offset of each token, in text order.
        ends: The end offset of each token.
        marked: The indexes of the marked tokens, ascending.
        terms: Each token's term (the fragment score counts a fragment's distinct terms).
        top: How many fragments to keep at most.
        maxchars: A fragment's most characters of tokens (Whoosh's ``maxchars``).
        surround: The characters of context before the first and after the last mark.

    Returns:
        The fragments with a mark: first and last offset and the marked tokens in them.
    """
    scored = []
    for number, (first, end, tks) in enumerate(_fragment_tokens(starts, ends, marked, maxchars, surround)):
        # BasicFragmentScorer: each mark counts 1, times 100 per distinct term.
        score = len(tks) * ((len({terms[i] for i in tks}) * 100) or 1)
        if score >= 1:  # top_fragments' minscore
            # nlargest over (score, fragment) breaks ties by the later start, then by order
            scored.append((score, first, -number, end, tks))
    best = nlargest(top, scored)
    best.sort(key=lambda f: f[1])
    return [(first, end, tks) for _, first, _, end, tks in best]


def _fragment_tokens(starts, ends, marked, maxchars, surround):
    """ContextFragmenter.fragment_tokens, as ``(start, end, marked tokens)``; a fragment
    without a mark is yielded too (it scores 0)."""
    n = bisect_right(ends, CHARLIMIT)  # the tokens it looks at; token n (if any) stops it
    marks = marked[:bisect_left(marked, n)]
    is_marked = set(marks)
    next_mark = 0  # marks[next_mark] is the first mark not yet passed
    i = 0  # the next token
    r = 0  # the first token since the last fragment ended: the context starts there or later
    countdown = -1  # < 0: outside a fragment
    tks: list[int] = []
    first = None
    currentlen = 0
    while i < n:
        if countdown < 0:
            # Outside a fragment an unmarked token only joins the buffer of context before
            # the next mark (the tokens starting at most ``surround`` before the end of the
            # last one): jump to the mark and find where its buffer starts.
            while next_mark < len(marks) and marks[next_mark] < i:
                next_mark += 1
            if next_mark == len(marks):
                break
            i = marks[next_mark]
            if ends[i] - starts[i] > maxchars:
                countdown = 0  # too long for any fragment: it ends an empty one
            else:
                countdown = surround
                k = bisect_left(starts, ends[i - 1] - surround, r, i) if i > r else i
                if k < i:
                    first = starts[k]
                else:
                    first = starts[i]
                    countdown += surround
                tks.append(i)
        elif currentlen + ends[i] - starts[i] > maxchars:
            countdown = 0
        elif i in is_marked:
            countdown = surround
            if first is None:  # the buffer is empty just after a fragment
                first = starts[i]
                countdown += surround
            tks.append(i)
        tlength = ends[i] - starts[i]
        currentlen += tlength
        countdown -= tlength
        if countdown <= 0:
            yield first, ends[i], tks
            tks, first, currentlen = [], None, 0
            r = i + 1
        i += 1
    if tks:  # the last token looked at ends it
        yield first, ends[n] if n < len(ends) else ends[-1], tks
