"""Shared pieces of the fault tests: synthetic contents, observing an index, child processes.

Kept free of pytest so that the child processes the tests start can import it too.
"""

from __future__ import annotations

import contextlib
import errno
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from msqa_search import Answer, Doctor, Thread, format_thread

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SEEDS = ROOT / "seeds"

WORDS = (
    "botox filler injection muscle nerve patient treatment safe risk dose face forehead"
    " lines wrinkles swelling bruising weeks months results clearance neurologist disease"
    " sclerosis restylane juvederm lips cheeks eyes brow skin laser peel recovery healing"
    " pain numbing cream arnica consult exam history medication spasm antibody"
).split()
CITIES = ("Boston", "Nashville", "Lake Oswego", "San Diego", "Buffalo")
SPECIALTIES = ("Dermatologist", "Plastic Surgeon", "Facial Plastic Surgeon", "Phlebologist")

# The two contents the write tests switch between. OLD is N threads of K answers that say
# "oldmarker"; NEW reuses the first N thread ids (so an update replaces them) and adds more,
# with fewer answers each (so an update also removes answers), all saying "newmarker".
N_OLD, K_OLD = 40, 3
N_NEW, K_NEW = 60, 2


def states(n_old: int, k_old: int, n_new: int, k_new: int) -> dict[str, tuple]:
    """What observe() sees for each content:
    (threads, answers, hits for "oldmarker", hits for "newmarker", threads hit by each)."""
    return {
        "old": (n_old, n_old * k_old, n_old * k_old, 0, n_old, 0),
        "new": (n_new, n_new * k_new, 0, n_new * k_new, 0, n_new),
    }


STATES = states(N_OLD, K_OLD, N_NEW, K_NEW)


def make_threads(marker: str, count: int, answers: int, *, prefix: str = "t", seed: int = 0,
                 words: int = 60) -> list[Thread]:
    """``count`` synthetic threads of ``answers`` signed answers, every one saying ``marker``."""
    rng = random.Random(f"{marker}-{prefix}-{seed}")
    threads = []
    for i in range(count):
        tid = f"{prefix}{i:04d}"
        made = []
        for j in range(answers):
            body = " ".join(rng.choice(WORDS) for _ in range(words))
            made.append(Answer(
                thread_id=tid, position=j + 1, title=f"About {marker} case {j}",
                body=f"The {marker} answer. {body}.\n\nSecond paragraph {rng.choice(WORDS)}.",
                doctor=Doctor(
                    name=f"Anna Klein{rng.randrange(30)}", credentials=("MD",),
                    city=rng.choice(CITIES), specialty=rng.choice(SPECIALTIES),
                    rating=round(rng.uniform(3.0, 5.0), 1), reviews=rng.randrange(200),
                ),
            ))
        threads.append(Thread(
            id=tid, title=f"Question {marker} {i} about botox?", body=f"Asked about {marker}.",
            declared_answers=answers, answers=made,
        ))
    return threads


def content(which: str) -> list[Thread]:
    """The OLD or NEW content of the write tests."""
    if which == "old":
        return make_threads("oldmarker", N_OLD, K_OLD)
    if which == "new":
        return make_threads("newmarker", N_NEW, K_NEW)
    raise ValueError(which)


def write_thread_files(threads, folder: Path) -> Path:
    """Write ``threads`` as page files ``<id>.txt`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for thread in threads:
        (folder / f"{thread.id}.txt").write_text(format_thread(thread), encoding="utf-8")
    return folder


def observe(path) -> tuple:
    """What the index at ``path`` holds, in the shape of STATES' values."""
    from msqa_search import open_index

    with open_index(path) as index:
        return observe_index(index)


def observe_index(index) -> tuple:
    """observe() on an index that is already open."""
    stats = index.stats()
    old = index.search("oldmarker", synonyms=False, limit=1, facets=())
    new = index.search("newmarker", synonyms=False, limit=1, facets=())
    old_threads = index.search("oldmarker", synonyms=False, limit=1, facets=(), group_by_thread=True)
    new_threads = index.search("newmarker", synonyms=False, limit=1, facets=(), group_by_thread=True)
    return (stats.threads, stats.answers, old.total, new.total, old_threads.total, new_threads.total)


def state_of(path, expected: dict[str, tuple] = STATES) -> str:
    """'old' or 'new'; anything else (a mix, a partial write) fails with what was seen."""
    seen = observe(path)
    for name, shape in expected.items():
        if seen == shape:
            return name
    raise AssertionError(f"the index at {path} holds a mix: {seen}; expected one of {expected}")


def entries(path: Path) -> dict[str, list[str]]:
    """The names in an index folder, by kind."""
    names = sorted(p.name for p in Path(path).iterdir())
    return {
        "generations": [n for n in names if re.fullmatch(r"gen-\d{6,}", n)],
        "temporary": [n for n in names if ".tmp-" in n],
        "other": [n for n in names if not n.startswith("gen-") and ".tmp-" not in n],
    }


def child_env() -> dict[str, str]:
    """The environment for child processes: the project importable, no colour."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), str(HERE), env.get("PYTHONPATH")) if p)
    env["NO_COLOR"] = "1"
    env.pop("PYTHONWARNINGS", None)
    return env


def cli_command() -> list[str]:
    """How to run the console script: ``msqa-search`` beside this Python, else ``-m``."""
    script = Path(sys.executable).with_name("msqa-search")
    if script.exists():
        return [str(script)]
    found = shutil.which("msqa-search")
    return [found] if found else [sys.executable, "-m", "msqa_search"]


def run_cli(*args: str, timeout: float = 120, cwd=None) -> subprocess.CompletedProcess:
    """Run ``msqa-search ARGS`` as a real process and capture its text output."""
    return subprocess.run(
        [*cli_command(), *map(str, args)], capture_output=True, text=True, timeout=timeout,
        env=child_env(), cwd=cwd, stdin=subprocess.DEVNULL,
    )


def start_python(code: str, *args: str, stdout=subprocess.PIPE, stderr=None) -> subprocess.Popen:
    """Start ``python -c CODE ARGS`` with the project importable."""
    return subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)], stdout=stdout, stderr=stderr, text=True,
        env=child_env(), stdin=subprocess.DEVNULL,
    )


def wait_for_line(proc: subprocess.Popen, expected: str, timeout: float = 60) -> None:
    """Read the child's stdout until it prints ``expected`` (or fail)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.strip() == expected:
            return
        if not line and proc.poll() is not None:
            raise AssertionError(f"child exited with {proc.returncode} before printing {expected!r}")
    raise AssertionError(f"child did not print {expected!r} within {timeout} s")


def finish(proc: subprocess.Popen) -> None:
    """Reap a child and close its pipes (no ResourceWarning)."""
    with contextlib.suppress(ProcessLookupError):
        if proc.poll() is None:
            proc.kill()
    proc.wait()
    for stream in (proc.stdout, proc.stderr, proc.stdin):
        if stream is not None:
            stream.close()


class TimeLimit(Exception):
    """Raised inside the code that ran past its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Fail the block with TimeLimit when it runs longer than ``seconds`` (a hang guard)."""

    def expired(signum, frame):
        raise TimeLimit(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def no_space(path="") -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


def stderr_lines(text: str) -> list[str]:
    """The non-blank lines of a captured stderr."""
    return [line for line in text.splitlines() if line.strip()]


def attempt(action) -> tuple[BaseException | None, list[str]]:
    """Run ``action()``; return the exception it raised (if any) and the files it left open.

    The exception's tracebacks are cleared and garbage collected here, so that a file left
    open is reported by the test that opened it, not by whichever test the collector runs in.
    """
    import gc
    import warnings

    error = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            action()
        except Exception as e:  # noqa: BLE001 - handed back to the caller
            error = e
        link, seen = error, set()
        while link is not None and id(link) not in seen:
            seen.add(id(link))
            link.__traceback__ = None
            link = link.__cause__ or link.__context__
        gc.collect()
    leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    return error, leaks
