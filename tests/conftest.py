"""Shared fixtures: the seed threads, and an index of them built once per session."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from msqa_search import Answer, Doctor, Thread, read_threads

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config) -> None:
    """A run that leaves out the slow tests draws fewer property examples (budget.py)."""
    quick = "not slow" in (config.getoption("markexpr") or "")
    os.environ["MSQA_TESTS_QUICK"] = "1" if quick else "0"

SEEDS = ROOT / "seeds"
EXPECTATIONS_FILE = Path(__file__).resolve().parent / "seed-expectations.json"
SEED_A = "000_19f0a23f49198bfd"
SEED_B = "001_7bed0a8b883f696a"


def _make_thread(thread_id: str, *bodies: str | tuple[str, Doctor | None], title: str = "A question") -> Thread:
    """A thread whose answers have the given bodies (or ``(body, doctor)`` pairs)."""
    answers = []
    for position, body in enumerate(bodies, start=1):
        text, doctor = body if isinstance(body, tuple) else (body, None)
        answers.append(Answer(thread_id=thread_id, position=position, body=text, doctor=doctor))
    return Thread(id=thread_id, title=title, answers=answers)


def _checksums(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``folder``."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    """The seed thread files, in name order (read-only inputs)."""
    return sorted(SEEDS.glob("*.txt"))


@pytest.fixture(scope="session")
def seed_expectations() -> dict:
    """The expected parse of the seeds (tests/seed-expectations.json)."""
    return json.loads(EXPECTATIONS_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def threads(seed_paths) -> tuple[Thread, ...]:
    """The seed threads as read_threads parses them, once per session."""
    return tuple(read_threads(seed_paths))


@pytest.fixture(scope="session")
def threads_by_id(threads) -> dict[str, Thread]:
    """The seed threads keyed by thread id."""
    return {t.id: t for t in threads}


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory, threads) -> Path:
    """An index of the two seeds, built once per session; tests must not write to it."""
    from msqa_search import build_index

    path = tmp_path_factory.mktemp("seed-index") / "index"
    build_index(threads, path).close()
    return path


@pytest.fixture(scope="session")
def seed_index(index_dir):
    """The session's seed index, opened once for searching (read-only use only)."""
    from msqa_search import open_index

    index = open_index(index_dir)
    yield index
    index.close()


@pytest.fixture(scope="session")
def make_thread() -> Callable[..., Thread]:
    """Build a hand-made Thread: ``make_thread("t1", "body 1", ("body 2", doctor))``."""
    return _make_thread


@pytest.fixture(scope="session")
def checksums() -> Callable[[Path], dict[str, str]]:
    """Checksum every file of a folder: relative path -> SHA-256."""
    return _checksums


@pytest.fixture
def build(tmp_path):
    """Build an index of some threads in a fresh folder under tmp_path; closed at teardown."""
    from msqa_search import build_index

    opened = []
    counter = iter(range(1_000_000))

    def _build(threads: Iterable[Thread], path: Path | None = None):
        target = path if path is not None else tmp_path / f"index-{next(counter)}"
        index = build_index(threads, target)
        opened.append(index)
        return index

    yield _build
    for index in opened:
        index.close()


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    """Caches the tests make (merged synonym files) go to a folder of the session, for
    this process and the commands it starts."""
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old
