"""A build or an update killed (SIGKILL) at any moment leaves the old or the new index, never a mix."""

from __future__ import annotations

import hashlib
import random
import shutil
import signal
import time
from pathlib import Path

import pytest
from faultlib import content, entries, finish, start_python, state_of, wait_for_line

from msqa_search import IndexNotFoundError, build_index, open_index

# The child: prepare everything, say "ready", then write. The kill delays are measured from
# "ready", so they fall on the write itself, not on Python's start-up.
WRITER = r"""
import sys
import faultlib
import msqa_search.index
from msqa_search import build_index, open_index

mode, path, which = sys.argv[1:4]
threads = faultlib.content(which)
print("ready", flush=True)
if mode == "build":
    build_index(threads, path).close()
else:
    with open_index(path) as index:
        index.update(threads)
print("done", flush=True)
"""

# The child for named moments: it kills itself (SIGKILL) at one chosen point of the write.
# The points are found at the OS and Whoosh level (file writes, renames, Whoosh's commit),
# not in the library's own functions, so they hold however the library is arranged.
MOMENT_WRITER = r"""
import builtins, io, os, re, signal, sys
import whoosh.writing
import faultlib
from msqa_search import build_index, open_index

mode, path, which, moment = sys.argv[1:5]

def die():
    os.kill(os.getpid(), signal.SIGKILL)

class HalfThenDie:
    def __init__(self, raw):
        self.raw = raw
    def write(self, data):
        self.raw.write(data[: max(1, len(data) // 2)])
        self.raw.flush()
        die()
    def __getattr__(self, name):
        return getattr(self.raw, name)
    def __enter__(self):
        return self
    def __exit__(self, *exc_info):
        self.raw.close()

def dying_on_write(prefix):
    real = io.open
    def opener(file, mode="r", *args, **kwargs):
        raw = real(file, mode, *args, **kwargs)
        if any(c in mode for c in "wax+") and os.path.basename(os.fspath(file)).startswith(prefix):
            return HalfThenDie(raw)
        return raw
    builtins.open = io.open = opener

real_replace = os.replace

def dying_replace(before, after):
    def replace(src, dst, *args, **kwargs):
        name = os.path.basename(os.fspath(dst))
        if before(name):
            die()
        real_replace(src, dst, *args, **kwargs)
        if after(name):
            die()
    os.replace = replace

if moment == "segments-committed":
    real_commit = whoosh.writing.SegmentWriter.commit
    def commit(self, *args, **kwargs):
        real_commit(self, *args, **kwargs)
        die()
    whoosh.writing.SegmentWriter.commit = commit
elif moment == "vocabulary-half-written":
    dying_on_write("words.msqa-vocabulary")
elif moment == "meta-half-written":
    dying_on_write("msqa-index.json")
elif moment == "generation-renamed":
    dying_replace(lambda n: False, lambda n: re.fullmatch(r"gen-\d{6,}", n))
elif moment == "pointer-written":
    dying_replace(lambda n: n == "CURRENT", lambda n: False)
elif moment == "published":
    dying_replace(lambda n: False, lambda n: n == "CURRENT")
else:
    raise SystemExit(f"unknown moment {moment}")

threads = faultlib.content(which)
if mode == "build":
    build_index(threads, path).close()
else:
    with open_index(path) as index:
        index.update(threads)
print("not killed", flush=True)
"""

MOMENTS = {
    # moment -> the content a reader must find afterwards
    "segments-committed": "old",
    "vocabulary-half-written": "old",
    "meta-half-written": "old",
    "generation-renamed": "old",
    "pointer-written": "old",
    "published": "new",
}


def run_writer(path: Path, mode: str, which: str, delay: float | None) -> tuple[float, int]:
    """Run one write in a child; kill it ``delay`` s after it is ready (None: let it finish)."""
    proc = start_python(WRITER, mode, path, which)
    try:
        wait_for_line(proc, "ready")
        started = time.monotonic()
        if delay is None:
            proc.wait(timeout=120)
        else:
            time.sleep(delay)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
        return time.monotonic() - started, proc.returncode
    finally:
        finish(proc)


def reset_to_old(path: Path) -> None:
    """Rebuild the OLD content at once: a stale lock would make this fail (no wait)."""
    build_index(content("old"), path, lock_timeout=0).close()


def check_tidy_after_kill(path: Path) -> list[str]:
    """Problems with the leftovers of one killed write (bounded: one write's worth)."""
    found = entries(path)
    problems = []
    if len(found["generations"]) > 3:
        problems.append(f"{len(found['generations'])} generations: {found['generations']}")
    if len(found["temporary"]) > 1:
        problems.append(f"{len(found['temporary'])} temporary entries: {found['temporary']}")
    if set(found["other"]) - {"CURRENT", "write.lock"}:
        problems.append(f"unexpected entries: {found['other']}")
    return problems


def assert_tidy_after_success(path: Path) -> None:
    found = entries(path)
    assert found["temporary"] == []
    assert len(found["generations"]) <= 2, found["generations"]
    assert found["other"] == ["CURRENT", "write.lock"]


def kill_campaign(path: Path, mode: str, points: int, seed: int) -> dict:
    """Kill ``points`` writes at seeded random moments; check the index after each."""
    rng = random.Random(seed)
    durations = []
    for _ in range(2):
        elapsed, code = run_writer(path, mode, "new", None)
        assert code == 0
        assert state_of(path) == "new"
        durations.append(elapsed)
        reset_to_old(path)
    duration = max(durations)
    tally = {"old": 0, "new": 0}
    failures = []
    delays = []
    for point in range(points):
        delay = rng.uniform(0.0, duration)
        delays.append(delay)
        run_writer(path, mode, "new", delay)
        try:
            state = state_of(path)
        except Exception as e:  # noqa: BLE001 - collect every point's failure
            failures.append(f"point {point} (kill after {delay:.3f} s): {type(e).__name__}: {e}")
            reset_to_old(path)
            continue
        tally[state] += 1
        failures += [f"point {point} (kill after {delay:.3f} s): {p}" for p in check_tidy_after_kill(path)]
        if state == "new":
            reset_to_old(path)  # the next build succeeds, no clean-up by hand
            assert_tidy_after_success(path)
        elif point % 4 == 3:
            with open_index(path) as index:  # the next update succeeds, no clean-up by hand
                index.update([], lock_timeout=0)
            assert_tidy_after_success(path)
            assert state_of(path) == "old"
    reset_to_old(path)
    assert_tidy_after_success(path)
    report = {
        "mode": mode, "points": points, "duration": round(duration, 3), **tally,
        "earliest": round(min(delays), 3), "latest": round(max(delays), 3), "failures": failures,
    }
    print(f"\nkill campaign: {report}")
    return report


@pytest.mark.slow
class TestKillAtRandomMoments:
    """SIGKILL at 32 seeded random moments of a write, spread over its measured duration."""

    @pytest.mark.parametrize("mode", ["build", "update"])
    def test_killed_write_leaves_old_or_new(self, old_index, mode):
        """After every kill the index opens and holds exactly the old or the new content."""
        report = kill_campaign(old_index, mode, points=32, seed=20240611 if mode == "build" else 1103)
        assert report["failures"] == []
        assert report["old"] + report["new"] == 32

    def test_killed_first_build_leaves_no_index_or_the_new_one(self, tmp_path):
        """A killed first build leaves 'no index' or the whole new one, and building again works."""
        path = tmp_path / "fresh"
        rng = random.Random(77)
        duration, code = run_writer(path, "build", "new", None)
        assert code == 0
        outcomes = []
        for _ in range(8):
            shutil.rmtree(path)
            run_writer(path, "build", "new", rng.uniform(0.0, duration))
            try:
                outcomes.append(state_of(path))
            except IndexNotFoundError:
                outcomes.append("none")
            assert check_tidy_after_kill(path) == []
            build_index(content("new"), path, lock_timeout=0).close()
            assert state_of(path) == "new"
            assert_tidy_after_success(path)
        assert set(outcomes) <= {"none", "new"}


@pytest.mark.slow
class TestKillAtNamedMoments:
    """SIGKILL at each step of a write: before the pointer swap the old index, after it the new."""

    @pytest.mark.parametrize("mode", ["build", "update"])
    @pytest.mark.parametrize("moment", list(MOMENTS))
    def test_kill_at_moment(self, old_index, mode, moment):
        """The index holds the content the moment implies, and the next write succeeds."""
        proc = start_python(MOMENT_WRITER, mode, old_index, "new", moment)
        try:
            out, _ = proc.communicate(timeout=120)
        finally:
            finish(proc)
        assert (proc.returncode, out) == (-signal.SIGKILL, "")
        assert state_of(old_index) == MOMENTS[moment]
        if MOMENTS[moment] == "old":
            with open_index(old_index) as index:
                leaked = "newmarker" in index.vocabulary()
            assert not leaked, "the new content's words leaked into the old generation's vocabulary"
        assert check_tidy_after_kill(old_index) == []
        if mode == "build":
            build_index(content("new"), old_index, lock_timeout=0).close()
        else:
            with open_index(old_index) as index:
                index.update(content("new"), lock_timeout=0)
        assert state_of(old_index) == "new"
        assert_tidy_after_success(old_index)


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


class TestPreviousGenerationUntouched:
    """A write never changes the files of the generation readers are using."""

    def test_update_leaves_previous_generation_files_unchanged(self, old_index):
        """Every file of the generation an update starts from keeps its bytes."""
        with open_index(old_index) as index:
            before_gen = index.stats().generation
            before = digests(old_index / before_gen)
            index.update(content("new"))
        changed = sorted(name for name, digest in digests(old_index / before_gen).items() if before.get(name) != digest)
        assert changed == []

    def test_build_leaves_previous_generation_files_unchanged(self, old_index):
        """Every file of the generation a rebuild replaces keeps its bytes."""
        with open_index(old_index) as index:
            before_gen = index.stats().generation
        before = digests(old_index / before_gen)
        build_index(content("new"), old_index).close()
        assert digests(old_index / before_gen) == before
