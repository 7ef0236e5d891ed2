"""Render search results, answers and stats as text for people.

Pure functions: they take a ``style(text, role)`` callable that adds colour (or does
nothing), a width to wrap to, and ``fancy`` (the terminal takes Unicode: ``·``, ``★``,
``…``, bars; else ASCII). The CLI chooses all three. Everything that came from a file
goes through ``safe`` first, so a thread cannot send control sequences to a terminal.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Sequence

from ..model import Doctor
from ..results import Hit, Results

__all__ = [
    "CUT_MARK",
    "RELATED_HEADING",
    "Style",
    "bar",
    "compact_facet_lines",
    "doctor_line",
    "doctor_parts",
    "ellipsis",
    "facet_lines",
    "hit_lines",
    "joined_lines",
    "plain",
    "plural",
    "results_lines",
    "safe",
    "snippet_lines",
    "summary",
    "title_lines",
    "wrap",
]

Style = Callable[[str, str], str]

# Bidi embeddings, overrides and isolates, marks, and line/paragraph separators: they
# reorder or break what a terminal shows without being visible themselves.
_BIDI = "\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f%s\ud800-\udfff]" % _BIDI)


def _escape(match: re.Match) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: str | None, *, lines: bool = False) -> str:
    """``text`` with every control character, bidi control and lone surrogate written
    as a visible escape (``\\x1b``, ``\\u202e``), so that printing it cannot move the
    cursor, set a window title or reorder the line. With ``lines``, newlines and tabs
    stay as they are."""
    if not text:
        return text or ""
    if lines:
        return "\n".join(_UNSAFE.sub(_escape, part) for part in text.replace("\t", "    ").split("\n"))
    return _UNSAFE.sub(_escape, text)


def plain(text: str, role: str) -> str:
    return text


def plural(n: int, noun: str) -> str:
    """``1 answer``, ``2 answers``."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def doctor_parts(doctor: Doctor | None, *, fancy: bool = True) -> list[str]:
    """The parts of a doctor card line: name and credentials, specialty, city, rating, badges."""
    if doctor is None:
        return ["unsigned answer"]
    parts = []
    name = ", ".join(safe(p) for p in (doctor.name, *doctor.credentials) if p)
    parts.append(name or "unnamed doctor")
    parts.extend(safe(p) for p in (doctor.specialty, doctor.city) if p)
    if doctor.rating is not None:
        star = "★ " if fancy else ""
        rating = f"{star}{doctor.rating:.1f}" + ("" if fancy else " stars")
        if doctor.reviews is not None:
            rating += f" ({plural(doctor.reviews, 'review')})"
        parts.append(rating)
    parts.extend(safe(b) for b in doctor.badges)
    return parts


def doctor_line(doctor: Doctor | None, *, fancy: bool = True) -> str:
    """``Marla M. Klein, MD · Dermatologic Surgeon · Lake Oswego · ★ 5.0 (8 reviews)``."""
    return (" · " if fancy else " | ").join(doctor_parts(doctor, fancy=fancy))


def joined_lines(parts: Sequence[str], sep: str, width: int, indent: str) -> list[str]:
    """``parts`` joined by ``sep``, wrapped between parts (a part longer than a line
    is wrapped on its own)."""
    lines: list[str] = []
    line = ""
    for part in parts:
        if line and len(indent) + len(line) + len(sep) + len(part) > width:
            lines.append(line + sep.rstrip())
            line = ""
        line = part if not line else line + sep + part
    if line:
        lines.append(line)
    out = []
    for line in lines:
        out.extend(wrap(line, width, indent) if len(indent) + len(line) > width else [indent + line])
    return out


def wrap(text: str, width: int, indent: str) -> list[str]:
    return textwrap.wrap(text, width=max(width, 30), initial_indent=indent, subsequent_indent=indent,
                         break_on_hyphens=False) or [indent]


def _words(fragment) -> list[list[tuple[str, bool]]]:
    """Split a fragment's pieces into words; a word is a run of (text, matched) chunks."""
    words: list[list[tuple[str, bool]]] = []
    glued = False
    for text, matched in fragment:
        chunks = [safe(c) for c in text.split()]
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


def ellipsis(fancy: bool) -> str:
    return "…" if fancy else "..."


def snippet_lines(fragment, width: int, indent: str, style: Style, fancy: bool = True) -> list[str]:
    """Wrap a highlighted fragment to ``width``, styling its matched words."""
    cut = ellipsis(fancy)
    words = [[(cut, False)], *_words(fragment), [(cut, False)]]
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


def title_lines(head: str, title: str, answer_id: str, width: int, style: Style, cut: bool = False) -> list[str]:
    """``head`` + the title, wrapped to ``width``, then ``[answer_id]``: on the last
    line when it fits, else on a line of its own. The id is never split. An answer cut
    short on the page gets ``CUT_MARK`` on a line of its own."""
    indent = " " * len(head)
    tag = f"[{safe(answer_id)}]"
    wrapped = textwrap.wrap(safe(title), width=max(width - len(head), 20), break_on_hyphens=False) or [""]
    lines = [(head if i == 0 else indent) + style(part, "title") for i, part in enumerate(wrapped)]
    if len(head) + len(wrapped[-1]) + 2 + len(tag) <= width:
        lines[-1] += "  " + style(tag, "dim")
    else:
        lines.append(indent + style(tag, "dim"))
    if cut:
        lines.append(indent + style(CUT_MARK, "dim"))
    return lines


def hit_lines(rank: int, hit: Hit, width: int, style: Style, fancy: bool,
              split: str | None = None) -> list[str]:
    """One hit: rank and title, doctor card, question, the thread's ``split`` (when
    given), then its snippets."""
    head = f"{rank:>2}. "
    lines = title_lines(head, hit.title or "(untitled answer)", hit.answer_id, width, style, hit.cut)
    indent = " " * len(head)
    card = joined_lines(doctor_parts(hit.doctor, fancy=fancy), " · " if fancy else " | ", width, indent)
    lines.extend(indent + style(line[len(indent):], "doctor") for line in card)
    if hit.thread_hits > 1:
        more = plural(hit.thread_hits - 1, "more matching answer")
        lines.append(indent + style(f"+{more} in this thread", "dim"))
    if hit.also:
        lines.extend(style(x, "dim") for x in wrap(f"also in: {', '.join(safe(a) for a in hit.also)}", width, indent))
    question = f"Q: {safe(hit.thread_title)}" if hit.thread_title else "Q: (untitled question)"
    lines.extend(style(x, "question") for x in wrap(question, width, indent))
    if split:
        lines.extend(style(x, "summary") for x in wrap(f"Split: {safe(split)}", width, indent))
    for fragment in hit.highlights:
        lines.extend(snippet_lines(fragment, width, indent, style, fancy))
    return lines


def bar(count: int, most: int, size: int = 20, fancy: bool = True) -> str:
    filled = max(1, round(size * count / most)) if most else 0
    return ("█" if fancy else "#") * filled


def _label(name: str) -> str:
    return name.capitalize()


def _more(hidden: int, truncated: bool) -> str:
    """``3 more``; ``3+ more`` or ``more`` when the facet holds more values than it returned."""
    if not truncated:
        return f"{hidden} more"
    return f"{hidden}+ more" if hidden else "more"


def facet_lines(results: Results, style: Style, fancy: bool, top: int = 8) -> list[str]:
    """Each facet as a small table: value, count, bar; the top values only."""
    lines: list[str] = []
    for name, facet in results.facets.items():
        values = facet.values
        if not values:
            continue
        lines.append("")
        filtered = "; filter on, other values counted too" if name in results.filtered else ""
        count = plural(len(values), "value") if not facet.truncated else f"top {len(values)} values"
        lines.append(style(_label(name), "heading") + style(f"  ({count}{filtered})", "dim"))
        shown = values[:top]
        names = [safe(v.value) for v in shown]
        widest = max(len(v) for v in names)
        most = max(v.count for v in shown)
        for label, v in zip(names, shown):
            lines.append(f"  {label:<{widest}}  {v.count:>5}  " + style(bar(v.count, most, fancy=fancy), "bar"))
        if len(values) > top or facet.truncated:
            lines.append(style(f"  {ellipsis(fancy)} {_more(max(len(values) - top, 0), facet.truncated)}", "dim"))
    return lines


def compact_facet_lines(results: Results, width: int, style: Style, fancy: bool) -> list[str]:
    """One line per facet: ``Specialty: Plastic Surgeon 5 · Dermatologist 4 · … 3 more``,
    cut to ``width``."""
    lines: list[str] = []
    sep = " · " if fancy else " | "
    for name, facet in results.facets.items():
        values = facet.values
        if not values:
            continue
        head = f"{_label(name)}{'*' if name in results.filtered else ''}: "
        line, shown = head, 0
        for i, v in enumerate(values):
            candidate = line + (sep if shown else "") + f"{safe(v.value)} {v.count}"
            rest = len(values) - i - 1
            tail = f"{sep}{ellipsis(fancy)} {_more(rest, facet.truncated)}" if rest or facet.truncated else ""
            if shown and len(candidate) + len(tail) > width:
                line += f"{sep}{ellipsis(fancy)} {_more(len(values) - shown, facet.truncated)}"
                break
            line, shown = candidate, shown + 1
        else:
            if facet.truncated:
                line += f"{sep}{ellipsis(fancy)} {_more(0, True)}"
        if len(line) > width:
            line = line[: width - len(ellipsis(fancy))] + ellipsis(fancy)
        lines.append(style(head.rstrip(" "), "heading") + " " + line[len(head):])
    if any(facet.values and name in results.filtered for name, facet in results.facets.items()):
        lines.append(style("* filter on; its other values are counted too", "dim"))
    return lines


def results_lines(results: Results, width: int, style: Style, fancy: bool, *, tables: bool = False) -> list[str]:
    """Everything a search prints for people: hits first, the summary, then the facets
    (one line each, or tables with ``tables``)."""
    lines: list[str] = []
    first = (results.page - 1) * results.limit + 1
    for rank, hit in enumerate(results.hits, start=first):
        if hit.related and (rank == first or not results.hits[rank - first - 1].related):
            lines.extend(style(x, "summary") for x in wrap(RELATED_HEADING, width, ""))
            lines.append("")
        consensus = results.consensus.get(hit.thread_id)
        lines.extend(hit_lines(rank, hit, width, style, fancy, consensus.summary if consensus else None))
        lines.append("")
    lines.extend(style(x, "summary") for x in wrap(summary(results), width, ""))
    if tables:
        lines.extend(facet_lines(results, style, fancy))
    else:
        compact = compact_facet_lines(results, width, style, fancy)
        if compact:
            lines.append("")
            lines.extend(compact)
    return lines


#: Printed above the related answers that fill a short page (Hit.related).
RELATED_HEADING = ("Related answers: they do not match the query, but share the words of its best matches "
                   "(--no-related leaves them out).")


def summary(results: Results) -> str:
    """``16 answers match 'botox'; showing 1-10``, ``3 answers match 'hijiki'; showing
    1-3, then 7 related``."""
    first = (results.page - 1) * results.limit + 1
    matching = sum(not hit.related for hit in results.hits)
    shown = f"{first}-{first + matching - 1}" if matching else "none"
    related = len(results.hits) - matching
    if related:
        shown += f", then {related} related"
    noun = "thread" if results.group_by_thread else "answer"
    searched = results.searched or results.query
    verb = "matches" if results.total == 1 else "match"
    folded = f" ({results.folded} identical {'copy' if results.folded == 1 else 'copies'} shown once)" if results.folded else ""
    return f"{plural(results.total, noun)} {verb} {safe(searched)!r}{folded}; showing {shown}"
