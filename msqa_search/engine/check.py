"""Checking an index's files: their structure on open, their checksums in full.

Every write records, in ``msqa-index.json``, the size and SHA-256 of every file of the
generation (``files``), the document count of every segment (``segments``) and a
checksum of the meta file itself. Opening checks what is cheap (types, sizes, bounds);
``SearchIndex.check()`` reads everything, as SQLite's ``PRAGMA integrity_check`` does.
Older indexes without these records open as before; ``check()`` says they have none.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from whoosh.codec.whoosh3 import W3Codec, W3Segment

from .. import index_stance, store
from ..column_file import BYTES_PER_DOCUMENT, COLUMNS_FILE
from ..errors import IndexDamagedError, rebuild_hint
from . import compat

__all__ = [
    "UNLISTED",
    "check_meta",
    "check_segments",
    "file_problems",
    "file_sum",
    "manifest",
    "meta_problems",
    "meta_sum",
    "seal",
    "segment_problems",
    "stored_problem",
]

#: Files of a generation that are not checksummed: the meta file holds the sums, and
#: Whoosh's empty lock file is rewritten by every writer.
UNLISTED = frozenset({store.META, "MAIN_WRITELOCK"})
_SEGMENT_ID = re.compile(r"[a-z0-9]{1,64}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def file_sum(path: Path) -> str:
    digest = hashlib.sha256()
    with os.fdopen(store.open_regular(path), "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def meta_sum(meta: dict) -> str:
    """The checksum of a meta file's content (all but its own ``checksum`` key)."""
    body = {k: v for k, v in meta.items() if k != "checksum"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()


def manifest(folder: Path, base: Path | None = None) -> dict[str, dict]:
    """Size and SHA-256 of every file in ``folder``; files hard-linked from ``base``
    (an update's unchanged segments) take their sums from ``base``'s meta file."""
    known: dict = {}
    if base is not None:
        try:
            known = store.read_meta(base).get("files") or {}
        except (OSError, ValueError, AttributeError):
            known = {}
    files = {}
    for path in sorted(folder.iterdir()):
        if path.name in UNLISTED or path.name.endswith(".tmp") or not path.is_file():
            continue
        entry = known.get(path.name)
        if (base is not None and isinstance(entry, dict) and (base / path.name).exists()
                and os.path.samefile(path, base / path.name)):
            files[path.name] = entry
        else:
            files[path.name] = {"size": path.stat().st_size, "sha256": file_sum(path)}
    return files


def seal(meta: dict) -> dict:
    """``meta`` with its own checksum added."""
    return {**meta, "checksum": meta_sum(meta)}


def _damage(root: Path, what: str) -> IndexDamagedError:
    return IndexDamagedError(f"the index at {root} is damaged ({what}). {rebuild_hint(root)}", path=root)


def meta_problems(meta: dict) -> list[str]:
    """What is wrong with the records of a meta file (already known to be a dict)."""
    problems = []
    if "checksum" in meta and meta["checksum"] != meta_sum(meta):
        problems.append(f"{store.META} does not match its checksum")
    files = meta.get("files")
    if files is not None:
        if not isinstance(files, dict) or not all(
            isinstance(name, str) and "/" not in name and "\\" not in name and isinstance(entry, dict)
            and _is_count(entry.get("size")) and isinstance(entry.get("sha256"), str)
            and _SHA256.fullmatch(entry["sha256"])
            for name, entry in files.items()
        ):
            problems.append(f"{store.META} has a malformed list of files")
    segments = meta.get("segments")
    if segments is not None and not (
        isinstance(segments, dict) and all(isinstance(k, str) and _is_count(v) for k, v in segments.items())
    ):
        problems.append(f"{store.META} has a malformed list of segments")
    return problems


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def check_meta(root: Path, generation: Path, meta: dict) -> None:
    """On open: the meta file's records are well formed, and every file it lists is
    there with the size it had when written (a stat each, no reading).

    Raises:
        IndexDamagedError: they are not.
    """
    problems = meta_problems(meta)
    if not problems:
        for name, entry in (meta.get("files") or {}).items():
            try:
                size = (generation / name).stat().st_size
            except OSError:
                problems.append(f"{generation.name}/{name} is missing")
                break
            if size != entry["size"]:
                problems.append(f"{generation.name}/{name} has {size} bytes, not {entry['size']}")
                break
    if problems:
        raise _damage(root, problems[0])


def segment_problems(generation: Path, segments, meta: dict) -> list[str]:
    """What is wrong with the segment list of a table of contents."""
    if not isinstance(segments, list):
        return ["the table of contents holds no segment list"]
    problems = []
    recorded = meta.get("segments") if isinstance(meta.get("segments"), dict) else None
    try:
        columns_size = (generation / COLUMNS_FILE).stat().st_size
    except OSError:
        columns_size = None
    documents = 0
    for segment in segments:
        if not isinstance(segment, W3Segment) or not isinstance(compat.segment_codec(segment), W3Codec):
            return ["the table of contents holds something other than a segment"]
        segid, count = getattr(segment, "segid", None), getattr(segment, "_doccount", None)
        deleted = getattr(segment, "_deleted", None)
        if not isinstance(segid, str) or not _SEGMENT_ID.fullmatch(segid) or getattr(segment, "indexname", None) != "MAIN":
            return ["the table of contents names a segment oddly"]
        segid = segment.segment_id()
        if not _is_count(count):
            return [f"segment {segid} has no document count"]
        if deleted is not None and not (
            isinstance(deleted, (set, frozenset)) and all(_is_count(d) and d < count for d in deleted)
        ):
            problems.append(f"segment {segid} has deleted documents out of range")
        if not isinstance(getattr(segment, "compound", None), bool) or not isinstance(getattr(segment, "_fieldlengths", None), dict):
            problems.append(f"segment {segid} is malformed")
        if recorded is not None and recorded.get(segid) != count:
            problems.append(f"segment {segid} holds {count} documents, not the {recorded.get(segid)} written")
        # Bounds what a forged count can make a reader allocate: the columns file
        # really holds BYTES_PER_DOCUMENT bytes per document.
        documents += count
        if columns_size is not None and columns_size < BYTES_PER_DOCUMENT * documents:
            problems.append(f"segment {segid} claims {count} documents, more than its columns hold")
    if recorded is not None and set(recorded) != {s.segment_id() for s in segments}:
        problems.append("the table of contents lists other segments than were written")
    return problems


def check_segments(root: Path, generation: Path, segments, meta: dict) -> None:
    """On open: the table of contents lists well-formed segments.

    Raises:
        IndexDamagedError: it does not.
    """
    problems = segment_problems(generation, segments, meta)
    if problems:
        raise _damage(root, problems[0])


def file_problems(generation: Path, meta: dict) -> list[str]:
    """Every file the meta file lists, read in full against its checksum; and files
    that are there but not listed."""
    files = meta.get("files")
    if files is None:
        return [f"{store.META} records no checksums (written by an older version); rebuild to add them"]
    problems = meta_problems(meta)
    if problems:
        return problems
    present = set()
    try:
        present = {p.name for p in generation.iterdir()} - UNLISTED
    except OSError as e:
        return [f"{generation.name} cannot be read: {e.strerror or e}"]
    for name, entry in sorted(files.items()):
        path = generation / name
        try:
            size = os.stat(path).st_size
            if size != entry["size"]:
                problems.append(f"{generation.name}/{name} has {size} bytes, not {entry['size']}")
            elif file_sum(path) != entry["sha256"]:
                problems.append(f"{generation.name}/{name} does not match its checksum")
        except FileNotFoundError:
            problems.append(f"{generation.name}/{name} is missing")
        except OSError as e:
            problems.append(f"{generation.name}/{name} cannot be read: {e.strerror or e}")
    for name in sorted(present - set(files)):
        if not name.endswith(".tmp"):
            problems.append(f"{generation.name}/{name} is not a file this index wrote")
    return problems


def stored_problem(fields) -> str | None:
    """What is wrong with one document's stored fields, or None."""
    if not isinstance(fields, dict):
        return "stored fields are not a record"
    for name in ("answer_id", "thread_id", "title", "body", "card", "thread"):
        if not isinstance(fields.get(name), str):
            return f"stored field {name} is missing or not text"
    if not _is_count(fields.get("position")):
        return "stored field position is not a number"
    try:
        thread = json.loads(fields["thread"])
        card = json.loads(fields["card"]) if fields["card"] else {}
    except (ValueError, RecursionError):
        return "stored thread or card is not JSON"
    if not isinstance(card, dict) or not isinstance(thread, dict):
        return "stored thread or card is not a record"
    for key in ("title", "body"):
        if not isinstance(thread.get(key), str):
            return f"stored thread has no {key}"
    if not isinstance(fields.get("stances"), str):
        return "stored field stances is missing or not text"
    try:
        index_stance.loads(fields["stances"])
    except ValueError as e:
        return str(e)
    return None
