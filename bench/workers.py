"""The benchmark's measured subprocesses: full builds and 1% updates, one side each.

    python -m bench.workers build  msqa|fts5 CORPUS TARGET
    python -m bench.workers update msqa|fts5 CORPUS TARGET

Each prints one JSON line of timings. They run in their own processes (started through
``bench.measure``) so that each build's peak RSS is its own. Both sides index the same
records: the corpus parsed by ``msqa_search.read_threads``.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import attrs

UPDATE_EVERY = 100  # update 1% of the threads: every 100th file


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def corpus_files(corpus: Path) -> list[Path]:
    """The thread files of a generated corpus, in order."""
    return sorted(corpus.glob("*/*.txt"))


def changed(threads: list) -> list:
    """The update: each thread's answers get a new closing paragraph, and every other
    thread loses its last answer (so updates also delete answers)."""
    note = "Update: the patient came back for a follow up and the botox had worn off."
    out = []
    for i, thread in enumerate(threads):
        answers = [attrs.evolve(a, body=f"{a.body}\n\n{note}") for a in thread.answers]
        if i % 2 and len(answers) > 1:
            answers = answers[:-1]
        out.append(attrs.evolve(thread, answers=answers))
    return out


def _read(paths: list[Path]) -> tuple[list, float]:
    import msqa_search

    start = time.perf_counter()
    threads = msqa_search.read_threads(paths)
    return threads, time.perf_counter() - start


def build(side: str, corpus: Path, target: Path) -> dict:
    from bench import generate

    threads, parse_seconds = _read(generate.corpus_folders(corpus))
    answers = sum(len(t.answers) for t in threads)
    rss_records = _rss_mb()
    start = time.perf_counter()
    if side == "msqa":
        import msqa_search

        msqa_search.build_index(threads, target).close()
    else:
        from bench import fts5

        fts5.build(threads, target)
    return {"threads": len(threads), "answers": answers, "parse_seconds": parse_seconds,
            "build_seconds": time.perf_counter() - start, "rss_after_parse_mb": rss_records}


def update(side: str, corpus: Path, target: Path) -> dict:
    threads, _ = _read(corpus_files(corpus)[::UPDATE_EVERY])
    threads = changed(threads)
    start = time.perf_counter()
    if side == "msqa":
        import msqa_search

        index = msqa_search.open_index(target)
        index.update(threads)
        index.close()
    else:
        from bench import fts5

        conn = fts5.connect(target)
        fts5.update(conn, threads)
        conn.close()
    return {"threads": len(threads), "answers": sum(len(t.answers) for t in threads),
            "update_seconds": time.perf_counter() - start}


def main(argv: list[str]) -> int:
    action, side, corpus, target = argv
    if side not in ("msqa", "fts5") or action not in ("build", "update"):
        raise SystemExit(__doc__)
    run = build if action == "build" else update
    print(json.dumps(run(side, Path(corpus), Path(target))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
