"""What judging stances costs a build: answers/s with and without, in one process.

    python -m bench.generate --answers 20000 --out DIR --seed 1
    python -m bench.stance_cost DIR

Builds the corpus with ``workers=1`` (CPU time, as the machine is shared) as the library
does, and with every answer given an ``unclear`` stance instead of being judged
(everything else written the same). The first build only warms the caches that later
builds in the process share (the analyser's stems), so the two that are compared run
alike. Also times the judging alone (``thread_consensus`` over every thread).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path
from unittest import mock

from msqa_search import build_index, read_threads
from msqa_search import index_stance
from msqa_search.stance import judge as stance
from msqa_search.stance import targets as stance_targets
from msqa_search.model import Stance
from msqa_search.stance.consensus import thread_consensus


def _unjudged(thread):
    return {answer.id: (Stance(label="unclear"),) for answer in thread.answers}


def _clear_caches() -> None:
    for function in (stance.read_claim, stance._echo, stance_targets.question_targets, stance_targets.target_scope):
        function.cache_clear()


def _build_cpu(threads) -> float:
    folder = Path(tempfile.mkdtemp())
    try:
        started = time.process_time()
        build_index(threads, folder / "index", workers=1).close()
        return time.process_time() - started
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.stance_cost", description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path, help="a folder of thread files (bench.generate)")
    args = ap.parse_args()
    threads = list(read_threads([args.corpus]))
    answers = sum(len(t.answers) for t in threads)
    started = time.process_time()
    for thread in threads:
        thread_consensus(thread)
    judging = time.process_time() - started
    with mock.patch.object(index_stance, "thread_stances", _unjudged):
        _build_cpu(threads)  # warm-up
        without = _build_cpu(threads)
    _clear_caches()  # judge afresh, as a build in a new process does
    with_stance = _build_cpu(threads)
    print(f"{len(threads)} threads, {answers} answers (CPU seconds, one process)")
    print(f"judging alone:        {judging:7.1f} s  {answers / judging:7.0f} answers/s")
    print(f"build without stance: {without:7.1f} s  {answers / without:7.0f} answers/s")
    print(f"build with stance:    {with_stance:7.1f} s  {answers / with_stance:7.0f} answers/s")
    print(f"ratio (with / without, time): {with_stance / without:.2f}")


if __name__ == "__main__":
    main()
