"""The text fields' posting format: the postings of Whoosh's Positions, in one pass."""

from __future__ import annotations

import pytest
from whoosh.formats import Positions

from msqa_search.engine.analysis import text_analyzer
from msqa_search.engine.schema import SCHEMA, TEXT_FIELDS
from msqa_search.engine.text_format import TextPositions

TEXTS = [
    "",
    "the and of",
    "Botox for MS patients: Ms. Green said botox is not a contraindication, botox.",
    "Ms\nGreen, MS. Ms Smith e.g. 2.5 mg U.S.A. caf\u00e9 na\u00efve \u0130stanbul \u00df",
    "Spasticity spasticty spasticity spasticity organic organization added adding hepatitis",
    " ".join(f"word{i % 37} filler" for i in range(5000)),  # positions past the table
]


class TestTextPositions:
    @pytest.mark.parametrize("stem", [True, False])
    @pytest.mark.parametrize("text", TEXTS)
    @pytest.mark.parametrize("boost", [1.0, 0.5, 4.0])
    def test_same_postings_as_positions(self, text, stem, boost):
        """Every (term, frequency, weight, encoded positions) is Whoosh's, in its order."""
        analyzer = text_analyzer(stem)
        expected = list(Positions(field_boost=boost).word_values(text, analyzer, mode="index"))
        fast = TextPositions(field_boost=boost)
        assert expected == list(fast.word_values(text, analyzer, mode="index"))
        assert expected == list(fast.word_values(text, analyzer, mode="index"))  # replayed

    def test_terms_are_the_index_tokens(self):
        """TextAnalyzer.terms lists the token texts __call__ yields in index mode."""
        analyzer = text_analyzer()
        for text in TEXTS:
            tokens = [t.text for t in analyzer(text, positions=True, mode="index") if not t.stopped]
            assert tokens == analyzer.terms(text)

    def test_other_analyzers_take_whooshs_path(self):
        """A value analysed by another analyzer gets Positions' own postings."""
        analyzer = SCHEMA["doctor"].analyzer
        text = "Dr. Ann Green green"
        expected = list(Positions().word_values(text, analyzer, mode="index"))
        assert expected == list(TextPositions().word_values(text, analyzer, mode="index"))

    def test_text_fields_use_it(self):
        """The searched text fields are written with TextPositions, with their boosts."""
        for field, boost in TEXT_FIELDS.items():
            assert isinstance(SCHEMA[field].format, TextPositions)
            assert boost == SCHEMA[field].format.field_boost
