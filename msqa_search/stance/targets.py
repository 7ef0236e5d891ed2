"""Targets of a question, and which sentences speak of them, through the synonym groups.

A *concept* is a synonym group, named by its first phrase ("botox" for "botox cosmetic",
"filler" for "dermal fillers"); a phrase that only appears in rules is its own concept
("restylane"). Rules link kinds: "filler => hyaluronic acid filler => restylane", so a
sentence about fillers speaks of Restylane too, and one about Restylane of fillers, but
one about Sculptra does not speak of Restylane.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import attrs

from .cues import load_cues
from .text import stem, tokens
from ..lexicon.synonym_file import load_synonyms
from ..lexicon.synonyms import Phrase, phrase_words

__all__ = [
    "ConceptTable",
    "TargetScope",
    "clauses_by_treatment",
    "concept_table",
    "question_targets",
    "sentences_on_target",
    "target_scope",
]

# Pronouns that carry the previous sentence's treatment into a sentence naming none.
_ANAPHORS = frozenset({"it", "its", "they", "them", "these", "those", "both", "that"})


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


@lru_cache(maxsize=4096)
def question_targets(question: str) -> tuple[str, ...]:
    """The treatments or actions a question names, found through the synonym groups.

    The patient's condition ("MS"), body areas, complications and people are not
    targets (the ``nontarget`` cues). Each concept is named once, by its group's first
    phrase, in the order the question first names it.

    Args:
        question: A question ("Having Restylane or Botox despite MS?") or a claim.

    Returns:
        E.g. ``("restylane", "botox")``; ``()`` when it names no known treatment.
    """
    table = concept_table()
    found: list[Phrase] = []
    for concept in table.find(phrase_words(question)):
        if concept not in table.nontarget and concept not in found:
            found.append(concept)
    return tuple(" ".join(c) for c in found)


@attrs.frozen(kw_only=True)
class TargetScope:
    """What counts as speaking of one target, for one question or claim."""

    related: frozenset[Phrase]
    """Concepts whose mention ties a sentence to the target."""
    exclusive: bool
    """True when the target is a treatment: a sentence naming only other treatments
    is then not about it. A target that is an outcome ("bruise", "normal") is spoken
    of by every sentence, whatever remedies it names."""
    own: tuple[str, ...] = ()
    """Stems of the target's own words, for a treatment the synonym groups do not know
    ("subcision"): a sentence using one speaks of it."""


@lru_cache(maxsize=4096)
def target_scope(target: str, question: str, *, treatment: bool = False) -> TargetScope:
    """The concepts that tie a sentence to ``target`` when judging ``question``.

    When the target is a treatment, they are its relatives and the other concepts the
    question names that are not another of its targets; a concept sharing a word with
    one of them counts too ("tca" with "tca peel"). An empty target, or one that
    is no known treatment, ties every sentence.
    """
    table = concept_table()
    concept = table.resolve(target)
    known = concept in table.related and concept not in table.nontarget
    own: tuple[str, ...] = ()
    if target and not known and treatment:
        own = _own_stems(target, question)
        if not own:
            return TargetScope(related=frozenset(), exclusive=False)
        related: set[Phrase] = set()
    elif not target or not known:
        return TargetScope(related=frozenset(), exclusive=False)
    else:
        related = set(table.relatives(concept))
    others: set[Phrase] = set()
    for name in question_targets(question):
        other = table.resolve(name)
        if other not in related and (own or _coordinated(question, related, other)):
            others.update(table.relatives(other))
    for mentioned in table.find(phrase_words(question)):
        if mentioned not in others:
            related.add(mentioned)
    return TargetScope(related=frozenset(related), exclusive=True, own=own)


#: Words that join alternatives: "Restylane or Botox", "Restylane nor Botox".
_JOINS = frozenset({"or", "and", "nor", "vs", "versus"})


def _coordinated(question: str, related: set[Phrase], other: Phrase) -> bool:
    """Whether the question names ``other`` as an alternative to the target ("Restylane
    or Botox?"), not as part of the same claim ("HA filler in the Sculptra area")."""
    words = phrase_words(question)
    spans = concept_table().spans(words)
    mine = [(a, b) for a, b, c in spans if c in related]
    theirs = [(a, b) for a, b, c in spans if c == other]
    for a, b in mine:
        for c, d in theirs:
            gap = words[b:c] if b <= c else words[d:a]
            if 1 <= len(gap) <= 2 and _JOINS.intersection(gap):
                return True
    return False


def _own_stems(target: str, question: str) -> tuple[str, ...]:
    """Stems of an unknown target's words that the question itself uses."""
    said = {stem(w) for w in tokens(question)}
    return tuple(
        s for w in tokens(target) if w.isalpha() and len(w) >= 4 and (s := stem(w)) in said
    )


def _ties(concept: Phrase, scope: TargetScope) -> bool:
    if concept in scope.related:
        return True
    words = set(concept)
    return any(words.intersection(r) for r in scope.related)


#: Where one sentence turns from one treatment to another: "Restylane is fine, but I
#: would avoid Botox". Only a turn that names a different treatment splits a sentence.
_TURN = re.compile(r"(?:[,;]\s*|\s+)(?=(?:but|however|whereas|while|although|yet)\b)|;\s+", re.IGNORECASE)


def clauses_by_treatment(sentence: str, scope: TargetScope) -> list[str]:
    """A sentence cut where it turns from one treatment to another, or the sentence.

    "Restylane is fine with MS, but I would avoid Botox" gives two clauses, so that each
    treatment is judged on its own; a turn between clauses that name the same
    treatments, or none, leaves the sentence whole. Only for a treatment target.
    """
    if not scope.exclusive:
        return [sentence]
    pieces = [p for p in _TURN.split(sentence) if p and p.strip()]
    if len(pieces) < 2:
        return [sentence]
    table = concept_table()
    named = [
        frozenset(c for c in table.find(phrase_words(p)) if c not in table.nontarget) for p in pieces
    ]
    if len({n for n in named if n}) < 2:
        return [sentence]
    return pieces


def sentences_on_target(sentences: Iterable[str], scope: TargetScope) -> list[bool]:
    """For each sentence, whether it may speak of the target.

    A sentence that names treatments speaks of the target when one of them is tied
    to it. A sentence naming none speaks of every target, except that one with a
    pronoun ("it", "they") speaks of what the sentence before it spoke of.
    """
    sentences = list(sentences)
    if not scope.exclusive:
        return [True] * len(sentences)
    table = concept_table()
    flags = []
    carried: bool | None = None
    for sentence in sentences:
        words = phrase_words(sentence)
        named = [c for c in table.find(words) if c not in table.nontarget]
        if scope.own and any(stem(w) in scope.own for w in tokens(sentence)):
            on = carried = True
        elif named:
            on = any(_ties(c, scope) for c in named)
            carried = on
        elif carried is not None and _ANAPHORS.intersection(words):
            on = carried
        else:
            on = True
            carried = None
        flags.append(on)
    return flags
