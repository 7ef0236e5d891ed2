"""Wildcards, prefixes and open ranges expand to a capped number of terms, and the results say so."""

from __future__ import annotations

import pytest
from faultlib import make_threads
from whoosh import query as wq

from msqa_search import Answer, Thread, build_index, query, to_dict
from msqa_search.engine import expert

WORDS = 1100  # more distinct words than MAX_EXPANSIONS


@pytest.fixture(scope="module")
def wide_index(tmp_path_factory):
    """An index whose vocabulary holds 1,100 words starting with "zq", and 60 rated answers."""
    threads = make_threads("capword", 30, 2)
    for t in range(11):
        words = " ".join(f"zq{t * 100 + i:04d}" for i in range(100))
        tid = f"w{t:02d}"
        threads.append(Thread(id=tid, title="Word list", body="A list.", declared_answers=1,
                              answers=[Answer(thread_id=tid, position=1, body=words)]))
    with build_index(threads, tmp_path_factory.mktemp("cap") / "index") as index:
        yield index


class TestExpansionCap:
    """At most MAX_EXPANSIONS terms per pattern; past that a notice on Results."""

    def test_prefix_over_the_cap_is_capped_with_a_notice(self, wide_index):
        """zq* matches 1,100 words: the first 1,024 are searched, and Results.notices says so."""
        assert query.MAX_EXPANSIONS == 1024
        results = wide_index.search("body:zq*")
        assert results.notices == (
            "body:zq* matches more than 1,024 terms; only the first 1,024 (terms in alphabetical order)"
            " were searched. Make it more specific to search them all.",
        )
        assert results.total == 11  # every list holds capped words ...
        last = wide_index.search("body:zq1099")
        assert last.total == 1 and last.notices == ()
        assert wide_index.search("body:zq10*").total == 1  # ... and a narrower prefix finds the rest

    def test_pattern_under_the_cap_has_no_notice(self, wide_index):
        """A prefix of 100 words is searched whole, without a notice."""
        results = wide_index.search("body:zq00*")
        assert (results.total, results.notices) == (1, ())

    def test_open_range_is_capped(self, wide_index, monkeypatch):
        """rating:[0 TO] with a cap of 5 values: fewer answers, and a notice naming the range."""
        full = wide_index.search("rating:[0 TO]", limit=100)
        assert (full.total, full.notices) == (60, ())
        monkeypatch.setattr(query, "MAX_EXPANSIONS", 5)
        capped = wide_index.search("rating:[0 TO]", limit=100)
        assert 0 < capped.total < 60
        assert capped.notices == (
            "rating:[0.0 TO ] matches more than 5 terms; only the first 5 (lowest values) were"
            " searched. Make it more specific to search them all.",
        )
        assert all(hit.doctor.rating <= 3.5 for hit in capped.hits)

    def test_only_cap_plus_one_terms_are_read(self, wide_index):
        """Capping reads cap + 1 terms of a pattern, not the whole vocabulary."""
        reader = wide_index.searcher().reader()
        read = []
        pattern = wq.Prefix("body", "zq")
        original = pattern._btexts

        def counting(r):
            for term in original(r):
                read.append(term)
                yield term

        pattern._btexts = counting
        notices: list[str] = []
        capped = expert.cap_expansions(pattern, reader, 10, notices)
        assert len(read) == 11
        assert len(capped.subqueries) == 10 and len(notices) == 1

    def test_json_output_has_the_notice(self, wide_index):
        """The notice is part of the results' plain data (the --json output)."""
        assert to_dict(wide_index.search("body:zq*"))["notices"][0].startswith("body:zq* matches more than")
