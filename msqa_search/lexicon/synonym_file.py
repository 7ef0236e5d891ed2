"""Synonym files: read and parse the line format, and merge its groups near-linearly.

The data is line based (see the header of ``data/synonyms.txt``)::

    botox, botox cosmetic, botulinum toxin   # a group: each finds the others
    filler => restylane, juvederm            # a rule: filler finds restylane, not back
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable
from importlib import resources

from ..errors import SynonymFileError
from .synonyms import Phrase, SynonymMap, phrase_words

__all__ = ["Line", "build_map", "load_synonyms", "parse_lines", "parse_synonyms", "read_file", "shipped_text"]


def parse_synonyms(text: str, *, source: str = "<text>") -> SynonymMap:
    """Build a ``SynonymMap`` from the text of a synonym file.

    Args:
        text: Lines in the synonym file format.
        source: Name used in error messages, usually the file path.

    Returns:
        The map.

    Raises:
        SynonymFileError: A line is neither a group, a rule, a comment nor blank.
    """
    return build_map(parse_lines(text, source))


def load_synonyms(extra_paths: Iterable[str | os.PathLike[str]] = ()) -> SynonymMap:
    """Load the shipped synonym file and any user files of the same format.

    User files add to the shipped data: a group that shares a phrase with another group
    merges with it, and rules for the same phrase add their targets.

    Args:
        extra_paths: User synonym files, read in order after the shipped one.

    Returns:
        The merged map.

    Raises:
        SynonymFileError: A file cannot be read or decoded, or has a bad line (the
            error names the file and the line number). It is a ``ValueError`` too.
    """
    lines = parse_lines(shipped_text(), "synonyms.txt")
    for path in extra_paths:
        lines.extend(parse_lines(read_file(path), os.fspath(path)))
    return build_map(lines)


def shipped_text() -> str:
    """The text of the shipped ``data/synonyms.txt``."""
    return resources.files("msqa_search").joinpath("data", "synonyms.txt").read_text(encoding="utf-8")


def read_file(path: str | os.PathLike[str]) -> str:
    """A user synonym file's text (UTF-8, a BOM allowed); SynonymFileError naming it."""
    source = os.fspath(path)
    try:
        with open(source, "rb") as f:
            data = f.read()
    except OSError as e:
        raise SynonymFileError(f"cannot read: {e.strerror or e}", source=source) from e
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise SynonymFileError("not valid UTF-8", source=source, line=line) from e


# A parsed line: (lefts, rights); rights is None for a group.
Line = tuple[list[Phrase], list[Phrase] | None]


def parse_lines(text: str, source: str) -> list[Line]:
    """The groups and rules of a file's text, in order; SynonymFileError at a bad line."""
    parsed: list[Line] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        sides = line.split("=>")
        if len(sides) > 2:
            raise SynonymFileError("more than one '=>'", source=source, line=number)
        try:
            phrases = [_phrases(side) for side in sides]
        except ValueError as e:
            raise SynonymFileError(str(e), source=source, line=number) from None
        if len(phrases) == 1:
            if len(set(phrases[0])) < 2:
                raise SynonymFileError(
                    "a group needs two or more phrases separated by commas"
                    " (or write a rule: phrase => phrase, ...)",
                    source=source,
                    line=number,
                )
            parsed.append((phrases[0], None))
        else:
            parsed.append((phrases[0], phrases[1]))
    return parsed


def _phrases(side: str) -> list[Phrase]:
    if not side.strip():
        raise ValueError("empty side of '=>'")
    phrases = []
    for entry in side.split(","):
        phrase = phrase_words(entry)
        if not phrase:
            raise ValueError(f"empty entry {entry.strip()!r} (a stray comma?)")
        if phrase not in phrases:
            phrases.append(phrase)
    return phrases


def build_map(lines: Iterable[Line]) -> SynonymMap:
    """Merge parsed lines into a map, in time near-linear in the number of phrases.

    A group line joins every earlier group it shares a phrase with: the earliest one
    takes the others' phrases (in their order), then the line's new phrases. Groups are
    kept in a union-find forest, their members in deques of chunks joined smaller into
    larger, so merging costs O(n log n) over the whole file, however the groups grow.
    """
    parent: list[int] = []  # group number -> the group it was merged into (itself if live)
    chunks: list[deque[list[Phrase]]] = []  # live group -> its members, in chunks
    owner: dict[Phrase, int] = {}  # phrase -> a group number it was added to

    def find(group: int) -> int:
        root = group
        while parent[root] != root:
            root = parent[root]
        while parent[group] != root:  # path compression
            parent[group], group = root, parent[group]
        return root

    rules: dict[Phrase, dict[Phrase, None]] = {}
    for lefts, rights in lines:
        if rights is None:
            hits = sorted({find(owner[p]) for p in lefts if p in owner})
            new = [p for p in lefts if p not in owner]
            if hits:
                first = hits[0]
                for other in hits[1:]:
                    parent[other] = first
                    front, back = chunks[first], chunks[other]
                    if len(front) >= len(back):
                        front.extend(back)
                    else:
                        back.extendleft(reversed(front))
                        chunks[first] = back
                    chunks[other] = deque()
            else:
                first = len(parent)
                parent.append(first)
                chunks.append(deque())
            if new:
                chunks[first].append(new)
                for p in new:
                    owner[p] = first
            continue
        for left in lefts:
            targets = rules.setdefault(left, {})
            for right in rights:
                if right != left:
                    targets.setdefault(right, None)
    groups = tuple(
        tuple(p for chunk in chunks[g] for p in chunk) for g in range(len(parent)) if parent[g] == g
    )
    return SynonymMap(
        groups=groups,
        rules=tuple((left, tuple(t)) for left, t in rules.items() if t),
    )
