"""Large user synonym files: merging is near-linear, and merged once per file content."""

from __future__ import annotations

from pathlib import Path

import pytest

from work import work

from msqa_search import query as search_query
from msqa_search.lexicon import synonym_cache as synonyms
from msqa_search.lexicon.synonym_file import parse_synonyms


def disjoint_groups(n: int) -> str:
    return "".join(f"alpha{i}, beta{i}, gamma{i}\n" for i in range(n))


def one_chained_group(n: int) -> str:
    # Each line shares a phrase with the previous one, so everything merges into one group.
    return "".join(f"link{i}, link{i + 1}\n" for i in range(n))


def growth(make_text, small: int) -> float:
    """How much more work parsing (and asking a phrase's alternatives) takes at 8x the size."""

    def task(n: int):
        text = make_text(n)

        def run():
            found = parse_synonyms(text)
            found.alternatives(found.groups[0][0])

        return run

    return work(task(8 * small)) / work(task(small))


class TestGrowth:
    """8x the groups costs well under 64x (what quadratic merging costs)."""

    def test_disjoint_groups_merge_near_linearly(self):
        """3-phrase groups, 300 vs 2,400: the ratio is far below 64."""
        assert growth(disjoint_groups, 300) < 24

    def test_one_growing_group_merges_near_linearly(self):
        """One group grown line by line, 40 vs 320 phrases (cubic before): far below 64."""
        assert growth(one_chained_group, 40) < 24

    def test_merged_groups_keep_file_order(self):
        """Merging keeps the order the old merge gave: the earliest group first, then the others."""
        found = parse_synonyms("a1, b1\nc1, d1\na1, e1\nd1, b1\nf1, g1\n")
        assert found.groups == ((("a1",), ("b1",), ("e1",), ("c1",), ("d1",)), (("f1",), ("g1",)))
        assert found.alternatives(("c1",)) == (("a1",), ("b1",), ("e1",), ("d1",))

    def test_one_big_group_table_is_not_quadratic(self, tmp_path, monkeypatch):
        """The stemmed table of one 2,000-phrase group answers a lookup without building n*n entries."""
        path = tmp_path / "big.txt"
        path.write_text(one_chained_group(2000), encoding="utf-8")
        search_query._synonym_table.cache_clear()
        table = search_query._synonym_table((str(path),))
        assert len(table[("link7",)]) == 2000
        assert len(table.synonyms._found) == 1  # only the phrase asked for was expanded


class TestCache:
    """The merged, stemmed map is cached by the files' content, as plain JSON."""

    def test_second_process_reuses_the_merge(self, tmp_path, monkeypatch):
        """With a cache file present, no line is parsed again; a changed file is merged anew."""
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        path = tmp_path / "user.txt"
        path.write_text("zorblax, quintessa\n", encoding="utf-8")
        first = synonyms.derived_synonyms([path], lambda p: p, tag="test")
        cached = list((tmp_path / "cache").rglob("synonyms-*.json"))
        assert len(cached) == 1

        def no_parsing(*args):
            raise AssertionError("parsed again")

        with monkeypatch.context() as m:
            m.setattr(synonyms, "parse_lines", no_parsing)
            again = synonyms.derived_synonyms([path], lambda p: p, tag="test")
        assert again.groups == first.groups
        assert again.alternatives(("zorblax",)) == (("quintessa",),)
        path.write_text("zorblax, quintessa, flumph\n", encoding="utf-8")
        changed = synonyms.derived_synonyms([path], lambda p: p, tag="test")
        assert changed.alternatives(("zorblax",)) == (("quintessa",), ("flumph",))
        assert len(list((tmp_path / "cache").rglob("synonyms-*.json"))) == 2

    @pytest.mark.parametrize("content", ["not json", '{"groups": 3, "rules": []}', "[" * 100000])
    def test_a_broken_cache_file_is_rebuilt(self, tmp_path, content):
        """A garbled cache file is ignored and replaced, never an error."""
        path = tmp_path / "user.txt"
        path.write_text("zorblax, quintessa\n", encoding="utf-8")
        synonyms.derived_synonyms([path], lambda p: p, tag="test", cache_dir=tmp_path / "c")
        (cache,) = (tmp_path / "c").glob("*.json")
        cache.write_text(content, encoding="utf-8")
        again = synonyms.derived_synonyms([path], lambda p: p, tag="test", cache_dir=tmp_path / "c")
        assert again.alternatives(("zorblax",)) == (("quintessa",),)
        assert Path(cache).read_text(encoding="utf-8") != content
