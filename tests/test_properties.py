"""Properties of the parser: format/parse round trip, and no stray exceptions."""

from __future__ import annotations

from pathlib import Path

import attrs
from hypothesis import HealthCheck, example, given, settings
from budget import examples
from hypothesis import strategies as st

from msqa_search import Answer, Doctor, ParseError, Thread, format_thread, parse_thread

settings.register_profile(
    "msqa-parse",
    deadline=None,
    max_examples=examples(200),
    suppress_health_check=[HealthCheck.too_slow],
)
PROFILE = settings.get_profile("msqa-parse")

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# --- vocabulary ------------------------------------------------------------------------
# Plain lowercase words from doctors' answers. None of the specialties the spec lists, so a
# title or a line of body text never reads like a place line; no site junk words either.
WORDS = [
    "botox", "filler", "fillers", "injection", "injections", "muscle", "muscles", "nerve",
    "nerves", "patient", "patients", "treatment", "safe", "safely", "risk", "dose", "small",
    "large", "face", "forehead", "lines", "wrinkles", "swelling", "bruising", "weeks",
    "months", "results", "your", "my", "the", "a", "with", "for", "after", "before", "and",
    "is", "are", "can", "may", "should", "not", "usually", "always", "often", "clearance",
    "neurologist", "disease", "multiple", "sclerosis", "restylane", "juvederm", "lips",
    "cheeks", "eyes", "brow", "skin", "laser", "peel", "recovery", "healing", "pain",
    "numbing", "cream", "ice", "arnica", "consult", "exam", "history", "medication",
]
FIRST_NAMES = ["Anna", "Brian", "Carla", "David", "Elena", "Frank", "Grace", "Henry",
               "Irene", "Jonas", "Kenneth", "Marla", "Steven", "Sejal", "Keith", "Melvin"]
INITIALS = ["A.", "D.", "F.", "K.", "M.", "R.", "S."]
LAST_NAMES = ["Klein", "Lopez", "Meyer", "Nguyen", "Ortiz", "Patel", "Quinn", "Rossi",
              "Smith", "Tanaka", "Weiner", "Green", "Denkler", "Ishoo", "Wallach"]
# Credential combinations as they appear on cards (every listed form is used).
CREDENTIALS = [("MD",), ("M.D.",), ("DO",), ("DDS",), ("DMD",), ("MD", "FACS"),
               ("MD", "FAAD"), ("MD", "FRCPC"), ("MD", "FRCSC"), ("MD", "PhD"), ("PhD",),
               ("MD (retired)",), ("DDS", "MD"), ("DO", "FACS"), ("FACS",)]
CITIES = ["Boston", "Buffalo", "Nashville", "Marin", "Manhattan", "Cambridge", "New York",
          "San Diego", "Panama City", "Beverly Hills", "East Brunswick", "Lake Oswego",
          "West Palm Beach", "The Woodlands", "Raleigh-Durham", "Saint Louis",
          "Orange County", "Bay Area", "Toronto", "Dominican Republic"]
SPECIALTIES = ["Plastic Surgeon", "Facial Plastic Surgeon", "Dermatologic Surgeon",
               "Dermatologist", "Oculoplastic Surgeon", "Phlebologist", "Physician",
               "Dentist", "General Surgeon", "Oral & Maxillofacial Surgeon",
               "Otolaryngologist", "Board Eligible Plastic Surgeon"]
BADGES = ["RealSelf100 Member"]

ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_-"

# --- strategies ------------------------------------------------------------------------

@st.composite
def titles(draw, *, question: bool = False) -> str:
    """A short single-line title of words, first letter capitalised, no final period."""
    ws = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=8))
    text = " ".join(ws)
    text = text[0].upper() + text[1:]
    if question:
        text += draw(st.sampled_from(["?", "", " (photo)", " (Photos)"]))
    return text


@st.composite
def sentences(draw) -> str:
    """A plain sentence of 6-16 lowercase words, capitalised, ending with a period."""
    ws = draw(st.lists(st.sampled_from(WORDS), min_size=6, max_size=16))
    text = " ".join(ws)
    return text[0].upper() + text[1:] + "."


@st.composite
def paragraphs(draw) -> str:
    """1-3 lines of 1-2 sentences each, lines joined by a newline."""
    lines = draw(
        st.lists(
            st.lists(sentences(), min_size=1, max_size=2).map(" ".join),
            min_size=1,
            max_size=3,
        )
    )
    return "\n".join(lines)


bodies = st.lists(paragraphs(), min_size=1, max_size=3).map("\n\n".join)


@st.composite
def names(draw) -> str:
    """'First [I.] Last', optionally with a 'Dr.' in front."""
    parts = [draw(st.sampled_from(FIRST_NAMES))]
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(INITIALS)))
    parts.append(draw(st.sampled_from(LAST_NAMES)))
    name = " ".join(parts)
    if draw(st.integers(0, 5)) == 0:
        name = "Dr. " + name
    return name


@st.composite
def doctors(draw) -> Doctor:
    """A signature card: optional name (with 0-2 credentials), city, specialty, rating."""
    name = draw(st.none() | names())
    credentials: tuple[str, ...] = ()
    if name is not None and not name.startswith("Dr. "):
        credentials = draw(st.just(()) | st.sampled_from(CREDENTIALS))
    return Doctor(
        name=name,
        credentials=credentials,
        city=draw(st.sampled_from(CITIES)),
        specialty=draw(st.sampled_from(SPECIALTIES)),
        rating=draw(st.integers(0, 50)) / 10,
        reviews=draw(st.integers(0, 500)),
        badges=tuple(draw(st.lists(st.sampled_from(BADGES), max_size=1))),
    )


@st.composite
def threads(draw) -> Thread:
    """A realistic thread record, as a page would describe it."""
    thread_id = draw(st.text(alphabet=ID_ALPHABET, min_size=1, max_size=24))
    n = draw(st.integers(0, 4))
    # Distinct answers: a page that repeats an answer (same doctor, same text) keeps it once.
    drawn = draw(
        st.lists(st.tuples(titles(), bodies, st.none() | doctors()), min_size=n, max_size=n,
                 unique_by=lambda a: (a[2], " ".join(a[1].split())))
    )
    answers = tuple(
        Answer(thread_id=thread_id, position=i, title=title, body=body, doctor=doctor)
        for i, (title, body, doctor) in enumerate(drawn, start=1)
    )
    question_body = draw(st.just("") | bodies)
    return Thread(
        id=thread_id,
        title=draw(titles(question=True)),
        body=question_body,
        declared_answers=n,
        answers=answers,
    )


def _seed_lines() -> list[str]:
    lines: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        lines.extend(path.read_text(encoding="utf-8").splitlines())
    return lines


PAGE_LINES = _seed_lines() + [
    "",
    "Ask a doctor",
    "Have a question? Ask a doctor",
    "{{ voteCount >= 0 ? '+' + (voteCount + 1) : (voteCount + 1) }}",
    "Doctor Answers",
    "Doctor Answers (2)",
    "Doctor Answers 1",
    "Doctor Answers 0",
    "Doctor Answers 999999999999999999999999",
    "Answers (5)",
    "From board-certified doctors and trusted medical professionals",
    "These answers are for educational purposes and should not be rel",
    "Dr Karamanoukian",
    "RealSelf100 Member",
    "David A. Bray, Sr., MD",
    "Lane Smith, M.D.",
    "Dr. Miguel Mota",
    "Jane Roe, MD (retired)",
    ", MD",
    "MD",
    "West Palm Beach Board Eligible Plastic Surgeon",
    "Raleigh-Durham Oral & Maxillofacial Surgeon",
    "See Your Physician",
    "Physician",
    "Boston Podiatrist",
    "5.0 out of 5 stars 1 review",
    "9.9 out of 5 stars 3 reviews",
    "4.5 out of 5 stars -3 reviews",
    "-1.0 out of 5 stars 2 reviews",
    "nan out of 5 stars 2 reviews",
    "inf out of 5 stars 1e400 reviews",
    "4.5 out of 5 stars 99999999999999999999999999 reviews",
    "1e999 out of 5 stars 1 review",
    "out of 5 stars",
    "0.0 out of 5 stars 0 reviews",
    "Dear Young,",
    "Good luck!",
    "\u00a0",
    "   ",
    "\ufeff",
]

mixed_pages = st.tuples(
    st.lists(
        st.one_of(st.sampled_from(PAGE_LINES), st.text(max_size=30)),
        min_size=0,
        max_size=40,
    ),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.booleans(),
).map(lambda t: ("\ufeff" if t[2] else "") + t[1].join(t[0]))


def shuffled_seed_pages() -> st.SearchStrategy[str]:
    """A seed page with lines dropped, duplicated or swapped."""
    lines = [p.read_text(encoding="utf-8").splitlines() for p in sorted(SEEDS.glob("*.txt"))]
    return st.sampled_from(lines).flatmap(
        lambda ls: st.lists(st.sampled_from(ls), max_size=len(ls) + 5).map("\n".join)
        | st.permutations(ls).map("\n".join)
    )


def parse_or_parse_error(text: str, **kwargs) -> None:
    """parse_thread returns a Thread or raises ParseError; anything else fails the test."""
    try:
        result = parse_thread(text, **kwargs)
    except ParseError as e:
        assert isinstance(e.message, str)
        return
    assert isinstance(result, Thread)
    assert result.id
    for i, answer in enumerate(result.answers, start=1):
        assert isinstance(answer, Answer)
        assert answer.position == i


# --- properties ------------------------------------------------------------------------


# A realistic thread that random generation finds only now and then: an unsigned answer
# followed by a title ending in a word that some specialty lists know ("neurologist").
UNSIGNED_THEN_NEUROLOGIST = Thread(
    id="ex1",
    title="Botox with multiple sclerosis?",
    body="",
    declared_answers=2,
    answers=(
        Answer(
            thread_id="ex1",
            position=1,
            title="Botox is usually safe",
            body="The dose for the forehead is small and the results are safe for most patients.",
        ),
        Answer(
            thread_id="ex1",
            position=2,
            title="Consult your neurologist",
            body="Your neurologist should give clearance before any injections.",
            doctor=Doctor(
                name="Marla M. Klein",
                credentials=("MD",),
                city="Lake Oswego",
                specialty="Dermatologic Surgeon",
                rating=5.0,
                reviews=8,
            ),
        ),
    ),
)


class TestRoundTrip:
    """format_thread then parse_thread gives back the record."""

    @settings(PROFILE)
    @given(threads())
    @example(UNSIGNED_THEN_NEUROLOGIST)
    def test_format_then_parse(self, thread):
        """parse_thread(format_thread(t)) == t, ignoring warnings and source."""
        parsed = parse_thread(format_thread(thread), thread_id=thread.id)
        assert attrs.evolve(parsed, warnings=(), source=None) == thread

    @settings(PROFILE)
    @given(threads())
    def test_format_then_parse_has_no_count_warning(self, thread):
        """A formatted thread declares exactly the answers it holds: no 'declares' warning."""
        parsed = parse_thread(format_thread(thread), thread_id=thread.id)
        assert [w for w in parsed.warnings if "declares" in w] == []

    @settings(PROFILE)
    @given(threads(), st.booleans(), st.booleans())
    def test_crlf_and_bom_do_not_matter(self, thread, crlf, bom):
        """The formatted page parses the same with CRLF line endings and a BOM."""
        page = format_thread(thread)
        if crlf:
            page = page.replace("\n", "\r\n")
        if bom:
            page = "\ufeff" + page
        parsed = parse_thread(page, thread_id=thread.id)
        assert attrs.evolve(parsed, warnings=(), source=None) == thread


class TestNoStrayExceptions:
    """parse_thread returns a Thread or raises ParseError, nothing else."""

    @settings(PROFILE)
    @given(st.text())
    def test_arbitrary_text(self, text):
        """Any text at all."""
        parse_or_parse_error(text, thread_id="x")

    @settings(PROFILE)
    @given(st.text())
    def test_arbitrary_text_without_id(self, text):
        """Any text, without a thread id."""
        parse_or_parse_error(text)

    @settings(PROFILE)
    @given(mixed_pages)
    def test_mixed_page_lines(self, text):
        """Real page lines, junk and edge-case lines mixed with random text."""
        parse_or_parse_error(text, thread_id="x", source="mixed.txt")

    @settings(PROFILE)
    @given(shuffled_seed_pages())
    def test_seed_lines_shuffled(self, text):
        """Seed pages with lines dropped, repeated or reordered."""
        parse_or_parse_error(text, thread_id="x")

    @settings(PROFILE)
    @given(threads(), st.data())
    def test_cut_formatted_pages(self, thread, data):
        """A formatted page cut anywhere (a cut copy) still parses or raises ParseError."""
        page = format_thread(thread)
        cut = data.draw(st.integers(0, len(page)))
        parse_or_parse_error(page[:cut], thread_id=thread.id)
