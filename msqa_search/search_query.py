"""Turning what a person types into a query: words, synonyms, typos, expert syntax.

Plain words are searched the way a patient types them: every word is optional, and each
word (or phrase with synonyms) is one *concept* whose alternatives are the words typed,
their medical synonyms and the corpus's misspellings of them. Queries that use phrases,
``field:value``, AND/OR/NOT or ``+``/``-`` go through Whoosh's query parser, with
synonyms applied to its terms.
"""

from __future__ import annotations

import itertools
import math
import os
import re
from collections.abc import Sequence
from functools import lru_cache

import attrs
from whoosh import qparser
from whoosh import query as wq
from whoosh.fields import NUMERIC

from . import index_schema
from .errors import QuerySyntaxError
from .spelling import Speller, fuzzy_variants, load_medical_words, max_typos
from .stem_exceptions import stem_exception
from .synonyms import PhraseTable, derived_synonyms

FACETS = ("specialty", "city", "rating", "doctor", "stance")
#: The facets a search counts unless told which: the stance facet is asked for by name.
DEFAULT_FACETS = FACETS[:4]
SORTS = ("relevance", "rating", "reviews")
TEXT_FIELDS = {"title": 2.0, "body": 1.0, "question": 0.5}
QUERY_FIELDS = ("title", "body", "question", "doctor", "specialty", "city", "rating", "reviews",
                "answer_id", "thread_id")
MAX_QUERY_CHARS = 4000
MAX_WORDS = 64
#: Terms a wildcard, prefix, fuzzy term or range may expand to (as Lucene's
#: maxClauseCount, 1024 by default); past it, the first ones in term order are searched
#: (as Elasticsearch's max_expansions) and the results carry a notice.
MAX_EXPANSIONS = 1024
SYNONYM_BOOST = 0.7
TYPO_BOOST = 0.25
PART_BOOST = 0.4

_EXPERT = re.compile(
    r'"|\*|(?:^|\s)[+-]\w|\b(?:AND|OR|NOT)\b|\b(?:%s):' % "|".join(QUERY_FIELDS)
)


@attrs.frozen
class Word:
    """One word of a plain query: as typed, lowercased, and stemmed."""

    typed: str
    raw: str
    stem: str


@lru_cache(maxsize=1)
def _raw_analyzer():
    return index_schema.text_analyzer(stem=False)


@lru_cache(maxsize=1)
def stemmed_analyzer():
    return index_schema.text_analyzer()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    from whoosh.lang.porter2 import stem as porter2

    return porter2(stem_exception(word) or word)


def query_words(text: str) -> list[Word]:
    """The searchable words of ``text``: function words dropped, at most MAX_WORDS."""
    words = []
    for token in _raw_analyzer()(text, chars=True, removestops=True):
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


def _field_query(field: str, stems: Sequence[str], boost: float = 1.0) -> wq.Query:
    if len(stems) == 1:
        return wq.Term(field, stems[0], boost=boost)
    return wq.Phrase(field, list(stems), boost=boost)


def _index_speller(index) -> Speller:
    speller = index.cache.get("speller")
    if speller is None:
        speller = index.cache["speller"] = Speller(load_medical_words(), index.vocabulary())
    return speller


def _typo_variants(index, word: str) -> list[str]:
    """Words of the index that look like misspellings of ``word`` ("spasticty").

    Only rare words that the speller does not know count, so "case" is never searched
    for "cause"; the query word must itself be long enough to carry a typo.
    """
    limit = max_typos(word)
    if limit <= 0 or not word.isalpha():
        return []
    buckets = index.cache.setdefault("typo-buckets", {})
    if word[0] not in buckets:  # filled one first letter at a time, as needed
        letter = buckets[word[0]] = {}
        for other in index.vocabulary():
            if other[:1] == word[0] and len(other) >= 4 and other.isalpha():
                letter.setdefault(len(other), []).append(other)
    candidates = [
        other
        for n in range(len(word) - limit, len(word) + limit + 1)
        for other in buckets[word[0]].get(n, ())
    ]
    speller = _index_speller(index)
    return [v for v in fuzzy_variants(word, candidates, limit) if not speller.is_known(v)]


@attrs.frozen
class Plan:
    """What will be searched: the Whoosh query, and what to highlight in the body."""

    query: wq.Query | None
    """The Whoosh query of an expert query; None for plain words (see ``concepts``)."""
    terms: frozenset[str]
    """Stems to mark wherever they stand."""
    phrases: frozenset[tuple[str, ...]]
    """Stem sequences to mark only where they stand together."""
    patterns: tuple[wq.Query, ...] = ()
    """Wildcard and prefix leaves, expanded against the index when highlighting."""
    concepts: tuple[tuple[tuple[tuple[str, ...], float], ...], ...] = ()
    """For plain words: each concept's alternatives as (stems, boost). Empty for expert
    queries, which Whoosh's matchers score."""
    notices: tuple[str, ...] = ()
    """What was not searched as typed (a pattern capped at MAX_EXPANSIONS terms)."""


def _highlight_plan(q: wq.Query) -> tuple[set, set, list]:
    terms: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    patterns: list[wq.Query] = []

    def walk(node: wq.Query) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a)
            return
        if node.is_leaf():
            if getattr(node, "fieldname", None) not in TEXT_FIELDS:
                return
            if isinstance(node, wq.Term):
                terms.add(node.text)
            elif isinstance(node, wq.Phrase):
                phrases.add(tuple(node.words))
            else:
                patterns.append(node)
            return
        for child in node.children():
            walk(child)

    walk(q)
    return terms, phrases, patterns


def build_query(index, text: str, *, synonyms: bool = True) -> Plan:
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
    if not _EXPERT.search(text):
        concepts = _plain_concepts(index, text, table, typos=synonyms)
        if not concepts:
            raise _nothing_to_search(text)
        # Plain words are scored from the concepts (search_scores.py), not by Whoosh.
        alternatives = [stems for concept in concepts for stems, _ in concept]
        return Plan(
            None,
            frozenset(s[0] for s in alternatives if len(s) == 1),
            frozenset(s for s in alternatives if len(s) > 1),
            (),
            concepts,
        )
    q = _parse_expert(text, table)
    if q is None or q is wq.NullQuery:
        raise _nothing_to_search(text)
    notices: list[str] = []
    q = cap_expansions(q, index.searcher().reader(), MAX_EXPANSIONS, notices)
    terms, phrases, patterns = _highlight_plan(q)
    return Plan(q, frozenset(terms), frozenset(phrases), tuple(patterns), notices=tuple(notices))


def cap_expansions(q: wq.Query, reader, cap: int, notices: list[str]) -> wq.Query:
    """``q`` with every wildcard, prefix, fuzzy term and range that matches more than
    ``cap`` terms replaced by its first ``cap`` terms (in term order), saying so in
    ``notices``. Only ``cap + 1`` terms of each are ever read, whatever the vocabulary."""
    if isinstance(q, wq.NumericRange):
        compiled = q._compile_query(reader)
        before = len(notices)
        capped = cap_expansions(compiled, reader, cap, notices)
        if len(notices) > before:
            del notices[before:]
            notices.append(_cap_notice(q, cap))
            return capped
        return q
    if isinstance(q, wq.MultiTerm):
        field = q.fieldname
        if field not in reader.schema:
            return q
        found = list(itertools.islice(q._btexts(reader), cap + 1))
        if len(found) <= cap:
            return q
        notices.append(_cap_notice(q, cap))
        # Terms of text fields as text (highlighting compares them with tokens); those
        # of numeric fields stay the encoded bytes a numeric range expands to.
        numeric = isinstance(reader.schema[field], NUMERIC)
        words = [b if numeric else b.decode("utf-8") for b in found[:cap]]
        return wq.Or([wq.Term(field, w) for w in words], boost=q.boost)
    if q.is_leaf():
        return q
    return q.apply(lambda child: cap_expansions(child, reader, cap, notices))


def _cap_notice(q: wq.Query, cap: int) -> str:
    which = "lowest values" if isinstance(q, wq.NumericRange) else "terms in alphabetical order"
    return (f"{q} matches more than {cap:,} terms; only the first {cap:,} ({which}) were"
            " searched. Make it more specific to search them all.")


def _nothing_to_search(text: str) -> QuerySyntaxError:
    return QuerySyntaxError(
        "the query has no words to search for", query=text,
        hint="Function words such as 'the' or 'can' and lone operators are not searched; add a word that carries meaning",
    )


def _plain_concepts(index, text: str, table, typos: bool) -> tuple:
    """Every word optional; each word, or phrase with synonyms, is one concept.

    A concept scores as the best of its alternatives (the words typed, their synonyms,
    their misspellings in the corpus), never their sum, and an alternative never
    outweighs the words typed (see _weight). Answers matching more concepts rank
    higher (see COORDINATION in search.py).
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
        alternatives += [(p, _weight(index, typed, p, SYNONYM_BOOST)) for p in phrases]
        if len(typed) > 1:
            # "multiple sclerosis": one word of the phrase alone still counts a little.
            alternatives += [((w,), _weight(index, typed, (w,), PART_BOOST)) for w in typed]
        elif typos:
            word = words[i].raw
            alternatives += [
                ((stem(v),), _weight(index, typed, (stem(v),), TYPO_BOOST))
                for v in _typo_variants(index, word)[:8]
            ]
        concepts.append(tuple(alternatives))
        i = i_next
    return tuple(concepts)


def _idf(index, stems: Sequence[str]) -> float:
    """The sum of BM25's idf of ``stems`` in the answers' bodies (cached): roughly how a
    phrase scores, as Whoosh scores a phrase like the sum of its words."""
    cache = index.cache.setdefault("idf", {})
    total = 0.0
    for word in stems:
        value = cache.get(word)
        if value is None:
            reader = index.searcher().reader()
            documents = max(reader.doc_count(), 1)
            df = reader.doc_frequency("body", word)
            value = cache[word] = math.log(1 + (documents - df + 0.5) / (df + 0.5))
        total += value
    return total


def _weight(index, typed: Sequence[str], alternative: Sequence[str], boost: float) -> float:
    """The boost of an alternative, scaled so that it never outscores the words typed.

    A synonym or a misspelling is usually rarer than the word typed, and BM25 rewards
    rarity: unscaled, an answer saying "Botox Cosmetic" would outrank one discussing
    Botox at length.
    """
    return boost * min(1.0, _idf(index, typed) / max(_idf(index, alternative), 1e-9))


@lru_cache(maxsize=1)
def _parser():
    parser = qparser.MultifieldParser(list(TEXT_FIELDS), index_schema.SCHEMA, fieldboosts=None, group=qparser.OrGroup)
    parser.add_plugin(qparser.PlusMinusPlugin())
    parser.add_plugin(qparser.GtLtPlugin())
    return parser


_FIELD_VALUE = re.compile(r'(?:^|(?<=[\s(+-]))(%s):(\S*)' % "|".join(QUERY_FIELDS))
_NUMBER = re.compile(r'(?:[<>]=?|=)?[0-9]+(?:\.[0-9]*)?$|[\[{]')


def _check_fields(text: str) -> None:
    """A field with no value, or a number field with a value that is no number, is an
    error: Whoosh would search the field's name as a word, or match nothing."""
    for match in _FIELD_VALUE.finditer(text):
        field, value = match[1], match[2]
        if not value or value in (")",):
            raise QuerySyntaxError(
                f"{field}: has no value", query=text,
                hint=f'Write the value after the colon, as in {field}:{_EXAMPLES[field]}',
            )
        if field in ("rating", "reviews") and not _NUMBER.match(value):
            raise QuerySyntaxError(
                f"{field}:{value} is not a number", query=text,
                hint=f"Write a number or a range, as in {field}:{_EXAMPLES[field]}",
            )


_EXAMPLES = {
    "title": "botox", "body": "botox", "question": "botox", "doctor": "klein",
    "specialty": "dermatologist", "city": '"new york"', "rating": ">=4.5", "reviews": ">=10",
    "answer_id": '"000_19f0a23f49198bfd#6"', "thread_id": "000_19f0a23f49198bfd",
}


def _parse_expert(text: str, table) -> wq.Query | None:
    # '?' ends questions far more often than it means "any letter".
    text = text.replace("?", " ")
    _check_fields(text)
    try:
        q = _parser().parse(text)
    except Exception as e:  # whoosh's parser raises assorted errors on odd input
        raise QuerySyntaxError(
            f"cannot understand the query ({e})", query=text,
            hint='Check that quotes and brackets are balanced, or search plain words',
        ) from e
    q = _and_not(q.normalize())
    words = sum(len(leaf.words) if isinstance(leaf, wq.Phrase) else 1 for leaf in q.leaves())
    if words > MAX_WORDS:
        raise QuerySyntaxError(
            f"the query has {words} words to match", query=text[:80],
            hint=f"Use at most {MAX_WORDS}; a few distinctive words work best",
        )
    if table:
        q = _with_synonyms(q, table)
    return q


def _and_not(q: wq.Query) -> wq.Query:
    """Read ``a NOT b`` as "a but not b": Whoosh's OR grouping makes it "a or not b"."""
    if isinstance(q, wq.Or):
        children = [_and_not(c) for c in q.subqueries]
        excluded = [c.query for c in children if isinstance(c, wq.Not)]
        kept = [c for c in children if not isinstance(c, wq.Not)]
        if excluded and kept:
            positive = kept[0] if len(kept) == 1 else wq.Or(kept, boost=q.boost)
            negative = excluded[0] if len(excluded) == 1 else wq.Or(excluded)
            return wq.AndNot(positive, negative)
        return q.__class__(children, boost=q.boost)
    if q.is_leaf():
        return q
    return q.apply(_and_not)


def _with_synonyms(q: wq.Query, table) -> wq.Query:
    """Give each term and phrase in a text field its synonyms as alternatives."""
    if isinstance(q, (wq.Term, wq.Phrase)) and q.fieldname in TEXT_FIELDS:
        stems = (q.text,) if isinstance(q, wq.Term) else tuple(q.words)
        phrases = table.get(stems)
        if phrases:
            return wq.Or([q, *(_field_query(q.fieldname, p, SYNONYM_BOOST) for p in phrases)])
        return q
    if isinstance(q, wq.Not):
        return q  # an excluded word excludes only itself
    if isinstance(q, wq.AndNot):
        return wq.AndNot(_with_synonyms(q.a, table), q.b)
    if q.is_leaf():
        return q
    return q.apply(lambda child: _with_synonyms(child, table))


# -- suggestions ---------------------------------------------------------------------


def suggest(index, query: str) -> str | None:
    """The query with each misspelled word replaced by its correction, or None."""
    speller = _index_speller(index)
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
