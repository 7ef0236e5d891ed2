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
from .stance_targets import concept_table, question_targets, sentences_on_target, target_scope
from .stance_text import durations, durations_at, is_boundary, normalise, sentences, tokens

# A time limit in a claim: "within about two weeks", "in a few days", "by 6 months".
_LIMIT = re.compile(
    r"\b(?:within|in|by|before|under|less than|no more than|inside)\s+"
    r"(?:about\s+|around\s+|approximately\s+|roughly\s+|the first\s+|a\s+few\s+)?"
    r"(?:\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|several|couple)"
    r"(?:\s*(?:-|to)\s*\d+)?(?:\s+of)?\s*(?:hours?|days?|weeks?|months?|years?)\b"
)

SCOPE_WORDS = 4
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
_CONTRASTS = frozenset({("but",), ("however",), ("yet",)})
# "avoid it until / before you have seen your neurologist": the no waits on a clinician.
_UNTIL = frozenset({"until", "before", "till"})


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


@attrs.frozen(kw_only=True)
class Echo:
    """The target's own word, for targets that name an outcome ("scar"), not a cue."""

    stem: str
    negated: bool
    """Whether the claim negates it ("does not leave a scar")."""


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
    reading = _read_sentence(question, cues, kind, None, None)
    flip = reading is not None and reading.label == "against"
    limit = _LIMIT.search(normalise(question))
    threshold = durations(limit.group(0))[0] if limit else None
    return Claim(text=question, kind=kind, flip=flip, threshold=threshold)


@lru_cache(maxsize=4096)
def _echo(target: str, question: str) -> Echo | None:
    words = tokens(target)
    if len(words) != 1 or len(words[0]) < 3 or not words[0].isalpha():
        return None
    cues = load_cues()
    word = words[0]
    polar_words = {p[0] for kind in POLAR_KINDS for p in cues.phrases(kind) if len(p) == 1}
    if word in polar_words or (word,) in concept_table().concept_of:
        return None
    stem = word[:-1] if word.endswith("e") and len(word) > 4 else word
    claim_words = tokens(question)
    at = [i for i, w in enumerate(claim_words) if w.startswith(stem)]
    if not at:
        return None
    scopes = cues.find(claim_words, _SCOPES)
    return Echo(stem=stem, negated=_negated(at[0], at[0] + 1, scopes, claim_words, []))


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
    parts = sentences(body)
    on_target = sentences_on_target(parts, target_scope(target, question))
    readings = [
        reading
        for sentence, on in zip(parts, on_target)
        if on and (reading := _read_sentence(sentence, cues, claim.kind, claim.threshold, echo))
    ]
    if not readings:
        return Stance(label="unclear", evidence=None, target=target)
    top = max(r.tier for r in readings)
    # The label is the bottom line: the last of the strongest readings. The evidence is
    # the first sentence that says it that strongly (the answer's plainest statement of
    # it, before the repeats and sign-offs).
    last = [r for r in readings if r.tier == top][-1]
    best = next(r for r in readings if r.tier == top and r.label == last.label)
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
    sentence: str, cues: CueLexicon, kind: str, threshold: float | None, echo: Echo | None
) -> Reading | None:
    words = [w for w in tokens(sentence) if w not in _skipped(cues)]
    polar = cues.find(words, _KIND_CUES[kind])
    scopes = cues.find(words, _SCOPES)
    purposes = [m for m in scopes if m.cue.kind == "purpose"]
    found = [
        m for m in cues.find(words, _MODIFIERS)
        if not any(p.start < m.end and m.start < p.end for p in purposes)
    ]
    modifiers = {m.cue.kind: m for m in found}
    hypothetical = [_clause(m, words) for m in found if m.cue.phrase[0] == "if"]
    positions: list[tuple[int, int, int]] = []  # (token index, direction, tier)
    for match in polar:
        if any(a <= match.start < b for a, b in hypothetical):
            continue  # "if it does not improve, ...": no claim is made there
        if _blocked(match.start, scopes, words, "purpose") or any(
            p.start < match.end and match.start < p.end for p in purposes
        ):
            continue
        direction = POLAR_KINDS[match.cue.kind]
        if _negated(match.start, match.end, scopes, words, polar):
            direction = -direction
        tier = match.cue.tier
        if kind != "general" and match.cue.kind in ("for", "against"):
            # On "is this normal?"-like claims the cues of that kind say more than
            # the general ones ("should not", "you can").
            tier = max(1, tier - 1)
        positions.append((match.start, direction, tier))
    positions.extend(_timed(words, cues, threshold, kind))
    if echo is not None and kind == "general":
        # On "is it normal / will it go away" claims the claim's kind says what is
        # asked; elsewhere the target's own word is the best cue there is.
        positions.extend(_echoed(words, scopes, polar, echo, hypothetical))
    positions.sort()
    contrast = [m.start for m in scopes if m.cue.phrase in _CONTRASTS]
    if contrast and any(i > contrast[-1] for i, _, _ in positions):
        # "It can take two weeks, but yours will take longer": the clause after the
        # last "but" is the sentence's bottom line.
        positions = [p for p in positions if p[0] > contrast[-1]]
    condition = _clinician(words, cues) if modifiers.keys() & {"clearance", "deferral"} else None
    deferral = "deferral" in modifiers or "boilerplate" in modifiers
    if "urgent" in modifiers and deferral and kind in ("normal", "resolve"):
        if "condition" in modifiers or "hedge" in modifiers:
            # "If it gets worse, see your doctor right away": routine advice.
            return Reading(label="conditional", tier=1, sentence=sentence, condition=condition)
        return Reading(label="against", tier=3, sentence=sentence)
    if positions:
        tier = max(t for _, _, t in positions)
        direction = [d for _, d, t in positions if t == tier][-1]
        label = "for" if direction > 0 else "against"
        exception = "condition-exception" in modifiers or (
            _UNTIL.intersection(words) and ("deferral" in modifiers or "clearance" in modifiers)
        )
        if exception or "clearance" in modifiers or "depends" in modifiers:
            return Reading(label="conditional", tier=max(tier, 2), sentence=sentence, condition=condition)
        if "condition" in modifiers and (
            kind in ("normal", "resolve") or any(d > 0 for _, d, _ in positions)
        ):
            # "If it is more than 4 mm, it may need a revision": on an outcome claim
            # the answer then depends on the condition, whichever way it points.
            return Reading(label="conditional", tier=tier, sentence=sentence, condition=condition)
        return Reading(label=label, tier=tier, sentence=sentence)
    if "clearance" in modifiers or "depends" in modifiers:
        return Reading(label="conditional", tier=2, sentence=sentence, condition=condition)
    if "deferral" in modifiers:
        return Reading(label="conditional", tier=1, sentence=sentence, condition=condition)
    return None


@lru_cache(maxsize=4)
def _skipped(cues: CueLexicon) -> frozenset[str]:
    return frozenset(p[0] for p in cues.phrases("skip"))


def _clause(match: Match, words: list[str]) -> tuple[int, int]:
    """The token span of an "if" clause: up to a comma, "then", or the sentence end."""
    end = match.end
    while end < len(words) and not is_boundary(words[end]) and words[end] != "then":
        end += 1
    return match.start, end


def _negated(start: int, end: int, scopes: list[Match], words: list[str], polar: list[Match]) -> bool:
    """Whether a negation cue has the words ``start:end`` in its scope."""
    return _blocked(start, scopes, words, "negation", polar, reach=SCOPE_WORDS)


def _blocked(
    start: int,
    scopes: list[Match],
    words: list[str],
    kind: str,
    polar: list[Match] = (),
    reach: int | None = None,
) -> bool:
    """Whether a scope cue of ``kind`` (negation, purpose) reaches the word at ``start``."""
    for scope in scopes:
        if scope.cue.kind != kind or scope.end > start:
            continue
        if reach is not None and start - scope.end > reach:
            continue
        if any(p.start < scope.end and scope.start < p.end for p in polar):
            continue  # the negation is part of a cue ("is not harmful")
        if any(is_boundary(w) for w in words[scope.end : start]):
            continue
        if any(s.cue.kind == "terminator" and scope.end <= s.start < start for s in scopes):
            continue
        return True
    return False


def _timed(
    words: list[str], cues: CueLexicon, threshold: float | None, kind: str
) -> list[tuple[int, int, int]]:
    """A "when can I / how long" reading: a time the answer names, against the claim's."""
    if threshold is None:
        return []
    spans = durations_at(words)
    if not spans:
        return []
    triggers = ("permission",) if kind == "general" else ("timing", "resolve+", "resolve-")
    if not cues.find(words, triggers):
        return []
    at, days = max(spans, key=lambda span: span[1])
    return [(at, 1 if days <= threshold else -1, 3)]


def _echoed(
    words: list[str],
    scopes: list[Match],
    polar: list[Match],
    echo: Echo,
    hypothetical: list[tuple[int, int]],
) -> list[tuple[int, int, int]]:
    """The target's word said as the claim says it (negated or not), or the other way."""
    found = []
    for i in _echo_at(words, echo):
        if not any(a <= i < b for a, b in hypothetical):
            same = _negated(i, i + 1, scopes, words, polar) == echo.negated
            found.append((i, 1 if same else -1, 2))
    return found[-1:]


def _echo_at(words: list[str], echo: Echo) -> list[int]:
    """Where the target's word stands among a sentence's words ("dog ear" for "dogear")."""
    return [
        i
        for i, word in enumerate(words)
        if word.startswith(echo.stem) or (word + "".join(words[i + 1 : i + 2])).startswith(echo.stem)
        and len(word) < len(echo.stem)
    ]
def _clinician(words: list[str], cues: CueLexicon) -> str | None:
    """The clinician a clearance or deferral names ("your neurologist")."""
    names = {p[0] for p in cues.phrases("clinician") if len(p) == 1}
    for word in words:
        if word in names and word not in ("doctor", "doctors", "md", "dr", "provider", "providers"):
            return word.rstrip("s") if word.endswith("ists") else word
    return None
