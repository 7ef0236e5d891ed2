"""The benchmark's query sets, drawn deterministically from the vocabulary and the corpus.

Every category holds ``n`` queries:

- plain: 1-3 words, from the medical terms and mid-frequency English words (no function
  words: the library drops them and FTS5 does not, so they would make the sides differ);
- phrase: a quoted multi-word medical term, or two adjacent words of a corpus answer;
- filtered: a plain query with a specialty and ``min_rating=4.5``;
- faceted: a plain query with facets specialty, city and rating;
- grouped: a plain query grouped by thread;
- misspelled: a plain query with one word misspelled (a letter dropped or two swapped)
  into a string that is not a word of the vocabulary, searched with typo tolerance.
"""

from __future__ import annotations

import functools
import random
import re
from dataclasses import dataclass
from pathlib import Path

from . import vocab

CATEGORIES = ("plain", "phrase", "filtered", "faceted", "grouped", "misspelled")
FILTER_SPECIALTIES = ("Plastic Surgeon", "Dermatologist", "Facial Plastic Surgeon")
MIN_RATING = 4.5
FACETS = ("specialty", "city", "rating")

# Function words of both the library's stop list and common English; never query words.
_FUNCTION = frozenset(
    "a an and are as at be been but by can could did do does for from had has have he her"
    " him his how i if in into is it its may me might my of on or our she should so than"
    " that the their them then there these they this those to us was we were what when"
    " where which who whom why will with would you your no not nor never none without"
    " cannot against also just more most some any all very".split())


@dataclass
class Query:
    text: str
    specialty: str | None = None
    min_rating: float | None = None
    facets: tuple[str, ...] = ()
    group_by_thread: bool = False
    typos: bool = False
    """Use typo tolerance: the library's synonyms=True (which brings its typo variants
    and suggestions), FTS5's spelling suggestions. Off elsewhere: same work both sides."""


@functools.cache
def _content_words() -> list[str]:
    english = vocab.english_words()
    return [w for w in english[300:3000] if w not in _FUNCTION and len(w) >= 4]


@functools.cache
def _single_medical() -> list[str]:
    return [t for t in vocab.MEDICAL_TERMS[:200] if " " not in t and len(t) >= 4]


def _plain(rng: random.Random) -> str:
    medical, general = _single_medical(), _content_words()
    words = [rng.choice(medical)]  # every query has a domain word, as real ones do
    for _ in range(rng.randint(0, 2)):
        words.append(rng.choice(medical if rng.random() < 0.5 else general))
    rng.shuffle(words)
    return " ".join(dict.fromkeys(words))


def _corpus_pairs(files: list[Path], rng: random.Random, n: int) -> list[str]:
    """Adjacent word pairs from answer bodies of a few corpus files."""
    pairs = []
    for path in rng.sample(files, min(len(files), n * 3)):
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if len(ln) > 150]
        if not lines:
            continue
        words = re.findall(r"[a-z]+", rng.choice(lines).lower())
        for _ in range(10):
            i = rng.randrange(len(words) - 1)
            a, b = words[i], words[i + 1]
            if a not in _FUNCTION and b not in _FUNCTION and len(a) > 3 and len(b) > 3:
                pairs.append(f"{a} {b}")
                break
    return pairs[:n]


def misspell(word: str, rng: random.Random, known: set[str]) -> str:
    """``word`` with a letter dropped or two swapped, giving a string not in ``known``."""
    for _ in range(50):
        i = rng.randrange(1, len(word) - 1)  # keep the first letter, as typists mostly do
        if rng.random() < 0.5:
            typo = word[:i] + word[i + 1:]
        else:
            typo = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        if typo != word and typo not in known:
            return typo
    return word


def build_queries(files: list[Path], n: int = 30, seed: int = 1) -> dict[str, list[Query]]:
    """The query sets of every category, ``n`` queries each."""
    rng = random.Random(seed)
    plain = [_plain(rng) for _ in range(n * 5)]
    multi = [t for t in vocab.MEDICAL_TERMS[:150] if " " in t]
    phrases = rng.sample(multi, min(len(multi), n // 2))
    phrases += _corpus_pairs(files, rng, n - len(phrases))
    known = set(vocab.english_words()) | {w for t in vocab.MEDICAL_TERMS for w in t.split()}
    misspelled = []
    for text in plain[n * 4:]:
        words = text.split()
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        words[longest] = misspell(words[longest], rng, known)
        misspelled.append(" ".join(words))
    return {
        "plain": [Query(t) for t in plain[:n]],
        "phrase": [Query(f'"{p}"') for p in phrases],
        "filtered": [Query(t, specialty=FILTER_SPECIALTIES[i % 3], min_rating=MIN_RATING)
                     for i, t in enumerate(plain[n:n * 2])],
        "faceted": [Query(t, facets=FACETS) for t in plain[n * 2:n * 3]],
        "grouped": [Query(t, group_by_thread=True) for t in plain[n * 3:n * 4]],
        "misspelled": [Query(t, typos=True) for t in misspelled],
    }
