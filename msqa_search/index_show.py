"""What an index holds, read back from one snapshot: an answer with its thread, a
thread, its consensus, a facet's values. The SearchIndex facade (index.py) calls these.
"""

from __future__ import annotations

import numpy as np

from . import facets as facets_mod
from . import index_stance
from .engine import documents
from .engine.opening import damaged
from .engine.snapshot import Snapshot
from .errors import AnswerNotFoundError, SearchOptionError, ThreadNotFoundError
from .facets import FACETS
from .model import Consensus, Thread
from .results import FacetValue, ThreadAnswer

__all__ = [
    "answer_of",
    "check_facet",
    "check_question",
    "consensus_of",
    "facet_values",
    "thread_of",
]


def check_facet(facet: str) -> None:
    """Raise SearchOptionError unless ``facet`` is a facet's name."""
    if facet not in FACETS:
        raise SearchOptionError(f"unknown facet {facet!r}; facets are {', '.join(FACETS)}")


def facet_values(snapshot: Snapshot, facet: str) -> tuple[FacetValue, ...]:
    """Every value of ``facet`` with how many live answers have it, most common first."""
    live = np.flatnonzero(snapshot.postings.live)
    return tuple(FacetValue(value=v, count=n) for v, n in facets_mod.facet_counts(snapshot, facet, live))


def answer_of(snapshot: Snapshot, answer_id: str) -> ThreadAnswer:
    """The answer ``answer_id`` with its thread.

    Raises:
        AnswerNotFoundError: no such answer in the index.
        IndexDamagedError: the answer is there but its thread, or its place in it, is not.
    """
    fields = documents.stored_by(snapshot.root, snapshot.searcher, "answer_id", answer_id)
    if not fields:
        raise AnswerNotFoundError(answer_id)
    try:
        thread = thread_of(snapshot, fields[0]["thread_id"])
    except ThreadNotFoundError:  # the answer is there, its thread's term is not
        raise damaged(snapshot.root, ValueError(f"the thread of answer {answer_id} is missing")) from None
    found = [a for a in thread.answers if a.id == answer_id]
    if not found:
        raise damaged(snapshot.root, ValueError(f"answer {answer_id} is not in its thread"))
    return ThreadAnswer(thread=thread, answer=found[0])


def thread_of(snapshot: Snapshot, thread_id: str) -> Thread:
    """The thread ``thread_id`` rebuilt from its stored answers.

    Raises:
        ThreadNotFoundError: no answer of that thread is in the index.
    """
    docs = documents.stored_by(snapshot.root, snapshot.searcher, "thread_id", thread_id)
    if not docs:
        raise ThreadNotFoundError(thread_id)
    return documents.thread_of(thread_id, docs)


def check_question(question: str | None) -> None:
    """Raise SearchOptionError unless ``question`` is None or a text with a word in it."""
    if question is not None and (not isinstance(question, str) or not question.strip()):
        raise SearchOptionError(f"question must be a text with a word in it, not {question!r}")


def consensus_of(snapshot: Snapshot, thread_id: str, question: str | None = None) -> Consensus:
    """The consensus stored for thread ``thread_id``, or its answers judged on ``question``.

    Raises:
        ThreadNotFoundError: no answer of that thread is in the index.
    """
    if question is None:
        return documents.stored_consensus(snapshot.root, snapshot.searcher, thread_id)
    return index_stance.judge(thread_of(snapshot, thread_id), question)
