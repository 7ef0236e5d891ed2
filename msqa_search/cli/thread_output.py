"""How a whole answer or thread reads in the terminal: the text, the doctor card and
each answer's stance on the question, with the sentence that shows it."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Answer, Consensus, Stance, Thread
from .output import Style, doctor_parts, joined_lines, plural, safe, title_lines, wrap

__all__ = ["LABEL_WORDS", "answer_lines", "stance_lines", "thread_lines"]


def _paragraphs(text: str, width: int, indent: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n\n"):
        if lines:
            lines.append("")
        lines.extend(wrap(safe(" ".join(paragraph.split())), width, indent))
    return lines


def answer_lines(thread: Thread, answer: Answer, width: int, style: Style, fancy: bool,
                 stances: Sequence[Stance] = ()) -> list[str]:
    """An answer in full with its doctor card, its ``stances`` on the thread's question,
    and the question it answers."""
    lines = title_lines("", answer.title or "(untitled answer)", answer.id, width, style, answer.cut)
    lines.extend(style(x, "doctor") for x in joined_lines(doctor_parts(answer.doctor, fancy=fancy),
                                                          " · " if fancy else " | ", width, ""))
    for stance in stances:
        lines.extend(stance_lines(stance, width, "", style, fancy))
    lines.append("")
    lines.extend(_paragraphs(answer.body, width, ""))
    lines.append("")
    lines.append(style("Question", "heading") + style(f"  [{safe(thread.id)}] {plural(len(thread.answers), 'answer')}", "dim"))
    lines.extend(wrap(safe(thread.title), width, "  "))
    if thread.body:
        lines.append("")
        lines.extend(_paragraphs(thread.body, width, "  "))
    return lines


#: How each stance label reads in text (docs/consensus.md).
LABEL_WORDS = {"for": "yes", "against": "no", "conditional": "only if", "unclear": "no position"}


def stance_lines(stance: Stance, width: int, indent: str, style: Style, fancy: bool) -> list[str]:
    """``Botox: no - "the sentence that says so"``, the sentence highlighted."""
    name = safe(stance.target[:1].upper() + stance.target[1:]) if stance.target else "The question"
    word = LABEL_WORDS[stance.label]
    if stance.label == "conditional" and stance.condition:
        word = f"only if cleared by {'an' if stance.condition[:1] in 'aeiou' else 'a'} {safe(stance.condition)}"
    head = f"{name}: {word}"
    if stance.evidence is None:
        return [indent + style(head, "summary")]
    dash, (left, right) = (" — ", "“”") if fancy else (" - ", '""')
    text = f"{head}{dash}{left}{safe(stance.evidence)}{right}"
    wrapped = wrap(text, width, indent)
    # The head in bold, the quoted sentence highlighted, line by line as wrapped.
    out = []
    for i, line in enumerate(wrapped):
        body = line[len(indent):]
        if i == 0 and body.startswith(head):
            out.append(indent + style(head, "summary") + style(body[len(head):], "match"))
        else:
            out.append(indent + style(body, "match"))
    return out


def thread_lines(thread: Thread, width: int, style: Style, fancy: bool,
                 consensus: Consensus | None = None) -> list[str]:
    """A whole thread: the question, how its answers split (with ``consensus``), then
    every answer with its doctor card, its stance on each target and its text."""
    lines = title_lines("", thread.title or "(untitled question)", thread.id, width, style)
    lines.append(style(plural(len(thread.answers), "answer"), "dim"))
    stances: dict[str, list[Stance]] = {}
    if consensus is not None:
        lines.extend(style(x, "summary") for part in consensus.summary.split("; ")
                     for x in wrap(safe(part), width, ""))
        for item in consensus.stances:
            stances.setdefault(item.answer_id, []).append(item.stance)
    if thread.body:
        lines.append("")
        lines.extend(_paragraphs(thread.body, width, ""))
    for answer in thread.answers:
        lines.append("")
        head = f"{answer.position:>2}. "
        indent = " " * len(head)
        lines.extend(title_lines(head, answer.title or "(untitled answer)", answer.id, width, style, answer.cut))
        lines.extend(indent + style(x[len(indent):], "doctor") for x in joined_lines(
            doctor_parts(answer.doctor, fancy=fancy), " · " if fancy else " | ", width, indent))
        for stance in stances.get(answer.id, ()):
            lines.extend(stance_lines(stance, width, indent, style, fancy))
        lines.append("")
        lines.extend(_paragraphs(answer.body, width, indent))
    return lines
