"""The benchmark's query mix: distinct queries drawn from the corpus's own answers.

``build_mix(files, conn, total, seed)`` returns ``total`` queries, every text distinct,
shuffled so that the kinds interleave:

- plain (30%): 1-3 words of one answer; at least 40% of them hold a word that appears
  in fewer than 5 answers (counted by FTS5 over answer titles and bodies, so stems are
  merged: a conservative count), most often a misspelling the corpus itself holds;
- misspelled (10%): 1-3 words of one answer, one of them a common word (in at least
  200 answers, or 2% of them in a small corpus) misspelled into a string that is not a
  word of the vocabulary;
- filtered (15%): a plain query with one of the six commonest specialties and a
  minimum rating (4.0, 4.5 or 4.8);
- faceted (15%): a plain query with facet counts for specialty, city and rating;
- phrase (15%): two or three adjacent words of an answer, or a multi-word medical term,
  quoted;
- grouped (15%): a plain query, one hit per thread.

Words are never function words: the library drops them from queries and FTS5 would OR
them, so they would make the two sides do different work.
"""

from __future__ import annotations

import functools
import random
import re
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path

from . import vocab

KINDS = ("plain", "misspelled", "filtered", "faceted", "phrase", "grouped")
SHARES = {"plain": 0.30, "misspelled": 0.10, "filtered": 0.15, "faceted": 0.15,
          "phrase": 0.15, "grouped": 0.15}
RARE_SHARE = 0.4  # of plain-style queries holding a word in fewer than RARE_DF answers
RARE_DF = 5
COMMON_DF = 200  # a misspelled word's correct form is in at least this many answers
MIN_RATINGS = (4.0, 4.5, 4.8)
FACETS = ("specialty", "city", "rating")

# The library's stop words and negations, and other words too common to be query words.
_FUNCTION = frozenset(
    "a an and are as at be been but by can could did do does for from had has have he her"
    " him his how i if in into is it its may me might my of on or our she should so than"
    " that the their them then there these they this those to us was we were what when"
    " where which who whom why will with would you your no not nor never none without"
    " cannot against also just more most some any all very".split())
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    specialty: str | None = None
    min_rating: float | None = None
    facets: tuple[str, ...] = ()
    group_by_thread: bool = False
    rare: str | None = None
    """The word of the query in fewer than RARE_DF answers, if any."""

    def as_dict(self) -> dict:
        return asdict(self)


@functools.cache
def _known() -> frozenset[str]:
    return frozenset(vocab.english_words()) | {w for t in vocab.MEDICAL_TERMS for w in t.split()}


def _content(word: str) -> bool:
    return len(word) >= 4 and word not in _FUNCTION


class _Answers:
    """Answer texts (title and body, lowercased words) from a sample of corpus files."""

    def __init__(self, files: list[Path], rng: random.Random, n_files: int):
        import msqa_search

        self.texts: list[list[str]] = []
        self.specialties: dict[str, int] = {}
        """Specialties of the sampled answers' doctors, by how many answers they signed."""
        for path in sorted(rng.sample(files, min(len(files), n_files))):
            for answer in (a for t in msqa_search.read_threads([path]) for a in t.answers):
                words = _WORD.findall(f"{answer.title} {answer.body}".lower())
                if len(words) > 5:
                    self.texts.append(words)
                if answer.doctor is not None and answer.doctor.specialty:
                    s = answer.doctor.specialty
                    self.specialties[s] = self.specialties.get(s, 0) + 1

    def pick(self, rng: random.Random) -> list[str]:
        return rng.choice(self.texts)


class _DocFreq:
    """Answers holding a word (in their title or body), from the FTS5 index; cached."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn, self.cache = conn, {}
        (answers,) = conn.execute("SELECT count(*) FROM answers").fetchone()
        self.common = max(3, min(COMMON_DF, answers // 50))

    def __call__(self, word: str) -> int:
        if word not in self.cache:
            (self.cache[word],) = self.conn.execute(
                "SELECT count(*) FROM answers_fts WHERE answers_fts MATCH ?",
                [f'{{title body}} : "{word}"']).fetchone()
        return self.cache[word]


def misspell(word: str, rng: random.Random, known: frozenset[str]) -> str | None:
    """``word`` with a letter dropped, doubled or two swapped, into a string not in
    ``known`` (the first letter kept, as typists mostly do); None if none is found."""
    for _ in range(50):
        i = rng.randrange(1, len(word) - 1)
        how = rng.random()
        if how < 0.4:
            typo = word[:i] + word[i + 1:]
        elif how < 0.8:
            typo = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        else:
            typo = word[:i] + word[i] + word[i:]
        if typo != word and typo not in known:
            return typo
    return None


class _Drawer:
    def __init__(self, answers: _Answers, df: _DocFreq, rng: random.Random):
        self.answers, self.df, self.rng, self.seen = answers, df, rng, set()

    def _fresh(self, text: str) -> bool:
        if text in self.seen:
            return False
        self.seen.add(text)
        return True

    def plain(self, rare: bool) -> tuple[str, str | None]:
        """1-3 content words of one answer; with ``rare``, one of them in < RARE_DF answers."""
        rng = self.rng
        for _ in range(2000):
            words = [w for w in dict.fromkeys(self.answers.pick(rng)) if _content(w)]
            if not words:
                continue
            k = min(len(words), rng.choice((1, 2, 2, 3, 3)))
            chosen = rng.sample(words, k)
            found = None
            if rare:
                rares = [w for w in words if w not in _known() and self.df(w) < RARE_DF]
                rares = rares or [w for w in words if self.df(w) < RARE_DF]
                if not rares:
                    continue
                found = rng.choice(rares)
                chosen = [found] + [w for w in chosen if w != found][:k - 1]
                rng.shuffle(chosen)
            text = " ".join(chosen)
            if self._fresh(text):
                return text, found
        raise RuntimeError("could not draw enough distinct queries from the corpus sample")

    def misspelled(self) -> str:
        rng = self.rng
        for _ in range(2000):
            words = [w for w in dict.fromkeys(self.answers.pick(rng)) if _content(w)]
            common = [w for w in words if w in _known() and len(w) >= 5
                      and self.df(w) >= self.df.common]
            if not common:
                continue
            target = rng.choice(common)
            typo = misspell(target, rng, _known())
            if typo is None:
                continue
            others = [w for w in words if w != target]
            chosen = [typo] + rng.sample(others, min(len(others), rng.choice((0, 1, 1, 2))))
            rng.shuffle(chosen)
            text = " ".join(chosen)
            if self._fresh(text):
                return text
        raise RuntimeError("could not draw enough distinct misspelled queries")

    def phrase(self) -> str:
        rng = self.rng
        multi = [t for t in vocab.MEDICAL_TERMS if " " in t]
        for _ in range(2000):
            if rng.random() < 0.25:
                words = rng.choice(multi).split()
            else:
                text = self.answers.pick(rng)
                n = rng.choice((2, 2, 3))
                i = rng.randrange(max(1, len(text) - n))
                words = text[i:i + n]
                if len(words) < 2 or not all(_content(w) for w in words):
                    continue
            text = '"' + " ".join(words) + '"'
            if self._fresh(text):
                return text
        raise RuntimeError("could not draw enough distinct phrases")


def counts(total: int) -> dict[str, int]:
    """Queries of each kind in a mix of ``total``."""
    out = {k: max(1, round(total * s)) for k, s in SHARES.items()}
    out["plain"] += total - sum(out.values())
    return out


def build_mix(files: list[Path], conn: sqlite3.Connection, total: int = 500,
              seed: int = 1) -> list[Query]:
    """``total`` distinct queries of every kind, interleaved in a seeded order.

    Args:
        files: the corpus's thread files (a sample of them is read).
        conn: the FTS5 baseline database, for counting the answers that hold a word.
        total: how many queries.
        seed: the seed of every draw.
    """
    rng = random.Random(seed)
    answers = _Answers(files, rng, n_files=max(200, total * 4))
    draw = _Drawer(answers, _DocFreq(conn), rng)
    # The six commonest specialties of the sample: values the index holds at any size.
    specialties = sorted(answers.specialties, key=lambda s: (-answers.specialties[s], s))[:6]
    n = counts(total)
    mix: list[Query] = []

    def plains(k: int) -> list[tuple[str, str | None]]:
        n_rare = -(-k * int(RARE_SHARE * 100) // 100)  # at least RARE_SHARE, rounded up
        got = [draw.plain(rare=i < n_rare) for i in range(k)]
        rng.shuffle(got)
        return got

    mix += [Query("plain", t, rare=r) for t, r in plains(n["plain"])]
    mix += [Query("filtered", t, specialty=rng.choice(specialties),
                  min_rating=rng.choice(MIN_RATINGS), rare=r) for t, r in plains(n["filtered"])]
    mix += [Query("faceted", t, facets=FACETS, rare=r) for t, r in plains(n["faceted"])]
    mix += [Query("grouped", t, group_by_thread=True, rare=r) for t, r in plains(n["grouped"])]
    mix += [Query("misspelled", draw.misspelled()) for _ in range(n["misspelled"])]
    mix += [Query("phrase", draw.phrase()) for _ in range(n["phrase"])]
    rng.shuffle(mix)
    return mix


def cli_queries(files: list[Path], conn: sqlite3.Connection, n: int, seed: int,
                avoid: set[str]) -> list[str]:
    """``n`` distinct plain query texts for the whole-process runs, none in ``avoid``."""
    rng = random.Random(seed + 7)
    draw = _Drawer(_Answers(files, rng, n_files=max(50, n * 4)), _DocFreq(conn), rng)
    draw.seen |= avoid
    return [draw.plain(rare=False)[0] for _ in range(n)]
