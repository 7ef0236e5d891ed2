"""Searches in other processes go on during writes; a second writer waits, then gets a clear error."""

from __future__ import annotations

import json
import time

import pytest
from faultlib import N_OLD, K_OLD, content, finish, make_threads, start_python, state_of, wait_for_line

from msqa_search import IndexLockedError, Results, build_index, open_index, store

# A reader: search in a loop until the stop file appears, then print what it saw as JSON.
# "kept" keeps one SearchIndex open across searches; "fresh" opens the index for each round.
# Every single answer must come from the old content or from the new one: counts are
# checked per call, and each hit's stored text must say the marker it was found by.
READER = r"""
import json, os, sys, traceback
from msqa_search import open_index

path, stop, style = sys.argv[1:4]
seen = {"old": 0, "new": 0}
errors = []
kept = open_index(path) if style == "kept" else None
print("ready", flush=True)

def one_round(index):
    stats = index.stats()
    assert (stats.threads, stats.answers) in ((40, 120), (60, 120)), stats
    old = index.search("oldmarker", synonyms=False, limit=3)
    new = index.search("newmarker", synonyms=False, limit=3)
    assert old.total in (0, 120) and new.total in (0, 120), (old.total, new.total)
    for results, marker in ((old, "oldmarker"), (new, "newmarker")):
        for hit in results.hits:
            assert marker in hit.body, (marker, hit.answer_id, hit.body[:80])
    if old.total:
        seen["old"] += 1
    if new.total:
        seen["new"] += 1

while not os.path.exists(stop):
    try:
        if kept is not None:
            one_round(kept)
        else:
            with open_index(path) as index:
                one_round(index)
    except Exception:
        errors.append(traceback.format_exc())
print(json.dumps({"seen": seen, "errors": errors[:3], "error_count": len(errors)}), flush=True)
"""

# A writer that holds the lock: an update whose threads come slowly.
SLOW_WRITER = r"""
import sys, time
import faultlib
from msqa_search import open_index

path, seconds = sys.argv[1], float(sys.argv[2])
threads = faultlib.make_threads("writera", 30, 1, prefix="a")

def slowly():
    print("locked", flush=True)
    for thread in threads:
        time.sleep(seconds / len(threads))
        yield thread

with open_index(path) as index:
    index.update(slowly())
print("done", flush=True)
"""

# A writer that waits as long as it takes, for the no-lost-update test.
PATIENT_WRITER = r"""
import sys
import faultlib
from msqa_search import open_index

path, prefix = sys.argv[1:3]
print("ready", flush=True)
with open_index(path) as index:
    index.update(faultlib.make_threads("writer" + prefix, 20, 1, prefix=prefix), lock_timeout=120)
print("done", flush=True)
"""


def total(path, word: str) -> int:
    with open_index(path) as index:
        return index.search(word, synonyms=False, facets=()).total


@pytest.mark.slow
class TestSearchDuringWrites:
    """Readers in two other processes during eight back-to-back writes."""

    def test_readers_never_fail_during_writes(self, old_index, tmp_path):
        """Every search of every reader answers, from the old content or the new one."""
        stop = tmp_path / "stop"
        readers = [start_python(READER, old_index, stop, style) for style in ("kept", "fresh")]
        try:
            for reader in readers:
                wait_for_line(reader, "ready")
            time.sleep(0.3)
            for n in range(8):
                if n % 4 == 2:
                    with open_index(old_index) as index:
                        index.update(content("new"))
                else:
                    build_index(content("new" if n % 2 == 0 else "old"), old_index).close()
            time.sleep(0.3)
            stop.touch()
            reports = [json.loads(reader.communicate(timeout=60)[0].splitlines()[-1]) for reader in readers]
        finally:
            stop.touch()
            for reader in readers:
                finish(reader)
        print(f"\nreaders: {reports}")
        assert [(r["error_count"], r["errors"]) for r in reports] == [(0, []), (0, [])]
        assert all(r["seen"]["old"] > 0 and r["seen"]["new"] > 0 for r in reports), reports


@pytest.mark.slow
class TestTwoWriters:
    """A second writer waits lock_timeout seconds, then gets IndexLockedError; nothing is lost."""

    @pytest.mark.parametrize("second", ["update", "build"])
    def test_second_writer_gets_locked_error_then_retries(self, old_index, second):
        """The second writer fails after its bounded wait; retried, both writes are kept."""
        holder = start_python(SLOW_WRITER, old_index, 3.0)
        try:
            wait_for_line(holder, "locked")
            started = time.monotonic()
            assert state_of(old_index) == "old"  # readers are not blocked by the writer
            with open_index(old_index) as index:
                with pytest.raises(IndexLockedError) as caught:
                    if second == "update":
                        index.update(make_threads("writerb", 20, 1, prefix="b"), lock_timeout=0.5)
                    else:
                        build_index(content("new"), old_index, lock_timeout=0.5)
            waited = time.monotonic() - started
            assert str(caught.value) == (
                f"another process is writing the index at {old_index} and did not finish"
                " within 0.5 s; try again when it is done"
            )
            assert (caught.value.path, caught.value.timeout) == (str(old_index), 0.5)
            assert 0.5 <= waited < 2.5
            assert holder.poll() is None  # the first writer still holds the lock
            with open_index(old_index) as index:  # the retry waits for the first writer
                if second == "update":
                    index.update(make_threads("writerb", 20, 1, prefix="b"), lock_timeout=60)
                else:
                    build_index(content("new"), old_index, lock_timeout=60).close()
            assert holder.wait(timeout=60) == 0
        finally:
            finish(holder)
        if second == "update":
            with open_index(old_index) as index:
                stats = index.stats()
            assert (stats.threads, stats.answers) == (N_OLD + 30 + 20, N_OLD * K_OLD + 30 + 20)
            assert (total(old_index, "writera"), total(old_index, "writerb"), total(old_index, "oldmarker")) == (
                30, 20, N_OLD * K_OLD)
        else:
            assert state_of(old_index) == "new"  # the rebuild came last and replaced everything

    def test_concurrent_updates_lose_nothing(self, old_index):
        """Three updates started together all land: every one's threads are in the index."""
        writers = [start_python(PATIENT_WRITER, old_index, prefix) for prefix in ("x", "y", "z")]
        try:
            for writer in writers:
                wait_for_line(writer, "ready")
            codes = [writer.wait(timeout=120) for writer in writers]
        finally:
            for writer in writers:
                finish(writer)
        assert codes == [0, 0, 0]
        with open_index(old_index) as index:
            stats = index.stats()
        assert (stats.threads, stats.answers) == (N_OLD + 60, N_OLD * K_OLD + 60)
        assert [total(old_index, f"writer{p}") for p in "xyz"] == [20, 20, 20]


class TestPublishDuringOneCall:
    """A writer publishes while one search or stats call of a long-lived SearchIndex runs."""

    @staticmethod
    def lagging_pointer(monkeypatch, first: str) -> None:
        """The call's first look at CURRENT still sees ``first``: the publish lands just after."""
        real = store.current_generation
        calls = []

        def current_generation(root):
            calls.append(root)
            return root / first if len(calls) == 1 else real(root)

        monkeypatch.setattr(store, "current_generation", current_generation)

    def test_stats_while_a_new_generation_is_published(self, old_index, monkeypatch):
        """stats() answers from one generation, old or new, without an error."""
        with open_index(old_index) as index:
            first = index.stats().generation
            build_index(content("new"), old_index).close()
            self.lagging_pointer(monkeypatch, first)
            stats = index.stats()
        assert (stats.threads, stats.answers) in ((N_OLD, N_OLD * K_OLD), (60, 120))

    def test_search_while_a_new_generation_is_published(self, old_index, monkeypatch):
        """search() answers from one generation, old or new, without an error."""
        with open_index(old_index) as index:
            first = index.stats().generation
            build_index(content("new"), old_index).close()
            self.lagging_pointer(monkeypatch, first)
            results = index.search("oldmarker", synonyms=False)
        assert isinstance(results, Results)
        assert results.total in (0, N_OLD * K_OLD)
