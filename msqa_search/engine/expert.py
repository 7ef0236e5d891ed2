"""Expert queries through Whoosh: parsing, synonyms, expansion caps, scoring, and the
words to highlight."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from functools import lru_cache

from whoosh import qparser
from whoosh import query as wq
from whoosh.fields import NUMERIC

from ..errors import QuerySyntaxError
from . import compat
from .schema import SCHEMA, TEXT_FIELDS

__all__ = [
    "QUERY_FIELDS",
    "cap_expansions",
    "excluded_words",
    "expand_patterns",
    "field_filters",
    "highlight_plan",
    "is_expert",
    "is_nothing",
    "parse_expert",
    "pattern_terms",
    "scored_leaves",
    "with_synonyms",
]

QUERY_FIELDS = ("title", "body", "question", "doctor", "specialty", "city", "rating", "reviews",
                "answer_id", "thread_id")
#: The boost of a synonym beside the word typed (as plain queries weigh them).
SYNONYM_BOOST = 0.7

_EXPERT = re.compile(
    r'"|\*|(?:^|\s)[+-]\w|\b(?:AND|OR|NOT)\b|\b(?:%s):' % "|".join(QUERY_FIELDS)
)


def is_expert(text: str) -> bool:
    """True when ``text`` uses phrases, fields, operators or wildcards."""
    return _EXPERT.search(text) is not None


def is_nothing(q) -> bool:
    """True when a parsed query has nothing to search."""
    return q is None or q is wq.NullQuery


def _field_query(field: str, stems: Sequence[str], boost: float = 1.0) -> wq.Query:
    if len(stems) == 1:
        return wq.Term(field, stems[0], boost=boost)
    return wq.Phrase(field, list(stems), boost=boost)


def _wanted_text_leaves(node: wq.Query):
    """The leaves of ``node`` on a text field that are not excluded (under a NOT)."""
    if isinstance(node, wq.Not):
        return
    if isinstance(node, wq.AndNot):
        yield from _wanted_text_leaves(node.a)
    elif node.is_leaf():
        if getattr(node, "fieldname", None) in TEXT_FIELDS:
            yield node
    else:
        for child in node.children():
            yield from _wanted_text_leaves(child)


def highlight_plan(q: wq.Query) -> tuple[set, set, list]:
    terms: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    patterns: list[wq.Query] = []
    for node in _wanted_text_leaves(q):
        if isinstance(node, wq.Term):
            terms.add(node.text)
        elif isinstance(node, wq.Phrase):
            phrases.add(tuple(node.words))
        else:
            patterns.append(node)
    return terms, phrases, patterns


def cap_expansions(q: wq.Query, reader, cap: int, notices: list[str]) -> wq.Query:
    """``q`` with every wildcard, prefix, fuzzy term and range that matches more than
    ``cap`` terms replaced by its first ``cap`` terms (in term order), saying so in
    ``notices``. Only ``cap + 1`` terms of each are ever read, whatever the vocabulary."""
    if isinstance(q, wq.NumericRange):
        compiled = compat.compile_range(q, reader)
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
        found = list(itertools.islice(compat.pattern_terms(q, reader), cap + 1))
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


@lru_cache(maxsize=1)
def _parser():
    parser = qparser.MultifieldParser(list(TEXT_FIELDS), SCHEMA, fieldboosts=None, group=qparser.OrGroup)
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


def parse_expert(text: str, max_words: int) -> wq.Query | None:
    """Parse an expert query (its synonyms are added by ``with_synonyms``).

    Raises:
        QuerySyntaxError: it cannot be parsed, or has more than ``max_words`` words.
    """
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
    if words > max_words:
        raise QuerySyntaxError(
            f"the query has {words} words to match", query=text[:80],
            hint=f"Use at most {max_words}; a few distinctive words work best",
        )
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


def with_synonyms(q: wq.Query, table) -> wq.Query:
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
        return wq.AndNot(with_synonyms(q.a, table), q.b)
    if q.is_leaf():
        return q
    return q.apply(lambda child: with_synonyms(child, table))




def expand_patterns(searcher, patterns) -> frozenset[str]:
    """The text-field terms of the index that wildcard and prefix ``patterns`` match."""
    found: set[str] = set()
    reader = searcher.reader()
    for pattern in patterns:
        for field, text in pattern.existing_terms(reader, expand=True):
            if field in TEXT_FIELDS:
                found.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return frozenset(found)


def scored_leaves(q: wq.Query) -> list[tuple[str, tuple[str, ...], wq.Query | None]]:
    """What of ``q`` is scored: ``(field, stems, None)`` of each text-field term or
    phrase that is not excluded, and ``(field, (text,), leaf)`` of each wildcard, prefix
    or fuzzy term (expanded against the index by ``pattern_terms``)."""
    found: list[tuple[str, tuple[str, ...], wq.Query | None]] = []
    for node in _wanted_text_leaves(q):
        field = node.fieldname
        if isinstance(node, wq.Term):
            found.append((field, (node.text,), None))
        elif isinstance(node, wq.Phrase):
            found.append((field, tuple(node.words), None))
        elif isinstance(node, wq.MultiTerm):
            text = getattr(node, "text", None) or str(node)
            found.append((field, (f"{text}*" if isinstance(node, wq.Prefix) else text,), node))
    return found


def pattern_terms(reader, patterns, cap: int) -> list[str]:
    """The terms of the index that the pattern leaves match, at most ``cap`` of each."""
    found: dict[str, None] = {}
    for leaf in patterns:
        for term in itertools.islice(compat.pattern_terms(leaf, reader), cap):
            found[term.decode("utf-8") if isinstance(term, bytes) else term] = None
    return list(found)


def _leaves(q: wq.Query, excluded: bool = False):
    """``(leaf, excluded)`` for every leaf of ``q``."""
    if isinstance(q, wq.Not):
        yield from _leaves(q.query, not excluded)
    elif isinstance(q, wq.AndNot):
        yield from _leaves(q.a, excluded)
        yield from _leaves(q.b, not excluded)
    elif q.is_leaf():
        yield q, excluded
    else:
        for child in q.children():
            yield from _leaves(child, excluded)


def _label(leaf: wq.Query) -> str:
    if isinstance(leaf, wq.Phrase):
        return '"' + " ".join(leaf.words) + '"'
    return str(getattr(leaf, "text", leaf))


def excluded_words(q: wq.Query) -> tuple[str, ...]:
    """The words and phrases of text fields that ``q`` excludes (NOT, -word)."""
    found = [_label(leaf) for leaf, excluded in _leaves(q) if excluded and getattr(leaf, "fieldname", None) in TEXT_FIELDS]
    return tuple(dict.fromkeys(found))


def field_filters(q: wq.Query) -> tuple[str, ...]:
    """The terms of ``q`` in fields that are not text (``doctor:klein``, ``rating:>=4``)."""
    found = [
        ("not " if excluded else "") + str(leaf) for leaf, excluded in _leaves(q)
        if getattr(leaf, "fieldname", None) not in TEXT_FIELDS
    ]
    return tuple(dict.fromkeys(found))
