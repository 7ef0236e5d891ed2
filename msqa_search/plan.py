"""What a query plan is: concepts of weighed alternatives, the tables and statistics a
plan is made from, how alternatives are weighed and how many concepts must match, and
the plan as text."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import attrs

from .errors import SearchOptionError
from .lexicon.function_words import function_words

__all__ = [
    "KEEP_BEST",
    "MATCH_RULES",
    "MOST_FROM",
    "MOST_SHARE",
    "Alternative",
    "Concept",
    "KnownWords",
    "Lexicon",
    "Plan",
    "TermStats",
    "Weigher",
    "describe",
    "required_concepts",
]

#: How many of a plain query's topical words an answer must hold (see ``Plan.required``).
MATCH_RULES = ("most", "any", "all")

#: match="most": from MOST_FROM topical concepts on, an answer must hold MOST_SHARE of
#: them, rounded up (Elasticsearch's minimum_should_match "75%" rounds down, 2 of 3; see
#: required_concepts), or score among the KEEP_BEST best answers, whatever it lacks, so
#: the rule never hides the first page's best answers (every rule tried that did cost
#: NFCorpus nDCG@10, docs/performance.md). "all" keeps none that way.
MOST_SHARE = 0.75
MOST_FROM = 3
KEEP_BEST = 10


def required_concepts(match: str, topical: int) -> int:
    """How many of ``topical`` concepts an answer of a plain query must match.

    "any": one; "all": every one; "most": one below MOST_FROM topical concepts, and
    from there ceil(MOST_SHARE * topical) (3 of 3, 3 of 4, 4 of 5, 5 of 6).

    Raises:
        SearchOptionError: ``match`` is not one of MATCH_RULES.
    """
    if match not in MATCH_RULES:
        raise SearchOptionError(f"match must be one of {', '.join(MATCH_RULES)}, not {match!r}")
    if topical <= 1 or match == "any":
        return 1
    if match == "all":
        return topical
    return 1 if topical < MOST_FROM else math.ceil(MOST_SHARE * topical - 1e-9)


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
    function_words: frozenset[str] = attrs.field(factory=function_words)
    """Words that carry no topic (lowercased, as typed): they weigh by idf but count
    neither as words matched nor as highlights; by default the shipped list."""


@attrs.frozen
class Alternative:
    """One way a concept can be matched, and how much it counts."""

    stems: tuple[str, ...]
    """Stems that must all be in the answer (one for a word, several for a phrase)."""
    boost: float
    """Its weight beside the words typed (1.0)."""
    source: str = "typed"
    """typed, synonym, part (one word of a phrase), typo, or pattern (a term a wildcard expands to)."""

    @property
    def counts(self) -> bool:
        """False for a part of a phrase: an answer holding only the part matches when
        the part is specific to the phrase in the index (ranking.PART_SHARE), and then
        scores below every answer holding the phrase (ranking.PART_CAP); it is not
        highlighted."""
        return self.source != "part"
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
    topical: bool = True
    """False for a word that carries no topic ("long", "after"): it scores by BM25 (its
    idf), but does not count for coordination, minimum-should-match or highlights."""


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
    unmarked: frozenset[str] = frozenset()
    """The function words inside ``phrases``: never highlighted, even there."""
    match: str = "most"
    """The match rule asked for: "any", "all" or "most" (``MATCH_RULES``)."""
    required: int = 1
    """How many topical concepts a plain query's answer must match (from ``match``);
    an expert query matches what its syntax says."""

    @property
    def expert(self) -> bool:
        return self.query is not None

    def __str__(self) -> str:
        return describe(self)


def describe(plan: Plan) -> str:
    """The plan as text: each concept with its alternatives and their weights."""
    topical = sum(c.topical for c in plan.concepts)
    if plan.expert:
        lines = [f"query: {plan.text}", "  expert query: Whoosh decides what matches; answers matching more concepts rank higher"]
    else:
        best = f", or score among the {KEEP_BEST} best" if plan.match == "most" and plan.required > 1 else ""
        lines = [f"query: {plan.text}",
                 f"  plain words, match {plan.match}: answers hold {plan.required} of the {topical} topical concepts{best}",
                 "  answers matching more topical concepts rank higher"]
    for n, concept in enumerate(plan.concepts, start=1):
        where = f" (in {', '.join(concept.fields)})" if concept.fields else ""
        role = "" if concept.topical else " (not topical: weighs by idf, not counted, not highlighted)"
        lines.append(f"concept {n}: {concept.label}{where}{role}")
        if concept.patterns:
            lines.append(f"  {concept.label:<28} pattern: the index's terms it matches, when searched")
        for alt in concept.alternatives:
            what = {"typo": f"typo: {alt.word}", "part": "part: alone only where specific to the phrase"}.get(
                alt.source, alt.source)
            lines.append(f"  {' '.join(alt.stems):<28} weight {alt.boost:.3f}  ({what})")
    for word in plan.excluded:
        lines.append(f"excluded: {word}")
    for term in plan.filters:
        lines.append(f"filter: {term}")
    return "\n".join(lines)


class Weigher:
    """The boost of an alternative, scaled so that it never outscores the words typed.

    A synonym or a misspelling is usually rarer than the word typed, and BM25 rewards
    rarity: unscaled, an answer saying "Botox Cosmetic" would outrank one discussing
    Botox at length. Each stem's idf is the BM25 idf of the answers' bodies; a phrase's is
    the sum of its words' (roughly how a phrase scores).
    """

    def __init__(self, stats: TermStats) -> None:
        self.stats = stats
        self.documents = None
        self.idf: dict[str, float] = {}

    def _idf(self, stems: Sequence[str]) -> float:
        if self.documents is None:
            self.documents = max(self.stats.doc_count(), 1)
        total = 0.0
        for word in stems:
            value = self.idf.get(word)
            if value is None:
                df = self.stats.doc_frequency(word)
                value = self.idf[word] = math.log(1 + (self.documents - df + 0.5) / (df + 0.5))
            total += value
        return total

    def __call__(self, typed: Sequence[str], alternative: Sequence[str], boost: float) -> float:
        return boost * min(1.0, self._idf(typed) / max(self._idf(alternative), 1e-9))
