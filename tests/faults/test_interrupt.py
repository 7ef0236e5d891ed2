"""Ctrl-C during `msqa-search index` stops with one line and exit 130, the index as it was."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from faultlib import (
    K_OLD,
    N_OLD,
    child_env,
    cli_command,
    entries,
    make_threads,
    state_of,
    states,
    stderr_lines,
    write_thread_files,
)

import msqa_search.parse.files
from msqa_search import build_index, read_threads, store
from msqa_search.cli import cli

INTERRUPTED = "msqa-search: interrupted; the index is as it was before this command"
PUBLISHED = "msqa-search: interrupted after the new index was published; it holds the new content"
N_BIG, K_BIG = 500, 2
BIG = states(N_OLD, K_OLD, N_BIG, K_BIG)


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> dict[str, Path]:
    """Thread files: the OLD content, and a big NEW one that reuses the OLD ids."""
    root = tmp_path_factory.mktemp("corpora")
    return {
        "old": write_thread_files(make_threads("oldmarker", N_OLD, K_OLD), root / "old"),
        "new": write_thread_files(make_threads("newmarker", N_BIG, K_BIG, words=40), root / "new"),
    }


def reset(path: Path, corpora) -> None:
    build_index(read_threads([corpora["old"]]), path, lock_timeout=0).close()


def index_args(mode: str, path: Path, corpora) -> list[str]:
    rebuild = ["--rebuild"] if mode == "build" else []
    return [*cli_command(), "index", *rebuild, "--index", str(path), str(corpora["new"])]


def run_and_interrupt(args: list[str], path: Path, delay: float | None) -> tuple[int, str, str, float]:
    """Run the command; ``delay`` s after its write starts, send SIGINT (None: never)."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=child_env(), stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not any(".tmp-" in name for name in os.listdir(path)):
            if proc.poll() is not None or time.monotonic() > deadline:
                break
            time.sleep(0.002)
        started = time.monotonic()
        if delay is not None:
            time.sleep(delay)
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
        return proc.returncode, out, err, time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


@pytest.mark.slow
class TestCtrlCDuringIndex:
    """SIGINT at seeded random moments of `msqa-search index` (a rebuild, then an update)."""

    @pytest.mark.parametrize("mode", ["build", "update"])
    def test_interrupt_leaves_index_as_it_was(self, tmp_path, corpora, mode):
        """Exit 130 with one line and the old index; or, for a signal that comes after the
        new index is published, the new index with a line saying so (exit 130) or, once the
        report is being printed, exit 0. Never a death by the signal (exit -2)."""
        path = tmp_path / "index"
        reset(path, corpora)
        args = index_args(mode, path, corpora)
        code, _, err, duration = run_and_interrupt(args, path, None)
        assert (code, [line for line in err.splitlines() if "Traceback" in line]) == (0, [])
        assert state_of(path, BIG) == "new"
        reset(path, corpora)
        rng = random.Random(4242 if mode == "build" else 2424)
        outcomes = []
        for _ in range(6):
            delay = rng.uniform(0.0, duration)
            code, out, err, _ = run_and_interrupt(args, path, delay)
            state = state_of(path, BIG)
            outcomes.append((round(delay, 3), code, state))
            if code == 130 and state == "old":
                assert stderr_lines(err) == [INTERRUPTED], (delay, err)
            elif code == 130:
                assert (stderr_lines(err), state) == ([PUBLISHED], "new"), (delay, err)
                reset(path, corpora)
            else:
                assert (code, state) == (0, "new"), (delay, err)
                reset(path, corpora)
        print(f"\nCtrl-C {mode}: {outcomes}")
        code, _, err, _ = run_and_interrupt(args, path, None)  # the next run needs no clean-up
        assert (code, stderr_lines(err)) == (0, [])
        assert state_of(path, BIG) == "new"
        found = entries(path)
        assert (found["temporary"], found["other"]) == ([], ["CURRENT", "write.lock"])
        assert len(found["generations"]) <= 2


class TestInterruptInProcess:
    """KeyboardInterrupt raised at chosen points of `msqa-search index`, through click."""

    @pytest.mark.parametrize("mode", ["build", "update"])
    def test_interrupt_while_reading_files(self, tmp_path, corpora, monkeypatch, mode):
        """Ctrl-C while the thread files are read: exit 130, one line, old index intact."""
        path = tmp_path / "index"
        reset(path, corpora)
        real = msqa_search.parse.files.read_thread
        calls = []

        def read_thread(file):
            calls.append(file)
            if len(calls) == 100:
                raise KeyboardInterrupt
            return real(file)

        monkeypatch.setattr(msqa_search.parse.files, "read_thread", read_thread)
        rebuild = ["--rebuild"] if mode == "build" else []
        result = CliRunner().invoke(cli, ["index", *rebuild, "--index", str(path), str(corpora["new"])])
        assert (result.exit_code, stderr_lines(result.stderr), result.stdout) == (130, [INTERRUPTED], "")
        monkeypatch.undo()
        assert state_of(path, BIG) == "old"
        assert entries(path)["temporary"] == []

    @pytest.mark.parametrize("mode", ["build", "update"])
    @pytest.mark.slow  # a build or update a case; the full run has it
    def test_interrupt_after_the_new_index_is_published(self, tmp_path, corpora, monkeypatch, mode):
        """Ctrl-C once the new generation is live must not claim the index is unchanged."""
        path = tmp_path / "index"
        reset(path, corpora)
        published = []
        real_publish, real_clean = store.publish, store.clean

        def publish(root, tmp, final):
            real_publish(root, tmp, final)
            published.append(final)

        def clean(root, keep_previous=True):
            if published:
                raise KeyboardInterrupt
            real_clean(root, keep_previous)

        monkeypatch.setattr(store, "publish", publish)
        monkeypatch.setattr(store, "clean", clean)
        rebuild = ["--rebuild"] if mode == "build" else []
        result = CliRunner().invoke(cli, ["index", *rebuild, "--index", str(path), str(corpora["new"])])
        monkeypatch.undo()
        state = state_of(path, BIG)
        told = (result.exit_code, stderr_lines(result.stderr))
        if state == "new":
            assert told[1] != [INTERRUPTED], "the new index is live, yet the message says it is as it was"
        else:
            assert told == (130, [INTERRUPTED])
