"""Text pieces for stance reading: sentences of an answer body, their words, and times."""

from __future__ import annotations

import re

__all__ = [
    "collapse",
    "durations",
    "durations_at",
    "is_boundary",
    "normalise",
    "sentences",
    "stem",
    "tokens",
]

# A word, keeping an inner apostrophe ("don't", "it's"); punctuation that bounds a
# negation's scope is kept as its own token.
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[a-z0-9]+(?:'[a-z]+)?|[,;:()]")
_BOUNDARY_TOKENS = frozenset({",", ";", ":", "(", ")"})

# Words before a period that do not end a sentence ("Dr. Green", "e.g. Botox").
_ABBREVIATIONS = frozenset(
    "dr mr mrs st vs etc eg ie e.g i.e approx appt inc jr sr m.d ph.d "
    "dept fig jan feb mar apr aug sept oct nov dec mt ft".split()
)
# A sentence end: . ! ? (or several) with closing quotes/brackets, then white space.
_END = re.compile(r"([.!?]+[\"'”’)\]]*)(\s+)")
# Sentences run together: "surgery.This" (two or more lower-case letters, then the
# stop, then a capital and a lower-case letter). "e.g.Botox" and "M.D.Smith" stay whole.
_RUN_TOGETHER = re.compile(r"(?<=[a-z]{2})([.!?]+)(?=[A-Z][a-z])")
# A list marker at the start of a line: "1.", "2)", "-", "*", "•".
_BULLET = re.compile(r"^\s*(?:[•·▪◦*\-–—]+|\(?\d{1,2}[.)])\s+")
_SPACE = re.compile(r"\s+")

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "few": 3, "several": 3, "couple": 2,
}
_UNIT_DAYS = {
    "hour": 1 / 24, "hours": 1 / 24, "hr": 1 / 24, "hrs": 1 / 24, "day": 1, "days": 1,
    "week": 7, "weeks": 7, "wk": 7, "wks": 7, "month": 30, "months": 30, "mo": 30,
    "mos": 30, "year": 365, "years": 365, "yr": 365, "yrs": 365,
}
_DURATION = re.compile(
    r"\b(\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")"
    r"(?:\s*(?:-|to|or|–)\s*(?:\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r"))?"
    r"(?:\s+of)?\s*-?\s*(" + "|".join(sorted(_UNIT_DAYS, key=len, reverse=True)) + r")\b"
)


def normalise(text: str) -> str:
    """Lower-case text with straight apostrophes, as cues are matched."""
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


def tokens(text: str) -> list[str]:
    """The words of a sentence, lower-cased, with , ; : ( ) as tokens of their own."""
    return _TOKEN.findall(normalise(text))


_SUFFIXES = ("ing", "ed", "es", "s", "ly")


_STEMS: dict[str, str] = {}
_MAX_STEMS = 1 << 18


def stem(word: str) -> str:
    """A crude stem, so that a cue's other forms match it ("subsiding" as "subside").

    One suffix of -ing, -ed, -es, -s or -ly comes off when three letters stay, then
    a final e; words with an apostrophe ("don't") and numbers stay whole.
    """
    found = _STEMS.get(word)
    if found is None:
        if len(_STEMS) > _MAX_STEMS:
            _STEMS.clear()
        found = _STEMS[word] = _stem(word)
    return found


def _stem(word: str) -> str:
    if "'" in word or not word.isalpha():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def is_boundary(token: str) -> bool:
    """True for the punctuation tokens that end a negation's scope."""
    return token in _BOUNDARY_TOKENS


def collapse(text: str) -> str:
    """The text with every run of white space made one space, and stripped."""
    return _SPACE.sub(" ", text).strip()


def sentences(body: str) -> list[str]:
    """Split an answer body into sentences, verbatim but for collapsed white space.

    Paragraph and line breaks end a sentence, except a line that stops mid-sentence
    (no closing stop, and the next line starts in lower case). Run-together sentences
    ("surgery.This is") are split; list markers at the start of a line are dropped.

    Args:
        body: The answer's text.

    Returns:
        The sentences in order; empty ones are left out.
    """
    lines: list[str] = []
    for raw in body.splitlines():
        line = _BULLET.sub("", raw).strip()
        if not line:
            lines.append("")
            continue
        if lines and lines[-1] and lines[-1][-1] not in ".!?:\"”)" and line[0].islower():
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    found: list[str] = []
    for line in lines:
        if line:
            found.extend(_split_line(_RUN_TOGETHER.sub(r"\1 ", line)))
    return [s for s in (collapse(s) for s in found) if any(c.isalnum() for c in s)]


def _split_line(line: str) -> list[str]:
    parts = []
    start = 0
    for m in _END.finditer(line):
        before = line[start : m.start()].rsplit(None, 1)
        typed = before[-1].strip("\"'(") if before else ""
        last = normalise(typed)
        title = typed == "Ms"  # "Ms. Smith"; "MS." ends a sentence about the disease
        if m.group(1) == "." and (
            last in _ABBREVIATIONS or title or (len(last) == 1 and last.isalpha())
        ):
            continue
        parts.append(line[start : m.end(1)])
        start = m.end()
    parts.append(line[start:])
    return parts


def durations(text: str) -> list[float]:
    """The spans of time a sentence names, in days, lower bound of a range first.

    "2-3 weeks" gives 14, "a few days" 3, "six months" 180.
    """
    found = []
    for m in _DURATION.finditer(normalise(text)):
        amount = m.group(1)
        value = _NUMBER_WORDS.get(amount)
        if value is None:
            value = float(amount)
        found.append(float(value) * _UNIT_DAYS[m.group(2)])
    return found


def durations_at(words: list[str]) -> list[tuple[int, float]]:
    """The spans of time among a sentence's tokens: (index of the unit word, days).

    A range ("1-2 weeks", "10 to 14 days") counts by its lower bound.
    """
    found = []
    for i, word in enumerate(words):
        unit = _UNIT_DAYS.get(word)
        if unit is None or i == 0:
            continue
        j = i - 1
        if words[j] == "of" and j > 0:
            j -= 1
        amount = _amount(words[j])
        if amount is None:
            continue
        k = j - 1
        if k >= 0 and words[k] in ("to", "or") and k > 0:
            k -= 1
        lower = _amount(words[k]) if k >= 0 else None
        if lower is not None and words[k] not in ("a", "an") and lower < amount:
            amount = lower
        found.append((i, amount * unit))
    return found


def _amount(word: str) -> float | None:
    if word in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[word])
    try:
        return float(word)
    except ValueError:
        return None
