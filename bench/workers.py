"""The benchmark's measured subprocesses: full builds and 1% updates, one side each.

    python -m bench.workers build  msqa|fts5 CORPUS TARGET
    python -m bench.workers update msqa|fts5 CORPUS TARGET
    python -m bench.workers parse  -    CORPUS -

Each prints one JSON line of timings. They run in their own processes (started through
``bench.measure``) so that each build's peak memory is its own. Both sides index the same
records, parsed by ``msqa_search.read_threads`` one file at a time and streamed into the
build, so that no side holds the parsed corpus (1M answers are about 2 GB of records);
``parse`` times the parsing alone, the share of each build that both sides pay.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import attrs

UPDATE_EVERY = 100  # update 1% of the threads: every 100th file


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


class _Stream:
    """The corpus's threads, parsed one file at a time as the build asks for them."""

    def __init__(self, corpus: Path):
        self.files, self.threads, self.answers = corpus_files(corpus), 0, 0

    def __iter__(self):
        import msqa_search

        for path in self.files:
            for thread in msqa_search.read_threads([path]):  # one file: one thread
                self.threads += 1
                self.answers += len(thread.answers)
                yield thread


def parse(corpus: Path) -> dict:
    """Parse every file and drop the records: the parsing share of a build."""
    stream = _Stream(corpus)
    start = time.perf_counter()
    for _ in stream:
        pass
    return {"threads": stream.threads, "answers": stream.answers,
            "parse_seconds": time.perf_counter() - start}


def build(side: str, corpus: Path, target: Path) -> dict:
    """Parse and index the corpus, streaming: the time from files to a searchable index."""
    import msqa_search  # imported before the clock starts, on both sides

    from bench import fts5

    stream = _Stream(corpus)
    start = time.perf_counter()
    if side == "msqa":
        msqa_search.build_index(stream, target).close()
    else:
        fts5.build(stream, target)
    return {"threads": stream.threads, "answers": stream.answers,
            "build_seconds": time.perf_counter() - start}


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
    if action == "parse":
        print(json.dumps(parse(Path(corpus))))
        return 0
    if side not in ("msqa", "fts5") or action not in ("build", "update"):
        raise SystemExit(__doc__)
    run = build if action == "build" else update
    print(json.dumps(run(side, Path(corpus), Path(target))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
