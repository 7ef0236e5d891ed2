"""Hostile thread pages: huge numbers, millions of blank lines, mutated pages.

Issue 14, items 7 and 8, and its parser fuzz run: parse_thread returns a Thread or
raises ParseError for anything, and its time and memory grow linearly with the input.
"""

from __future__ import annotations

import random
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from budget import examples
from work import work
from hypothesis import strategies as st

from msqa_search import ParseError, Thread, parse_thread

FUZZ = settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ_HEAVY = settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

VOTE = "{{ voteCount >= 0 ? '+' + (voteCount + 1) : (voteCount + 1) }}"
FOOTER = ("These answers are for educational purposes and should not be relied upon as a"
          " substitute for medical advice you may receive from your physician.")
BODY = ("Botox works on the nerve endings in the muscle, so your neurologist should clear you"
        " before any cosmetic injection. Fillers do not act on the nerves at all.")

# Synthetic pages in the real formats (the spec's variants), to be mutated.
PAGES = [
    "\n\n".join(["Can I get Botox with MS? (photo)", "I was diagnosed last year.", "Doctor Answers 3",
                 f"Ask your neurologist first\n{VOTE}", BODY,
                 "Jane Roe, MD, FACS\nBoston Plastic Surgeon\n4.5 out of 5 stars 12 reviews",
                 f"Fillers are fine\n{VOTE}\n{BODY}", "Jane Roe MD\nToronto Dermatologist",
                 "Omar Haddad, DO\nToronto Dermatologist\n4.9 out of 5 stars 30 reviews", FOOTER]),
    "\n\n".join(["Ask a doctor\nBruising after Botox?", "Doctor Answers (2)", "Bruising\n+1", BODY,
                 "Miami Physician\nIce helps", BODY, "You might also like...", "Lee Park, MD\nSeattle Fa"]),
    "Get the real deal on beauty treatments\u2014real doctors.Here's how we earn your trust.\n"
    + "\n".join([BODY, "Hello,There is " + BODY, BODY + " Best wishes,Cody Koch"]),
    "\n".join([BODY + " " + BODY, "Answer: Redness will get better", BODY,
               "Helpful 3 people found this helpful", "Answer: Redness will get better", BODY]),
    "\n\n".join(["Eyebrow droop?", "Doctor Answers", "Dear Dermaqueen", BODY, "Las Vegas Plastic Surgeon",
                 "Ann Lee, MD\nLas Vegas Plastic Surgeon\n4.8 out of 5 stars 26 revi"]),
]
CHAOS = ["\u202e", "\u2066", "\u200f", "\x1b]52;c;aGk=\x07", "\x07", "\x0c", "\u00a0", "\ufeff", "\r",
         "9" * 5000, "Doctor Answers " + "9" * 5000, "Doctor Answers 7", VOTE, FOOTER[:30],
         "4.9 out of 5 stars " + "9" * 5000 + " reviews", "\n" * 50]


def fuzz_page(rng: random.Random) -> str:
    """A synthetic page with random mutations: byte flips, line shuffles, inserted chaos
    (huge numbers, control and bidi characters, repeated headers), cut at a random point."""
    page = rng.choice(PAGES)
    lines = page.split("\n")
    for _ in range(rng.randint(0, 4)):
        op = rng.randrange(4)
        if op == 0 and len(lines) > 1:
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 1:
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(CHAOS))
        elif op == 2:
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(lines))
        else:
            k = rng.randrange(len(lines))
            if lines[k]:
                p = rng.randrange(len(lines[k]))
                lines[k] = lines[k][:p] + chr(rng.randrange(0x20, 0x3000)) + lines[k][p + 1 :]
    text = "\n".join(lines)
    data = bytearray(text.encode("utf-8"))
    for _ in range(rng.randint(0, 3)):
        if data:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    text = data.decode("utf-8", "replace")
    return text[: rng.randint(0, len(text))] if rng.random() < 0.5 else text


def parse_or_error(text: str) -> Thread | None:
    """parse_thread's result, or None for a ParseError; anything else fails the test."""
    try:
        thread = parse_thread(text, thread_id="fuzz")
    except ParseError:
        return None
    assert isinstance(thread, Thread)
    assert [a.position for a in thread.answers] == list(range(1, len(thread.answers) + 1))
    assert [a.position for a in thread.answers if a.cut] in ([], [len(thread.answers)])
    return thread


def cost(text: str) -> tuple[int, int]:
    """Peak memory (bytes, traced) and work (lines run and C calls) of parsing ``text``."""
    tracemalloc.start()
    try:
        parse_or_error(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, work(lambda: parse_or_error(text))


class TestHugeNumbers:
    """Item 7: numbers of thousands of digits are ignored with a warning, not a skipped page."""

    def test_huge_review_count(self):
        """A review count of 5,000 digits: the card is read, the count ignored, one warning."""
        page = "\n\n".join(["Is Restylane safe?", "Doctor Answers 1", "Yes", BODY,
                            "Jane Roe, MD\nBoston Dermatologist\n4.0 out of 5 stars " + "9" * 5000 + " reviews",
                            FOOTER])
        thread = parse_thread(page, thread_id="huge")
        doctor = thread.answers[0].doctor
        assert (doctor.name, doctor.rating, doctor.reviews) == ("Jane Roe", 4.0, None)
        assert thread.warnings == (
            "line 11: review count of 5000 characters is not a number of reviews; ignored",
        )

    def test_huge_declared_count(self):
        """A declared count of 5,000 digits: no declared count, one warning, the answers kept."""
        page = "\n\n".join(["Is Restylane safe?", "Doctor Answers " + "9" * 5000, "Yes", BODY,
                            "Boston Dermatologist\n4.0 out of 5 stars 3 reviews", FOOTER])
        thread = parse_thread(page, thread_id="huge")
        assert (thread.declared_answers, len(thread.answers)) == (None, 1)
        assert thread.warnings == ("line 3: the header's answer count has 5,000 digits; ignored",)


class TestLinearCost:
    """Item 8: time and memory grow linearly with the input."""

    def test_mostly_blank_lines_cost_little_memory(self):
        """4 MB of blank lines around a thread: traced peak memory under 2 bytes per input byte."""
        page = "\n\n".join(["Is Botox safe?", "Doctor Answers 1", "Yes", BODY]) + "\n" * 4_000_000 + FOOTER
        peak, _ = cost(page)
        assert peak < 2 * len(page)

    @pytest.mark.parametrize("filler", ["\n", " \n", "a b\n", BODY + "\n", BODY + "\n\n", "\u00a0\r\n"])
    def test_growth_ratio(self, filler):
        """Four times the input costs at most about four times the memory and work (not sixteen)."""
        head = PAGES[0]
        small = head + filler * (20_000 // len(filler))
        large = head + filler * (80_000 // len(filler))
        (m1, w1), (m4, w4) = cost(small), cost(large)
        assert m4 / max(m1, 1) < 6
        assert w4 / w1 < 6


class TestFuzz:
    """Mutated copies of real-format pages give a Thread or a ParseError, nothing else."""

    @FUZZ
    @given(st.randoms(use_true_random=False))
    def test_mutated_pages(self, rng):
        """Byte flips, line shuffles, huge numbers, control/bidi characters, repeated headers, cuts."""
        parse_or_error(fuzz_page(rng))

    @pytest.mark.slow
    @FUZZ_HEAVY
    @given(st.randoms(use_true_random=False))
    def test_mutated_pages_heavy(self, rng):
        """The same fuzz run with many more pages."""
        parse_or_error(fuzz_page(rng))

    @FUZZ
    @given(st.randoms(use_true_random=False), st.integers(1, 40))
    def test_mutated_pages_grow_linearly(self, rng, times):
        """A mutated page repeated many times costs memory linear in its size."""
        page = fuzz_page(rng) + "\n\n"
        tracemalloc.start()
        try:
            parse_or_error(page * times)
            big = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert big < 400 * len(page * times) + 200_000
