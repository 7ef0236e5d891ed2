"""Concepts of the synonym file: phrases mapped to their group, with the kind-of links.

A *concept* is a synonym group, named by its first phrase ("botox" for "botox cosmetic",
"filler" for "dermal fillers"); a phrase that only appears in rules is its own concept
("restylane"). Rules link kinds: "filler => hyaluronic acid filler => restylane", so a
sentence about fillers speaks of Restylane too, and one about Restylane of fillers, but
one about Sculptra does not speak of Restylane.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import attrs

from ..lexicon.synonym_file import load_synonyms
from ..lexicon.synonyms import Phrase, phrase_words
from .cues import load_cues

__all__ = ["ConceptTable", "concept_table"]


@attrs.frozen(kw_only=True)
class ConceptTable:
    """Synonym phrases mapped to concepts, with the kind-of links between concepts."""

    concept_of: dict[Phrase, Phrase]
    related: dict[Phrase, frozenset[Phrase]]
    """Concept -> itself, its kinds (rules downward) and what it is a kind of (upward)."""
    nontarget: frozenset[Phrase]
    longest: int
    _starts: dict[str, int] = attrs.field(init=False, repr=False, eq=False, hash=False)
    """First word -> the longest phrase starting with it."""

    @_starts.default
    def _first_words(self) -> dict[str, int]:
        starts: dict[str, int] = {}
        for phrase in self.concept_of:
            if phrase:
                starts[phrase[0]] = max(starts.get(phrase[0], 0), len(phrase))
        return starts

    def find(self, words: Sequence[str]) -> list[Phrase]:
        """The concepts named in a text's words (from ``phrase_words``), in order."""
        return [concept for _, _, concept in self.spans(words)]

    def spans(self, words: Sequence[str]) -> list[tuple[int, int, Phrase]]:
        """(start, end, concept) of each concept named in a text's words, in order."""
        found = []
        starts = self._starts
        i = 0
        while i < len(words):
            longest = starts.get(words[i])
            if longest is None:  # no phrase starts with this word
                i += 1
                continue
            for end in range(min(len(words), i + longest), i, -1):
                concept = self.concept_of.get(tuple(words[i:end]))
                if concept is not None:
                    found.append((i, end, concept))
                    i = end
                    break
            else:
                i += 1
        return found

    def resolve(self, target: str) -> Phrase:
        """The concept a target names; an unknown target is a concept of its own words."""
        words = phrase_words(target)
        return self.concept_of.get(words, words)

    def relatives(self, concept: Phrase) -> frozenset[Phrase]:
        """The concept and the concepts linked to it by rules, either way."""
        return self.related.get(concept, frozenset({concept}))


@lru_cache(maxsize=1)
def concept_table() -> ConceptTable:
    """The concepts of the shipped synonym file, built once per process."""
    synonyms = load_synonyms()
    concept_of: dict[Phrase, Phrase] = {}
    for group in synonyms.groups:
        for phrase in group:
            concept_of.setdefault(phrase, group[0])
    for left, rights in synonyms.rules:
        for phrase in (left, *rights):
            concept_of.setdefault(phrase, phrase)
    down: dict[Phrase, set[Phrase]] = {}
    for left, rights in synonyms.rules:
        down.setdefault(concept_of[left], set()).update(concept_of[r] for r in rights)
    closed = {c: _reach(c, down) for c in set(concept_of.values())}
    related: dict[Phrase, set[Phrase]] = {c: {c} | reach for c, reach in closed.items()}
    for concept, reach in closed.items():
        for lower in reach:
            related[lower].add(concept)
    cues = load_cues()
    nontarget = set()
    for phrase in cues.phrases("nontarget"):
        words = phrase_words(" ".join(phrase))
        nontarget.add(concept_of.get(words, words))
    return ConceptTable(
        concept_of=concept_of,
        related={c: frozenset(r) for c, r in related.items()},
        nontarget=frozenset(nontarget),
        longest=max(map(len, concept_of), default=1),
    )


def _reach(start: Phrase, down: dict[Phrase, set[Phrase]]) -> set[Phrase]:
    seen: set[Phrase] = set()
    stack = list(down.get(start, ()))
    while stack:
        concept = stack.pop()
        if concept not in seen and concept != start:
            seen.add(concept)
            stack.extend(down.get(concept, ()))
    return seen
