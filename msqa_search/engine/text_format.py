"""The posting format of the text fields: Whoosh's ``Positions``, computed in one pass.

Whoosh's ``Positions.word_values`` pulls Token objects through a generator chain and
pickles each term's position list; indexing spent a third of its time there. For text
analysed by ``TextAnalyzer`` this reads the terms straight from ``TextAnalyzer.terms``,
reuses the encoded postings of a value indexed just before (each answer of a thread
repeats its question), and encodes a term found once from a table. The postings are
byte for byte those of ``Positions``; any other analyzer or value takes Whoosh's path.
"""

from __future__ import annotations

from pickle import dumps

from whoosh.formats import Positions
from whoosh.system import pack_uint

from .analysis import TextAnalyzer

__all__ = ["TextPositions"]

# Encoded postings of a term found once, by position: most terms of an answer are.
_ONCE = tuple(pack_uint(1) + dumps([pos], 2) for pos in range(4096))
# The last value indexed and its postings: ((value, analyzer, field boost), postings).
_last: tuple = (None, None)


class TextPositions(Positions):
    """``Positions`` with a fast path for ``TextAnalyzer`` (see the module docstring)."""

    def word_values(self, value, analyzer, **kwargs):
        if type(analyzer) is not TextAnalyzer or not isinstance(value, str) or kwargs.keys() - {"mode"}:
            return super().word_values(value, analyzer, **kwargs)
        global _last
        key = (value, analyzer, self.field_boost)
        last, found = _last
        if last != key:
            found = self._postings(analyzer.terms(value))
            _last = (key, found)
        return found

    def _postings(self, terms: list[str]) -> list[tuple[str, int, float, bytes]]:
        """(term, frequency, weight, encoded positions) per distinct term, in order of
        first occurrence, as ``Positions.word_values`` yields them."""
        poses: dict[str, list[int]] = {}
        for pos, term in enumerate(terms):
            found = poses.get(term)
            if found is None:
                poses[term] = [pos]
            else:
                found.append(pos)
        boost = self.field_boost
        once, limit = _ONCE, len(_ONCE)
        out = []
        for term, positions in poses.items():
            n = len(positions)
            if n == 1 and positions[0] < limit:
                out.append((term, 1, 1.0 * boost, once[positions[0]]))
            else:
                out.append((term, n, float(n) * boost, self.encode(positions)))
        return out
