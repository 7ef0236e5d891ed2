"""The one-command benchmark: msqa_search against a SQLite FTS5 baseline, cold queries.

    python -m bench.run --answers 100k [--out bench/out] [--queries 500] [--cli-runs 9]

Generates (or reuses) the corpus, times the parsing, builds both indexes in measured
subprocesses (time, peak memory of the whole process tree), updates 1% of the threads on
copies, opens both indexes in this process (open time reported on its own) and runs a
mix of distinct queries, each timed once, the first time it runs, alternating the sides
query by query. Then times fresh CLI processes, each with another faceted query, against
the baseline's script, checks facet counts against FTS5's GROUP BY, and writes
``results.md`` and ``results.json`` (plus ``results-<answers>.*`` copies).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import sys
import time
from pathlib import Path

from . import fts5, generate, measure, queries, report, workers

RECOUNT_LIMIT = 5000
CLI_FACETS = ("specialty", "city", "rating")


def _worker(action: str, side: str, corpus: Path, target: Path, work: Path) -> dict:
    out = work / f"{action}-{side}.json"
    fig = measure.run_measured([sys.executable, "-m", "bench.workers", action, side,
                                str(corpus), str(target)], stdout_path=out, tree=True)
    if fig.returncode != 0:
        raise RuntimeError(f"{action} {side} failed with exit code {fig.returncode}")
    data = json.loads(out.read_text())
    data.update(seconds=fig.seconds, max_rss_mb=fig.max_rss_mb, tree_peak_mb=fig.tree_peak_mb)
    return data


def _build_and_update(side: str, corpus: Path, work: Path, figures: dict) -> None:
    target = work / ("msqa-index" if side == "msqa" else "fts5.db")
    print(f"[{side}] build", file=sys.stderr)
    b = _worker("build", side, corpus, target, work)
    copy = work / (target.name + "-update")
    (shutil.copytree if target.is_dir() else shutil.copyfile)(target, copy)
    print(f"[{side}] update 1%", file=sys.stderr)
    u = _worker("update", side, corpus, copy, work)
    shutil.rmtree(copy) if copy.is_dir() else copy.unlink()
    figures.update(
        build_rate=b["answers"] / b["build_seconds"], build_seconds=b["build_seconds"],
        build_peak_mb=b["tree_peak_mb"], build_max_rss_mb=b["max_rss_mb"],
        index_mb=measure.disk_size(target) / 1e6, update_seconds=u["update_seconds"],
        update_share=u["update_seconds"] / b["build_seconds"],
        update_peak_mb=u["tree_peak_mb"], update_threads=u["threads"],
        update_answers=u["answers"])


# -- queries ----------------------------------------------------------------------------


def _msqa_search(index):
    def run(q: queries.Query):  # the library's defaults: synonyms and typo tolerance on
        return index.search(q.text, limit=10, specialty=q.specialty, min_rating=q.min_rating,
                            facets=q.facets, group_by_thread=q.group_by_thread)
    return run


def _fts5_search(conn):
    def run(q: queries.Query):  # spelling suggestions on, its equivalent of typo tolerance
        return fts5.search(conn, q.text, limit=10, specialty=q.specialty,
                           min_rating=q.min_rating, facets=q.facets,
                           group_by_thread=q.group_by_thread, spelling=True)
    return run


def _facet_diffs(names, lib_facets: dict, theirs_by_name: dict) -> list[tuple[str, str]]:
    """(facet, detail) for each facet whose library counts differ from ``theirs``; a value
    the library leaves out counts only if it beats one the library kept (truncation)."""
    bad = []
    for name in names:
        found = lib_facets.get(name)
        mine = [(v.value, v.count) for v in (found.values if found is not None else ())]
        theirs = dict(theirs_by_name.get(name, []))
        wrong = [(v, c, theirs.get(v)) for v, c in mine if theirs.get(v) != c]
        missing = set(theirs) - {v for v, _ in mine}
        if missing and (not mine or max(theirs[v] for v in missing) > min(c for _, c in mine)):
            wrong.append(("(left out)", sorted(missing)[:3], None))
        if wrong:
            bad.append((name, f"library/FTS5 {wrong[:3]}"))
    return bad


def _check_facets(q: queries.Query, lib, base, index, conn, check: dict) -> None:
    """Compare the library's facet counts with FTS5's GROUP BY (after all timings).

    When the two engines match different answers (stemmers differ, and the library also
    matches synonyms and typo variants), the counts are compared instead with a GROUP BY
    over the library's own matches, fetched in full when there are at most RECOUNT_LIMIT.
    """
    check["queries"] += 1
    if lib.total == base.total:
        bad = _facet_diffs(q.facets, lib.facets, base.facets)
    else:
        check["match_differs"] += 1
        if lib.total > RECOUNT_LIMIT:
            check["unchecked"] += 1
            return
        everything = index.search(q.text, limit=max(1, lib.total), facets=(), snippets=0)
        ids = [h.answer_id for h in everything.hits]
        bad = _facet_diffs(q.facets, lib.facets, fts5.facet_counts_of(conn, ids, q.facets))
    if bad:
        check["mismatches"] += 1
        for name, detail in bad[:2]:
            if len(check["examples"]) < 8:
                check["examples"].append({"query": q.text, "facet": name, "detail": detail})


def _time_queries(mix: list[queries.Query], index, conn) -> list[dict]:
    """Each query once on each side, the sides alternating which goes first."""
    sides = {"msqa": _msqa_search(index), "fts5": _fts5_search(conn)}
    order = [("msqa", "fts5"), ("fts5", "msqa")]
    rows = []
    for i, q in enumerate(mix):
        row = {"kind": q.kind, "query": q.text, "rare": q.rare}
        for side in order[i % 2]:
            start = time.perf_counter()
            result = sides[side](q)
            row[side] = time.perf_counter() - start
            row[f"{side}_total"] = result.total
        rows.append(row)
        if (i + 1) % 100 == 0:
            print(f"queries: {i + 1}/{len(mix)}", file=sys.stderr)
    return rows


def _checks(mix: list[queries.Query], index, conn) -> tuple[dict, dict]:
    """Facet counts against FTS5's GROUP BY, and hit totals per kind (untimed)."""
    check = {"queries": 0, "mismatches": 0, "match_differs": 0, "unchecked": 0, "examples": []}
    lib, base = _msqa_search(index), _fts5_search(conn)
    totals: dict[str, dict] = {}
    for q in mix:
        a, b = lib(q), base(q)
        t = totals.setdefault(q.kind, {"equal": 0, "queries": 0})
        t["queries"] += 1
        t["equal"] += a.total == b.total
        if q.facets:
            _check_facets(q, a, b, index, conn, check)
    return check, totals


def _summary(rows: list[dict]) -> dict:
    """p50/p95 per kind and side, and the median of the per-query ratios."""
    out = {}
    for kind in queries.KINDS:
        mine = [r for r in rows if r["kind"] == kind]
        if not mine:
            continue
        k = {"queries": len(mine)}
        for side in ("msqa", "fts5"):
            s = [r[side] for r in mine]
            k[side] = {"p50": measure.percentile(s, 50), "p95": measure.percentile(s, 95),
                       "max": max(s)}
        k["paired_ratio_p50"] = measure.median([r["msqa"] / r["fts5"] for r in mine])
        rare = [r for r in mine if r["rare"]]
        if rare:
            k["rare_share"] = len(rare) / len(mine)
            for name, part in (("with_rare", rare), ("without_rare", [r for r in mine
                                                                     if not r["rare"]])):
                k[name] = {side: measure.percentile([r[side] for r in part], 50)
                           for side in ("msqa", "fts5")}
        out[kind] = k
    return out


# -- whole processes --------------------------------------------------------------------


def _time_cli(texts: list[str], index: Path, db: Path, work: Path) -> dict:
    """Fresh processes, one faceted query each, alternating the library's CLI and the
    baseline's script; one untimed run of each first warms the page cache."""
    facet_args = [a for f in CLI_FACETS for a in ("--facet", f)]

    def lib(text):
        return [sys.executable, "-m", "msqa_search", "search", text, "--index", str(index),
                "--no-color", *facet_args]

    def base(text):
        return [sys.executable, str(Path(fts5.__file__).with_name("fts5_cli.py")), text,
                "--db", str(db), *facet_args]

    warm, texts = texts[0], texts[1:]
    for name, cmd in (("msqa", lib(warm)), ("fts5", base(warm))):
        first = measure.run_measured(cmd, stdout_path=work / f"cli-{name}.txt")
        if first.returncode not in (0, 1):
            raise RuntimeError(f"CLI failed with exit code {first.returncode}: {cmd}")
    runs: dict[str, list] = {"msqa": [], "fts5": []}
    print(f"CLI: {len(texts)} faceted queries a side", file=sys.stderr)
    for i, text in enumerate(texts):
        pair = [("msqa", lib(text)), ("fts5", base(text))]
        for name, cmd in pair[:: 1 if i % 2 == 0 else -1]:
            fig = measure.run_measured(cmd)
            if fig.returncode not in (0, 1):
                raise RuntimeError(f"CLI failed with exit code {fig.returncode}: {cmd}")
            runs[name].append(fig)
    return {name: {"seconds_p50": measure.median([f.seconds for f in figs]),
                   "seconds_max": max(f.seconds for f in figs),
                   "rss_mb_p50": measure.median([f.max_rss_mb for f in figs]),
                   "rss_mb_max": max(f.max_rss_mb for f in figs)}
            for name, figs in runs.items()} | {"queries": texts}


# -- the run ----------------------------------------------------------------------------


def run(args) -> dict:
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    corpus = generate.ensure_corpus(args.answers, args.seed, out)
    manifest = json.loads((corpus / "corpus.json").read_text())
    print(f"corpus ready in {time.perf_counter() - start:.1f}s: {corpus}", file=sys.stderr)
    work = out / f"work-{args.answers}-s{args.seed}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    results = {
        "corpus": {"path": str(corpus), "answers": manifest["answers"],
                   "threads": manifest["threads"], "mb": manifest["bytes"] / 1e6},
        "config": {"seed": args.seed, "queries": args.queries, "cli_runs": args.cli_runs,
                   "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
                   "cpus": os.cpu_count(),
                   "command": "python -m bench.run " + " ".join(args.argv)},
        "msqa": {}, "fts5": {},
    }
    print("parse", file=sys.stderr)
    p = _worker("parse", "-", corpus, Path("-"), work)
    results["parse"] = {"seconds": p["parse_seconds"],
                        "answers_per_s": p["answers"] / p["parse_seconds"],
                        "mb_per_s": manifest["bytes"] / 1e6 / p["parse_seconds"]}
    for side in ("fts5", "msqa"):
        _build_and_update(side, corpus, work, results[side])
        figures = results[side]
        figures["index_rate"] = manifest["answers"] / max(
            1e-9, figures["build_seconds"] - p["parse_seconds"])
    index_path, db_path = work / "msqa-index", work / "fts5.db"
    files = workers.corpus_files(corpus)
    with sqlite3.connect(db_path) as counting:  # its own connection: the timed one starts cold
        mix = queries.build_mix(files, counting, total=args.queries, seed=args.seed)
        cli_texts = queries.cli_queries(files, counting, args.cli_runs + 1, args.seed,
                                        avoid={q.text for q in mix})
    counting.close()
    (work / "queries.json").write_text(json.dumps([q.as_dict() for q in mix], indent=1) + "\n")

    import msqa_search

    t0 = time.perf_counter()
    opener = msqa_search.open_index  # imports the index modules (and Whoosh)
    t1 = time.perf_counter()
    index = opener(index_path)
    t2 = time.perf_counter()
    conn = fts5.connect(db_path)
    t3 = time.perf_counter()
    results["msqa"]["import_seconds"] = t1 - t0
    results["msqa"]["open_seconds"], results["fts5"]["open_seconds"] = t2 - t1, t3 - t2
    print(f"{len(mix)} queries, interleaved", file=sys.stderr)
    rows = _time_queries(mix, index, conn)
    results["queries"] = _summary(rows)
    results["first_query"] = rows[0]
    print("checks", file=sys.stderr)
    results["facet_check"], results["totals_agree"] = _checks(mix, index, conn)
    conn.close()
    index.close()
    (work / "query-times.json").write_text(json.dumps(rows, indent=1) + "\n")
    results["cli"] = _time_cli(cli_texts, index_path, db_path, work)
    results["targets"] = report.targets(results)
    return results


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    ap.add_argument("--answers", type=generate.parse_size, default=100_000,
                    help="corpus size: 10k, 100k, 1M or a number of answers (default 100k)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    ap.add_argument("--queries", type=int, default=500,
                    help="distinct queries in the mix, all kinds (default 500)")
    ap.add_argument("--cli-runs", type=int, default=9,
                    help="fresh CLI processes a side, each with another faceted query")
    args = ap.parse_args(argv)
    args.argv = argv
    results = run(args)
    text = report.markdown(results)
    for name in ("results", f"results-{args.answers}"):
        (args.out / f"{name}.md").write_text(text)
        (args.out / f"{name}.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
