"""Cut the lines of a page into paragraphs, signature cards and answer markers.

A *row* is one non-blank line of a page: ``(line number, cleaned text, blank line
before)``. Rows are grouped into paragraphs; signature cards are then found line by line
inside each paragraph, so that a card followed on the very next line by the next
answer's title, or by its first paragraph, still ends where it ends.
"""

from __future__ import annotations

import attrs

from . import cards, signer
from ..model import Doctor

__all__ = [
    "Card",
    "Item",
    "Marker",
    "Para",
    "Row",
    "Stop",
    "is_junk",
    "items",
]

Row = tuple[int, str, bool]


@attrs.define
class Para:
    """A paragraph of cleaned lines; ``line`` is the 1-based number of its first line."""

    lines: list[str]
    line: int


@attrs.define
class Card:
    """A signature card found on the page, with the lines it was read from."""

    doctor: Doctor
    line: int
    lines: list[str]
    rated: bool
    """True when the card has a rating line (whole or cut short)."""
    ended: bool = True
    """False when the page copy stops inside the card (a cut rating line, or a card
    without rating at the very end of a cut copy)."""


@attrs.define
class Marker:
    """A vote line (or the old layout's ``Answer: <title>`` line): an answer starts here."""

    line: int
    title: str | None = None


@attrs.define
class Stop:
    """The old layout's ``Helpful 3 people found this helpful``: an answer ends here."""

    line: int


Item = Para | Card | Marker | Stop


def is_junk(line: str) -> bool:
    """Site boilerplate or a vote line: never a title, never content."""
    return cards.is_site_line(line) or cards.is_vote_line(line)


def items(rows: list[Row], *, cut_line: int | None, warnings: list[str]) -> list[Item]:
    """Paragraphs, cards and markers of ``rows``, in page order.

    Args:
        rows: the rows of the answers region.
        cut_line: the number of the page's last line when the copy is cut short (a
            rating line there may be cut too), else None.
        warnings: problems worth telling are appended here.
    """
    out: list[Item] = []
    current: list[str] = []
    first = 0

    def flush() -> None:
        if current:
            cut_at = cut_line - first if cut_line is not None else -1
            out.extend(_split_cards(list(current), first, cut_at, warnings))
            current.clear()

    for number, line, gap in rows:
        if gap or cards.is_site_line(line):
            flush()
            if cards.is_site_line(line):
                continue
        answer = cards.ANSWER_PREFIX.fullmatch(line)
        if cards.is_vote_line(line, last=number == cut_line):
            flush()
            out.append(Marker(number))
        elif answer and answer["title"] and len(line) <= 200:
            flush()
            out.append(Marker(number, answer["title"]))
        elif cards.HELPFUL_LINE.fullmatch(line):
            flush()
            out.append(Stop(number))
        else:
            if not current:
                first = number
            current.append(line)
    flush()
    return _attach_badges(out)


def _rating_at(lines: list[str], j: int, cut_at: int) -> cards.Rating | None:
    if j >= len(lines):
        return None
    rating = cards.parse_rating(lines[j])
    if rating is None and j == cut_at:
        rating = cards.parse_partial_rating(lines[j])
    return rating


def _split_cards(lines: list[str], line0: int, cut_at: int, warnings: list[str]) -> list[Item]:
    """Cut the cards out of one paragraph, top down; the rest stays paragraphs."""
    out: list[Item] = []
    start = i = 0
    while i < len(lines):
        found = _card_at(lines, i, line0, cut_at, warnings)
        if found is None:
            i += 1
            continue
        end, card = found
        if i > start:
            out.append(Para(lines[start:i], line0 + start))
        out.append(card)
        start = i = end
    if start < len(lines):
        out.append(Para(lines[start:], line0 + start))
    return out


def _card_at(lines: list[str], i: int, line0: int, cut_at: int, warnings: list[str]):
    """The card that starts at ``lines[i]``, as ``(end, Card)``; None when none does.

    A card is ``[byline + badge] [name] place [rating]``, ``[name] rating`` or a rating
    line alone; an unknown specialty is read from a place-like line above a rating.
    """
    n = len(lines)
    j = i
    badges: list[str] = []
    if j + 1 < n and cards.is_byline(lines[j]) and cards.is_badge(lines[j + 1]):
        j += 1
    while j < n and cards.is_badge(lines[j]):
        badges.append(lines[j])
        j += 1
    if j >= n:
        return None
    name = signer.parse_name(lines[j])
    if name is not None:
        before_place = j + 1 < n and signer.parse_place(lines[j + 1]) is not None
        before_rating = bool(name.credentials) and (
            _rating_at(lines, j + 1, cut_at) is not None
            or (j + 1 < n and signer.guess_place(lines[j + 1]) is not None
                and _rating_at(lines, j + 2, cut_at) is not None)
        )
        if before_place or before_rating:
            j += 1
        else:
            name = None
    place = signer.parse_place(lines[j]) if j < n else None
    if place is None and j < n and _rating_at(lines, j + 1, cut_at) is not None:
        place = signer.guess_place(lines[j])
        if place is not None:
            warnings.append(
                f"line {line0 + j}: unknown specialty in place line {lines[j]!r};"
                f" read city {place.city!r}, specialty {place.specialty!r}"
                " (add it to specialties.txt if it is one)"
            )
    if place is not None:
        j += 1
    rating = _rating_at(lines, j, cut_at)
    if rating is not None:
        for problem in rating.problems:
            warnings.append(f"line {line0 + j}: {problem}")
        j += 1
    if place is None and rating is None:
        return None
    if name is not None and place is None and not name.credentials:
        return None
    ended = True
    if j - 1 == cut_at:
        # The copy stops on the card's last line: a cut rating line, or a card whose
        # rating line may simply not have been copied.
        ended = rating is not None and cards.parse_rating(lines[j - 1]) is not None
    doctor = Doctor(
        name=name.name if name else None,
        credentials=name.credentials if name else (),
        city=place.city if place else None,
        specialty=place.specialty if place else None,
        rating=rating.rating if rating else None,
        reviews=rating.reviews if rating else None,
        badges=badges,
    )
    return j, Card(doctor, line0 + i, lines[i:j], rating is not None, ended)


def _attach_badges(items: list[Item]) -> list[Item]:
    """Fold a badge/byline paragraph standing just above a card into the card."""
    out: list[Item] = []
    for item in items:
        if isinstance(item, Card) and out and isinstance(out[-1], Para):
            lines = out[-1].lines
            if any(cards.is_badge(x) for x in lines) and all(
                cards.is_badge(x) or cards.is_byline(x) for x in lines
            ):
                out.pop()
                badges = [x for x in lines if cards.is_badge(x)] + list(item.doctor.badges)
                item = attrs.evolve(item, doctor=attrs.evolve(item.doctor, badges=badges), lines=lines + item.lines)
        out.append(item)
    return out
