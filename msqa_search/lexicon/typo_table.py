"""The index vocabulary and its typo table, memory-mapped: words, their document
frequencies, and a word's typo variants in a few binary searches.

The file's layout and its writer are in ``vocabulary_file``. The typo table is a
symmetric-delete table (as in SymSpell): a query word's variants are among the words
stored under its own deletes. The words found are checked with ``fuzzy_variants``
itself, so hash collisions cannot change a result.
"""

from __future__ import annotations

import bisect
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np

from ..errors import IndexDamagedError
from .spelling import fuzzy_variants, max_typos
from .vocabulary_file import HEADER, HEADER_SIZE, MAGIC, VERSION, delete_hash, deletes, depth, pad, vocabulary_path

__all__ = ["Vocabulary"]


class _Words(Sequence):
    """The sorted words as a sequence of UTF-8 bytes, for ``bisect``."""

    def __init__(self, vocabulary: Vocabulary):
        self._v = vocabulary

    def __len__(self) -> int:
        return len(self._v)

    def __getitem__(self, i):  # noqa: ANN001 - Sequence protocol
        return self._v._bytes(i)


class Vocabulary(Mapping):
    """A written vocabulary, memory-mapped: opening it reads 64 bytes and two offsets.

    A read-only mapping of each word (as written) to its document frequency, in order.
    """

    def __init__(self, path: Path, header: tuple, data: np.memmap):
        _, _, self.max_distance, self._longest, _, n, blob_bytes, n_keys = header
        self.path = path
        at = HEADER_SIZE
        data = np.asarray(data)  # a plain view of the map: slicing a memmap is slower
        parts = []
        for dtype, count in (("<u8", n + 1), ("<i4", n), ("<u8", n_keys), ("<u4", n_keys),
                             ("u1", blob_bytes)):
            size = np.dtype(dtype).itemsize * count
            parts.append(data[at:at + size].view(dtype))
            at += size + pad(size)
        self._offsets, self._df, self._keys, self._ids, self._blob = parts
        self._n = n
        # Plain views for the word lookups (a few dozen per query word): indexing them
        # gives Python ints and slicing them bytes without numpy's per-item cost.
        self._starts = (memoryview(self._offsets).cast("B").cast("Q")
                        if sys.byteorder == "little" else self._offsets)
        self._blob_view = memoryview(self._blob)
        self._blob_size = len(self._blob)
        self._sequence = _Words(self)
        if self._offsets[0] != 0 or self._offsets[n] != blob_bytes:
            raise self._damaged("word offsets do not match the word data")

    @classmethod
    def open(cls, path_prefix: str | os.PathLike[str]) -> Vocabulary:
        """Open the file ``write_vocabulary`` wrote for ``path_prefix``.

        Args:
            path_prefix: The prefix given to ``write_vocabulary``.

        Returns:
            The vocabulary, its file mapped into memory and read only as it is used.

        Raises:
            IndexDamagedError: The file is missing, truncated, of another format or
                version, or its sizes do not add up.
        """
        path = vocabulary_path(path_prefix)
        try:
            with open(path, "rb") as f:
                raw = f.read(HEADER_SIZE)
                size = os.fstat(f.fileno()).st_size
        except OSError as e:
            raise IndexDamagedError(
                f"cannot read the vocabulary file {path}: {e.strerror or e}; rebuild the index",
                path=path) from e
        if len(raw) < HEADER_SIZE or raw[:8] != MAGIC:
            raise _damaged(path, "not a vocabulary file (bad header)")
        header = HEADER.unpack_from(raw)
        if header[1] != VERSION:
            raise _damaged(path, f"format version {header[1]}, this version reads {VERSION}")
        n, blob_bytes, n_keys = header[5:]
        expected = HEADER_SIZE
        for part in (8 * (n + 1), 4 * n, 8 * n_keys, 4 * n_keys, blob_bytes):
            expected += part + pad(part)
        if size != expected:
            raise _damaged(path, f"{size} bytes where the header announces {expected}"
                           f" ({'truncated' if size < expected else 'trailing data'})")
        if n >= 2**32:
            raise _damaged(path, f"{n} words, more than a word id can number")
        try:
            data = np.memmap(path, dtype="u1", mode="r")
        except (OSError, ValueError) as e:
            raise _damaged(path, f"cannot map it ({e})") from e
        return cls(path, header, data)

    def _damaged(self, why: str) -> IndexDamagedError:
        return _damaged(self.path, why)

    def _bytes(self, i: int) -> bytes:
        start, end = int(self._starts[i]), int(self._starts[i + 1])
        if not start <= end <= self._blob_size:
            raise self._damaged(f"word {i} lies outside the word data")
        return bytes(self._blob_view[start:end])

    def _word(self, i: int) -> str:
        try:
            return self._bytes(i).decode("utf-8")
        except UnicodeDecodeError as e:
            raise self._damaged(f"word {i} is not UTF-8") from e

    def _index(self, word: str) -> int | None:
        if not isinstance(word, str):
            return None
        key = word.encode("utf-8", "surrogatepass")
        # bisect.bisect_left over the words, its probes in the same order, with no call
        # per probe.
        starts, blob, size = self._starts, self._blob_view, self._blob_size
        lo, hi = 0, self._n
        while lo < hi:
            mid = (lo + hi) // 2
            start, end = int(starts[mid]), int(starts[mid + 1])
            if not start <= end <= size:
                raise self._damaged(f"word {mid} lies outside the word data")
            if bytes(blob[start:end]) < key:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < self._n and self._bytes(lo) == key else None

    def __len__(self) -> int:
        return self._n

    def __contains__(self, word: object) -> bool:
        return self._index(word) is not None

    def __getitem__(self, word: str) -> int:
        i = self._index(word)
        if i is None:
            raise KeyError(word)
        return int(self._df[i])

    def __iter__(self) -> Iterator[str]:
        return (self._word(i) for i in range(self._n))

    def df(self, word: str) -> int:
        """The number of documents holding ``word``; 0 for a word not in the vocabulary."""
        i = self._index(word)
        return 0 if i is None else int(self._df[i])

    def words_with_prefix(self, prefix: str) -> list[str]:
        """The words starting with ``prefix``, in order (all words for "")."""
        key = prefix.encode("utf-8", "surrogatepass")
        lo = bisect.bisect_left(self._sequence, key)
        hi = bisect.bisect_right(self._sequence, key, lo=lo, key=lambda b: b[: len(key)])
        return [self._word(i) for i in range(lo, hi)]

    def typo_variants(self, word: str, max_distance: int | None = None) -> list[str]:
        """``spelling.fuzzy_variants(word, self, max_distance)``, found through the table.

        Args:
            word: A query word (compared lowercased).
            max_distance: Edits allowed; defaults to ``max_typos(word)``.

        Returns:
            The words other than ``word`` within the distance that share its first
            letter, nearest first, then alphabetically.

        Raises:
            IndexDamagedError: The table points outside the vocabulary.
        """
        lowered = word.lower()
        limit = max_typos(lowered) if max_distance is None else max_distance
        if not lowered or limit <= 0:
            return []
        if not self._covers(len(lowered), limit):
            return fuzzy_variants(word, self.words_with_prefix(lowered[:1]), limit)
        hashes = np.array([delete_hash(d) for d in deletes(lowered, limit)], dtype="<u8")
        lo = np.searchsorted(self._keys, hashes, side="left")
        hi = np.searchsorted(self._keys, hashes, side="right")
        found: set[int] = set()
        for a, b in zip(lo.tolist(), hi.tolist()):
            found.update(self._ids[a:b].tolist())
        if found and max(found) >= self._n:
            raise self._damaged("the typo table points past the last word")
        return fuzzy_variants(word, [self._word(i) for i in sorted(found)], limit)

    def _covers(self, length: int, limit: int) -> bool:
        # A word of length m within ``limit`` edits of the query is stored under a delete
        # of the query when it was given enough deletes: its own deletes are the edits
        # not spent on the length difference of a longer query (see the module doc).
        if length + limit > self._longest:
            return False
        return all(
            depth(m, self.max_distance) >= limit - max(0, length - m)
            for m in range(max(1, length - limit), length + limit + 1)
        )


def _damaged(path: Path, why: str) -> IndexDamagedError:
    return IndexDamagedError(
        f"the vocabulary file {path} is damaged: {why}; rebuild the index", path=path)
