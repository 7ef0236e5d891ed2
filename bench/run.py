"""The one-command benchmark: msqa_search against a SQLite FTS5 baseline.

    python -m bench.run --answers 100000 [--out bench/out]

Generates (or reuses) the corpus, builds both indexes in measured subprocesses, updates
1% of the threads on copies, times warm queries of six kinds on both sides in this
process, times the whole-process CLI, checks facet counts against FTS5's GROUP BY, and
writes ``results.md`` and ``results.json`` (plus ``results-<answers>.*`` copies).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import sqlite3
import sys
import time
from pathlib import Path

from . import fts5, generate, measure, queries, report, workers

CLI_QUERY = "botox"
RECOUNT_LIMIT = 5000


def _have(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


def _worker(action: str, side: str, corpus: Path, target: Path, work: Path) -> dict:
    out = work / f"{action}-{side}.json"
    fig = measure.run_measured([sys.executable, "-m", "bench.workers", action, side,
                                str(corpus), str(target)], stdout_path=out)
    if fig.returncode != 0:
        raise RuntimeError(f"{action} {side} failed with exit code {fig.returncode}")
    data = json.loads(out.read_text())
    data.update(seconds=fig.seconds, max_rss_mb=fig.max_rss_mb)
    return data


def _builds_and_updates(side: str, corpus: Path, work: Path, figures: dict) -> dict:
    target = work / ("msqa-index" if side == "msqa" else "fts5.db")
    print(f"[{side}] build", file=sys.stderr)
    b = _worker("build", side, corpus, target, work)
    copy = work / (target.name + "-update")
    (shutil.copytree if target.is_dir() else shutil.copyfile)(target, copy)
    print(f"[{side}] update 1%", file=sys.stderr)
    u = _worker("update", side, corpus, copy, work)
    figures.update(
        build_rate=b["answers"] / b["build_seconds"], build_seconds=b["build_seconds"],
        build_rss_mb=b["max_rss_mb"], records_rss_mb=b["rss_after_parse_mb"],
        index_mb=measure.disk_size(target) / 1e6, update_seconds=u["update_seconds"],
        update_rss_mb=u["max_rss_mb"], update_threads=u["threads"])
    return b


def _msqa_search(index, synonyms: bool):
    def run(q: queries.Query):
        return index.search(q.text, limit=10, specialty=q.specialty, min_rating=q.min_rating,
                            facets=q.facets, group_by_thread=q.group_by_thread,
                            synonyms=synonyms or q.typos)
    return run


def _fts5_search(conn):
    def run(q: queries.Query):
        return fts5.search(conn, q.text, limit=10, specialty=q.specialty,
                           min_rating=q.min_rating, facets=q.facets,
                           group_by_thread=q.group_by_thread, spelling=q.typos)
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


def _compare_facets(q: queries.Query, lib, base, index, conn, check: dict) -> None:
    """Compare the library's facet counts with FTS5's GROUP BY over the same query.

    When the two engines match different answers (their stemmers differ: Whoosh leaves
    "scarring" as "scarr"), the counts are compared instead with a GROUP BY over the
    library's own matches, fetched in full when there are at most RECOUNT_LIMIT.
    """
    check["queries"] += 1
    if lib.total == base.total:
        bad = _facet_diffs(q.facets, lib.facets, base.facets)
    else:
        check["match_differs"] += 1
        if lib.total > RECOUNT_LIMIT:
            check["unchecked"] += 1
            return
        everything = index.search(q.text, limit=lib.total, facets=(), synonyms=False)
        ids = [h.answer_id for h in everything.hits]
        bad = _facet_diffs(q.facets, lib.facets, fts5.facet_counts_of(conn, ids, q.facets))
    if bad:
        check["mismatches"] += 1
        for name, detail in bad[:2]:
            if len(check["examples"]) < 8:
                check["examples"].append({"query": q.text, "facet": name, "detail": detail})


def _time_queries(sets: dict, sides: dict, repeat: int, results: dict, index, conn) -> None:
    check = {"queries": 0, "mismatches": 0, "match_differs": 0, "unchecked": 0, "examples": []}
    totals = {}
    samples = {side: {} for side in sides}
    for category, qs in sets.items():
        print(f"queries: {category}", file=sys.stderr)
        equal = 0
        for q in qs:  # warm-up pass, also the correctness checks
            got = {side: run(q) for side, run in sides.items()}
            if len(got) == 2:
                equal += got["msqa"].total == got["fts5"].total
                if q.facets:
                    _compare_facets(q, got["msqa"], got["fts5"], index, conn, check)
        if len(sides) == 2:
            totals[category] = {"equal": equal, "queries": len(qs)}
        for side in sides:
            samples[side][category] = []
        for _ in range(repeat):  # alternate the sides query by query: shared-machine noise
            for q in qs:            # then hits both alike
                for side, run in sides.items():
                    start = time.perf_counter()
                    run(q)
                    samples[side][category].append(time.perf_counter() - start)
    for side, cats in samples.items():
        target = results["fts5"] if side == "fts5" else results["msqa"]
        target["queries"] = {c: {"p50": measure.percentile(s, 50), "p95": measure.percentile(s, 95)}
                             for c, s in cats.items()}
    if len(sides) == 2:
        results["facet_check"], results["totals_agree"] = check, totals


def _time_cli(cmd: list[str], runs: int, sample: Path) -> tuple[float, float]:
    """Median whole-process seconds and peak RSS (MB) of ``cmd`` over ``runs`` runs, after
    one untimed run that warms the page cache and leaves its output in ``sample``."""
    print(f"CLI x{runs}: {' '.join(cmd[1:3])}...", file=sys.stderr)
    first = measure.run_measured(cmd, stdout_path=sample)
    if first.returncode != 0:
        raise RuntimeError(f"CLI failed with exit code {first.returncode}: {cmd}")
    figs = [measure.run_measured(cmd) for _ in range(runs)]
    return measure.median([f.seconds for f in figs]), measure.median([f.max_rss_mb for f in figs])


def _parse_figures(build: dict, manifest: dict) -> dict:
    return {"seconds": build["parse_seconds"],
            "answers_per_s": build["answers"] / build["parse_seconds"],
            "mb_per_s": manifest["bytes"] / 1e6 / build["parse_seconds"]}


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
        "config": {"seed": args.seed, "queries": args.queries, "repeat": args.repeat,
                   "cli_runs": args.cli_runs, "synonyms": args.synonyms,
                   "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
                   "cpus": os.cpu_count()},
        "msqa": {}, "fts5": {}, "notes": [],
    }
    have = {"build": _have("msqa_search.index"), "search": _have("msqa_search.search"),
            "cli": _have("msqa_search.cli")}
    if not all(have.values()):
        missing = ", ".join(k for k, v in have.items() if not v)
        results["notes"].append(f"msqa_search has no {missing} yet: those figures are n/a.")
    b = _builds_and_updates("fts5", corpus, work, results["fts5"])
    results["parse"] = _parse_figures(b, manifest)
    if have["build"]:  # the library parses the same files; report its own figure
        results["parse"] = _parse_figures(
            _builds_and_updates("msqa", corpus, work, results["msqa"]), manifest)
    sets = queries.build_queries(workers.corpus_files(corpus), n=args.queries, seed=args.seed)
    conn = fts5.connect(work / "fts5.db")
    sides = {"fts5": _fts5_search(conn)}
    index = None
    if have["build"] and have["search"]:
        import msqa_search

        index = msqa_search.open_index(work / "msqa-index")
        sides = {"msqa": _msqa_search(index, args.synonyms), **sides}
    _time_queries(sets, sides, args.repeat, results, index, conn)
    conn.close()
    if index is not None:
        index.close()
    fts5_cli = [sys.executable, str(Path(fts5.__file__).with_name("fts5_cli.py")), CLI_QUERY,
                "--db", str(work / "fts5.db")]
    f = results["fts5"]
    f["cli_seconds"], f["cli_rss_mb"] = _time_cli(fts5_cli, args.cli_runs, work / "cli-fts5.txt")
    if have["build"] and have["cli"]:
        # As asked: the library's defaults (synonyms and typo variants on, all four facets);
        # then without synonyms, the work the FTS5 command does.
        cli = [sys.executable, "-m", "msqa_search", CLI_QUERY, "--index",
               str(work / "msqa-index"), "--no-color"]
        m = results["msqa"]
        m["cli_seconds"], m["cli_rss_mb"] = _time_cli(cli, args.cli_runs, work / "cli-msqa.txt")
        m["cli_nosyn_seconds"], m["cli_nosyn_rss_mb"] = _time_cli(
            [*cli, "--no-synonyms"], args.cli_runs, work / "cli-msqa-nosyn.txt")
        f["cli_nosyn_seconds"], f["cli_nosyn_rss_mb"] = f["cli_seconds"], f["cli_rss_mb"]
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    ap.add_argument("--answers", type=generate.parse_size, default=100_000,
                    help="corpus size: 10k, 100k, 1M or a number of answers (default 100k)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    ap.add_argument("--queries", type=int, default=30, help="queries per category")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes over the queries")
    ap.add_argument("--cli-runs", type=int, default=7)
    ap.add_argument("--synonyms", action="store_true",
                    help="let the library expand synonyms (FTS5 has none; off by default)")
    args = ap.parse_args(argv)
    results = run(args)
    text = report.markdown(results)
    for name in ("results", f"results-{args.answers}"):
        (args.out / f"{name}.md").write_text(text)
        (args.out / f"{name}.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
