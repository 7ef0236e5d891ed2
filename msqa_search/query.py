"""Turning what a person types into a query: words, synonyms, typos, expert syntax.

Plain words are searched the way a patient types them: every word is optional, and each
word (or phrase with synonyms) is one *concept* whose alternatives are the words typed,
their medical synonyms and the corpus's misspellings of them. Queries that use phrases,
``field:value``, AND/OR/NOT or ``+``/``-`` go through Whoosh's query parser, with
synonyms applied to its terms.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import attrs

from .engine.analysis import raw_analyzer, stem, stemmed_analyzer
from .engine.expert import (
    SYNONYM_BOOST,
    cap_expansions,
    highlight_plan,
    is_expert,
    is_nothing,
    parse_expert,
    scored_leaves,
    with_synonyms,
)
from .engine.schema import TEXT_FIELDS
from .engine.snapshot import Snapshot
from .errors import QuerySyntaxError
from .lexicon.spelling import fuzzy_variants, max_typos
from .lexicon.synonyms import PhraseTable, derived_synonyms

__all__ = [
    "MAX_EXPANSIONS",
    "MAX_QUERY_CHARS",
    "MAX_WORDS",
    "PART_BOOST",
    "SYNONYM_BOOST",
    "TYPO_BOOST",
    "Plan",
    "Word",
    "build_query",
    "query_words",
    "suggest",
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


def _typo_variants(snapshot: Snapshot, word: str) -> list[str]:
    """Words of the index that look like misspellings of ``word`` ("spasticty").

    Only rare words that the speller does not know count, so "case" is never searched
    for "cause"; the query word must itself be long enough to carry a typo.
    """
    limit = max_typos(word)
    if limit <= 0 or not word.isalpha():
        return []
    candidates = snapshot.typo_candidates(word, limit)
    speller = snapshot.speller
    return [v for v in fuzzy_variants(word, candidates, limit) if not speller.is_known(v)]


@attrs.frozen
class Plan:
    """What will be searched: the Whoosh query, and what to highlight in the body."""

    query: Any
    """The Whoosh query of an expert query; None for plain words (see ``concepts``)."""
    terms: frozenset[str]
    """Stems to mark wherever they stand."""
    phrases: frozenset[tuple[str, ...]]
    """Stem sequences to mark only where they stand together."""
    patterns: tuple[Any, ...] = ()
    """Wildcard and prefix leaves, expanded against the index when highlighting."""
    concepts: tuple[tuple[tuple[tuple[str, ...], float], ...], ...] = ()
    """What is scored, for every kind of query: each concept's alternatives as (stems,
    boost). A concept scores as its best alternative (ranking.py)."""
    fields: tuple[tuple[str, ...] | None, ...] = ()
    """For each concept, the text fields it is scored in (None or missing: all of them);
    ``title:botox`` scores in the title only."""
    notices: tuple[str, ...] = ()
    """What was not searched as typed (a pattern capped at MAX_EXPANSIONS terms)."""


def build_query(snapshot: Snapshot, text: str, *, synonyms: bool = True) -> Plan:
    """Turn the text a person typed into a Whoosh query.

    Raises:
        QuerySyntaxError: the query is empty, too long, or cannot be parsed.
    """
    if not text or not text.strip():
        raise QuerySyntaxError("the query is empty", query=text or "", hint="Type some words to search for")
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(
            f"the query is {len(text):,} characters long", query=text[:80] + "...",
            hint=f"Use at most {MAX_QUERY_CHARS:,} characters; a few distinctive words work best",
        )
    text = "".join(c if c.isprintable() else " " for c in text)
    table = _synonym_table(synonym_files()) if synonyms else {}
    if not is_expert(text):
        concepts = _plain_concepts(snapshot, text, table, typos=synonyms)
        if not concepts:
            raise _nothing_to_search(text)
        # Plain words are scored from the concepts (ranking.py), not by Whoosh.
        alternatives = [stems for concept in concepts for stems, _ in concept]
        return Plan(
            None,
            frozenset(s[0] for s in alternatives if len(s) == 1),
            frozenset(s for s in alternatives if len(s) > 1),
            (),
            concepts,
        )
    q = parse_expert(text, MAX_WORDS)
    if is_nothing(q):
        raise _nothing_to_search(text)
    reader = snapshot.searcher.reader()
    concepts, fields = _expert_concepts(snapshot, scored_leaves(q, reader, MAX_EXPANSIONS), table)
    if table:
        q = with_synonyms(q, table)
    notices: list[str] = []
    q = cap_expansions(q, reader, MAX_EXPANSIONS, notices)
    terms, phrases, patterns = highlight_plan(q)
    # Whoosh decides which documents match an expert query; they are scored from the
    # concepts, as plain words are.
    return Plan(q, frozenset(terms), frozenset(phrases), tuple(patterns), concepts, fields, tuple(notices))


def _expert_concepts(snapshot: Snapshot, leaves, table) -> tuple[tuple, tuple]:
    """The concepts of an expert query's scored leaves: one per distinct word, phrase or
    pattern, over the fields it is searched in. A word or phrase has its synonyms as
    alternatives, weighed as in plain queries; a pattern the terms it expands to."""
    grouped: dict[tuple[str, ...], tuple[set[str], list]] = {}
    for field, stems, expansion in leaves:
        fields, expanded = grouped.setdefault(stems, (set(), []))
        fields.add(field)
        if expansion is not None:
            expanded.append(expansion)
    concepts, scored_in = [], []
    for stems, (fields, expanded) in grouped.items():
        if expanded:
            alternatives = tuple(((term,), 1.0) for term in dict.fromkeys(t[0] for part in expanded for t in part))
            if not alternatives:
                continue
        else:
            alternatives = ((stems, 1.0), *(
                (p, _weight(snapshot, stems, p, SYNONYM_BOOST)) for p in (table.get(stems) or ())
            ))
        concepts.append(alternatives)
        scored_in.append(None if fields == set(TEXT_FIELDS) else tuple(f for f in TEXT_FIELDS if f in fields))
    return tuple(concepts), tuple(scored_in)


def _nothing_to_search(text: str) -> QuerySyntaxError:
    return QuerySyntaxError(
        "the query has no words to search for", query=text,
        hint="Function words such as 'the' or 'can' and lone operators are not searched; add a word that carries meaning",
    )


def _plain_concepts(snapshot: Snapshot, text: str, table, typos: bool) -> tuple:
    """Every word optional; each word, or phrase with synonyms, is one concept.

    A concept scores as the best of its alternatives (the words typed, their synonyms,
    their misspellings in the corpus), never their sum, and an alternative never
    outweighs the words typed (see _weight). Answers matching more concepts rank
    higher (see COORDINATION in ranking.py).
    """
    words = query_words(text)
    stems = [w.stem for w in words]
    spans = {start: (end, phrases) for start, end, phrases in _expansions(stems, table)}
    concepts: list[tuple] = []
    seen: set[tuple[str, ...]] = set()
    i = 0
    while i < len(words):
        end, phrases = spans.get(i, (i + 1, ()))
        typed = tuple(stems[i:end])
        i_next = end
        if typed in seen:
            i = i_next
            continue
        seen.add(typed)
        alternatives = [(typed, 1.0)]
        alternatives += [(p, _weight(snapshot, typed, p, SYNONYM_BOOST)) for p in phrases]
        if len(typed) > 1:
            # "multiple sclerosis": one word of the phrase alone still counts a little.
            alternatives += [((w,), _weight(snapshot, typed, (w,), PART_BOOST)) for w in typed]
        elif typos:
            word = words[i].raw
            alternatives += [
                ((stem(v),), _weight(snapshot, typed, (stem(v),), TYPO_BOOST))
                for v in _typo_variants(snapshot, word)[:8]
            ]
        concepts.append(tuple(alternatives))
        i = i_next
    return tuple(concepts)


def _idf(snapshot: Snapshot, stems: Sequence[str]) -> float:
    """The sum of BM25's idf of ``stems`` in the answers' bodies: roughly how a phrase
    scores, as Whoosh scores a phrase like the sum of its words."""
    return sum(snapshot.body_idf(word) for word in stems)


def _weight(snapshot, typed: Sequence[str], alternative: Sequence[str], boost: float) -> float:
    """The boost of an alternative, scaled so that it never outscores the words typed.

    A synonym or a misspelling is usually rarer than the word typed, and BM25 rewards
    rarity: unscaled, an answer saying "Botox Cosmetic" would outrank one discussing
    Botox at length.
    """
    return boost * min(1.0, _idf(snapshot, typed) / max(_idf(snapshot, alternative), 1e-9))


# -- suggestions ---------------------------------------------------------------------


def suggest(snapshot: Snapshot, query: str) -> str | None:
    """The query with each misspelled word replaced by its correction, or None."""
    speller = snapshot.speller
    changed = False
    out, at = [], 0
    for word in query_words(query):
        if not word.raw.isalpha():
            continue
        fix = speller.suggest(word.raw)
        if fix and fix != word.raw:
            start = query.find(word.typed, at)
            if start < 0:
                continue
            out.append(query[at:start])
            out.append(_match_case(word.typed, fix))
            at = start + len(word.typed)
            changed = True
    if not changed:
        return None
    out.append(query[at:])
    return "".join(out)


def _match_case(typed: str, word: str) -> str:
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
