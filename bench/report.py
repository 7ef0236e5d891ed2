"""The runner's results as a markdown report: figures, ratios to FTS5, targets met or missed."""

from __future__ import annotations

import math

# (kind, percentile, most msqa/FTS5 may be): the targets of the query mix.
QUERY_TARGETS = [
    ("plain", "p50", 2.0), ("plain", "p95", 3.0),
    ("faceted", "p50", 2.0), ("faceted", "p95", 3.0),
    ("filtered", "p50", 2.0), ("filtered", "p95", 3.0),
    ("phrase", "p50", 3.0), ("misspelled", "p50", 3.0), ("grouped", "p50", 3.0),
]
CLI_TARGET = 1.5  # whole CLI process, time and peak RSS, msqa/FTS5
BUILD_TARGET = 0.1  # build rate, msqa/FTS5, at least
UPDATE_TARGET = 0.1  # a 1% update's time over a full build's, below

ABOUT = [
    "Every query of the mix is distinct and timed once, the first time it runs in the "
    "process, after both indexes were opened; nothing is warmed up, so whatever the "
    "library caches per term counts against the query that caches it (the operating "
    "system's page cache is warm for both: both indexes were just written). The sides "
    "alternate which goes first, query by query.",
    "The library runs with its defaults: synonyms and typo tolerance on, 3 highlighted "
    "snippets a hit. FTS5 has no synonyms; it runs its did-you-mean step on every query "
    "(bench/fts5_spelling.py: a word in fewer than 5 places is replaced by a word one "
    "edit away that is at least 20 times as common, and a query without hits is "
    "searched again as corrected) and makes one snippet a hit.",
    "Both sides OR the words of a query over answer title, body and question and rank "
    "by BM25 (FTS5: bm25() with the library's field weights); facets are counted over "
    "all matches (FTS5: GROUP BY); filters are a specialty and a minimum rating; grouped "
    "queries return one hit (the best answer) per thread.",
    "Totals differ for reasons of analysis, not counting: Porter2 against Porter stems, "
    "function words dropped by the library, and the library's synonyms and typo variants.",
]


def _nan(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _fmt(value, digits: int, scale: float = 1.0) -> str:
    return "n/a" if _nan(value) else f"{value * scale:,.{digits}f}"


def _ratio(a, b):
    return None if _nan(a) or _nan(b) or not b else a / b


def targets(results: dict) -> list[dict]:
    """Each target with its measured ratio and whether it is met."""
    out = []
    q = results.get("queries", {})
    for kind, p, limit in QUERY_TARGETS:
        if kind in q:
            r = _ratio(q[kind]["msqa"][p], q[kind]["fts5"][p])
            out.append({"target": f"{kind} {p} <= {limit:g}x FTS5", "ratio": r,
                        "met": r is not None and r <= limit})
    cli = results.get("cli")
    if cli:
        for key, what in (("seconds_p50", "time"), ("rss_mb_p50", "peak RSS")):
            r = _ratio(cli["msqa"][key], cli["fts5"][key])
            out.append({"target": f"whole CLI process, faceted, {what} <= {CLI_TARGET:g}x",
                        "ratio": r, "met": r is not None and r <= CLI_TARGET})
    m, f = results["msqa"], results["fts5"]
    for key, what in (("build_rate", "files to index"), ("index_rate", "parsing taken out")):
        r = _ratio(m.get(key), f.get(key))
        out.append({"target": f"build rate ({what}) >= {BUILD_TARGET:g} of FTS5's",
                    "ratio": r, "met": r is not None and r >= BUILD_TARGET})
    s = m.get("update_share")
    out.append({"target": f"1% update < {UPDATE_TARGET:.0%} of a full build", "ratio": s,
                "met": s is not None and s < UPDATE_TARGET})
    return out


# (key in a side's figures, label, unit, digits, scale)
_ROWS = [
    ("build_rate", "build from files, answers/s", 0, 1),
    ("build_seconds", "build time, s", 1, 1),
    ("index_rate", "build minus the parsing time measured alone, answers/s", 0, 1),
    ("build_peak_mb", "build peak memory, all processes together (sampled), MB", 0, 1),
    ("build_max_rss_mb", "build peak RSS of the largest process, MB", 0, 1),
    ("index_mb", "index size on disk, MB", 1, 1),
    ("update_seconds", "update 1% of threads (open, write, publish), s", 2, 1),
    ("update_share", "  as a share of the full build", 3, 1),
    ("update_peak_mb", "update peak memory, MB", 0, 1),
    ("import_seconds", "import the index modules in the query process, ms", 1, 1000),
    ("open_seconds", "open the index in the query process, ms", 1, 1000),
]


def _row(label, a, b, digits, scale=1.0) -> str:
    r = _ratio(a, b)
    return f"| {label} | {_fmt(a, digits, scale)} | {_fmt(b, digits, scale)} | " \
           f"{'n/a' if r is None else f'{r:.2f}'} |"


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.report RESULTS.json``: print the report of a saved run again."""
    import json
    import sys
    from pathlib import Path

    (path,) = sys.argv[1:] if argv is None else argv
    results = json.loads(Path(path).read_text())
    results["targets"] = targets(results)
    print(markdown(results), end="")
    return 0


def markdown(results: dict) -> str:
    c, cfg, m, f = results["corpus"], results["config"], results["msqa"], results["fts5"]
    parse = results["parse"]
    lines = [
        f"# msqa_search vs SQLite FTS5: {c['answers']:,} answers",
        "",
        f"`{cfg['command']}`",
        "",
        f"Corpus: {c['threads']:,} threads, {c['answers']:,} answers, {c['mb']:.1f} MB "
        f"(seed {cfg['seed']}). {cfg['queries']} distinct queries, each timed once; CLI: "
        f"{cfg['cli_runs']} fresh processes a side, each with another faceted query. "
        f"Python {cfg['python']}, SQLite {cfg['sqlite']}, {cfg['cpus']} cores. Ratio is "
        "msqa_search / FTS5: for answers/s higher is faster, for times and sizes lower "
        "is better.",
        "",
        "## Targets",
        "",
        "| target | ratio | |",
        "| --- | ---: | --- |",
    ]
    for t in results.get("targets", []):
        r = "n/a" if t["ratio"] is None else f"{t['ratio']:.2f}"
        lines.append(f"| {t['target']} | {r} | {'met' if t['met'] else '**missed**'} |")
    lines += [
        "",
        "## Queries (ms)",
        "",
        "| kind | queries | msqa p50 | FTS5 p50 | ratio | msqa p95 | FTS5 p95 | ratio "
        "| per-query ratio, median | msqa max |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, k in results.get("queries", {}).items():
        a, b = k["msqa"], k["fts5"]
        cells = [kind + (f" ({k['rare_share']:.0%} with a rare word)" if "rare_share" in k
                         else ""), str(k["queries"])]
        for p in ("p50", "p95"):
            r = _ratio(a[p], b[p])
            cells += [_fmt(a[p], 1, 1000), _fmt(b[p], 1, 1000), f"{r:.2f}"]
        cells += [f"{k['paired_ratio_p50']:.2f}", _fmt(a["max"], 0, 1000)]
        lines.append("| " + " | ".join(cells) + " |")
    split = [(kind, k) for kind, k in results.get("queries", {}).items() if "with_rare" in k]
    if split:
        lines += ["", "p50 of the queries with a word in fewer than 5 answers, and of the others "
                  "(ms, msqa / FTS5 = ratio): " + "; ".join(
                      f"{kind} {_fmt(k['with_rare']['msqa'], 1, 1000)} / "
                      f"{_fmt(k['with_rare']['fts5'], 1, 1000)} = "
                      f"{k['with_rare']['msqa'] / k['with_rare']['fts5']:.2f} and "
                      f"{_fmt(k['without_rare']['msqa'], 1, 1000)} / "
                      f"{_fmt(k['without_rare']['fts5'], 1, 1000)} = "
                      f"{k['without_rare']['msqa'] / k['without_rare']['fts5']:.2f}"
                      for kind, k in split) + "."]
    first = results.get("first_query")
    if first:
        lines += ["", f"The first query of the run ({first['kind']}, `{first['query']}`) "
                  f"took {first['msqa'] * 1000:,.0f} ms in the library (loading what its "
                  f"first search needs) and {first['fts5'] * 1000:,.1f} ms in FTS5; it is "
                  "counted in its kind like any other."]
    lines += [
        "",
        "## Build, update, open",
        "",
        f"Parsing alone (`read_threads` over every file, a file at a time, paid by both builds): "
        f"{parse['answers_per_s']:,.0f} answers/s, {parse['mb_per_s']:.1f} MB/s, "
        f"{parse['seconds']:.1f} s.",
        "",
        "| figure | msqa_search | FTS5 | ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    for key, label, digits, scale in _ROWS:
        lines.append(_row(label, m.get(key), f.get(key), digits, scale))
    cli = results.get("cli")
    if cli:
        lines += [
            "",
            "## Whole CLI process, faceted query (specialty, city, rating)",
            "",
            "`python -m msqa_search search QUERY --index PATH --no-color --facet specialty "
            "--facet city --facet rating` against `python bench/fts5_cli.py QUERY --db PATH` "
            "with the same facets; medians over the runs.",
            "",
            "| figure | msqa_search | FTS5 | ratio |",
            "| --- | ---: | ---: | ---: |",
            _row("time, ms (median)", cli["msqa"]["seconds_p50"], cli["fts5"]["seconds_p50"],
                 0, 1000),
            _row("time, ms (slowest)", cli["msqa"]["seconds_max"], cli["fts5"]["seconds_max"],
                 0, 1000),
            _row("peak RSS, MB (median)", cli["msqa"]["rss_mb_p50"], cli["fts5"]["rss_mb_p50"],
                 0),
        ]
    check = results.get("facet_check")
    if check:
        lines += [
            "",
            f"Facet counts compared with FTS5's GROUP BY on {check['queries']} faceted "
            f"queries: {check['mismatches']} mismatching. On {check['match_differs']} of "
            "them the engines matched different answers, so the library's counts were "
            "checked against a GROUP BY over its own full match list instead "
            f"({check['unchecked']} with more than 5,000 matches left unchecked)."]
        for item in check.get("examples", []):
            lines.append(f"- `{item['query']}` {item['facet']}: {item['detail']}")
    totals = results.get("totals_agree")
    if totals:
        lines += ["", "Hit totals equal on both sides: " + ", ".join(
            f"{k} {v['equal']}/{v['queries']}" for k, v in totals.items()) + "."]
    lines += ["", "## About the comparison", ""] + [f"- {n}" for n in ABOUT]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
