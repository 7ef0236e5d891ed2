"""Stance of an answer on a yes/no question: for, against, conditional or unclear.

The reading follows the clinical ConText algorithm: cues from ``data/stance_cues.txt``
take a position ("should be fine", "is contraindicated"), negations reverse the next
cues in their scope ("no contraindication"), conditions and a clinician's clearance make
a "yes" conditional ("unless your neurologist clears you"), and terminators end scopes.
Each sentence that speaks of the target gets a reading with a strength; the strongest
reading wins, and among equals the last one (the answer's bottom line), so a routine
"check with your doctor" never outweighs a clear position.
"""

from __future__ import annotations

import re
from functools import lru_cache

import attrs

from .model import Answer, Stance
from .stance_cues import POLAR_KINDS, CueLexicon, Match, load_cues
from .stance_targets import question_targets, sentences_on_target, target_scope
from .stance_text import durations, is_boundary, normalise, sentences, tokens

# A time limit in a claim: "within about two weeks", "in a few days", "by 6 months".
_LIMIT = re.compile(
    r"\b(?:within|in|by|before|under|less than|no more than|inside)\s+"
    r"(?:about\s+|around\s+|approximately\s+|roughly\s+|the first\s+|a\s+few\s+)?"
    r"(?:\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|several|couple)"
    r"(?:\s*(?:-|to)\s*\d+)?(?:\s+of)?\s*(?:hours?|days?|weeks?|months?|years?)\b"
)

SCOPE_WORDS = 6
"""How many words after a negation cue its scope reaches at most."""

_KIND_CUES = {
    "general": ("for", "against"),
    "normal": ("normal-", "normal+", "resolve-", "resolve+", "for", "against"),
    "resolve": ("resolve-", "resolve+", "for", "against"),
    "cause": ("cause-", "cause+", "normal+", "for", "against"),
}
_MODIFIERS = (
    "condition-exception", "clearance", "depends", "condition", "urgent", "deferral",
    "boilerplate", "hedge",
)
_SCOPES = ("pseudo", "purpose", "negation", "terminator")


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


@attrs.frozen(kw_only=True)
class Reading:
    """One sentence's position."""

    label: str
    tier: int
    sentence: str
    condition: str | None = None


@lru_cache(maxsize=4096)
def read_claim(question: str) -> Claim:
    """Read a question or claim: what kind of claim it is, and which way it points."""
    cues = load_cues()
    words = tokens(question)
    kind = "general"
    for name in ("resolve", "normal", "cause"):
        if cues.find(words, (f"claim-{name}",)):
            kind = name
            break
    reading = _read_sentence(question, cues, kind, None)
    flip = reading is not None and reading.label == "against"
    limit = _LIMIT.search(normalise(question))
    threshold = durations(limit.group(0))[0] if limit else None
    return Claim(text=question, kind=kind, flip=flip, threshold=threshold)


def answer_stance(answer: Answer | str, question: str, *, target: str | None = None) -> Stance:
    """The stance of one answer on a yes/no question or claim.

    Args:
        answer: An ``Answer`` (its body is read; the title never decides) or its text.
        question: A question ("Can I get Botox if I have MS?") or a claim phrased so
            that yes is "for" ("It is safe for a patient with MS to have Botox").
        target: The treatment or action to judge the answer on when the question
            names several ("restylane"); by default the question's first target, or
            the whole question when it names none.

    Returns:
        The ``Stance``: its label, the one sentence that shows it (None when
        unclear) and the target it was judged on.
    """
    body = answer.body if isinstance(answer, Answer) else answer
    if target is None:
        targets = question_targets(question)
        target = targets[0] if targets else ""
    claim = read_claim(question)
    cues = load_cues()
    parts = sentences(body)
    on_target = sentences_on_target(parts, target_scope(target, question))
    best: Reading | None = None
    for sentence, on in zip(parts, on_target):
        if not on:
            continue
        reading = _read_sentence(sentence, cues, claim.kind, claim.threshold)
        if reading is not None and (best is None or reading.tier >= best.tier):
            best = reading
    if best is None:
        return Stance(label="unclear", evidence=None, target=target)
    label = best.label
    if claim.flip and label in ("for", "against"):
        label = "against" if label == "for" else "for"
    return Stance(
        label=label,
        evidence=best.sentence,
        target=target,
        condition=best.condition if label == "conditional" else None,
    )


def _read_sentence(
    sentence: str, cues: CueLexicon, kind: str, threshold: float | None
) -> Reading | None:
    words = tokens(sentence)
    polar = cues.find(words, _KIND_CUES[kind])
    scopes = cues.find(words, _SCOPES)
    purposes = [m for m in scopes if m.cue.kind == "purpose"]
    modifiers = {
        m.cue.kind: m
        for m in cues.find(words, _MODIFIERS)
        if not any(p.start < m.end and m.start < p.end for p in purposes)
    }
    positions: list[tuple[int, int]] = []  # (direction, tier) in sentence order
    for match in polar:
        if _blocked(match, scopes, words, "purpose"):
            continue
        direction = POLAR_KINDS[match.cue.kind]
        if _blocked(match, scopes, words, "negation", polar):
            direction = -direction
        tier = match.cue.tier
        if kind != "general" and match.cue.kind in ("for", "against"):
            # On "is this normal?"-like claims the cues of that kind say more than
            # the general ones ("should not", "you can").
            tier = max(1, tier - 1)
        positions.append((direction, tier))
    timed = _timed(sentence, words, cues, threshold, kind)
    if timed is not None:
        positions.append(timed)
    condition = _clinician(words, cues) if modifiers.keys() & {"clearance", "deferral"} else None
    deferral = "deferral" in modifiers or "boilerplate" in modifiers
    if "urgent" in modifiers and deferral and kind in ("normal", "resolve"):
        if "condition" in modifiers or "hedge" in modifiers:
            # "If it gets worse, see your doctor right away": routine advice.
            return Reading(label="conditional", tier=1, sentence=sentence, condition=condition)
        return Reading(label="against", tier=3, sentence=sentence)
    if positions:
        tier = max(t for _, t in positions)
        direction = [d for d, t in positions if t == tier][-1]
        label = "for" if direction > 0 else "against"
        exception = "condition-exception" in modifiers or (
            "until" in words and ("deferral" in modifiers or "clearance" in modifiers)
        )
        if exception or "clearance" in modifiers or "depends" in modifiers:
            return Reading(label="conditional", tier=max(tier, 2), sentence=sentence, condition=condition)
        if "condition" in modifiers and any(d > 0 for d, _ in positions):
            return Reading(label="conditional", tier=tier, sentence=sentence, condition=condition)
        return Reading(label=label, tier=tier, sentence=sentence)
    if "clearance" in modifiers or "depends" in modifiers:
        return Reading(label="conditional", tier=2, sentence=sentence, condition=condition)
    if "deferral" in modifiers:
        return Reading(label="conditional", tier=1, sentence=sentence, condition=condition)
    return None


def _blocked(
    match: Match, scopes: list[Match], words: list[str], kind: str, polar: list[Match] = ()
) -> bool:
    """Whether a cue of ``kind`` (negation, purpose) has ``match`` in its scope."""
    for scope in scopes:
        if scope.cue.kind != kind or scope.end > match.start:
            continue
        if kind == "negation" and match.start - scope.end > SCOPE_WORDS:
            continue
        if any(p.start < scope.end and scope.start < p.end for p in polar):
            continue  # the negation is part of a cue ("is not harmful")
        between = words[scope.end : match.start]
        if any(is_boundary(w) for w in between):
            continue
        if any(
            s.cue.kind == "terminator" and scope.end <= s.start < match.start for s in scopes
        ):
            continue
        return True
    return False


def _timed(
    sentence: str, words: list[str], cues: CueLexicon, threshold: float | None, kind: str
) -> tuple[int, int] | None:
    """A "when can I...?" reading: a time the answer allows, against the claim's limit."""
    if threshold is None:
        return None
    spans = durations(sentence)
    if not spans:
        return None
    triggers = ("permission",) if kind == "general" else ("timing", "resolve+")
    if not cues.find(words, triggers):
        return None
    return (1 if max(spans) <= threshold else -1, 3)


def _clinician(words: list[str], cues: CueLexicon) -> str | None:
    """The clinician a clearance or deferral names ("your neurologist")."""
    names = {p[0] for p in cues.phrases("clinician") if len(p) == 1}
    for word in words:
        if word in names and word not in ("doctor", "doctors", "md", "dr", "provider", "providers"):
            return word.rstrip("s") if word.endswith("ists") else word
    return None
