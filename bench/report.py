"""Turn the runner's results into a markdown table (msqa_search, FTS5, ratio)."""

from __future__ import annotations

import math

ABOUT = [
    "Both sides search the same parsed records, OR the words of a plain query over answer "
    "title, body and question, rank by BM25 (the library: BM25F with its field weights over "
    "Whoosh's postings, coordination, expert syntax through Whoosh's matchers; FTS5: bm25() "
    "with the same weights) and return 10 hits with a highlighted snippet and "
    "the total. The library runs with synonyms=False except for misspelled queries, where "
    "its typo tolerance (synonyms=True) meets FTS5's did-you-mean fallback.",
    "Totals can differ for reasons of analysis, not counting: the library stems with Porter2 "
    "(SQLite: Porter), and drops function words and renumbers positions, so the phrase "
    "\"treatment make\" also matches \"treatment and make\". Misspelled queries are not "
    "expected to agree.",
    "The library's CLI runs with its defaults (synonyms and typo variants on, four facets); "
    "the --no-synonyms row is the same work as the FTS5 command (four facets, spelling "
    "fallback).",
]

# (key in a side's figures, label, unit, digits)
_ROWS = [
    ("build_rate", "build", "answers/s", 0),
    ("build_seconds", "build time", "s", 1),
    ("build_rss_mb", "build peak RSS (records + index)", "MB", 0),
    ("records_rss_mb", "  of which parsed records", "MB", 0),
    ("index_mb", "index size on disk", "MB", 1),
    ("update_seconds", "update 1% of threads", "s", 2),
    ("update_rss_mb", "update peak RSS", "MB", 0),
]
_CLI_ROWS = [
    ("cli_seconds", 'CLI "botox" faceted, whole process (median)', "ms", 0),
    ("cli_rss_mb", "CLI peak RSS (median)", "MB", 0),
    ("cli_nosyn_seconds", 'CLI "botox" --no-synonyms (library; FTS5 as above)', "ms", 0),
    ("cli_nosyn_rss_mb", "CLI --no-synonyms peak RSS", "MB", 0),
]


def _fmt(value, digits: int, scale: float = 1.0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value * scale:,.{digits}f}"


def _ratio(a, b) -> str:
    if a is None or not b or any(isinstance(v, float) and math.isnan(v) for v in (a, b)):
        return "n/a"
    return f"{a / b:.2f}"


def rows(results: dict) -> list[tuple[str, str, str, str]]:
    """The table's rows: (label, msqa, fts5, ratio), values already formatted."""
    m, f = results["msqa"], results["fts5"]
    out = []
    parse = results.get("parse") or {}
    out.append(("parse (read_threads), answers/s", _fmt(parse.get("answers_per_s"), 0),
                "(same records)", ""))
    out.append(("parse, MB/s", _fmt(parse.get("mb_per_s"), 1), "(same records)", ""))
    for key, label, unit, digits in _ROWS:
        out.append((f"{label}, {unit}", _fmt(m.get(key), digits), _fmt(f.get(key), digits),
                    _ratio(m.get(key), f.get(key))))
    for category, q in f.get("queries", {}).items():
        for p in ("p50", "p95"):
            a, b = m.get("queries", {}).get(category, {}).get(p), q.get(p)
            out.append((f"{category} query {p}, ms", _fmt(a, 2, 1000), _fmt(b, 2, 1000),
                        _ratio(a, b)))
    for key, label, unit, digits in _CLI_ROWS:
        scale = 1000 if unit == "ms" else 1
        out.append((f"{label}, {unit}", _fmt(m.get(key), digits, scale),
                    _fmt(f.get(key), digits, scale), _ratio(m.get(key), f.get(key))))
    return out


def markdown(results: dict) -> str:
    c, cfg = results["corpus"], results["config"]
    lines = [
        f"# msqa_search vs SQLite FTS5: {c['answers']:,} answers",
        "",
        f"Corpus: {c['threads']:,} threads, {c['answers']:,} answers, {c['mb']:.1f} MB "
        f"(seed {cfg['seed']}, `{c['path']}`). {cfg['queries']} queries a category, "
        f"{cfg['repeat']} timed passes after a warm-up pass; CLI: median of "
        f"{cfg['cli_runs']} runs. Python {cfg['python']}, SQLite {cfg['sqlite']}, "
        f"{cfg['cpus']} cores. Ratio is msqa_search / FTS5 (for answers/s, higher is "
        "faster; for times and sizes, lower is better).",
        "",
        "| figure | msqa_search | FTS5 | ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [f"| {a} | {b} | {c_} | {d} |" for a, b, c_, d in rows(results)]
    check = results.get("facet_check")
    lines.append("")
    if check:
        lines.append(
            f"Facet counts (specialty, city, rating) compared with FTS5 GROUP BY on "
            f"{check['queries']} faceted queries: {check['mismatches']} mismatching. On "
            f"{check['match_differs']} of them the engines matched different answers "
            "(stemmers differ), so the library's counts were checked against a GROUP BY "
            f"over its own full match list instead ({check['unchecked']} too large to fetch, "
            "left unchecked).")
        for item in check.get("examples", []):
            lines.append(f"- `{item['query']}` {item['facet']}: {item['detail']}")
    totals = results.get("totals_agree")
    if totals:
        lines.append("")
        lines.append("Hit totals equal on both sides: " + ", ".join(
            f"{k} {v['equal']}/{v['queries']}" for k, v in totals.items()) + ".")
    lines += ["", "About the comparison:"] + [f"- {n}" for n in ABOUT]
    for note in results.get("notes", []):
        lines.append("")
        lines.append(f"Note: {note}")
    return "\n".join(lines) + "\n"
