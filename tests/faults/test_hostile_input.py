"""Hostile thread files: the parser and `msqa-search index` never crash; bad files are named, the rest indexed."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from faultlib import SEEDS, attempt, child_env, make_threads, run_cli, stderr_lines, time_limit
from hypothesis import HealthCheck, given, settings
from budget import examples
from hypothesis import strategies as st

from msqa_search import (
    Answer,
    Doctor,
    ParseError,
    Thread,
    build_index,
    format_thread,
    open_index,
    parse_thread,
    read_thread,
    read_threads,
)
from msqa_search.parse.files import MAX_FILE_BYTES
from msqa_search.parse.format import VOTE_LINE

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
FUZZ = settings(deadline=None, max_examples=examples(150), derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def page(title: str, header: str, card: str, body: str = "Botox acts where nerve meets muscle.") -> str:
    return f"{title}\n\n{header}\n\nAnswer title\n{VOTE_LINE}\n\n{body}\n\n{card}\n"


ABSURD = page(
    "Can I get Botox twice a week?", "Doctor Answers 99999999999",
    "Jane Roe, MD\nBoston Dermatologist\n9.9 out of 5 stars -3 reviews",
)
HUGE_REVIEWS = page(
    "Is Restylane safe?", "Doctor Answers 1",
    "Jane Roe, MD\nBoston Dermatologist\n4.0 out of 5 stars 99999999999 reviews",
)


def thread_text(tid: str, answers: int = 1, marker: str = "goodmarker") -> str:
    (thread,) = make_threads(marker, 1, answers, prefix=tid, words=12)
    return format_thread(thread)


def symlink(target: str, link: Path) -> None:
    link.symlink_to(target)


def nasty_corpus(root: Path) -> tuple[dict[str, str], list[Path]]:
    """Write the corpus. Returns {bad file: reason on stderr} and the good files."""
    root.mkdir(parents=True)
    bad: dict[str, str] = {}
    good: list[Path] = []

    def bad_file(name: str, data: bytes, reason: str) -> Path:
        path = root / name
        path.write_bytes(data)
        bad[str(path)] = reason
        return path

    def good_file(relative: str, text: str, encoding: str = "utf-8") -> None:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(encoding))
        good.append(path)

    bad_file("empty.txt", b"", "empty: no question title")
    bad_file("binary.txt", bytes(range(256)) * 8, "line 1: binary data (NUL bytes), not a thread page")
    bad_file("controls.txt", b"\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f" * 100,
             "binary data (1200 control characters), not a thread page")
    bad_file("nul.txt", b"A question?\n\nThe body\x00 goes on\n", "line 3: binary data (NUL bytes), not a thread page")
    bad_file("utf16.txt", "\ufeffIs Botox safe?\n".encode("utf-16-le"),
             "line 1: binary data (NUL bytes), not a thread page")
    bad_file("one-long-line.txt", b"x" * 2_000_000,
             "line 1: the first line is 2,000,000 characters long; a question title is one short line")
    bad_file("site-lines-only.txt", b"Ask a doctor\n\nSign in\n\n", "no question title: only site lines")
    too_big = root / "too-big.txt"
    with open(too_big, "wb") as f:
        f.truncate(MAX_FILE_BYTES + 4096)  # sparse: costs no disk space
    bad[str(too_big)] = f"{MAX_FILE_BYTES + 4096:,} bytes is too large for a thread page (limit {MAX_FILE_BYTES:,})"
    symlink("loop-b.txt", root / "loop-a.txt")
    symlink("loop-a.txt", root / "loop-b.txt")
    for name in ("loop-a.txt", "loop-b.txt"):
        bad[str(root / name)] = f"cannot read: {os.strerror(errno.ELOOP)}"
    symlink("no-such-target.txt", root / "dangling.txt")
    bad[str(root / "dangling.txt")] = f"cannot read: {os.strerror(errno.ENOENT)}"
    unreadable = bad_file("unreadable.txt", thread_text("unreadable").encode(), f"cannot read: {os.strerror(errno.EACCES)}")
    if not IS_ROOT:
        unreadable.chmod(0)
    symlink(".", root / "self-loop")  # a folder link back to itself
    (root / "up").mkdir()
    symlink("..", root / "up" / "parent-loop")  # and one to its parent

    for seed in sorted(SEEDS.glob("*.txt")):
        good_file(f"seeds/{seed.name}", seed.read_text(encoding="utf-8"))
    good_file("name with spaces é 日本.txt", thread_text("spaces", 2))
    good_file("cp1252.txt", "Caf\u00e9 au lait before Botox?\n\n" + thread_text("cp", 1).split("\n", 1)[1], "cp1252")
    deep = "/".join(f"level-{i:03d}" for i in range(200))
    good_file(f"{deep}/deep.txt", thread_text("deep", 1))
    good_file("folder.txt/inside.txt", thread_text("inside", 1))
    good_file("absurd-counts.txt", ABSURD)
    answers = [Answer(thread_id="many", position=i + 1, title=f"Answer {i}", body=f"Botox answer number {i}.",
                      doctor=Doctor(name=f"Anna Klein{i % 50}", credentials=("MD",), city="Boston",
                                    specialty="Dermatologist", rating=4.5, reviews=i))
               for i in range(5000)]
    good_file("many-answers.txt", format_thread(Thread(
        id="many", title="Five thousand answers about Botox?", declared_answers=5000, answers=answers)))
    return bad, good


def unreadable_patch(monkeypatch) -> None:
    """Root reads a chmod 000 file anyway: make reading it fail as it would for a user."""
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "unreadable.txt":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("nasty") / "corpus"
    bad, good = nasty_corpus(root)
    expected_answers = sum(len(read_thread(p).answers) for p in good)
    yield root, bad, good, expected_answers
    unreadable = root / "unreadable.txt"
    if unreadable.exists():
        unreadable.chmod(0o644)


class TestParserProperties:
    """parse_thread returns a Thread or raises ParseError, whatever the text."""

    @FUZZ
    @given(st.text(alphabet=st.characters(codec="utf-8"), max_size=2000))
    def test_any_text(self, text):
        """Arbitrary text: a Thread or a ParseError, nothing else."""
        try:
            thread = parse_thread(text, thread_id="fuzz")
        except ParseError:
            return
        assert isinstance(thread, Thread)

    LINES = st.sampled_from([
        "Doctor Answers 99999999999", "Doctor Answers -1", "Doctor Answers (0)", "Answers (1e9)",
        "9.9 out of 5 stars -3 reviews", "4.0 out of 5 stars 99999999999 reviews", "nan out of 5 stars",
        "-0.0 out of 5 stars 0 reviews", "5.0 out of 5 stars 1 review", "inf out of 5 stars",
        "Jane Roe, MD", "Boston Dermatologist", "Ask a doctor", "RealSelf100 Member", VOTE_LINE, "",
        "These answers are for educational purposes", "\x00", "\x1b[31m", "\ufeff", "\u202e",
        "A" * 1001, "Is Botox safe?", "Botox acts where nerve meets muscle.", "Dr Klein",
    ])

    @FUZZ
    @given(st.lists(LINES, max_size=40))
    def test_page_shaped_text(self, lines):
        """Pages made of real page lines with absurd values: a Thread or a ParseError."""
        try:
            thread = parse_thread("\n".join(lines), thread_id="fuzz")
        except ParseError:
            return
        for answer in thread.answers:
            doctor = answer.doctor
            if doctor is not None and doctor.rating is not None:
                assert 0 <= doctor.rating <= 5
            if doctor is not None and doctor.reviews is not None:
                assert doctor.reviews >= 0

    @FUZZ
    @given(st.binary(max_size=3000))
    def test_any_bytes_in_a_file(self, tmp_path, data):
        """Any bytes in a file: read_thread gives a Thread or a ParseError."""
        path = tmp_path / "fuzz.txt"
        path.write_bytes(data)
        try:
            thread = read_thread(path)
        except ParseError as e:
            assert e.source == str(path)
            return
        assert thread.id == "fuzz"


class TestAbsurdValues:
    """Absurd counts and ratings are parsed with warnings, and indexed."""

    def test_absurd_rating_and_counts_are_warnings(self):
        """'9.9 out of 5 stars -3 reviews' and 'Doctor Answers 99999999999' only warn."""
        thread = parse_thread(ABSURD, thread_id="absurd")
        assert (thread.declared_answers, len(thread.answers)) == (99999999999, 1)
        assert (thread.answers[0].doctor.rating, thread.answers[0].doctor.reviews) == (None, None)
        assert thread.warnings == (
            "line 12: rating 9.9 is not between 0 and 5; ignored",
            "line 12: review count -3 is negative; ignored",
            "the page declares 99999999999 answers but 1 were found",
        )

    @pytest.mark.parametrize("text", [ABSURD, HUGE_REVIEWS], ids=["absurd", "huge-review-count"])
    def test_absurd_values_are_indexed(self, tmp_path, text):
        """A thread with absurd counts builds into an index and is found."""
        thread = parse_thread(text, thread_id="absurd")
        error, _ = attempt(lambda: build_index([thread], tmp_path / "index").close())
        assert error is None, f"{type(error).__name__}: {error}"
        with open_index(tmp_path / "index") as index:
            assert (index.stats().answers, index.search("botox OR restylane").total) == (1, 1)
            index.search("botox OR restylane", sort="reviews")

    def test_cli_indexes_huge_review_count(self, tmp_path):
        """`msqa-search index` of a card with 99999999999 reviews: no traceback, thread indexed."""
        folder = tmp_path / "threads"
        folder.mkdir()
        (folder / "huge.txt").write_text(HUGE_REVIEWS, encoding="utf-8")
        result = run_cli("index", "--index", tmp_path / "index", folder)
        assert "Traceback" not in result.stderr
        assert (result.returncode, result.stdout) == (
            0, f"Built the index at {tmp_path / 'index'}: 1 thread, 1 answer added; 0 files skipped, 0 warnings.\n")


class TestNastyCorpus:
    """A folder of hostile files next to good ones."""

    def test_read_threads_skips_bad_files_with_reasons(self, corpus, monkeypatch):
        """Each bad file is reported once with its reason; every good file is read."""
        root, bad, good, answers = corpus
        if IS_ROOT:
            unreadable_patch(monkeypatch)
        problems = []
        with time_limit(120):
            threads = read_threads([root], on_problem=problems.append)
        assert {p.path: p.message for p in problems} == bad
        assert len(problems) == len(bad)
        assert sorted(t.source for t in threads) == sorted(map(str, good))
        assert sum(len(t.answers) for t in threads) == answers

    @pytest.mark.slow
    def test_cli_index_names_bad_files_and_indexes_the_rest(self, corpus, tmp_path):
        """`msqa-search index`: one 'skipped:' line per bad file, the good ones all indexed."""
        root, bad, good, answers = corpus
        index = tmp_path / "index"
        # As root, a chmod 000 file is readable: run the same main() with reading it failing.
        code = (
            "import errno, os, pathlib, sys\n"
            "real = pathlib.Path.read_bytes\n"
            "def read_bytes(self):\n"
            "    if self.name == 'unreadable.txt':\n"
            "        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))\n"
            "    return real(self)\n"
            "pathlib.Path.read_bytes = read_bytes\n"
            "from msqa_search.cli import main\n"
            "sys.argv[0] = 'msqa-search'\n"
            "main()\n"
        )
        result = subprocess.run([sys.executable, "-c", code, "index", "--index", str(index), str(root)],
                                capture_output=True, text=True, timeout=600, env=child_env(),
                                stdin=subprocess.DEVNULL)
        lines = stderr_lines(result.stderr)
        skipped = sorted(line for line in lines if line.startswith("skipped: "))
        assert [line for line in lines if not line.startswith(("skipped: ", "warning: "))] == []
        assert skipped == sorted(f"skipped: {path}: {reason}" for path, reason in bad.items())
        assert 0 == result.returncode
        assert re.fullmatch(
            re.escape(f"Built the index at {index}: {len(good)} threads, {answers} answers added;"
                      f" {len(bad)} files skipped, ") + r"\d+ warnings?( \(--verbose lists them\))?\.\n",
            result.stdout), result.stdout
        with open_index(index) as opened:
            stats = opened.stats()
            assert (stats.threads, stats.answers) == (len(good), answers)
            assert opened.search("goodmarker", synonyms=False).total == 5  # 2 + 1 + 1 + 1 answers

    def test_fifo_is_not_waited_on(self, tmp_path):
        """A named pipe called *.txt is skipped with a reason, not read forever."""
        folder = tmp_path / "threads"
        folder.mkdir()
        (folder / "good.txt").write_text(thread_text("good"), encoding="utf-8")
        os.mkfifo(folder / "pipe.txt")
        problems = []
        with time_limit(5):
            threads = read_threads([folder], on_problem=problems.append)
        assert [t.id for t in threads] == ["good"]
        assert [p.path for p in problems] == [str(folder / "pipe.txt")]

    def test_duplicate_ids_are_named(self, tmp_path):
        """Two files with the same name in different folders: the second is skipped, named."""
        for sub in ("a", "b"):
            (tmp_path / sub).mkdir()
            (tmp_path / sub / "same.txt").write_text(thread_text("same"), encoding="utf-8")
        problems = []
        threads = read_threads([tmp_path / "a", tmp_path / "b"], on_problem=problems.append)
        assert [t.source for t in threads] == [str(tmp_path / "a" / "same.txt")]
        assert [str(p) for p in problems] == [
            f"{tmp_path / 'b' / 'same.txt'}: thread id 'same' was already read from {tmp_path / 'a' / 'same.txt'}; skipped"]

    def test_missing_path_is_named(self, tmp_path):
        """A path that does not exist is reported, not raised."""
        problems = []
        assert read_threads([tmp_path / "nowhere"], on_problem=problems.append) == []
        assert [str(p) for p in problems] == [f"{tmp_path / 'nowhere'}: no such file or folder"]

