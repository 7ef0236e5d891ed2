"""Render search results, answers and stats as text for people.

Pure functions: they take a ``style(text, role)`` callable that adds colour (or does
nothing), and a width to wrap to. The CLI chooses both.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from .model import Doctor, Hit, Results, Thread, Answer

Style = Callable[[str, str], str]


def plain(text: str, role: str) -> str:
    return text


def doctor_line(doctor: Doctor | None, *, fancy: bool = True) -> str:
    """``Marla M. Klein, MD · Dermatologic Surgeon · Lake Oswego · ★ 5.0 (8 reviews)``."""
    if doctor is None:
        return "unsigned answer"
    dot = " · " if fancy else " | "
    parts = []
    name = ", ".join(p for p in (doctor.name, *doctor.credentials) if p)
    parts.append(name or "unnamed doctor")
    parts.extend(p for p in (doctor.specialty, doctor.city) if p)
    if doctor.rating is not None:
        star = "★ " if fancy else ""
        rating = f"{star}{doctor.rating:.1f}" + ("" if fancy else " stars")
        if doctor.reviews is not None:
            rating += f" ({doctor.reviews} review{'' if doctor.reviews == 1 else 's'})"
        parts.append(rating)
    parts.extend(doctor.badges)
    return dot.join(parts)


def _wrap(text: str, width: int, indent: str) -> list[str]:
    return textwrap.wrap(text, width=max(width, 30), initial_indent=indent, subsequent_indent=indent) or [indent]


def _words(fragment) -> list[list[tuple[str, bool]]]:
    """Split a fragment's pieces into words; a word is a run of (text, matched) chunks."""
    words: list[list[tuple[str, bool]]] = []
    glued = False
    for text, matched in fragment:
        chunks = text.split()
        if not chunks:
            glued = False
            continue
        for i, chunk in enumerate(chunks):
            joins = i == 0 and glued and not text[0].isspace()
            if joins and words:
                words[-1].append((chunk, matched))
            else:
                words.append([(chunk, matched)])
        glued = not text[-1].isspace()
    return words


def snippet_lines(fragment, width: int, indent: str, style: Style) -> list[str]:
    """Wrap a highlighted fragment to ``width``, styling its matched words."""
    words = [[("…", False)], *_words(fragment), [("…", False)]]
    lines: list[str] = []
    line: list[str] = []
    size = len(indent)
    for word in words:
        length = sum(len(text) for text, _ in word)
        if line and size + 1 + length > width:
            lines.append(indent + " ".join(line))
            line, size = [], len(indent)
        line.append("".join(style(text, "match") if matched else text for text, matched in word))
        size += length + (1 if len(line) > 1 else 0)
    if line:
        lines.append(indent + " ".join(line))
    return lines


CUT_MARK = "(cut short: the page copy ends inside this answer)"


def _cut_mark(cut: bool, style: Style) -> str:
    return "  " + style(CUT_MARK, "dim") if cut else ""


def hit_lines(rank: int, hit: Hit, width: int, style: Style, fancy: bool) -> list[str]:
    """One hit: rank and title, doctor card, question, then up to three snippets."""
    title = hit.title or "(untitled answer)"
    head = f"{rank:>2}. "
    lines = [head + style(title, "title") + "  " + style(f"[{hit.answer_id}]", "dim") + _cut_mark(hit.cut, style)]
    indent = " " * len(head)
    lines.append(indent + style(doctor_line(hit.doctor, fancy=fancy), "doctor"))
    if hit.thread_hits > 1:
        lines.append(indent + style(f"+{hit.thread_hits - 1} more matching answers in this thread", "dim"))
    question = f"Q: {hit.thread_title}" if hit.thread_title else "Q: (untitled question)"
    lines.extend(style(x, "question") for x in _wrap(question, width, indent))
    for fragment in hit.highlights:
        lines.extend(snippet_lines(fragment, width, indent, style))
    return lines


def bar(count: int, most: int, size: int = 20, fancy: bool = True) -> str:
    filled = max(1, round(size * count / most)) if most else 0
    return ("█" if fancy else "#") * filled


def facet_lines(results: Results, style: Style, fancy: bool, top: int = 8) -> list[str]:
    """Each facet as a small table: value, count, bar; the top values only."""
    lines: list[str] = []
    for name, values in results.facets.items():
        if not values:
            continue
        lines.append("")
        label = {"rating": "Rating"}.get(name, name.capitalize())
        lines.append(style(f"{label}", "heading") + style(f"  ({len(values)} value{'s' if len(values) != 1 else ''})", "dim"))
        shown = values[:top]
        widest = max(len(v.value) for v in shown)
        most = max(v.count for v in shown)
        for v in shown:
            lines.append(f"  {v.value:<{widest}}  {v.count:>5}  " + style(bar(v.count, most, fancy=fancy), "bar"))
        if len(values) > top:
            lines.append(style(f"  … {len(values) - top} more", "dim"))
    return lines


def results_lines(results: Results, width: int, style: Style, fancy: bool) -> list[str]:
    """Everything a search prints for people, hits first, then the facets."""
    lines: list[str] = []
    first = (results.page - 1) * results.limit + 1
    for rank, hit in enumerate(results.hits, start=first):
        lines.extend(hit_lines(rank, hit, width, style, fancy))
        lines.append("")
    shown = f"{first}-{first + len(results.hits) - 1}" if results.hits else "none"
    noun = "thread" if results.group_by_thread else "answer"
    searched = results.searched or results.query
    verb = "matches" if results.total == 1 else "match"
    summary = f"{results.total} {noun}{'' if results.total == 1 else 's'} {verb} {searched!r}; showing {shown}"
    lines.append(style(summary, "summary"))
    lines.extend(facet_lines(results, style, fancy))
    return lines


def answer_lines(thread: Thread, answer: Answer, width: int, style: Style, fancy: bool) -> list[str]:
    """An answer in full with its doctor card and the question it answers."""
    lines = [style(answer.title or "(untitled answer)", "title") + "  " + style(f"[{answer.id}]", "dim")
             + _cut_mark(answer.cut, style)]
    lines.append(style(doctor_line(answer.doctor, fancy=fancy), "doctor"))
    lines.append("")
    for paragraph in answer.body.split("\n\n"):
        lines.extend(_wrap(" ".join(paragraph.split()), width, ""))
        lines.append("")
    lines.append(style("Question", "heading") + style(f"  [{thread.id}] {len(thread.answers)} answers", "dim"))
    lines.extend(_wrap(thread.title, width, "  "))
    for paragraph in thread.body.split("\n\n") if thread.body else ():
        lines.append("")
        lines.extend(_wrap(" ".join(paragraph.split()), width, "  "))
    return lines
