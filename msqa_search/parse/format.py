"""Write a Thread back as a page in the thread format."""

from __future__ import annotations

from ..model import Answer, Doctor, Thread

__all__ = ["FOOTER", "VOTE_LINE", "format_thread"]

VOTE_LINE = "{{ voteCount >= 0 ? '+' + (voteCount + 1) : (voteCount + 1) }}"
FOOTER = (
    "These answers are for educational purposes and should not be relied upon as a"
    " substitute for medical advice you may receive from your physician. If you have a"
    " medical emergency, please call 911. These answers do not constitute or initiate a"
    " patient/doctor relationship."
)


def format_thread(thread: Thread) -> str:
    """Write ``thread`` in the page format that ``parse_thread`` reads.

    Each answer's title is followed by the vote-template line, as on real pages, so that
    the answers' boundaries are explicit whatever their bodies hold. The disclaimer
    footer is written only for a complete thread (``Thread.complete``): a cut copy is
    written as cut, and parses back as cut.
    """
    parts = [thread.title]
    if thread.body:
        parts.append(thread.body)
    count = thread.declared_answers
    parts.append("Doctor Answers" if count is None else f"Doctor Answers {count}")
    for answer in thread.answers:
        parts.extend(_answer(answer))
    if thread.complete:
        parts.append(FOOTER)
    return "\n\n".join(parts) + "\n"


def _answer(answer: Answer) -> list[str]:
    head = f"{answer.title}\n{VOTE_LINE}" if answer.title else VOTE_LINE
    parts = [head]
    if answer.body:
        parts.append(answer.body)
    if answer.doctor is not None:
        if answer.doctor.badges:
            parts.append("\n".join(answer.doctor.badges))
        card = _card(answer.doctor)
        if card:
            parts.append(card)
    return parts


def _card(doctor: Doctor) -> str:
    lines = []
    name_line = ", ".join(p for p in (doctor.name, *doctor.credentials) if p)
    if name_line:
        lines.append(name_line)
    place = " ".join(p for p in (doctor.city, doctor.specialty) if p)
    if place:
        lines.append(place)
    if doctor.rating is not None:
        rating = f"{doctor.rating:.1f}" if round(doctor.rating, 1) == doctor.rating else repr(doctor.rating)
        line = f"{rating} out of 5 stars"
        if doctor.reviews is not None:
            line += f" {doctor.reviews} review" + ("" if doctor.reviews == 1 else "s")
        lines.append(line)
    return "\n".join(lines)
