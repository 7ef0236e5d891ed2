"""Every page variant in docs thread-format.md, one small hand-written thread each."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

from msqa_search import (
    Answer,
    Doctor,
    MsqaError,
    ParseError,
    Problem,
    Thread,
    from_dict,
    parse_thread,
    read_thread,
    read_threads,
    to_dict,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TID = "t"

# --- building blocks -------------------------------------------------------------------

Q_TITLE = "Can I get Botox if I have multiple sclerosis?"
Q_BODY = (
    "I was diagnosed with MS two years ago and my forehead lines bother me a lot."
    " Is Botox safe for me or should I stick with fillers?"
)

A1_TITLE = "Ask your neurologist first"
A1_BODY = (
    "Botox works on the nerve endings in the muscle, so your neurologist should clear you"
    " before any cosmetic injection. Fillers do not act on the nerves at all."
)
A2_TITLE = "Fillers are fine"
A2_BODY = (
    "Hyaluronic acid fillers do not affect the nerves or the muscles. They can be used"
    " safely in patients with MS as long as the skin is healthy."
)
A3_TITLE = "Botox is used to treat MS spasms"
A3_BODY = (
    "Neurologists use much larger doses of Botox to treat spasticity in MS. The cosmetic"
    " dose is tiny in comparison, but get clearance first."
)

JANE_CARD = "Jane Roe, MD\nBoston Plastic Surgeon\n4.5 out of 5 stars 12 reviews"
JANE = Doctor(
    name="Jane Roe",
    credentials=("MD",),
    city="Boston",
    specialty="Plastic Surgeon",
    rating=4.5,
    reviews=12,
)
OMAR_CARD = "Omar Haddad, DO\nChicago Dermatologist\n4.9 out of 5 stars 30 reviews"
OMAR = Doctor(
    name="Omar Haddad",
    credentials=("DO",),
    city="Chicago",
    specialty="Dermatologist",
    rating=4.9,
    reviews=30,
)
LEE_CARD = "Lee Park, MD, FACS\nSeattle Facial Plastic Surgeon\n3.0 out of 5 stars 312 reviews"
LEE = Doctor(
    name="Lee Park",
    credentials=("MD", "FACS"),
    city="Seattle",
    specialty="Facial Plastic Surgeon",
    rating=3.0,
    reviews=312,
)

VOTE = "{{ voteCount >= 0 ? '+' + (voteCount + 1) : (voteCount + 1) }}"
FOOTER = (
    "These answers are for educational purposes and should not be relied upon as a"
    " substitute for medical advice you may receive from your physician. If you have a"
    " medical emergency, please call 911. These answers do not constitute or initiate a"
    " patient/doctor relationship."
)

SPECIALTIES = [
    "Plastic Surgeon",
    "Facial Plastic Surgeon",
    "Dermatologic Surgeon",
    "Dermatologist",
    "Oculoplastic Surgeon",
    "Phlebologist",
    "Physician",
    "Dentist",
    "General Surgeon",
    "Oral & Maxillofacial Surgeon",
    "Otolaryngologist",
    "Board Eligible Plastic Surgeon",
]
CITIES = [
    "Lake Oswego",
    "West Palm Beach",
    "The Woodlands",
    "Raleigh-Durham",
    "Saint Louis",
    "Orange County",
    "Bay Area",
    "Toronto",
    "Dominican Republic",
]


def paras(*paragraphs: str) -> str:
    """A page whose paragraphs are separated by one blank line, ending in a newline."""
    return "\n\n".join(paragraphs) + "\n"


def parse(text: str) -> Thread:
    """Parse a page as thread TID."""
    return parse_thread(text, thread_id=TID)


def ans(position: int, title: str, body: str, doctor: Doctor | None = None) -> Answer:
    """An expected answer of thread TID."""
    return Answer(thread_id=TID, position=position, title=title, body=body, doctor=doctor)


def thread_of(
    answers,
    *,
    title: str = Q_TITLE,
    body: str = Q_BODY,
    declared: int | None = None,
) -> Thread:
    """An expected thread TID, without warnings or source."""
    return Thread(
        id=TID, title=title, body=body, declared_answers=declared, answers=tuple(answers)
    )


def core(thread: Thread) -> Thread:
    """The thread without its warnings and source, for whole-record comparison."""
    return attrs.evolve(thread, warnings=(), source=None)


def warned(thread: Thread, word: str) -> list[str]:
    """The thread's warnings that contain ``word``."""
    return [w for w in thread.warnings if word in w]


def two_answer_page(header: str = "Doctor Answers 2") -> str:
    """The standard two-answer page under the given header line."""
    return paras(
        Q_TITLE, Q_BODY, header, A1_TITLE, A1_BODY, JANE_CARD, A2_TITLE, A2_BODY, OMAR_CARD,
        FOOTER,
    )


TWO_ANSWERS = (ans(1, A1_TITLE, A1_BODY, JANE), ans(2, A2_TITLE, A2_BODY, OMAR))


# --- header ----------------------------------------------------------------------------


class TestHeader:
    """The 'Doctor Answers' header line and its variants."""

    def test_plain_number(self):
        """'Doctor Answers 2' declares 2 answers."""
        thread = parse(two_answer_page("Doctor Answers 2"))
        assert core(thread) == thread_of(TWO_ANSWERS, declared=2)
        assert warned(thread, "declares") == []

    def test_number_in_parentheses(self):
        """'Doctor Answers (2)' declares 2 answers."""
        thread = parse(two_answer_page("Doctor Answers (2)"))
        assert core(thread) == thread_of(TWO_ANSWERS, declared=2)
        assert warned(thread, "declares") == []

    def test_no_number(self):
        """'Doctor Answers' alone declares nothing (None) and warns of no mismatch."""
        thread = parse(two_answer_page("Doctor Answers"))
        assert core(thread) == thread_of(TWO_ANSWERS, declared=None)
        assert warned(thread, "declares") == []

    def test_one_answer_keeps_plural(self):
        """'Doctor Answers 1' declares 1 answer."""
        page = paras(Q_TITLE, Q_BODY, "Doctor Answers 1", A1_TITLE, A1_BODY, JANE_CARD, FOOTER)
        thread = parse(page)
        assert core(thread) == thread_of([ans(1, A1_TITLE, A1_BODY, JANE)], declared=1)
        assert warned(thread, "declares") == []

    @pytest.mark.parametrize("gap", ["\n", "\n\n"], ids=["next-line", "blank-line"])
    def test_newer_layout(self, gap):
        """'Answers (5)' + the 'From board-certified...' line declares 5; the line is junk."""
        bodies = [
            f"Answer number {i} says that Botox is safe once your neurologist agrees."
            f" Ask about dose number {i}."
            for i in range(1, 6)
        ]
        blocks = [paras(f"Title number {i}", b, JANE_CARD) for i, b in enumerate(bodies, 1)]
        page = (
            paras(Q_TITLE, Q_BODY)
            + "\nAnswers (5)"
            + gap
            + "From board-certified doctors and trusted medical professionals\n\n"
            + "\n".join(blocks)
            + "\n"
            + FOOTER
        )
        thread = parse(page)
        expected = [ans(i, f"Title number {i}", b, JANE) for i, b in enumerate(bodies, 1)]
        assert core(thread) == thread_of(expected, declared=5)
        assert warned(thread, "declares") == []

    def test_no_header(self):
        """Without a header the question body runs straight into the first answer."""
        page = paras(
            Q_TITLE, Q_BODY, A1_TITLE, A1_BODY, JANE_CARD, A2_TITLE, A2_BODY, OMAR_CARD, FOOTER
        )
        thread = parse(page)
        assert core(thread) == thread_of(TWO_ANSWERS, declared=None)
        assert warned(thread, "declares") == []

    def test_no_question_body(self):
        """A page without a question body has body ''."""
        page = paras(
            Q_TITLE, "Doctor Answers 2", A1_TITLE, A1_BODY, JANE_CARD, A2_TITLE, A2_BODY,
            OMAR_CARD, FOOTER,
        )
        assert core(parse(page)) == thread_of(TWO_ANSWERS, body="", declared=2)

    def test_cut_copy_has_fewer_answers(self):
        """A cut copy keeps the declared count and warns that the page 'declares' more."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 5", A1_TITLE, A1_BODY, JANE_CARD, A2_TITLE,
            A2_BODY, OMAR_CARD,
        )
        thread = parse(page)
        assert core(thread) == thread_of(TWO_ANSWERS, declared=5)
        assert len(warned(thread, "declares")) == 1

    def test_more_answers_than_declared(self):
        """Signed answers beyond the declared count are kept, with a 'declares' warning."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 1", A1_TITLE, A1_BODY, JANE_CARD, A2_TITLE,
            A2_BODY, OMAR_CARD, FOOTER,
        )
        thread = parse(page)
        assert core(thread) == thread_of(TWO_ANSWERS, declared=1)
        assert len(warned(thread, "declares")) == 1

    def test_zero_answers(self):
        """'Doctor Answers 0' and no answers is a valid thread."""
        thread = parse(paras(Q_TITLE, Q_BODY, "Doctor Answers 0", FOOTER))
        assert core(thread) == thread_of([], declared=0)
        assert warned(thread, "declares") == []


# --- lines around the thread -----------------------------------------------------------


class TestSiteLines:
    """Site lines and boilerplate that are never content."""

    def test_ask_a_doctor_before_title(self):
        """'Ask a doctor' before the title is not the title."""
        thread = parse("Ask a doctor\n" + two_answer_page())
        assert core(thread) == thread_of(TWO_ANSWERS, declared=2)

    def test_ask_a_doctor_paragraph_before_title(self):
        """'Ask a doctor' followed by a blank line is still not the title."""
        thread = parse("Ask a doctor\n\n" + two_answer_page())
        assert core(thread) == thread_of(TWO_ANSWERS, declared=2)

    def test_have_a_question_between_answers(self):
        """'Have a question? Ask a doctor' between answers belongs to neither."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, JANE_CARD,
            "Have a question? Ask a doctor", A2_TITLE, A2_BODY, OMAR_CARD, FOOTER,
        )
        assert core(parse(page)) == thread_of(TWO_ANSWERS, declared=2)

    def test_have_a_question_after_unsigned_answer(self):
        """'Have a question? Ask a doctor' after an unsigned answer is not in its body."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY,
            "Have a question? Ask a doctor", A2_TITLE, A2_BODY, OMAR_CARD, FOOTER,
        )
        expected = [ans(1, A1_TITLE, A1_BODY), ans(2, A2_TITLE, A2_BODY, OMAR)]
        assert core(parse(page)) == thread_of(expected, declared=2)

    @pytest.mark.parametrize(
        "boilerplate",
        [
            "Ask a doctor",
            "Have a question? Ask a doctor",
            "Skip to main content",
            "Home \u203a Botox \u203a Questions",
        ],
    )
    def test_boilerplate_line_before_title(self, boilerplate):
        """A line of site boilerplate before the title is not the title."""
        thread = parse(boilerplate + "\n" + two_answer_page())
        assert core(thread) == thread_of(TWO_ANSWERS, declared=2)


class TestFooter:
    """The disclaimer footer never belongs to an answer."""

    def test_full_footer(self):
        """The whole footer after the last card is dropped."""
        assert core(parse(two_answer_page())) == thread_of(TWO_ANSWERS, declared=2)

    @pytest.mark.parametrize(
        "cut",
        [
            "These answers are for educational purposes",
            "These answers are for educational purposes and should not be relied upon as a"
            " subst",
            "These answers are for educational purposes and should not be relied upon as a"
            " substitute for medical advice you may receive from your physician. If you have",
        ],
        ids=["at-purposes", "mid-word", "mid-sentence"],
    )
    def test_footer_cut_mid_sentence(self, cut):
        """A footer cut short is dropped just the same."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, JANE_CARD, A2_TITLE,
            A2_BODY, OMAR_CARD, cut,
        )
        assert core(parse(page)) == thread_of(TWO_ANSWERS, declared=2)

    def test_footer_missing(self):
        """A copy that ends with the last card parses all answers."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, JANE_CARD, A2_TITLE,
            A2_BODY, OMAR_CARD,
        )
        assert core(parse(page)) == thread_of(TWO_ANSWERS, declared=2)

    def test_footer_after_unsigned_last_answer(self):
        """The footer is not part of an unsigned last answer's body."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, JANE_CARD, A2_TITLE,
            A2_BODY, FOOTER,
        )
        expected = [ans(1, A1_TITLE, A1_BODY, JANE), ans(2, A2_TITLE, A2_BODY)]
        assert core(parse(page)) == thread_of(expected, declared=2)

    def test_cut_footer_after_unsigned_last_answer(self):
        """A cut footer is not part of an unsigned last answer's body either."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, JANE_CARD, A2_TITLE,
            A2_BODY, "These answers are for educational purposes and should not be rel",
        )
        expected = [ans(1, A1_TITLE, A1_BODY, JANE), ans(2, A2_TITLE, A2_BODY)]
        assert core(parse(page)) == thread_of(expected, declared=2)


# --- answers ---------------------------------------------------------------------------


class TestVoteLine:
    """The vote template line is never a title or body."""

    @pytest.mark.parametrize(
        "title_block",
        [
            f"{A1_TITLE}\n{VOTE}\n\n",
            f"{A1_TITLE}\n{VOTE}\n",
            f"{A1_TITLE}\n\n{VOTE}\n\n",
            f"{A1_TITLE}\n\n{VOTE}\n",
        ],
        ids=["after-title-blank-after", "after-title-no-blank", "own-paragraph", "blank-before"],
    )
    def test_after_title(self, title_block):
        """The vote line after the title, with or without blank lines, is dropped."""
        page = (
            paras(Q_TITLE, Q_BODY, "Doctor Answers 2")
            + "\n"
            + title_block
            + paras(A1_BODY, JANE_CARD, A2_TITLE, A2_BODY, OMAR_CARD, FOOTER)
        )
        assert core(parse(page)) == thread_of(TWO_ANSWERS, declared=2)

    def test_on_every_answer(self):
        """Vote lines on every answer are all dropped."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", f"{A1_TITLE}\n{VOTE}", A1_BODY, JANE_CARD,
            f"{A2_TITLE}\n{VOTE}", A2_BODY, OMAR_CARD, FOOTER,
        )
        assert core(parse(page)) == thread_of(TWO_ANSWERS, declared=2)

    @pytest.mark.parametrize("gap", ["\n\n", "\n"], ids=["blank-after", "no-blank"])
    def test_in_place_of_missing_title(self, gap):
        """A vote line where the title is missing gives an untitled answer."""
        page = (
            paras(Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, JANE_CARD)
            + "\n"
            + VOTE
            + gap
            + paras(A2_BODY, OMAR_CARD, FOOTER)
        )
        expected = [ans(1, A1_TITLE, A1_BODY, JANE), ans(2, "", A2_BODY, OMAR)]
        assert core(parse(page)) == thread_of(expected, declared=2)

    def test_indented_vote_line(self):
        """A vote line with surrounding spaces is still dropped."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", f"{A1_TITLE}\n   {VOTE}  ", A1_BODY,
            JANE_CARD, A2_TITLE, A2_BODY, OMAR_CARD, FOOTER,
        )
        assert core(parse(page)) == thread_of(TWO_ANSWERS, declared=2)

    @pytest.mark.parametrize("kept", [2, 3, 8])
    def test_copy_cut_on_the_vote_line(self, kept):
        """A copy cut on the vote line's first characters ends after the last answer."""
        page = paras(Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, JANE_CARD)
        parsed = parse(page + "\n" + VOTE[:kept])
        assert [(a.title, a.body) for a in parsed.answers] == [(A1_TITLE, A1_BODY)]
        assert not parsed.complete

    def test_two_braces_inside_an_answer_are_text(self):
        """A body line ``{{`` that is not the copy's last line stays in the answer."""
        page = paras(Q_TITLE, Q_BODY, "Doctor Answers 1", A1_TITLE, "{{\n" + A1_BODY,
                     JANE_CARD, FOOTER)
        assert parse(page).answers[0].body == "{{\n" + A1_BODY


class TestAnswerShapes:
    """Answers without titles, without signatures, or neither."""

    def test_without_title(self):
        """An answer whose body follows blank lines after a card has title ''."""
        page = (
            paras(Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, JANE_CARD)
            + "\n\n\n"
            + paras(A2_BODY, OMAR_CARD, FOOTER)
        )
        expected = [ans(1, A1_TITLE, A1_BODY, JANE), ans(2, "", A2_BODY, OMAR)]
        assert core(parse(page)) == thread_of(expected, declared=2)

    def test_first_answer_without_title(self):
        """The first answer right after the header may lack a title."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_BODY, JANE_CARD, A2_TITLE, A2_BODY,
            OMAR_CARD, FOOTER,
        )
        expected = [ans(1, "", A1_BODY, JANE), ans(2, A2_TITLE, A2_BODY, OMAR)]
        assert core(parse(page)) == thread_of(expected, declared=2)

    def test_without_title_several_paragraphs(self):
        """An untitled answer of several long paragraphs keeps them all in its body."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, JANE_CARD, A2_BODY,
            A3_BODY, OMAR_CARD, FOOTER,
        )
        expected = [
            ans(1, A1_TITLE, A1_BODY, JANE),
            ans(2, "", A2_BODY + "\n\n" + A3_BODY, OMAR),
        ]
        assert core(parse(page)) == thread_of(expected, declared=2)

    def test_unsigned_followed_by_next_title(self):
        """An unsigned answer ends where the next answer's title begins."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, A3_BODY, A2_TITLE,
            A2_BODY, OMAR_CARD, FOOTER,
        )
        expected = [
            ans(1, A1_TITLE, A1_BODY + "\n\n" + A3_BODY),
            ans(2, A2_TITLE, A2_BODY, OMAR),
        ]
        assert core(parse(page)) == thread_of(expected, declared=2)

    def test_unsigned_in_the_middle(self):
        """An unsigned answer between two signed ones is split from both."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 3", A1_TITLE, A1_BODY, JANE_CARD, A2_TITLE,
            A2_BODY, A3_TITLE, A3_BODY, OMAR_CARD, FOOTER,
        )
        expected = [
            ans(1, A1_TITLE, A1_BODY, JANE),
            ans(2, A2_TITLE, A2_BODY),
            ans(3, A3_TITLE, A3_BODY, OMAR),
        ]
        thread = parse(page)
        assert core(thread) == thread_of(expected, declared=3)
        assert warned(thread, "declares") == []

    def test_unsigned_followed_by_title_ending_with_period(self):
        """A next title that ends with a period is still a title."""
        title = "If your neurologist gives you the green light then it is okay."
        body = (
            "If your neurologist gives you the green light, then it is okay to proceed with"
            " Botox and with the Restylane. Good luck and enjoy the Botox and Restylane."
        )
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, title, body, OMAR_CARD,
            FOOTER,
        )
        expected = [ans(1, A1_TITLE, A1_BODY), ans(2, title, body, OMAR)]
        assert core(parse(page)) == thread_of(expected, declared=2)

    def test_signed_title_ending_with_period(self):
        """A title that ends with a period stays a title."""
        title = "If your neurologist gives you the green light then it is okay."
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", title, A1_BODY, JANE_CARD, A2_TITLE,
            A2_BODY, OMAR_CARD, FOOTER,
        )
        expected = [ans(1, title, A1_BODY, JANE), ans(2, A2_TITLE, A2_BODY, OMAR)]
        assert core(parse(page)) == thread_of(expected, declared=2)

    def test_without_title_or_signature_last(self):
        """A last answer with neither title nor card is still an answer."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, JANE_CARD, A2_BODY,
            FOOTER,
        )
        expected = [ans(1, A1_TITLE, A1_BODY, JANE), ans(2, "", A2_BODY)]
        assert core(parse(page)) == thread_of(expected, declared=2)

    def test_without_title_or_signature_middle(self):
        """An untitled unsigned answer in the middle is found with the declared count."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 3", A1_TITLE, A1_BODY, JANE_CARD, A2_BODY,
            A3_TITLE, A3_BODY, OMAR_CARD, FOOTER,
        )
        expected = [
            ans(1, A1_TITLE, A1_BODY, JANE),
            ans(2, "", A2_BODY),
            ans(3, A3_TITLE, A3_BODY, OMAR),
        ]
        assert core(parse(page)) == thread_of(expected, declared=3)

    def test_only_answer_unsigned(self):
        """A thread whose only answer is unsigned."""
        page = paras(Q_TITLE, Q_BODY, "Doctor Answers 1", A1_TITLE, A1_BODY, FOOTER)
        expected = [ans(1, A1_TITLE, A1_BODY)]
        assert core(parse(page)) == thread_of(expected, declared=1)

    def test_title_repeats_question_title(self):
        """A title that repeats the question title word for word is kept."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", Q_TITLE, A1_BODY, JANE_CARD, A2_TITLE,
            A2_BODY, OMAR_CARD, FOOTER,
        )
        expected = [ans(1, Q_TITLE, A1_BODY, JANE), ans(2, A2_TITLE, A2_BODY, OMAR)]
        assert core(parse(page)) == thread_of(expected, declared=2)


class TestShortBodyLines:
    """Short one-line paragraphs inside bodies do not split answers."""

    def test_greeting_and_sign_off_paragraphs_in_signed_answer(self):
        """'Dear Young,' and 'Good luck!' paragraphs stay in a signed answer's body."""
        body = "Dear Young,\n\n" + A1_BODY + "\n\nGood luck!"
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, body, JANE_CARD, A2_TITLE,
            A2_BODY, OMAR_CARD, FOOTER,
        )
        expected = [ans(1, A1_TITLE, body, JANE), ans(2, A2_TITLE, A2_BODY, OMAR)]
        thread = parse(page)
        assert core(thread) == thread_of(expected, declared=2)

    def test_take_heart_first_paragraph(self):
        """'Take heart, Youngatheart, take heart...' after a title is body, not a title."""
        body = "Take heart, Youngatheart, take heart...\n\n" + A1_BODY
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, body, JANE_CARD, A2_TITLE,
            A2_BODY, OMAR_CARD, FOOTER,
        )
        expected = [ans(1, A1_TITLE, body, JANE), ans(2, A2_TITLE, A2_BODY, OMAR)]
        assert core(parse(page)) == thread_of(expected, declared=2)

    def test_unsigned_ending_good_luck_then_dear_young(self):
        """An unsigned answer ending 'Good luck!' splits before the next title, not at it."""
        body1 = A1_BODY + "\n\nGood luck!"
        body2 = "Dear Young,\n\n" + A2_BODY
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, body1, A2_TITLE, body2, OMAR_CARD,
            FOOTER,
        )
        expected = [ans(1, A1_TITLE, body1), ans(2, A2_TITLE, body2, OMAR)]
        assert core(parse(page)) == thread_of(expected, declared=2)

    def test_greeting_line_inside_paragraph(self):
        """'Dear Young,' as the first line of a paragraph stays joined by a newline."""
        body = "Dear Young,\n" + A1_BODY
        page = paras(Q_TITLE, Q_BODY, "Doctor Answers 1", A1_TITLE, body, JANE_CARD, FOOTER)
        expected = [ans(1, A1_TITLE, body, JANE)]
        assert core(parse(page)) == thread_of(expected, declared=1)

    def test_body_text_kept_as_written(self):
        """Sign-offs, bullets, lists, hashtags, CAPS, asterisks and typos are kept."""
        body = (
            "Restalyne is fine.DO NOT MASSAGE the area after *Botox* for 4 hours because of"
            " spasticty risk.\n\n"
            "- Ice the area\n- Avoid lying flat\n\n"
            "1. See your dermatologsit\n2. Ask your neurologist\n\n"
            "#botox #multiplesclerosis\n\n"
            "Ask your neurologist first, Best, Dr. Green"
        )
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, body, JANE_CARD, A2_TITLE,
            A2_BODY, OMAR_CARD, FOOTER,
        )
        expected = [ans(1, A1_TITLE, body, JANE), ans(2, A2_TITLE, A2_BODY, OMAR)]
        assert core(parse(page)) == thread_of(expected, declared=2)


    def test_sign_off_paragraph_above_card(self):
        """A sign-off paragraph ('Best, Dr. Green' / 'From MIAMI Dr. B') stays in the body."""
        body = A1_BODY + "\n\nBest, Dr. Green\nFrom MIAMI Dr. B"
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, body, JANE_CARD, A2_TITLE,
            A2_BODY, OMAR_CARD, FOOTER,
        )
        expected = [ans(1, A1_TITLE, body, JANE), ans(2, A2_TITLE, A2_BODY, OMAR)]
        assert core(parse(page)) == thread_of(expected, declared=2)


class TestTitles:
    """Question and answer titles."""

    @pytest.mark.parametrize("suffix", ["(photo)", "(Photos)"])
    def test_question_title_with_photo(self, suffix):
        """A question title ending '(photo)' keeps it as written."""
        title = f"Bumps on my forehead after Botox {suffix}"
        page = paras(title, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, JANE_CARD,
                     A2_TITLE, A2_BODY, OMAR_CARD, FOOTER)
        assert core(parse(page)) == thread_of(TWO_ANSWERS, title=title, declared=2)

    def test_place_like_title_first(self):
        """'See Your Physician' as the first title is a title, not a card."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", "See Your Physician", A1_BODY, JANE_CARD,
            A2_TITLE, A2_BODY, OMAR_CARD, FOOTER,
        )
        expected = [ans(1, "See Your Physician", A1_BODY, JANE), ans(2, A2_TITLE, A2_BODY, OMAR)]
        assert core(parse(page)) == thread_of(expected, declared=2)

    def test_place_like_title_after_card(self):
        """'See Your Physician' after a card is the next answer's title, not a card line."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, JANE_CARD,
            "See Your Physician", A2_BODY, OMAR_CARD, FOOTER,
        )
        expected = [ans(1, A1_TITLE, A1_BODY, JANE), ans(2, "See Your Physician", A2_BODY, OMAR)]
        assert core(parse(page)) == thread_of(expected, declared=2)

    def test_place_like_title_right_after_card(self):
        """'See Your Physician' on the line right after a rating line is a title."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY,
            JANE_CARD + "\nSee Your Physician", A2_BODY, OMAR_CARD, FOOTER,
        )
        expected = [ans(1, A1_TITLE, A1_BODY, JANE), ans(2, "See Your Physician", A2_BODY, OMAR)]
        assert core(parse(page)) == thread_of(expected, declared=2)

    def test_specialty_like_title_after_unsigned_answer(self):
        """'Ask your neurologist' after an unsigned answer is a title, not a place line."""
        body2 = "Botox is safe if your neurologist agrees with it."
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, "Ask your neurologist",
            body2, JANE_CARD, FOOTER,
        )
        expected = [ans(1, A1_TITLE, A1_BODY), ans(2, "Ask your neurologist", body2, JANE)]
        assert core(parse(page)) == thread_of(expected, declared=2)

    def test_title_whitespace_collapsed(self):
        """Runs of spaces and NBSP inside a title collapse to one space; ends stripped."""
        page = paras(
            "  Can I get\u00a0\u00a0Botox  if I have multiple sclerosis? \u00a0",
            Q_BODY, "Doctor Answers 2", " \u00a0Ask your\u00a0 neurologist   first ",
            A1_BODY, JANE_CARD, A2_TITLE, A2_BODY, OMAR_CARD, FOOTER,
        )
        assert core(parse(page)) == thread_of(TWO_ANSWERS, declared=2)


# --- signature card --------------------------------------------------------------------


def one_card_page(card: str, *, before_card: str = "") -> str:
    """A one-answer page signed with ``card`` (optionally a paragraph above the card)."""
    parts = [Q_TITLE, Q_BODY, "Doctor Answers 1", A1_TITLE, A1_BODY]
    if before_card:
        parts.append(before_card)
    return paras(*parts, card, FOOTER)


def one_card_doctor(card: str, **kwargs) -> tuple[Thread, Doctor | None]:
    """Parse a one-answer page signed with ``card``; check title/body; return the card."""
    thread = parse(one_card_page(card, **kwargs))
    assert len(thread.answers) == 1
    answer = thread.answers[0]
    assert (answer.title, answer.body) == (A1_TITLE, A1_BODY)
    return thread, answer.doctor


class TestSignatureCard:
    """The card that closes a signed answer."""

    def test_full_card(self):
        """Name, place and rating lines fill every field."""
        thread, doctor = one_card_doctor(LEE_CARD)
        assert doctor == LEE
        assert thread.warnings == ()

    def test_card_without_name(self):
        """A card of place + rating lines has name None."""
        thread, doctor = one_card_doctor("San Diego Dermatologist\n4.8 out of 5 stars 48 reviews")
        assert doctor == Doctor(city="San Diego", specialty="Dermatologist", rating=4.8, reviews=48)
        assert warned(thread, "rating") == []

    def test_card_without_rating(self):
        """A card without a rating line has rating/reviews None and a 'rating' warning."""
        thread, doctor = one_card_doctor("Jane Roe, MD\nBoston Plastic Surgeon")
        assert doctor == Doctor(
            name="Jane Roe", credentials=("MD",), city="Boston", specialty="Plastic Surgeon"
        )
        assert len(warned(thread, "rating")) == 1

    def test_place_line_alone(self):
        """A card that is only a place line gives city and specialty, and warns of 'rating'."""
        thread, doctor = one_card_doctor("West Palm Beach Board Eligible Plastic Surgeon")
        assert doctor == Doctor(city="West Palm Beach", specialty="Board Eligible Plastic Surgeon")
        assert len(warned(thread, "rating")) == 1

    def test_place_line_alone_between_answers(self):
        """A place-line-only card closes its answer; the next title starts the next one."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY,
            "Toronto Facial Plastic Surgeon", A2_TITLE, A2_BODY, OMAR_CARD, FOOTER,
        )
        thread = parse(page)
        toronto = Doctor(city="Toronto", specialty="Facial Plastic Surgeon")
        expected = [ans(1, A1_TITLE, A1_BODY, toronto), ans(2, A2_TITLE, A2_BODY, OMAR)]
        assert core(thread) == thread_of(expected, declared=2)
        assert len(warned(thread, "rating")) == 1

    def test_card_without_rating_between_answers(self):
        """A name + place card without rating closes its answer in the middle of a page."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY,
            "Jane Roe, MD\nBoston Plastic Surgeon", A2_TITLE, A2_BODY, OMAR_CARD, FOOTER,
        )
        thread = parse(page)
        jane = attrs.evolve(JANE, rating=None, reviews=None)
        expected = [ans(1, A1_TITLE, A1_BODY, jane), ans(2, A2_TITLE, A2_BODY, OMAR)]
        assert core(thread) == thread_of(expected, declared=2)
        assert len(warned(thread, "rating")) == 1

    def test_one_review(self):
        """'5.0 out of 5 stars 1 review' gives rating 5.0 and 1 review."""
        _, doctor = one_card_doctor(
            "Jane Roe, MD\nBoston Plastic Surgeon\n5.0 out of 5 stars 1 review"
        )
        assert doctor == attrs.evolve(JANE, rating=5.0, reviews=1)

    def test_hundreds_of_reviews(self):
        """A 3.0 rating with hundreds of reviews."""
        _, doctor = one_card_doctor(
            "Jane Roe, MD\nBoston Plastic Surgeon\n3.0 out of 5 stars 312 reviews"
        )
        assert doctor == attrs.evolve(JANE, rating=3.0, reviews=312)

    def test_rating_above_five_dropped(self):
        """A rating above 5 is dropped to None with a warning; the review count stays."""
        thread, doctor = one_card_doctor(
            "Jane Roe, MD\nBoston Plastic Surgeon\n7.5 out of 5 stars 14 reviews"
        )
        assert doctor == attrs.evolve(JANE, rating=None, reviews=14)
        assert thread.warnings != ()

    def test_negative_review_count_dropped(self):
        """A negative review count is dropped to None with a warning; the rating stays."""
        thread, doctor = one_card_doctor(
            "Jane Roe, MD\nBoston Plastic Surgeon\n4.5 out of 5 stars -3 reviews"
        )
        assert doctor == attrs.evolve(JANE, rating=4.5, reviews=None)
        assert thread.warnings != ()

    @pytest.mark.parametrize("place", ["Boston Chiropractor", "Lake Oswego Naturopathic Doctor"])
    def test_unknown_specialty_warns(self, place):
        """An unknown specialty warns ('specialty') and keeps the rest of the card."""
        thread, doctor = one_card_doctor(
            f"Jane Roe, MD\n{place}\n4.5 out of 5 stars 12 reviews"
        )
        assert doctor is not None
        assert (doctor.name, doctor.credentials, doctor.rating, doctor.reviews) == (
            "Jane Roe", ("MD",), 4.5, 12,
        )
        # Whatever the split, the city is not swallowed: the whole line is kept.
        assert " ".join(p for p in (doctor.city, doctor.specialty) if p) == place
        assert len(warned(thread, "specialty")) >= 1

    @pytest.mark.parametrize("specialty", SPECIALTIES)
    @pytest.mark.parametrize("city", CITIES)
    def test_city_and_specialty(self, city, specialty):
        """'<city> <specialty>' splits on the longest known specialty at the end."""
        thread, doctor = one_card_doctor(
            f"Jane Roe, MD\n{city} {specialty}\n4.5 out of 5 stars 12 reviews"
        )
        assert doctor == attrs.evolve(JANE, city=city, specialty=specialty)
        assert warned(thread, "specialty") == []

    @pytest.mark.parametrize(
        ("line", "city", "specialty"),
        [
            ("Panama City Facial Plastic Surgeon", "Panama City", "Facial Plastic Surgeon"),
            ("East Brunswick Plastic Surgeon", "East Brunswick", "Plastic Surgeon"),
            ("Lake Oswego Dermatologic Surgeon", "Lake Oswego", "Dermatologic Surgeon"),
            ("Beverly Hills Oculoplastic Surgeon", "Beverly Hills", "Oculoplastic Surgeon"),
            (
                "Raleigh-Durham Oral & Maxillofacial Surgeon",
                "Raleigh-Durham",
                "Oral & Maxillofacial Surgeon",
            ),
            ("New York General Surgeon", "New York", "General Surgeon"),
        ],
    )
    def test_place_line_examples(self, line, city, specialty):
        """Place lines from real pages split as the spec says."""
        _, doctor = one_card_doctor(f"{line}\n4.5 out of 5 stars 12 reviews")
        assert doctor == Doctor(city=city, specialty=specialty, rating=4.5, reviews=12)

    @pytest.mark.parametrize(
        ("line", "name", "credentials"),
        [
            ("Marla M. Klein, MD", "Marla M. Klein", ("MD",)),
            ("Hratch Karamanoukian, MD, FACS", "Hratch Karamanoukian", ("MD", "FACS")),
            ("David A. Bray, Sr., MD", "David A. Bray, Sr.", ("MD",)),
            ("Lane Smith, M.D.", "Lane Smith", ("M.D.",)),
            ("Dr. Miguel Mota", "Dr. Miguel Mota", ()),
            ("Miguel Mota", "Miguel Mota", ()),
            ("Jane Roe, MD", "Jane Roe", ("MD",)),
            ("Jane Roe, M.D.", "Jane Roe", ("M.D.",)),
            ("Jane Roe, DO", "Jane Roe", ("DO",)),
            ("Jane Roe, DDS", "Jane Roe", ("DDS",)),
            ("Jane Roe, DMD", "Jane Roe", ("DMD",)),
            ("Jane Roe, MD, FACS", "Jane Roe", ("MD", "FACS")),
            ("Jane Roe, MD, FAAD", "Jane Roe", ("MD", "FAAD")),
            ("Jane Roe, MD, FRCPC", "Jane Roe", ("MD", "FRCPC")),
            ("Jane Roe, MD, FRCSC", "Jane Roe", ("MD", "FRCSC")),
            ("Jane Roe, MD, PhD", "Jane Roe", ("MD", "PhD")),
            ("Jane Roe, PhD", "Jane Roe", ("PhD",)),
            ("Jane Roe, MD (retired)", "Jane Roe", ("MD (retired)",)),
            ("Jane Roe, DDS, MD", "Jane Roe", ("DDS", "MD")),
            ("Jane Roe, FACS", "Jane Roe", ("FACS",)),
        ],
    )
    def test_name_and_credentials(self, line, name, credentials):
        """The name line splits into the name as written and the credentials as written."""
        _, doctor = one_card_doctor(
            f"{line}\nBoston Plastic Surgeon\n4.5 out of 5 stars 12 reviews"
        )
        assert doctor == attrs.evolve(JANE, name=name, credentials=credentials)


class TestBadgesAndBylines:
    """The byline/badge paragraph above a card."""

    def test_byline_and_badge(self):
        """'Dr Roe' + 'RealSelf100 Member' above the card: badge to the doctor, byline dropped."""
        thread, doctor = one_card_doctor(
            JANE_CARD, before_card="Dr Roe\nRealSelf100 Member"
        )
        assert doctor == attrs.evolve(JANE, badges=("RealSelf100 Member",))

    def test_badge_alone(self):
        """A badge paragraph without a byline goes to the doctor's badges."""
        _, doctor = one_card_doctor(JANE_CARD, before_card="RealSelf100 Member")
        assert doctor == attrs.evolve(JANE, badges=("RealSelf100 Member",))

    def test_byline_and_badge_above_card_without_name(self):
        """The badge goes to a card that has no name line too."""
        _, doctor = one_card_doctor(
            "Buffalo Phlebologist\n4.8 out of 5 stars 41 reviews",
            before_card="Dr Karamanoukian\nRealSelf100 Member",
        )
        assert doctor == Doctor(
            city="Buffalo", specialty="Phlebologist", rating=4.8, reviews=41,
            badges=("RealSelf100 Member",),
        )

    def test_seed_style_karamanoukian(self):
        """The seed's last answer, on its own page, as a whole record."""
        page = paras(
            Q_TITLE, "Doctor Answers 1", "Botox in multiple sclerosis", A1_BODY,
            "Dr Karamanoukian\nRealSelf100 Member",
            "Hratch Karamanoukian, MD, FACS\nBuffalo Phlebologist\n4.8 out of 5 stars 41 reviews",
            FOOTER,
        )
        doctor = Doctor(
            name="Hratch Karamanoukian", credentials=("MD", "FACS"), city="Buffalo",
            specialty="Phlebologist", rating=4.8, reviews=41, badges=("RealSelf100 Member",),
        )
        expected = [ans(1, "Botox in multiple sclerosis", A1_BODY, doctor)]
        assert core(parse(page)) == thread_of(expected, body="", declared=1)


class TestMissingBlankAfterCard:
    """The next answer may start on the line right after a card."""

    def test_title_right_after_rating_line(self):
        """A title on the line after the rating line starts the next answer."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, JANE_CARD + "\n" + A2_TITLE,
            A2_BODY, OMAR_CARD, FOOTER,
        )
        assert core(parse(page)) == thread_of(TWO_ANSWERS, declared=2)

    def test_every_card_followed_directly(self):
        """Several cards each followed directly by the next title."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 3", A1_TITLE, A1_BODY, JANE_CARD + "\n" + A2_TITLE,
            A2_BODY, OMAR_CARD + "\n" + A3_TITLE, A3_BODY, LEE_CARD, FOOTER,
        )
        expected = [*TWO_ANSWERS, ans(3, A3_TITLE, A3_BODY, LEE)]
        assert core(parse(page)) == thread_of(expected, declared=3)


# --- whitespace and encodings ----------------------------------------------------------


class TestWhitespaceAndEncoding:
    """Line endings, BOM, final newline, NBSP, curly quotes, blank-line runs."""

    def test_crlf(self):
        """CRLF line endings parse the same as LF."""
        page = two_answer_page().replace("\n", "\r\n")
        assert core(parse(page)) == thread_of(TWO_ANSWERS, declared=2)

    def test_bom(self):
        """A leading BOM is not part of the title."""
        thread = parse("\ufeff" + two_answer_page())
        assert core(thread) == thread_of(TWO_ANSWERS, declared=2)

    def test_bom_and_crlf(self):
        """BOM and CRLF together."""
        thread = parse("\ufeff" + two_answer_page().replace("\n", "\r\n"))
        assert core(thread) == thread_of(TWO_ANSWERS, declared=2)

    def test_no_final_newline(self):
        """A page without a final newline loses nothing."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, JANE_CARD, A2_TITLE,
            A2_BODY, OMAR_CARD,
        ).rstrip("\n")
        assert core(parse(page)) == thread_of(TWO_ANSWERS, declared=2)

    def test_no_final_newline_unsigned_last(self):
        """An unsigned last answer without a final newline keeps its last word."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, JANE_CARD, A2_TITLE, A2_BODY
        ).rstrip("\n")
        expected = [ans(1, A1_TITLE, A1_BODY, JANE), ans(2, A2_TITLE, A2_BODY)]
        assert core(parse(page)) == thread_of(expected, declared=2)

    def test_nbsp_and_spaces_in_lines(self):
        """NBSP, tabs and spaces inside and around lines collapse; lines are stripped."""
        messy = (
            "  Botox works on the nerve endings in the muscle,\u00a0 so your neurologist"
            " should\tclear you before any cosmetic injection. \u00a0Fillers do not act on the"
            " nerves at all.\u00a0 "
        )
        page = paras(
            "  " + Q_TITLE + " ", " " + Q_BODY + "\u00a0", "  Doctor Answers 2  ",
            " " + A1_TITLE, messy,
            "  Jane Roe, MD \n Boston\u00a0Plastic Surgeon \n4.5 out of 5 stars 12 reviews\u00a0",
            A2_TITLE, A2_BODY, OMAR_CARD, FOOTER,
        )
        assert core(parse(page)) == thread_of(TWO_ANSWERS, declared=2)

    def test_blank_line_runs_and_space_only_lines(self):
        """Several blank lines, or lines of only spaces, separate paragraphs like one."""
        page = (
            f"{Q_TITLE}\n \n\n{Q_BODY}\n\n\n\nDoctor Answers 2\n\u00a0\n{A1_TITLE}\n\n\n"
            f"{A1_BODY}\n   \n{A3_BODY}\n\n\n{JANE_CARD}\n\t\n\n{A2_TITLE}\n\n{A2_BODY}\n\n"
            f"{OMAR_CARD}\n\n\n{FOOTER}\n\n\n"
        )
        expected = [
            ans(1, A1_TITLE, A1_BODY + "\n\n" + A3_BODY, JANE),
            ans(2, A2_TITLE, A2_BODY, OMAR),
        ]
        assert core(parse(page)) == thread_of(expected, declared=2)

    def test_curly_quotes_kept(self):
        """Curly quotes stay as written in titles and bodies."""
        title = "Is it \u201csafe\u201d to get Botox with MS?"
        body = (
            "It\u2019s fine if your neurologist says \u2018yes\u2019."
            " Fillers are \u201cokay\u201d too."
        )
        page = paras(title, Q_BODY, "Doctor Answers 1", "Botox \u2013 it\u2019s okay", body,
                     JANE_CARD, FOOTER)
        expected = [ans(1, "Botox \u2013 it\u2019s okay", body, JANE)]
        assert core(parse(page)) == thread_of(expected, title=title, declared=1)

    def test_multi_line_question_body(self):
        """A question body of two paragraphs, one spanning two lines, keeps its shape."""
        body = "I have MS.\nMy neurologist says Botox is fine.\n\nWho is right and why?"
        page = paras(Q_TITLE, body, "Doctor Answers 2", A1_TITLE, A1_BODY, JANE_CARD,
                     A2_TITLE, A2_BODY, OMAR_CARD, FOOTER)
        assert core(parse(page)) == thread_of(TWO_ANSWERS, body=body, declared=2)


# --- arguments -------------------------------------------------------------------------


class TestArguments:
    """thread_id and source arguments of parse_thread."""

    def test_thread_id_used(self):
        """thread_id becomes the thread's and its answers' id."""
        thread = parse_thread(two_answer_page(), thread_id="abc_1")
        assert thread.id == "abc_1"
        assert [a.id for a in thread.answers] == ["abc_1#1", "abc_1#2"]

    def test_source_recorded(self):
        """source is recorded on the thread."""
        thread = parse_thread(two_answer_page(), thread_id=TID, source="pages/x.txt")
        assert thread.source == "pages/x.txt"

    def test_without_thread_id(self):
        """Without thread_id the thread still gets a non-empty id."""
        thread = parse_thread(two_answer_page())
        assert isinstance(thread.id, str) and thread.id


# --- errors ----------------------------------------------------------------------------


class TestParseErrors:
    """ParseError is raised only for input that is not a thread at all."""

    @pytest.mark.parametrize(
        "text",
        ["", " ", "\n\n\n", " \t\r\n \u00a0\n", "\ufeff", "\ufeff\r\n\r\n"],
        ids=["empty", "space", "newlines", "mixed-space", "bom-only", "bom-crlf"],
    )
    def test_empty_or_whitespace(self, text):
        """Empty or whitespace-only text raises ParseError."""
        with pytest.raises(ParseError):
            parse(text)

    @pytest.mark.parametrize(
        "text",
        [
            "\x00",
            "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            two_answer_page()[:200] + "\x00" + two_answer_page()[200:],
        ],
        ids=["nul", "png-header", "nul-inside-page"],
    )
    def test_binary(self, text):
        """Text with NUL bytes is binary and raises ParseError."""
        with pytest.raises(ParseError):
            parse(text)

    @pytest.mark.parametrize(
        "text",
        [
            "Ask a doctor\n",
            VOTE + "\n",
            "Ask a doctor\n\n" + VOTE + "\n\n",
            FOOTER + "\n",
        ],
        ids=["ask-a-doctor", "vote-line", "site-lines", "footer-only"],
    )
    def test_no_question_title(self, text):
        """Text with only site lines, junk or the footer has no question title."""
        with pytest.raises(ParseError):
            parse(text)

    def test_header_first(self):
        """A page whose first real line is the answers header has no question title."""
        page = paras("Doctor Answers 2", A1_TITLE, A1_BODY, JANE_CARD, A2_TITLE, A2_BODY,
                     OMAR_CARD, FOOTER)
        with pytest.raises(ParseError):
            parse(page)

    def test_error_carries_source_and_line(self):
        """ParseError carries the source given and a line attribute; it is an MsqaError."""
        with pytest.raises(ParseError) as info:
            parse_thread("", thread_id=TID, source="empty.txt")
        assert info.value.source == "empty.txt"
        assert info.value.line is None or isinstance(info.value.line, int)
        assert isinstance(info.value, MsqaError)


# --- files -----------------------------------------------------------------------------


class TestReadThread:
    """read_thread: id from the stem, encodings."""

    def test_id_is_stem(self, tmp_path):
        """The id is the file stem and the source the path."""
        path = tmp_path / "my_thread-7.txt"
        path.write_text(two_answer_page(), encoding="utf-8")
        thread = read_thread(path)
        assert thread.id == "my_thread-7"
        assert [a.thread_id for a in thread.answers] == ["my_thread-7"] * 2
        assert thread.source is not None and Path(thread.source).name == "my_thread-7.txt"

    def test_str_path(self, tmp_path):
        """A str path works like a Path."""
        path = tmp_path / "t.txt"
        path.write_text(two_answer_page(), encoding="utf-8")
        assert core(read_thread(str(path))) == thread_of(TWO_ANSWERS, declared=2)

    def test_bom_crlf_file(self, tmp_path):
        """A UTF-8 file with BOM and CRLF reads like the plain seed."""
        seed = SEEDS / "001_7bed0a8b883f696a.txt"
        path = tmp_path / seed.name
        text = seed.read_text(encoding="utf-8").replace("\n", "\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
        assert core(read_thread(path)) == core(read_thread(seed))

    def test_no_final_newline_file(self, tmp_path):
        """A file without a final newline reads the same."""
        path = tmp_path / "t.txt"
        path.write_text(two_answer_page().rstrip("\n"), encoding="utf-8")
        assert core(read_thread(path)) == thread_of(TWO_ANSWERS, declared=2)

    def test_cp1252_file(self, tmp_path):
        """Invalid UTF-8 is decoded as cp1252, with a warning that says 'cp1252'."""
        body = "It\u2019s safe to have a caf\u00e9 after Botox \u2013 really."
        page = paras(Q_TITLE, Q_BODY, "Doctor Answers 1", A1_TITLE, body, JANE_CARD, FOOTER)
        path = tmp_path / "t.txt"
        path.write_bytes(page.encode("cp1252"))
        thread = read_thread(path)
        assert core(thread) == thread_of([ans(1, A1_TITLE, body, JANE)], declared=1)
        assert len(warned(thread, "cp1252")) == 1

    def test_utf8_file_has_no_cp1252_warning(self, tmp_path):
        """A valid UTF-8 file is not reported as cp1252."""
        path = tmp_path / "t.txt"
        path.write_text(two_answer_page().replace("lines", "lines \u2019"), encoding="utf-8")
        assert warned(read_thread(path), "cp1252") == []

    def test_binary_file(self, tmp_path):
        """A binary file raises ParseError naming the file."""
        path = tmp_path / "image.txt"
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
        with pytest.raises(ParseError) as info:
            read_thread(path)
        assert info.value.source is not None and "image.txt" in info.value.source

    def test_empty_file(self, tmp_path):
        """An empty file raises ParseError naming the file."""
        path = tmp_path / "empty.txt"
        path.write_bytes(b"")
        with pytest.raises(ParseError) as info:
            read_thread(path)
        assert info.value.source is not None and "empty.txt" in info.value.source


class TestReadThreads:
    """read_threads: folders, order, and problems reported while the rest go on."""

    def _write(self, path: Path, text: str | bytes) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def test_folder_recursive_sorted_txt_only(self, tmp_path):
        """A folder is searched recursively for *.txt, in sorted order; other files ignored."""
        self._write(tmp_path / "b.txt", two_answer_page())
        self._write(tmp_path / "a.txt", two_answer_page())
        self._write(tmp_path / "sub" / "c.txt", two_answer_page())
        self._write(tmp_path / "notes.md", "not a thread")
        problems: list[Problem] = []
        threads = read_threads([tmp_path], on_problem=problems.append)
        assert problems == []
        assert [t.id for t in threads] == ["a", "b", "c"]

    def test_files_and_folders_mixed(self, tmp_path):
        """Files and folders may be mixed in one call."""
        one = self._write(tmp_path / "one" / "x.txt", two_answer_page())
        self._write(tmp_path / "two" / "y.txt", two_answer_page())
        threads = read_threads([one, tmp_path / "two"])
        assert [t.id for t in threads] == ["x", "y"]

    def test_skips_and_reports_problems(self, tmp_path):
        """A non-thread file and a missing path are reported; good threads still come back."""
        self._write(tmp_path / "a.txt", two_answer_page())
        empty = self._write(tmp_path / "b_empty.txt", "   \n\n")
        binary = self._write(tmp_path / "c_binary.txt", b"\x00\x01\x02\xff\xfe")
        self._write(tmp_path / "d.txt", two_answer_page())
        missing = tmp_path / "nowhere" / "gone.txt"
        problems: list[Problem] = []
        threads = read_threads([tmp_path, missing], on_problem=problems.append)
        assert [t.id for t in threads] == ["a", "d"]
        assert all(isinstance(p, Problem) for p in problems)
        assert sorted(p.path for p in problems) == sorted(
            [str(empty), str(binary), str(missing)]
        )
        for problem in problems:
            assert isinstance(problem.message, str) and problem.message

    def test_missing_path_only(self, tmp_path):
        """A missing path alone gives no threads and one problem."""
        missing = tmp_path / "missing.txt"
        problems: list[Problem] = []
        assert read_threads([missing], on_problem=problems.append) == []
        assert [p.path for p in problems] == [str(missing)]

    def test_seeds_plus_bad_file(self, tmp_path):
        """A bad file next to the seeds does not stop them being read."""
        bad = self._write(tmp_path / "bad.txt", "")
        problems: list[Problem] = []
        threads = read_threads([SEEDS, bad], on_problem=problems.append)
        assert [t.id for t in threads] == ["000_19f0a23f49198bfd", "001_7bed0a8b883f696a"]
        assert [p.path for p in problems] == [str(bad)]


# --- records ---------------------------------------------------------------------------


class TestRecordConversion:
    """to_dict / from_dict on parsed threads."""

    @pytest.mark.parametrize("name", ["000_19f0a23f49198bfd.txt", "001_7bed0a8b883f696a.txt"])
    def test_seed_round_trip(self, name):
        """from_dict(Thread, to_dict(seed)) gives back the parsed seed."""
        thread = read_thread(SEEDS / name)
        assert from_dict(Thread, to_dict(thread)) == thread

    @pytest.mark.parametrize("name", ["000_19f0a23f49198bfd.txt", "001_7bed0a8b883f696a.txt"])
    def test_seed_json_round_trip(self, name):
        """A parsed seed survives json.dumps / json.loads through to_dict / from_dict."""
        thread = read_thread(SEEDS / name)
        text = json.dumps(to_dict(thread))
        assert from_dict(Thread, json.loads(text)) == thread

    def test_warnings_and_missing_parts_round_trip(self):
        """A thread with warnings, an unsigned answer and a card without rating round-trips."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 3", A1_TITLE, A1_BODY,
            A2_TITLE, A2_BODY, "Jane Roe, MD\nBoston Plastic Surgeon",
        )
        thread = parse(page)
        assert thread.warnings != ()
        again = from_dict(Thread, json.loads(json.dumps(to_dict(thread))))
        assert again == thread

    def test_to_dict_shape(self):
        """to_dict gives plain data: lists for tuples, None for missing parts."""
        data = to_dict(parse(two_answer_page()))
        assert data["declared_answers"] == 2
        assert data["answers"][0]["doctor"]["credentials"] == ["MD"]
        assert data["answers"][0]["doctor"]["badges"] == []
        assert data["answers"][1]["doctor"]["rating"] == 4.9
        json.dumps(data)
