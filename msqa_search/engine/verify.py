"""What an open generation holds, and a full read of it that reports every problem."""

from __future__ import annotations

import numpy as np

from .. import columns as cols
from .. import store
from ..errors import MsqaError, rebuild_hint
from ..results import IndexStats
from . import check, documents
from .opening import damage_guard
from .schema import SCHEMA_VERSION
from .snapshot import Snapshot

__all__ = ["problems", "stats"]


def stats(snapshot: Snapshot) -> IndexStats:
    """Counts of what the generation holds: threads, answers, doctors, specialties, cities."""
    searcher, columns = snapshot.searcher, snapshot.columns
    live = np.fromiter(searcher.reader().all_doc_ids(), dtype=np.int64)
    distinct = {
        name: np.unique(columns.arrays[name][live]).tolist()
        for name in ("thread", "doctor", "specialty", "city")
    }
    known = {
        name: len([p for p in places if cols.facet_key(columns.tables[name][p]) != cols.UNKNOWN])
        for name, places in distinct.items()
    }
    return IndexStats(
        path=str(snapshot.root), threads=len(distinct["thread"]), answers=len(live),
        doctors=known["doctor"], specialties=known["specialty"], cities=known["city"],
        schema_version=SCHEMA_VERSION, generation=snapshot.generation.name,
        segments=len(snapshot.segments),
    )


def problems(snapshot: Snapshot) -> list[str]:
    """Every problem a full read of the generation finds, one line each (see
    ``SearchIndex.check``); an empty list when it is sound."""
    root, generation = snapshot.root, snapshot.generation
    found: list[str] = []
    try:
        meta = store.read_meta(generation)
        if not isinstance(meta, dict):
            raise ValueError("not a record")
    except (OSError, ValueError, RecursionError) as e:
        return [f"{store.META} cannot be read ({type(e).__name__}: {e})"]
    found += check.file_problems(generation, meta)
    steps = (
        lambda: check.segment_problems(generation, snapshot.segments, meta),
        lambda: snapshot.columns.problems(),
        lambda: documents.check_documents(snapshot.searcher, snapshot.columns),
        lambda: documents.check_postings(snapshot.searcher),
        lambda: (snapshot.vocabulary, [])[1],
        lambda: (snapshot.known_words, snapshot.medical_table, [])[2],
    )
    for step in steps:
        try:
            with damage_guard(root):
                found += step()
        except MsqaError as e:
            found.append(str(e).split(f". {rebuild_hint(root)}")[0])
        except Exception as e:  # noqa: BLE001 - a check reports whatever it meets
            found.append(f"{type(e).__name__}: {e}"[:200])
    return list(dict.fromkeys(found))
