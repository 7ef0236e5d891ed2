"""Building, opening, updating and locking an index; its stats and its errors."""

from __future__ import annotations

import gc
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import attrs
import pytest

from msqa_search import (
    AnswerNotFoundError,
    IndexClosedError,
    IndexDamagedError,
    IndexLockedError,
    IndexNotFoundError,
    IndexProblem,
    IndexSchemaError,
    IndexWriteError,
    MsqaError,
    ParseError,
    QuerySyntaxError,
    SearchOptionError,
    ThreadNotFoundError,
    UnsafeIndexError,
    build_index,
    open_index,
)
from msqa_search.index import IndexStats, UpdateSummary
from msqa_search.engine.schema import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_A = "000_19f0a23f49198bfd"
SEED_B = "001_7bed0a8b883f696a"


def hint(path: Path) -> str:
    """The library's own rebuild hint, which names no command (the CLI swaps in its own)."""
    return "Rebuild it from the thread files (build_index replaces it)."


def ids(results) -> list[str]:
    return [hit.answer_id for hit in results.matches]


def counts(stats: IndexStats) -> tuple:
    """The parts of IndexStats that describe the content (not the file layout)."""
    return (stats.threads, stats.answers, stats.doctors, stats.specialties, stats.cities, stats.schema_version)


def expected_counts(threads) -> tuple:
    """Content counts computed from thread records, independently of the index."""
    doctors = [a.doctor for t in threads for a in t.answers if a.doctor is not None]
    return (
        len(threads),
        sum(len(t.answers) for t in threads),
        len({d.name for d in doctors if d.name}),
        len({d.specialty.casefold() for d in doctors if d.specialty}),
        len({d.city.casefold() for d in doctors if d.city}),
        SCHEMA_VERSION,
    )


def temporary_entries(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir() if ".tmp" in p.name)


@pytest.fixture
def seed_a(threads_by_id):
    return threads_by_id[SEED_A]


@pytest.fixture
def seed_b(threads_by_id):
    return threads_by_id[SEED_B]


@pytest.fixture
def index_copy(index_dir, tmp_path) -> Path:
    """A private copy of the session's seed index, free to damage."""
    target = tmp_path / "copy"
    shutil.copytree(index_dir, target)
    return target


def generation_of(path: Path) -> Path:
    return path / (path / "CURRENT").read_text(encoding="utf-8").strip()


# -- building --------------------------------------------------------------------------------


class TestBuildIndex:
    def test_stats_of_seeds(self, seed_index, index_dir, seed_expectations):
        """stats() counts threads, answers, named doctors, specialties, cities, schema."""
        cards = [a["doctor"] for t in seed_expectations["threads"] for a in t["answers"] if a["doctor"]]
        assert IndexStats(
            path=str(index_dir),
            threads=2,
            answers=16,
            doctors=len({c["name"] for c in cards if c["name"]}),
            specialties=len({c["specialty"] for c in cards if c["specialty"]}),
            cities=len({c["city"] for c in cards if c["city"]}),
            schema_version=SCHEMA_VERSION,
            generation="gen-000001",
            segments=1,
        ) == seed_index.stats()
        assert (13, 6, 11) == counts(seed_index.stats())[2:5]

    def test_answer_round_trip(self, seed_index, threads):
        """Every indexed answer comes back as the parsed record with its thread."""
        for thread in threads:
            for answer in thread.answers:
                found = seed_index.answer(answer.id)
                assert (thread, answer) == (found.thread, found.answer) == tuple(found)

    def test_thread_round_trip(self, seed_index, threads):
        """thread() rebuilds each seed thread exactly as parsed."""
        assert list(threads) == [seed_index.thread(t.id) for t in threads]

    def test_rebuild_replaces_content(self, build, tmp_path, threads, seed_b, checksums):
        """build_index over an existing index replaces its content and not the old files."""
        path = tmp_path / "index"
        build(threads, path).close()
        old = generation_of(path)
        before = checksums(old)
        index = build([seed_b], path)
        assert counts(index.stats()) == expected_counts([seed_b])
        assert (0, 7) == (index.search("spasticity").total, index.search("Restylane").total)
        with pytest.raises(AnswerNotFoundError):
            index.answer(f"{SEED_A}#2")
        assert before == checksums(old)

    def test_no_temporary_files_left(self, build, tmp_path, threads):
        """A finished build leaves no temporary folder or pointer behind."""
        path = tmp_path / "index"
        build(threads, path)
        build(threads, path)
        assert [] == temporary_entries(path)

    def test_creates_missing_folders(self, build, tmp_path, seed_a):
        """A missing folder (and its parents) is created."""
        path = tmp_path / "a" / "b" / "index"
        index = build([seed_a], path)
        assert counts(index.stats()) == expected_counts([seed_a])

    def test_on_thread_reports_each_thread(self, tmp_path, threads):
        """on_thread is called once per thread, in order."""
        seen = []
        build_index(threads, tmp_path / "index", on_thread=lambda t: seen.append(t.id)).close()
        assert [t.id for t in threads] == seen

    def test_empty_iterable(self, build, tmp_path):
        """An index of no threads is valid and empty."""
        index = build([], tmp_path / "index")
        assert (0, 0, 0, 0, 0, SCHEMA_VERSION) == counts(index.stats())
        assert 0 == index.search("botox").total

    def test_builds_beside_foreign_files(self, tmp_path, threads, checksums):
        """A folder of other files gets the index beside them; not one of them changes."""
        folder = tmp_path / "mine"
        (folder / "sub").mkdir(parents=True)
        (folder / "notes.txt").write_text("keep me\n", encoding="utf-8")
        (folder / "sub" / "data.bin").write_bytes(b"\x00\x01")
        before = checksums(folder)
        with build_index(threads, folder) as index:
            assert 16 == index.stats().answers
        after = checksums(folder)
        assert before == {name: after[name] for name in before}

    def test_refuses_a_file(self, tmp_path, threads):
        """A file as the index path is refused and left as it was."""
        path = tmp_path / "index"
        path.write_text("not an index", encoding="utf-8")
        with pytest.raises(IndexProblem) as info:
            build_index(threads, path)
        assert (IndexProblem, f"{path} is a file, not a folder; it is left as it is. Give the index a folder"
            " of its own.", "not an index") == (
            type(info.value), str(info.value), path.read_text(encoding="utf-8")
        )


# -- opening -----------------------------------------------------------------------------------


class TestOpenIndex:
    def test_missing_path(self, tmp_path):
        """A missing path raises IndexNotFoundError saying how to build one."""
        path = tmp_path / "nowhere"
        with pytest.raises(IndexNotFoundError) as info:
            open_index(path)
        assert (
            f"no index at {path}. Build one from thread files with build_index.",
            str(path),
        ) == (str(info.value), info.value.path)

    def test_folder_with_other_files(self, tmp_path):
        """A folder of other files raises IndexNotFoundError asking for a folder of its own."""
        path = tmp_path / "other"
        path.mkdir()
        (path / "notes.txt").write_text("hello", encoding="utf-8")
        with pytest.raises(IndexNotFoundError) as info:
            open_index(path)
        assert f"{path} holds no index. {hint(path)}" == str(info.value)

    def test_empty_folder(self, tmp_path):
        """An empty folder raises IndexNotFoundError too."""
        with pytest.raises(IndexNotFoundError) as info:
            open_index(tmp_path)
        assert f"{tmp_path} holds no index. {hint(tmp_path)}" == str(info.value)

    def test_a_file(self, tmp_path):
        """A file raises IndexNotFoundError saying it is not a folder."""
        path = tmp_path / "file"
        path.write_text("x", encoding="utf-8")
        with pytest.raises(IndexNotFoundError) as info:
            open_index(path)
        assert (
            f"{path} is a file, not an index folder. Give the index a folder of its own."
        ) == str(info.value)

    def test_other_schema_version(self, index_copy):
        """An index written by another schema version raises IndexSchemaError."""
        meta = generation_of(index_copy) / "msqa-index.json"
        meta.write_text('{"schema": 1, "written": 0}\n', encoding="utf-8")
        with pytest.raises(IndexSchemaError) as info:
            open_index(index_copy)
        assert (
            f"the index at {index_copy} was written with schema version 1; this version of"
            f" msqa_search reads version {SCHEMA_VERSION}. {hint(index_copy)}",
            1,
            SCHEMA_VERSION,
            str(index_copy),
        ) == (str(info.value), info.value.found, info.value.expected, info.value.path)

    def test_accepts_str_path(self, index_dir):
        """open_index takes a str as well as a Path."""
        with open_index(str(index_dir)) as index:
            assert 16 == index.stats().answers


class TestDamagedIndex:
    def test_garbled_current(self, index_copy):
        """A CURRENT file that names no generation raises IndexDamagedError."""
        (index_copy / "CURRENT").write_bytes(b"\xff\x00garbage\n")
        with pytest.raises(IndexDamagedError) as info:
            open_index(index_copy)
        assert (
            f"the index at {index_copy} is damaged (CURRENT is garbled). {hint(index_copy)}"
            == str(info.value)
        )

    def test_current_names_missing_generation(self, index_copy):
        """CURRENT naming a missing generation raises IndexDamagedError."""
        (index_copy / "CURRENT").write_text("gen-000099\n", encoding="utf-8")
        with pytest.raises(IndexDamagedError) as info:
            open_index(index_copy)
        assert (
            f"the index at {index_copy} is damaged: gen-000099 is missing or incomplete. {hint(index_copy)}"
            == str(info.value)
        )

    def test_garbled_meta(self, index_copy):
        """An unreadable msqa-index.json raises IndexDamagedError."""
        (generation_of(index_copy) / "msqa-index.json").write_text("{not json", encoding="utf-8")
        with pytest.raises(IndexDamagedError) as info:
            open_index(index_copy)
        message = str(info.value)
        assert (True, True) == (
            message.startswith(f"the index at {index_copy} is damaged ("),
            message.endswith(hint(index_copy)),
        )

    @pytest.mark.parametrize("suffix", [".pst", ".trm", ".toc", ".msqa-columns"])
    def test_truncated_file(self, index_copy, suffix):
        """A truncated index file raises IndexDamagedError (on open or on the first search)."""
        truncate(index_copy, suffix)
        message, where, _ = search_damaged(index_copy)
        assert (True, True, str(index_copy)) == (
            message.startswith(f"the index at {index_copy} is damaged"),
            message.endswith(hint(index_copy)),
            where,
        )

    @pytest.mark.parametrize("suffix", [".pst", ".trm", ".toc", ".msqa-columns"])
    def test_damaged_index_leaves_no_open_file(self, index_copy, suffix):
        """After IndexDamagedError no file of the damaged index is left open (no ResourceWarning)."""
        truncate(index_copy, suffix)
        assert [] == search_damaged(index_copy)[2]

    def test_missing_segment_file(self, index_copy):
        """A deleted segment file raises IndexDamagedError."""
        (target,) = [p for p in generation_of(index_copy).iterdir() if p.name.endswith(".pst")]
        target.unlink()
        message, _, _ = search_damaged(index_copy)
        assert message.startswith(f"the index at {index_copy} is damaged")


def truncate(path: Path, suffix: str) -> None:
    """Cut the index file ending in ``suffix`` to a third of its size."""
    (target,) = [p for p in generation_of(path).iterdir() if p.name.endswith(suffix)]
    with open(target, "r+b") as f:
        f.truncate(target.stat().st_size // 3)


def search_damaged(path: Path) -> tuple[str, str, list[str]]:
    """Open and search a damaged index, expecting IndexDamagedError.

    Returns the error's message and path, and the ResourceWarnings (files left open)
    seen once the error is dropped, so that a leak is reported here and not by
    whichever test happens to run when the garbage collector finds it.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(IndexDamagedError) as info:
            with open_index(path) as index:
                index.search("botox")
        message, where = str(info.value), info.value.path
        del info
        gc.collect()
    return message, where, [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]


# -- answers and threads by id -----------------------------------------------------------------


class TestLookups:
    @pytest.mark.parametrize("answer_id", ["nope#1", f"{SEED_A}#99", ""])
    def test_unknown_answer(self, seed_index, answer_id):
        """answer() of an unknown id raises AnswerNotFoundError naming the id."""
        with pytest.raises(AnswerNotFoundError) as info:
            seed_index.answer(answer_id)
        assert (
            f"no answer {answer_id!r} in the index; answer ids look like THREAD_ID#POSITION",
            answer_id,
        ) == (str(info.value), info.value.answer_id)

    def test_unknown_thread(self, seed_index):
        """thread() of an unknown id raises ThreadNotFoundError naming the thread."""
        with pytest.raises(ThreadNotFoundError) as info:
            seed_index.thread("nope")
        assert ("nope", "no thread 'nope' in the index") == (info.value.thread_id, str(info.value))


class TestErrorTree:
    @pytest.mark.parametrize(
        "error",
        [ParseError, IndexProblem, IndexNotFoundError, IndexSchemaError, IndexDamagedError,
         IndexLockedError, IndexWriteError, UnsafeIndexError, QuerySyntaxError,
         SearchOptionError, AnswerNotFoundError],
    )
    def test_every_error_is_an_msqa_error(self, error):
        """Every error the library raises on purpose is an MsqaError."""
        assert issubclass(error, MsqaError)

    @pytest.mark.parametrize(
        "error",
        [IndexNotFoundError, IndexSchemaError, IndexDamagedError, IndexLockedError,
         IndexWriteError, UnsafeIndexError],
    )
    def test_index_errors_are_index_problems(self, error):
        """Errors about an index on disk share the IndexProblem base."""
        assert issubclass(error, IndexProblem)


# -- updates -------------------------------------------------------------------------------------


class TestUpdate:
    @pytest.fixture
    def path(self, tmp_path, seed_a) -> Path:
        """An index of seed A only."""
        path = tmp_path / "index"
        build_index([seed_a], path).close()
        return path

    def test_adds_new_thread(self, path, seed_a, seed_b):
        """A new thread is added; stats and searches show it."""
        with open_index(path) as index:
            before = counts(index.stats())
            summary = index.update([seed_b])
            after = counts(index.stats())
            found = set(ids(index.search("Restylane", limit=100)))
        assert UpdateSummary(threads_added=1, answers_added=7) == summary
        assert (expected_counts([seed_a]), expected_counts([seed_a, seed_b])) == (before, after)
        assert {a.id for a in seed_b.answers} == found

    def test_replaces_thread_and_removes_dropped_answer(self, path, seed_a):
        """A thread read again replaces the old one; an answer gone from it is removed."""
        shorter = attrs.evolve(seed_a, answers=seed_a.answers[:8])
        with open_index(path) as index:
            summary = index.update([shorter])
            stats = counts(index.stats())
            depression = index.search("depression").total
            with pytest.raises(AnswerNotFoundError):
                index.answer(f"{SEED_A}#9")
            thread = index.thread(SEED_A)
        assert UpdateSummary(threads_replaced=1, answers_replaced=8, answers_removed=1) == summary
        assert (expected_counts([shorter]), 0, shorter) == (stats, depression, thread)

    def test_replaced_answer_text_is_searched(self, path, seed_a):
        """A changed answer is found by its new words, not its old ones."""
        changed = list(seed_a.answers)
        changed[1] = attrs.evolve(changed[1], body="Only about rosacea now.")
        with open_index(path) as index:
            summary = index.update([attrs.evolve(seed_a, answers=changed)])
            assert ([f"{SEED_A}#2"], 0) == (ids(index.search("rosacea")), index.search("spasticity").total)
        assert UpdateSummary(threads_replaced=1, answers_replaced=9) == summary

    def test_grows_a_thread(self, tmp_path, seed_a):
        """Answers new to a re-read thread count as added."""
        path = tmp_path / "index"
        build_index([attrs.evolve(seed_a, answers=seed_a.answers[:5])], path).close()
        with open_index(path) as index:
            summary = index.update([seed_a])
            assert counts(index.stats()) == expected_counts([seed_a])
        assert UpdateSummary(threads_replaced=1, answers_replaced=5, answers_added=4) == summary

    def test_mixed_update(self, path, seed_a, seed_b):
        """One update can replace a thread and add another, and leaves one it holds as it is; the counts say which."""
        changed = attrs.evolve(seed_a, answers=[attrs.evolve(seed_a.answers[0], body="New words."), *seed_a.answers[1:]])
        with open_index(path) as index:
            summary = index.update([changed, seed_b])
            again = index.update([changed, seed_b])
            assert counts(index.stats()) == expected_counts([changed, seed_b])
        assert UpdateSummary(threads_added=1, threads_replaced=1, answers_added=7, answers_replaced=9) == summary
        assert UpdateSummary(threads_unchanged=2) == again

    def test_same_results_as_full_build(self, path, tmp_path, threads, seed_b):
        """After an update, searches give the same hits as a fresh build of the same threads."""
        with open_index(path) as index, build_index(threads, tmp_path / "fresh") as fresh:
            index.update([seed_b])
            for query in ("botox contraindication", "Restylane", "MS", "spasticity"):
                assert ids(fresh.search(query, limit=100)) == ids(index.search(query, limit=100))

    def test_old_generation_untouched(self, path, seed_a, seed_b, checksums):
        """An update writes a new generation and never modifies the old one's files."""
        old = generation_of(path)
        before = checksums(old)
        with open_index(path) as index:
            index.update([attrs.evolve(seed_a, answers=seed_a.answers[:8]), seed_b])
        assert (True, before) == (generation_of(path) != old, checksums(old))

    def test_no_temporary_files_left(self, path, seed_b):
        """A finished update leaves no temporary folder or pointer behind."""
        with open_index(path) as index:
            index.update([seed_b])
        assert [] == temporary_entries(path)

    def test_reader_opened_before_keeps_working(self, path, seed_a, seed_b):
        """A reader opened before an update searches old content during it and new after."""
        gate, started = threading.Event(), threading.Event()
        errors: list[BaseException] = []

        def slow():
            yield seed_b
            started.set()
            gate.wait(30)

        def run():
            try:
                with open_index(path) as writer:
                    writer.update(slow())
            except BaseException as e:  # pragma: no cover - reported below
                errors.append(e)

        with open_index(path) as reader:
            assert [f"{SEED_A}#2"] == ids(reader.search("spasticity"))
            worker = threading.Thread(target=run)
            worker.start()
            try:
                assert started.wait(30)
                during = (ids(reader.search("spasticity")), reader.search("Restylane").total, counts(reader.stats()))
            finally:
                gate.set()
                worker.join(30)
            after = (ids(reader.search("spasticity")), reader.search("Restylane").total, counts(reader.stats()))
        assert [] == errors
        assert ([f"{SEED_A}#2"], 0, expected_counts([seed_a])) == during
        assert ([f"{SEED_A}#2"], 7, expected_counts([seed_a, seed_b])) == after


# -- opening and closing ---------------------------------------------------------------------------


class TestContextManager:
    def test_closes_searcher(self, index_dir):
        """Leaving the with block closes the searcher; using the closed index is a clear error."""
        with open_index(index_dir) as index:
            index.search("spasticity")
            searcher = index.searcher()
        assert (True, True) == (searcher.is_closed, index.closed)
        for use in (lambda: index.search("spasticity"), index.stats, lambda: index.thread(SEED_A),
                    lambda: index.values("city")):
            with pytest.raises(IndexClosedError, match=r"^the index at .* is closed; open it again with open_index\(\)$"):
                use()
        index.close()  # closing twice is harmless


# -- crashes and concurrent writers ------------------------------------------------------------------

KILLED_BUILD = """
import sys, time
from pathlib import Path
import attrs
from msqa_search import build_index, read_threads

path, seeds, marker = sys.argv[1:4]
originals = read_threads([seeds])

def copies():
    for i in range(100000):
        for t in originals:
            new = f"copy{i:05d}-{t.id}"
            yield attrs.evolve(t, id=new, answers=[attrs.evolve(a, thread_id=new) for a in t.answers])
            if i == 2:
                Path(marker).touch()
            time.sleep(0.02)

build_index(copies(), path)
"""

LOCK_HOLDER = """
import sys, time
from pathlib import Path
from msqa_search import open_index, read_threads

path, seeds, marker = sys.argv[1:4]
threads = read_threads([seeds])

def slow():
    yield threads[1]
    Path(marker).touch()
    time.sleep(300)

open_index(path).update(slow())
"""


def spawn(script: str, *args) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def wait_for(condition, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(f"the subprocess ended early: {proc.communicate()[1].decode()}")
        if time.monotonic() > deadline:
            raise AssertionError("the subprocess did not get there in time")
        time.sleep(0.02)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()


@pytest.mark.slow
class TestKilledBuild:
    def test_previous_index_survives(self, tmp_path, seed_a, threads):
        """A build killed midway leaves the previous index readable with its old content."""
        path = tmp_path / "index"
        with build_index([seed_a], path) as index:
            old_stats = index.stats()
            old_hits = ids(index.search("botox", limit=100))
        marker = tmp_path / "writing"
        proc = spawn(KILLED_BUILD, path, SEEDS, marker)
        try:
            wait_for(lambda: marker.exists() and any(path.glob("gen-*.tmp-*")), proc)
            os.kill(proc.pid, signal.SIGKILL)
            proc.communicate(timeout=30)
        finally:
            stop(proc)
        assert -signal.SIGKILL == proc.returncode
        assert [] != list(path.glob("gen-*.tmp-*"))  # it was killed mid-write
        with open_index(path) as index:
            assert (old_stats, old_hits, [f"{SEED_A}#2"], 0) == (
                index.stats(),
                ids(index.search("botox", limit=100)),
                ids(index.search("spasticity")),
                index.search("Restylane").total,
            )
        with build_index(threads, path) as index:
            assert counts(index.stats()) == expected_counts(threads)
        assert [] == temporary_entries(path)


@pytest.mark.slow
class TestWriteLock:
    def test_second_writer_is_refused(self, tmp_path, seed_a, seed_b):
        """While another process writes, update() and build_index() raise IndexLockedError in time."""
        path = tmp_path / "index"
        index = build_index([seed_a], path)
        marker = tmp_path / "locked"
        proc = spawn(LOCK_HOLDER, path, SEEDS, marker)
        try:
            wait_for(marker.exists, proc)
            started = time.monotonic()
            with pytest.raises(IndexLockedError) as info:
                index.update([seed_b], lock_timeout=0.5)
            elapsed = time.monotonic() - started
            with pytest.raises(IndexLockedError):
                build_index([seed_b], path, lock_timeout=0.2)
            during = counts(index.stats())
        finally:
            stop(proc)
        assert (
            f"another process is writing the index at {path} and did not finish within 0.5 s;"
            " try again when it is done",
            str(path),
            0.5,
        ) == (str(info.value), info.value.path, info.value.timeout)
        assert 0.5 <= elapsed < 5, elapsed
        assert expected_counts([seed_a]) == during
        # The lock dies with its process: the next writer goes ahead at once.
        assert UpdateSummary(threads_added=1, answers_added=7) == index.update([seed_b], lock_timeout=5)
        index.close()
