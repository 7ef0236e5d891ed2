"""Searching an index: query building, filters, facets, highlights and suggestions.

Plain words are searched the way a patient types them: every word is optional and
answers with more of them rank higher; medical synonyms and the corpus's misspellings of
each word are searched too. Queries that use phrases, ``field:value``, AND/OR/NOT or
``+``/``-`` go through Whoosh's query parser, with synonyms applied to its terms.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Sequence
from functools import lru_cache

import attrs
from whoosh import collectors as wc
from whoosh import highlight as wh
from whoosh import qparser, query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.scoring import BM25F

from . import columns as cols
from . import index as ix_mod
from . import index_schema
from .errors import QuerySyntaxError, SearchOptionError
from .model import Doctor, FacetValue, Hit, Results, from_dict
from .spelling import Speller, fuzzy_variants, load_medical_words, max_typos
from .synonyms import load_synonyms

FACETS = ("specialty", "city", "rating", "doctor")
SORTS = ("relevance", "rating", "reviews")
TEXT_FIELDS = {"title": 2.0, "body": 1.0, "question": 0.5}
QUERY_FIELDS = ("title", "body", "question", "doctor", "specialty", "city", "rating", "reviews",
                "answer_id", "thread_id")
MAX_QUERY_CHARS = 4000
MAX_WORDS = 64
SYNONYM_BOOST = 0.7
TYPO_BOOST = 0.5
PART_BOOST = 0.4
#: BM25F parameters, tuned on the NFCorpus dev split (see docs/performance.md).
BM25 = {"B": 0.75, "K1": 1.2}

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
def _stemmed_analyzer():
    return index_schema.text_analyzer()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    from whoosh.lang.porter2 import stem as porter2

    return porter2(word)


def query_words(text: str) -> list[Word]:
    """The searchable words of ``text``: function words dropped, at most MAX_WORDS."""
    words = []
    for token in _raw_analyzer()(text, chars=True, removestops=True):
        words.append(Word(text[token.startchar:token.endchar], token.text, stem(token.text)))
    return words[:MAX_WORDS]


@lru_cache(maxsize=4)
def _synonym_table(extra: tuple[str, ...] = ()) -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """The synonym map in stemmed words, so "fillers" finds what "filler" finds."""
    synonyms = load_synonyms(extra)
    phrases = {p for group in synonyms.groups for p in group} | {p for p, _ in synonyms.rules}
    table: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for phrase in phrases:
        key = _stem_phrase(" ".join(phrase))
        if not key:
            continue
        alternatives = table.setdefault(key, [])
        for alternative in synonyms.alternatives(phrase):
            stemmed = _stem_phrase(" ".join(alternative))
            if stemmed and stemmed != key and stemmed not in alternatives:
                alternatives.append(stemmed)
    return {k: tuple(v) for k, v in table.items() if v}


def _stem_phrase(text: str) -> tuple[str, ...]:
    return tuple(t.text for t in _stemmed_analyzer()(text))


def synonym_files() -> tuple[str, ...]:
    """User synonym files named by MSQA_SEARCH_SYNONYMS (separated like PATH)."""
    import os

    value = os.environ.get("MSQA_SEARCH_SYNONYMS", "")
    return tuple(p for p in value.split(os.pathsep) if p)


def _expansions(stems: Sequence[str], table) -> list[tuple[int, int, tuple[tuple[str, ...], ...]]]:
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


def _across_fields(stems: Sequence[str], boost: float = 1.0) -> list[wq.Query]:
    return [_field_query(field, stems, boost) for field in TEXT_FIELDS]


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
    buckets = index.cache.get("typo-buckets")
    if buckets is None:
        buckets = {}
        for other in index.vocabulary():
            if other.isalpha() and len(other) >= 4:
                buckets.setdefault((other[0], len(other)), []).append(other)
        index.cache["typo-buckets"] = buckets
    candidates = [
        other
        for n in range(len(word) - limit, len(word) + limit + 1)
        for other in buckets.get((word[0], n), ())
    ]
    speller = _index_speller(index)
    return [v for v in fuzzy_variants(word, candidates, limit) if not speller.is_known(v)]


@attrs.frozen
class Plan:
    """What will be searched: the Whoosh query, and what to highlight in the body."""

    query: wq.Query
    terms: frozenset[str]
    """Stems to mark wherever they stand."""
    phrases: frozenset[tuple[str, ...]]
    """Stem sequences to mark only where they stand together."""
    patterns: tuple[wq.Query, ...] = ()
    """Wildcard and prefix leaves, expanded against the index when highlighting."""
    concepts: int = 0
    """For plain words: how many concepts (words, or phrases with synonyms) the query's
    top-level OR holds; answers matching more of them rank higher (see _coordinate)."""


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
    plain = not _EXPERT.search(text)
    if not plain:
        q = _parse_expert(text, table)
    else:
        q = _plain_query(index, text, table, typos=synonyms)
    if q is None or q is wq.NullQuery:
        raise QuerySyntaxError(
            "the query has no words to search for", query=text,
            hint="Function words such as 'the' or 'can' and lone operators are not searched; add a word that carries meaning",
        )
    terms, phrases, patterns = _highlight_plan(q)
    concepts = len(q.subqueries) if plain and isinstance(q, wq.Or) else 0
    return Plan(q, frozenset(terms), frozenset(phrases), tuple(patterns), concepts)


def _plain_query(index, text: str, table, typos: bool) -> wq.Query | None:
    """Every word optional; each word, or phrase with synonyms, is one concept.

    A concept scores as the best of its alternatives (the words typed, their synonyms,
    their misspellings in the corpus), never their sum, and an alternative never
    outweighs the words typed (see _weight). Answers matching more concepts rank
    higher (see _coordinate).
    """
    words = query_words(text)
    if not words:
        return None
    stems = [w.stem for w in words]
    spans = {start: (end, phrases) for start, end, phrases in _expansions(stems, table)}
    concepts: list[wq.Query] = []
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
        concepts.append(_best_of([_across_fields(p, boost) for p, boost in alternatives]))
        i = i_next
    return wq.Or(concepts)


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


def _best_of(alternatives: list[list[wq.Query]]) -> wq.Query:
    """Score as the best-scoring alternative; each alternative sums over the fields."""
    if len(alternatives) == 1:
        return wq.Or(alternatives[0])
    return wq.DisjunctionMax([wq.Or(fields) for fields in alternatives])


@lru_cache(maxsize=1)
def _parser():
    parser = qparser.MultifieldParser(list(TEXT_FIELDS), index_schema.SCHEMA, fieldboosts=None, group=qparser.OrGroup)
    parser.add_plugin(qparser.PlusMinusPlugin())
    parser.add_plugin(qparser.GtLtPlugin())
    return parser


def _parse_expert(text: str, table) -> wq.Query | None:
    # '?' ends questions far more often than it means "any letter".
    text = text.replace("?", " ")
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


# -- filters -------------------------------------------------------------------------


def _filter_docs(index, specialty, city, doctor, min_rating) -> set[int] | None:
    """Document numbers passing every filter (None when there is no filter), cached."""
    wanted = [(name, value) for name, value in (("specialty", specialty), ("city", city), ("doctor", doctor)) if value is not None]
    if min_rating is not None:
        wanted.append(("min_rating", min_rating))
    if not wanted:
        return None
    sets = [_filter_set(index, name, value) for name, value in wanted]
    sets.sort(key=len)
    result = set(sets[0])
    for s in sets[1:]:
        result &= s
    return result


def _filter_set(index, name: str, value) -> frozenset[int]:
    key = ("filter", name, value)
    cached = index.cache.get(key)
    if cached is not None:
        return cached
    columns = index.columns()
    if name == "min_rating":
        threshold = round(value * 100)
        ratings = columns.arrays["rating100"]
        docs = frozenset(d for d in range(columns.size) if ratings[d] >= threshold)
    else:
        wanted = cols.facet_key(value)
        places = {p for p, v in enumerate(columns.tables[name]) if cols.facet_key(v) == wanted}
        array = columns.arrays[name]
        docs = frozenset(d for d in range(columns.size) if array[d] in places) if places else frozenset()
    index.cache[key] = docs
    return docs


def _check_options(limit, page, min_rating, sort, facets) -> None:
    def bad(message: str) -> SearchOptionError:
        return SearchOptionError(message)

    if not isinstance(limit, int) or limit < 1:
        raise bad(f"limit must be a whole number of at least 1, not {limit!r}")
    if not isinstance(page, int) or page < 1:
        raise bad(f"page must be a whole number of at least 1, not {page!r}")
    if min_rating is not None and (not isinstance(min_rating, (int, float)) or not 0 <= min_rating <= 5):
        raise bad(f"min_rating must be a number from 0 to 5, not {min_rating!r}")
    if sort not in SORTS:
        raise bad(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    unknown = [f for f in facets if f not in FACETS]
    if unknown:
        raise bad(f"unknown facet {unknown[0]!r}; facets are {', '.join(FACETS)}")


# -- the search ----------------------------------------------------------------------


def search(
    index,
    query: str,
    *,
    limit: int = 10,
    page: int = 1,
    specialty: str | None = None,
    city: str | None = None,
    doctor: str | None = None,
    min_rating: float | None = None,
    sort: str = "relevance",
    facets: Sequence[str] = FACETS,
    group_by_thread: bool = False,
    synonyms: bool = True,
) -> Results:
    """Search the answers of ``index``.

    Args:
        query: words as a person types them, or expert syntax (docs/search.md).
        limit: hits per page. page: which page, from 1.
        specialty, city, doctor: keep only answers with this value (any case);
            "unknown" keeps answers without one.
        min_rating: keep only answers whose doctor is rated at least this (0-5).
        sort: "relevance", "rating" or "reviews" (highest first; ties by the other
            of rating and reviews, then relevance, then answer id).
        facets: which facet counts to return, counted over all matches.
        group_by_thread: one hit per thread (its best answer); ``total`` then
            counts threads.
        synonyms: search medical synonyms and the corpus's misspellings too.

    Raises:
        QuerySyntaxError: the query cannot be searched; the message says why.
        SearchOptionError: an option has an impossible value.
        IndexDamagedError: the index's files are damaged.
    """
    started = time.perf_counter()
    facets = tuple(facets)
    _check_options(limit, page, min_rating, sort, facets)
    plan = build_query(index, query, synonyms=synonyms)
    results = _run(index, plan, query, limit, page, specialty, city, doctor, min_rating, sort, facets, group_by_thread)
    suggestion = _suggest(index, query) if synonyms else None
    if results.total == 0 and suggestion:
        retry = build_query(index, suggestion, synonyms=synonyms)
        corrected = _run(index, retry, query, limit, page, specialty, city, doctor, min_rating, sort, facets, group_by_thread)
        if corrected.total:
            results = attrs.evolve(corrected, searched=suggestion)
    return attrs.evolve(results, suggestion=suggestion, elapsed=time.perf_counter() - started)


def _run(index, plan, query, limit, page, specialty, city, doctor, min_rating, sort, facets,
         group_by_thread) -> Results:
    with ix_mod.damage_guard(index.path):
        searcher = index.searcher()
        columns = index.columns()
        searcher.weighting = BM25F(**BM25)
        allowed = _filter_docs(index, specialty, city, doctor, min_rating)
        if allowed is not None and not allowed:
            matched, coverage = [], None
        else:
            matched, coverage = _matching_docs(searcher, plan, allowed)
        counts = {
            name: tuple(FacetValue(value=v, count=n) for v, n in cols.count(columns, name, matched))
            for name in facets
        }
        wanted = page * limit
        groups: dict[int, int] = {}
        if not matched:
            ranked, total = [], 0
        elif sort == "relevance" and not group_by_thread:
            ranked, total = _top(searcher, plan, allowed, wanted, columns, coverage), len(matched)
        else:
            ranked = _rank_all(searcher, plan, allowed, columns, sort, coverage)
            if group_by_thread:
                ranked, groups = _group(ranked, columns)
            total = len(ranked)
        terms = plan.terms | _expand_patterns(searcher, plan.patterns)
        hits = tuple(
            _hit(searcher, docnum, score, plan, terms, groups.get(docnum, 1))
            for docnum, score in ranked[(page - 1) * limit : wanted]
        )
    return Results(query=query, total=total, hits=hits, facets=counts, page=page, limit=limit,
                   group_by_thread=group_by_thread)


def _collect(searcher, q, allowed, limit: int | None) -> list[tuple[int, float]]:
    """Scored matches, best first. ``limit=None`` scores them all.

    Whoosh's top-N collector periodically drops sub-queries it thinks cannot reach the
    N-th score; with phrases among the alternatives it drops real top hits, so that
    pruning is off (``replace=0``).
    """
    if limit is None:
        collector = wc.UnlimitedCollector()
    else:
        collector = wc.TopCollector(limit=limit, replace=0)
    if allowed is not None:
        collector = wc.FilterCollector(collector, allow=allowed)
    searcher.search_with_collector(q, collector)
    return [(hit.docnum, hit.score) for hit in collector.results()]


def _expand_patterns(searcher, patterns) -> frozenset[str]:
    found: set[str] = set()
    reader = searcher.reader()
    for pattern in patterns:
        for field, text in pattern.existing_terms(reader, expand=True):
            if field in TEXT_FIELDS:
                found.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return frozenset(found)


def _matching_docs(searcher, plan: Plan, allowed) -> tuple[list[int], dict[int, int] | None]:
    """Every document matching the plan (and ``allowed``), in document order; and, for
    plain words, how many of the query's concepts each one matches."""
    parts = searcher.subsearchers or [(searcher, 0)]
    docs: list[int] = []
    counts: dict[int, int] | None = {} if plan.concepts else None
    for sub, offset in parts:
        reader = sub.reader()
        deleted = set(reader.segment().deleted_docs()) if reader.has_deletions() else set()
        if counts is None:
            found = _match_set(plan.query, sub) - deleted
        else:
            found = set()
            for concept in plan.query.subqueries:
                hits = _match_set(concept, sub) - deleted
                found |= hits
                for d in hits:
                    counts[d + offset] = counts.get(d + offset, 0) + 1
        docs.extend(sorted(d + offset for d in found))
    if allowed is not None:
        docs = [d for d in docs if d in allowed]
    return docs, counts


def _match_set(q: wq.Query, searcher) -> set[int]:
    """The documents of one segment matching ``q``, by set algebra over its parts.

    Whoosh's own ``docs_for_query`` walks every match in Python and, through its
    matcher "replacement", returns documents that an ``ANDNOT`` should exclude.
    Posting lists are read block by block here, and combined with set operations.
    """
    if isinstance(q, (wq.Or, wq.DisjunctionMax)):
        found: set[int] = set()
        for child in q.subqueries:
            found |= _match_set(child, searcher)
        return found
    if isinstance(q, wq.And):
        sets = sorted((_match_set(c, searcher) for c in q.subqueries), key=len)
        found = sets[0] if sets else set()
        for other in sets[1:]:
            found &= other
        return found
    if isinstance(q, wq.AndNot):
        return _match_set(q.a, searcher) - _match_set(q.b, searcher)
    if isinstance(q, wq.AndMaybe):
        return _match_set(q.a, searcher)
    if isinstance(q, wq.Require):
        return _match_set(q.a, searcher) & _match_set(q.b, searcher)
    if isinstance(q, wq.Not):
        return set(range(searcher.doc_count_all())) - _match_set(q.query, searcher)
    matcher = q.matcher(searcher, searcher.boolean_context())
    return _matcher_ids(matcher)


def _matcher_ids(matcher) -> set[int]:
    if isinstance(matcher, W3LeafMatcher):
        found: set[int] = set()
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            found.update(matcher._ids[matcher._i:])
            matcher._next_block()
        return found
    found = set()
    while matcher.is_active():  # no replace(): see _collect
        found.add(matcher.id())
        matcher.next()
    return found


#: Candidates re-ranked by coordination, at least (see _top).
RERANK = 100


def _coordinate(score: float, matched: int, concepts: int) -> float:
    """Scale a BM25F score by the share of the query's concepts the answer matches.

    BM25 adds up what each word contributes, so an answer that repeats one word can
    outscore one holding every word typed; a patient expects the latter first.
    """
    return score * matched / concepts


def _top(searcher, plan: Plan, allowed, wanted: int, columns, counts) -> list[tuple[int, float]]:
    """The best ``wanted`` documents, ties in score broken by answer id.

    Whoosh breaks ties by document number, so fetch past the cut until the scores at
    the cut are all seen. For plain words the best few hundred are re-scored with
    coordination, which only lowers scores, so an answer outside them could only rise
    above one inside by matching more words with a far lower BM25F score.
    """
    fetch = max(wanted + 1, RERANK) if counts is not None else wanted + 1
    while True:
        scored = _collect(searcher, plan.query, allowed, fetch)
        if len(scored) < fetch or scored[-1][1] < scored[wanted - 1][1]:
            break
        fetch *= 2
    if counts is not None:
        scored = [(d, _coordinate(score, counts.get(d, 1), plan.concepts)) for d, score in scored]
    ids = columns.answer_ids
    scored.sort(key=lambda ds: (-ds[1], ids[ds[0]]))
    return scored[:wanted]


def _rank_all(searcher, plan: Plan, allowed, columns, sort: str, counts) -> list[tuple[int, float]]:
    scored = _collect(searcher, plan.query, allowed, None)
    if counts is not None:
        scored = [(d, _coordinate(score, counts.get(d, 1), plan.concepts)) for d, score in scored]
    ids = columns.answer_ids
    if sort == "relevance":
        key = lambda ds: (-ds[1], ids[ds[0]])  # noqa: E731
    else:
        first, second = ("rating100", "reviews") if sort == "rating" else ("reviews", "rating100")
        a, b = columns.arrays[first], columns.arrays[second]
        key = lambda ds: (-a[ds[0]], -b[ds[0]], -ds[1], ids[ds[0]])  # noqa: E731
    scored.sort(key=key)
    return scored


def _group(ranked, columns) -> tuple[list[tuple[int, float]], dict[int, int]]:
    """Keep each thread's first answer in ``ranked``; count each thread's matches."""
    threads = columns.arrays["thread"]
    first: dict[int, int] = {}
    sizes: dict[int, int] = {}
    kept = []
    for docnum, score in ranked:
        thread = threads[docnum]
        if thread not in first:
            first[thread] = docnum
            kept.append((docnum, score))
        sizes[thread] = sizes.get(thread, 0) + 1
    return kept, {docnum: sizes[threads[docnum]] for docnum, _ in kept}


# -- hits and highlights -------------------------------------------------------------


def _hit(searcher, docnum: int, score: float, plan: Plan, terms: frozenset[str], thread_hits: int) -> Hit:
    import json

    fields = searcher.stored_fields(docnum)
    thread = json.loads(fields["thread"])
    card = fields.get("card")
    return Hit(
        answer_id=fields["answer_id"],
        thread_id=fields["thread_id"],
        thread_title=thread["title"],
        position=fields["position"],
        title=fields["title"],
        body=fields["body"],
        doctor=from_dict(Doctor, json.loads(card)) if card else None,
        score=round(float(score), 6),
        highlights=highlights(fields["body"], terms, plan.phrases),
        thread_hits=thread_hits,
    )


def highlights(text: str, terms: frozenset[str], phrases: frozenset[tuple[str, ...]] = frozenset(),
               top: int = 3, size: int = 240) -> tuple:
    """Up to ``top`` fragments of ``text`` with the matching words marked, as written.

    A stem in ``terms`` is marked wherever it stands; the stems of a phrase only where
    they stand together. Each fragment is a tuple of ``(text, matched)`` pieces. Without
    a match, the one fragment is the start of the text, unmarked.
    """
    tokens = [t.copy() for t in _stemmed_analyzer()(text, chars=True, positions=True, removestops=False)]
    for token in tokens:
        token.matched = token.text in terms
    for phrase in phrases:
        n = len(phrase)
        for i in range(len(tokens) - n + 1):
            if all(tokens[i + k].text == phrase[k] for k in range(n)):
                for k in range(n):
                    tokens[i + k].matched = True
    fragmenter = wh.ContextFragmenter(maxchars=size, surround=size // 3)
    fragments = wh.top_fragments(fragmenter.fragment_tokens(text, iter(tokens)), top,
                                 wh.BasicFragmentScorer(), wh.FIRST, minscore=1)
    result = []
    for fragment in fragments:
        pieces, at = [], fragment.startchar
        for token in fragment.matches:
            if token.startchar < at:
                continue
            if token.startchar > at:
                pieces.append((text[at:token.startchar], False))
            pieces.append((text[token.startchar:token.endchar], True))
            at = token.endchar
        if at < fragment.endchar:
            pieces.append((text[at:fragment.endchar], False))
        result.append(tuple(pieces))
    if not result and text:
        cut = text[:size]
        if len(text) > size:
            cut = cut.rsplit(" ", 1)[0]
        result.append(((cut, False),))
    return tuple(result)


# -- suggestions ---------------------------------------------------------------------


def _suggest(index, query: str) -> str | None:
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
