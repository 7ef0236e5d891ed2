"""The records a search or a write returns: hits, facets, results, summaries."""

from __future__ import annotations

import attrs

from .model import Answer, Consensus, Doctor, Problem, Stance, Thread

__all__ = [
    "Facet",
    "FacetValue",
    "Hit",
    "IndexStats",
    "IndexSummary",
    "Results",
    "ThreadAnswer",
    "UpdateSummary",
]


@attrs.frozen(kw_only=True)
class FacetValue:
    """One value of a facet and how many matching answers have it."""

    value: str
    count: int


@attrs.frozen(kw_only=True)
class Facet:
    """The values of one facet over all matches, most common first (datasette's shape)."""

    name: str
    """specialty, city, rating or doctor."""
    values: tuple[FacetValue, ...] = attrs.field(default=(), converter=tuple)
    """The most common values, by count then value; at most the search's facet_size."""
    truncated: bool = False
    """True when more values than these have matches."""


@attrs.frozen(kw_only=True)
class Hit:
    """One matching answer, as a search returns it."""

    answer_id: str
    thread_id: str
    thread_title: str
    position: int
    title: str
    body: str
    doctor: Doctor | None
    score: float
    highlights: tuple[tuple[tuple[str, bool], ...], ...] = attrs.field(
        default=(), converter=lambda v: tuple(tuple(tuple(p) for p in f) for f in v)
    )
    """Fragments of the body; each fragment is a tuple of ``(text, matched)`` pieces,
    so a caller can render them as plain text, ANSI colour or escaped HTML."""
    thread_hits: int = 1
    """With ``group_by_thread``: how many answers of this thread matched."""
    cut: bool = False
    """True when the page copy stops inside this answer (``Answer.cut``)."""
    stances: tuple[Stance, ...] = attrs.field(default=(), converter=tuple)
    """The answer's stance on each target of its thread's question, in target order
    (judged when the thread was indexed)."""
    also: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    """Ids of other matching answers with the same body by the same doctor (the same
    answer captured on other pages), folded into this hit."""
    related: bool = False
    """True for a related answer: one that fills a page the matches leave short, found
    from the telling words of the best matches; it does not match the query, and is
    counted neither in ``Results.total`` nor in the facets (related.py)."""


@attrs.frozen(kw_only=True)
class Results:
    """One page of search results, with facet counts over all matches."""

    query: str
    total: int
    """How many answers match, over all pages, each set of identical answers counted
    once (see ``Hit.also``)."""
    hits: tuple[Hit, ...] = attrs.field(converter=tuple)
    """This page's hits, best first: the matches, then, on the page where a plain
    query's matches end, related answers (``Hit.related``; ``matches`` leaves them out)."""
    facets: dict[str, Facet] = attrs.field(factory=dict)
    """Facet name -> its most common values, counted over all matches."""
    suggestion: str | None = None
    """A corrected query, when the query looks misspelled and the correction finds
    answers ("did you mean")."""
    searched: str | None = None
    """The query actually searched when it differs from ``query``: the suggestion, when
    the typed query found nothing or its corrected words are clearly more frequent
    ("showing results for"; ``exact_spelling=True`` searches as typed)."""
    typed_total: int | None = None
    """With ``searched``: how many answers the query as typed matches."""
    folded: int = 0
    """How many matching answers were folded into an identical one (not in ``total``)."""
    page: int = 1
    limit: int = 10
    group_by_thread: bool = False
    """True when hits are one per thread and ``total`` counts threads."""
    elapsed: float = 0.0
    """Seconds spent searching."""
    filtered: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    """Facets with a filter on (specialty, city, doctor, stance). Each of them is counted as if
    its own filter were off, so that it shows the other values one could pick too
    (disjunctive facets); the other facets count the filtered matches."""
    notices: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    """What was not searched as typed, e.g. a wildcard or range capped at
    MAX_EXPANSIONS terms (query.py)."""
    consensus: dict[str, Consensus] = attrs.field(factory=dict)
    """With ``group_by_thread``: thread id -> how its answers split on its question,
    for the threads of this page (from the stances stored at index time)."""

    def __len__(self) -> int:
        """The number of hits on this page, related answers included (``total``
        counts all matches)."""
        return len(self.hits)

    @property
    def matches(self) -> tuple[Hit, ...]:
        """The hits of this page that match the query: all but the related answers
        that fill a short page (``Hit.related``)."""
        return tuple(hit for hit in self.hits if not hit.related)

    def __iter__(self):
        """The hits of this page, best first."""
        return iter(self.hits)


@attrs.frozen(kw_only=True)
class ThreadAnswer:
    """One answer with the thread it belongs to (``SearchIndex.answer``)."""

    thread: Thread
    answer: Answer

    def __iter__(self):
        """``thread, answer = index.answer(answer_id)`` still works."""
        return iter((self.thread, self.answer))


@attrs.frozen(kw_only=True)
class UpdateSummary:
    """What a build or an update changed, counted in threads and answers."""

    threads_added: int = 0
    threads_replaced: int = 0
    answers_added: int = 0
    answers_replaced: int = 0
    answers_removed: int = 0
    threads_removed: int = 0
    threads_unchanged: int = 0
    """Threads read again whose content is what the index holds: not rewritten."""


@attrs.frozen(kw_only=True)
class IndexSummary:
    """What ``index_threads`` did: built or updated which index, with what, and what it skipped."""

    path: str
    built: bool
    """True when the index was written anew (asked to rebuild, or none was there)."""
    files: int = 0
    """Thread files found (0 when records were given)."""
    threads_added: int = 0
    threads_replaced: int = 0
    threads_unchanged: int = 0
    """Threads read again whose content is what the index holds: not rewritten."""
    threads_removed: int = 0
    """Threads removed because their file is gone (``prune``)."""
    answers_added: int = 0
    answers_replaced: int = 0
    answers_removed: int = 0
    problems: tuple[Problem, ...] = attrs.field(default=(), converter=tuple)
    """Files (or threads) skipped, each with why."""
    warnings: tuple[tuple[str, tuple[str, ...]], ...] = attrs.field(
        default=(), converter=lambda v: tuple((path, tuple(w)) for path, w in v)
    )
    """(file or thread id, the parser's warnings) of each indexed thread that has some."""


@attrs.frozen(kw_only=True)
class IndexStats:
    """What an index holds."""

    path: str
    threads: int
    answers: int
    doctors: int
    specialties: int
    cities: int
    schema_version: int
    generation: str
    segments: int
