"""Medical synonyms: load the synonym files and find their phrases in a query's words.

The data is line based (see the header of ``data/synonyms.txt``)::

    botox, botox cosmetic, botulinum toxin   # a group: each finds the others
    filler => restylane, juvederm            # a rule: filler finds restylane, not back

Expansion follows groups and rules transitively: "neurotoxin" finds "botox" through a
rule, and then "botulinum toxin" through botox's group; "restylane" finds nothing, since
no group or rule starts from it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path

import attrs
import platformdirs

from ..errors import SynonymFileError

__all__ = [
    "CACHE_FORMAT",
    "Expansion",
    "HONORIFICS",
    "Phrase",
    "PhraseTable",
    "SynonymMap",
    "derived_synonyms",
    "load_synonyms",
    "parse_synonyms",
    "phrase_words",
    "split_words",
]

Phrase = tuple[str, ...]
"""A phrase as its lowercased words, e.g. ``("botulinum", "toxin")``."""

# The same words as Whoosh's default RegexTokenizer, so file entries split like queries.
_WORD = re.compile(r"\w+(?:\.?\w+)*")

HONORIFICS = frozenset({"ms"})
"""Words that are a title when typed as one ("Ms. Smith"), see ``SynonymMap.expand``."""




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
    _group_of: dict[Phrase, int] = attrs.field(init=False, repr=False, eq=False, hash=False)
    _targets: dict[Phrase, tuple[Phrase, ...]] = attrs.field(init=False, repr=False, eq=False, hash=False)
    _found: dict[Phrase, tuple[Phrase, ...]] = attrs.field(
        init=False, repr=False, eq=False, hash=False, factory=dict
    )
    _longest: int = attrs.field(init=False, repr=False, eq=False, hash=False)

    # What a phrase finds is everything reachable from it in a graph where group members
    # point at each other and rules point one way, in breadth-first order. The graph is
    # never built edge by edge (a group of n phrases has n * n edges): each phrase knows
    # its group, and a group's members are all reached the first time any one is.

    @_group_of.default
    def _build_group_of(self) -> dict[Phrase, int]:
        return {phrase: number for number, group in enumerate(self.groups) for phrase in group}

    @_targets.default
    def _build_targets(self) -> dict[Phrase, tuple[Phrase, ...]]:
        return dict(self.rules)

    @_longest.default
    def _build_longest(self) -> int:
        lefts = (p for p, targets in self.rules if targets)
        return max(map(len, (*self._group_of, *lefts)), default=0)

    @property
    def longest(self) -> int:
        """Words in the longest phrase that finds something."""
        return self._longest

    def phrases(self) -> list[Phrase]:
        """Every phrase that finds something, groups first, in file order."""
        lefts = [p for p, targets in self.rules if targets and p not in self._group_of]
        return [*self._group_of, *lefts]

    def alternatives(self, phrase: Sequence[str]) -> tuple[Phrase, ...]:
        """The phrases that ``phrase`` (its lowercased words) also finds; () if none."""
        start = tuple(phrase)
        found = self._found.get(start)
        if found is None:
            found = self._found[start] = self._reach(start)
        return found

    def _reach(self, start: Phrase) -> tuple[Phrase, ...]:
        if start not in self._group_of and start not in self._targets:
            return ()
        seen, order, queue, expanded = {start}, [], deque([start]), set()
        while queue:
            node = queue.popleft()
            group = self._group_of.get(node)
            nexts: Iterable[Phrase] = ()
            if group is not None and group not in expanded:
                expanded.add(group)
                nexts = self.groups[group]
            for batch in (nexts, self._targets.get(node, ())):
                for nxt in batch:
                    if nxt not in seen:
                        seen.add(nxt)
                        order.append(nxt)
                        queue.append(nxt)
        return tuple(order)

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
                alternatives = self.alternatives(phrase)
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
    lines = _parse_lines(_shipped_text(), "synonyms.txt")
    for path in extra_paths:
        lines.extend(_parse_lines(_read(path), os.fspath(path)))
    return _build(lines)


#: Bump when what a cache file holds, or how it is derived, changes.
CACHE_FORMAT = 1


class PhraseTable(Mapping):
    """A read-only mapping phrase -> alternatives over a ``SynonymMap``, computed per
    phrase when first asked for (never all at once: one group of n phrases would make
    n * n entries)."""

    def __init__(self, synonyms: SynonymMap):
        self.synonyms = synonyms
        self.longest = synonyms.longest

    def __getitem__(self, phrase: Phrase) -> tuple[Phrase, ...]:
        found = self.synonyms.alternatives(phrase)
        if not found:
            raise KeyError(phrase)
        return found

    def __iter__(self):
        return iter(self.synonyms.phrases())

    def __len__(self) -> int:
        return len(self.synonyms.phrases())


def derived_synonyms(
    extra_paths: Iterable[str | os.PathLike[str]],
    rewrite: Callable[[Phrase], Phrase],
    *,
    tag: str,
    cache_dir: Path | None = None,
) -> SynonymMap:
    """The merged map with every phrase rewritten (stemmed, say), built once per content.

    Phrases that rewrite to the same words join their groups; a phrase that rewrites to
    nothing is dropped. With user files, the result is cached in ``cache_dir`` (the
    user cache folder by default) under the SHA-256 of ``tag`` and every file's text, so
    the merge is paid once per file content, not by every process. The cache is plain
    JSON; a cache file that cannot be read or does not hold a map is rebuilt.

    Raises:
        SynonymFileError: as ``load_synonyms``.
    """
    paths = [os.fspath(p) for p in extra_paths]
    texts = [_shipped_text(), *(_read(p) for p in paths)]
    cache = None
    if paths:
        digest = hashlib.sha256(f"{CACHE_FORMAT}\0{tag}".encode())
        for text in texts:
            digest.update(b"\0%d\0" % len(text))
            digest.update(text.encode("utf-8", "surrogatepass"))
        folder = cache_dir if cache_dir is not None else _cache_dir()
        cache = folder / f"synonyms-{digest.hexdigest()[:32]}.json" if folder is not None else None
        found = _read_cache(cache) if cache is not None else None
        if found is not None:
            return found
    lines = _parse_lines(texts[0], "synonyms.txt")
    for path, text in zip(paths, texts[1:]):
        lines.extend(_parse_lines(text, path))
    merged = _build(lines)
    rewritten: list[_Line] = []
    for group in merged.groups:
        phrases = list(dict.fromkeys(q for q in map(rewrite, group) if q))
        if len(phrases) > 1:
            rewritten.append((phrases, None))
    for left, targets in merged.rules:
        key = rewrite(left)
        rights = [q for q in dict.fromkeys(map(rewrite, targets)) if q and q != key]
        if key and rights:
            rewritten.append(([key], rights))
    result = _build(rewritten)
    if cache is not None:
        _write_cache(cache, result)
    return result


def _shipped_text() -> str:
    return resources.files("msqa_search").joinpath("data", "synonyms.txt").read_text(encoding="utf-8")


def _cache_dir() -> Path | None:
    try:
        return platformdirs.user_cache_path("msqa-search", appauthor=False)
    except Exception:  # noqa: BLE001 - no home folder: no cache, never an error
        return None


def _read_cache(path: Path) -> SynonymMap | None:
    try:
        data = json.loads(path.read_bytes())
        groups = tuple(tuple(tuple(_words(p)) for p in group) for group in data["groups"])
        rules = tuple((tuple(_words(left)), tuple(tuple(_words(t)) for t in targets))
                      for left, targets in data["rules"])
    except (OSError, ValueError, TypeError, KeyError, RecursionError):
        return None
    return SynonymMap(groups=groups, rules=rules)


def _words(value) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(w, str) for w in value):
        raise ValueError("not a phrase")
    return value


def _write_cache(path: Path, synonyms: SynonymMap) -> None:
    data = {"groups": synonyms.groups, "rules": synonyms.rules}
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only or full cache folder only costs the next process a merge


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
