"""Measuring helpers: whole-process time and peak RSS of a command, percentiles, sizes.

Why a launcher: a child's ``ru_maxrss`` counts the memory of the process it was forked
from until it execs (Linux keeps the larger of the two high-water marks), so a command
started from the benchmark runner, which holds an index and a corpus sample, would report
the runner's RSS. ``run_measured`` therefore starts each command from a fresh, small
Python process (``python -m bench.measure CMD...``), which waits for it with ``wait4``
and reports that one child's wall time and ``ru_maxrss``. The launcher's own ~10 MB is a
floor below any Python command's real peak, so it does not distort the figures.

A command that starts processes of its own (the library's parallel build runs worker
processes) has a peak that ``ru_maxrss`` does not show, so the launcher also samples
the whole process tree every ``SAMPLE_SECONDS`` and reports the largest sum of its
processes' RSS. Pages shared between them (the interpreter, numpy) count once per
process, about 15 MB each, so the sum is a slight overestimate.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the project folder (for PYTHONPATH)


SAMPLE_SECONDS = 0.2


@dataclass
class ProcessFigures:
    seconds: float
    max_rss_mb: float
    """``ru_maxrss`` of the command's own process."""
    returncode: int
    tree_peak_mb: float = 0.0
    """The largest sampled memory of the command and every process it started."""


def run_measured(cmd: list[str], stdout_path: Path | None = None,
                 timeout: float | None = None, tree: bool = False) -> ProcessFigures:
    """Run ``cmd`` (from ROOT, with ROOT on PYTHONPATH) and measure it alone.

    The command's stdout goes to ``stdout_path`` (or is discarded); its stderr passes
    through so errors stay visible. With ``tree``, the memory of the processes it starts
    is sampled too (``tree_peak_mb``; without it, that is ``max_rss_mb``).
    """
    launcher = [sys.executable, "-m", "bench.measure"]
    if tree:
        launcher.append("--tree")
    if stdout_path is not None:
        launcher += ["--stdout", str(stdout_path)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    done = subprocess.run([*launcher, "--", *cmd], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)
    sys.stderr.write(done.stderr)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"launcher failed ({done.returncode}) for {cmd}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return ProcessFigures(data["seconds"], data["max_rss_kb"] / 1024, data["returncode"],
                          data["tree_peak_kb"] / 1024)


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def _memory_kb(pid: int) -> int:
    """RSS of one process in kB (0 once it is gone). Not PSS: reading smaps_rollup walks
    the page tables, which for a 700 MB build worker costs the sampler a tenth of a core."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_memory_kb(root: int) -> int:
    """Memory of ``root`` and all its descendants now, in kB."""
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _memory_kb(pid)
        todo += _children(pid)
    return total


def _launch(argv: list[str]) -> int:
    """The launcher's side: spawn, wait4, print one JSON line."""
    stdout = os.devnull
    tree = argv[:1] == ["--tree"]
    if tree:
        argv = argv[1:]
    if argv[:1] == ["--stdout"]:
        stdout, argv = argv[1], argv[2:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    actions = [(os.POSIX_SPAWN_OPEN, 1, stdout, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)]
    start = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
    peak, stop = [0], threading.Event()

    def sample() -> None:  # in a thread, so that wait4 sees the end at once
        while not stop.wait(SAMPLE_SECONDS):
            peak[0] = max(peak[0], tree_memory_kb(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    if tree:
        sampler.start()
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    stop.set()
    if tree:
        sampler.join()
    print(json.dumps({"seconds": seconds, "max_rss_kb": usage.ru_maxrss,
                      "tree_peak_kb": max(peak[0], usage.ru_maxrss),
                      "returncode": os.waitstatus_to_exitcode(status)}))
    return 0


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100), interpolated between the closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def disk_size(path: Path) -> int:
    """Bytes under ``path`` (a file or a folder); hard-linked files count once."""
    if path.is_file():
        return path.stat().st_size
    inodes = {}
    for p in path.rglob("*"):
        st = p.stat()
        if p.is_file():
            inodes[(st.st_dev, st.st_ino)] = st.st_size
    return sum(inodes.values())


if __name__ == "__main__":
    sys.exit(_launch(sys.argv[1:]))
