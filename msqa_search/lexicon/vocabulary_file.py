"""The vocabulary file: its layout, and the writer that builds it at index time
(``typo_table.Vocabulary`` reads it, memory-mapped).

One file, ``PREFIX.msqa-vocabulary``, all integers little-endian::

    header   64 bytes: magic b"MSQAVOC1", then u32 version, u32 max_distance,
             u32 longest, u32 reserved, u64 words, u64 blob_bytes, u64 deletes
    offsets  u64[words + 1]  word i is blob[offsets[i]:offsets[i + 1]]
    df       i32[words]      documents holding word i
    keys     u64[deletes]    hashes of the deletes, sorted
    ids      u32[deletes]    the word each key comes from (ascending within a key)
    blob     u8[blob_bytes]  the words, sorted, UTF-8, back to back

Each section starts at a multiple of 8 bytes. The typo table is a symmetric-delete
table (as in SymSpell): every word up to ``longest`` characters is stored under each
string made by deleting at most ``min(max_distance, max_typos(word))`` of its
characters, never the first (``fuzzy_variants`` only matches words sharing the first
letter). A query word's variants are then among the words stored under its own
deletes: a few binary searches instead of a scan. The words found are checked with
``fuzzy_variants`` itself, so hash collisions cannot change a result.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import struct
from array import array
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from .spelling import max_typos

__all__ = [
    "HEADER",
    "HEADER_SIZE",
    "LONGEST",
    "MAGIC",
    "SUFFIX",
    "VERSION",
    "delete_hash",
    "deletes",
    "depth",
    "pad",
    "vocabulary_path",
    "write_vocabulary",
]

SUFFIX = ".msqa-vocabulary"
MAGIC = b"MSQAVOC1"
VERSION = 1
LONGEST = 32
"""Longer words get no deletes (a 200-letter token would add 20 000); a query that
could reach them is answered by a scan of its first letter's words instead."""

HEADER = struct.Struct("<8sIIII3Q")
HEADER_SIZE = 64


def vocabulary_path(path_prefix: str | os.PathLike[str]) -> Path:
    """The file ``write_vocabulary`` writes for a path prefix."""
    return Path(os.fspath(path_prefix) + SUFFIX)


def delete_hash(text: str) -> int:
    """A stable 64-bit hash of a string (BLAKE2b, 8 bytes), the same in every process."""
    data = text.encode("utf-8", "surrogatepass")  # a query may hold anything
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


def deletes(word: str, depth: int) -> set[str]:
    # Every string made by deleting up to ``depth`` characters after the first.
    found = {word}
    for n in range(1, min(depth, len(word) - 1) + 1):
        for gone in itertools.combinations(range(1, len(word)), n):
            found.add("".join(c for i, c in enumerate(word) if i not in gone))
    return found


def depth(length: int, max_distance: int) -> int:
    # How many deletes a word of this length is stored under (max_typos looks only at
    # the length).
    return min(max_distance, max_typos("x" * length))


def pad(n: int) -> int:
    return -n % 8


def write_vocabulary(
    path_prefix: str | os.PathLike[str], counts: Mapping[str, int], *, max_distance: int = 2
) -> Path:
    """Write the words with their document frequencies and their typo table.

    Args:
        path_prefix: Where to write; the file is ``path_prefix + SUFFIX``.
        counts: Each word with the number of documents holding it.
        max_distance: The most typos the table answers for without a scan.

    Returns:
        The path of the file, written whole (through a temporary file) or not at all.

    Raises:
        ValueError: A word is empty or not encodable as UTF-8, a count does not fit
            in 32 bits, or ``max_distance`` is negative.
    """
    if max_distance < 0:
        raise ValueError(f"max_distance must be >= 0, not {max_distance}")
    words = sorted(counts)
    encoded = [w.encode("utf-8") for w in words]  # raises on lone surrogates
    if words and not words[0]:
        raise ValueError("the vocabulary holds an empty word")
    offsets = np.zeros(len(words) + 1, dtype="<u8")
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    df = np.array([counts[w] for w in words], dtype=np.int64)
    if len(df) and (df.min() < 0 or df.max() > np.iinfo(np.int32).max):
        raise ValueError("document frequencies must be between 0 and 2**31 - 1")
    keys, ids = array("Q"), array("I")  # compact while growing to millions
    for i, word in enumerate(words):
        if max_distance and len(word) <= LONGEST:  # distance 0: a word list, no table
            hashes = {delete_hash(d) for d in deletes(word, depth(len(word), max_distance))}
            keys.extend(hashes)
            ids.extend(itertools.repeat(i, len(hashes)))
    key_array = np.frombuffer(keys, dtype=np.uint64)
    order = np.argsort(key_array, kind="stable")  # ids stay ascending within a key
    sections = [
        offsets.tobytes(), df.astype("<i4").tobytes(), key_array[order].astype("<u8").tobytes(),
        np.frombuffer(ids, dtype=f"u{ids.itemsize}")[order].astype("<u4").tobytes(),
        b"".join(encoded),
    ]
    header = HEADER.pack(MAGIC, VERSION, max_distance, LONGEST, 0,
                          len(words), int(offsets[-1]), len(keys))
    path = vocabulary_path(path_prefix)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(header.ljust(HEADER_SIZE, b"\0"))
            for data in sections:
                f.write(data + b"\0" * pad(len(data)))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


