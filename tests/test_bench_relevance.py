"""The search-quality measure: nDCG@10 and P@5 on hand-computed cases, and a tiny run."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

from msqa_search import read_threads

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import generate, relevance  # noqa: E402
from bench.relevance_metrics import ndcg, paired_sign_flip, precision, summary, unjudged  # noqa: E402
from bench.stance_eval import body_start_sha1  # noqa: E402

LOG3 = math.log2(3)


class TestNdcg:
    def test_ideal_order_scores_one(self):
        """A ranking in the ideal order scores 1."""
        assert 1.0 == ndcg(["a", "b", "c"], {"a": 2, "b": 1, "c": 0}, [2, 1, 0])

    def test_graded_gains_and_log_discounts(self):
        """Gains are the grades, discounted by log2 of rank + 1."""
        got = ndcg(["a", "b", "c"], {"a": 0, "b": 2, "c": 1}, [0, 2, 1])
        assert (2 / LOG3 + 1 / 2) / (2 + 1 / LOG3) == pytest.approx(got)

    def test_judged_answer_nobody_returns_stays_in_the_ideal(self):
        """The ideal ranking holds every judged grade, also of answers not returned."""
        assert 2 / (2 + 2 / LOG3) == pytest.approx(ndcg(["a"], {"a": 2}, [2, 2]))

    def test_unjudged_result_gains_nothing(self):
        """An unjudged result takes a place and gains 0."""
        assert (1 / LOG3) / 1 == pytest.approx(ndcg(["x", "a"], {"a": 1}, [1]))

    def test_cut_at_ten(self):
        """A relevant answer at rank 11 adds nothing to nDCG@10."""
        ranked = [f"x{i}" for i in range(10)] + ["a"]
        assert 0.0 == ndcg(ranked, {"a": 2}, [2])

    def test_no_relevant_answer_scores_zero(self):
        """A query whose judged answers are all grade 0 scores 0, not a division error."""
        assert 0.0 == ndcg(["a"], {"a": 0}, [0, 0])


class TestPrecisionAndUnjudged:
    def test_grade_one_is_relevant_and_empty_places_are_not(self):
        """P@5 counts grades 1 and 2 over five places, even when fewer are returned."""
        assert 2 / 5 == precision(["a", "b", "c"], {"a": 2, "b": 0, "c": 1})

    def test_only_the_first_five(self):
        """P@5 ignores the sixth result."""
        ranked = ["a", "b", "c", "d", "e", "f"]
        assert 1 / 5 == precision(ranked, {"a": 1, "f": 2})

    def test_unjudged_in_top_ten(self):
        """Results without a judgment are counted, within the first ten."""
        ranked = ["a", "x", "y"] + [f"z{i}" for i in range(10)]
        assert 9 == unjudged(ranked, {"a": 0})

    def test_summary_means(self):
        """A summary is the mean of each measure per system."""
        rows = [{"s": {"ndcg": 1.0, "p5": 0.4, "unjudged": 2}},
                {"s": {"ndcg": 0.5, "p5": 0.0, "unjudged": 5}}]
        assert {"queries": 2, "s": {"ndcg": 0.75, "p5": 0.2, "unjudged": 3.5}} == summary(rows, ["s"])


class TestPairedSignFlip:
    def test_no_difference(self):
        """Equal scores on every query give p = 1."""
        assert 1.0 == paired_sign_flip([0.0, 0.0, 0.0])

    def test_one_sided_differences(self):
        """Ten gains of the same size: the exact two-sided p is 2 / 2**10."""
        assert 2 / 1024 == pytest.approx(paired_sign_flip([0.1] * 10), abs=0.002)

    def test_balanced_differences(self):
        """Gains and losses that cancel are not significant."""
        assert paired_sign_flip([0.3, -0.3, 0.1, -0.1]) > 0.5


class TestFts5Expression:
    def test_words_are_ored(self):
        """Every word is quoted and ORed over the text columns."""
        assert ('{title body q_title q_body} : (("nose" OR "job" OR "can" OR "t"))'
                == relevance.fts5_expression("nose job can't"))

    def test_excluded_words_go_after_not(self):
        """A -word is excluded with NOT."""
        assert '{title body q_title q_body} : (("lip" OR "swelling") NOT ("filler"))' == \
            relevance.fts5_expression("lip swelling -filler")


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pages")
    generate.write_corpus(30, 5, out)
    return out


@pytest.fixture(scope="module")
def judgments(pages, tmp_path_factory) -> Path:
    """One query judging an answer by position, one moved to a wrong position, one whose
    body changed, and one on a page that is not there."""
    threads = read_threads([pages])
    first, second = threads[0], threads[1]
    a, b = first.answers[0], second.answers[-1]
    words = " ".join(a.body.split()[:4])
    judged = [
        {"file": first.id, "position": 1, "body_start_sha1": body_start_sha1(a.body), "grade": 2},
        {"file": second.id, "position": 99, "body_start_sha1": body_start_sha1(b.body), "grade": 1},
        {"file": second.id, "position": 1, "body_start_sha1": "0" * 40, "grade": 1},
        {"file": "no-such-page", "position": 1, "body_start_sha1": "0" * 40, "grade": 2},
    ]
    path = tmp_path_factory.mktemp("judgments") / "judgments.json"
    path.write_text(json.dumps({"queries": [
        {"id": "t1", "kind": "keyword", "split": "dev", "query": words, "judgments": judged},
        {"id": "t2", "kind": "exclusion", "split": "test", "query": f"{words} -zzzz", "judgments": judged[:1]},
    ]}), encoding="utf-8")
    return path


class TestRun:
    def test_judgments_are_matched_and_misses_reported(self, pages, judgments):
        """Answers are found by position, then by body start; the rest are reported."""
        result = relevance.evaluate(relevance.load_queries(judgments), pages)
        assert {"position": 2, "body_start": 1, "unmatched": 1, "unparsed": 1} == result["found"]
        assert ["unmatched", "unparsed"] == [u["why"].split(";")[0] for u in result["unmatched"]]

    def test_rows_hold_the_measures_of_their_rankings(self, pages, judgments):
        """Each system's figures are those of its own top 10 against the query's grades."""
        queries = relevance.load_queries(judgments)
        result = relevance.evaluate(queries, pages)
        for query, row in zip(queries, result["rows"]):
            gains, ideal = relevance.judged(query)
            for system in relevance.SYSTEMS:
                ranked = [answer_id for answer_id, _ in row[system]["top"]]
                assert ranked, f"{system} found nothing for {query['query']!r}"
                assert ndcg(ranked, gains, ideal) == row[system]["ndcg"]
                assert precision(ranked, gains) == row[system]["p5"]

    def test_json_by_split(self, pages, judgments, capsys):
        """--split keeps that split's queries, and --json prints the tables."""
        code = relevance.main(["--judgments", str(judgments), "--pages", str(pages), "--split", "test", "--json"])
        data = json.loads(capsys.readouterr().out)
        assert (0, ["t2"], ["exclusion"]) == (code, [r["id"] for r in data["rows"]], list(data["tables"]["kind"]))

    def test_one_query_shows_both_top_tens(self, pages, judgments, capsys):
        """--query shows the query's results from both engines with their grades."""
        assert 0 == relevance.main(["--judgments", str(judgments), "--pages", str(pages), "--query", "t1"])
        out = capsys.readouterr().out
        assert ["-- msqa", "-- fts5"] == [line for line in out.splitlines() if line.startswith("--")]
