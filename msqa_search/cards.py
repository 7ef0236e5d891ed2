"""Recognise the lines of a doctor's signature card: name, place and rating.

The known specialties, credentials, badges and site lines are data files in ``data/``
so that a new one is a one-line change.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import attrs

RATING_LINE = re.compile(
    r"(?P<rating>[-+]?\d+(?:[.,]\d+)?)\s+out\s+of\s+5\s+stars?"
    r"(?:\s+(?P<reviews>[-+]?\d[\d,]*)\s+reviews?)?",
    re.IGNORECASE,
)
VOTE_LINE = re.compile(r"\{\{.*\}\}")
HEADER_LINE = re.compile(
    r"(?:doctor\s+answers|answers)(?:\s+(?:\((?P<paren>\d+)\)|(?P<plain>\d+)))?",
    re.IGNORECASE,
)
FOOTER_START = re.compile(r"these answers are for\b", re.IGNORECASE)
BYLINE = re.compile(r"dr\.?\s+\S.{0,60}", re.IGNORECASE)
_NAME_WORD = re.compile(r"(?:[A-Z][\w'’.\-]*|[a-z]{1,3}|\(.*\))")
_NAME_PARTICLES = {"de", "da", "del", "della", "di", "du", "la", "le", "van", "von", "der", "den", "y", "bin", "al"}


@lru_cache(maxsize=None)
def _data_lines(name: str) -> tuple[str, ...]:
    text = (resources.files(__package__) / "data" / name).read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


@lru_cache(maxsize=None)
def specialties() -> tuple[str, ...]:
    """Known specialties, longest first, so the longest one that ends a line wins."""
    return tuple(sorted(_data_lines("specialties.txt"), key=len, reverse=True))


@lru_cache(maxsize=None)
def _credential_keys() -> frozenset[str]:
    return frozenset(credential_key(c) for c in _data_lines("credentials.txt"))


@lru_cache(maxsize=None)
def _badge_keys() -> frozenset[str]:
    return frozenset(b.casefold() for b in _data_lines("badges.txt"))


@lru_cache(maxsize=None)
def _site_line() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in _data_lines("site_lines.txt")), re.IGNORECASE)


def credential_key(text: str) -> str:
    """``"M.D."`` and ``"md"`` both give ``"MD"``: the form credentials are compared in."""
    return re.sub(r"[.\s]", "", text).upper()


def is_site_line(line: str) -> bool:
    """True for site boilerplate such as ``Ask a doctor`` that is never content."""
    return _site_line().fullmatch(line) is not None


def is_badge(line: str) -> bool:
    return line.casefold() in _badge_keys()


def is_byline(line: str) -> bool:
    """A short ``Dr Karamanoukian`` line that may sit with a badge above a card."""
    return len(line) <= 60 and BYLINE.fullmatch(line) is not None


@attrs.frozen
class Rating:
    rating: float | None
    reviews: int | None
    problems: tuple[str, ...] = ()


def parse_rating(line: str) -> Rating | None:
    """Read ``4.8 out of 5 stars 41 reviews``; None when the line is not a rating line.

    Values outside 0-5 stars or below 0 reviews are dropped, with a problem noted.
    """
    m = RATING_LINE.fullmatch(line)
    if m is None:
        return None
    problems = []
    rating: float | None = float(m["rating"].replace(",", "."))
    if not 0.0 <= rating <= 5.0:
        problems.append(f"rating {m['rating']} is not between 0 and 5; ignored")
        rating = None
    reviews = None
    if m["reviews"] is not None:
        reviews = int(m["reviews"].replace(",", ""))
        if reviews < 0:
            problems.append(f"review count {m['reviews']} is negative; ignored")
            reviews = None
    return Rating(rating, reviews, tuple(problems))


@attrs.frozen
class Place:
    city: str | None
    specialty: str | None
    known: bool


def parse_place(line: str) -> Place | None:
    """Split ``Lake Oswego Dermatologic Surgeon`` on the longest known specialty at its end.

    Returns None when no known specialty ends the line.
    """
    folded = line.casefold()
    for specialty in specialties():
        key = specialty.casefold()
        if folded == key:
            city, written = None, line
        elif folded.endswith(" " + key):
            cut = len(line) - len(key)
            city, written = line[:cut].strip(), line[cut:]
        else:
            continue
        # Cards capitalise both parts; "Ask your neurologist" is a title, not a place.
        if written[:1].isupper() and (not city or _capitalised(city)):
            return Place(city or None, written, True)
        return None
    return None


_CITY_LINKS = {"&", "-", "de", "del", "la", "le", "du", "of", "on", "upon", "sur", "am", "an", "der"}


def _capitalised(city: str) -> bool:
    """True when every word of ``city`` starts with a capital or digit, or links words."""
    return all(w[:1].isupper() or w[:1].isdigit() or w in _CITY_LINKS for w in city.split())


def guess_place(line: str) -> Place | None:
    """Split a place line whose specialty is not known: the last word is the specialty.

    Only for lines that look like a place line (a few capitalised words, no sentence
    punctuation); None otherwise.
    """
    words = line.split()
    if not 1 <= len(words) <= 8 or line[-1] in ".,;:!?" or len(line) > 80:
        return None
    if not _capitalised(line):
        return None
    return Place(" ".join(words[:-1]) or None, words[-1], False)


@attrs.frozen
class Name:
    name: str | None
    credentials: tuple[str, ...]


def parse_name(line: str) -> Name | None:
    """Read ``Hratch Karamanoukian, MD, FACS``; None when the line does not look like a name.

    Trailing comma-separated credentials are split off and kept as written.
    """
    if len(line) > 80 or len(line) < 2:
        return None
    parts = [p.strip() for p in line.split(",")]
    credentials: list[str] = []
    while parts and credential_key(parts[-1]) in _credential_keys():
        credentials.insert(0, parts.pop())
    name = ", ".join(p for p in parts if p) or None
    if name is None:
        return Name(None, tuple(credentials)) if credentials else None
    words = name.replace(",", " ").split()
    if not 1 <= len(words) <= 7:
        return None
    if not credentials:
        # Without credentials, only a short run of capitalised words reads as a name.
        if len(words) < 2 or name[-1] in ",;:!?" or any(c.isdigit() for c in name):
            return None
    if not all(_NAME_WORD.fullmatch(w) or w.lower() in _NAME_PARTICLES for w in words):
        return None
    if not words[0][0].isupper():
        return None
    return Name(name, tuple(credentials))


def header_count(line: str) -> tuple[bool, int | None]:
    """``(True, 9)`` for ``Doctor Answers 9``; ``(False, None)`` for any other line."""
    m = HEADER_LINE.fullmatch(line)
    if m is None:
        return False, None
    if line.casefold().startswith("answers") and m["paren"] is None and m["plain"] is None:
        return False, None  # a bare "Answers" is too common a word to be a header
    number = m["paren"] or m["plain"]
    return True, (int(number) if number is not None else None)
