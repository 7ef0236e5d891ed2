"""Parse every page of a folder of real thread pages and print how the parse went.

    python -m bench.realpages [FOLDER]

FOLDER defaults to ``../shared/realpages`` beside the project. The pages are third-party
text used for testing only: this script reads them and prints figures, nothing else.
For every page: the answers found against the cards and vote lines visible in the text,
and whether any answer body still holds a line that looks like a card line. Totals at
the end: crashes (anything but a ParseError), question pages skipped although they hold
answer text, and card-looking lines left in bodies outside a page's last, cut answer.
"""

from __future__ import annotations

import sys
from pathlib import Path

import attrs

from msqa_search import ParseError, Thread, parse_thread
from msqa_search.parse import cards, signer

DEFAULT = Path(__file__).resolve().parent.parent / ".." / "shared" / "realpages"


@attrs.frozen
class PageFigures:
    """What one page gave."""

    name: str
    answers: int | None
    """Answers found; None when the page was skipped (ParseError) or crashed."""
    cards: int
    """Rating lines and place lines visible in the text (the cards a reader sees)."""
    votes: int
    """Vote-template lines visible (one per answer on pages that show them)."""
    card_lines_in_bodies: int
    """Answer bodies (not the last, cut one) that hold a card-looking line."""
    crashed: str | None = None
    skipped: str | None = None
    signed: int = 0
    """Answers found with a doctor card."""
    repeated_cards: int = 0
    """Visible cards that repeat the card just under them (a doctor's typed sign-off)."""


def card_looking_lines(body: str) -> list[str]:
    """Lines of ``body`` that look like card lines: a rating line, or a known
    ``City Specialty`` line at the end of a paragraph."""
    found = []
    for paragraph in body.split("\n\n"):
        lines = paragraph.split("\n")
        found += [ln for ln in lines if cards.parse_rating(ln) is not None]
        if lines and signer.parse_place(lines[-1]) is not None:
            found.append(lines[-1])
    return found


def bad_bodies(thread: Thread) -> int:
    """Answer bodies that still hold a card-looking line, the last cut answer aside."""
    return sum(1 for a in thread.answers if not a.cut and card_looking_lines(a.body))


def page_figures(path: Path) -> PageFigures:
    text = path.read_text(encoding="utf-8")
    lines = [" ".join(x.split()) for x in text.splitlines()]
    # A card shows as its rating line, or as a place line with no rating line under it.
    visible = sum(
        1 for k, x in enumerate(lines)
        if cards.parse_rating(x) or cards.parse_partial_rating(x) and k == len(lines) - 1
        or signer.parse_place(x) and not (k + 1 < len(lines) and (cards.parse_rating(lines[k + 1]) or cards.parse_partial_rating(lines[k + 1])))
    )
    votes = sum(1 for x in lines if cards.is_vote_line(x))
    repeated = _repeated_cards(lines)
    try:
        thread = parse_thread(text, thread_id=path.stem, source=str(path))
    except ParseError as e:
        return PageFigures(path.name, None, visible, votes, 0, skipped=e.message, repeated_cards=repeated)
    except Exception as e:  # noqa: BLE001 - a crash is what this script counts
        return PageFigures(path.name, None, visible, votes, 0, crashed=f"{type(e).__name__}: {e}",
                           repeated_cards=repeated)
    signed = sum(1 for a in thread.answers if a.doctor is not None)
    return PageFigures(path.name, len(thread.answers), visible, votes, bad_bodies(thread), signed=signed,
                       repeated_cards=repeated)


def _repeated_cards(lines: list[str]) -> int:
    """Place lines with no rating under them whose next card (within 3 lines) has the same place."""
    count = 0
    for k, line in enumerate(lines):
        place = signer.parse_place(line)
        if place is None or (k + 1 < len(lines) and cards.parse_rating(lines[k + 1])):
            continue
        if any(signer.parse_place(x) == place for x in lines[k + 1 : k + 4] if x):
            count += 1
    return count


def is_question_page(path: Path) -> bool:
    """The folder's manifest kind; pages not in a manifest count as question pages."""
    import json

    manifest = path.parent / "manifest.json"
    if not manifest.exists():
        return True
    kinds = {r["file"]: r.get("kind") for r in json.loads(manifest.read_text(encoding="utf-8"))}
    return kinds.get(path.name, "question") == "question"


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else DEFAULT
    pages = sorted(folder.glob("*.txt"))
    if not pages:
        print(f"no pages in {folder}", file=sys.stderr)
        return 2
    figures = [page_figures(p) for p in pages]
    print(f"{'page':<8} {'answers':>7} {'signed':>6} {'cards':>5} {'votes':>5} {'card lines in bodies':>20}")
    for f in figures:
        found = "-" if f.answers is None else str(f.answers)
        note = f"  crashed: {f.crashed}" if f.crashed else (f"  skipped: {f.skipped}" if f.skipped else "")
        print(f"{f.name[:8]:<8} {found:>7} {f.signed:>6} {f.cards:>5} {f.votes:>5} {f.card_lines_in_bodies:>20}{note}")
    crashes = sum(1 for f in figures if f.crashed)
    skipped = sum(1 for f, p in zip(figures, pages) if f.skipped and is_question_page(p))
    print()
    print(f"pages: {len(pages)}")
    print(f"crashes: {crashes}")
    print(f"question pages skipped: {skipped}")
    print(f"answers found: {sum(f.answers or 0 for f in figures)}"
          f" ({sum(f.signed for f in figures)} signed); cards visible: {sum(f.cards for f in figures)};"
          f" vote lines visible: {sum(f.votes for f in figures)}")
    print(f"answer bodies with a card-looking line (outside the last, cut answer):"
          f" {sum(f.card_lines_in_bodies for f in figures)}")
    return 1 if crashes or skipped else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
