"""Ranking quality on NFCorpus: nDCG@10 and recall@100 through the public API.

Each NFCorpus document becomes a one-answer thread with an empty question: the answer's
title is the document's text before the token "abstract", its body the rest. Queries go
through ``SearchIndex.search`` with the default options (synonyms and typo handling
on), or as told. Tune on the dev split only; report the test split.

    python -m bench.nfcorpus --split test            # BEIR test queries and qrels
    python -m bench.nfcorpus --split dev             # the dev split, for tuning
    python -m bench.nfcorpus --split test --no-synonyms
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import msqa_search
from msqa_search import Answer, Thread

IR = Path(__file__).resolve().parent.parent.parent / "shared" / "ir" / "nfcorpus"


def documents(split: str) -> list[Thread]:
    threads = []
    for line in (IR / "original" / f"{split}.docs").read_text(encoding="utf-8").splitlines():
        doc_id, _, text = line.partition("\t")
        words = text.split()
        cut = words.index("abstract") if "abstract" in words else 0
        title, body = " ".join(words[:cut]), " ".join(words[cut + 1 :] if cut else words)
        threads.append(Thread(id=doc_id, answers=[Answer(thread_id=doc_id, position=1, title=title, body=body)]))
    return threads


def queries(split: str) -> dict[str, str]:
    if split == "test":
        path = IR / "beir-topics-qrels" / "topics.beir-v1.0.0-nfcorpus.test.tsv.gz"
        lines = gzip.open(path, "rt", encoding="utf-8").read().splitlines()
    else:
        lines = (IR / "original" / f"{split}.titles.queries").read_text(encoding="utf-8").splitlines()
    return dict(line.split("\t", 1) for line in lines if "\t" in line)


def judgments(split: str) -> dict[str, dict[str, int]]:
    path = (IR / "beir-topics-qrels" / "qrels.beir-v1.0.0-nfcorpus.test.txt" if split == "test"
            else IR / "original" / f"{split}.2-1-0.qrel")
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    for line in path.read_text(encoding="utf-8").splitlines():
        qid, _, doc, rel = line.split()
        if int(rel) > 0:
            qrels[qid][doc] = int(rel)
    return qrels


def ndcg(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    """trec_eval's ndcg_cut: linear gains, log2 discounts."""
    dcg = sum(relevant.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


def evaluate(split: str, synonyms: bool = True, index_dir: Path | None = None) -> dict:
    qs, qrels = queries(split), judgments(split)
    with tempfile.TemporaryDirectory() as tmp:
        path = index_dir or Path(tmp) / "index"
        index = msqa_search.build_index(documents(split), path)
        scores_ndcg, scores_recall, started = [], [], time.perf_counter()
        with index:
            for qid, relevant in sorted(qrels.items()):
                if qid not in qs:
                    continue
                try:
                    results = index.search(qs[qid], limit=100, facets=(), synonyms=synonyms)
                    # A hit stands for the identical documents folded into it.
                    ranked = [d for hit in results.hits for d in (hit.thread_id, *(a.split("#")[0] for a in hit.also))]
                except msqa_search.QuerySyntaxError:
                    ranked = []
                scores_ndcg.append(ndcg(ranked, relevant))
                scores_recall.append(len(set(ranked) & set(relevant)) / len(relevant))
        return {
            "split": split, "synonyms": synonyms, "queries": len(scores_ndcg),
            "ndcg@10": round(sum(scores_ndcg) / len(scores_ndcg), 4),
            "recall@100": round(sum(scores_recall) / len(scores_recall), 4),
            "seconds": round(time.perf_counter() - started, 1),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--no-synonyms", action="store_true")
    args = parser.parse_args()
    print(json.dumps(evaluate(args.split, synonyms=not args.no_synonyms)))


if __name__ == "__main__":
    main()
