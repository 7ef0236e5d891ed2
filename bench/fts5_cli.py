"""The FTS5 baseline as a command, for whole-process timings against the library's CLI.

    python bench/fts5_cli.py "botox" --db bench/out/work-100000-s1/fts5.db

Like ``python -m msqa_search QUERY --no-color``: open the database, run one query with
facet counts (all four facets and spelling suggestions by default, as the library's CLI
does), print the top hits with their title and doctor line and a snippet, then the facet
tables. Exit status 0 when answers match, 1 when none do.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import fts5  # noqa: E402  (needs the path above when run as a script)

ALL_FACETS = ("specialty", "city", "rating", "doctor")


def _doctor_line(hit: fts5.Hit) -> str:
    if hit.doctor == "unknown" and hit.specialty == "unknown":
        return "unsigned answer"
    parts = [hit.doctor, hit.specialty, hit.city]
    if hit.rating is not None:
        noun = "review" if hit.reviews == 1 else "reviews"
        parts.append(f"{hit.rating:.1f} stars ({hit.reviews} {noun})")
    return " | ".join(p for p in parts if p != "unknown")


def lines(result: fts5.Result, top: int = 8) -> list[str]:
    """The text the command prints for ``result``."""
    out = [f"{result.total:,} answers match {result.query!r}", ""]
    for rank, hit in enumerate(result.hits, start=1):
        out.append(f"{rank:>2}. {hit.title or '(untitled answer)'}  [{hit.answer_id}]")
        out.append(f"    in: {hit.thread_title}")
        out.append(f"    {_doctor_line(hit)}")
        out.append(f"    {hit.snippet}")
        out.append("")
    for name, values in result.facets.items():
        if not values:
            continue
        out.append(f"{name}:")
        width = max(len(v) for v, _ in values[:top])
        most = values[0][1]
        for value, count in values[:top]:
            bar = "#" * max(1, round(20 * count / most))
            out.append(f"  {value:<{width}}  {count:>7,}  {bar}")
        if len(values) > top:
            out.append(f"  ... and {len(values) - top} more")
        out.append("")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("query")
    ap.add_argument("--db", required=True, type=Path, help="the baseline database")
    ap.add_argument("--limit", type=int, default=10)
    ap.add_argument("--specialty")
    ap.add_argument("--min-rating", type=float)
    ap.add_argument("--facet", dest="facets", action="append", choices=ALL_FACETS,
                    help="facet to count (repeatable); default: all four")
    args = ap.parse_args(argv)
    try:
        conn = fts5.connect(args.db)
    except FileNotFoundError:
        print(f"fts5_cli: no database at {args.db}", file=sys.stderr)
        return 2
    result = fts5.search(conn, args.query, limit=args.limit, specialty=args.specialty,
                         min_rating=args.min_rating, facets=tuple(args.facets or ALL_FACETS))
    conn.close()
    if result.searched:
        print(f"No answers match {result.query!r}; showing results for {result.searched!r}.\n")
    if not result.total:
        print(f"fts5_cli: no answers match {args.query!r}.", file=sys.stderr)
        return 1
    print("\n".join(lines(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
