"""The SearchIndex facade: build, open, search, update and ask what an index holds.

Holding and refreshing the open generation is in index_open.py, updating it in
index_update.py, reading back answers, threads and consensus in index_show.py,
searching one snapshot in search.py, writing in engine/writer.py, the folder layout in
store.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from . import index_show as show
from . import search as search_mod
from .engine import documents, verify
from .engine.generations import LOCK_TIMEOUT
from .engine.opening import confirm_damage
from .engine.writer import build_generation
from .facets import DEFAULT_FACETS, FACET_SIZE
from .index_open import open_snapshot
from .index_update import UpdatableIndex
from .model import Consensus, Thread
from .results import FacetValue, IndexStats, Results, ThreadAnswer, UpdateSummary

__all__ = ["IndexStats", "SearchIndex", "UpdateSummary", "build_index", "open_index"]


def build_index(
    threads: Iterable[Thread],
    path: str | os.PathLike[str],
    *,
    lock_timeout: float = LOCK_TIMEOUT,
    on_thread: Callable[[Thread], None] | None = None,
    workers: int | None = None,
) -> SearchIndex:
    """Build a new index of ``threads`` at ``path``, replacing any index there.

    The index is written beside the old one and swapped in only when complete: a
    failed or interrupted build leaves the previous index as it was.

    Args:
        threads: the threads to index (any iterable; read once).
        path: the index folder; created if missing. Files in it that are not the
            index's own are left alone.
        lock_timeout: seconds to wait while another process writes this index.
        on_thread: called after each thread is added (for progress reports).
        workers: processes for a large build (over PARALLEL_MIN_ANSWERS answers);
            by default one per core, at most four. 1 builds in this process.

    Raises:
        IndexLockedError: another process kept the index locked for ``lock_timeout``.
        IndexWriteError: the index could not be written (disk full, read-only...).
        IndexProblem: ``path`` is a file.
    """
    root = Path(path)
    build_generation(threads, root, lock_timeout=lock_timeout, on_thread=on_thread, workers=workers)
    return open_index(root)


def open_index(path: str | os.PathLike[str]) -> SearchIndex:
    """Open the index at ``path`` for searching and updating.

    Raises:
        IndexNotFoundError: nothing there, or a folder that holds no index.
        IndexSchemaError: the index was written by another schema version.
        IndexDamagedError: its files are missing, truncated or garbled.
        UnsafeIndexError: its files are writable by, or belong to, other users.
    """
    return SearchIndex(open_snapshot(Path(path)))


class SearchIndex(UpdatableIndex):
    """An open index: search it, update it, ask what it holds.

    It keeps one Whoosh searcher open across searches, refreshed after its own writes
    and, at the start of each call, when another process has published a new
    generation. Use it in a ``with`` block, or call ``close()``, to release its files;
    a closed SearchIndex raises IndexClosedError. One SearchIndex is meant for one
    thread at a time.
    """

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        page: int = 1,
        specialty: str | Sequence[str] | None = None,
        city: str | Sequence[str] | None = None,
        doctor: str | Sequence[str] | None = None,
        min_rating: float | None = None,
        min_reviews: int | None = None,
        sort: str = "relevance",
        facets: str | Sequence[str] = DEFAULT_FACETS,
        group_by_thread: bool = False,
        synonyms: bool = True,
        snippets: int = 3,
        snippet_chars: int = 240,
        facet_size: int | None = FACET_SIZE,
        stance: str | Sequence[str] | None = None,
        exact_spelling: bool = False,
        match: str = "most",
        related: bool = True,
    ) -> Results:
        """Search the answers.

        Args:
            query: words as a person types them, or expert syntax (docs/search.md).
            limit: hits per page. page: which page, from 1.
            specialty, city, doctor: keep only answers with this value, or any of
                several (any case; "unknown" for none; a doctor by any part of the name).
            min_rating: keep only doctors rated at least this (0-5).
            min_reviews: keep only doctors with at least this many reviews.
            stance: keep only answers taking this stance on some target of their
                thread's question: "for", "against", "conditional" or "unclear" (no
                position on any target), or any of several.
            sort: "relevance", "rating" or "reviews".
            facets: the facet counts to return: a name, or several (specialty,
                city, rating, doctor, stance; by default all but stance).
            group_by_thread: one hit per thread (its best answer), with each
                thread's split in ``Results.consensus``.
            synonyms: search medical synonyms and correct misspellings too.
            exact_spelling: search the words as typed: no typo variants, and the
                corrected query is never searched instead (``Results.suggestion``
                still offers it).
            snippets: highlighted fragments per hit (0: none).
            snippet_chars: about how long each fragment is.
            facet_size: values per facet, most common first (None: all);
                ``Facet.truncated`` says when there are more.
            match: how many of a plain query's topical words (not "how", "long",
                "after": data/function_words.txt) an answer must hold: "any", "all",
                or "most" (any below three, then 75% rounded up).
            related: when a plain query's matches end part-way down the page (sorted
                by relevance, not grouped), fill the rest of it with related answers,
                found from the telling words of the best matches (``Hit.related``);
                they count neither in ``total`` nor in the facets.

        Returns:
            One page of hits, with each facet's most common values counted over all
            matches (see Results and Facet).

        Raises:
            QuerySyntaxError: the query cannot be searched.
            SearchOptionError: an impossible option (FilterValueError: a filter
                value the index does not hold, with the nearest values).
            IndexClosedError: the SearchIndex was closed.
            IndexDamagedError: the index's files are damaged.
        """
        with self._reading() as snapshot:
            return search_mod.search(
                snapshot, query, limit=limit, page=page, specialty=specialty, city=city, doctor=doctor,
                min_rating=min_rating, min_reviews=min_reviews, sort=sort, facets=facets,
                group_by_thread=group_by_thread, synonyms=synonyms, snippets=snippets,
                snippet_chars=snippet_chars, facet_size=facet_size, stance=stance, match=match,
                exact_spelling=exact_spelling, related=related,
            )

    def explain(self, query: str, *, synonyms: bool = True, match: str = "most",
                exact_spelling: bool = False) -> str:
        """How ``query`` would be searched: its concepts (the words, their stems; topical
        or not), each alternative (synonyms, typo variants found in this index) with its
        weight, the match rule, and what an expert query excludes or filters on.
        Searches nothing.

        Raises:
            QuerySyntaxError: the query cannot be searched.
            SearchOptionError: ``match`` is not a match rule.
        """
        with self._reading() as snapshot:
            return str(search_mod.plan_query(snapshot, query, synonyms=synonyms, match=match,
                                             spelling=not exact_spelling))

    def similar(self, answer_id: str, limit: int = 10, *, facets: str | Sequence[str] = ()) -> Results:
        """Answers like the answer ``answer_id`` ("more like this"), best first.

        They are found from the answer's most telling words (frequent in it, rare in
        the index); ``Results.query`` holds the words searched. The answer itself is
        never among the hits.

        Raises:
            AnswerNotFoundError: no such answer in the index.
            IndexClosedError: the SearchIndex was closed.
        """
        found = self.answer(answer_id)
        with confirm_damage(self.path, self._snapshot.generation):
            return search_mod.similar(self._snapshot, found.answer, limit=limit, facets=facets)

    def values(self, facet: str) -> tuple[FacetValue, ...]:
        """Every value of ``facet`` (specialty, city, rating, doctor, stance) with how many
        answers have it, most common first.

        Raises:
            SearchOptionError: an unknown facet.
        """
        show.check_facet(facet)
        with self._reading() as snapshot:
            return show.facet_values(snapshot, facet)

    def answer(self, answer_id: str) -> ThreadAnswer:
        """The answer with ``answer_id`` and its thread (with all its indexed answers).

        Returns:
            A record with ``.answer`` and ``.thread`` (it also unpacks as
            ``thread, answer``).

        Raises:
            AnswerNotFoundError: no such answer in the index.
        """
        with self._reading() as snapshot:
            return show.answer_of(snapshot, answer_id)

    def thread(self, thread_id: str) -> Thread:
        """The thread ``thread_id`` rebuilt from the index.

        Raises:
            ThreadNotFoundError: no answer of that thread is in the index.
        """
        with self._reading() as snapshot:
            return show.thread_of(snapshot, thread_id)

    def consensus(self, thread_id: str, question: str | None = None) -> Consensus:
        """How the answers of thread ``thread_id`` split on its question, per target.

        Args:
            thread_id: The thread.
            question: Another question or claim to judge its answers on. By default
                the thread's own question, whose stances were judged when the thread
                was indexed: nothing is judged again.

        Returns:
            The ``Consensus`` that ``thread_consensus`` gives for the thread as
            indexed (docs/consensus.md).

        Raises:
            ThreadNotFoundError: no answer of that thread is in the index.
            SearchOptionError: ``question`` is not a text with a word in it.
        """
        show.check_question(question)
        with self._reading() as snapshot:
            return show.consensus_of(snapshot, thread_id, question)

    def sources(self) -> dict[str, str | None]:
        """Thread id -> the file it was read from (None when not read from a file)."""
        self.refresh()
        return documents.sources(self.path, self._snapshot.searcher)

    def stats(self) -> IndexStats:
        """Counts of what the index holds."""
        with self._reading() as snapshot:
            return verify.stats(snapshot)

    def check(self) -> list[str]:
        """Read the whole index and verify it, as SQLite's ``PRAGMA integrity_check``.

        Checks every file of the current generation against the size and SHA-256
        recorded when it was written, the meta file against its own checksum, the
        segment list, the columns (types, lengths, bounds), every document's stored
        fields against the columns, every posting list, and the vocabulary.

        Returns:
            The problems found, one line each; an empty list when the index is sound.
        """
        self.refresh()
        return verify.problems(self._snapshot)
