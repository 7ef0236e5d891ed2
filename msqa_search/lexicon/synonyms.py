"""Medical synonyms: the merged map of groups and rules, and finding its phrases in words.

The files are read by ``synonym_file`` and, rewritten (stemmed), cached by
``synonym_cache``.

Expansion follows groups and rules transitively: "neurotoxin" finds "botox" through a
rule, and then "botulinum toxin" through botox's group; "restylane" finds nothing, since
no group or rule starts from it.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence

import attrs


__all__ = ["Expansion", "HONORIFICS", "Phrase", "PhraseTable", "SynonymMap", "phrase_words", "split_words"]

Phrase = tuple[str, ...]
"""A phrase as its lowercased words, e.g. ``("botulinum", "toxin")``."""

# The same words as Whoosh's default RegexTokenizer, so file entries split like queries.
_WORD = re.compile(r"\w+(?:\.?\w+)*")

HONORIFICS = frozenset({"ms"})
"""Words that are a title when typed as one ("Ms. Smith"), see ``SynonymMap.expand``."""




@attrs.frozen(kw_only=True)
class Expansion:
    """A phrase of the synonym map found in a query, and what else it stands for."""

    start: int
    """Index of the phrase's first word in the query's words."""
    end: int
    """Index just past the phrase's last word (a slice end)."""
    phrase: Phrase
    """The words matched, lowercased."""
    alternatives: tuple[Phrase, ...]
    """The phrases it also stands for, never itself, nearest first."""


def phrase_words(text: str) -> Phrase:
    """Split a phrase into lowercased words the way queries are split.

    Args:
        text: A phrase such as ``"Lou Gehrig's disease"``.

    Returns:
        Its words, e.g. ``("lou", "gehrig", "s", "disease")``.
    """
    return tuple(m.group().lower() for m in _WORD.finditer(text))


def split_words(text: str) -> tuple[list[str], list[str]]:
    """Split a raw query into the ``words`` and ``original`` that ``expand`` takes.

    Args:
        text: The query as the user typed it.

    Returns:
        The lowercased words, and the same words as typed, each keeping a ``.`` that
        directly follows it (``"Ms. Smith"`` gives ``["Ms.", "Smith"]``).
    """
    words: list[str] = []
    original: list[str] = []
    for m in _WORD.finditer(text):
        words.append(m.group().lower())
        dot = text[m.end() : m.end() + 1] == "."
        original.append(m.group() + ("." if dot else ""))
    return words, original


@attrs.frozen(kw_only=True)
class SynonymMap:
    """Synonym groups and one-way rules, with a lookup from each phrase to what it finds.

    Build one with ``load_synonyms`` or ``parse_synonyms``.
    """

    groups: tuple[tuple[Phrase, ...], ...] = ()
    """Equivalence groups in file order; groups sharing a phrase are merged."""
    rules: tuple[tuple[Phrase, tuple[Phrase, ...]], ...] = ()
    """One-way rules as ``(phrase, targets)``, one per left-hand phrase, in file order."""
    _group_of: dict[Phrase, int] = attrs.field(init=False, repr=False, eq=False, hash=False)
    _targets: dict[Phrase, tuple[Phrase, ...]] = attrs.field(init=False, repr=False, eq=False, hash=False)
    _found: dict[Phrase, tuple[Phrase, ...]] = attrs.field(
        init=False, repr=False, eq=False, hash=False, factory=dict
    )
    _longest: int = attrs.field(init=False, repr=False, eq=False, hash=False)

    # What a phrase finds is everything reachable from it in a graph where group members
    # point at each other and rules point one way, in breadth-first order. The graph is
    # never built edge by edge (a group of n phrases has n * n edges): each phrase knows
    # its group, and a group's members are all reached the first time any one is.

    @_group_of.default
    def _build_group_of(self) -> dict[Phrase, int]:
        return {phrase: number for number, group in enumerate(self.groups) for phrase in group}

    @_targets.default
    def _build_targets(self) -> dict[Phrase, tuple[Phrase, ...]]:
        return dict(self.rules)

    @_longest.default
    def _build_longest(self) -> int:
        lefts = (p for p, targets in self.rules if targets)
        return max(map(len, (*self._group_of, *lefts)), default=0)

    @property
    def longest(self) -> int:
        """Words in the longest phrase that finds something."""
        return self._longest

    def phrases(self) -> list[Phrase]:
        """Every phrase that finds something, groups first, in file order."""
        lefts = [p for p, targets in self.rules if targets and p not in self._group_of]
        return [*self._group_of, *lefts]

    def alternatives(self, phrase: Sequence[str]) -> tuple[Phrase, ...]:
        """The phrases that ``phrase`` (its lowercased words) also finds; () if none."""
        start = tuple(phrase)
        found = self._found.get(start)
        if found is None:
            found = self._found[start] = self._reach(start)
        return found

    def _reach(self, start: Phrase) -> tuple[Phrase, ...]:
        if start not in self._group_of and start not in self._targets:
            return ()
        seen, order, queue, expanded = {start}, [], deque([start]), set()
        while queue:
            node = queue.popleft()
            group = self._group_of.get(node)
            nexts: Iterable[Phrase] = ()
            if group is not None and group not in expanded:
                expanded.add(group)
                nexts = self.groups[group]
            for batch in (nexts, self._targets.get(node, ())):
                for nxt in batch:
                    if nxt not in seen:
                        seen.add(nxt)
                        order.append(nxt)
                        queue.append(nxt)
        return tuple(order)

    def expand(
        self, words: Sequence[str], original: Sequence[str] | None = None
    ) -> list[Expansion]:
        """Find the map's phrases among a query's words.

        Scans left to right and takes the longest phrase starting at each word; matches
        do not overlap. Only phrases that stand for something else are reported.

        A word of ``HONORIFICS`` ("ms") is a title, not an abbreviation, and never
        matches, alone or in a phrase, when it was typed in title case ("Ms", not "MS"
        or "ms") and either carries a following dot ("Ms.") or comes before a word typed
        with a capital ("Ms Smith"). Without ``original`` it always matches, as does
        "ms" typed in lower case.

        Args:
            words: The query's words, lowercased (``split_words`` gives them).
            original: The same words as typed, keeping a dot that follows a word.

        Returns:
            One ``Expansion`` per match, in query order.

        Raises:
            ValueError: ``original`` does not have one entry per word.
        """
        words = [w.lower() for w in words]
        if original is not None and len(original) != len(words):
            raise ValueError(
                f"original has {len(original)} words but words has {len(words)}"
            )
        titles = {i for i in range(len(words)) if _is_title(i, words, original)}
        found = []
        i = 0
        while i < len(words):
            for end in range(min(len(words), i + self._longest), i, -1):
                phrase = tuple(words[i:end])
                alternatives = self.alternatives(phrase)
                if alternatives and not titles.intersection(range(i, end)):
                    found.append(
                        Expansion(start=i, end=end, phrase=phrase, alternatives=alternatives)
                    )
                    i = end
                    break
            else:
                i += 1
        return found


def _is_title(i: int, words: Sequence[str], original: Sequence[str] | None) -> bool:
    if original is None or words[i] not in HONORIFICS:
        return False
    typed = original[i]
    if not typed.rstrip(".").istitle():
        return False
    if typed.endswith("."):
        return True
    following = original[i + 1] if i + 1 < len(original) else ""
    return following[:1].isupper()


class PhraseTable(Mapping):
    """A read-only mapping phrase -> alternatives over a ``SynonymMap``, computed per
    phrase when first asked for (never all at once: one group of n phrases would make
    n * n entries)."""

    def __init__(self, synonyms: SynonymMap):
        self.synonyms = synonyms
        self.longest = synonyms.longest

    def __getitem__(self, phrase: Phrase) -> tuple[Phrase, ...]:
        found = self.synonyms.alternatives(phrase)
        if not found:
            raise KeyError(phrase)
        return found

    def __iter__(self):
        return iter(self.synonyms.phrases())

    def __len__(self) -> int:
        return len(self.synonyms.phrases())
