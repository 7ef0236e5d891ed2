"""Phrase matching over arrays: the answers holding a phrase's words at adjacent
positions, from each word's postings and positions read block by block.

Whoosh matches a phrase through span matchers that walk every answer holding all the
words and decode its positions one posting at a time, in Python objects. Here each
word's postings are read block by block with their encoded positions (in the pass
that memoises the word's document arrays for scoring, engine/postings.py), the answers
holding every word are the intersection of those arrays, their positions are decoded
with numpy, and adjacency is one more intersection: word ``i`` of a phrase at position
``p + i`` in answer ``d`` is the key ``(d, p)``, and an answer matches when some key is
held by every word. The matches are Whoosh's ``Phrase`` with ``slop=1`` (the words in
order, each right after the one before), live documents only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from whoosh import query as wq
from whoosh.formats import Positions

from .postings import Postings

__all__ = ["decode_positions", "handles", "phrase_docs"]

_EMPTY = np.zeros(0, dtype=np.int64)

# Whoosh's Positions format encodes a posting's positions as a 4-byte big-endian count,
# then the pickle (protocol 2) of the list of deltas between them:
#   80 02 ] q 00 <int> a .           one position
#   80 02 ] q 00 ( <int>... e .      2 to 1000 (pickle appends 1000 items at a time)
# an <int> being K b (0-255), M b b (0-65535, little-endian) or J b b b b (signed).
# Anything else (more positions, bigger numbers, damaged bytes) is decoded by Whoosh.
_HEAD = np.frombuffer(b"\x80\x02]q\x00", dtype=np.uint8)
_K, _M, _J = b"K"[0], b"M"[0], b"J"[0]
_WIDTH = np.zeros(256, dtype=np.int64)
_WIDTH[[_K, _M, _J]] = (2, 3, 5)
_MAX_BATCH = 1000
_SHORTEST = 13  # count, head, one K item, "a."


def handles(searcher, q) -> bool:
    """True when ``phrase_docs`` matches ``q`` as Whoosh would: a ``Phrase`` of slop 1
    on a field of the schema whose postings hold positions (and no characters)."""
    if type(q) is not wq.Phrase or q.slop != 1 or q.fieldname not in searcher.schema:
        return False
    form = searcher.schema[q.fieldname].format
    return isinstance(form, Positions) and not form.supports("characters") and form.posting_size < 0


def phrase_docs(postings: Postings, field: str, words: Sequence[str], read: dict | None = None) -> np.ndarray:
    """The live documents holding ``words`` at adjacent positions of ``field``, sorted.

    Args:
        postings: the open generation's postings (its term arrays are memoised).
        field: a field with positions (``handles``).
        words: the phrase's analysed words, in order.
        read: ``(field, word)`` -> the word's document numbers and encoded values, kept
            by the caller so that the phrases of one query read each word once.
    """
    try:  # as Whoosh's Phrase: a word the field cannot encode matches nothing
        for word in words:
            postings.searcher.schema[field].to_bytes(word)
    except ValueError:
        return _EMPTY
    read = {} if read is None else read
    held = {}
    for word in dict.fromkeys(words):
        if (field, word) not in read:
            values: list[bytes] = []
            read[(field, word)] = (postings.postings(field, word, values)[0], values)
        held[word] = read[(field, word)]
    if not held:
        return _EMPTY
    rarest = sorted(held, key=lambda w: len(held[w][0]))
    candidates = held[rarest[0]][0]
    for word in rarest[1:]:
        candidates = np.intersect1d(candidates, held[word][0], assume_unique=True)
    candidates = candidates[postings.live[candidates]]
    if len(words) == 1 or not len(candidates):
        return candidates
    decode = postings.searcher.schema[field].format.decode_positions
    keys_of: dict[str, np.ndarray] = {}
    for word, (ids, values) in held.items():
        at = np.searchsorted(ids, candidates)  # every candidate holds the word
        owner, position = decode_positions([values[i] for i in at.tolist()], decode)
        if len(position) and not (0 <= position.min() and position.max() < 2**31):
            # Positions no writer makes: Whoosh says what they match.
            phrase = wq.Phrase(field, list(words))
            return np.unique(np.fromiter(postings.searcher.docs_for_query(phrase), dtype=np.int64))
        keys = (candidates[owner] << 32) | position  # (document, position) as one sortable number
        keys_of[word] = keys if _ascending(keys) else np.sort(keys)
    # Word i at position p + i: key (d, p) once i is taken off, kept for p >= 0.
    shifted = sorted(((word, i) for i, word in enumerate(words)), key=lambda wi: len(keys_of[wi[0]]))
    found = None
    for word, i in shifted:
        keys = keys_of[word]
        keys = keys[(keys & 0xFFFFFFFF) >= i] - i
        if found is not None and len(keys):
            at = np.minimum(np.searchsorted(keys, found), len(keys) - 1)
            keys = found[keys[at] == found]
        found = keys
        if not len(found):
            return _EMPTY
    return np.unique(found >> 32)


def _ascending(a: np.ndarray) -> bool:
    return len(a) < 2 or bool((a[1:] >= a[:-1]).all())


def decode_positions(values: Sequence[bytes], fallback) -> tuple[np.ndarray, np.ndarray]:
    """Decode the positions of many postings of a ``Positions`` field at once.

    Args:
        values: each posting's encoded value.
        fallback: decodes one value to its list of positions, as Whoosh does
            (``Positions.decode_positions``), for the values not in the common shape.

    Returns:
        ``(owner, position)``: for every position, the index of its value in
        ``values``, and the position (int64 arrays, in the order of ``values``, each
        value's positions in their stored order, but for the values decoded by
        ``fallback``, which come last).
    """
    count = len(values)
    if not count:
        return _EMPTY, _EMPTY
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=count)
    buf = np.frombuffer(b"".join(values) + b"\0\0\0\0", dtype=np.uint8)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    good = np.flatnonzero(lengths >= _SHORTEST)
    s, e = starts[good], ends[good]
    n = (buf[s].astype(np.int64) << 24) | (buf[s + 1].astype(np.int64) << 16) | (buf[s + 2].astype(np.int64) << 8) \
        | buf[s + 3].astype(np.int64)
    one = n == 1
    shaped = ((buf[s[:, None] + 4 + np.arange(len(_HEAD))] == _HEAD).all(axis=1) & (buf[e - 1] == b"."[0])
              & (buf[e - 2] == np.where(one, b"a"[0], b"e"[0])) & (one | (buf[s + 9] == b"("[0]))
              & (n >= 1) & (n <= _MAX_BATCH))
    good, n, s, e, one = good[shaped], n[shaped], s[shaped], e[shaped], one[shaped]
    items, ended = _items(buf, s + np.where(one, 9, 10), e - 2)
    # The region of each value its items lie in, and whether it holds as many as its count.
    owner_of = np.searchsorted(s, items, side="right") - 1
    sound = ended & (np.bincount(owner_of, minlength=len(good)) == n)
    keep = sound[owner_of]
    items, owner_of = items[keep], owner_of[keep]
    deltas = _item_values(buf, items)
    total = np.cumsum(deltas)
    sizes = n[sound]
    before = np.cumsum(sizes) - sizes  # where each value's items start
    base = np.where(before > 0, total[np.maximum(before - 1, 0)], 0)
    positions = total - np.repeat(base, sizes)
    owners = good[owner_of]
    odd = np.ones(count, dtype=bool)
    odd[good[sound]] = False
    rest = np.flatnonzero(odd)
    if len(rest):
        decoded = [fallback(values[i]) for i in rest.tolist()]
        owners = np.concatenate([owners, np.repeat(rest, [len(d) for d in decoded])])
        positions = np.concatenate([positions, np.fromiter((p for d in decoded for p in d), dtype=np.int64)])
    return owners, positions


def _items(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The offsets of the pickled ints in each region ``[start, end)`` of ``buf``
    (regions sorted and apart), and for each region whether they fill it exactly.

    Each int's opcode says where the next one starts, so the items of a region are the
    chain of jumps from its start. Every byte of every region gets its jump (a byte
    that is no opcode, or jumps past its region's end, jumps to BROKEN; the last item
    jumps to END); the chains are then followed for all regions at once by pointer
    doubling: after step t every item within 2**t jumps of a start is reached.
    """
    size = len(buf)
    end, broken = size, size + 1
    at = np.arange(size)
    region_end = np.zeros(size, dtype=np.int64)
    region_end[starts] = ends
    region_end = np.maximum.accumulate(region_end)
    width = _WIDTH[buf]
    step = at + width
    opcode = (at < region_end) & (width > 0)
    jump = np.full(size + 2, broken, dtype=np.int64)
    jump[end] = end
    inside = opcode & (step < region_end)
    jump[:size][inside] = step[inside]
    jump[:size][opcode & (step == region_end)] = end
    nodes = starts
    while (jump[starts] < end).any():
        # Chains are apart, so the nodes 2**t jumps on are new ones (or the sentinels).
        more = jump[nodes]
        nodes = np.concatenate([nodes, more[more < end]])
        jump = jump[jump]
    return np.sort(nodes), jump[starts] == end


def _item_values(buf: np.ndarray, items: np.ndarray) -> np.ndarray:
    """The int each pickle opcode at ``items`` holds (K, M or J)."""
    op = buf[items]
    b1, b2 = buf[items + 1].astype(np.int64), buf[items + 2].astype(np.int64)
    b3, b4 = buf[items + 3].astype(np.int64), buf[items + 4].astype(np.int64)
    wide = b1 | (b2 << 8) | (b3 << 16) | (b4 << 24)
    wide = np.where(wide >= 2**31, wide - 2**32, wide)
    return np.where(op == _K, b1, np.where(op == _M, b1 | (b2 << 8), wide))
