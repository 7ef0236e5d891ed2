"""Micro-benchmark of msqa_search.lexicon.typo_table against the scan of a first letter's words.

    python -m bench.typo_table --answers 100k --seed 1 [--corpus DIR] [--words 2000]

Builds the vocabulary of a generated corpus (a document is a thread file; its words are
the lowercased ``\\w+`` tokens, as the index build counts them), writes the table, and
measures in one run: build time, file sizes, open time, and the time to find the typo
variants of distinct query words (vocabulary words and misspellings of them, each looked
up once) through the table and through the current approach, which loads the
vocabulary file, puts the words of a first letter in buckets by length when a word with
that letter is first asked for, and runs ``fuzzy_variants`` over the buckets in reach.
The two must give the same words; the run stops if they do not.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.generate import corpus_folders, ensure_corpus, parse_size
from msqa_search.lexicon.spelling import fuzzy_variants, max_typos
from msqa_search.lexicon.typo_table import Vocabulary
from msqa_search.lexicon.vocabulary_file import SUFFIX, write_vocabulary

_WORD = re.compile(r"\w+")


def document_frequencies(corpus: Path) -> Counter:
    """Each word of the corpus with the number of thread files holding it."""
    counts: Counter[str] = Counter()
    for folder in corpus_folders(corpus):
        for path in sorted(folder.iterdir()):
            counts.update(set(_WORD.findall(path.read_text(encoding="utf-8").lower())))
    return counts


def query_words(counts: Counter, n: int, seed: int) -> list[str]:
    """``n`` distinct words that can carry typos: half from the vocabulary, half
    misspelled (a letter dropped, doubled, or swapped with the next)."""
    rng = random.Random(seed)
    pool = sorted(w for w in counts if max_typos(w) > 0 and w.isalpha())
    found: set[str] = set()
    for _ in range(20 * n if pool else 0):
        if len(found) == n:
            break
        w = rng.choice(pool)
        if rng.random() < 0.5:
            i = rng.randrange(1, len(w) - 1)
            w = rng.choice([w[:i] + w[i + 1:], w[:i] + w[i] + w[i:], w[:i] + w[i + 1] + w[i] + w[i + 2:]])
        found.add(w)
    return sorted(found, key=lambda w: rng.random())


def save_tsv(path: Path, counts: Counter) -> None:
    """The vocabulary file as index builds wrote it up to schema 2: ``word<TAB>n`` lines."""
    path.write_text("".join(f"{w}\t{n}\n" for w, n in sorted(counts.items())), encoding="utf-8")


def load_tsv(path: Path) -> Counter:
    """Read it as indexes of schema 2 did: parsed whole."""
    counts: Counter[str] = Counter()
    for line in path.read_bytes().decode("utf-8").splitlines():
        word, _, n = line.partition("\t")
        if n.isdigit():
            counts[word] = int(n)
    return counts


class BucketScan:
    """The typo lookup of schema 2: first-letter buckets by length, then fuzzy_variants."""

    def __init__(self, words) -> None:
        self.words = words
        self.buckets: dict[str, dict[int, list[str]]] = {}

    def variants(self, word: str) -> list[str]:
        limit = max_typos(word)
        if word[0] not in self.buckets:
            letter = self.buckets[word[0]] = {}
            for other in self.words:
                if other[:1] == word[0]:
                    letter.setdefault(len(other), []).append(other)
        candidates = [o for n in range(len(word) - limit, len(word) + limit + 1)
                      for o in self.buckets[word[0]].get(n, ())]
        return fuzzy_variants(word, candidates, limit)


_FRESH = """
import json, pathlib, sys, time
from bench.typo_table import BucketScan, load_tsv
from msqa_search.lexicon.typo_table import Vocabulary
t0 = time.perf_counter()  # imports left out: the index loads numpy either way
if sys.argv[1] == "table":
    v = Vocabulary.open(sys.argv[2])
    t1 = time.perf_counter()
    found = v.typo_variants(sys.argv[3])
else:
    counts = load_tsv(pathlib.Path(sys.argv[2]))
    t1 = time.perf_counter()
    found = BucketScan(counts).variants(sys.argv[3])
t2 = time.perf_counter()
print(json.dumps([t1 - t0, t2 - t1, found]))
"""


def fresh_process(kind: str, path: Path, word: str, repeat: int) -> tuple[float, float, list[str]]:
    """Open (or load) and look one word up in a new process: what a CLI query pays.

    Returns:
        Seconds to open, seconds to look up, and the words found.
    """
    runs = []
    for _ in range(repeat):  # the quickest run: the machine may be busy
        out = subprocess.run([sys.executable, "-c", _FRESH, kind, str(path), word],
                             capture_output=True, text=True, check=True,
                             cwd=Path(__file__).resolve().parent.parent)
        runs.append(tuple(json.loads(out.stdout)))
    return min(runs, key=lambda run: run[0] + run[1])


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.typo_table", description=__doc__.split("\n")[0])
    ap.add_argument("--answers", type=parse_size, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corpus", type=Path, help="a corpus written by bench.generate (else cached in bench/out)")
    ap.add_argument("--words", type=int, default=2000, help="distinct query words to look up")
    ap.add_argument("--repeat", type=int, default=3, help="fresh processes a word (the quickest counts)")
    args = ap.parse_args(argv)
    corpus = args.corpus or ensure_corpus(args.answers, args.seed, Path(__file__).parent / "out")

    t = time.perf_counter()
    counts = document_frequencies(corpus)
    print(f"corpus {corpus}: {len(counts)} words, counted in {time.perf_counter() - t:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        prefix, tsv = Path(tmp) / "vocabulary", Path(tmp) / "vocabulary.tsv"
        t = time.perf_counter()
        path = write_vocabulary(prefix, counts)
        build = time.perf_counter() - t
        save_tsv(tsv, counts)
        t = time.perf_counter()
        vocabulary = Vocabulary.open(prefix)
        opened = time.perf_counter() - t
        t = time.perf_counter()
        loaded = load_tsv(tsv)
        parsed = time.perf_counter() - t
        n_keys = len(vocabulary._keys)
        print(f"build: {build:.2f} s for {len(counts)} words and {n_keys} deletes "
              f"({n_keys / len(counts):.1f} a word)")
        print(f"file {path.name}: {path.stat().st_size / 2**20:.1f} MiB "
              f"(typo table {12 * n_keys / 2**20:.1f} MiB, words+offsets+df "
              f"{(path.stat().st_size - 12 * n_keys) / 2**20:.1f} MiB); "
              f"vocabulary.tsv: {tsv.stat().st_size / 2**20:.1f} MiB")
        print(f"open: {_ms(opened)}; parsing vocabulary.tsv: {_ms(parsed)} "
              f"(x{parsed / opened:.0f})")

        words = query_words(counts, args.words, args.seed)
        scan = BucketScan(loaded)
        t = time.perf_counter()
        table_found = [vocabulary.typo_variants(w) for w in words]
        table = time.perf_counter() - t
        t = time.perf_counter()
        scan_found = [scan.variants(w) for w in words]
        scanned = time.perf_counter() - t
        if table_found != scan_found:
            bad = next(w for w, a, b in zip(words, table_found, scan_found) if a != b)
            raise SystemExit(f"the table and the scan disagree on {bad!r}")
        t = time.perf_counter()
        warm = [scan.variants(w) for w in words]
        warm_scan = time.perf_counter() - t
        assert warm == scan_found
        n = len(words)
        print(f"typo variants of {n} distinct words, {sum(map(bool, table_found))} with some:")
        print(f"  table:                       {_ms(table / n)} a word")
        print(f"  scan, buckets filled on use: {_ms(scanned / n)} a word (x{scanned / table:.0f})")
        print(f"  scan, buckets already full:  {_ms(warm_scan / n)} a word (x{warm_scan / table:.0f})")

        for word in ("botox", "spasticty", "dermatologsit"):
            o1, l1, f1 = fresh_process("table", prefix, word, args.repeat)
            o2, l2, f2 = fresh_process("scan", tsv, word, args.repeat)
            assert f1 == f2
            print(f"fresh process, {word!r}: table open {_ms(o1)} + lookup {_ms(l1)}; "
                  f"tsv load {_ms(o2)} + bucket scan {_ms(l2)} (x{(o2 + l2) / (o1 + l1):.0f})")
    print(f"({SUFFIX} written with max_distance={vocabulary.max_distance})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
