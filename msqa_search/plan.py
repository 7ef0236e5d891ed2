"""What a query plan is: concepts of weighed alternatives, the tables and statistics a
plan is made from, and the plan as text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import attrs

__all__ = ["Alternative", "Concept", "KnownWords", "Lexicon", "Plan", "TermStats", "describe"]

class TermStats(Protocol):
    """What the planner asks of an index: counts and vocabulary, nothing else."""

    def doc_count(self) -> int:
        """Documents (answers) in the index."""

    def doc_frequency(self, stem: str) -> int:
        """Answers whose body holds ``stem``."""

    def typo_variants(self, word: str) -> list[str]:
        """Raw words of the index within ``spelling.max_typos(word)`` typos of ``word``
        that share its first letter, nearest first (``spelling.fuzzy_variants``)."""


class KnownWords(Protocol):
    """What the planner asks of a speller (lexicon.spelling.Speller is one)."""

    def is_known(self, word: str) -> bool:
        """True for a correctly spelled word: it gets no typo variants, and is one."""

    def is_listed(self, word: str) -> bool:
        """True for a word of the English or medical list."""

    def df(self, word: str) -> int:
        """Documents of the index holding the raw word."""

    def suggest(self, word: str) -> str | None:
        """The correction of an unknown word, or None."""


@attrs.frozen
class Lexicon:
    """The tables a plan is made with."""

    synonyms: Mapping = attrs.field(factory=dict)
    """Stemmed phrase -> its synonyms (stemmed phrases); empty: no synonyms."""
    speller: KnownWords | None = None
    """Known words; None: no typo variants are searched."""


@attrs.frozen
class Alternative:
    """One way a concept can be matched, and how much it counts."""

    stems: tuple[str, ...]
    """Stems that must all be in the answer (one for a word, several for a phrase)."""
    boost: float
    """Its weight beside the words typed (1.0)."""
    source: str = "typed"
    """typed, synonym, part (one word of a phrase), typo, or pattern (a term a wildcard expands to)."""
    word: str = ""
    """The word as it stands in the index, for a typo variant."""


@attrs.frozen
class Concept:
    """One thing the query asks for: a word or phrase and its alternatives, or a pattern."""

    label: str
    """The word, phrase or pattern as it is searched."""
    alternatives: tuple[Alternative, ...] = attrs.field(converter=tuple)
    """The alternatives; the concept scores as the best of them, never their sum."""
    fields: tuple[str, ...] | None = None
    """The text fields it is scored in; None: all of them."""
    patterns: tuple[Any, ...] = ()
    """For a pattern (``neuro*``): the Whoosh leaves, expanded to terms against the index
    when the search runs; ``alternatives`` is then empty."""


@attrs.frozen
class Plan:
    """What will be searched and how it is scored; ``str(plan)`` explains it."""

    text: str
    """The query as typed."""
    concepts: tuple[Concept, ...] = attrs.field(converter=tuple)
    """What is scored, for every kind of query."""
    query: Any = None
    """The Whoosh query of an expert query (what it matches); None for plain words,
    which match any answer holding a concept."""
    terms: frozenset[str] = frozenset()
    """Stems to mark wherever they stand."""
    phrases: frozenset[tuple[str, ...]] = frozenset()
    """Stem sequences to mark only where they stand together."""
    patterns: tuple[Any, ...] = ()
    """Wildcard and prefix leaves, expanded against the index when highlighting."""
    excluded: tuple[str, ...] = ()
    """Words and phrases an expert query excludes."""
    filters: tuple[str, ...] = ()
    """The expert query's terms in fields that are not text (``doctor:klein``)."""

    @property
    def expert(self) -> bool:
        return self.query is not None

    def __str__(self) -> str:
        return describe(self)


def describe(plan: Plan) -> str:
    """The plan as text: each concept with its alternatives and their weights."""
    kind = "expert query: Whoosh decides what matches" if plan.expert else "plain words: each optional"
    lines = [f"query: {plan.text}", f"  {kind}; answers matching more concepts rank higher"]
    for n, concept in enumerate(plan.concepts, start=1):
        where = f" (in {', '.join(concept.fields)})" if concept.fields else ""
        lines.append(f"concept {n}: {concept.label}{where}")
        if concept.patterns:
            lines.append(f"  {concept.label:<28} pattern: the index's terms it matches, when searched")
        for alt in concept.alternatives:
            what = alt.source if alt.source != "typo" else f"typo: {alt.word}"
            lines.append(f"  {' '.join(alt.stems):<28} weight {alt.boost:.3f}  ({what})")
    for word in plan.excluded:
        lines.append(f"excluded: {word}")
    for term in plan.filters:
        lines.append(f"filter: {term}")
    return "\n".join(lines)
