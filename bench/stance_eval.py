"""Measure answer_stance against a labelled set of real pages: P/R/F1, accuracy, baseline.

    python -m bench.stance_eval                      # both labels files in bench/data/
    python -m bench.stance_eval --labels PATH --pages DIR
    python -m bench.stance_eval --errors             # list the dev and dev2 mistakes

The labels hold no page text, only hashes: each record names a page file and an answer
position, and carries the SHA-1 of the answer body's first 50 characters (white space
collapsed) to check that the parser found the same answer there, and the SHA-1 of the
evidence sentence. A prediction is right when it equals ``stance`` or the second
acceptable label ``alt``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

import msqa_search
from msqa_search.model import STANCE_LABELS
from msqa_search.stance.consensus import MIN_POSITIONS
from msqa_search.stance.text import collapse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LABELS = ROOT / "bench" / "data" / "stance-labels.json"
#: Labelled after the first set, on pages it does not cover: rule changes made while
#: looking at the dev split are checked here, as they are on the test split.
DEV2_LABELS = ROOT / "bench" / "data" / "stance-labels-dev2.json"
DEFAULT_PAGES = ROOT.parent / "shared" / "realpages"
SPLITS = ("dev", "test", "dev2", "all")
#: The splits whose mistakes may be looked at one by one; the test split's may not.
DEVELOPMENT_SPLITS = ("dev", "dev2")


def sha1(text: str) -> str:
    """SHA-1 hex digest of the text with white space collapsed."""
    return hashlib.sha1(collapse(text).encode("utf-8")).hexdigest()


def body_start_sha1(body: str) -> str:
    """SHA-1 of the first 50 characters of a body, white space collapsed first."""
    return hashlib.sha1(collapse(body)[:50].encode("utf-8")).hexdigest()


def load_labels(path: Path) -> list[dict]:
    """The label records of a labels file (a list, or an object with ``pairs``)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["pairs"] if isinstance(data, dict) else data


def find_answer(record: dict, threads: dict, pages: Path):
    """The answer a label names, and how it was found: by position, by body start, or not.

    Returns:
        ``(answer, how)`` with ``how`` one of ``"position"``, ``"body_start"``,
        ``"unmatched"`` (answer None) or ``"unparsed"`` (the page did not parse).
    """
    name = record["file"]
    if name not in threads:
        try:
            threads[name] = msqa_search.read_thread(pages / f"{name}.txt")
        except msqa_search.ParseError:
            threads[name] = None
    thread = threads[name]
    if thread is None:
        return None, "unparsed"
    position = record["position"]
    if 1 <= position <= len(thread.answers):
        answer = thread.answers[position - 1]
        if body_start_sha1(answer.body) == record["body_start_sha1"]:
            return answer, "position"
    for answer in thread.answers:
        if body_start_sha1(answer.body) == record["body_start_sha1"]:
            return answer, "body_start"
    return None, "unmatched"


def scores(rows: list[dict]) -> dict:
    """Per-label precision, recall and F1, macro-F1 and accuracy of scored rows.

    A row whose prediction equals its ``alt`` label counts that label as its gold one.
    """
    gold = [r["pred"] if r["pred"] in (r["stance"], r["alt"]) else r["stance"] for r in rows]
    pred = [r["pred"] for r in rows]
    per_label = {}
    for label in STANCE_LABELS:
        tp = sum(g == p == label for g, p in zip(gold, pred))
        n_pred = pred.count(label)
        n_gold = gold.count(label)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = {
            "precision": precision, "recall": recall, "f1": f1, "gold": n_gold, "predicted": n_pred,
        }
    present = [lab for lab in STANCE_LABELS if per_label[lab]["gold"] or per_label[lab]["predicted"]]
    macro = sum(per_label[lab]["f1"] for lab in present) / len(present) if present else 0.0
    accuracy = sum(g == p for g, p in zip(gold, pred)) / len(rows) if rows else 0.0
    return {"n": len(rows), "per_label": per_label, "macro_f1": macro, "accuracy": accuracy}


def split_agreement(rows: list[dict], min_positions: int = MIN_POSITIONS) -> dict:
    """How often a split that would be shown leans the way the labels lean.

    Rows are grouped by page and claim. A group's split is shown when at least
    ``min_positions`` of its predictions take a position (as ``thread_consensus``
    decides); its lean is the position most of them take (none on a tie). A right
    prediction counts as its gold label, as in ``scores``.

    Returns:
        ``{"claims": groups, "shown": shown, "agree": shown groups whose lean agrees}``.
    """
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        groups.setdefault((r["file"], r["claim"]), []).append(r)
    shown = agree = 0
    for mine in groups.values():
        pred = Counter(r["pred"] for r in mine)
        gold = Counter(r["pred"] if r["pred"] in (r["stance"], r["alt"]) else r["stance"] for r in mine)
        if len(mine) - pred["unclear"] < min_positions:
            continue
        shown += 1
        agree += _lean(pred) is not None and _lean(pred) == _lean(gold)
    return {"claims": len(groups), "shown": shown, "agree": agree}


def _lean(counts: Counter) -> str | None:
    positions = [(n, label) for label, n in counts.items() if label != "unclear" and n]
    if not positions:
        return None
    top = max(n for n, _ in positions)
    winners = [label for n, label in positions if n == top]
    return winners[0] if len(winners) == 1 else None


def evaluate(labels: list[dict], pages: Path) -> tuple[dict, list[dict], Counter]:
    """Run answer_stance on every labelled pair; return scores per split, rows, and how
    the answers were found."""
    threads: dict = {}
    rows = []
    found = Counter()
    for record in labels:
        answer, how = find_answer(record, threads, pages)
        found[how] += 1
        if answer is None:
            continue
        stance = msqa_search.answer_stance(answer, record["claim"], target=record["target"])
        evidence_ok = None
        if record.get("evidence_sha1"):
            evidence_ok = stance.evidence is not None and sha1(stance.evidence) == record["evidence_sha1"]
        rows.append({**record, "pred": stance.label, "evidence": stance.evidence, "evidence_ok": evidence_ok})
    results = {}
    names = [*dict.fromkeys(r["split"] for r in labels), "all"]
    for split in names:
        mine = [r for r in rows if split == "all" or r["split"] == split]
        result = scores(mine)
        majority = Counter(r["stance"] for r in mine).most_common(1)
        baseline_label = majority[0][0] if majority else "for"
        result["baseline"] = {"label": baseline_label, **_only(scores([{**r, "pred": baseline_label} for r in mine]))}
        checked = [r["evidence_ok"] for r in mine if r["evidence_ok"] is not None]
        result["evidence"] = {"agree": sum(checked), "of": len(checked)}
        result["splits"] = split_agreement(mine)
        results[split] = result
    return results, rows, found


def _only(result: dict) -> dict:
    return {"macro_f1": result["macro_f1"], "accuracy": result["accuracy"]}


def report(results: dict, found: Counter, splits=SPLITS) -> str:
    """The figures as plain-text tables."""
    lines = [
        "answers found: "
        + ", ".join(f"{found[k]} {k}" for k in ("position", "body_start", "unmatched", "unparsed")),
        "",
    ]
    for split in splits:
        r = results[split]
        lines.append(f"== {split}: {r['n']} pairs")
        lines.append(f"{'label':<12} {'prec':>6} {'recall':>6} {'F1':>6} {'gold':>5} {'pred':>5}")
        for label, s in r["per_label"].items():
            lines.append(
                f"{label:<12} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f}"
                f" {s['gold']:5d} {s['predicted']:5d}"
            )
        b = r["baseline"]
        ev = r["evidence"]
        share = ev["agree"] / ev["of"] if ev["of"] else 0.0
        lines.append(f"macro-F1 {r['macro_f1']:.3f}   accuracy {r['accuracy']:.3f}")
        lines.append(
            f"majority baseline ({b['label']}): macro-F1 {b['macro_f1']:.3f}   accuracy {b['accuracy']:.3f}"
        )
        lines.append(f"evidence sentence agrees: {ev['agree']} of {ev['of']} ({share:.3f})")
        sp = r["splits"]
        lines.append(
            f"splits shown (>= {MIN_POSITIONS} positions): {sp['shown']} of {sp['claims']} claims,"
            f" leaning as the labels do: {sp['agree']}"
        )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.stance_eval", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--labels", type=Path, action="append",
        help="labels JSON (repeatable; default: stance-labels.json and stance-labels-dev2.json)",
    )
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="folder of the labelled pages")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--errors", action="store_true",
        help="also list the mistakes on the development splits (dev, dev2; never test)",
    )
    parser.add_argument(
        "--split", choices=SPLITS, action="append", help="report only this split (repeatable)"
    )
    args = parser.parse_args(argv)
    paths = args.labels or [p for p in (DEFAULT_LABELS, DEV2_LABELS) if p.is_file()]
    for path in paths or [DEFAULT_LABELS]:
        if not path.is_file():
            print(f"no labels file at {path}", file=sys.stderr)
            return 2
    if not args.pages.is_dir():
        print(f"no pages folder at {args.pages}", file=sys.stderr)
        return 2
    labels = [record for path in paths for record in load_labels(path)]
    results, rows, found = evaluate(labels, args.pages)
    splits = tuple(s for s in (args.split or SPLITS) if s in results)
    if args.json:
        print(json.dumps({"found": dict(found), "splits": {k: results[k] for k in splits}}, indent=1))
    else:
        print(report(results, found, splits))
    if args.errors:
        for r in rows:
            if r["split"] in DEVELOPMENT_SPLITS and r["pred"] not in (r["stance"], r["alt"]):
                print(f"{r['split']} {r['answer_id']} [{r['target']}] {r['claim']}")
                print(f"   gold {r['stance']} alt {r['alt']} -> {r['pred']}: {r['evidence']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
