"""Reading one sentence for a stance: cues, their scopes, and the sentence's position.

The ConText part of stance reading: position cues found among the sentence's words,
negations that reverse cues in their scope, purposes and "if" clauses that hold no
claim, conditions, clearances and deferrals that make a position conditional, and the
clause after the last "but" as the sentence's bottom line.
"""

from __future__ import annotations

import attrs

from .cues import POLAR_KINDS, CueLexicon, Match
from .text import durations_at, is_boundary, stem, tokens

__all__ = [
    "AFTER_WORDS",
    "REPLY_AT",
    "SCOPES",
    "SCOPE_WORDS",
    "Echo",
    "Reading",
    "negated",
    "read_sentence",
]

SCOPE_WORDS = 4
"""How many words after a negation cue its scope reaches at most."""

# "neutral" phrases compete with the position cues for their words and take none.
_KIND_CUES = {
    "general": ("neutral", "reply", "for", "against"),
    "normal": ("neutral", "reply", "normal-", "normal+", "resolve-", "resolve+", "for", "against"),
    "resolve": ("neutral", "reply", "resolve-", "resolve+", "for", "against"),
    "cause": ("neutral", "reply", "cause-", "cause+", "normal+", "for", "against"),
}
REPLY_AT = 1
"""A reply cue ("yes", "of course") answers only from the start of its sentence (at
most this many words in): "the scar would, of course, look better" says no yes."""
_MODIFIERS = (
    "condition-exception", "clearance", "depends", "condition", "urgent", "deferral",
    "boilerplate", "hedge",
)
SCOPES = ("pseudo", "purpose", "negation", "after", "terminator")
AFTER_WORDS = 6
"""How many words a negation that follows its cue ("the risk ... is low") reaches back."""
_CONTRASTS = frozenset({("but",), ("however",), ("yet",)})
# Pronouns that open a main clause after an "if" clause written without its comma.
_SUBJECTS = frozenset({"you", "we", "i", "they", "it", "there", "he", "she"})
# "avoid it until / before you have seen your neurologist": the no waits on a clinician.
_UNTIL = frozenset({"until", "before", "till"})


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


def read_sentence(
    sentence: str,
    cues: CueLexicon,
    kind: str,
    threshold: float | None,
    echo: Echo | None,
    *,
    stemmed: bool = False,
) -> Reading | None:
    """One sentence's position on a claim of ``kind``, or None when it takes none.

    With ``stemmed``, ``cues`` is a stemmed lexicon (``CueLexicon.stemmed``) and the
    sentence's words are stemmed too, so that a cue's other forms match it.
    """
    skipped = cues.words("skip")
    raw = [stem(w) for w in tokens(sentence)] if stemmed else tokens(sentence)
    words = [w for w in raw if w not in skipped]
    if any(m.start == 0 for m in cues.find(words[:6], ("restate",))):
        return None  # "I understand you feel it is worse": the patient's words, not a position
    polar = [m for m in cues.find(words, _KIND_CUES[kind]) if m.cue.kind != "neutral"]
    scopes = cues.find(words, SCOPES)
    purposes = [m for m in scopes if m.cue.kind == "purpose"]
    found = [
        m for m in cues.find(words, _MODIFIERS)
        if not any(p.start < m.end and m.start < p.end for p in purposes)
    ]
    modifiers = {m.cue.kind: m for m in found}
    hypothetical = [_clause(m, words) for m in found if m.cue.phrase[0] == "if"]
    positions: list[tuple[int, int, int]] = []  # (token index, direction, tier)
    for match in polar:
        if match.cue.kind == "reply" and match.start > REPLY_AT:
            continue
        if any(a <= match.start < b for a, b in hypothetical):
            continue  # "if it does not improve, ...": no claim is made there
        if _blocked(match.start, scopes, words, "purpose") or any(
            p.start < match.end and match.start < p.end for p in purposes
        ):
            continue
        direction = POLAR_KINDS[match.cue.kind]
        if negated(match.start, match.end, scopes, words, polar) != _denied_after(match, scopes, words):
            direction = -direction
        tier = match.cue.tier
        if kind != "general" and match.cue.kind in ("for", "against"):
            # On "is this normal?"-like claims the cues of that kind say more than
            # the general ones ("should not", "you can").
            tier = max(1, tier - 1)
        positions.append((match.start, direction, tier))
    positions.extend(_timed(words, cues, threshold, kind))
    if not positions and not hypothetical:
        positions.extend(_usual(raw, words, cues, threshold, kind))
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
    if positions and cues.find(words, ("minority",)):
        # "On occasion, keloids can develop and need treatment": a few patients' lot,
        # weaker than what the answer says of this one.
        positions = [(i, d, 1) for i, d, _ in positions]
    if (
        kind in ("normal", "resolve")
        and {d for _, d, _ in positions} == {1, -1}
        and "hedge" in modifiers
        and (deferral or "urgent" in modifiers)
    ):
        # "It could be normal swelling, or it could be a seroma; have it checked":
        # both, with no lean, and a look to tell them apart.
        return Reading(label="conditional", tier=2, sentence=sentence, condition=condition)
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
            # the answer then depends on the condition, whichever way it points. Such a
            # sentence weighs a step less than a plain position: "if" clauses are
            # everywhere in answers, and most are asides to the answer's position.
            return Reading(label="conditional", tier=max(1, tier - 1), sentence=sentence, condition=condition)
        return Reading(label=label, tier=tier, sentence=sentence)
    if "clearance" in modifiers or "depends" in modifiers:
        return Reading(label="conditional", tier=2, sentence=sentence, condition=condition)
    if "deferral" in modifiers:
        return Reading(label="conditional", tier=1, sentence=sentence, condition=condition)
    return None


def _clause(match: Match, words: list[str]) -> tuple[int, int]:
    """The token span of an "if" clause: up to a comma, "then", the subject of the main
    clause when no comma comes first ("if your MS is mild you can..."), or the end."""
    end = match.end
    while end < len(words) and not is_boundary(words[end]) and words[end] != "then":
        if words[end] in _SUBJECTS and end - match.end >= 2:
            break
        end += 1
    return match.start, end


def negated(start: int, end: int, scopes: list[Match], words: list[str], polar: list[Match]) -> bool:
    """Whether a negation cue has the words ``start:end`` in its scope."""
    return _blocked(start, scopes, words, "negation", polar, reach=SCOPE_WORDS)


def _denied_after(match: Match, scopes: list[Match], words: list[str]) -> bool:
    """Whether a negation that follows a cue takes it back ("the risk of nodules is low")."""
    for scope in scopes:
        if scope.cue.kind != "after" or scope.start < match.end:
            continue
        if scope.start - match.end > AFTER_WORDS:
            return False
        return not any(is_boundary(w) for w in words[match.end : scope.start])
    return False


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


def _usual(
    raw: list[str], words: list[str], cues: CueLexicon, threshold: float | None, kind: str
) -> list[tuple[int, int, int]]:
    """A weak yes where a sentence has no cue: on "is it normal?" claims, what usually
    happens ("usually there is swelling"); on "will it go away?" claims, how long it
    lasts ("it lasts two to three weeks"). Weaker (0) than any cue."""
    if kind == "normal" and cues.find(raw, ("frequency",)):
        return [(0, 1, 0)]
    if kind == "resolve" and threshold is None and durations_at(words) and cues.find(words, ("timing",)):
        return [(0, 1, 0)]
    return []


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
            same = negated(i, i + 1, scopes, words, polar) == echo.negated
            found.append((i, 1 if same else -1, 2))
    return found[-1:]


def _echo_at(words: list[str], echo: Echo) -> list[int]:
    """Where the target's word stands among a sentence's words ("dog ear" for "dogear")."""
    found = []
    for i, word in enumerate(words):
        joined = word + "".join(words[i + 1 : i + 2])
        if word.startswith(echo.stem) or (len(word) < len(echo.stem) and joined.startswith(echo.stem)):
            found.append(i)
    return found
def _clinician(words: list[str], cues: CueLexicon) -> str | None:
    """The clinician a clearance or deferral names ("your neurologist")."""
    names = cues.words("clinician")
    for word in words:
        if word in names and word not in ("doctor", "doctors", "md", "dr", "provider", "providers"):
            return word.rstrip("s") if word.endswith("ists") else word
    return None
