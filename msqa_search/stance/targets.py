"""Targets of a question, and which sentences speak of them, through the concepts.

The concepts are the synonym file's groups and kind-of links (``concepts``): a
sentence about fillers speaks of Restylane, one about Sculptra does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import attrs

from ..lexicon.synonyms import Phrase, phrase_words
from .concepts import concept_table
from .text import stem, tokens

__all__ = [
    "TargetScope",
    "clauses_by_treatment",
    "question_targets",
    "sentences_on_target",
    "target_scope",
]

# Pronouns that carry the previous sentence's treatment into a sentence naming none.
_ANAPHORS = frozenset({"it", "its", "they", "them", "these", "those", "both", "that"})


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
