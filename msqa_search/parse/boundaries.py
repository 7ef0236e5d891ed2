"""Decide where each answer begins and ends, from all the evidence together.

The evidence, strongest first: vote-template lines and the old layout's ``Answer:``
lines (an answer starts there), signature cards (an answer ends there), cards of the
neighbouring answers, title-like lines, and the declared answer count. A card with no
text between it and the card below is the doctor's own sign-off block: it joins that
card, it never makes an answer of its own.
"""

from __future__ import annotations

import re

import attrs

from . import cards, signer
from .blocks import Card, Item, Marker, Para, Stop

__all__ = [
    "CUT_SPLIT_SCORE",
    "Segment",
    "TEXT_SPLIT_SCORE",
    "segments",
    "split_unsigned",
    "title_like",
]

_GREETING = re.compile(r"(dear|hi|hello|hey|greetings)\b[^.?]{0,40}[,!:]?", re.IGNORECASE)
_GREETING_START = re.compile(r"(?:dear|hi|hello|hey|greetings)\b[^.?!]{0,30}[,!:]", re.IGNORECASE)
_SIGN_OFF = re.compile(
    r"(?:(?:all the )?best(?: regards| wishes)?|(?:warm |kind )?regards|sincerely|thanks|thank you"
    r"|good luck|cheers|hope (?:this|that) helps|respectfully|take care)\b[ ,.!]*"
    r"(?:(?:dr\.?|doctor)\s.*)?|from\s.{1,40}\bdr\.?\s*\S+",
    re.IGNORECASE,
)
_SENTENCES = re.compile(r"[.!?]\s+[A-Z]")
#: Without a count, a title-like line splits an unsigned answer only with this score
#: (see ``_split_score``): a short line without closing punctuation, after a finished
#: sentence, before a long paragraph or a greeting.
TEXT_SPLIT_SCORE = 4.0
#: On a cut copy, the declared count says answers are missing but not where: a split
#: needs a line that scores this much.
CUT_SPLIT_SCORE = 3.5


@attrs.define
class Segment:
    """The parts of one answer as found: title, paragraphs, card."""

    title: str | None = None
    paras: list[Para] = attrs.field(factory=list)
    card: Card | None = None
    marked: bool = False
    """True when a vote line or ``Answer:`` line started it."""


def segments(items: list[Item], warnings: list[str]) -> list[Segment]:
    """Group items into answers at markers and cards, merging sign-off blocks."""
    out: list[Segment] = []
    cur = Segment()
    closed_by_card = False  # the last answer was closed by a card, and nothing since

    def close(card: Card | None) -> None:
        nonlocal cur, closed_by_card
        if card is not None:
            _absorb_sign_off(cur, card, warnings)
        if cur.title is None and len(cur.paras) >= 2 and title_like(cur.paras[0]):
            cur.title = cur.paras.pop(0).lines[0]
        if cur.paras or card is not None or cur.title:
            cur.card = card
            out.append(cur)
        cur = Segment()
        closed_by_card = card is not None

    for item in items:
        if isinstance(item, Card):
            empty = not cur.paras and cur.title is None
            if empty and closed_by_card and out and not out[-1].card.rated:
                out[-1].card = _merge_sign_off(out[-1], item, warnings)
                continue
            if not cur.paras and not item.rated and item.doctor.name is None:
                # A place line with no text above it in its answer is a title that reads
                # like a place ("See Your Physician"), not a card.
                cur.paras.append(Para(item.lines, item.line))
                closed_by_card = False
                continue
            close(item)
        elif isinstance(item, Marker):
            moved = None
            if item.title is None and cur.paras and title_like(cur.paras[-1]):
                moved = cur.paras.pop()
            if cur.paras or cur.title:
                close(None)
            title = item.title if item.title is not None else (moved.lines[0] if moved else "")
            cur = Segment(title=title, marked=True)
            closed_by_card = False
        elif isinstance(item, Stop):
            if cur.paras or cur.title:
                close(None)
            closed_by_card = False
        else:
            cur.paras.append(item)
            closed_by_card = False
    if cur.paras or cur.title:
        close(None)
    return out


def _same_card_line(line: str, card: Card) -> bool:
    doctor = card.doctor
    place = signer.parse_place(line)
    if place is not None:
        return (place.city or "").casefold() == (doctor.city or "").casefold() and (
            (place.specialty or "").casefold() == (doctor.specialty or "").casefold()
        )
    name = signer.parse_name(line)
    if name is not None:
        return doctor.name is None or signer.name_key(name.name) == signer.name_key(doctor.name)
    return cards.is_badge(line) or cards.is_byline(line)


def _merge_sign_off(segment: Segment, card: Card, warnings: list[str]) -> Card:
    """The card below a card without rating: the upper one was the doctor's sign-off.

    Lines of the sign-off that repeat the card are dropped; a name it gives fills a
    card without one; lines that say something else stay in the answer's body.
    """
    block = segment.card
    assert block is not None
    kept = [x for x in block.lines if not _same_card_line(x, card)]
    doctor = card.doctor
    if doctor.name is None and block.doctor.name is not None:
        doctor = attrs.evolve(doctor, name=block.doctor.name, credentials=block.doctor.credentials)
    if kept:
        segment.paras.append(Para(kept, block.line))
        warnings.append(
            f"line {block.line}: {' / '.join(kept)!r} above the doctor's card reads like"
            " a second card; kept in the answer's body"
        )
    return attrs.evolve(card, doctor=doctor, line=block.line, lines=block.lines + card.lines)


def _absorb_sign_off(segment: Segment, card: Card, warnings: list[str]) -> None:
    """A one-line paragraph naming the doctor just above the card joins the card."""
    if not segment.paras or len(segment.paras[-1].lines) != 1:
        return
    line = segment.paras[-1].lines[0]
    name = signer.parse_name(line)
    if name is None or name.name is None:
        return
    doctor = card.doctor
    if doctor.name is not None and signer.name_key(name.name) == signer.name_key(doctor.name):
        segment.paras.pop()
    elif doctor.name is None and name.credentials and len(segment.paras) >= 2:
        segment.paras.pop()
        card.doctor = attrs.evolve(doctor, name=name.name, credentials=name.credentials)


def split_unsigned(
    segs: list[Segment], *, missing: int | None, min_score: float, warnings: list[str]
) -> list[Segment]:
    """Split segments that hold an unsigned answer followed by another answer.

    A split point is a title-like paragraph between two others, scored by
    ``_split_score``; only those scoring ``min_score`` or more are used, the best first,
    at most ``missing`` of them when the page says how many answers are missing. Without
    a count, a greeting that opens a paragraph after a finished one is a split point too.
    """
    candidates = []
    for s, seg in enumerate(segs):
        paras = seg.paras
        for k in range(1, len(paras) - 1):
            score = _split_score(paras[k - 1], paras[k], paras[k + 1])
            if score >= min_score:
                candidates.append((-score, s, k, True))
        if min_score > 2.5:
            for k in range(1, len(paras)):
                if _greeting_opens(paras[k - 1], paras[k]):
                    candidates.append((-TEXT_SPLIT_SCORE, s, k, False))
    chosen = sorted(candidates)
    if missing is not None:
        chosen = chosen[:missing]
    if chosen and min_score >= 3:
        lines = ", ".join(str(segs[s].paras[k].line) for _, s, k, _ in sorted(chosen, key=lambda c: c[1:3]))
        warnings.append(
            f"answers split at line{'s' if len(chosen) > 1 else ''} {lines} from the text alone"
            " (no card or vote line marks where the answer above ends)"
        )
    cuts: dict[int, dict[int, bool]] = {}
    for _, s, k, titled in chosen:
        cuts.setdefault(s, {})[k] = titled
    result: list[Segment] = []
    for s, seg in enumerate(segs):
        bounds = sorted(cuts.get(s, {}).items())
        start, title, marked = 0, seg.title, seg.marked
        for k, titled in bounds:
            if k <= start:
                continue
            result.append(Segment(title, seg.paras[start:k], None, marked))
            if titled:
                title, start = seg.paras[k].lines[0], k + 1
            else:
                title, start = "", k
            marked = False
        result.append(Segment(title, seg.paras[start:], seg.card, marked))
    return result


def _greeting_opens(before: Para, para: Para) -> bool:
    """``Dear Dermaqueen`` / ``Hello,There is`` opening a paragraph after a finished one."""
    first = para.lines[0]
    if not (_GREETING.fullmatch(first) or _GREETING_START.match(first)):
        return False
    long = len(before.lines) > 1 or len(before.lines[0]) > 150
    return long and before.lines[-1][-1:] in ".!?)\"'”"


def _split_score(before: Para, para: Para, after: Para) -> float:
    if not title_like(para):
        return 0.0
    text = para.lines[0]
    score = 1.0
    if text[-1] not in ".!?":
        score += 1.0
    elif text[-1] == "!":
        score -= 0.5
    if before.lines[-1][-1:] in ".!?)\"'”":
        score += 1.0
    if _GREETING.fullmatch(after.lines[0]) or len(" ".join(after.lines)) > 120:
        score += 1.0
    if _SENTENCES.search(text):
        score -= 2.0  # two sentences on a line are body text, not a title
    return score if score >= 2.5 else 0.0


def title_like(item: Item) -> bool:
    """A single short line that is not a greeting, a sign-off or a list item."""
    if not isinstance(item, Para) or len(item.lines) != 1:
        return False
    text = item.lines[0]
    if not 2 <= len(text) <= 150 or len(text.split()) > 20:
        return False
    if text[-1] in ",;:" or text.endswith("…"):
        return False
    if text.endswith("..") and not (text.endswith("...") and "," not in text):
        return False  # "Take heart, Youngatheart, take heart..." opens a body
    if _GREETING.fullmatch(text) or _SIGN_OFF.fullmatch(text):
        return False
    return not _LIST_ITEM.match(text)


_LIST_ITEM = re.compile(r"(?:[-*•#–~]|\d+\s*[.)\-–:]|\(\d+\)|[a-z][.)])\s", re.IGNORECASE)
