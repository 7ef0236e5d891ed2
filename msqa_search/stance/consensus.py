"""How a thread's answers split on its question: counts per target, label and specialty."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..model import STANCE_LABELS, AnswerStance, Consensus, Thread
from .judge import answer_stance
from .targets import question_targets

__all__ = [
    "MIN_POSITIONS",
    "UNKNOWN_SPECIALTY",
    "consensus_from_stances",
    "thread_consensus",
    "thread_question",
]

MIN_POSITIONS = 2
"""How many answers must take a position on a target before its split is shown."""

UNKNOWN_SPECIALTY = "unknown"
"""The specialty key for answers whose card names none (or that have no card)."""


def thread_question(thread: Thread) -> str:
    """A thread's own question: its title and body, as one text."""
    return f"{thread.title}\n{thread.body}".strip()


def thread_consensus(thread: Thread, question: str | None = None) -> Consensus:
    """How the answers of a thread split on its question, target by target.

    Pure and deterministic: the same thread gives the same consensus, so an index can
    store the stances at build time and rebuild it with ``consensus_from_stances``.

    Args:
        thread: A parsed thread.
        question: The question or claim to judge the answers on; by default the
            thread's own title and body.

    Returns:
        The ``Consensus``. Its targets are the treatments the question names; when it
        names none, the answers are judged on the question as a whole (target ``""``).
    """
    question = thread_question(thread) if question is None else question
    targets = question_targets(question) or ("",)
    stances = [
        AnswerStance(
            answer_id=answer.id,
            stance=answer_stance(answer, question, target=target),
            specialty=answer.doctor.specialty if answer.doctor else None,
        )
        for target in targets
        for answer in thread.answers
    ]
    return consensus_from_stances(thread.id, question, targets, stances)


def consensus_from_stances(
    thread_id: str, question: str, targets: Sequence[str], stances: Iterable[AnswerStance]
) -> Consensus:
    """Assemble a ``Consensus`` from answer stances already computed (e.g. stored).

    Args:
        thread_id: The thread's id.
        question: The question the stances were judged on.
        targets: The question's targets, primary first.
        stances: Each answer's stance on each target.

    Returns:
        The counts, the per-specialty counts, whether each split is shown, and the
        one-line summary.
    """
    stances = tuple(stances)
    counts: dict[str, dict[str, int]] = {}
    by_specialty: dict[str, dict[str, dict[str, int]]] = {}
    enough: dict[str, bool] = {}
    lines = []
    for target in targets:
        mine = [s for s in stances if s.stance.target == target]
        tally = dict.fromkeys(STANCE_LABELS, 0)
        specialties: dict[str, dict[str, int]] = {}
        for item in mine:
            tally[item.stance.label] += 1
            key = item.specialty or UNKNOWN_SPECIALTY
            specialties.setdefault(key, dict.fromkeys(STANCE_LABELS, 0))[item.stance.label] += 1
        counts[target] = tally
        by_specialty[target] = dict(sorted(specialties.items()))
        positioned = len(mine) - tally["unclear"]
        enough[target] = positioned >= MIN_POSITIONS
        lines.append(_summary_line(target, tally, mine, enough[target]))
    return Consensus(
        thread_id=thread_id,
        question=question,
        targets=tuple(targets),
        counts=counts,
        by_specialty=by_specialty,
        stances=stances,
        enough=enough,
        summary="; ".join(lines),
    )


def _summary_line(
    target: str, tally: dict[str, int], mine: list[AnswerStance], enough: bool
) -> str:
    name = target[:1].upper() + target[1:] if target else "The question"
    total = sum(tally.values())
    silent = tally["unclear"]
    if not enough:
        # Said as when a split is shown: how many of the answers took no position.
        return f"{name}: too few answers take a position to show a split ({silent} of {total} took no position)"
    parts = []
    if tally["for"]:
        parts.append(f"{tally['for']} yes")
    if tally["against"]:
        parts.append(f"{tally['against']} no")
    if tally["conditional"]:
        conditions = {s.stance.condition for s in mine if s.stance.label == "conditional"}
        if len(conditions) == 1 and None not in conditions:
            (who,) = conditions
            article = "an" if who[:1] in "aeiou" else "a"
            parts.append(f"{tally['conditional']} only if cleared by {article} {who}")
        else:
            parts.append(f"{tally['conditional']} only if conditions are met")
    line = f"{name}: {', '.join(parts)}"
    if silent:
        line += f" ({silent} of {total} took no position)"
    return line
