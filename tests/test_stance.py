"""Stance of answers on a yes/no question, and how a thread's answers split."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import attrs
import pytest

import msqa_search
from msqa_search import (
    Answer,
    AnswerStance,
    Consensus,
    Doctor,
    Stance,
    Thread,
    answer_stance,
    question_targets,
    thread_consensus,
)
from msqa_search.model import from_dict, to_dict
from msqa_search.stance.cues import CueFileError, load_cues, parse_cues
from msqa_search.stance.targets import clauses_by_treatment, target_scope
from msqa_search.stance.text import collapse, durations, sentences

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEED_LABELS = json.loads((HERE / "stance-seeds.json").read_text(encoding="utf-8"))["labels"]
REAL_LABELS = ROOT / "bench" / "data" / "stance-labels.json"
REAL_PAGES = ROOT.parent / "shared" / "realpages"

MS_CLAIM = "It is safe for a patient with MS to have cosmetic Botox."


def label(text: str, question: str = MS_CLAIM, **kw) -> str:
    """The label answer_stance gives a synthetic answer."""
    return answer_stance(text, question, **kw).label


class TestSeedLabels:
    def test_seed_pairs_agree_with_the_hand_labels(self, threads_by_id):
        """At least 21 of the 23 hand-labelled seed pairs get their label (or alt)."""
        right = []
        for record in SEED_LABELS:
            thread_id, position = record["answer_id"].split("#")
            answer = threads_by_id[thread_id].answers[int(position) - 1]
            stance = answer_stance(answer, record["claim"], target=record["target"])
            right.append(stance.label in (record["stance"], record.get("alt")))
        assert len(right) == 23
        assert sum(right) >= 21, f"{sum(right)} of 23"

    def test_evidence_is_a_sentence_of_the_body(self, threads_by_id):
        """Every seed answer's evidence is one of its body's sentences, verbatim."""
        for record in SEED_LABELS:
            thread_id, position = record["answer_id"].split("#")
            answer = threads_by_id[thread_id].answers[int(position) - 1]
            stance = answer_stance(answer, record["claim"], target=record["target"])
            if stance.label != "unclear":
                assert stance.evidence in sentences(answer.body)
                assert stance.evidence in collapse(answer.body)

    def test_most_seed_evidence_matches_the_labelled_sentence(self, threads_by_id):
        """Most seed pairs choose the very sentence the labeller chose."""
        same = 0
        for record in SEED_LABELS:
            thread_id, position = record["answer_id"].split("#")
            answer = threads_by_id[thread_id].answers[int(position) - 1]
            stance = answer_stance(answer, record["claim"], target=record["target"])
            same += stance.evidence == record["evidence"]
        assert same >= 15, f"{same} of 23"


class TestCueKinds:
    def test_negated_contraindication_is_for(self):
        """'No contraindication' reverses the contraindication cue."""
        assert label("In my experience there is no contraindication to Botox with MS.") == "for"
        assert label("MS is not a contraindication for Botox.") == "for"

    def test_contraindication_is_against(self):
        """A plain contraindication is a no."""
        assert label("Botox is contraindicated in patients with MS.") == "against"

    def test_exception_makes_a_no_conditional(self):
        """'Contraindicated unless cleared' is conditional and names the clinician."""
        stance = answer_stance("Botox is contraindicated unless your neurologist clears you.", MS_CLAIM)
        assert (stance.label, stance.condition) == ("conditional", "neurologist")

    def test_condition_makes_a_yes_conditional(self):
        """'If your MS is stable, you can have Botox' is conditional."""
        assert label("If your disease is stable, you can have Botox safely.") == "conditional"

    def test_deferral_alone_is_conditional(self):
        """An answer that only hands the decision to another clinician is conditional."""
        assert label("Please ask your neurologist before any injection.") == "conditional"

    def test_routine_deferral_keeps_a_clear_position(self):
        """A clear yes followed by 'check with your doctor' stays for."""
        text = "Botox is perfectly safe for you. As always, check with your doctor first."
        assert label(text) == "for"

    def test_hedge_keeps_the_direction(self):
        """'Probably fine' is still for; 'probably best not to' is still against."""
        assert label("Botox is probably fine for you.") == "for"
        assert label("It is probably best not to have Botox.") == "against"

    def test_bottom_line_wins_over_the_risk_estimate(self):
        """The last clear recommendation wins over an earlier weaker statement."""
        assert label("There is no hard evidence of harm. Still, I would avoid Botox in MS.") == "against"
        assert label("Some doctors avoid it. I think Botox is safe for you.") == "for"

    def test_clause_after_but_is_the_bottom_line(self):
        """Within a sentence, the clause after 'but' decides."""
        text = "Botox is often used in MS, but I would not recommend it in your case."
        assert label(text) == "against"

    def test_hypothetical_clause_takes_no_position(self):
        """'If it does not improve' is no claim that it will not."""
        claim = "The swelling will go away."
        text = "If it does not improve in a month, see your surgeon. It will go away."
        assert label(text, claim) == "for"

    def test_two_targets_in_one_question(self):
        """One answer can be for one treatment and against another."""
        question = "Can I have Restylane or Botox with multiple sclerosis?"
        text = "Restylane is fine with MS. Botox, however, is contraindicated in MS."
        assert question_targets(question) == ("restylane", "botox")
        assert label(text, question, target="restylane") == "for"
        assert label(text, question, target="botox") == "against"
        assert label(text, question) == "for"  # the question's first target

    def test_pronoun_carries_the_previous_treatment(self):
        """'It' after a sentence on fillers speaks of fillers, not of Botox."""
        question = "Can I have fillers or Botox with MS?"
        text = "Botox should be avoided in MS. Fillers are different. They are fine."
        assert label(text, question, target="botox") == "against"
        assert label(text, question, target="fillers") == "for"

    def test_no_position_is_unclear_with_no_evidence(self):
        """An answer with no cue on the target is unclear, and has no evidence."""
        stance = answer_stance("Thank you for your question. Best wishes.", MS_CLAIM)
        assert stance == Stance(label="unclear", evidence=None, target="botox")

    def test_title_never_decides(self):
        """Only the body is read: a title saying no does not make a no."""
        answer = Answer(thread_id="t", position=1, title="Botox is contraindicated", body="Good luck.")
        assert answer_stance(answer, MS_CLAIM).label == "unclear"

    def test_answer_record_and_text_agree(self):
        """An Answer and its body text get the same stance."""
        body = "Filler would be fine in MS patients."
        answer = Answer(thread_id="t", position=1, body=body)
        claim = "It is safe for a patient with MS to have dermal fillers."
        assert answer_stance(answer, claim) == answer_stance(body, claim)


class TestNormalAndTimeQuestions:
    CLAIM = "The swelling two weeks after a facelift is normal."

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("This degree of swelling is completely normal at this stage.", "for"),
            ("Swelling like this is very common and expected.", "for"),
            ("This is not normal. Please see your surgeon right away.", "against"),
            ("Swelling this late is unusual and may be a hematoma.", "against"),
            ("It is not unusual to be swollen for weeks.", "for"),
        ],
    )
    def test_is_this_normal(self, text, expected):
        """Normal, common, expected are for; unusual, see your surgeon now are against."""
        assert label(text, self.CLAIM) == expected

    def test_urgent_advice_inside_an_if_clause_is_routine(self):
        """'If it gets worse, see your doctor right away' does not outweigh 'normal'."""
        text = "This is normal. If it gets much worse, see your doctor right away."
        assert label(text, self.CLAIM) == "for"

    def test_a_no_claim_reverses_the_labels(self):
        """On 'the result is permanent', an answer saying it wears off is against."""
        assert label("Do not worry, it will wear off in a few months.", "The droop is permanent.") == "against"

    @pytest.mark.parametrize(
        ("text", "expected"),
        [("Most bruises clear in 5 to 7 days.", "for"), ("Bruising can last 3-4 weeks.", "against")],
    )
    def test_time_inside_or_outside_the_claims_limit(self, text, expected):
        """A time within the claim's limit is for; a longer one is against."""
        assert label(text, "The bruising will clear within about two weeks.") == expected

    def test_when_can_i_threshold(self):
        """'When can I...?': a wait longer than the claim's limit is against."""
        claim = "It is fine to exercise within one week after liposuction."
        assert label("You can resume exercise after 4 weeks.", claim) == "against"
        assert label("You can resume light exercise after 3 days.", claim) == "for"


NORMAL_CLAIM = "The swelling two weeks after a facelift is normal."
RESOLVE_CLAIM = "The bruise will go away on its own."


class TestNewCueKinds:
    """Synthetic answers for each kind of cue, one behaviour per test."""

    @pytest.mark.parametrize(
        "text",
        [
            "There is no contraindication to Botox with MS.",
            "MS is not a contraindication to cosmetic Botox.",
            "I see no reason not to have Botox with MS.",
            "Botox is not contraindicated in MS.",
            "There is no problem having Botox with MS.",
            "I have no concern: there are no contraindications for you.",
        ],
    )
    def test_negated_contraindication_is_for(self, text):
        """A contraindication cue in a negation's scope says yes."""
        assert label(text) == "for"

    @pytest.mark.parametrize(
        "text",
        [
            "If your MS is well controlled, you can have Botox.",
            "As long as your disease is stable, Botox should be fine.",
            "Botox is safe provided that your neurologist agrees.",
            "Botox is fine unless you are in a relapse.",
            "You can have Botox only if your symptoms are stable.",
            "It depends on how active your disease is.",
        ],
    )
    def test_condition_makes_the_answer_conditional(self, text):
        """A yes that holds only under a named condition is conditional."""
        assert label(text) == "conditional"

    @pytest.mark.parametrize(
        "text",
        [
            "Please ask your neurologist before any injection.",
            "Check with your neurologist first.",
            "You should discuss this with your doctor.",
            "Talk to your neurologist about it.",
            "Consult your treating physician.",
        ],
    )
    def test_deferral_alone_is_conditional(self, text):
        """An answer that only hands the decision over is conditional."""
        assert label(text) == "conditional"

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Botox is probably fine for you.", "for"),
            ("I think Botox is safe for you.", "for"),
            ("Botox is likely safe in MS.", "for"),
            ("It is probably best not to have Botox.", "against"),
            ("In my opinion you should avoid Botox.", "against"),
        ],
    )
    def test_hedges_keep_the_direction(self, text, expected):
        """'Probably', 'I think', 'in my opinion' never turn a position round."""
        assert label(text) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("There is no evidence of harm. Still, I would avoid Botox in MS.", "against"),
            ("Some doctors avoid it. I think Botox is safe for you.", "for"),
            ("Botox can cause problems in theory. In practice it is safe for you.", "for"),
            ("Botox is widely used. I would not recommend it in your case.", "against"),
            ("There is a theoretical risk of weakness. We do inject Botox in MS patients.", "for"),
        ],
    )
    def test_mixed_answer_bottom_line_wins(self, text, expected):
        """Of mixed signals, the clear last recommendation wins."""
        assert label(text) == expected

    @pytest.mark.parametrize(
        ("text", "restylane", "botox"),
        [
            ("Restylane is fine with MS. Botox, however, is contraindicated.", "for", "against"),
            ("Botox should be avoided. Restylane is safe.", "for", "against"),
            ("Restylane is not recommended for you. Botox is fine.", "against", "for"),
            ("I would avoid Restylane. There is no contraindication to Botox.", "against", "for"),
            ("Botox is fine. Ask your neurologist about Restylane.", "conditional", "for"),
        ],
    )
    def test_two_targets_in_one_question(self, text, restylane, botox):
        """Each target is judged on the sentences that speak of it."""
        question = "Can I have Restylane or Botox with multiple sclerosis?"
        assert (label(text, question, target="restylane"), label(text, question, target="botox")) == (
            restylane,
            botox,
        )

    @pytest.mark.parametrize(
        "text",
        [
            "I understand you feel the swelling is getting worse. It is normal at this stage.",
            "You mention that it is not improving. This is very common and expected.",
            "You say it looks abnormal to you. It is completely normal.",
            "It sounds like you are worried it is not normal. Swelling like yours is typical.",
            "Thank you for your question, it is not normal to worry this much. It is expected.",
        ],
    )
    def test_restated_patient_words_take_no_position(self, text):
        """A sentence that repeats the patient's fear is not the doctor's position."""
        assert label(text, NORMAL_CLAIM) == "for"

    @pytest.mark.parametrize(
        "text",
        [
            "It will go away. On occasion a bruise can persist.",
            "It will fade over time. In some cases it will remain for months.",
            "It will resolve. In rare cases it can be permanent.",
            "It will go away in a few weeks. Sometimes a brown stain is permanent.",
            "The bruise will fade. Some patients need treatment.",
        ],
    )
    def test_minority_cases_are_weaker_than_the_answer(self, text):
        """What happens to a few patients does not outweigh what the answer says."""
        assert label(text, RESOLVE_CLAIM) == "for"

    @pytest.mark.parametrize(
        "text",
        [
            "It is hard to say without an exam.",
            "It is difficult to tell from a photo.",
            "It is impossible to know from here.",
            "I cannot tell without seeing you.",
            "It is very difficult to answer your question without examining you.",
        ],
    )
    def test_cannot_tell_takes_no_position(self, text):
        """'Hard to say', 'impossible to know' hold cue words but take no position."""
        assert answer_stance(text, "The lump can be removed.").label == "unclear"

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("The risk of weakness is low.", "for"),
            ("The risk of a problem is very low.", "for"),
            ("The risk of harm is minimal.", "for"),
            ("There is a risk of weakness.", "against"),
            ("The risk of harm, in my view, is low.", "against"),  # a comma ends the reach
        ],
    )
    def test_negation_after_its_cue_reaches_back(self, text, expected):
        """'The risk ... is low' takes the risk back, within the clause."""
        assert label(text) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Usually there is some swelling at this point.", "for"),
            ("Most patients have swelling like this.", "for"),
            ("Swelling often lasts a few weeks.", "for"),
            ("Usually there is swelling, but this is unusual.", "against"),
            ("We see this in many patients, but yours looks infected.", "against"),
        ],
    )
    def test_what_usually_happens_is_a_weak_yes(self, text, expected):
        """On 'is it normal?', a sentence on what usually happens says yes, unless a cue says more."""
        assert label(text, NORMAL_CLAIM) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Bruises like this last two to three weeks.", "for"),
            ("It takes about ten days.", "for"),
            ("This kind of bruise lasts a few weeks.", "for"),
            ("It lasts two weeks, but yours is permanent.", "against"),
            ("If it lasts longer than two weeks, it may be permanent.", "conditional"),
        ],
    )
    def test_how_long_it_lasts_is_a_weak_yes(self, text, expected):
        """On 'will it go away?', a time it lasts says yes, unless a cue says more."""
        assert label(text, RESOLVE_CLAIM) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Laser is very effective for this.", "for"),
            ("The lump can be removed with a small procedure.", "for"),
            ("This treatment works well.", "for"),
            ("Laser is not effective for this kind of lump.", "against"),
            ("Creams will not work on this.", "against"),
            ("It is a common misconception that laser removes it.", "against"),
            ("That is not true.", "against"),
            ("You are right.", "for"),
        ],
    )
    def test_whether_it_works(self, text, expected):
        """Efficacy and 'that is true / a myth' cues answer 'will it work?' claims."""
        assert answer_stance(text, "Laser can remove the lump.", target="remove").label == expected

    @pytest.mark.parametrize(
        "text",
        [
            "These stitches prevent the need for drains.",
            "This technique avoids the need for drains.",
            "We close the wound without the need for drains.",
            "We use quilting stitches instead of drains.",
            "We use progressive tension sutures rather than drains.",
        ],
    )
    def test_no_need_for_the_target_is_against(self, text):
        """'Prevents the need for drains' denies that drains are needed."""
        assert answer_stance(text, "Drains are needed after a tummy tuck.", target="drains").label == "against"

    @pytest.mark.parametrize(
        "text",
        [
            "The bruise has faded a lot since last week.",
            "The discoloration is dissipating.",
            "The bruising has lessened.",
            "Your bruise has diminished.",
            "The colour is receding.",
        ],
    )
    def test_other_forms_of_a_cue_match(self, text):
        """A cue's other forms ('subsiding' for 'subside') match when nothing else does."""
        assert label(text, RESOLVE_CLAIM) == "for"

    def test_the_first_sentence_counts_more_than_a_later_equal_one(self):
        """An answer's opening position outweighs one weaker caveat, but not the bottom line."""
        text = "This is completely normal. Some would call it unusual. It can be a side effect."
        assert label(text, NORMAL_CLAIM) == "for"
        assert label("This is normal. Actually, no, this is not normal.", NORMAL_CLAIM) == "against"


class TestTargets:
    @pytest.mark.parametrize(
        ("question", "expected"),
        [
            ("Having Restylane or Botox Despite Multiple Sclerosis?", ("restylane", "botox")),
            ("Can I get Botox Cosmetic if I have MS?", ("botox",)),
            ("Is it safe to have dermal fillers and botulinum toxin?", ("filler", "botox")),
            ("Is this normal? I am worried.", ()),
        ],
    )
    def test_question_targets(self, question, expected):
        """Targets are the treatments named, by their synonym group; MS is not one."""
        assert question_targets(question) == expected

    @pytest.mark.parametrize(
        "text",
        [
            "Restylane is fine with MS, but I would avoid Botox.",
            "Restylane is fine with MS; however, I would avoid Botox.",
            "Restylane is fine with MS; Botox should be avoided.",
            "I would avoid Botox, but Restylane is fine with MS.",
        ],
    )
    def test_one_sentence_turning_between_two_targets(self, text):
        """A sentence that turns from one treatment to the other is judged clause by clause."""
        question = "Having Restylane or Botox despite MS?"
        stances = [answer_stance(text, question, target=t) for t in ("restylane", "botox")]
        assert [(s.label, s.evidence) for s in stances] == [("for", text), ("against", text)]

    def test_a_turn_on_one_treatment_keeps_the_sentence_whole(self):
        """'Botox is usually fine, but not during a relapse' stays one reading of Botox."""
        text = "Botox is usually fine with MS, but not during a relapse."
        question = "Having Restylane or Botox despite MS?"
        assert clauses_by_treatment(text, target_scope("botox", question)) == [text]

    def test_a_sentence_on_a_kind_of_the_target_counts(self):
        """A sentence on Restylane speaks of fillers (Restylane is a kind of filler)."""
        claim = "It is safe for a patient with MS to have dermal fillers."
        assert label("Restylane is safe for you.", claim) == "for"
        assert label("Sculptra is safe for you. Botox is not.", claim, target="restylane") == "unclear"


class TestSentences:
    def test_run_together_sentences_split(self):
        """'surgery.This' is two sentences; 'e.g.Botox' and 'Dr. Green' are not split."""
        assert sentences("I had surgery.This is fine.") == ["I had surgery.", "This is fine."]
        assert sentences("Ask Dr. Green about it. Thanks") == ["Ask Dr. Green about it.", "Thanks"]

    def test_lines_and_bullets(self):
        """Lines end sentences, bullets are dropped, and a line cut mid-sentence joins."""
        body = "• It is normal\n• It will settle\nThis can take\nsome weeks."
        assert sentences(body) == ["It is normal", "It will settle", "This can take some weeks."]

    def test_disease_abbreviation_ends_a_sentence(self):
        """'MS.' ends a sentence; 'Ms.' as a title does not."""
        assert sentences("Botox helps in MS. It is safe.") == ["Botox helps in MS.", "It is safe."]
        assert sentences("Ms. Smith asked. Yes.") == ["Ms. Smith asked.", "Yes."]

    def test_durations(self):
        """Times are read in days, a range by its lower bound."""
        assert durations("2-3 weeks, a few days, six months") == [14.0, 3.0, 180.0]


class TestCueFile:
    def test_shipped_file_loads_every_kind_it_documents(self):
        """The shipped lexicon has cues of every polar and scope kind."""
        kinds = {cue.kind for cue in load_cues().cues}
        assert {"for", "against", "negation", "condition", "clearance", "deferral", "terminator"} <= kinds

    def test_clinician_slot_expands(self):
        """'{CLINICIAN}' stands for every clinician word."""
        cues = parse_cues("clinician: surgeon, neurologist\ndeferral: ask your {CLINICIAN}\n")
        assert cues.phrases("deferral") == (("ask", "your", "surgeon"), ("ask", "your", "neurologist"))

    def test_tier_and_continued_lines(self):
        """A tier after the kind sets the strength; a trailing comma continues a list."""
        cues = parse_cues("for 1: no known risk,\nfor 1: harmless\n")
        assert [(c.phrase, c.tier) for c in cues.cues] == [(("no", "known", "risk"), 1), (("harmless",), 1)]

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("for avoid\n", "cues.txt:1: expected 'KIND: phrase, phrase, ...'"),
            ("\nmaybe: avoid\n", "cues.txt:2: unknown kind 'maybe'"),
            ("for: safe,, fine\n", "cues.txt:1: empty phrase (a stray comma?)"),
        ],
    )
    def test_bad_lines_name_the_line(self, text, message):
        """A bad line raises CueFileError naming the file and line."""
        with pytest.raises(CueFileError) as info:
            parse_cues(text, source="cues.txt")
        assert str(info.value) == message


class TestRecords:
    def test_evidence_only_without_unclear(self):
        """A Stance has evidence exactly when it takes a position."""
        with pytest.raises(ValueError, match="evidence must be None"):
            Stance(label="for", evidence=None, target="botox")
        with pytest.raises(ValueError, match="evidence must be None"):
            Stance(label="unclear", evidence="x", target="botox")
        with pytest.raises(ValueError):
            Stance(label="maybe", evidence="x", target="botox")

    def test_public_api(self):
        """The stance functions and records are exported."""
        for name in ("answer_stance", "question_targets", "thread_consensus", "Stance", "Consensus", "AnswerStance"):
            assert name in msqa_search.__all__


def _thread() -> Thread:
    """A synthetic thread: four answers on Botox with MS, of three specialties."""
    cards = {
        "derm": Doctor(name="A", specialty="Dermatologist"),
        "plastic": Doctor(name="B", specialty="Plastic Surgeon"),
    }
    bodies = [
        ("There is no contraindication to Botox with MS.", cards["derm"]),
        ("I would avoid Botox in a patient with MS.", cards["plastic"]),
        ("Botox is fine if your neurologist clears you first.", cards["derm"]),
        ("Thanks for your question.", None),
    ]
    answers = [
        Answer(thread_id="ms", position=i, body=body, doctor=doctor)
        for i, (body, doctor) in enumerate(bodies, start=1)
    ]
    return Thread(id="ms", title="Can I get Botox if I have MS?", answers=answers)


class TestConsensus:
    def test_counts_by_target_label_and_specialty(self):
        """Counts per label and per specialty, and one stance per answer."""
        consensus = thread_consensus(_thread())
        assert consensus.targets == ("botox",)
        assert consensus.counts == {"botox": {"for": 1, "against": 1, "conditional": 1, "unclear": 1}}
        assert consensus.by_specialty == {
            "botox": {
                "Dermatologist": {"for": 1, "against": 0, "conditional": 1, "unclear": 0},
                "Plastic Surgeon": {"for": 0, "against": 1, "conditional": 0, "unclear": 0},
                "unknown": {"for": 0, "against": 0, "conditional": 0, "unclear": 1},
            }
        }
        assert [s.answer_id for s in consensus.stances] == ["ms#1", "ms#2", "ms#3", "ms#4"]
        assert consensus.enough == {"botox": True}
        assert consensus.summary == (
            "Botox: 1 yes, 1 no, 1 only if cleared by a neurologist (1 of 4 took no position)"
        )

    def test_too_few_positions_hide_the_split(self):
        """With fewer than two positions the summary says so instead of a split."""
        silent = attrs.evolve(_thread().answers[3], position=1)
        consensus = thread_consensus(attrs.evolve(_thread(), answers=(silent,)))
        assert consensus.enough == {"botox": False}
        assert consensus.summary == "Botox: too few answers take a position to show a split (1 of 1 took no position)"

    def test_question_override_and_purity(self):
        """A given question replaces the thread's; the same input gives the same result."""
        thread = _thread()
        consensus = thread_consensus(thread, "Is it safe to have Botox with MS?")
        assert consensus.question == "Is it safe to have Botox with MS?"
        assert consensus == thread_consensus(thread, "Is it safe to have Botox with MS?")

    def test_round_trips_through_plain_data(self):
        """A Consensus survives to_dict/from_dict, so it can be stored or sent as JSON."""
        consensus = thread_consensus(_thread())
        assert from_dict(Consensus, json.loads(json.dumps(to_dict(consensus)))) == consensus
        assert isinstance(consensus.stances[0], AnswerStance)

    def test_seed_thread_split(self, threads_by_id):
        """The second seed splits on two targets, Restylane mostly yes."""
        consensus = thread_consensus(threads_by_id["001_7bed0a8b883f696a"])
        assert consensus.targets == ("restylane", "botox")
        assert consensus.counts["restylane"]["for"] >= 3
        assert consensus.counts["botox"]["against"] >= 2


@pytest.fixture(scope="module")
def figures():
    """The evaluation over the labelled real pages (skipped when they are absent)."""
    if not REAL_PAGES.is_dir() or not REAL_LABELS.is_file():
        pytest.skip("needs ../shared/realpages and bench/data/stance-labels.json")
    from bench.stance_eval import evaluate, load_labels

    return evaluate(load_labels(REAL_LABELS), REAL_PAGES)


class TestRealLabels:
    def test_dev_split_reaches_its_measured_floor(self, figures):
        """On the dev split, accuracy and macro-F1 stay well above the majority baseline."""
        results, _, _ = figures
        dev = results["dev"]
        assert dev["accuracy"] >= 0.75
        assert dev["macro_f1"] >= 0.65
        assert dev["accuracy"] > dev["baseline"]["accuracy"]

    def test_dev2_split_reaches_its_measured_floor(self):
        """On the second development split, labelled later, the rules stay near their figures."""
        labels = ROOT / "bench" / "data" / "stance-labels-dev2.json"
        if not REAL_PAGES.is_dir() or not labels.is_file():
            pytest.skip("needs ../shared/realpages and bench/data/stance-labels-dev2.json")
        from bench.stance_eval import evaluate, load_labels

        results, _, _ = evaluate(load_labels(labels), REAL_PAGES)
        assert results["dev2"]["accuracy"] >= 0.65
        assert results["dev2"]["macro_f1"] >= 0.55

    def test_every_found_answer_is_judged(self, figures):
        """Each matched label gets a prediction with evidence exactly when not unclear."""
        _, rows, found = figures
        assert len(rows) == found["position"] + found["body_start"]
        for row in rows:
            assert (row["evidence"] is None) == (row["pred"] == "unclear")


class TestEvalScript:
    def test_scores_on_hand_made_rows(self):
        """Precision, recall and accuracy count a prediction equal to alt as right."""
        from bench.stance_eval import scores

        rows = [
            {"stance": "for", "alt": None, "pred": "for"},
            {"stance": "for", "alt": "conditional", "pred": "conditional"},
            {"stance": "against", "alt": None, "pred": "for"},
            {"stance": "unclear", "alt": None, "pred": "unclear"},
        ]
        result = scores(rows)
        assert result["accuracy"] == 0.75
        assert result["per_label"]["for"]["precision"] == 0.5
        assert result["per_label"]["for"]["recall"] == 1.0
        assert result["per_label"]["against"]["recall"] == 0.0
        assert result["per_label"]["conditional"]["f1"] == 1.0

    def test_split_agreement_on_hand_made_rows(self):
        """A claim's split counts when enough answers take a position, and agrees by lean."""
        from bench.stance_eval import split_agreement

        def row(claim, stance, pred):
            return {"file": "p", "claim": claim, "stance": stance, "alt": None, "pred": pred}

        rows = [
            row("a", "for", "for"), row("a", "for", "for"), row("a", "against", "unclear"),
            row("b", "against", "for"), row("b", "against", "against"), row("b", "against", "for"),
            row("c", "for", "for"), row("c", "unclear", "unclear"),
        ]
        assert split_agreement(rows) == {"claims": 3, "shown": 2, "agree": 1}
        assert split_agreement(rows, min_positions=1) == {"claims": 3, "shown": 3, "agree": 2}

    def test_finds_answers_by_position_then_body_start(self, tmp_path):
        """A label whose position is wrong is found by its body start, else unmatched."""
        from bench.stance_eval import body_start_sha1, evaluate, sha1

        page = (
            "Can I get Botox with MS?\n\nDoctor Answers 2\n\nYes\n\n"
            "There is no contraindication to Botox with MS.\n\nA B, MD\nBoston Dermatologist\n\n"
            "No\n\nI would avoid Botox in MS.\n\nC D, MD\nBoston Dermatologist\n"
        )
        (tmp_path / "p.txt").write_text(page, encoding="utf-8")
        first = "There is no contraindication to Botox with MS."
        second = "I would avoid Botox in MS."

        def record(position, body, stance, split):
            return {
                "file": "p", "position": position, "target": "botox", "claim": MS_CLAIM,
                "stance": stance, "alt": None, "body_start_sha1": body_start_sha1(body),
                "evidence_sha1": sha1(body), "split": split,
            }

        labels = [
            record(1, first, "for", "dev"),
            record(1, second, "against", "test"),  # wrong position: found by body start
            record(2, "Not on the page at all.", "for", "test"),
        ]
        results, rows, found = evaluate(labels, tmp_path)
        assert dict(found) == {"position": 1, "body_start": 1, "unmatched": 1}
        assert [r["pred"] for r in rows] == ["for", "against"]
        assert results["all"]["accuracy"] == 1.0
        assert results["all"]["evidence"] == {"agree": 2, "of": 2}
        assert hashlib.sha1(b"x").hexdigest() == sha1("  x ")
