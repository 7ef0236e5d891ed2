"""The query planner: what a person types -> a Plan of concepts, a pure function.

``plan(text, lexicon, stats)`` needs no open index: the synonym table and the speller
come in a Lexicon, and document frequencies and typo candidates from any TermStats (an
open generation's Snapshot is one; tests pass a small fake). Plain words are searched
the way a patient types them: every word is optional, and each word (or phrase with
synonyms) is one *concept* whose alternatives are the words typed, their medical
synonyms and the corpus's misspellings of them. Queries that use phrases,
``field:value``, AND/OR/NOT or ``+``/``-`` are parsed with Whoosh's query parser, which
decides what they match; every query kind is scored from its concepts (ranking.py).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from functools import lru_cache

import attrs

from .engine.analysis import raw_analyzer, stem, stemmed_analyzer
from .engine.expert import (
    SYNONYM_BOOST,
    excluded_words,
    field_filters,
    highlight_plan,
    is_expert,
    is_nothing,
    parse_expert,
    scored_leaves,
    with_synonyms,
)
from .engine.schema import TEXT_FIELDS
from .errors import QuerySyntaxError
from .lexicon.synonym_cache import derived_synonyms
from .lexicon.synonyms import PhraseTable
from .lexicon.typo_variants import typo_variants
from .plan import (
    Alternative,
    Concept,
    KnownWords,
    Lexicon,
    Plan,
    TermStats,
    Weigher,
    required_concepts,
)

__all__ = [
    "MAX_EXPANSIONS",
    "MAX_QUERY_CHARS",
    "MAX_TYPOS",
    "MAX_WORDS",
    "PART_BOOST",
    "SYNONYM_BOOST",
    "TYPO_BOOST",
    "Word",
    "lexicon",
    "plan",
    "query_words",
    "synonym_files",
]

MAX_QUERY_CHARS = 4000
MAX_WORDS = 64
#: Terms a wildcard, prefix, fuzzy term or range may expand to (as Lucene's
#: maxClauseCount, 1024 by default); past it, the first ones in term order are searched
#: (as Elasticsearch's max_expansions) and the results carry a notice.
MAX_EXPANSIONS = 1024
TYPO_BOOST = 0.25
PART_BOOST = 0.4
#: Misspellings of a word searched with it, at most.
MAX_TYPOS = 8
def lexicon(speller: KnownWords | None, *, synonyms: bool = True) -> Lexicon:
    """The shipped synonyms (and MSQA_SEARCH_SYNONYMS files) with ``speller``; with
    ``synonyms=False``, neither synonyms nor typo variants."""
    if not synonyms:
        return Lexicon()
    return Lexicon(synonyms=_synonym_table(synonym_files()), speller=speller)


@attrs.frozen
class Word:
    """One word of a plain query: as typed, lowercased, and stemmed."""

    typed: str
    raw: str
    stem: str


def query_words(text: str) -> list[Word]:
    """The searchable words of ``text``: function words dropped, at most MAX_WORDS."""
    words = []
    for token in raw_analyzer()(text, chars=True, removestops=True):
        words.append(Word(text[token.startchar:token.endchar], token.text, stem(token.text)))
    return words[:MAX_WORDS]


@lru_cache(maxsize=4)
def _synonym_table(extra: tuple[str, ...] = ()) -> PhraseTable:
    """The synonym map in stemmed words, so "fillers" finds what "filler" finds (merged
    once per file content, see ``derived_synonyms``)."""
    synonyms = derived_synonyms(extra, lambda phrase: _stem_phrase(" ".join(phrase)), tag="stemmed")
    return PhraseTable(synonyms)


def _stem_phrase(text: str) -> tuple[str, ...]:
    return tuple(t.text for t in stemmed_analyzer()(text))


def synonym_files() -> tuple[str, ...]:
    """User synonym files named by MSQA_SEARCH_SYNONYMS (separated like PATH)."""
    value = os.environ.get("MSQA_SEARCH_SYNONYMS", "")
    return tuple(p for p in value.split(os.pathsep) if p)


def _expansions(stems: Sequence[str], table) -> list[tuple[int, int, tuple[tuple[str, ...], ...]]]:
    longest = getattr(table, "longest", None)
    if longest is None:
        longest = max(map(len, table), default=0)
    found, i = [], 0
    while i < len(stems):
        for end in range(min(len(stems), i + longest), i, -1):
            alternatives = table.get(tuple(stems[i:end]))
            if alternatives:
                found.append((i, end, alternatives))
                i = end
                break
        else:
            i += 1
    return found


def plan(text: str, lexicon: Lexicon, stats: TermStats, match: str = "most") -> Plan:
    """Plan the search of ``text``: a pure function of the text, the lexicon and the
    term statistics.

    Words that carry no topic (``Lexicon.function_words``) are concepts marked not
    topical; ``match`` says how many of the topical ones a plain query's answers must
    hold (``required_concepts``).

    Raises:
        QuerySyntaxError: the query is empty, too long, or cannot be parsed.
        SearchOptionError: ``match`` is not one of MATCH_RULES.
    """
    required_concepts(match, 1)
    if not text or not text.strip():
        raise QuerySyntaxError("the query is empty", query=text or "", hint="Type some words to search for")
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(
            f"the query is {len(text):,} characters long", query=text[:80] + "...",
            hint=f"Use at most {MAX_QUERY_CHARS:,} characters; a few distinctive words work best",
        )
    typed = text
    text = "".join(c if c.isprintable() else " " for c in text)
    weigh = Weigher(stats)
    if not is_expert(text):
        concepts = _topical(_plain_concepts(text, lexicon, stats, weigh), lexicon)
        if not concepts:
            raise _nothing_to_search(text)
        # Highlights: the topical concepts' words and phrases, never a part of a phrase alone.
        alternatives = [a.stems for c in concepts if c.topical for a in c.alternatives if a.counts]
        phrases = frozenset(s for s in alternatives if len(s) > 1)
        return Plan(
            typed, concepts,
            terms=frozenset(s[0] for s in alternatives if len(s) == 1),
            phrases=phrases, unmarked=_unmarked(phrases, lexicon),
            match=match, required=required_concepts(match, sum(c.topical for c in concepts)),
        )
    q = parse_expert(text, MAX_WORDS)
    if is_nothing(q):
        raise _nothing_to_search(text)
    concepts = _topical(_expert_concepts(scored_leaves(q), lexicon.synonyms, weigh), lexicon)
    excluded, filters = excluded_words(q), field_filters(q)
    if lexicon.synonyms:
        q = with_synonyms(q, lexicon.synonyms)
    terms, phrases, patterns = highlight_plan(q)
    untopical = {c.alternatives[0].stems[0] for c in concepts if not c.topical}
    # Whoosh decides which documents match an expert query; they are scored from the
    # concepts, as plain words are.
    return Plan(typed, concepts, q, frozenset(terms) - untopical, frozenset(phrases), tuple(patterns), excluded,
                filters, unmarked=_unmarked(phrases, lexicon), match=match)


def _topical(concepts: tuple[Concept, ...], lexicon: Lexicon) -> tuple[Concept, ...]:
    """The concepts with the one-word ones whose word carries no topic marked so; when
    no concept carries a topic ("how long"), all of them count."""
    words = _function_stems(lexicon.function_words)
    marked = tuple(
        attrs.evolve(c, topical=False)
        if not c.patterns and c.alternatives and len(c.alternatives[0].stems) == 1 and c.alternatives[0].stems[0] in words
        else c
        for c in concepts
    )
    return marked if any(c.topical for c in marked) else concepts


def _unmarked(phrases, lexicon: Lexicon) -> frozenset[str]:
    """The function words inside the phrases to highlight ("under" of "under eyes")."""
    words = _function_stems(lexicon.function_words)
    return frozenset(w for phrase in phrases for w in phrase if w in words)


@lru_cache(maxsize=4)
def _function_stems(words: frozenset[str]) -> frozenset[str]:
    return frozenset(stem(w) for w in words)


def _nothing_to_search(text: str) -> QuerySyntaxError:
    return QuerySyntaxError(
        "the query has no words to search for", query=text,
        hint="Function words such as 'the' or 'can' and lone operators are not searched; add a word that carries meaning",
    )


def _new_stems(variants: list[str], typed: tuple[str, ...]) -> list[str]:
    """The variants whose stem is neither typed nor an earlier variant's ("spasms" adds
    nothing to "spasm")."""
    seen, found = set(typed), []
    for v in variants:
        if stem(v) not in seen:
            seen.add(stem(v))
            found.append(v)
    return found


def _plain_concepts(text: str, lexicon: Lexicon, stats: TermStats, weigh) -> tuple[Concept, ...]:
    """Every word optional; each word, or phrase with synonyms, is one concept.

    A concept scores as the best of its alternatives (the words typed, their synonyms,
    their misspellings in the corpus), never their sum, and an alternative never
    outweighs the words typed (see Weigher). Answers matching more concepts rank
    higher (see COORDINATION in ranking.py).
    """
    words = query_words(text)
    stems = [w.stem for w in words]
    spans = {start: (end, phrases) for start, end, phrases in _expansions(stems, lexicon.synonyms)}
    concepts: list[Concept] = []
    seen: set[tuple[str, ...]] = set()
    i = 0
    while i < len(words):
        end, phrases = spans.get(i, (i + 1, ()))
        typed = tuple(stems[i:end])
        label = " ".join(w.raw for w in words[i:end])
        first, i = i, end
        if typed in seen:
            continue
        seen.add(typed)
        alternatives = [Alternative(typed, 1.0)]
        alternatives += [Alternative(p, weigh(typed, p, SYNONYM_BOOST), "synonym") for p in phrases]
        if len(typed) > 1:
            # "multiple sclerosis": a word of the phrase alone counts a little where it is
            # specific to the phrase ("sclerosis"; not "multiple": ranking.PART_SHARE),
            # and never a word that carries no topic ("under" of "under eyes").
            have = {a.stems for a in alternatives} | {(w,) for w in _function_stems(lexicon.function_words)}
            alternatives += [Alternative((w,), weigh(typed, (w,), PART_BOOST), "part") for w in typed if (w,) not in have]
        elif lexicon.speller is not None:
            alternatives += [
                Alternative((stem(v),), weigh(typed, (stem(v),), TYPO_BOOST), "typo", v)
                for v in _new_stems(typo_variants(stats, lexicon.speller, words[first].raw), typed)[:MAX_TYPOS]
            ]
        concepts.append(Concept(label, alternatives))
    return tuple(concepts)


def _expert_concepts(leaves, synonyms: Mapping, weigh) -> tuple[Concept, ...]:
    """The concepts of an expert query's scored leaves: one per distinct word, phrase or
    pattern, over the fields it is searched in. A word or phrase has its synonyms as
    alternatives, weighed as in plain queries; a pattern is expanded when searched."""
    grouped: dict[tuple[str, ...], tuple[set[str], list]] = {}
    for field, stems, pattern in leaves:
        fields, patterns = grouped.setdefault(stems, (set(), []))
        fields.add(field)
        if pattern is not None:
            patterns.append(pattern)
    concepts = []
    for stems, (fields, patterns) in grouped.items():
        scored_in = None if fields == set(TEXT_FIELDS) else tuple(f for f in TEXT_FIELDS if f in fields)
        if patterns:
            concepts.append(Concept(stems[0], (), scored_in, tuple(patterns)))
            continue
        alternatives = [Alternative(stems, 1.0)]
        alternatives += [Alternative(p, weigh(stems, p, SYNONYM_BOOST), "synonym") for p in (synonyms.get(stems) or ())]
        concepts.append(Concept(" ".join(stems), alternatives, scored_in))
    return tuple(concepts)
