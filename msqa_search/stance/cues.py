"""The stance cue lexicon: load data/stance_cues.txt and find its cues among words.

The file format is described in the header of ``data/stance_cues.txt``::

    against: avoid, is contraindicated      # cues of a kind, strength 3
    for 1: no evidence                      # strength 1 (weak)
    deferral: ask your {CLINICIAN}          # {CLINICIAN}: every "clinician" word
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources

import attrs

from ..errors import CueFileError
from .text import stem, tokens

__all__ = [
    "KINDS",
    "LIST_KINDS",
    "MODIFIER_KINDS",
    "POLAR_KINDS",
    "SCOPE_KINDS",
    "Cue",
    "CueLexicon",
    "Match",
    "load_cues",
    "parse_cues",
]

POLAR_KINDS = {
    "for": 1, "against": -1, "normal+": 1, "normal-": -1,
    "resolve+": 1, "resolve-": -1, "cause+": 1, "cause-": -1, "reply": 1,
}
"""Kinds that take a position, and its direction (+1 yes, -1 no)."""

SCOPE_KINDS = frozenset({"negation", "after", "pseudo", "terminator", "purpose", "neutral"})
MODIFIER_KINDS = frozenset({
    "condition", "condition-exception", "clearance", "deferral", "boilerplate",
    "urgent", "depends", "hedge",
})
LIST_KINDS = frozenset({
    "clinician", "claim-normal", "claim-resolve", "claim-cause", "nontarget", "permission",
    "timing", "skip", "restate", "minority", "frequency",
})
KINDS = frozenset(POLAR_KINDS) | SCOPE_KINDS | MODIFIER_KINDS | LIST_KINDS

_LINE = re.compile(r"^([a-z+\-]+)\s*([123])?\s*:(.*)$")




@attrs.frozen(kw_only=True)
class Cue:
    """One cue phrase of the lexicon."""

    kind: str
    phrase: tuple[str, ...]
    """Its words, as ``stance_text.tokens`` splits them."""
    tier: int = 3
    """Strength from 1 (a risk estimate, routine advice) to 3 (a clear position)."""


@attrs.frozen(kw_only=True)
class Match:
    """A cue found among a sentence's tokens."""

    cue: Cue
    start: int
    end: int
    """Token index just past the cue (a slice end)."""


@attrs.frozen(kw_only=True)
class CueLexicon:
    """Every cue by kind, with a lookup from first word to cues for each layer."""

    cues: tuple[Cue, ...]
    _by_first: dict[str, dict[str, list[Cue]]] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _words: dict[str, frozenset[str]] = attrs.field(
        init=False, factory=dict, repr=False, eq=False, hash=False
    )
    _stemmed: list[CueLexicon] = attrs.field(
        init=False, factory=list, repr=False, eq=False, hash=False
    )
    _merged: dict[tuple[str, ...], dict] = attrs.field(
        init=False, factory=dict, repr=False, eq=False, hash=False
    )

    @_by_first.default
    def _index(self) -> dict[str, dict[str, list[Cue]]]:
        index: dict[str, dict[str, list[Cue]]] = {}
        for cue in self.cues:
            bucket = index.setdefault(cue.kind, {}).setdefault(cue.phrase[0], [])
            bucket.append(cue)
        for by_word in index.values():
            for bucket in by_word.values():
                bucket.sort(key=lambda c: -len(c.phrase))
        return index

    def phrases(self, kind: str) -> tuple[tuple[str, ...], ...]:
        """The phrases of one kind, in file order."""
        return tuple(c.phrase for c in self.cues if c.kind == kind)

    def words(self, kind: str) -> frozenset[str]:
        """The one-word phrases of one kind (read once, then kept)."""
        found = self._words.get(kind)
        if found is None:
            found = self._words[kind] = frozenset(p[0] for p in self.phrases(kind) if len(p) == 1)
        return found

    def stemmed(self) -> CueLexicon:
        """The same cues with every word stemmed (``stance_text.stem``), built once."""
        if not self._stemmed:
            self._stemmed.append(CueLexicon(cues=tuple(
                attrs.evolve(cue, phrase=tuple(stem(w) for w in cue.phrase)) for cue in self.cues
            )))
        return self._stemmed[0]

    def find(self, words: Sequence[str], kinds: Iterable[str]) -> list[Match]:
        """Find cues of the given kinds, left to right, longest first, not overlapping.

        Cues of all the given kinds compete for the same words; where two cues of the
        same length start at one word, the kind listed first in ``kinds`` wins.

        Args:
            words: Tokens from ``stance_text.tokens``.
            kinds: The kinds to look for.

        Returns:
            The matches in order.
        """
        table = self._merged_table(tuple(kinds))
        found = []
        end = 0
        # Only the words that start some cue are tried (most words start none).
        for i in [i for i, word in enumerate(words) if word in table]:
            if i < end:
                continue  # inside the cue found last
            for n, by_phrase in table[words[i]]:
                cue = by_phrase.get(tuple(words[i : i + n]))
                if cue is not None:
                    found.append(Match(cue=cue, start=i, end=i + n))
                    end = i + n
                    break
        return found

    def _merged_table(self, kinds: tuple[str, ...]) -> dict[str, list[tuple[int, dict[tuple[str, ...], Cue]]]]:
        """First word -> for each length of cue starting with it, longest first, the
        cues of ``kinds`` of that length by phrase. Where two kinds have the same
        phrase, the kind listed first in ``kinds`` has it. One lookup per word and
        length instead of one per kind and cue; built once per combination of kinds
        (reading spends most of its time in ``find``)."""
        table = self._merged.get(kinds)
        if table is None:
            lengths: dict[str, dict[int, dict[tuple[str, ...], Cue]]] = {}
            for kind in kinds:
                for word, bucket in self._by_first.get(kind, {}).items():
                    by_length = lengths.setdefault(word, {})
                    for cue in bucket:
                        by_length.setdefault(len(cue.phrase), {}).setdefault(cue.phrase, cue)
            table = {word: sorted(by_length.items(), reverse=True) for word, by_length in lengths.items()}
            self._merged[kinds] = table
        return table


def parse_cues(text: str, *, source: str = "<text>") -> CueLexicon:
    """Build a ``CueLexicon`` from the text of a cue file.

    Args:
        text: Lines in the cue file format.
        source: Name used in error messages.

    Returns:
        The lexicon.

    Raises:
        CueFileError: A line has no kind, an unknown kind, or an empty phrase.
    """
    entries: list[tuple[str, int, str, int]] = []
    clinicians: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = _LINE.match(line)
        if not m:
            raise CueFileError("expected 'KIND: phrase, phrase, ...'", source=source, line=number)
        kind, tier = m.group(1), int(m.group(2) or 3)
        if kind not in KINDS:
            raise CueFileError(f"unknown kind {kind!r}", source=source, line=number)
        for entry in m.group(3).split(","):
            phrase = entry.strip()
            if not phrase:
                if m.group(3).strip().endswith(","):
                    continue  # a list that goes on on the next line
                raise CueFileError("empty phrase (a stray comma?)", source=source, line=number)
            if kind == "clinician":
                clinicians.append(phrase)
            entries.append((kind, tier, phrase, number))
    cues: list[Cue] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for kind, tier, phrase, number in entries:
        for text_ in _expand(phrase, clinicians):
            words = tuple(tokens(text_))
            if not words:
                raise CueFileError(f"no words in {phrase!r}", source=source, line=number)
            if (kind, words) not in seen:
                seen.add((kind, words))
                cues.append(Cue(kind=kind, phrase=words, tier=tier))
    return CueLexicon(cues=tuple(cues))


def _expand(phrase: str, clinicians: list[str]) -> list[str]:
    if "{CLINICIAN}" not in phrase:
        return [phrase]
    return [phrase.replace("{CLINICIAN}", c) for c in clinicians]


@lru_cache(maxsize=1)
def load_cues() -> CueLexicon:
    """The shipped cue lexicon, read once per process.

    Raises:
        CueFileError: The shipped file has a bad line (a packaging fault).
    """
    shipped = resources.files("msqa_search").joinpath("data", "stance_cues.txt")
    return parse_cues(shipped.read_text(encoding="utf-8"), source="stance_cues.txt")
