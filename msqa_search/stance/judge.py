"""Stance of an answer on a yes/no question: for, against, conditional or unclear.

The reading follows the clinical ConText algorithm: cues from ``data/stance_cues.txt``
take a position ("should be fine", "is contraindicated"), negations reverse the next
cues in their scope ("no contraindication"), conditions and a clinician's clearance make
a "yes" conditional ("unless your neurologist clears you"), and terminators end scopes.
Each sentence that speaks of the target gets a reading with a strength; the readings
vote, weighted by the cube of their strength, with more weight for the answer's first
sentence (doctors tend to answer first) and its last reading (the bottom line, which
wins a tie), so a routine "check with your doctor" never outweighs a clear position.
"""

from __future__ import annotations

import re
from functools import lru_cache

import attrs

from ..model import Answer, Stance
from .cues import POLAR_KINDS, CueLexicon, load_cues
from .read import SCOPES, Echo, Reading, negated, read_sentence
from .concepts import concept_table
from .targets import (
    clauses_by_treatment,
    question_targets,
    sentences_on_target,
    target_scope,
)
from .text import durations, normalise, sentences, tokens
from .text import stem as stem_word

# A time limit in a claim: "within about two weeks", "in a few days", "by 6 months".
_LIMIT = re.compile(
    r"\b(?:within|in|by|before|under|less than|no more than|inside)\s+"
    r"(?:about\s+|around\s+|approximately\s+|roughly\s+|the first\s+|a\s+few\s+)?"
    r"(?:\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|several|couple)"
    r"(?:\s*(?:-|to)\s*\d+)?(?:\s+of)?\s*(?:hours?|days?|weeks?|months?|years?)\b"
)
# "within the first week": one week.
_FIRST = re.compile(r"\b(?:the\s+)?first\s+(hour|day|week|month|year)\b")

__all__ = [
    "BACKOFF",
    "BACKOFF_KINDS",
    "Claim",
    "FIRST_WEIGHT",
    "LAST_WEIGHT",
    "TIER_POWER",
    "answer_stance",
    "read_claim",
]

@attrs.frozen(kw_only=True)
class Claim:
    """A question or claim, read once: its kind, direction and time threshold."""

    text: str
    kind: str
    """``"general"``, ``"normal"``, ``"resolve"`` or ``"cause"``."""
    flip: bool
    """True when the claim itself says no ("the result is permanent"): an answer that
    denies it is then for the patient's hope but against the claim."""
    threshold: float | None
    """Days, for "when can I...?" claims that name a time ("within a week")."""


_CLAIM_KINDS = ("claim-resolve", "claim-normal", "claim-cause")
_KIND_ORDER = ("resolve", "normal", "cause")


@lru_cache(maxsize=4096)
def read_claim(question: str) -> Claim:
    """Read a question or claim: what kind of claim it is, and which way it points."""
    cues = load_cues()
    words = tokens(question)
    # All kinds' words compete, longest first ("back to normal" asks whether it will
    # go away, not whether it is normal); a claim that asks both whether it is normal
    # and whether it will go away is read as a "normal" one, whose cues include those
    # of going away.
    named = {m.cue.kind[len("claim-"):] for m in cues.find(words, _CLAIM_KINDS)}
    kind = next((name for name in _KIND_ORDER if name in named), "general")
    if {"normal", "resolve"} <= named:
        kind = "normal"
    # A claim that says no ("the result is permanent") turns the labels round; a
    # question ("my dermatologist says I can't, who is right?") asks, it does not say.
    reading = None if "?" in question else read_sentence(question, cues, kind, None, None)
    # Only a clear no turns it round: a risk estimate in a claim ("the risk of
    # pigment changes has passed") names what is asked about.
    flip = reading is not None and reading.label == "against" and reading.tier >= 2
    limit = _LIMIT.search(_FIRST.sub(r"1 \1", normalise(question)))
    threshold = durations(limit.group(0))[0] if limit else None
    return Claim(text=question, kind=kind, flip=flip, threshold=threshold)


@lru_cache(maxsize=4096)
def _echo(target: str, question: str) -> Echo | None:
    words = tokens(target)
    if len(words) != 1 or len(words[0]) < 3 or not words[0].isalpha():
        return None
    cues = load_cues()
    word = words[0]
    polar_words = set().union(*(cues.words(kind) for kind in POLAR_KINDS))
    if word in polar_words or (word,) in concept_table().concept_of:
        return None
    stem = stem_word(word) if len(stem_word(word)) >= 4 else word
    claim_words = tokens(question)
    at = [i for i, w in enumerate(claim_words) if w.startswith(stem)]
    if not at:
        return None
    scopes = cues.find(claim_words, SCOPES)
    return Echo(stem=stem, negated=negated(at[0], at[0] + 1, scopes, claim_words, []))


BACKOFF = ("stem", "kinds")
"""Second readings of an answer none of whose sentences took a position: "stem" reads
the cues' other forms ("subsiding" for "subside"); "kinds" reads the cues of the other
kinds of claim (``BACKOFF_KINDS``)."""
BACKOFF_KINDS: dict[str, tuple[str, ...]] = {
    "general": ("resolve", "normal"),
    "normal": ("resolve",),
    "resolve": ("normal",),
    "cause": ("normal",),
}

TIER_POWER = 3
FIRST_WEIGHT = 2.0
"""How much more the answer's first sentence counts: doctors tend to answer first."""
LAST_WEIGHT = 2.5
"""How much more the last reading counts: the answer's bottom line."""


def _readings(
    parts: list[str],
    flags: list[bool],
    cues: CueLexicon,
    kind: str,
    claim: Claim,
    echo: Echo | None,
    stemmed: bool = False,
) -> list[tuple[int, Reading]]:
    """(sentence index, reading) for each on-target sentence that takes a position."""
    return [
        (i, reading)
        for i, (sentence, on) in enumerate(zip(parts, flags))
        if on and (reading := read_sentence(sentence, cues, kind, claim.threshold, echo, stemmed=stemmed))
    ]


def _vote(readings: list[tuple[int, Reading]]) -> Reading:
    """The reading that carries an answer's label: a vote of its sentences' readings.

    Each reading weighs its tier cubed (a clear position outweighs several risk
    estimates), more in the first sentence and more as the last reading; a tie goes
    to the last reading's label. Of the winning label's strongest readings, the
    evidence is the answer's first sentence if it is one, else the last of them.
    """
    totals: dict[str, float] = {}
    for n, (i, reading) in enumerate(readings):
        weight = max(reading.tier, 0.5) ** TIER_POWER
        if i == 0:
            weight *= FIRST_WEIGHT
        if n == len(readings) - 1:
            weight *= LAST_WEIGHT
        totals[reading.label] = totals.get(reading.label, 0.0) + weight
    last = readings[-1][1].label
    label = max(totals, key=lambda k: (totals[k], k == last))
    mine = [(i, r) for i, r in readings if r.label == label]
    top = max(r.tier for _, r in mine)
    strongest = [(i, r) for i, r in mine if r.tier == top]
    # The answer's opening sentence when it is among them (doctors tend to answer
    # first), else the last of them: the bottom line, not the caveat before it.
    return strongest[0][1] if strongest[0][0] == 0 else strongest[-1][1]


def answer_stance(answer: Answer | str, question: str, *, target: str | None = None) -> Stance:
    """The stance of one answer on a yes/no question or claim.

    Args:
        answer: An ``Answer`` (its body is read; the title never decides) or its text.
        question: A question ("Can I get Botox if I have MS?") or a claim phrased so
            that yes is "for" ("It is safe for a patient with MS to have Botox").
        target: The treatment or action to judge the answer on when the question
            names several ("restylane"), or the outcome it asks about ("scar"); by
            default the question's first target, or the whole question when it
            names none.

    Returns:
        The ``Stance``: its label, the one sentence that shows it (None when
        unclear) and the target it was judged on.
    """
    body = answer.body if isinstance(answer, Answer) else answer
    if target is None:
        targets = question_targets(question)
        target = targets[0] if targets else ""
    claim = read_claim(question)
    echo = _echo(target, question) if target else None
    cues = load_cues()
    scope = target_scope(target, question, treatment=claim.kind == "general")
    whole = sentences(body)
    # Read clause by clause where a sentence turns from one treatment to another; the
    # evidence is still the whole sentence, and a clause counts as its sentence's place.
    origin = [i for i, sentence in enumerate(whole) for _ in clauses_by_treatment(sentence, scope)]
    parts = [clause for sentence in whole for clause in clauses_by_treatment(sentence, scope)]
    on_target = sentences_on_target(parts, scope)
    readings = _readings(parts, on_target, cues, claim.kind, claim, echo)
    for step in BACKOFF:
        if readings:
            break
        if step == "stem":
            readings = _readings(parts, on_target, cues.stemmed(), claim.kind, claim, echo, True)
        elif step == "kinds":
            # Cues of the other kinds of claim, without the weakest readings: "this is
            # common" on a "will it go away?" claim, "it will settle" on a general one.
            for kind in BACKOFF_KINDS.get(claim.kind, ()):
                readings = [
                    (i, r) for i, r in _readings(parts, on_target, cues, kind, claim, echo) if r.tier > 0
                ]
                if readings:
                    break
    if not readings:
        return Stance(label="unclear", evidence=None, target=target)
    readings = [(origin[i], attrs.evolve(r, sentence=whole[origin[i]])) for i, r in readings]
    best = _vote(readings)
    label = best.label
    if claim.flip and label in ("for", "against"):
        label = "against" if label == "for" else "for"
    return Stance(
        label=label,
        evidence=best.sentence,
        target=target,
        condition=best.condition if label == "conditional" else None,
    )

