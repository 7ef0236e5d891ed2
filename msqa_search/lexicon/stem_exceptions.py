"""Stemming exceptions: words the stemmer splits from their family, and the family's word;
words the stemmer cuts into another word's stem, kept whole.

The data is line based (see the header of ``data/stem_exceptions.txt``)::

    breastfed breastfeed breastfeeds -> breastfeeding
    swollen -> swell
    = organic als
    organically organics -> organic

Each word on the left is stemmed as the word on the right: the text analyzer stems
``stem_exception(word) or word``, so "breastfed", "breastfeeds" and "breastfeeding" give
one term, and "swollen" the term of "swelling". A word *kept whole* (``kept_whole``:
listed after ``=``, or any word ending in "-itis") is its own term and never stemmed,
so "organic" is not "organ", "als" not the "al" of "et al.", and "hepatitis" not
"hepatic"'s stem; a family may take a kept word ("organically" -> "organic"). This
module knows no stemmer; it only names the word to stem, or says not to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

from ..errors import DataFileError

__all__ = [
    "INFLAMMATION",
    "SHIPPED",
    "kept_whole",
    "load_kept_words",
    "load_stem_exceptions",
    "parse_kept_words",
    "parse_stem_exceptions",
    "stem_exception",
]

SHIPPED = "stem_exceptions.txt"
"""The shipped file's name under ``msqa_search/data``."""

INFLAMMATION = "itis"
"""The ending of words kept whole without being listed: Porter2 cuts "-itis" and leaves
the organ's stem ("hepatitis", "pancreatitis", "sinusitis" would be "hepatic",
"pancreatic", "sinus"), so an inflammation would find every answer about its organ."""

_WORD = re.compile(r"[a-z]+")


def parse_stem_exceptions(text: str, *, source: str = "<text>") -> Mapping[str, str]:
    """Read the families of a stemming exceptions file.

    Args:
        text: Lines of the form ``word word ... -> word``, lines ``= word word ...``
            (words kept whole, see ``parse_kept_words``), comments and blank lines.
        source: Name used in error messages, usually the file name.

    Returns:
        A read-only mapping from each left-hand word to its right-hand word, in file
        order. A right-hand word that also stands on its own line's left is left out.

    Raises:
        DataFileError: A line has no ``->`` or more than one, an empty side, a word that
            is not lowercase letters, a word listed twice, a right-hand word that is
            listed on the left of another line, or a kept word on a left side (the
            error names the line).
    """
    return _parse(text, source)[0]


def parse_kept_words(text: str, *, source: str = "<text>") -> frozenset[str]:
    """The words a stemming exceptions file keeps whole: those of its ``= word ...`` lines.

    Raises:
        DataFileError: As ``parse_stem_exceptions``.
    """
    return _parse(text, source)[1]


def _parse(text: str, source: str) -> tuple[Mapping[str, str], frozenset[str]]:
    table: dict[str, str] = {}
    lines: dict[str, int] = {}  # word -> the line it was listed on
    heads: dict[str, int] = {}  # right-hand word -> its first line
    kept: dict[str, int] = {}  # word kept whole -> its line
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("="):
            for word in line[1:].split() or [""]:
                if not _WORD.fullmatch(word):
                    raise DataFileError(
                        f"{word!r} is not a word of lowercase letters a-z; write: = word word ...",
                        source=source, line=number,
                    )
                if word in lines or word in kept:
                    raise DataFileError(
                        f"{word!r} is already listed on line {lines.get(word) or kept[word]}",
                        source=source, line=number,
                    )
                kept[word] = number
            continue
        sides = line.split("->")
        if len(sides) != 2:
            problem = "no '->'" if len(sides) == 1 else "more than one '->'"
            raise DataFileError(
                f"{problem}; write: word word ... -> word", source=source, line=number
            )
        left, right = sides[0].split(), sides[1].split()
        if not left or len(right) != 1:
            raise DataFileError(
                "write one or more words, then '->' and one word", source=source, line=number
            )
        head = right[0]
        for word in (*left, head):
            if not _WORD.fullmatch(word):
                raise DataFileError(
                    f"{word!r} is not a word of lowercase letters a-z", source=source, line=number
                )
        if head in lines:
            raise DataFileError(
                f"{head!r} is on the left of line {lines[head]}: a family has one word on"
                " the right, and that word is never on a left side",
                source=source,
                line=number,
            )
        heads.setdefault(head, number)
        for word in left:
            if word == head:
                continue
            if word in kept:
                raise DataFileError(
                    f"{word!r} is kept whole on line {kept[word]}: a kept word is its own"
                    " term, never on a left side",
                    source=source,
                    line=number,
                )
            if word in lines:
                raise DataFileError(
                    f"{word!r} is already listed on line {lines[word]}", source=source, line=number
                )
            if word in heads:
                raise DataFileError(
                    f"{word!r} is the right-hand word of line {heads[word]}: a family has"
                    " one word on the right, and that word is never on a left side",
                    source=source,
                    line=number,
                )
            lines[word] = number
            table[word] = head
    return MappingProxyType(table), frozenset(kept)


@lru_cache(maxsize=1)
def load_stem_exceptions() -> Mapping[str, str]:
    """The shipped stemming exceptions (read once per process).

    Returns:
        A read-only mapping from each listed word to the word whose stem it takes.

    Raises:
        DataFileError: The shipped file has a bad line.
    """
    return _shipped()[0]


@lru_cache(maxsize=1)
def load_kept_words() -> frozenset[str]:
    """The words the shipped file keeps whole (read once per process).

    Raises:
        DataFileError: The shipped file has a bad line.
    """
    return _shipped()[1]


@lru_cache(maxsize=1)
def _shipped() -> tuple[Mapping[str, str], frozenset[str]]:
    text = resources.files("msqa_search").joinpath("data", SHIPPED).read_text(encoding="utf-8")
    return _parse(text, SHIPPED)


def stem_exception(word: str) -> str | None:
    """The word whose stem ``word`` takes, or None when the stemmer's own stem is right.

    Args:
        word: One lowercased word, e.g. ``"breastfed"``.

    Returns:
        The family's word (``"breastfeeding"``), or None for a word not listed.
    """
    return load_stem_exceptions().get(word)


def kept_whole(word: str) -> bool:
    """Whether ``word`` (lowercased) is its own term, never stemmed: listed after ``=`` in
    the shipped file, or ending in INFLAMMATION ("-itis") with a stem before it."""
    return word in load_kept_words() or (word.endswith(INFLAMMATION) and len(word) > len(INFLAMMATION) + 2)
