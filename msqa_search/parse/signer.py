"""The name and place lines of a doctor's signature card."""

from __future__ import annotations

import re

import attrs

from .cards import credential_key, credential_keys, specialties, specialty_ends

__all__ = ["Name", "Place", "guess_place", "name_key", "parse_name", "parse_place"]

_NAME_WORD = re.compile(r"(?:[A-Z][\w'’.\-]*|[a-z]{1,3}|\(.*\))")
_NAME_PARTICLES = {"de", "da", "del", "della", "di", "du", "la", "le", "van", "von", "der", "den", "y", "bin", "al"}


@attrs.frozen
class Place:
    city: str | None
    specialty: str | None
    known: bool


def parse_place(line: str) -> Place | None:
    """Split ``Lake Oswego Dermatologic Surgeon`` on the longest known specialty at its end.

    Returns None when no known specialty ends the line.
    """
    folded = line.casefold()
    # Most lines are body text: one set lookup turns them away.
    if len(line) > 120 or folded.rsplit(" ", 1)[-1] not in specialty_ends():
        return None
    for specialty in specialties():
        key = specialty.casefold()
        if folded == key:
            city, written = None, line
        elif folded.endswith(" " + key):
            cut = len(line) - len(key)
            city, written = line[:cut].strip(), line[cut:]
        else:
            continue
        # Cards capitalise both parts; "Ask your neurologist" is a title, not a place,
        # and neither is "See Your Physician" or "Board Certified Plastic Surgeon".
        if written[:1].isupper() and (not city or (_capitalised(city) and not _not_city(city))):
            return Place(city or None, written, True)
        return None
    return None


_NOT_CITY = frozenset(
    "see ask your my our a an consult visit find choose go talk call get dear hi hello best"
    " board certified fellowship trained experienced qualified expert top local good great"
    " any every each which what who when i we you he she they it is are be".split()
)


def _not_city(city: str) -> bool:
    """True when ``city`` holds words that a place name never does (verbs, pronouns...)."""
    return any(w.casefold().strip(".,") in _NOT_CITY for w in city.split())


_CITY_LINKS = {"&", "-", "de", "del", "la", "le", "du", "of", "on", "upon", "sur", "am", "an", "der"}


def _capitalised(city: str) -> bool:
    """True when every word of ``city`` starts with a capital or digit, or links words."""
    return all(w[:1].isupper() or w[:1].isdigit() or w in _CITY_LINKS for w in city.split())


def guess_place(line: str) -> Place | None:
    """Split a place line whose specialty is not known: the last word is the specialty.

    Only for lines that look like a place line (a few capitalised words, no sentence
    punctuation); None otherwise.
    """
    words = line.split()
    if not 1 <= len(words) <= 8 or line[-1] in ".,;:!?" or len(line) > 80:
        return None
    if not _capitalised(line):
        return None
    return Place(" ".join(words[:-1]) or None, words[-1], False)


@attrs.frozen
class Name:
    name: str | None
    credentials: tuple[str, ...]


def parse_name(line: str) -> Name | None:
    """Read ``Hratch Karamanoukian, MD, FACS``; None when the line does not look like a name.

    Trailing comma-separated credentials are split off and kept as written.
    """
    if len(line) > 80 or len(line) < 2:
        return None
    parts = [p.strip() for p in line.split(",")]
    credentials: list[str] = []
    while parts and credential_key(parts[-1]) in credential_keys():
        credentials.insert(0, parts.pop())
    name = ", ".join(p for p in parts if p) or None
    if name is None:
        return Name(None, tuple(credentials)) if credentials else None
    words = name.replace(",", " ").split()
    if not 1 <= len(words) <= 7:
        return None
    if not credentials:
        # Without credentials, only a short run of capitalised words reads as a name.
        if len(words) < 2 or name[-1] in ",;:!?" or any(c.isdigit() for c in name):
            return None
    if not all(_NAME_WORD.fullmatch(w) or w.lower() in _NAME_PARTICLES for w in words):
        return None
    if not words[0][0].isupper() or words[0].casefold().strip(".,:") in _NOT_NAME_START:
        return None
    if parse_place(line) is not None:
        return None  # "Board Certified Plastic Surgeon" in the name slot is not a name
    return Name(name, tuple(credentials))


_NOT_NAME_START = frozenset(
    "from best regards thanks thank sincerely cheers dear hi hello board certified see ask"
    " good kind warm all with yours respectfully take hope i we you the this".split()
)


def name_key(text: str | None) -> str:
    """A name as compared across lines: letters only, credentials and ``Dr`` dropped."""
    if not text:
        return ""
    words = re.findall(r"[^\W\d_]+", text.casefold())
    creds = credential_keys()
    return " ".join(w for w in words if w not in ("dr", "doctor") and w.upper() not in creds)
