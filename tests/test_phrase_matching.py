"""Phrases matched over arrays (engine/positions.py) match exactly what Whoosh's own
``Phrase`` matches: on a generated corpus of several segments with deleted answers, in
field-qualified, synonym-expanded and excluded phrases, and on long synthetic answers
whose positions take every encoding."""

from __future__ import annotations

import os

import random
import sys
from pathlib import Path

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query as wq
from whoosh.formats import Positions

from budget import examples
from msqa_search import Answer, Thread, build_index, parse_thread
from msqa_search.engine import matching, positions
from msqa_search.engine.analysis import stemmed_analyzer
from msqa_search.engine.schema import TEXT_FIELDS
from msqa_search.search import plan_query

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import generate  # noqa: E402

#: The corpus size: the full run indexes more answers than the quick one.
ANSWERS = 1200 if os.environ.get("MSQA_TESTS_QUICK") != "1" else 500


def stems(text: str) -> list[str]:
    return [t.text for t in stemmed_analyzer()(text)]


def whoosh_phrase(snapshot, field: str, words) -> list[int]:
    """What Whoosh's Phrase (slop 1) matches, walked by its span matchers."""
    return sorted(snapshot.searcher.docs_for_query(wq.Phrase(field, list(words))))


def array_phrase(snapshot, field: str, words) -> list[int]:
    return positions.phrase_docs(snapshot.postings, field, list(words)).tolist()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A generated corpus indexed in three segments: a build, an update adding threads,
    and one re-reading threads that lost their last answer (deleted documents)."""
    threads = [parse_thread(text, thread_id=name[:-4]) for name, text in generate.generate_threads(ANSWERS, 7)]
    cut = len(threads) * 2 // 3
    index = build_index(threads[:cut], tmp_path_factory.mktemp("phrases") / "index")
    index.update(threads[cut:])
    index.update([attrs.evolve(t, answers=t.answers[:-1]) for t in threads[:cut:7] if len(t.answers) > 1])
    yield index, threads
    index.close()


@pytest.fixture(scope="module")
def phrases(corpus) -> list[tuple[str, ...]]:
    """Adjacent words of answers and titles (which match), the same words out of order
    or far apart (which mostly do not), repeated words, and a word no answer holds."""
    _, threads = corpus
    rng = random.Random(11)
    answers = [a for t in threads for a in t.answers]
    texts = [*(a.body for a in rng.sample(answers, 50)), *(a.title for a in rng.sample(answers, 40)),
             *(t.body for t in rng.sample(threads, 40))]
    found: list[tuple[str, ...]] = []
    for text in texts:
        words = stems(text)
        if len(words) < 4:
            continue
        n = rng.choice((2, 2, 3, 4))
        i = rng.randrange(len(words) - n + 1)
        found.append(tuple(words[i:i + n]))
        found.append(tuple(reversed(words[i:i + n])))
        found.append((words[0], words[-1]))
        found.append((words[i], words[i]))
    found += [("multipl", "sclerosi"), ("botulinum", "toxin"), ("hair", "loss"), ("multipl", "zzqx")]
    return list(dict.fromkeys(found))


class TestPhraseDocs:
    def test_the_corpus_has_segments_and_deletions(self, corpus):
        """The index the tests search has several segments, some with deleted answers."""
        snapshot = corpus[0].snapshot()
        assert len(snapshot.segments) >= 3
        assert any(s.has_deletions() for s in snapshot.segments)

    @pytest.mark.parametrize("field", sorted(TEXT_FIELDS))
    def test_phrases_match_as_whoosh(self, corpus, phrases, field):
        """Every phrase matches the same documents as Whoosh's Phrase, in every text field."""
        snapshot = corpus[0].snapshot()
        expected = {p: whoosh_phrase(snapshot, field, p) for p in phrases}
        assert expected == {p: array_phrase(snapshot, field, p) for p in phrases}
        assert sum(bool(docs) for docs in expected.values()) > 10  # not all empty

    def test_one_word_and_unknown_fields(self, corpus):
        """A one-word phrase matches the word's live documents; a word absent from the
        index, or a field the schema lacks, matches nothing."""
        snapshot = corpus[0].snapshot()
        assert whoosh_phrase(snapshot, "body", ["botox"]) == array_phrase(snapshot, "body", ["botox"])
        assert [] == array_phrase(snapshot, "body", ["botox", "zzqx"])
        assert not positions.handles(snapshot.searcher, wq.Phrase("nofield", ["a", "b"]))
        assert not positions.handles(snapshot.searcher, wq.Phrase("body", ["a", "b"], slop=2))


QUERIES = (
    '"multiple sclerosis"', '"botulinum toxin"', 'title:"hair loss"', 'body:"multiple sclerosis"',
    'botox NOT "botulinum toxin"', 'injection -"multiple sclerosis"', '"hair loss" OR "multiple sclerosis"',
    '"hair loss" AND body:"botulinum toxin"', 'NOT "hair loss"', '"side effects" treatment',
)


@pytest.fixture(scope="module")
def texts(phrases) -> list[str]:
    """The fixed queries, and phrases of the corpus typed as queries (stems read as words:
    they analyse to themselves or close), in a field and excluded."""
    drawn = ['"' + " ".join(p) + '"' for p in phrases[:60:3]]
    return [*QUERIES, *drawn, *(f"title:{t}" for t in drawn[:5]), *(f"treatment NOT {t}" for t in drawn[5:10])]


class TestExpertQueries:
    def test_matches_are_those_of_whoosh(self, corpus, texts, monkeypatch):
        """Expert queries holding phrases (with their synonyms, in a field, excluded)
        match the same documents with phrases over arrays as with Whoosh's matchers."""
        snapshot = corpus[0].snapshot()
        plans = [plan_query(snapshot, text).query for text in texts]
        # Synonym phrases are among them (weighed below the words typed).
        assert any(isinstance(leaf, wq.Phrase) and leaf.boost < 1 for q in plans for leaf in q.leaves())
        got = [matching.matching_docs(snapshot.searcher, q, snapshot.postings).tolist() for q in plans]
        monkeypatch.setattr(positions, "handles", lambda searcher, q: False)
        assert [matching.matching_docs(snapshot.searcher, q).tolist() for q in plans] == got
        assert any(got)

    def test_searches_find_the_same_answers(self, corpus, monkeypatch):
        """Whole searches return the same totals and hits either way."""
        index = corpus[0]

        def run():
            return [(r.total, [h.answer_id for h in r.hits]) for r in (index.search(q, limit=20) for q in QUERIES)]

        got = run()
        monkeypatch.setattr(positions, "handles", lambda searcher, q: False)
        assert run() == got


# -- long answers: positions past 255 and 65535, and more than 1000 of one word -------

VOCABULARY = ("alpha", "beta", "gamma", "delta", "epsilon")


@pytest.fixture(scope="module")
def long_answers(tmp_path_factory):
    """Answers over a five-word vocabulary, some very long, indexed in two segments."""
    rng = random.Random(5)

    def answer(thread_id: str, position: int, words: int) -> Answer:
        return Answer(thread_id=thread_id, position=position, body=" ".join(rng.choices(VOCABULARY, k=words)))

    def thread(n: int, sizes) -> Thread:
        tid = f"long{n:03d}"
        return Thread(id=tid, title="Words", answers=[answer(tid, i + 1, k) for i, k in enumerate(sizes)])

    first = [thread(n, [rng.choice((3, 40, 300, 2500)) for _ in range(4)]) for n in range(12)]
    # "zeta" at 0 and past 70,000: a delta of four bytes.
    far = " ".join(["zeta", *rng.choices(VOCABULARY, k=70_000), "zeta", "alpha"])
    second = [thread(100 + n, [rng.choice((5, 600)) for _ in range(3)]) for n in range(6)]
    second.append(Thread(id="far", title="Far", answers=[Answer(thread_id="far", position=1, body=far)]))
    index = build_index(first, tmp_path_factory.mktemp("long") / "index")
    index.update(second)
    yield index
    index.close()


class TestLongAnswers:
    @settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(words=st.lists(st.sampled_from((*VOCABULARY, "zeta")), min_size=2, max_size=4))
    def test_phrases_match_as_whoosh(self, long_answers, words):
        """Any phrase over the vocabulary matches what Whoosh's Phrase matches."""
        snapshot = long_answers.snapshot()
        assert whoosh_phrase(snapshot, "body", words) == array_phrase(snapshot, "body", words)

    def test_far_apart_positions(self, long_answers):
        """Positions past 65,535 are decoded (the last two words of the long answer)."""
        snapshot = long_answers.snapshot()
        assert whoosh_phrase(snapshot, "body", ["zeta", "alpha"]) == array_phrase(snapshot, "body", ["zeta", "alpha"])
        assert array_phrase(snapshot, "body", ["zeta", "alpha"])


class TestDecode:
    def test_decodes_as_whoosh(self):
        """Positions of every size and count decode as Whoosh decodes them, values in
        shapes the array decoder does not read (cut short, over 1000 positions) too."""
        rng = random.Random(3)
        form = Positions()
        values = []
        for _ in range(400):
            count = rng.choice((1, 2, 3, 10, 200, 1001, 1500))
            top = rng.choice((100, 300, 70_000, 3_000_000_000))
            value = form.encode(sorted(rng.sample(range(top), min(count, top))))
            values.append(value[:-1] if rng.random() < 0.05 else value)
        owner, found = positions.decode_positions(values, form.decode_positions)
        decoded = [[] for _ in values]
        for o, p in zip(owner.tolist(), found.tolist()):
            decoded[o].append(p)
        assert [form.decode_positions(v) for v in values] == decoded

    def test_nothing_to_decode(self):
        """No values, no positions."""
        owner, found = positions.decode_positions([], Positions().decode_positions)
        assert (0, 0) == (len(owner), len(found))
        assert np.int64 == found.dtype
