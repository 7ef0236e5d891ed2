"""Property: a thread rendered with random combinations of the page variants parses back.

The variants: cards without a rating line (name + place, or the place line alone), no
blank line after a card, missing titles (with or without the vote line), the doctor's
typed sign-off above the card, and the copy cut at a random character. Up to the cut,
the answers come back as they were; the answer the cut falls in is the last, and only it
can be marked ``cut``.
"""

from __future__ import annotations

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from budget import examples
from hypothesis import strategies as st
from test_properties import doctors, sentences, titles

from msqa_search import Answer, Doctor, ParseError, Thread, parse_thread
from msqa_search.parse.format import FOOTER, VOTE_LINE, _card

DEFAULT = settings(max_examples=examples(60), deadline=None, phases=[Phase.explicit, Phase.generate, Phase.target], suppress_health_check=[HealthCheck.too_slow])
HEAVY = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Paragraphs of two or three lines: never a short one-line paragraph that reads as a
# title (those cases have their own example tests).
paragraphs = st.lists(sentences(), min_size=2, max_size=3).map("\n".join)
bodies = st.lists(paragraphs, min_size=1, max_size=3).map("\n\n".join)


@st.composite
def cards(draw) -> Doctor | None:
    """No card, a full card, name + place without rating, or the place line alone."""
    kind = draw(st.sampled_from(["none", "full", "rateless", "place"]))
    if kind == "none":
        return None
    doctor = draw(doctors())
    if kind == "rateless":
        return attrs.evolve(doctor, rating=None, reviews=None, name=doctor.name or "Anna Klein")
    if kind == "place":
        return Doctor(city=doctor.city, specialty=doctor.specialty)
    return doctor


@st.composite
def rendered(draw):
    """(thread, page, closes): ``closes[i]`` is the offset from which answer i is final."""
    n = draw(st.integers(1, 4))
    drawn = draw(st.lists(st.tuples(titles(), bodies, cards()), min_size=n, max_size=n,
                          unique_by=lambda a: (a[2], " ".join(a[1].split()))))
    answers, text, closes = [], "", []
    question = draw(st.just("") | bodies)
    text = draw(titles(question=True)) + "\n\n" + (question + "\n\n" if question else "")
    text += f"Doctor Answers {n}\n\n"
    previous_card = True  # the header closes what came before, as a card does
    pending: int | None = None  # an unsigned answer, final once the next vote line is there
    for i, (title, body, doctor) in enumerate(drawn):
        vote = draw(st.booleans()) or not previous_card
        has_title = draw(st.booleans()) or not (vote or previous_card)
        if not has_title and not vote:
            body = body.replace("\n\n", "\n", 1) if "\n\n" in body else body
        head = (title + "\n" if has_title else "") + (VOTE_LINE + "\n" if vote else "")
        text += head + ("\n" if head else "")
        if pending is not None:
            closes[pending] = len(text)
            pending = None
        text += body
        if doctor is not None:
            if doctor.badges:
                text += "\n\n" + "\n".join(doctor.badges)
            elif doctor.name and doctor.credentials and draw(st.booleans()):
                text += "\n\n" + ", ".join([doctor.name, *doctor.credentials])  # typed sign-off
            text += "\n\n" + _card(doctor)
            closes.append(len(text))
        else:
            closes.append(len(text))
            pending = i
        text += "\n" if doctor is not None and draw(st.booleans()) else "\n\n"
        previous_card = doctor is not None
        answers.append(Answer(thread_id="p", position=i + 1, title=title if has_title else "",
                              body=body, doctor=doctor))
    footer_at = len(text)
    if pending is not None:  # the last answer is unsigned: final once the footer shows
        closes[pending] = footer_at + len("These")
    text += FOOTER + "\n"
    thread = Thread(id="p", title=text.split("\n", 1)[0], body=question, declared_answers=n,
                    answers=tuple(answers))
    return thread, text, closes, footer_at


def check(case, cut: int | None) -> None:
    """Parse the page (cut at ``cut``) and compare with the thread up to the cut."""
    thread, text, closes, footer_at = case
    page = text if cut is None else text[:cut]
    if not page.strip():
        with pytest.raises(ParseError):
            parse_thread(page, thread_id="p")
        return
    parsed = parse_thread(page, thread_id="p")
    # The footer's opening words in full end the page wherever they stand; its first
    # words only when a blank line comes before them.
    if cut is None or cut >= footer_at + len("These answers are for educational purposes"):
        assert attrs.evolve(parsed, warnings=(), source=None) == thread
        assert parsed.complete and not any(a.cut for a in parsed.answers)
        return
    final = sum(1 for c in closes if c <= cut)
    assert parsed.complete is False or cut >= footer_at + len("These answers are for")
    assert list(parsed.answers[:final]) == list(thread.answers[:final])
    assert final <= len(parsed.answers) <= final + 2
    if len(parsed.answers) == final + 2:
        # An unsigned answer, then the cut falls in the next title before its vote line:
        # the copy ends on a bare title, which starts the next answer.
        last = parsed.answers[-1]
        assert last.body == "" and thread.answers[final + 1].title.startswith(last.title)
        parsed = attrs.evolve(parsed, answers=parsed.answers[:-1])
    assert [a.position for a in parsed.answers[:-1] if a.cut] == []
    header_end = text.index("\n", text.index("\nDoctor Answers ") + 1)
    if final < len(thread.answers) and len(parsed.answers) > final and cut > header_end:
        # (A copy cut before its header is a question and nothing to tell it from answers.)
        original, last = thread.answers[final], parsed.answers[final]
        # A copy cut after the first line of an untitled answer ends on what reads as a
        # bare title: either reading keeps the text.
        assert original.title.startswith(last.title) or (
            not original.title and not last.body and original.body.startswith(last.title)
        )


class TestRenderedVariants:
    """Random combinations of the variants parse back, up to the cut."""

    @DEFAULT
    @given(rendered())
    def test_whole_page(self, case):
        """A whole page parses back to the thread exactly."""
        check(case, None)

    @DEFAULT
    @given(rendered(), st.data())
    def test_cut_at_a_random_character(self, case, data):
        """A page cut anywhere gives the answers before the cut, and at most one more."""
        check(case, data.draw(st.integers(0, len(case[1]))))

    @pytest.mark.slow
    @HEAVY
    @given(rendered(), st.data())
    def test_cut_at_a_random_character_heavy(self, case, data):
        """The same, with many more examples."""
        check(case, data.draw(st.integers(0, len(case[1]))))
