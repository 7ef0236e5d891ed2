"""The two seed threads parse exactly as seed-expectations.json says."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import attrs
import pytest

from msqa_search import Doctor, Thread, format_thread, parse_thread, read_thread, read_threads

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
EXPECTATIONS = json.loads(
    (Path(__file__).resolve().parent / "seed-expectations.json").read_text(encoding="utf-8")
)
THREADS = EXPECTATIONS["threads"]
ANSWERS = [(t, a) for t in THREADS for a in t["answers"]]

# Warnings the spec ties to a defect the seeds do not have.
DEFECT_WORDS = ("declares", "rating", "specialty", "cp1252")


def collapse(text: str) -> str:
    """Collapse every run of whitespace (NBSP and newlines included) to one space, strip."""
    return re.sub(r"\s+", " ", text).strip()


@functools.cache
def parsed(file: str) -> Thread:
    """The seed thread read from disk, parsed once per test session."""
    return read_thread(SEEDS / file)


def expected_doctor(data: dict | None) -> Doctor | None:
    """The Doctor record the JSON describes."""
    if data is None:
        return None
    return Doctor(
        name=data["name"],
        credentials=tuple(data["credentials"]),
        city=data["city"],
        specialty=data["specialty"],
        rating=data["rating"],
        reviews=data["reviews"],
        badges=tuple(data["badges"]),
    )


class TestSeedThreads:
    """Thread-level fields of each seed."""

    @pytest.mark.parametrize("exp", THREADS, ids=[t["id"] for t in THREADS])
    def test_id_is_file_stem(self, exp):
        """The thread id is the file's stem."""
        assert parsed(exp["file"]).id == exp["id"]

    @pytest.mark.parametrize("exp", THREADS, ids=[t["id"] for t in THREADS])
    def test_title(self, exp):
        """The question title is exactly the page's first line."""
        thread = parsed(exp["file"])
        assert collapse(thread.title) == collapse(exp["title"])
        assert thread.title == exp["title"]

    @pytest.mark.parametrize("exp", THREADS, ids=[t["id"] for t in THREADS])
    def test_body(self, exp):
        """The question body is the text between title and header ('' when absent)."""
        assert parsed(exp["file"]).body == exp["body"]

    @pytest.mark.parametrize("exp", THREADS, ids=[t["id"] for t in THREADS])
    def test_declared_answers(self, exp):
        """declared_answers is the number the header states."""
        assert parsed(exp["file"]).declared_answers == exp["declared_answers"]

    @pytest.mark.parametrize("exp", THREADS, ids=[t["id"] for t in THREADS])
    def test_answer_count(self, exp):
        """Every answer on the page is found, no more."""
        assert len(parsed(exp["file"]).answers) == len(exp["answers"])

    @pytest.mark.parametrize("exp", THREADS, ids=[t["id"] for t in THREADS])
    def test_no_defect_warnings(self, exp):
        """A clean seed page raises none of the warnings the spec ties to defects."""
        warnings = parsed(exp["file"]).warnings
        assert [w for w in warnings if any(word in w for word in DEFECT_WORDS)] == []

    @pytest.mark.parametrize("exp", THREADS, ids=[t["id"] for t in THREADS])
    def test_source_is_the_file(self, exp):
        """read_thread records the file it read as the thread's source."""
        source = parsed(exp["file"]).source
        assert source is not None
        assert Path(source).name == exp["file"]

    @pytest.mark.parametrize("exp", THREADS, ids=[t["id"] for t in THREADS])
    def test_no_junk_in_any_text(self, exp):
        """No footer, vote template or byline text ends up in a title or a body."""
        thread = parsed(exp["file"])
        texts = [thread.title, thread.body] + [
            t for a in thread.answers for t in (a.title, a.body)
        ]
        for text in texts:
            assert "These answers are for educational purposes" not in text
            assert "voteCount" not in text
            assert "RealSelf100 Member" not in text
            assert "Dr Karamanoukian" not in text
            assert "out of 5 stars" not in text


def _answer_id(pair) -> str:
    thread, answer = pair
    return f"{thread['id']}#{answer['position']}"


@pytest.mark.parametrize("pair", ANSWERS, ids=[_answer_id(p) for p in ANSWERS])
class TestSeedAnswers:
    """Every field of every seed answer, one test id per answer."""

    def _actual(self, pair):
        exp_thread, exp = pair
        thread = parsed(exp_thread["file"])
        assert len(thread.answers) >= exp["position"], "answer missing"
        return thread, thread.answers[exp["position"] - 1], exp

    def test_identity(self, pair):
        """The answer belongs to its thread at its 1-based position."""
        thread, answer, exp = self._actual(pair)
        assert (answer.thread_id, answer.position) == (thread.id, exp["position"])
        assert answer.id == f"{thread.id}#{exp['position']}"

    def test_title(self, pair):
        """The answer title matches (after collapsing whitespace)."""
        _, answer, exp = self._actual(pair)
        assert collapse(answer.title) == collapse(exp["title"])

    def test_body_starts(self, pair):
        """The body starts with the expected text (after collapsing whitespace)."""
        _, answer, exp = self._actual(pair)
        assert collapse(answer.body).startswith(collapse(exp["body_starts"])), answer.body

    def test_body_ends(self, pair):
        """The body ends with the expected text (after collapsing whitespace)."""
        _, answer, exp = self._actual(pair)
        assert collapse(answer.body).endswith(collapse(exp["body_ends"])), answer.body

    def test_paragraphs(self, pair):
        """The body keeps the page's paragraphs, separated by one blank line."""
        _, answer, exp = self._actual(pair)
        assert len(answer.body.split("\n\n")) == exp["paragraphs"], answer.body

    def test_doctor(self, pair):
        """The doctor card is exactly as expected (None for an unsigned answer)."""
        _, answer, exp = self._actual(pair)
        assert answer.doctor == expected_doctor(exp["doctor"])


class TestSeedBodiesNormalised:
    """Spot checks of the body normalisation on real text."""

    def test_nbsp_and_trailing_space_removed(self):
        """NBSP runs collapse to one space and lines are stripped."""
        answer = parsed("000_19f0a23f49198bfd.txt").answers[1]
        assert answer.body == (
            "When Botox originally came out there was some theoretical concern that it might"
            " have adverse effects in Multiple sclerosis patients. In the current day,"
            " multiple sclerosis patients are safely receiving Botox treatments for"
            " spasticty issues, in much higher doses than we use for cosmetic treatments."
            "\n\n"
            "No, to the best of my knowledge, there is no evidence that MS patients have"
            " antibodies that cause them to reject Botox or other cosmetic treatments."
        )

    def test_lines_of_a_paragraph_joined_by_newline(self):
        """A paragraph spread over several lines keeps its line breaks."""
        answer = parsed("000_19f0a23f49198bfd.txt").answers[7]
        assert answer.body == (
            "Botox is used in multiple sclerosis to treat muscular spasms as a result of the"
            " disease.\nLarge muscle spasms need large doses.\n"
            "Botox can be used safely for cosmetic reasons also."
        )

    def test_curly_apostrophe_kept(self):
        """Curly quotes are kept as written."""
        answer = parsed("000_19f0a23f49198bfd.txt").answers[0]
        assert "it\u2019s better to be safe" in answer.body
        assert "\u00a0" not in answer.body

    def test_unsigned_answer_split_from_next(self):
        """The unsigned answer 3 of seed 001 ends where 'Your dermatologist...' begins."""
        thread = parsed("001_7bed0a8b883f696a.txt")
        assert thread.answers[2].doctor is None
        assert thread.answers[2].body.endswith(
            "the consequences of an effect could be so significant I would avoid it"
            " altogether."
        )
        assert thread.answers[3].title == "Your dermatologist is being conservative"
        assert thread.answers[3].body.startswith("Dear Youngatheart,\n\nMy father use to say")

    def test_short_first_paragraph_stays_in_body(self):
        """'Take heart, Youngatheart, take heart...' is body text, not a title."""
        answer = parsed("001_7bed0a8b883f696a.txt").answers[0]
        assert answer.title == "MS patients cleared by neurologist for Botox Cosmetic"
        assert answer.body.split("\n\n")[0] == "Take heart, Youngatheart, take heart..."

    def test_greeting_line_inside_paragraph(self):
        """'Dear Young,' stays the first line of the last answer's single paragraph."""
        answer = parsed("001_7bed0a8b883f696a.txt").answers[6]
        assert answer.body.startswith("Dear Young,\nYour dermatologist is correct")
        assert answer.body.endswith("Good luck!")


class TestSeedsFolder:
    """read_threads over the seeds folder."""

    def test_reads_both_in_order_without_problems(self):
        """Both seeds come back, sorted by file name, and no problem is reported."""
        problems = []
        threads = read_threads([SEEDS], on_problem=problems.append)
        assert problems == []
        assert [t.id for t in threads] == [t["id"] for t in THREADS]

    def test_folder_gives_same_records_as_read_thread(self):
        """Reading the folder gives the same records as reading each file."""
        threads = read_threads([SEEDS])
        assert threads == [parsed(t["file"]) for t in THREADS]

    def test_accepts_string_paths(self):
        """A folder given as a str works like a Path."""
        assert [t.id for t in read_threads([str(SEEDS)])] == [t["id"] for t in THREADS]


class TestSeedRoundTrips:
    """Seeds survive format_thread."""

    @pytest.mark.parametrize("exp", THREADS, ids=[t["id"] for t in THREADS])
    def test_format_then_parse(self, exp):
        """format_thread writes a page that parses back to the same thread."""
        thread = parsed(exp["file"])
        again = parse_thread(format_thread(thread), thread_id=thread.id)
        assert attrs.evolve(again, warnings=(), source=None) == attrs.evolve(
            thread, warnings=(), source=None
        )
