"""Search quality on real pages: msqa_search against SQLite FTS5 on judged queries.

    python -m bench.relevance                        # every query, both engines
    python -m bench.relevance --split test --json
    python -m bench.relevance --query q19            # one query's top 10 from both
    python -m bench.relevance --follow-suggestion    # msqa_search takes its "did you mean"

The judgments (bench/data/relevance-judgments.json) grade answers of the real pages
0/1/2 and name them by page file stem, answer position and the SHA-1 of the body's first
50 characters (white space collapsed), as bench/data/stance-labels.json does; they hold no
page text. Both engines index exactly the answers ``msqa_search.read_threads`` parsed, in
one run: msqa_search with its default options, FTS5 with ``porter unicode61`` and BM25
(the column weights of bench/fts5.py), the query's words ORed and an exclusion's words
after NOT. Reported per kind, per split and overall: nDCG@10 (linear gains, the ideal
ranking drawn from all judged answers of the query, unjudged results gain 0), P@5
(relevant: grade 1 or more) and how many of the top 10 are unjudged.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
from collections import Counter
from contextlib import closing
from pathlib import Path

import msqa_search

from . import fts5
from .relevance_metrics import ndcg, paired_sign_flip, precision, summary, unjudged
from .stance_eval import DEFAULT_PAGES, ROOT, find_answer

DEFAULT_JUDGMENTS = ROOT / "bench" / "data" / "relevance-judgments.json"
SPLITS = ("dev", "test", "all")
KINDS = ("question", "keyword", "misspelling", "lay-abbrev", "exclusion", "phrase")
SYSTEMS = ("msqa", "fts5")
TOP = 10


def load_queries(path: Path) -> list[dict]:
    """The judged queries of a judgments file (an object with ``queries``, or a list)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["queries"] if isinstance(data, dict) else data


def fts5_expression(query: str) -> str:
    """FTS5 MATCH text as a user would write it: every word quoted and ORed, the words of
    ``-word`` parts after NOT, over the text columns bench/fts5.py indexes."""
    wanted, excluded = [], []
    for part in query.split():
        (excluded if part.startswith("-") and len(part) > 1 else wanted).extend(
            f'"{t}"' for t in fts5._WORD.findall(part)
        )
    if not wanted:
        return ""
    expr = "(" + " OR ".join(wanted) + ")"
    if excluded:
        expr += " NOT (" + " OR ".join(excluded) + ")"
    return f"{fts5.TEXT_COLUMNS} : ({expr})"


def fts5_top(conn: sqlite3.Connection, query: str, k: int = TOP) -> list[str]:
    """Answer ids of FTS5's best k answers for the query, by BM25."""
    expr = fts5_expression(query)
    if not expr:
        return []
    rows = conn.execute(
        "SELECT a.answer_id FROM answers_fts JOIN answers a ON a.id = answers_fts.rowid "
        "WHERE answers_fts MATCH ? ORDER BY rank LIMIT ?", (expr, k)).fetchall()
    return [r[0] for r in rows]


def msqa_top(index, query: str, k: int = TOP, follow_suggestion: bool = False) -> list[str]:
    """Answer ids of msqa_search's best k answers, default options; with
    ``follow_suggestion``, those of its suggested query when it suggests one (as a reader
    who takes the "did you mean" would see)."""
    results = index.search(query, limit=k, facets=())
    if follow_suggestion and results.suggestion and results.searched is None:
        results = index.search(results.suggestion, limit=k, facets=())
    return [hit.answer_id for hit in results.hits]


def map_judgments(queries: list[dict], threads: dict, pages: Path) -> tuple[Counter, list[dict]]:
    """Give each judgment the id of the indexed answer it names (``answer_id``, None when
    not found); returns how they were found, and each judged answer not found with why
    and the queries that judge it."""
    found: Counter = Counter()
    unmatched: dict[str, dict] = {}
    for q in queries:
        for j in q["judgments"]:
            threads.setdefault(j["file"], None)  # a page read_threads did not give: unparsed
            answer, how = find_answer(j, threads, pages)
            found[how] += 1
            j["answer_id"] = answer.id if answer else None
            if answer is None:
                thread = threads[j["file"]]
                why = how if thread is None else f"{how}; the parse has {len(thread.answers)} answers"
                entry = unmatched.setdefault(f"{j['file']}#{j['position']}", {"why": why, "queries": []})
                entry["queries"].append(q["id"])
    return found, [{"answer": k, **v} for k, v in unmatched.items()]


def judged(query: dict) -> tuple[dict[str, int], list[int]]:
    """The query's gains by indexed answer id, and the grades of every judged answer."""
    gains: dict[str, int] = {}
    for j in query["judgments"]:
        if j["answer_id"] is not None:
            gains[j["answer_id"]] = max(gains.get(j["answer_id"], 0), j["grade"])
    ideal = list(gains.values()) + [j["grade"] for j in query["judgments"] if j["answer_id"] is None]
    return gains, ideal


def score(query: dict, rankings: dict[str, list[str]]) -> dict:
    """One query's row: its measures per system, and each system's top 10 with grades."""
    gains, ideal = judged(query)
    row = {k: query[k] for k in ("id", "kind", "split", "query")}
    for system, ranked in rankings.items():
        row[system] = {
            "ndcg": ndcg(ranked, gains, ideal, TOP), "p5": precision(ranked, gains, 5),
            "unjudged": unjudged(ranked, gains, TOP),
            "top": [[d, gains.get(d)] for d in ranked[:TOP]],
        }
    return row


def evaluate(queries: list[dict], pages: Path, follow_suggestion: bool = False) -> dict:
    """Parse the pages, index them in both engines, run every query; all the figures."""
    problems: list = []
    parsed = msqa_search.read_threads([pages], on_problem=problems.append)
    threads = {t.id: t for t in parsed}
    found, unmatched = map_judgments(queries, threads, pages)
    errors = []
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        answers = fts5.build(parsed, Path(tmp) / "fts5.db")
        with msqa_search.build_index(parsed, Path(tmp) / "index") as index, \
                closing(fts5.connect(Path(tmp) / "fts5.db")) as conn:
            for q in queries:
                rankings = {}
                for system, top in (("msqa", lambda: msqa_top(index, q["query"], follow_suggestion=follow_suggestion)),
                                    ("fts5", lambda: fts5_top(conn, q["query"]))):
                    try:
                        rankings[system] = top()
                    except (msqa_search.MsqaError, sqlite3.Error) as e:
                        errors.append(f"{q['id']} {system}: {e}")
                        rankings[system] = []
                rows.append(score(q, rankings))
    return {
        "pages": {"read": len(parsed), "failed": [{"path": Path(p.path).name, "message": p.message}
                                                  for p in problems]},
        "msqa_follows_suggestion": follow_suggestion, "answers": answers, "found": dict(found), "unmatched": unmatched, "errors": errors,
        "rows": rows,
    }


def group(rows: list[dict]) -> dict:
    """A group's means per system, how many queries each system wins on nDCG@10, and the
    p-value of a paired randomisation test on the nDCG@10 differences."""
    diffs = [r["msqa"]["ndcg"] - r["fts5"]["ndcg"] for r in rows]
    return {
        **summary(rows, SYSTEMS),
        "wins": {"msqa": sum(d > 0 for d in diffs), "tie": sum(d == 0 for d in diffs),
                 "fts5": sum(d < 0 for d in diffs)},
        "p_ndcg": paired_sign_flip(diffs),
    }


def tables(rows: list[dict]) -> dict:
    """Figures of the rows per kind, per split, and over all of them."""
    return {
        "kind": {k: group([r for r in rows if r["kind"] == k]) for k in KINDS
                 if any(r["kind"] == k for r in rows)},
        "split": {s: group([r for r in rows if r["split"] == s]) for s in SPLITS[:2]
                  if any(r["split"] == s for r in rows)},
        "all": group(rows),
    }


def _line(name: str, s: dict) -> str:
    m, f, w = s["msqa"], s["fts5"], s["wins"]
    return (f"{name:<12} {s['queries']:>3}  {m['ndcg']:6.3f} {f['ndcg']:6.3f}  "
            f"{m['p5']:6.3f} {f['p5']:6.3f}  {m['unjudged']:5.1f} {f['unjudged']:5.1f}"
            f"  {w['msqa']:>2}/{w['tie']:>2}/{w['fts5']:>2}  {s['p_ndcg']:5.2f}")


def report(result: dict, split: str, losses: int = 10) -> str:
    """The figures as plain text: parse and match counts, the tables, the biggest losses."""
    pages, found = result["pages"], result["found"]
    lines = [f"pages: {pages['read']} parsed, {len(pages['failed'])} failed"]
    lines += [f"  failed: {p['path']}: {p['message']}" for p in pages["failed"]]
    lines.append(f"answers indexed (both engines): {result['answers']}")
    if result["msqa_follows_suggestion"]:
        lines.append("msqa_search searches its suggestion when it makes one")
    lines.append("judged answers: " + ", ".join(
        f"{found.get(k, 0)} {k}" for k in ("position", "body_start", "unmatched", "unparsed")))
    lines += [f"  not found: {u['answer']} ({u['why']}): {' '.join(u['queries'])}"
              for u in result["unmatched"]]
    lines += [f"  error: {e}" for e in result["errors"]]
    t = result["tables"]
    lines += ["", f"split: {split}", f"{'':<12} {'n':>3}  {'nDCG@10':^13}  {'P@5':^13}  {'unjudged@10':^11}  {'wins':^8}  {'p':>5}",
              f"{'':<12} {'':>3}  {'msqa':>6} {'fts5':>6}  {'msqa':>6} {'fts5':>6}  {'msqa':>5} {'fts5':>5}  {'m/=/f':^8}  {'nDCG':>5}"]
    lines += [_line(k, s) for k, s in t["kind"].items()]
    lines.append("")
    lines += [_line(s, v) for s, v in t["split"].items()]
    lines.append(_line("overall", t["all"]))
    behind = sorted((r for r in result["rows"] if r["msqa"]["ndcg"] < r["fts5"]["ndcg"]),
                    key=lambda r: r["msqa"]["ndcg"] - r["fts5"]["ndcg"])
    lines += ["", f"msqa_search behind on {len(behind)} queries (nDCG@10 msqa / fts5), largest first:"]
    lines += [f"  {r['id']} {r['kind']:<12} {r['split']:<5} {r['msqa']['ndcg']:.3f} / {r['fts5']['ndcg']:.3f}"
              f"  {r['query']}" for r in behind[:losses]]
    return "\n".join(lines)


def show_query(row: dict) -> str:
    """One query's top 10 from both engines, side by side: answer id and grade (- unjudged)."""
    lines = [f"{row['id']} [{row['kind']}, {row['split']}] {row['query']}",
             f"nDCG@10 msqa {row['msqa']['ndcg']:.3f}  fts5 {row['fts5']['ndcg']:.3f}   "
             f"P@5 msqa {row['msqa']['p5']:.3f}  fts5 {row['fts5']['p5']:.3f}"]
    for system in SYSTEMS:
        lines.append(f"-- {system}")
        for rank, (answer_id, grade) in enumerate(row[system]["top"], 1):
            lines.append(f"{rank:>3}  {'-' if grade is None else grade}  {answer_id}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.relevance", description=__doc__.splitlines()[0])
    parser.add_argument("--judgments", type=Path, default=DEFAULT_JUDGMENTS, help="judgments JSON")
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="folder of the judged pages")
    parser.add_argument("--split", choices=SPLITS, default="all", help="the queries to measure")
    parser.add_argument("--query", metavar="ID", help="show this query's top 10 from both engines")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--follow-suggestion", action="store_true",
                        help="msqa_search searches its suggested query when it makes one")
    args = parser.parse_args(argv)
    if not args.judgments.is_file():
        print(f"no judgments file at {args.judgments}", file=sys.stderr)
        return 2
    if not args.pages.is_dir():
        print(f"no pages folder at {args.pages}", file=sys.stderr)
        return 2
    queries = load_queries(args.judgments)
    if args.query:
        queries = [q for q in queries if q["id"] == args.query]
        if not queries:
            print(f"no query {args.query!r} in {args.judgments}", file=sys.stderr)
            return 2
    else:
        queries = [q for q in queries if args.split == "all" or q["split"] == args.split]
    result = evaluate(queries, args.pages, follow_suggestion=args.follow_suggestion)
    result["tables"] = tables(result["rows"])
    if args.json:
        print(json.dumps({"split": args.split, **result}, indent=1))
    elif args.query:
        print(show_query(result["rows"][0]))
    else:
        print(report(result, args.split))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
