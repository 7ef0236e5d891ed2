"""Parse the text of one thread page into a Thread record.

The page format and its variants are described in docs/format.md. Parsing runs in steps:
clean the lines; find the title, the header and the footer; cut the answers region into
paragraphs, signature cards and markers (blocks.py); then decide where each answer
begins and ends from all of them together (boundaries.py).
"""

from __future__ import annotations

import hashlib
import re

from . import cards
from .blocks import Item, Marker, Para, Row, Stop, is_junk, items
from .lines import CONTROL, join_paragraphs, paragraphs, rows
from .boundaries import CUT_SPLIT_SCORE, TEXT_SPLIT_SCORE, Segment, segments, split_unsigned, title_like
from ..errors import ParseError
from ..model import Answer, Thread

__all__ = [
    "FOOTER_WORDS",
    "MAX_FRAGMENT",
    "MAX_PROSE_LINE",
    "MAX_TITLE",
    "STORY_FIRST_PERSON",
    "STORY_RATIO",
    "parse_thread",
]

#: A longer first line is question or answer text, not a question title.
MAX_TITLE = 250
#: A first line longer than this that is not prose (few spaces) is not a page at all.
MAX_PROSE_LINE = 1000
#: A leading line this short on a page of one answer per line is what is left of the
#: question (a stray fragment), not an answer.
MAX_FRAGMENT = 60
# A page with no header, no doctor card and no answer marker that speaks in the first
# person throughout is a patient's own story (a review page), not answers: doctors
# address the patient ("you", "your"). Measured on real pages: review pages have 35 and
# 40 first-person words to 0-2 second-person ones; answers-only pages at most 16 to 1.
_FIRST_PERSON = frozenset("i me my mine myself i'm i've i'd i'll".split())
_SECOND_PERSON = frozenset("you your yours yourself you're you've you'd you'll".split())
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
STORY_FIRST_PERSON = 25
STORY_RATIO = 10


def parse_thread(text: str, *, thread_id: str | None = None, source: str | None = None) -> Thread:
    """Parse the text of one thread page.

    Args:
        text: the page text, as read from a file.
        thread_id: the thread's id; by default the hash of the text.
        source: where the text came from, for messages and ``Thread.source``.

    Returns:
        The thread; things that could be worked around are in ``Thread.warnings``.

    Raises:
        ParseError: the text is not a thread at all (empty, binary, no question and no
            answer text).
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


FOOTER_WORDS = "these answers are for educational purposes"


def _footer_start(row: Row, before: Row) -> bool:
    """A last paragraph that is the footer's first words cut short (``These answ``)."""
    line = row[1].casefold()
    return (row[2] or cards.is_site_line(before[1])) and len(line) >= 5 and FOOTER_WORDS.startswith(line)


def _prose(line: str) -> bool:
    return line.count(" ") >= len(line) / 20


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
        controls = len(CONTROL.findall(text))
        if controls > max(8, len(text) // 20):
            raise self.error(f"binary data ({controls} control characters), not a thread page")
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        page = rows(text)
        start = next((k for k, (_, ln, _) in enumerate(page) if not is_junk(ln)), None)
        if start is None:
            raise self.error("no question title: only site lines")
        number, first, _ = page[start]
        if cards.header_count(first)[0] or cards.FOOTER_START.match(first):
            raise self.error(f"no question title: the page starts with {first[:40]!r}", number)
        if len(first) > MAX_PROSE_LINE and not _prose(first):
            raise self.error(
                f"the first line is {len(first):,} characters long; a question title is one short line",
                number,
            )
        footer = self._footer(page, start)
        complete = footer is not None
        if not complete and len(page) > start + 1 and _footer_start(page[-1], page[-2]):
            footer = len(page) - 1  # "These answ": the copy is cut in the footer's first words
        region = page[start:footer]
        cut_line = None if complete else page[-1][0]

        declared, header_at = None, None
        for k, (n, ln, _) in enumerate(region):
            found, count = cards.header_count(ln)
            if found:
                header_at = k
                declared = count
                if count is None and any(c.isdigit() for c in ln):
                    self.warnings.append(
                        f"line {n}: the header's answer count has {cards.header_digits(ln):,}"
                        " digits; ignored"
                    )
                break

        if header_at is None:
            self._refuse_story(region, cut_line)
        title, question, answer_items = self._question(region, header_at, cut_line)
        segs = segments(answer_items, self.warnings)
        segs = self._split(segs, answer_items, declared, complete)
        if not complete and segs:
            _bare_title(segs[-1])
        answers = self._answers(segs, complete)
        self._count_warning(declared, len(answers))
        if not answers:
            self.warnings.append("no answers found")
        return Thread(
            id=self.thread_id,
            title=title,
            body=join_paragraphs(question),
            declared_answers=declared,
            answers=answers,
            warnings=self.warnings,
            source=self.source,
            complete=complete,
        )

    def _refuse_story(self, region: list[Row], cut_line: int | None) -> None:
        """A page without a header, card or marker, in the first person throughout, is a
        patient's story (a review page): not a thread, so its text is never indexed as
        doctors' answers."""
        if any(not isinstance(it, (Para, Stop)) for it in items(region, cut_line=cut_line, warnings=[])):
            return
        first = second = 0
        for _, line, _ in region:
            for word in _WORD.findall(line.lower().replace("\u2019", "'")):
                first += word in _FIRST_PERSON
                second += word in _SECOND_PERSON
        if first >= STORY_FIRST_PERSON and first >= STORY_RATIO * (second + 1):
            raise self.error(
                "not a question thread: a story told in the first person, with no answer"
                f" header, doctor card or answer marker ({first} words such as 'I' and 'my',"
                f" {second} such as 'you')"
            )

    @staticmethod
    def _footer(page: list[Row], start: int) -> int | None:
        """Index of the row that starts the disclaimer footer, or None when it is missing."""
        for k in range(start + 1, len(page)):
            _, line, gap = page[k]
            starts_para = gap or k == start + 1 or cards.is_site_line(page[k - 1][1])
            if (starts_para and cards.FOOTER_START.match(line)) or cards.FOOTER_LINE.match(line):
                return k
        return None

    def _question(self, region: list[Row], header_at: int | None, cut_line: int | None):
        """The title, the question's paragraphs and the answers' items."""
        number, first, _ = region[0]
        rest = region[1:]
        if header_at is not None:
            title = first
            question = paragraphs(region[1:header_at])
            return title, question, items(region[header_at + 1 :], cut_line=cut_line, warnings=self.warnings)
        if all(not gap for _, _, gap in rest) and all(
            isinstance(it, Para) for it in items(region, cut_line=cut_line, warnings=[])
        ):
            return self._one_per_line(region)
        if len(first) <= MAX_TITLE:
            found = items(rest, cut_line=cut_line, warnings=self.warnings)
            question, answer_items = _split_question(found)
            return first, question, answer_items
        self.warnings.append(
            f"line {number}: the page has no question title (it starts with a paragraph"
            f" of {len(first):,} characters); the title is left empty"
        )
        found = items(region, cut_line=cut_line, warnings=self.warnings)
        question, answer_items = _split_question(found)
        return "", question, answer_items

    def _one_per_line(self, region: list[Row]):
        """A page of lines with no blank line, no card and no vote line: each line is an
        answer (pages that hold only answers, as some copies do)."""
        lines = [(n, ln) for n, ln, _ in region]
        question: list[Para] = []
        title = ""
        if len(lines) == 1 and len(lines[0][1]) <= MAX_TITLE:
            return lines[0][1], [], []
        if len(lines[0][1]) <= MAX_FRAGMENT:
            question = [Para([lines[0][1]], lines[0][0])]
            lines = lines[1:]
        self.warnings.append(
            f"the page has no question title and no blank lines, cards or vote lines:"
            f" read as {len(lines)} answer{'s' if len(lines) != 1 else ''}, one per line"
        )
        answer_items: list[Item] = []
        for n, ln in lines:
            answer_items += [Para([ln], n), Stop(n)]
        return title, question, answer_items

    def _split(self, segs: list[Segment], found: list[Item], declared: int | None, complete: bool):
        """Find the unsigned answers that run into the next one (see boundaries.py)."""
        if declared is not None and declared > len(segs):
            score = 2.5 if complete else CUT_SPLIT_SCORE
            return split_unsigned(segs, missing=declared - len(segs), min_score=score, warnings=self.warnings)
        if declared is None and not any(isinstance(it, Marker) for it in found):
            return split_unsigned(segs, missing=None, min_score=TEXT_SPLIT_SCORE, warnings=self.warnings)
        return segs

    def _answers(self, segs: list[Segment], complete: bool) -> list[Answer]:
        answers: list[Answer] = []
        seen: dict[tuple, int] = {}
        for k, seg in enumerate(segs):
            card = seg.card
            last = k == len(segs) - 1
            cut = not complete and last and (card is None or not card.ended)
            body = join_paragraphs(seg.paras)
            doctor = card.doctor if card else None
            key = (doctor, " ".join(body.split()))
            if cut and body and key not in seen:
                # A repeat cut short by the end of the copy is still a repeat.
                key = next((old for old in seen if old[0] == doctor and old[1].startswith(key[1])), key)
            if body and key in seen:
                self.warnings.append(
                    f"line {seg.paras[0].line}: the answer repeats answer {seen[key]}"
                    " (same doctor, same text); kept once"
                )
                continue
            position = len(answers) + 1
            seen[key] = position
            if card is not None and not card.rated and not cut:
                self.warnings.append(f"answer {position}: the doctor card has no rating line")
            answers.append(
                Answer(
                    thread_id=self.thread_id,
                    position=position,
                    title=seg.title or "",
                    body=body,
                    doctor=doctor,
                    cut=cut,
                )
            )
        return answers

    def _count_warning(self, declared: int | None, found: int) -> None:
        # The same words whether or not the copy is cut (Thread.complete tells which),
        # so that a summary can count the expected ones on cut copies.
        if declared is not None and declared != found:
            self.warnings.append(f"the page declares {declared} answers but {found} were found")


def _bare_title(seg: Segment) -> None:
    """A cut copy can end on the next answer's title alone."""
    if seg.card is None and seg.title is None and len(seg.paras) == 1 and title_like(seg.paras[0]):
        seg.title = seg.paras.pop().lines[0]


def _split_question(found: list[Item]) -> tuple[list[Para], list[Item]]:
    """Without a header, the question body runs into the first answer: split them."""
    end = next((k for k, it in enumerate(found) if not isinstance(it, Para)), len(found))
    if end < len(found) and isinstance(found[end], Marker) and end >= 1:
        marker = found[end]
        cut = end - 1 if marker.title is None and title_like(found[end - 1]) else end
        return list(found[:cut]), found[cut:]
    for k in range(1, end - 1):
        if title_like(found[k]) and not title_like(found[k + 1]):
            return list(found[:k]), found[k:]
    if end >= 2:
        # Two paragraphs or more before the first card: the question's body comes first.
        return list(found[:1]), found[1:]
    return [], found
