"""Whole CLI processes alone, on indexes already built: the library's faceted search
against FTS5's script, fresh processes alternating, as bench.run times them.

    python -m bench.cli bench/out/work-20000-s1/msqa-index bench/out/work-20000-s1/fts5.db
    python -m bench.cli INDEX DB --query botox --query "lip filler" --runs 9

Prints the medians of wall time and peak RSS of each side and their ratios.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench.run import _time_cli


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("index", type=Path, help="the library's index folder")
    ap.add_argument("db", type=Path, help="FTS5's database (bench.fts5.build)")
    ap.add_argument("--query", action="append", help="a query (repeatable, taken in turn; default botox)")
    ap.add_argument("--runs", type=int, default=9, help="timed processes a side, after one untimed")
    args = ap.parse_args(argv)
    queries = args.query or ["botox"]
    texts = [queries[i % len(queries)] for i in range(args.runs + 1)]
    with tempfile.TemporaryDirectory() as work:
        found = _time_cli(texts, args.index, args.db, Path(work))
    lib, base = found["msqa"], found["fts5"]
    for name, side in (("msqa_search", lib), ("FTS5 script", base)):
        print(f"{name:12s} {side['seconds_p50'] * 1000:7.0f} ms  {side['rss_mb_p50']:6.1f} MB (medians)")
    print(f"{'ratio':12s} {lib['seconds_p50'] / base['seconds_p50']:7.2f} x   "
          f"{lib['rss_mb_p50'] / base['rss_mb_p50']:6.2f} x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
