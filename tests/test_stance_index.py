"""Stances in the index: stored at build time, filtered and faceted on, rebuilt as a
consensus without judging again, the same from serial and parallel builds and updates."""

from __future__ import annotations

import attrs
import numpy as np
import pytest

from msqa_search import (
    Doctor,
    FacetValue,
    Results,
    SearchOptionError,
    ThreadNotFoundError,
    build_index,
    from_dict,
    open_index,
    thread_consensus,
    to_dict,
)
from msqa_search.engine import parallel as index_parallel
from msqa_search.engine import batch as index_batch
from msqa_search.engine import documents
from msqa_search.engine import writer as index_write
from msqa_search.engine.parallel import build_segments
from msqa_search.index_stance import LABEL_BITS, labels

EVERYTHING = 1000
QUESTION = "Can I have Restylane or Botox with MS?"


def stances_by_answer(threads) -> dict[str, tuple]:
    """Answer id -> its stances as thread_consensus judges them, in target order."""
    found: dict[str, list] = {}
    for thread in threads:
        for item in thread_consensus(thread).stances:
            found.setdefault(item.answer_id, []).append(item.stance)
    return {k: tuple(v) for k, v in found.items()}


def synthetic(make_thread):
    """Two hand-made threads: one with two targets, one naming no treatment."""
    derm = Doctor(name="Ann Lee", specialty="Dermatologist")
    surgeon = Doctor(name="Bo Park", specialty="Plastic Surgeon")
    two = make_thread(
        "two-targets",
        ("Restylane should be fine with MS.\n\nBotox is contraindicated in MS.", derm),
        ("Botox is contraindicated in MS.", surgeon),
        ("Both Botox and Restylane should be fine with MS.", derm),
        "Thanks for your question and good luck.",
        ("You can have Botox only if your neurologist clears you.", surgeon),
        title=QUESTION,
    )
    none = make_thread(
        "no-target",
        "This swelling is normal and expected after the procedure.",
        "Swelling like this is not normal; see your surgeon now.",
        title="Is this swelling normal three days after surgery?",
    )
    return two, none


@pytest.fixture
def synthetic_index(make_thread, threads, build):
    """An index of the seeds and the synthetic threads, with those threads."""
    corpus = (*threads, *synthetic(make_thread))
    return build(corpus), corpus


def expected_facet(answer_ids, stances) -> tuple[FacetValue, ...]:
    """The stance facet counted from thread_consensus: every label an answer takes."""
    counts: dict[str, int] = {}
    for answer_id in answer_ids:
        for label in labels(stances[answer_id]):
            counts[label] = counts.get(label, 0) + 1
    return tuple(FacetValue(value=v, count=n) for v, n in sorted(counts.items(), key=lambda vn: (-vn[1], vn[0])))


class TestStoredConsensus:
    def test_equals_thread_consensus(self, synthetic_index):
        """consensus(thread_id) from the stored stances equals thread_consensus(thread)."""
        index, corpus = synthetic_index
        assert [thread_consensus(t) for t in corpus] == [index.consensus(t.id) for t in corpus]

    def test_two_targets_split(self, synthetic_index):
        """The two-target thread counts each target on its own, per label and specialty."""
        consensus = synthetic_index[0].consensus("two-targets")
        assert (
            ("restylane", "botox"),
            {"for": 2, "against": 0, "conditional": 0, "unclear": 3},
            {"for": 1, "against": 2, "conditional": 1, "unclear": 1},
            {"for": 0, "against": 1, "conditional": 1, "unclear": 0},
        ) == (
            consensus.targets,
            consensus.counts["restylane"],
            consensus.counts["botox"],
            consensus.by_specialty["botox"]["plastic surgeon" if "plastic surgeon" in consensus.by_specialty["botox"] else "Plastic Surgeon"],
        )

    def test_other_question_is_judged_on_the_fly(self, seed_index, threads_by_id):
        """A question other than the thread's own is judged now, as thread_consensus does."""
        thread = threads_by_id["000_19f0a23f49198bfd"]
        question = "Is Restylane safe for a patient with MS?"
        assert thread_consensus(thread, question) == seed_index.consensus(thread.id, question)

    def test_unknown_thread(self, seed_index):
        """An unknown thread id raises ThreadNotFoundError."""
        with pytest.raises(ThreadNotFoundError):
            seed_index.consensus("no-such-thread")

    @pytest.mark.parametrize("question", ["", "   ", 3])
    def test_bad_question(self, seed_index, question):
        """A question that is not a text with a word in it is a SearchOptionError."""
        with pytest.raises(SearchOptionError, match="question must be a text"):
            seed_index.consensus("000_19f0a23f49198bfd", question)


class TestStanceFilter:
    @pytest.mark.parametrize("label", list(LABEL_BITS))
    def test_keeps_answers_taking_the_label(self, synthetic_index, label):
        """stance=LABEL keeps exactly the matching answers that take it on some target."""
        index, corpus = synthetic_index
        stances = stances_by_answer(corpus)
        everything = index.search("ms botox swelling", limit=EVERYTHING, facets=(), match="any")
        expected = {h.answer_id for h in everything.matches if label in labels(stances[h.answer_id])}
        found = index.search("ms botox swelling", limit=EVERYTHING, facets=(), stance=label, match="any")
        assert (expected, label in "for against" or bool(expected)) == ({h.answer_id for h in found.matches}, True)

    def test_several_labels_are_any_of(self, synthetic_index):
        """Several labels keep the answers taking any of them."""
        index, _ = synthetic_index
        both = index.search("botox", limit=EVERYTHING, facets=(), stance=("against", "conditional"))
        one = {h.answer_id for label in ("against", "conditional")
               for h in index.search("botox", limit=EVERYTHING, facets=(), stance=label).matches}
        assert one == {h.answer_id for h in both.matches}

    def test_case_does_not_matter(self, seed_index):
        """"Against" filters as "against"."""
        assert seed_index.search("botox", stance="Against").total == seed_index.search("botox", stance="against").total

    def test_unknown_label(self, seed_index):
        """A label that is not one of the four is a SearchOptionError naming them."""
        with pytest.raises(SearchOptionError) as info:
            seed_index.search("botox", stance="maybe")
        assert "stance must be one of for, against, conditional, unclear, not 'maybe'" == str(info.value)

    def test_hits_carry_their_stances(self, synthetic_index):
        """Every hit's stances are its answer's, as thread_consensus judges them."""
        index, corpus = synthetic_index
        stances = stances_by_answer(corpus)
        hits = index.search("ms", limit=EVERYTHING, facets=()).matches
        assert hits and all(h.stances == stances[h.answer_id] for h in hits)


class TestStanceFacet:
    def test_counts_every_label_an_answer_takes(self, synthetic_index):
        """facets=("stance",) counts each answer under every position it takes on some
        target, and under unclear when it takes none."""
        index, corpus = synthetic_index
        stances = stances_by_answer(corpus)
        results = index.search("ms botox swelling", limit=EVERYTHING, facets=("stance",))
        assert expected_facet([h.answer_id for h in results.matches], stances) == results.facets["stance"].values

    def test_answer_with_two_positions_counts_twice(self, synthetic_index):
        """The answer that says yes to Restylane and no to Botox counts as for and as
        against, and not as unclear."""
        results = synthetic_index[0].search('answer_id:"two-targets#1"', facets=("stance",))
        assert (1, (FacetValue(value="against", count=1), FacetValue(value="for", count=1))) == (
            results.total, results.facets["stance"].values)

    def test_filter_on_counts_the_other_labels(self, synthetic_index):
        """With a stance filter on, the stance facet counts as if it were off."""
        index, _ = synthetic_index
        filtered = index.search("botox", stance="against", facets=("stance",))
        unfiltered = index.search("botox", facets=("stance",))
        assert (unfiltered.facets["stance"], ("stance",)) == (filtered.facets["stance"], filtered.filtered)

    def test_values(self, synthetic_index):
        """values("stance") counts every answer of the index."""
        index, corpus = synthetic_index
        stances = stances_by_answer(corpus)
        assert expected_facet(list(stances), stances) == index.values("stance")

    def test_not_counted_by_default(self, seed_index):
        """A search counts the four other facets unless asked for the stance facet."""
        assert ("specialty", "city", "rating", "doctor") == tuple(seed_index.search("botox").facets)


class TestGroupByThread:
    def test_results_carry_each_threads_consensus(self, synthetic_index):
        """With group_by_thread, Results.consensus holds each hit thread's consensus."""
        index, corpus = synthetic_index
        by_id = {t.id: t for t in corpus}
        results = index.search("botox ms", group_by_thread=True)
        assert {h.thread_id: thread_consensus(by_id[h.thread_id]) for h in results.hits} == results.consensus

    def test_no_consensus_without_grouping(self, seed_index):
        """Without group_by_thread, Results.consensus is empty."""
        assert {} == seed_index.search("botox").consensus

    def test_round_trips_through_dicts(self, synthetic_index):
        """Results with stances and consensus survive to_dict and from_dict."""
        results = synthetic_index[0].search("botox", group_by_thread=True, facets=("stance",))
        assert results == from_dict(Results, to_dict(results))


def column_stances(index) -> dict[str, int]:
    """Answer id -> the stance column value, for the live documents."""
    columns = index.columns()
    live = set(index.searcher().reader().all_doc_ids())
    return {a: columns.arrays["stance"][d] for d, a in enumerate(columns.answer_ids) if d in live}


class TestWrites:
    def test_parallel_and_serial_builds_agree(self, synthetic_index, tmp_path, monkeypatch):
        """A build in worker processes stores the same stances and columns as one in
        this process."""
        serial, corpus = synthetic_index
        calls = []

        def spy(*args, **kwargs):
            calls.append(args[2])
            return build_segments(*args, **kwargs)

        monkeypatch.setattr(index_write, "PARALLEL_MIN_ANSWERS", 1)
        monkeypatch.setattr(index_parallel, "CHUNK_ANSWERS", 1)
        monkeypatch.setattr(index_parallel, "build_segments", spy)
        with build_index(corpus, tmp_path / "parallel", workers=2) as parallel:
            found = (
                [parallel.consensus(t.id) for t in corpus],
                column_stances(parallel),
                parallel.values("stance"),
                parallel.check(),
            )
        assert ([2], ([serial.consensus(t.id) for t in corpus], column_stances(serial), serial.values("stance"), [])) == (
            calls, found)

    def test_update_keeps_and_rejudges(self, make_thread, threads, tmp_path):
        """An update keeps the stances of the threads it leaves alone and judges the
        threads it adds or replaces; a merge keeps the columns."""
        two, none = synthetic(make_thread)
        changed = attrs.evolve(two, answers=[attrs.evolve(a, body="Botox is contraindicated in MS.") for a in two.answers])
        with build_index([*threads, two], tmp_path / "ix") as index:
            index.update([none, changed])
            corpus = [*threads, changed, none]
            found = ([index.consensus(t.id) for t in corpus], column_stances(index), index.check())
        expected_columns = {a: sum(LABEL_BITS[x] for x in labels(s)) for a, s in stances_by_answer(corpus).items()}
        assert ([thread_consensus(t) for t in corpus], expected_columns, []) == found

    def test_columns_read_back_from_stored_stances(self, synthetic_index):
        """The columns of a merged segment, read back from the stored fields, hold the
        same stance values as the columns written while building."""
        index = synthetic_index[0]
        snapshot = index.snapshot()
        (segment,) = snapshot.segments
        assert list(index.columns().arrays["stance"]) == list(
            index_batch._columns_from_segment(snapshot.ix, segment).arrays["stance"])

    def test_check_finds_a_column_that_disagrees(self, threads, tmp_path):
        """check() reports a stance column that differs from the stored stances."""
        with build_index(threads, tmp_path / "ix") as index:
            columns = index.columns()
            stance = np.array(columns.arrays["stance"])  # the file is mapped read-only: a changed copy
            stance[0] ^= LABEL_BITS["unclear"] ^ LABEL_BITS["for"]
            changed = attrs.evolve(columns, arrays={**columns.arrays, "stance": stance})
            assert ["document 0: its stored stances differ from the columns"] == documents.check_documents(index.searcher(), changed)

    def test_stance_column_is_within_bounds(self, seed_index):
        """Every stance column value has at least one label bit and no other bit."""
        values = np.frombuffer(seed_index.columns().arrays["stance"], dtype=np.int32)
        assert bool(((values > 0) & (values < 16)).all())


def test_reopened_index_answers_the_same(index_dir, seed_index, threads):
    """A fresh open of the index rebuilds the same consensus (nothing kept in memory)."""
    with open_index(index_dir) as index:
        assert [seed_index.consensus(t.id) for t in threads] == [index.consensus(t.id) for t in threads]
