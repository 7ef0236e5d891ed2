"""Ground-truth records of generated threads, and their rendering as page text.

The records carry the attribute names of ``msqa_search.Thread``/``Answer``/``Doctor``, so
code that reads records by attribute (the FTS5 baseline, the smoke test) takes either.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import vocab


@dataclass(frozen=True)
class DoctorSpec:
    name: str
    credentials: tuple[str, ...]
    city: str
    specialty: str
    rating: float | None
    reviews: int | None
    badges: tuple[str, ...] = ()

    def card_lines(self) -> list[str]:
        lines = [f"{self.name}, {', '.join(self.credentials)}", f"{self.city} {self.specialty}"]
        if self.rating is not None:
            noun = "review" if self.reviews == 1 else "reviews"
            lines.append(f"{self.rating:.1f} out of 5 stars {self.reviews} {noun}")
        return lines


@dataclass(frozen=True)
class AnswerSpec:
    thread_id: str
    position: int
    title: str
    body: str  # paragraphs joined by a blank line, lines inside one by a newline
    doctor: DoctorSpec | None

    @property
    def id(self) -> str:
        return f"{self.thread_id}#{self.position}"


@dataclass(frozen=True)
class ThreadSpec:
    id: str
    title: str
    body: str
    declared_answers: int
    answers: tuple[AnswerSpec, ...]


def render(thread: ThreadSpec) -> str:
    """The page text of one thread, laid out as a real page."""
    # Real copies carry trailing no-break spaces after some paragraphs; add them to every
    # seventh paragraph or so, chosen from the thread id so rendering stays deterministic.
    salt = int(thread.id[-4:], 16)
    out = [thread.title, ""]
    if thread.body:
        out += [thread.body, ""]
    out += [f"Doctor Answers {thread.declared_answers}", ""]
    for answer in thread.answers:
        out += [answer.title, ""]
        for i, paragraph in enumerate(answer.body.split("\n\n")):
            nbsp = "\u00a0" if (salt + answer.position * 3 + i) % 7 == 0 else ""
            out += [paragraph + nbsp, ""]
        if answer.doctor is not None:
            out += [*answer.doctor.card_lines(), ""]
    out.append(vocab.DISCLAIMER)
    return "\n".join(out) + "\n"
