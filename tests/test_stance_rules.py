"""Stance rules that generalise across pages: claim kinds, target ties, replies, scopes."""

from __future__ import annotations

import pytest

from msqa_search import answer_stance
from msqa_search.stance.judge import read_claim

MS_CLAIM = "It is safe for a patient with MS to have cosmetic Botox."
NORMAL_CLAIM = "The swelling two weeks after a facelift is normal."


def label(text: str, question: str = MS_CLAIM, **kw) -> str:
    """The label answer_stance gives a synthetic answer."""
    return answer_stance(text, question, **kw).label


class TestClaimKinds:
    @pytest.mark.parametrize(
        ("claim", "kind"),
        [
            ("The congestion after surgery is normal and will improve.", "normal"),
            ("The droop will go back to normal.", "resolve"),
            ("The bruise will go away on its own.", "resolve"),
            ("Recovery from the laser takes only a few weeks.", "general"),
            ("The filler causing the bag can be dissolved.", "general"),
            ("The headache was caused by the Botox.", "cause"),
            ("The redness is from the cream.", "cause"),
        ],
    )
    def test_kind_of_claim(self, claim, kind):
        """Kinds compete for the claim's words; a cause claim needs a causal verb."""
        assert read_claim(claim).kind == kind

    @pytest.mark.parametrize(
        ("claim", "flip"),
        [
            ("The droop is permanent.", True),
            ("Smile side effects from the Botox are rare.", True),
            ("The risk of pigment changes from the laser has passed.", False),
        ],
    )
    def test_only_a_clear_no_turns_a_claim_round(self, claim, flip):
        """A risk estimate in a claim names what it asks about; it does not say no."""
        assert read_claim(claim).flip is flip

    @pytest.mark.parametrize(
        ("claim", "days"),
        [
            ("I can wear makeup within the first week after the laser.", 7.0),
            ("The bruising will clear within about two weeks.", 14.0),
        ],
    )
    def test_time_limits(self, claim, days):
        """'Within the first week' is a limit of one week."""
        assert read_claim(claim).threshold == days

    @pytest.mark.parametrize(
        ("text", "expected"),
        [("You can wear makeup after 3 days.", "for"), ("You can wear makeup after 2 weeks.", "against")],
    )
    def test_first_week_limit_is_compared(self, text, expected):
        """A wait inside the first week is for, a longer one against."""
        assert label(text, "I can wear makeup within the first week after the laser.") == expected


class TestReplies:
    @pytest.mark.parametrize("text", ["Yes.", "Absolutely.", "Of course you can.", "Yes, you can."])
    def test_a_reply_that_opens_its_sentence_says_yes(self, text):
        """'Yes', 'absolutely', 'of course' at the start of a sentence answer the question."""
        assert label(text) == "for"

    @pytest.mark.parametrize(
        "text",
        [
            "Many patients, of course, ask about this before treatment.",
            "Patients ask me this absolutely all the time.",
        ],
    )
    def test_a_reply_word_inside_a_sentence_says_nothing(self, text):
        """'Would, of course, ...' inside a sentence is no yes."""
        assert label(text) == "unclear"


class TestTargetTies:
    CLAIM = "Subcision would help the indented scar."

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Subcision is not effective for this scar. Fractional laser is very effective.", "against"),
            ("Fractional laser is not effective here. Subcision is very effective.", "for"),
            ("Fractional laser is very effective for this scar.", "unclear"),
        ],
    )
    def test_an_unknown_treatment_is_tied_by_its_own_word(self, text, expected):
        """A treatment the synonym groups do not know is spoken of where its word is."""
        assert label(text, self.CLAIM, target="subcision") == expected

    def test_a_second_treatment_in_the_same_claim_is_context(self):
        """'HA filler in the Sculptra area': a sentence on Sculptra speaks of the claim."""
        claim = "A hyaluronic acid filler can be placed in the Sculptra area within a month."
        text = "It is advisable to wait at least 8 weeks after Sculptra."
        assert label(text, claim, target="hyaluronic acid filler") == "against"

    def test_an_alternative_treatment_is_not_the_target(self):
        """'Restylane or Botox': a sentence only on Botox says nothing of Restylane."""
        question = "Can I have Restylane or Botox with MS?"
        assert label("Botox is contraindicated.", question, target="restylane") == "unclear"


class TestScopes:
    @pytest.mark.parametrize(
        "text",
        [
            "If your MS is mild and well controlled you can probably have Botox.",
            "If your disease is stable it is safe to have Botox.",
        ],
    )
    def test_an_if_clause_without_its_comma_ends_at_the_main_subject(self, text):
        """The main clause after an 'if' clause with no comma still takes a position."""
        assert label(text) == "conditional"

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Your chance of nodules is minimized with an experienced injector.", "for"),
            ("The risk of nodules is lowered by massage.", "for"),
            ("There is a chance of nodules.", "against"),
        ],
    )
    def test_a_lowered_chance_denies_the_harm(self, text, expected):
        """'The chance of X is minimized' takes the chance back, as 'is low' does."""
        assert label(text, "The risk of nodules after Sculptra is low.", target="nodules") == expected

    def test_deferral_to_your_own_doctor(self):
        """'Until you have spoken to your own doctor' makes a no wait on a clinician."""
        assert label("Avoid it until you have spoken to your own doctor.") == "conditional"

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("It could be normal swelling, or it could be a seroma; have it checked.", "conditional"),
            ("It may be normal swelling or a seroma, so see your surgeon.", "conditional"),
            ("This is normal swelling, not a seroma; see your surgeon at your follow up.", "for"),
        ],
    )
    def test_either_way_with_a_check_is_conditional(self, text, expected):
        """'Could be normal, could be X, have it checked', with no lean, is conditional."""
        assert label(text, NORMAL_CLAIM) == expected


class TestEvidence:
    def test_the_opening_sentence_when_it_is_among_the_strongest(self):
        """Doctors tend to answer first: an opening position is the evidence."""
        text = "Swelling like this is common. It can take a while. In the end this is normal."
        assert answer_stance(text, NORMAL_CLAIM).evidence == "Swelling like this is common."

    def test_else_the_bottom_line(self):
        """Otherwise the last of the strongest sentences is the evidence, not a caveat."""
        text = "Thanks for asking. Swelling like this is common. In the end this is normal."
        assert answer_stance(text, NORMAL_CLAIM).evidence == "In the end this is normal."
