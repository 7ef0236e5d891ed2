"""Parse the text of one thread page into a Thread record.

The page format and its variants are described in docs/format.md. Parsing runs in steps:
clean the lines; find the title, the header and the footer; cut the answers region into
paragraphs, signature cards and vote-template markers; then group those into answers,
using the declared answer count to find where an unsigned answer ends.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

import attrs

from . import cards
from .errors import ParseError
from .model import Answer, Doctor, Thread

MAX_TITLE = 1000
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# A greeting opens a body ("Dear Young,"); a sign-off closes one ("Best, Dr. Green",
# "Good luck!", "From MIAMI Dr. B"). Neither is ever an answer title.
_GREETING = re.compile(r"(dear|hi|hello|hey|greetings)\b[^.?]{0,40}[,!:]?", re.IGNORECASE)
_SIGN_OFF = re.compile(
    r"(?:(?:all the )?best(?: regards| wishes)?|(?:warm |kind )?regards|sincerely|thanks|thank you"
    r"|good luck|cheers|hope (?:this|that) helps|respectfully|take care)\b[ ,.!]*"
    r"(?:(?:dr\.?|doctor)\s.*)?|from\s.{1,40}\bdr\.?\s*\S+",
    re.IGNORECASE,
)
_SENTENCES = re.compile(r"[.!?]\s+[A-Z]")


@attrs.define
class Para:
    """A paragraph of cleaned lines; ``line`` is the 1-based number of its first line."""

    lines: list[str]
    line: int


@attrs.define
class Card:
    doctor: Doctor
    line: int


@attrs.define
class Marker:
    """The vote-template line: an answer starts here."""

    line: int


Item = Para | Card | Marker


def parse_thread(text: str, *, thread_id: str | None = None, source: str | None = None) -> Thread:
    """Parse the text of one thread page.

    Args:
        text: the page text, as read from a file.
        thread_id: the thread's id; by default the hash of the text.
        source: where the text came from, for messages and ``Thread.source``.

    Returns:
        The thread; things that could be worked around are in ``Thread.warnings``.

    Raises:
        ParseError: the text is not a thread at all (empty, binary, no question).
    """
    try:
        return _Parser(text, thread_id, source).parse()
    except ParseError:
        raise
    except Exception as e:  # noqa: BLE001 - the promise is that nothing else escapes
        raise ParseError(
            f"could not be parsed ({type(e).__name__}: {e}); please report this page",
            source=source,
        ) from e


def _junk(line: str) -> bool:
    return cards.is_site_line(line) or cards.VOTE_LINE.fullmatch(line) is not None


def clean_line(line: str) -> str:
    """Fold every run of white space (no-break spaces too) into one space and strip."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", line)).strip()


class _Parser:
    def __init__(self, text: str, thread_id: str | None, source: str | None):
        if isinstance(text, bytes):
            raise ParseError("expected text, got bytes; use read_thread() for files", source=source)
        self.text = text
        self.source = source
        self.thread_id = thread_id or "t" + hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:16]
        self.warnings: list[str] = []

    def error(self, message: str, line: int | None = None) -> ParseError:
        return ParseError(message, source=self.source, line=line)

    def parse(self) -> Thread:
        text = self.text.lstrip("\ufeff")
        if "\x00" in text:
            line = text.count("\n", 0, text.index("\x00")) + 1
            raise self.error("binary data (NUL bytes), not a thread page", line)
        if not text.strip():
            raise self.error("empty: no question title")
        controls = len(_CONTROL.findall(text))
        if controls > max(8, len(text) // 20):
            raise self.error(f"binary data ({controls} control characters), not a thread page")
        lines = [clean_line(raw) for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]

        start = next((i for i, ln in enumerate(lines) if ln and not _junk(ln)), None)
        if start is None:
            raise self.error("no question title: only site lines")
        title = lines[start]
        if cards.header_count(title)[0] or cards.FOOTER_START.match(title):
            raise self.error(f"no question title: the page starts with {title[:40]!r}", start + 1)
        if len(title) > MAX_TITLE:
            raise self.error(
                f"the first line is {len(title):,} characters long; a question title is one short line",
                start + 1,
            )
        rest = list(enumerate(lines))[start + 1 :]
        rest = self._cut_footer(rest)
        declared, header_at = None, None
        for k, (i, ln) in enumerate(rest):
            found, count = cards.header_count(ln)
            if found:
                declared, header_at = count, k
                break
        if header_at is not None:
            question = _paragraphs(rest[:header_at])
            items = self._items(rest[header_at + 1 :])
        else:
            question, items = self._split_question(self._items(rest))
        body = _join(question)
        answers = self._answers(items, declared)
        if declared is not None and declared != len(answers):
            self.warnings.append(f"the page declares {declared} answers but {len(answers)} were found")
        if not answers:
            self.warnings.append("no answers found")
        return Thread(
            id=self.thread_id,
            title=title,
            body=body,
            declared_answers=declared,
            answers=answers,
            warnings=self.warnings,
            source=self.source,
        )

    @staticmethod
    def _cut_footer(rest: list[tuple[int, str]]) -> list[tuple[int, str]]:
        for k, (_, ln) in enumerate(rest):
            starts_para = k == 0 or not rest[k - 1][1]
            if starts_para and cards.FOOTER_START.match(ln):
                return rest[:k]
        return rest

    # -- items: paragraphs, cards and markers ------------------------------------------

    def _items(self, rest: list[tuple[int, str]]) -> list[Item]:
        items: list[Item] = []
        current: list[str] = []
        first = 0

        def flush() -> None:
            if current:
                items.extend(self._split_cards(Para(list(current), first)))
                current.clear()

        for i, ln in rest:
            if not ln or cards.is_site_line(ln):
                flush()
            elif cards.VOTE_LINE.fullmatch(ln):
                flush()
                items.append(Marker(i + 1))
            else:
                if not current:
                    first = i + 1
                current.append(ln)
        flush()
        return _attach_badges(items)

    def _split_cards(self, para: Para) -> Iterator[Item]:
        """Cut the signature cards (ending at a rating line) out of a paragraph."""
        lines, line0 = para.lines, para.line
        begin = 0
        for r, ln in enumerate(lines):
            rating = cards.parse_rating(ln)
            if rating is None:
                continue
            s, place, name = r, None, None
            if s - 1 >= begin:
                place = cards.parse_place(lines[s - 1])
                if place is not None:
                    s -= 1
            if s - 1 >= begin:
                name = cards.parse_name(lines[s - 1])
                if name is not None and (name.credentials or place is not None):
                    s -= 1
                else:
                    name = None
            if place is None and name is None and s - 1 >= begin:
                place = cards.guess_place(lines[s - 1])
                if place is not None:
                    s -= 1
                    self.warnings.append(
                        f"line {line0 + s}: unknown specialty in place line {lines[s]!r};"
                        f" read city {place.city!r}, specialty {place.specialty!r}"
                    )
                    if s - 1 >= begin:
                        name = cards.parse_name(lines[s - 1])
                        if name is not None and name.credentials:
                            s -= 1
                        else:
                            name = None
            badges = []
            while s - 1 >= begin and cards.is_badge(lines[s - 1]):
                s -= 1
                badges.insert(0, lines[s])
            if badges and s - 1 >= begin and cards.is_byline(lines[s - 1]):
                s -= 1
            if s > begin:
                yield Para(lines[begin:s], line0 + begin)
            for problem in rating.problems:
                self.warnings.append(f"line {line0 + r}: {problem}")
            yield Card(_doctor(name, place, rating, badges), line0 + s)
            begin = r + 1
        if begin < len(lines):
            yield Para(lines[begin:], line0 + begin)

    def _split_question(self, items: list[Item]) -> tuple[list[Para], list[Item]]:
        """Without a header, the question body runs into the first answer: split them."""
        end = next((k for k, it in enumerate(items) if not isinstance(it, Para)), len(items))
        if end < len(items) and isinstance(items[end], Marker) and end >= 1:
            cut = end - 1 if _title_like(items[end - 1]) else end
            return list(items[:cut]), items[cut:]
        for k in range(1, end - 1):
            if _title_like(items[k]) and not _title_like(items[k + 1]):
                return list(items[:k]), items[k:]
        return [], items

    # -- answers ---------------------------------------------------------------------

    def _answers(self, items: list[Item], declared: int | None) -> list[Answer]:
        segments = _segments(items)
        if declared is not None and declared > len(segments):
            segments = _split_unsigned(segments, declared - len(segments))
        answers = []
        for position, (title, paras, card) in enumerate(segments, start=1):
            if card is not None and card.doctor.rating is None and card.doctor.reviews is None:
                self.warnings.append(f"answer {position}: the doctor card has no rating line")
            answers.append(
                Answer(
                    thread_id=self.thread_id,
                    position=position,
                    title=title,
                    body=_join(paras),
                    doctor=card.doctor if card else None,
                )
            )
        return answers


Segment = tuple[str, list[Para], Card | None]


def _segments(items: list[Item]) -> list[Segment]:
    """Group items into answers at cards and markers (and place-only cards)."""
    segments: list[Segment] = []
    title: str | None = None
    paras: list[Para] = []

    def close(card: Card | None) -> None:
        nonlocal title, paras
        if title is None and len(paras) >= 2 and _title_like(paras[0]):
            title = paras.pop(0).lines[0]
        if paras or card is not None or title:
            segments.append((title or "", paras, card))
        title, paras = None, []

    for k, item in enumerate(items):
        if isinstance(item, Card):
            close(item)
        elif isinstance(item, Marker):
            moved = paras.pop() if paras and _title_like(paras[-1]) else None
            if paras or title:
                close(None)
            title = moved.lines[0] if moved else ""
        else:
            card = _place_only_card(item, paras, items[k + 1] if k + 1 < len(items) else None)
            if card is not None:
                close(card)
            else:
                paras.append(item)
    close(None)
    return segments


def _place_only_card(para: Para, paras: list[Para], following: Item | None) -> Card | None:
    """A card with no rating line: ``[name line] + place line`` closing an answer body."""
    if not paras or len(para.lines) > 2:
        return None
    place = cards.parse_place(para.lines[-1])
    if place is None:
        return None
    name = None
    if len(para.lines) == 2:
        name = cards.parse_name(para.lines[0])
        if name is None:
            return None
    elif following is not None and isinstance(following, Para) and not _title_like(following):
        return None  # a line like "See Your Physician" followed by a body is a title
    return Card(_doctor(name, place, None, []), para.line)


def _split_unsigned(segments: list[Segment], missing: int) -> list[Segment]:
    """Split segments that hold an unsigned answer followed by another answer.

    A split point is a title-like paragraph with body paragraphs before and after it
    in the same segment; the best ``missing`` ones are used.
    """
    candidates = []
    for s, (title, paras, _) in enumerate(segments):
        for k in range(1, len(paras) - 1):
            score = _split_score(paras[k - 1], paras[k], paras[k + 1])
            if score > 0:
                candidates.append((-score, s, k))
    chosen = sorted(candidates)[:missing]
    cuts: dict[int, list[int]] = {}
    for _, s, k in chosen:
        cuts.setdefault(s, []).append(k)
    result: list[Segment] = []
    for s, (title, paras, card) in enumerate(segments):
        bounds = sorted(cuts.get(s, []))
        start = 0
        for k in bounds:
            result.append((title, paras[start:k], None))
            title, start = paras[k].lines[0], k + 1
        result.append((title, paras[start:], card))
    return result


def _split_score(before: Para, para: Para, after: Para) -> float:
    if not _title_like(para):
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


def _title_like(item: Item) -> bool:
    """A single short line that is not a greeting, a sign-off or a list item."""
    if not isinstance(item, Para) or len(item.lines) != 1:
        return False
    text = item.lines[0]
    if not 2 <= len(text) <= 150 or len(text.split()) > 20:
        return False
    if text[-1] in ",;:" or text.endswith("..") or text.endswith("…"):
        return False
    if _GREETING.fullmatch(text) or _SIGN_OFF.fullmatch(text):
        return False
    return not re.match(r"([-*•#]|\d+[.)])\s", text)


def _doctor(name, place, rating, badges) -> Doctor:
    return Doctor(
        name=name.name if name else None,
        credentials=name.credentials if name else (),
        city=place.city if place else None,
        specialty=place.specialty if place else None,
        rating=rating.rating if rating else None,
        reviews=rating.reviews if rating else None,
        badges=badges,
    )


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
                item = Card(attrs.evolve(item.doctor, badges=badges), item.line)
        out.append(item)
    return out


def _paragraphs(rest: list[tuple[int, str]]) -> list[Para]:
    paras: list[Para] = []
    for i, ln in rest:
        if not ln or cards.is_site_line(ln):
            if paras and paras[-1].lines:
                paras.append(Para([], 0))
        else:
            if not paras or not paras[-1].lines:
                if paras:
                    paras.pop()
                paras.append(Para([], i + 1))
            paras[-1].lines.append(ln)
    return [p for p in paras if p.lines]


def _join(paras: list[Para] | list[Item]) -> str:
    return "\n\n".join("\n".join(p.lines) for p in paras if isinstance(p, Para))
