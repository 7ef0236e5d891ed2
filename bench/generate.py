"""Deterministic synthetic doctor Q&A threads in the real page format.

    python -m bench.generate --answers 10000 --out DIR --seed 1

Each thread is rendered exactly as a real page is laid out (see
shared/spec/thread-format.md): question title, optional body, ``Doctor Answers N``,
answers with a title line, 1-3 body paragraphs and a signature card (name line,
``<city> <specialty>``, rating line), then the disclaimer footer. About 8% of answers are
unsigned and about 10% of cards lack the rating line.

Words come from a Zipf distribution over the 4000 most frequent English words with ~350
medical terms mixed in, plus a per-thread topic so that the terms of one thread recur in its
answers, as on real pages. About 2.5% of body words are misspelled (a letter dropped or two
swapped) for the typo benchmark.

``generate_specs`` yields the ground truth records (``bench.pages``), ``pages.render``
turns one into page text, and ``generate_threads`` yields ``(file_name, text)`` pairs
without touching disk.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import math
import os
import random
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from . import vocab
from .pages import AnswerSpec, DoctorSpec, ThreadSpec, render

# Bump when the output changes, so cached corpora are regenerated.
GENERATOR_VERSION = 1
PRESETS = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
FILES_PER_FOLDER = 1000

MEDICAL_SHARE = 0.08  # share of body words drawn from the medical vocabulary
TOPIC_SHARE = 0.03  # extra share of body words taken from the thread's topic terms
TYPO_RATE = 0.025  # share of body words (of 4+ letters) misspelled
UNSIGNED_RATE = 0.08
UNRATED_RATE = 0.10
# Relative frequency of 1..15 answers per thread (mean about 5.8).
ANSWERS_PER_THREAD = [6, 10, 13, 13, 12, 10, 8, 7, 6, 4, 3, 3, 2, 2, 1]
# Lines a title must not start with: page furniture, and the greetings and sign-offs that
# open or close a body paragraph (a real page's "Best, Dr. Green" is body, not a title).
_RESERVED_STARTS = (
    "doctor answers", "answers", "ask a doctor", "have a question", "these answers are",
    "dear", "hi ", "hello", "hey ", "greetings", "best", "regards", "sincerely", "thanks",
    "thank you", "good luck", "cheers", "hope this helps", "all the best", "warm regards",
    "kind regards", "respectfully", "take care", "from ")


def _zipf_cum(n: int, s: float = 1.0, q: float = 2.7) -> list[float]:
    """Cumulative Zipf-Mandelbrot weights 1/(rank+q)^s for ranks 1..n."""
    return list(itertools.accumulate(1.0 / (r + q) ** s for r in range(1, n + 1)))


class _Generator:
    """Holds the vocabularies, weights and doctor population for one corpus."""

    def __init__(self, n_answers: int, seed: int):
        self.rng = random.Random(seed)
        general = vocab.english_words()
        medical = vocab.MEDICAL_TERMS
        self.medical, self.medical_cum = medical, _zipf_cum(len(medical), 0.8, 8.0)
        # One draw list for body text: general words, then medical terms scaled so that
        # they take MEDICAL_SHARE of the probability mass.
        gen_cum = _zipf_cum(len(general), 1.0)
        scale = gen_cum[-1] * MEDICAL_SHARE / (1 - MEDICAL_SHARE) / self.medical_cum[-1]
        self.words = general + medical
        self.words_cum = gen_cum + [gen_cum[-1] + c * scale for c in self.medical_cum]
        self.title_words = [w for w in general[60:1500] if w not in vocab.SPECIALTY_TAILS]
        self.doctors = self._doctors(max(50, n_answers // 8), seed)
        # A few doctors answer a lot, most answer a little.
        self.doctor_cum = _zipf_cum(len(self.doctors), 0.8, 10.0)

    @staticmethod
    def _doctors(n: int, seed: int) -> list[DoctorSpec]:
        rng = random.Random(seed * 7919 + 17)  # own stream: the population is fixed
        spec_names = [s[0] for s in vocab.SPECIALTIES]
        spec_cum = list(itertools.accumulate(s[1] for s in vocab.SPECIALTIES))
        creds = {s[0]: s[2] for s in vocab.SPECIALTIES}
        city_cum = _zipf_cum(len(vocab.CITIES), 0.7)
        seen: set[str] = set()
        doctors, retries = [], 0
        while len(doctors) < n:
            name = rng.choice(vocab.FIRST_NAMES)
            if rng.random() < 0.45:
                name += f" {rng.choice(vocab.MIDDLE_INITIALS)}."
            name += f" {rng.choice(vocab.LAST_NAMES)}"
            if name in seen and retries < 20:  # unique names while the lists allow it
                retries += 1
                continue
            seen.add(name)
            retries = 0
            specialty = rng.choices(spec_names, cum_weights=spec_cum)[0]
            rating = reviews = None
            if rng.random() >= UNRATED_RATE:  # skewed high: 5.0 minus an exponential
                rating = max(3.0, round(5.0 - rng.expovariate(1 / 0.3), 1))
                reviews = min(900, int(rng.lognormvariate(2.5, 1.2)) + 1)
            doctors.append(DoctorSpec(
                name=name,
                credentials=tuple(rng.choice(creds[specialty]).split(", ")),
                city=rng.choices(vocab.CITIES, cum_weights=city_cum)[0],
                specialty=specialty, rating=rating, reviews=reviews))
        return doctors

    # -- text ---------------------------------------------------------------------------

    def _typo(self, word: str) -> str:
        i = self.rng.randrange(len(word) - 1)
        if self.rng.random() < 0.5:  # drop a letter
            return word[:i] + word[i + 1:]
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]  # swap two letters

    def _sentences(self, n_words: int, topic: list[str], typos: bool) -> list[str]:
        rng = self.rng
        words = rng.choices(self.words, cum_weights=self.words_cum, k=n_words)
        for _ in range(round(n_words * TOPIC_SHARE * rng.random() * 2)):
            words[rng.randrange(n_words)] = rng.choice(topic)
        if typos:
            for _ in range(round(n_words * TYPO_RATE * rng.random() * 2)):
                i = rng.randrange(n_words)
                if len(words[i]) >= 4 and " " not in words[i]:
                    words[i] = self._typo(words[i])
        sentences, i = [], 0
        while i < n_words:
            k = rng.randint(6, 22)
            if n_words - i - k < 6:  # no fragment sentences at the end
                k = n_words - i
            part = words[i:i + k]
            i += k
            if k > 8 and rng.random() < 0.4:
                part[rng.randrange(2, k - 2)] += ","
            end = rng.choices(".?!", cum_weights=(85, 92, 100))[0]
            text = " ".join(part)
            sentences.append(text[0].upper() + text[1:] + end)
        return sentences

    def _body(self, topic: list[str]) -> str:
        rng = self.rng
        n_words = min(300, max(30, int(rng.lognormvariate(math.log(110), 0.45))))
        sentences = self._sentences(n_words, topic, typos=True)
        # Cut at the sentence ends nearest to equal shares of words, keeping every paragraph
        # over 20 words: a short one-line paragraph reads like the title of an unsigned
        # answer's successor, and the parser would be right to take it as one.
        ends = list(itertools.accumulate(len(x.split()) for x in sentences))
        n_par = 1 if n_words < 60 else rng.randint(1, 3)
        cuts: list[int] = []
        while n_par > 1:
            cuts = sorted({bisect.bisect_left(ends, n_words * j / n_par) + 1
                           for j in range(1, n_par)})
            sizes = [b - a for a, b in zip([0] + [ends[c - 1] for c in cuts],
                                           [ends[c - 1] for c in cuts] + [n_words], strict=True)]
            if len(cuts) == n_par - 1 and min(sizes) > 20:
                break
            n_par, cuts = n_par - 1, []
        paragraphs = []
        for a, b in zip([0, *cuts], [*cuts, len(sentences)], strict=True):
            sep = "\n" if rng.random() < 0.05 else " "  # some paragraphs span lines
            paragraphs.append(sep.join(sentences[a:b]))
        return "\n\n".join(paragraphs)

    def _title(self, topic: list[str], lo: int, hi: int) -> str:
        rng = self.rng
        while True:
            words = rng.choices(self.title_words, k=rng.randint(lo, hi))
            for _ in range(rng.randint(1, 2)):
                words[rng.randrange(len(words))] = rng.choice(topic)
            title = " ".join(words)
            title = title[0].upper() + title[1:]
            last = title.split()[-1].lower()
            if last not in vocab.SPECIALTY_TAILS and not title.lower().startswith(
                    _RESERVED_STARTS):
                return title

    def thread(self, number: int, n_answers: int) -> ThreadSpec:
        rng = self.rng
        tid = f"{number:07d}_{rng.getrandbits(64):016x}"
        topic = rng.choices(self.medical, cum_weights=self.medical_cum, k=3)
        title = self._title(topic, 5, 15) + ("?" if rng.random() < 0.7 else "")
        n_q = rng.choices((0, 1, 2, 3), cum_weights=(25, 50, 75, 100))[0]
        body = " ".join(self._sentences(n_q * 14, topic, typos=False)) if n_q else ""
        answers = []
        for pos in range(1, n_answers + 1):
            doctor = None
            if rng.random() >= UNSIGNED_RATE:
                doctor = rng.choices(self.doctors, cum_weights=self.doctor_cum)[0]
            answers.append(AnswerSpec(thread_id=tid, position=pos, title=self._title(topic, 3, 10),
                                      body=self._body(topic), doctor=doctor))
        return ThreadSpec(id=tid, title=title, body=body, declared_answers=n_answers,
                          answers=tuple(answers))


def generate_specs(n_answers: int, seed: int) -> Iterator[ThreadSpec]:
    """Yield the ground-truth threads of a corpus of exactly ``n_answers`` answers."""
    gen = _Generator(n_answers, seed)
    counts_cum = list(itertools.accumulate(ANSWERS_PER_THREAD))
    done = number = 0
    while done < n_answers:
        k = min(gen.rng.choices(range(1, 16), cum_weights=counts_cum)[0], n_answers - done)
        yield gen.thread(number, k)
        done += k
        number += 1


def generate_threads(n_answers: int, seed: int) -> Iterator[tuple[str, str]]:
    """Yield ``(file_name, text)`` for each thread of the corpus, in order."""
    for spec in generate_specs(n_answers, seed):
        yield f"{spec.id}.txt", render(spec)


def folder_of(file_name: str) -> str:
    """The subfolder a thread file goes in: 1000 files each, by thread number."""
    return f"{int(file_name[:7]) // FILES_PER_FOLDER:04d}"


def write_corpus(n_answers: int, seed: int, out: Path) -> dict:
    """Write the corpus under ``out`` (subfolders of 1000 files) plus ``corpus.json``."""
    out.mkdir(parents=True, exist_ok=True)
    threads = nbytes = 0
    for name, text in generate_threads(n_answers, seed):
        folder = out / folder_of(name)
        if threads % FILES_PER_FOLDER == 0:
            folder.mkdir(exist_ok=True)
        data = text.encode("utf-8")
        (folder / name).write_bytes(data)
        threads += 1
        nbytes += len(data)
    manifest = {"answers": n_answers, "threads": threads, "seed": seed, "bytes": nbytes,
                "generator_version": GENERATOR_VERSION}
    (out / "corpus.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def corpus_folders(corpus: Path) -> list[Path]:
    """The subfolders holding the thread files of a written corpus, in order."""
    return sorted(p for p in corpus.iterdir() if p.is_dir())


def ensure_corpus(n_answers: int, seed: int, root: Path) -> Path:
    """A cached corpus under ``root``, generated first if missing or stale."""
    path = root / f"corpus-{n_answers}-s{seed}"
    try:
        manifest = json.loads((path / "corpus.json").read_text())
        if manifest.get("generator_version") == GENERATOR_VERSION:
            return path
    except (OSError, ValueError):
        pass
    tmp = root / f".tmp-{path.name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    write_corpus(n_answers, seed, tmp)  # write aside, then swap in: no half corpora
    shutil.rmtree(path, ignore_errors=True)
    tmp.rename(path)
    return path


def parse_size(text: str) -> int:
    """``10k``/``100k``/``1M`` or a plain number of answers."""
    return PRESETS.get(text) or int(text.replace("_", ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.generate",
                                 description=__doc__.split("\n")[0])
    ap.add_argument("--answers", type=parse_size, default=10_000,
                    help="number of answers: 10k, 100k, 1M or a number (default 10k)")
    ap.add_argument("--out", type=Path, required=True, help="folder to write into")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    manifest = write_corpus(args.answers, args.seed, args.out)
    print(f"{manifest['threads']} threads, {manifest['answers']} answers, "
          f"{manifest['bytes'] / 1e6:.1f} MB in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
