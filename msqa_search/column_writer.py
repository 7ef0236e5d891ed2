"""Writing a generation's columns file (column_file.py has the layout): the columns of
each segment joined in document order, table places re-numbered, the answer ids sorted
once for the rank."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .column_file import HEADER, HEADER_SIZE, MAGIC, SEGMENT, Part, padding, sections
from .columns import ARRAYS, FORMAT, TABLES, Columns, facet_key

__all__ = ["write_columns"]


def write_columns(path: Path, parts: Sequence[Columns | Part], segments: Sequence[tuple[str, int]]) -> None:
    """Join ``parts`` (in document order) into one file at ``path``, re-numbering table
    places and sorting the answer ids once (through a temporary file, then renamed).

    Args:
        path: The file to write.
        parts: Built columns, or ``ColumnFile.part`` slices of an older file.
        segments: Each segment's id and document count, adding up to the parts' documents.

    Raises:
        IndexDamagedError: a part copied from an older file is damaged.
    """
    parts = [p if isinstance(p, Part) else _part_of(p) for p in parts]
    documents = sum(len(p.ids[0]) - 1 for p in parts)
    if sum(count for _, count in segments) != documents:
        raise ValueError("the segments do not add up to the documents")
    data_of: dict[str, bytes | np.ndarray] = {"segments": b"".join(
        SEGMENT.pack(name.encode("ascii"), count) for name, count in segments)}
    tables = {}
    for name in TABLES:
        known: dict[str, int] = {}
        values: list[str] = []
        codes = []
        for part in parts:
            remap = []
            for value in part.tables[name]:
                key = value if name == "thread" else facet_key(value)
                if key not in known:
                    known[key] = len(values)
                    values.append(value)
                remap.append(known[key])
            codes.append(np.asarray(remap, dtype=np.int32)[part.arrays[name]])
        data_of[name] = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int32)
        tables[name] = values
    for name in ARRAYS[len(TABLES):]:
        data_of[name] = np.concatenate([p.arrays[name] for p in parts]) if parts else np.zeros(0, np.int32)
    id_offsets, id_blob = _join([p.ids for p in parts])
    bounds = id_offsets.tolist()
    keys = [id_blob[a:b] for a, b in zip(bounds, bounds[1:])]
    # UTF-8 sorts as the code points do, so this is the order of the ids as strings.
    order = np.array(sorted(range(documents), key=keys.__getitem__), dtype=np.int32)
    rank = np.empty(documents, dtype=np.int32)
    rank[order] = np.arange(documents, dtype=np.int32)
    data_of.update(rank=rank, order=order, ids=id_offsets, id_blob=id_blob)
    sizes = []
    for name in TABLES:
        encoded = [value.encode("utf-8", "surrogatepass") for value in tables[name]]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(b) for b in encoded], out=offsets[1:])
        data_of[f"{name}:offsets"], data_of[f"{name}:blob"] = offsets, b"".join(encoded)
        sizes += [len(encoded), len(data_of[f"{name}:blob"])]
    header = HEADER.pack(MAGIC, FORMAT, len(ARRAYS), documents, len(segments), 0, len(id_blob), *sizes)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(header.ljust(HEADER_SIZE, b"\0"))
            for name, dtype, _ in sections(documents, len(segments), len(id_blob), zip(sizes[::2], sizes[1::2])):
                data = data_of[name]
                data = data if isinstance(data, bytes) else np.ascontiguousarray(data, dtype=dtype).tobytes()
                f.write(data + b"\0" * padding(len(data)))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _join(spans: Sequence[tuple[np.ndarray, bytes]]) -> tuple[np.ndarray, bytes]:
    """One list of strings' offsets and bytes from several."""
    offsets, at = [np.zeros(1, dtype=np.int64)], 0
    for part_offsets, data in spans:
        offsets.append(part_offsets[1:] + at)
        at += len(data)
    return np.concatenate(offsets), b"".join(data for _, data in spans)


def _part_of(columns: Columns) -> Part:
    encoded = [answer_id.encode("utf-8", "surrogatepass") for answer_id in columns.answer_ids]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    arrays = {name: np.frombuffer(columns.arrays[name], dtype=np.int32) for name in ARRAYS}
    return Part(tables=columns.tables, arrays=arrays, ids=(offsets, b"".join(encoded)))
