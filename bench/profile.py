"""Profile the library on one kind of the benchmark's query mix, cold, as bench.run times it.

    python -m bench.profile bench/out/work-100000-s1 --kind plain [--top 25]

Opens the index that ``bench.run`` built in that folder, runs the queries of one kind
from its ``queries.json`` (each once, in a fresh process, as in the timed run) under
cProfile, and prints the functions with the most cumulative and own time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
from pathlib import Path

from . import queries


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n")[0])
    ap.add_argument("work", type=Path, help="a work folder of bench.run (work-<answers>-s<seed>)")
    ap.add_argument("--kind", choices=queries.KINDS, default="plain")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args(argv)
    import msqa_search

    mix = [queries.Query(**{**q, "facets": tuple(q["facets"])})
           for q in json.loads((args.work / "queries.json").read_text())]
    index = msqa_search.open_index(args.work / "msqa-index")
    index.search("zzzz")  # the first search loads what every search needs: not profiled
    chosen = [q for q in mix if q.kind == args.kind]
    prof = cProfile.Profile()
    start = time.perf_counter()
    prof.enable()
    for q in chosen:
        index.search(q.text, limit=10, specialty=q.specialty, min_rating=q.min_rating,
                     facets=q.facets, group_by_thread=q.group_by_thread)
    prof.disable()
    seconds = time.perf_counter() - start
    index.close()
    print(f"{len(chosen)} {args.kind} queries, {seconds * 1000 / len(chosen):.1f} ms each "
          "under the profiler")
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats(order).print_stats(args.top)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
