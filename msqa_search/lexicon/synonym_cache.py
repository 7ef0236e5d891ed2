"""The merged synonym map rewritten (stemmed), cached per file content in the user cache."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import platformdirs

from .synonym_file import Line, build_map, parse_lines, read_file, shipped_text
from .synonyms import Phrase, SynonymMap

__all__ = ["CACHE_FORMAT", "derived_synonyms"]

#: Bump when what a cache file holds, or how it is derived, changes.
CACHE_FORMAT = 1


def derived_synonyms(
    extra_paths: Iterable[str | os.PathLike[str]],
    rewrite: Callable[[Phrase], Phrase],
    *,
    tag: str,
    cache_dir: Path | None = None,
) -> SynonymMap:
    """The merged map with every phrase rewritten (stemmed, say), built once per content.

    Phrases that rewrite to the same words join their groups; a phrase that rewrites to
    nothing is dropped. The result is cached in ``cache_dir`` (the user cache folder by
    default) under the SHA-256 of ``tag`` and every file's text, the shipped one too, so
    the merge is paid once per file content, not by every process (a search command
    would spend a tenth of its time stemming the shipped map). The cache is plain JSON;
    a cache file that cannot be read or does not hold a map is rebuilt.

    Raises:
        SynonymFileError: as ``load_synonyms``.
    """
    paths = [os.fspath(p) for p in extra_paths]
    texts = [shipped_text(), *(read_file(p) for p in paths)]
    digest = hashlib.sha256(f"{CACHE_FORMAT}\0{tag}".encode())
    for text in texts:
        digest.update(b"\0%d\0" % len(text))
        digest.update(text.encode("utf-8", "surrogatepass"))
    folder = cache_dir if cache_dir is not None else _cache_dir()
    cache = folder / f"synonyms-{digest.hexdigest()[:32]}.json" if folder is not None else None
    found = _read_cache(cache) if cache is not None else None
    if found is not None:
        return found
    lines = parse_lines(texts[0], "synonyms.txt")
    for path, text in zip(paths, texts[1:]):
        lines.extend(parse_lines(text, path))
    merged = build_map(lines)
    rewritten: list[Line] = []
    for group in merged.groups:
        phrases = list(dict.fromkeys(q for q in map(rewrite, group) if q))
        if len(phrases) > 1:
            rewritten.append((phrases, None))
    for left, targets in merged.rules:
        key = rewrite(left)
        rights = [q for q in dict.fromkeys(map(rewrite, targets)) if q and q != key]
        if key and rights:
            rewritten.append(([key], rights))
    result = build_map(rewritten)
    if cache is not None:
        _write_cache(cache, result)
    return result


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
