"""The spec's "Combinations and further variants", one synthetic thread each.

Every test compares the whole parsed thread (every field of every answer), and the
``cut`` / ``complete`` flags, which records do not compare.
"""

from __future__ import annotations

import attrs
import pytest
from test_parse_variants import (
    A1_BODY,
    A1_TITLE,
    A2_BODY,
    A2_TITLE,
    A3_BODY,
    A3_TITLE,
    FOOTER,
    JANE,
    JANE_CARD,
    OMAR,
    OMAR_CARD,
    Q_BODY,
    Q_TITLE,
    VOTE,
    ans,
    core,
    paras,
    parse,
    thread_of,
    warned,
)

from msqa_search import Doctor, ParseError, Thread

RATELESS_JANE = attrs.evolve(JANE, rating=None, reviews=None)
TORONTO = Doctor(city="Toronto", specialty="Facial Plastic Surgeon")


def flags(thread: Thread) -> tuple[bool, list[bool]]:
    """The thread's ``complete`` flag and each answer's ``cut`` flag."""
    return thread.complete, [a.cut for a in thread.answers]


class TestCardWithoutRatingRunsOn:
    """A card with no rating line followed on the very next line by the next answer."""

    def test_place_line_then_next_title(self):
        """A place line alone, then the next title on the next line: the card closes answer 1."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY,
            "Toronto Facial Plastic Surgeon\n" + A2_TITLE, A2_BODY, OMAR_CARD, FOOTER,
        )
        thread = parse(page)
        expected = [ans(1, A1_TITLE, A1_BODY, TORONTO), ans(2, A2_TITLE, A2_BODY, OMAR)]
        assert core(thread) == thread_of(expected, declared=2)
        assert flags(thread) == (True, [False, False])

    def test_name_and_place_then_next_body(self):
        """Name + place, then the next (untitled) answer's first paragraph on the next line."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY,
            "Jane Roe, MD\nBoston Plastic Surgeon\n" + A2_BODY, OMAR_CARD, FOOTER,
        )
        expected = [ans(1, A1_TITLE, A1_BODY, RATELESS_JANE), ans(2, "", A2_BODY, OMAR)]
        assert core(parse(page)) == thread_of(expected, declared=2)

    def test_every_card_rateless_and_run_on_without_count(self):
        """Five answers whose rateless cards run into the next title, on a page without count."""
        doctors = [Doctor(city=c, specialty="Dermatologist") for c in ("Miami", "Tucson", "Albany", "Reno", "Aventura")]
        titles = [f"Answer number {w} about Botox" for w in ("one", "two", "three", "four", "five")]
        blocks = [Q_TITLE, Q_BODY, titles[0]]
        for k in range(5):
            blocks.append(A1_BODY)
            place = f"{doctors[k].city} Dermatologist"
            blocks.append(place + ("\n" + titles[k + 1] if k < 4 else ""))
        blocks.append(FOOTER)
        thread = parse(paras(*blocks))
        expected = [ans(k + 1, titles[k], A1_BODY, doctors[k]) for k in range(5)]
        assert core(thread) == thread_of(expected)
        assert len(warned(thread, "rating")) == 5


class TestSignOffBlocks:
    """A doctor-typed sign-off block above the real card belongs to that answer."""

    def test_name_with_credentials_above_the_same_card(self):
        """'Jane Roe, MD, FACS' above Jane's card is not a new answer; it joins the card."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, "Jane Roe, MD, FACS",
            JANE_CARD, A2_TITLE, A2_BODY, OMAR_CARD, FOOTER,
        )
        thread = parse(page)
        expected = [ans(1, A1_TITLE, A1_BODY, JANE), ans(2, A2_TITLE, A2_BODY, OMAR)]
        assert core(thread) == thread_of(expected, declared=2)
        assert thread.warnings == ()

    def test_name_with_credentials_above_a_card_without_name(self):
        """A typed name with credentials above a card without a name line names the doctor."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 1", A1_TITLE, A1_BODY, A2_BODY,
            "Martin Klein, MD, FRCSC", "Toronto Plastic Surgeon\n4.9 out of 5 stars 86 reviews",
            FOOTER,
        )
        klein = Doctor(name="Martin Klein", credentials=("MD", "FRCSC"), city="Toronto",
                       specialty="Plastic Surgeon", rating=4.9, reviews=86)
        expected = [ans(1, A1_TITLE, A1_BODY + "\n\n" + A2_BODY, klein)]
        assert core(parse(page)) == thread_of(expected, declared=1)

    def test_place_paragraph_above_the_card(self):
        """A 'Las Vegas Plastic Surgeon' paragraph above the same card is neither an answer nor body."""
        vegas = "Jane Roe, MD\nLas Vegas Plastic Surgeon\n4.5 out of 5 stars 12 reviews"
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, "Las Vegas Plastic Surgeon",
            vegas, A2_TITLE, A2_BODY, OMAR_CARD, FOOTER,
        )
        thread = parse(page)
        expected = [ans(1, A1_TITLE, A1_BODY, attrs.evolve(JANE, city="Las Vegas")),
                    ans(2, A2_TITLE, A2_BODY, OMAR)]
        assert core(thread) == thread_of(expected, declared=2)
        assert warned(thread, "declares") == []

    def test_name_and_place_block_above_the_card(self):
        """'Jane Roe MD, FACS / Boston Plastic Surgeon' above Jane's full card joins it."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, A2_TITLE, A2_BODY,
            "Jane Roe MD, FACS\nBoston Plastic Surgeon", JANE_CARD, FOOTER,
        )
        thread = parse(page)
        expected = [ans(1, A1_TITLE, A1_BODY), ans(2, A2_TITLE, A2_BODY, JANE)]
        assert core(thread) == thread_of(expected, declared=2)
        assert warned(thread, "rating") == []

    def test_signature_inside_the_last_paragraph(self):
        """'Jane Roe MD  Boston Plastic Surgeon.' inside the last paragraph stays body text."""
        body = A1_BODY + "\nJane Roe MD  Boston Plastic Surgeon."
        page = paras(Q_TITLE, Q_BODY, "Doctor Answers 1", A1_TITLE, body, JANE_CARD, FOOTER)
        expected = [ans(1, A1_TITLE, A1_BODY + "\nJane Roe MD Boston Plastic Surgeon.", JANE)]
        assert core(parse(page)) == thread_of(expected, declared=1)

    def test_different_place_above_the_card_stays_in_body(self):
        """A place line that is not the card's stays in the body, with a warning."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 1", A1_TITLE, A1_BODY, "Toronto Facial Plastic Surgeon",
            JANE_CARD, FOOTER,
        )
        thread = parse(page)
        expected = [ans(1, A1_TITLE, A1_BODY + "\n\nToronto Facial Plastic Surgeon", JANE)]
        assert core(thread) == thread_of(expected, declared=1)
        assert len(warned(thread, "second card")) == 1


class TestUnsignedWithoutCount:
    """Unsigned answers on a page with no declared count: boundaries from the text."""

    @pytest.mark.parametrize("header", [None, "Doctor Answers"])
    def test_titles_and_a_neighbouring_card(self, header):
        """Two unsigned answers, then a signed one; no count to help."""
        blocks = [Q_TITLE, Q_BODY] + ([header] if header else [])
        blocks += [A1_TITLE, A1_BODY, A2_TITLE, A2_BODY, A3_TITLE, A3_BODY, OMAR_CARD, FOOTER]
        thread = parse(paras(*blocks))
        expected = [ans(1, A1_TITLE, A1_BODY), ans(2, A2_TITLE, A2_BODY), ans(3, A3_TITLE, A3_BODY, OMAR)]
        assert core(thread) == thread_of(expected)
        assert len(warned(thread, "text alone")) == 1

    def test_greeting_opens_the_next_untitled_answer(self):
        """'Dear Dermaqueen' after a finished paragraph starts the next answer."""
        page = paras(Q_TITLE, Q_BODY, "Doctor Answers", A1_TITLE, A1_BODY, "Dear Dermaqueen", A2_BODY, FOOTER)
        expected = [ans(1, A1_TITLE, A1_BODY), ans(2, "", "Dear Dermaqueen\n\n" + A2_BODY)]
        assert core(parse(page)) == thread_of(expected)


class TestCutMidCard:
    """Copies that stop inside the last card: the partial card is still the doctor's."""

    @pytest.mark.parametrize(
        ("rating_line", "rating", "reviews"),
        [
            ("4.9 out of 5 stars 195", 4.9, None),
            ("4.8 out of 5 s", 4.8, None),
            ("4.8 out of 5 stars 26 revi", 4.8, 26),
            ("4", None, None),
        ],
    )
    def test_inside_the_rating_line(self, rating_line, rating, reviews):
        """Name, place and what can be read of the rating belong to the doctor."""
        page = paras(Q_TITLE, Q_BODY, "Doctor Answers 5", A1_TITLE, A1_BODY, JANE_CARD, A2_TITLE,
                     A2_BODY)[:-1] + "\n\nOmar Haddad, DO\nChicago Dermatologist\n" + rating_line
        thread = parse(page)
        omar = attrs.evolve(OMAR, rating=rating, reviews=reviews)
        expected = [ans(1, A1_TITLE, A1_BODY, JANE), ans(2, A2_TITLE, A2_BODY, omar)]
        assert core(thread) == thread_of(expected, declared=5)
        assert flags(thread) == (False, [False, True])

    def test_after_the_place_line(self):
        """A copy that stops after the place line: the card has no rating, the answer is cut."""
        page = paras(Q_TITLE, Q_BODY, "Doctor Answers 3", A1_TITLE, A1_BODY, "Chicago Dermatologist")[:-1]
        thread = parse(page)
        expected = [ans(1, A1_TITLE, A1_BODY, Doctor(city="Chicago", specialty="Dermatologist"))]
        assert core(thread) == thread_of(expected, declared=3)
        assert flags(thread) == (False, [True])
        assert warned(thread, "rating") == []

    def test_full_card_then_nothing(self):
        """A copy that stops right after a whole card: incomplete, but no answer is cut."""
        page = paras(Q_TITLE, Q_BODY, "Doctor Answers 3", A1_TITLE, A1_BODY, JANE_CARD)
        thread = parse(page)
        assert core(thread) == thread_of([ans(1, A1_TITLE, A1_BODY, JANE)], declared=3)
        assert flags(thread) == (False, [False])

    def test_ends_on_a_bare_title(self):
        """A cut copy can end on the next answer's title alone."""
        page = paras(Q_TITLE, Q_BODY, "Doctor Answers 4", A1_TITLE, A1_BODY, JANE_CARD, A2_TITLE)
        thread = parse(page)
        expected = [ans(1, A1_TITLE, A1_BODY, JANE), ans(2, A2_TITLE, "")]
        assert core(thread) == thread_of(expected, declared=4)
        assert flags(thread) == (False, [False, True])

    def test_ends_inside_the_vote_line(self):
        """A copy cut inside the vote template after a title."""
        page = paras(Q_TITLE, Q_BODY, "Doctor Answers 4", A1_TITLE, VOTE, A1_BODY, JANE_CARD,
                     A2_TITLE) + VOTE[:20]
        thread = parse(page)
        expected = [ans(1, A1_TITLE, A1_BODY, JANE), ans(2, A2_TITLE, "")]
        assert core(thread) == thread_of(expected, declared=4)
        assert flags(thread) == (False, [False, True])


class TestTitles:
    """Title endings, and untitled answers opening with a one-line paragraph."""

    @pytest.mark.parametrize("title", ["Botox can wait a little...", "Swelling after fillers (photo)",
                                       "Bruising after Botox (Photos)"])
    def test_title_endings(self, title):
        """Titles ending '...', '(photo)' or '(Photos)' are titles."""
        page = paras(Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, JANE_CARD, title,
                     A2_BODY, OMAR_CARD, FOOTER)
        expected = [ans(1, A1_TITLE, A1_BODY, JANE), ans(2, title, A2_BODY, OMAR)]
        assert core(parse(page)) == thread_of(expected, declared=2)

    def test_untitled_answer_opening_with_a_greeting_line(self):
        """'Hello Excelsior,' opening an untitled answer is body, not a title."""
        body = "Hello Excelsior,\n\n" + A2_BODY
        page = paras(Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, JANE_CARD, body,
                     OMAR_CARD, FOOTER)
        expected = [ans(1, A1_TITLE, A1_BODY, JANE), ans(2, "", body, OMAR)]
        assert core(parse(page)) == thread_of(expected, declared=2)


BOILERPLATE = ("Get the real deal on beauty treatments\u2014real doctors, real reviews, and real photos"
               " with real results.Here's how we earn your trust.")


class TestNoQuestion:
    """Pages that hold answers but no question: an empty title, a warning, every answer kept."""

    def test_answer_bodies_one_per_line(self):
        """Answer bodies one per line, sentences run together, no blank lines."""
        one = "Hello,There is no need to worry about the swelling. It goes down in two weeks."
        two = A1_BODY
        three = "Best wishes,Fillers are safe with MS " + A2_BODY
        thread = parse(f"{one}\n{two}\n{three}")
        expected = [ans(1, "", one), ans(2, "", two), ans(3, "", three)]
        assert core(thread) == thread_of(expected, title="", body="")
        assert len(warned(thread, "one per line")) == 1
        assert flags(thread) == (False, [False, False, True])

    def test_single_long_answer(self):
        """A page that is one long answer paragraph is that answer, not a title."""
        body = " ".join([A1_BODY, A2_BODY, A3_BODY])
        thread = parse(body)
        assert core(thread) == thread_of([ans(1, "", body)], title="", body="")
        assert len(warned(thread, "no question title")) == 1

    def test_site_boilerplate_then_answers(self):
        """The site boilerplate line is never the title; the answers under it are kept."""
        thread = parse(f"{BOILERPLATE}\n{A1_BODY}\n{A2_BODY}")
        assert core(thread) == thread_of([ans(1, "", A1_BODY), ans(2, "", A2_BODY)], title="", body="")

    def test_question_body_without_title(self):
        """A long question paragraph with no title, then answers: empty title, the body kept."""
        question = " ".join([Q_BODY] * 3)
        page = paras(question, A1_TITLE, A1_BODY, JANE_CARD, A2_TITLE, A2_BODY, OMAR_CARD, FOOTER)
        thread = parse(page)
        expected = [ans(1, A1_TITLE, A1_BODY, JANE), ans(2, A2_TITLE, A2_BODY, OMAR)]
        assert core(thread) == thread_of(expected, title="", body=question)
        assert len(warned(thread, "no question title")) == 1


class TestSiteLinesAndOldLayouts:
    """Site lines, rendered vote counts and the old 'Answer:' layout."""

    def test_ask_a_doctor_you_might_also_like_and_rendered_votes(self):
        """'Ask a doctor' first, '+1' votes after titles, 'You might also like...' between answers."""
        page = "Ask a doctor\n" + paras(
            Q_TITLE, Q_BODY, "Doctor Answers (2)", A1_TITLE + "\n+1", A1_BODY, JANE_CARD,
            "You might also like...", A2_TITLE + "\n+2", A2_BODY, OMAR_CARD, FOOTER,
        )
        expected = [ans(1, A1_TITLE, A1_BODY, JANE), ans(2, A2_TITLE, A2_BODY, OMAR)]
        assert core(parse(page)) == thread_of(expected, declared=2)

    def test_answer_prefix_helpful_line_and_repeated_answer(self):
        """'Answer: <title>' and 'Helpful 3 people...' lines; the repeated answer is kept once."""
        question = " ".join([Q_BODY] * 3)
        block = f"Answer: {A1_TITLE}\n{A1_BODY}\nHelpful 3 people found this helpful"
        page = f"{question}\n{block}\n{block}\nAnswer: {A2_TITLE}\n{A2_BODY}\n"
        thread = parse(page)
        expected = [ans(1, A1_TITLE, A1_BODY), ans(2, A2_TITLE, A2_BODY)]
        assert core(thread) == thread_of(expected, title="", body=question)
        assert len(warned(thread, "repeats answer 1")) == 1


class TestNameSlotAndPlaces:
    """Lines in the name slot that are not names; places that are countries or regions."""

    @pytest.mark.parametrize("line", ["Board Certified Plastic Surgeon", "From MIAMI Dr. B"])
    def test_non_name_line_above_place_line(self, line):
        """A non-name line above the place line stays in the body; the card has no name."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 1", A1_TITLE, A1_BODY,
            f"{line}\nMiami Plastic Surgeon\n5.0 out of 5 stars 93 reviews", FOOTER,
        )
        doctor = Doctor(city="Miami", specialty="Plastic Surgeon", rating=5.0, reviews=93)
        expected = [ans(1, A1_TITLE, A1_BODY + "\n\n" + line, doctor)]
        assert core(parse(page)) == thread_of(expected, declared=1)

    @pytest.mark.parametrize("city", ["India", "Turkey", "Mexico", "Washington DC"])
    def test_country_or_region_as_city(self, city):
        """'India Plastic Surgeon' reads city 'India'."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 1", A1_TITLE, A1_BODY,
            f"Ajay Rao, MD\n{city} Plastic Surgeon\n5.0 out of 5 stars 227 reviews", FOOTER,
        )
        doctor = Doctor(name="Ajay Rao", credentials=("MD",), city=city, specialty="Plastic Surgeon",
                        rating=5.0, reviews=227)
        assert core(parse(page)) == thread_of([ans(1, A1_TITLE, A1_BODY, doctor)], declared=1)


class TestRepeatedAnswers:
    """Identical answers in one page are kept once, with a warning."""

    def test_same_doctor_same_text(self):
        """The same card under the same text (white space aside) twice: one answer."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 3", A1_TITLE, A1_BODY, JANE_CARD, A1_TITLE,
            A1_BODY.replace(" ", "  ", 3), JANE_CARD, A2_TITLE, A2_BODY, OMAR_CARD, FOOTER,
        )
        thread = parse(page)
        expected = [ans(1, A1_TITLE, A1_BODY, JANE), ans(2, A2_TITLE, A2_BODY, OMAR)]
        assert core(thread) == thread_of(expected, declared=3)
        assert len(warned(thread, "repeats answer 1")) == 1

    def test_same_text_other_doctor_kept(self):
        """The same text under two different cards is two answers."""
        page = paras(
            Q_TITLE, Q_BODY, "Doctor Answers 2", A1_TITLE, A1_BODY, JANE_CARD, A1_TITLE,
            A1_BODY, OMAR_CARD, FOOTER,
        )
        expected = [ans(1, A1_TITLE, A1_BODY, JANE), ans(2, A1_TITLE, A1_BODY, OMAR)]
        assert core(parse(page)) == thread_of(expected, declared=2)


class TestRepeatedAnswerCutShort:
    """The old layout's repeated answer, cut short by the end of the copy."""

    def test_cut_repeat_is_kept_once(self):
        """A last answer that repeats the start of an earlier one (same doctor) is dropped."""
        question = " ".join([Q_BODY] * 3)
        page = (f"{question}\nAnswer: {A1_TITLE}\n{A1_BODY}\nHelpful 3 people found this helpful\n"
                f"Answer: {A1_TITLE}\n{A1_BODY[:60]}")
        thread = parse(page)
        assert core(thread) == thread_of([ans(1, A1_TITLE, A1_BODY)], title="", body=question)
        assert len(warned(thread, "repeats answer 1")) == 1


class TestPatientStory:
    """A review page (a patient's own story) is not a thread; answers-only pages are."""

    STORY = (
        "My Eyelid Story, Six Weeks On\n\n"
        + " ".join(
            f"On day {n} I woke up and my left lid felt heavy, so I called my injector and"
            " I told my husband I was worried."
            for n in range(1, 5)
        )
        + "\n\nI am sharing this so I can remember my progress and my mood each week.\n"
    )

    def test_first_person_story_is_refused(self):
        """No header, card or marker, first person throughout: ParseError naming why."""
        with pytest.raises(ParseError, match="not a question thread: a story told in the first person"):
            parse(self.STORY)

    def test_answers_addressing_the_patient_are_kept(self):
        """The same length of text speaking to 'you' is read as answers."""
        text = self.STORY.replace("I ", "you ").replace("my ", "your ")
        thread = parse(text)
        assert thread.answers
