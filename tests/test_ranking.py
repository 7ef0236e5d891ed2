"""One scorer for every query kind: plain words and expert syntax score alike."""

from __future__ import annotations

import pytest

EVERYTHING = 1000


def scores(index, query: str, **options) -> dict[str, float]:
    results = index.search(query, limit=EVERYTHING, facets=(), **options)
    return {hit.answer_id: hit.score for hit in results.matches}


class TestOneScorer:
    @pytest.mark.parametrize("word", ["spasm", "botox", "contraindication", "restylane"])
    def test_required_word_scores_as_plain_word(self, seed_index, word):
        """``+word`` finds and scores what ``word`` does, without synonyms and typos."""
        plain = scores(seed_index, word, synonyms=False)
        assert plain
        assert plain == scores(seed_index, f"+{word}", synonyms=False)

    def test_spasm_and_required_spasm(self, seed_index):
        """With synonyms on, every answer ``+spasm`` finds has the score ``spasm`` gives it
        (``spasm`` also finds the corpus's misspellings of the word, which ``+spasm`` does not)."""
        plain, required = scores(seed_index, "spasm"), scores(seed_index, "+spasm")
        assert required
        assert {a: plain[a] for a in required} == required

    def test_exclusion_changes_no_score(self, seed_index):
        """An excluded word only removes answers: the others score as without it."""
        plain, excluding = scores(seed_index, "botox"), scores(seed_index, "botox -pregnant")
        assert excluding
        assert {a: plain[a] for a in excluding} == excluding

    def test_field_term_scores_in_its_field(self, seed_index):
        """``title:botox`` finds the answers with the word in their title and scores it
        there only (BM25F over one field, not three)."""
        everywhere, title = scores(seed_index, "botox", synonyms=False), scores(seed_index, "title:botox", synonyms=False)
        titled = {a for a in everywhere if "botox" in seed_index.answer(a).answer.title.lower()}
        assert (titled, True) == (set(title), all(score > 0 for score in title.values()))
        assert {a: everywhere[a] for a in title} != title

    def test_non_text_field_scores_zero(self, seed_index):
        """Answers matched only through a field that is not text score 0, in answer id order."""
        results = seed_index.search("specialty:dermatologist", limit=EVERYTHING, facets=())
        assert results.total
        assert ([0.0] * results.total, sorted(h.answer_id for h in results.matches)) == (
            [h.score for h in results.matches], [h.answer_id for h in results.matches])
