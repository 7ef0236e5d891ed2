"""Stances at index time: what each answer's document stores of them, and its label mask.

When a thread is indexed, every answer is judged on every target of the thread's own
question (``thread_consensus``). Each answer's document stores its stances as JSON::

    [{"target": "botox", "label": "against", "evidence": "...", "condition": null}, ...]

one record per target, in the order of the question's targets (so the first answer's
records also give the thread's targets). The columns hold one int per answer, a bit per
label (``LABEL_BITS``), for filters and facets.

An answer's facet labels, when the question has several targets: every position it
takes on some target (``for``, ``against``, ``conditional``), and ``unclear`` only when
it takes no position on any target. With one target, that is simply its label.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from .model import STANCE_LABELS, AnswerStance, Consensus, Stance, Thread

__all__ = [
    "LABEL_BITS",
    "MAX_MASK",
    "consensus",
    "dumps",
    "judge",
    "labels",
    "loads",
    "mask",
    "thread_stances",
]

#: Label -> its bit in the ``stance`` column.
LABEL_BITS = {label: 1 << i for i, label in enumerate(STANCE_LABELS)}
#: The largest value a ``stance`` column may hold.
MAX_MASK = (1 << len(STANCE_LABELS)) - 1
_POSITIONS = tuple(label for label in STANCE_LABELS if label != "unclear")


def thread_stances(thread: Thread) -> dict[str, tuple[Stance, ...]]:
    """Each answer's stances on the targets of its thread's own question.

    Returns:
        Answer id -> its ``Stance`` on each target, in target order.
    """
    # Imported when first needed: a search never judges an answer, and need not load
    # the stance modules (about 30 ms).
    from .stance.consensus import thread_consensus

    found: dict[str, list[Stance]] = {answer.id: [] for answer in thread.answers}
    for item in thread_consensus(thread).stances:
        found[item.answer_id].append(item.stance)
    return {answer_id: tuple(stances) for answer_id, stances in found.items()}


def dumps(stances: Sequence[Stance]) -> str:
    """The stored form of one answer's stances."""
    return json.dumps(
        [{"target": s.target, "label": s.label, "evidence": s.evidence, "condition": s.condition}
         for s in stances],
        ensure_ascii=False,
    )


def loads(text: str) -> tuple[Stance, ...]:
    """Stances from their stored form.

    Raises:
        ValueError: the text is not what ``dumps`` writes.
    """
    try:
        data = json.loads(text)
    except RecursionError:
        raise ValueError("stored stances are garbled") from None
    if not isinstance(data, list) or not data:
        raise ValueError("stored stances are not a list of stances")
    found = []
    for item in data:
        if not isinstance(item, dict) or set(item) != {"target", "label", "evidence", "condition"}:
            raise ValueError("stored stances are not a list of stances")
        try:
            found.append(Stance(**item))
        except (TypeError, ValueError) as e:
            raise ValueError(f"a stored stance is invalid ({e})") from None
    return tuple(found)


def labels(stances: Iterable[Stance]) -> tuple[str, ...]:
    """The facet labels of one answer: each position it takes on some target, or
    ``("unclear",)`` when it takes none."""
    taken = {s.label for s in stances}
    positions = tuple(label for label in _POSITIONS if label in taken)
    return positions or ("unclear",)


def mask(stances: Iterable[Stance]) -> int:
    """The ``stance`` column value of one answer: the bits of its facet labels."""
    return sum(LABEL_BITS[label] for label in labels(stances))


def consensus(thread: Thread, stances: dict[str, tuple[Stance, ...]]) -> Consensus:
    """A thread's consensus on its own question, from its answers' stored stances.

    Args:
        thread: The thread as the index stores it.
        stances: Answer id -> stances in target order (as ``loads`` returns them).

    Returns:
        What ``thread_consensus(thread)`` returns, without judging any answer again.

    Raises:
        ValueError: the answers were not judged on the same targets.
    """
    from .stance.consensus import consensus_from_stances, thread_question

    first = stances[thread.answers[0].id] if thread.answers else ()
    targets = tuple(s.target for s in first) or ("",)
    for answer in thread.answers:
        if tuple(s.target for s in stances[answer.id]) != targets:
            raise ValueError(f"the stored stances of {answer.id} are on other targets than its thread's")
    items = [
        AnswerStance(
            answer_id=answer.id,
            stance=stance,
            specialty=answer.doctor.specialty if answer.doctor else None,
        )
        for i in range(len(targets))
        for answer in thread.answers
        for stance in (stances[answer.id][i],)
    ]
    return consensus_from_stances(thread.id, thread_question(thread), targets, items)


def judge(thread: Thread, question: str) -> Consensus:
    """How the answers of ``thread`` split on another ``question`` (judged now)."""
    from .stance.consensus import thread_consensus  # loaded on first use, as above

    return thread_consensus(thread, question)
