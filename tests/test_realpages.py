"""Every page of ../shared/realpages parses, and no answer body keeps a card line.

The pages are third-party text: this test reads them (when the folder is there) and
checks figures; it never copies their text. ``python -m bench.realpages`` prints the
same figures page by page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.realpages import card_looking_lines, is_question_page, page_figures
from msqa_search import ParseError, parse_thread

FOLDER = Path(__file__).resolve().parent.parent / ".." / "shared" / "realpages"
PAGES = sorted(FOLDER.glob("*.txt")) if FOLDER.is_dir() else []

QUESTIONS = [p for p in PAGES if is_question_page(p)]

pytestmark = pytest.mark.skipif(not PAGES, reason="../shared/realpages is not there")


class TestRealPages:
    """The figures of issue 9 over the real pages."""

    def test_no_crash_and_no_question_page_skipped(self):
        """0 crashes; 0 question pages skipped (they all hold answer text)."""
        figures = [page_figures(p) for p in PAGES]
        assert [f.name for f in figures if f.crashed] == []
        assert [f.name for f, p in zip(figures, PAGES) if f.skipped and is_question_page(p)] == []

    def test_no_card_line_left_in_bodies(self):
        """No answer body holds a card-looking line, the last cut answer of a page aside."""
        left = {}
        for path in QUESTIONS:
            thread = parse_thread(path.read_text(encoding="utf-8"), thread_id=path.stem)
            for answer in thread.answers:
                if not answer.cut and card_looking_lines(answer.body):
                    left[answer.id] = card_looking_lines(answer.body)
        assert left == {}

    def test_every_visible_card_is_a_doctor(self):
        """Each page has at least as many signed answers as cards, less sign-off repeats."""
        short = {}
        for path in PAGES:
            f = page_figures(path)
            if f.answers is not None and f.signed < f.cards - f.repeated_cards:
                short[f.name] = (f.signed, f.cards)
        assert short == {}

    def test_pages_with_vote_lines_have_an_answer_per_vote_line(self):
        """On pages that show vote lines, there is one answer per vote line."""
        off = {}
        for path in PAGES:
            f = page_figures(path)
            if f.votes and f.answers != f.votes:
                off[f.name] = (f.answers, f.votes)
        assert off == {}

    def test_non_question_pages_are_not_threads(self):
        """The review pages (patients' own stories) are refused, not read as answers."""
        others = [p for p in PAGES if not is_question_page(p)]
        assert others
        for path in others:
            with pytest.raises(ParseError, match="not a question thread"):
                parse_thread(path.read_text(encoding="utf-8"), thread_id=path.stem)

    def test_cut_flags_follow_the_footer(self):
        """Pages without the footer are incomplete; only their last answer can be cut."""
        for path in QUESTIONS:
            text = path.read_text(encoding="utf-8")
            thread = parse_thread(text, thread_id=path.stem)
            assert thread.complete == ("These answers are for educational purposes" in text), path.name
            assert [a.position for a in thread.answers if a.cut] in ([], [len(thread.answers)]), path.name
