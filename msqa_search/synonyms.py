"""Medical synonyms: load the synonym files and find their phrases in a query's words.

The data is line based (see the header of ``data/synonyms.txt``)::

    botox, botox cosmetic, botulinum toxin   # a group: each finds the others
    filler => restylane, juvederm            # a rule: filler finds restylane, not back

Expansion follows groups and rules transitively: "neurotoxin" finds "botox" through a
rule, and then "botulinum toxin" through botox's group; "restylane" finds nothing, since
no group or rule starts from it.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Iterable, Sequence
from importlib import resources

import attrs

from .errors import MsqaError

Phrase = tuple[str, ...]
"""A phrase as its lowercased words, e.g. ``("botulinum", "toxin")``."""

# The same words as Whoosh's default RegexTokenizer, so file entries split like queries.
_WORD = re.compile(r"\w+(?:\.?\w+)*")

HONORIFICS = frozenset({"ms"})
"""Words that are a title when typed as one ("Ms. Smith"), see ``SynonymMap.expand``."""


class SynonymFileError(MsqaError, ValueError):
    """A synonym file that cannot be read or has a line that is not a group or a rule."""

    def __init__(self, message: str, *, source: str, line: int | None = None):
        self.message = message
        self.source = source
        self.line = line
        where = source if line is None else f"{source}:{line}"
        super().__init__(f"{where}: {message}")


@attrs.frozen(kw_only=True)
class Expansion:
    """A phrase of the synonym map found in a query, and what else it stands for."""

    start: int
    """Index of the phrase's first word in the query's words."""
    end: int
    """Index just past the phrase's last word (a slice end)."""
    phrase: Phrase
    """The words matched, lowercased."""
    alternatives: tuple[Phrase, ...]
    """The phrases it also stands for, never itself, nearest first."""


def phrase_words(text: str) -> Phrase:
    """Split a phrase into lowercased words the way queries are split.

    Args:
        text: A phrase such as ``"Lou Gehrig's disease"``.

    Returns:
        Its words, e.g. ``("lou", "gehrig", "s", "disease")``.
    """
    return tuple(m.group().lower() for m in _WORD.finditer(text))


def split_words(text: str) -> tuple[list[str], list[str]]:
    """Split a raw query into the ``words`` and ``original`` that ``expand`` takes.

    Args:
        text: The query as the user typed it.

    Returns:
        The lowercased words, and the same words as typed, each keeping a ``.`` that
        directly follows it (``"Ms. Smith"`` gives ``["Ms.", "Smith"]``).
    """
    words: list[str] = []
    original: list[str] = []
    for m in _WORD.finditer(text):
        words.append(m.group().lower())
        dot = text[m.end() : m.end() + 1] == "."
        original.append(m.group() + ("." if dot else ""))
    return words, original


@attrs.frozen(kw_only=True)
class SynonymMap:
    """Synonym groups and one-way rules, with a lookup from each phrase to what it finds.

    Build one with ``load_synonyms`` or ``parse_synonyms``.
    """

    groups: tuple[tuple[Phrase, ...], ...] = ()
    """Equivalence groups in file order; groups sharing a phrase are merged."""
    rules: tuple[tuple[Phrase, tuple[Phrase, ...]], ...] = ()
    """One-way rules as ``(phrase, targets)``, one per left-hand phrase, in file order."""
    _table: dict[Phrase, tuple[Phrase, ...]] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _longest: int = attrs.field(init=False, repr=False, eq=False, hash=False)

    @_table.default
    def _build_table(self) -> dict[Phrase, tuple[Phrase, ...]]:
        # A graph: group members point at each other, rules point one way. What a
        # phrase finds is everything reachable from it, in breadth-first order.
        edges: dict[Phrase, list[Phrase]] = {}
        for group in self.groups:
            for phrase in group:
                edges.setdefault(phrase, []).extend(p for p in group if p != phrase)
        for phrase, targets in self.rules:
            edges.setdefault(phrase, []).extend(targets)
        table = {}
        for start in edges:
            seen = {start}
            order = []
            queue = deque([start])
            while queue:
                for nxt in edges.get(queue.popleft(), ()):
                    if nxt not in seen:
                        seen.add(nxt)
                        order.append(nxt)
                        queue.append(nxt)
            if order:
                table[start] = tuple(order)
        return table

    @_longest.default
    def _build_longest(self) -> int:
        return max(map(len, self._table), default=0)

    def alternatives(self, phrase: Sequence[str]) -> tuple[Phrase, ...]:
        """The phrases that ``phrase`` (its lowercased words) also finds; () if none."""
        return self._table.get(tuple(phrase), ())

    def expand(
        self, words: Sequence[str], original: Sequence[str] | None = None
    ) -> list[Expansion]:
        """Find the map's phrases among a query's words.

        Scans left to right and takes the longest phrase starting at each word; matches
        do not overlap. Only phrases that stand for something else are reported.

        A word of ``HONORIFICS`` ("ms") is a title, not an abbreviation, and never
        matches, alone or in a phrase, when it was typed in title case ("Ms", not "MS"
        or "ms") and either carries a following dot ("Ms.") or comes before a word typed
        with a capital ("Ms Smith"). Without ``original`` it always matches, as does
        "ms" typed in lower case.

        Args:
            words: The query's words, lowercased (``split_words`` gives them).
            original: The same words as typed, keeping a dot that follows a word.

        Returns:
            One ``Expansion`` per match, in query order.

        Raises:
            ValueError: ``original`` does not have one entry per word.
        """
        words = [w.lower() for w in words]
        if original is not None and len(original) != len(words):
            raise ValueError(
                f"original has {len(original)} words but words has {len(words)}"
            )
        titles = {i for i in range(len(words)) if _is_title(i, words, original)}
        found = []
        i = 0
        while i < len(words):
            for end in range(min(len(words), i + self._longest), i, -1):
                phrase = tuple(words[i:end])
                alternatives = self._table.get(phrase)
                if alternatives and not titles.intersection(range(i, end)):
                    found.append(
                        Expansion(start=i, end=end, phrase=phrase, alternatives=alternatives)
                    )
                    i = end
                    break
            else:
                i += 1
        return found


def _is_title(i: int, words: Sequence[str], original: Sequence[str] | None) -> bool:
    if original is None or words[i] not in HONORIFICS:
        return False
    typed = original[i]
    if not typed.rstrip(".").istitle():
        return False
    if typed.endswith("."):
        return True
    following = original[i + 1] if i + 1 < len(original) else ""
    return following[:1].isupper()


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
    return _build(_parse_lines(text, source))


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
    shipped = resources.files(__package__).joinpath("data", "synonyms.txt")
    lines = _parse_lines(shipped.read_text(encoding="utf-8"), "synonyms.txt")
    for path in extra_paths:
        lines.extend(_parse_lines(_read(path), os.fspath(path)))
    return _build(lines)


def _read(path: str | os.PathLike[str]) -> str:
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
_Line = tuple[list[Phrase], list[Phrase] | None]


def _parse_lines(text: str, source: str) -> list[_Line]:
    parsed: list[_Line] = []
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


def _build(lines: Iterable[_Line]) -> SynonymMap:
    groups: list[list[Phrase]] = []
    rules: dict[Phrase, list[Phrase]] = {}
    for lefts, rights in lines:
        if rights is None:
            _merge_group(groups, lefts)
            continue
        for left in lefts:
            targets = rules.setdefault(left, [])
            targets.extend(r for r in rights if r != left and r not in targets)
    return SynonymMap(
        groups=tuple(tuple(g) for g in groups),
        rules=tuple((left, tuple(t)) for left, t in rules.items() if t),
    )


def _merge_group(groups: list[list[Phrase]], phrases: list[Phrase]) -> None:
    # Merge into the earliest group that shares a phrase, and fold in any later ones.
    hits = [g for g in groups if any(p in g for p in phrases)]
    if not hits:
        groups.append(list(phrases))
        return
    first = hits[0]
    for other in hits[1:]:
        first.extend(p for p in other if p not in first)
    groups[:] = [g for g in groups if not any(g is h for h in hits[1:])]
    first.extend(p for p in phrases if p not in first)
