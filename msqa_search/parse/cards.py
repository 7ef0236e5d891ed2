"""Recognise the lines of a doctor's signature card: rating, votes, badges, headers.

The name and place lines are ``signer``'s.

The known specialties, credentials, badges and site lines are data files in ``data/``
so that a new one is a one-line change.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import attrs

__all__ = [
    "ANSWER_PREFIX",
    "BYLINE",
    "FOOTER_LINE",
    "FOOTER_START",
    "HEADER_LINE",
    "HELPFUL_LINE",
    "MAX_DIGITS",
    "PARTIAL_RATING",
    "RATING_LINE",
    "RENDERED_VOTES",
    "Rating",
    "VOTE_LINE",
    "VOTE_TEMPLATE",
    "credential_key",
    "credential_keys",
    "header_count",
    "header_digits",
    "is_badge",
    "is_byline",
    "is_site_line",
    "is_vote_line",
    "parse_partial_rating",
    "parse_rating",
    "read_count",
    "specialties",
    "specialty_ends",
]

RATING_LINE = re.compile(
    r"(?P<rating>[-+]?\d+(?:[.,]\d+)?)\s+out\s+of\s+5\s+stars?"
    r"(?:\s+(?P<reviews>[-+]?\d[\d,]*)\s+reviews?)?",
    re.IGNORECASE,
)
VOTE_LINE = re.compile(r"\{\{.*\}\}")
VOTE_TEMPLATE = "{{ voteCount >= 0 ? '+' + (voteCount + 1) : (voteCount + 1) }}"
#: A rendered vote count on its own line after a title (old layouts): ``+1``, ``+12``.
RENDERED_VOTES = re.compile(r"\+\d{1,6}")
#: The old layout's end-of-answer line.
HELPFUL_LINE = re.compile(r"helpful(?:\s+\d{1,9}\s+(?:people|person)\s+found\s+this\s+helpful)?", re.IGNORECASE)
#: The old layout's title prefix: ``Answer: <title>``.
ANSWER_PREFIX = re.compile(r"answer:\s*(?P<title>.*)", re.IGNORECASE)
#: The start of a rating line cut short at the end of a page copy: ``4.9 out of 5 s``.
PARTIAL_RATING = re.compile(
    r"(?P<rating>\d(?:[.,]\d)?)(?P<more>\s+o(?:u(?:t(?:\s+(?:o(?:f(?:\s+(?:5(?:\s+(?:s(?:t(?:a(?:r(?:s?"
    r"(?:\s+(?P<reviews>\d[\d,]*)(?P<after>\s+r(?:e(?:v(?:i(?:e(?:w(?:s)?)?)?)?)?)?)?)?)?)?)?)?)?)?)?)?)?)?)?)?)?)?",
)
#: Longer numbers are not counts: they are ignored (Python refuses to read numbers of
#: thousands of digits, and no page has a billion reviews).
MAX_DIGITS = 12
HEADER_LINE = re.compile(
    r"(?:doctor\s+answers|answers)(?:\s+(?:\((?P<paren>\d+)\)|(?P<plain>\d+)))?",
    re.IGNORECASE,
)
FOOTER_START = re.compile(r"these answers are for\b", re.IGNORECASE)
#: The footer's opening words in full: the footer even right under a card line.
FOOTER_LINE = re.compile(r"these answers are for educational purposes\b", re.IGNORECASE)
BYLINE = re.compile(r"dr\.?\s+\S.{0,60}", re.IGNORECASE)


@lru_cache(maxsize=None)
def _data_lines(name: str) -> tuple[str, ...]:
    text = (resources.files("msqa_search") / "data" / name).read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


@lru_cache(maxsize=None)
def specialties() -> tuple[str, ...]:
    """Known specialties, longest first, so the longest one that ends a line wins."""
    return tuple(sorted(_data_lines("specialties.txt"), key=len, reverse=True))


@lru_cache(maxsize=None)
def specialty_ends() -> frozenset[str]:
    return frozenset(s.casefold().rsplit(" ", 1)[-1] for s in specialties())


@lru_cache(maxsize=None)
def credential_keys() -> frozenset[str]:
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
    if len(m["rating"]) > MAX_DIGITS:
        return Rating(None, None, (f"rating of {len(m['rating'])} characters is not a rating; ignored",))
    rating: float | None = float(m["rating"].replace(",", "."))
    if not 0.0 <= rating <= 5.0:
        problems.append(f"rating {m['rating']} is not between 0 and 5; ignored")
        rating = None
    reviews = None
    if m["reviews"] is not None:
        reviews = read_count(m["reviews"])
        if reviews is None:
            problems.append(f"review count of {len(m['reviews'])} characters is not a number of reviews; ignored")
        elif reviews < 0:
            problems.append(f"review count {m['reviews']} is negative; ignored")
            reviews = None
    return Rating(rating, reviews, tuple(problems))


def read_count(digits: str) -> int | None:
    """``"1,234"`` gives 1234; None for a number too long to be a count."""
    digits = digits.replace(",", "")
    if len(digits.lstrip("+-")) > MAX_DIGITS:
        return None
    return int(digits)


def parse_partial_rating(line: str) -> Rating | None:
    """Read what is left of a rating line cut short at the end of a page copy.

    ``4.9 out of 5 stars 195`` gives rating 4.9 and no review count (the number may
    have lost digits); ``4.8 out of 5 stars 26 revi`` gives 4.8 and 26 reviews.
    None when the line is not the start of a rating line.
    """
    m = PARTIAL_RATING.fullmatch(line)
    if m is None:
        return None
    rating = float(m["rating"].replace(",", ".")) if m["more"] else None
    if rating is not None and not 0.0 <= rating <= 5.0:
        rating = None
    reviews = read_count(m["reviews"]) if m["reviews"] and m["after"] else None
    return Rating(rating, reviews, ())


def is_vote_line(line: str, *, last: bool = False) -> bool:
    """The vote template (whole, or cut short at the end of a copy) or ``+1``.

    A copy cut on the template's first characters ends on ``{{``: as the last line of a
    cut copy two are enough; elsewhere four, so that a body line is never taken for it.
    """
    if VOTE_LINE.fullmatch(line) or RENDERED_VOTES.fullmatch(line):
        return True
    shortest = 2 if last else 4
    return len(line) >= shortest and line.startswith("{{") and VOTE_TEMPLATE.startswith(line)


def header_count(line: str) -> tuple[bool, int | None]:
    """``(True, 9)`` for ``Doctor Answers 9``; ``(False, None)`` for any other line."""
    m = HEADER_LINE.fullmatch(line)
    if m is None:
        return False, None
    if line.casefold().startswith("answers") and m["paren"] is None and m["plain"] is None:
        return False, None  # a bare "Answers" is too common a word to be a header
    number = m["paren"] or m["plain"]
    return True, (read_count(number) if number is not None else None)


def header_digits(line: str) -> int:
    """How many digits the header line's number has (for the warning when too long)."""
    return sum(c.isdigit() for c in line)
