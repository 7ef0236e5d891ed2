"""A page's text as cleaned, numbered rows, and rows as paragraphs."""

from __future__ import annotations

import re

from . import cards
from .blocks import Item, Para, Row

__all__ = ["CONTROL", "clean_line", "join_paragraphs", "paragraphs", "rows"]

_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# One match per line that holds anything but white space: blank lines cost nothing, so
# a file of millions of blank lines parses in time and memory linear in its size.
_LINE = re.compile(r"\S[^\n]*")


def clean_line(line: str) -> str:
    """Fold every run of white space (no-break spaces too) into one space and strip."""
    return _SPACES.sub(" ", CONTROL.sub(" ", line)).strip()


def rows(text: str) -> list[Row]:
    """The non-blank lines of ``text`` as ``(line number, cleaned text, blank before)``."""
    out: list[Row] = []
    number, last, gap = 1, 0, False
    for m in _LINE.finditer(text):
        number += text.count("\n", last, m.start())
        if out and number > out[-1][0] + 1:
            gap = True
        last = m.start()
        line = clean_line(m.group())
        if line:
            out.append((number, line, gap))
            gap = False
        else:
            gap = True
    return out


def paragraphs(region: list[Row]) -> list[Para]:
    """Rows grouped into paragraphs at blank lines; a site line also ends one."""
    paras: list[Para] = []
    for number, line, gap in region:
        if cards.is_site_line(line):
            gap = True
            if paras and paras[-1].lines:
                paras.append(Para([], 0))
            continue
        if gap or not paras or not paras[-1].lines:
            if paras and not paras[-1].lines:
                paras.pop()
            paras.append(Para([], number))
        paras[-1].lines.append(line)
    return [p for p in paras if p.lines]


def join_paragraphs(paras: list[Para] | list[Item]) -> str:
    """The text of the paragraphs among ``paras``, a blank line between them."""
    return "\n\n".join("\n".join(p.lines) for p in paras if isinstance(p, Para))
