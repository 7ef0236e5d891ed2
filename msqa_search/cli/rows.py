"""Hits for scripts: the rows of ``--csv`` and the records of ``--jsonl``.

Pure functions over a ``Results``; the command prints what they return (made safe for
a terminal there).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..model import Stance, to_dict
from ..results import Hit, Results

__all__ = ["CSV_COLUMNS", "csv_rows", "jsonl_records", "stance_cells"]

CSV_COLUMNS = ("rank", "answer_id", "thread_id", "position", "title", "doctor_name", "credentials", "specialty",
               "city", "rating", "reviews", "badges", "score", "thread_title", "snippet",
               "stance", "stance_condition", "stance_evidence", "related")


def _keyed(target: str, value: str, sep: str) -> str:
    """``botox:against``; the bare value when the question names no treatment."""
    return f"{target}{sep}{value}" if target else value


def stance_cells(stances: Sequence[Stance]) -> tuple[str, str, str]:
    """The ``stance``, ``stance_condition`` and ``stance_evidence`` cells of a hit.

    Each holds one entry per target, in the question's order: ``botox:against;restylane:for``,
    ``botox:neurologist`` (conditional stances that name a clinician only), and one line per
    target with evidence, ``botox: <sentence>`` (a sentence never holds a line break: its
    white space is collapsed, so the lines split cleanly).
    """
    labels = ";".join(_keyed(s.target, s.label, ":") for s in stances)
    conditions = ";".join(_keyed(s.target, s.condition, ":") for s in stances if s.condition)
    evidence = "\n".join(_keyed(s.target, s.evidence, ": ") for s in stances if s.evidence is not None)
    return labels, conditions, evidence


def _snippet(hit: Hit) -> str:
    return " ... ".join(" ".join("".join(t for t, _ in f).split()) for f in hit.highlights)


def csv_rows(results: Results) -> Iterator[list]:
    """The header, then one row per hit (``CSV_COLUMNS``); several credentials or badges are
    joined with ``; ``; ``related`` is true for a related answer (``Hit.related``)."""
    yield list(CSV_COLUMNS)
    first = (results.page - 1) * results.limit + 1
    for rank, hit in enumerate(results.hits, start=first):
        d = hit.doctor
        yield [
            rank, hit.answer_id, hit.thread_id, hit.position, hit.title,
            d.name if d and d.name else "", "; ".join(d.credentials) if d else "",
            d.specialty if d and d.specialty else "", d.city if d and d.city else "",
            "" if d is None or d.rating is None else d.rating, "" if d is None or d.reviews is None else d.reviews,
            "; ".join(d.badges) if d else "", hit.score, hit.thread_title, _snippet(hit),
            *stance_cells(hit.stances), "true" if hit.related else "false",
        ]


def jsonl_records(results: Results) -> Iterator[dict]:
    """One record per hit, as in ``--json``'s ``hits``. With ``group_by_thread`` (one hit
    per thread), each record also carries its thread's split under ``consensus`` (the
    record of ``Results.consensus``; null if the page has none for it)."""
    for hit in results.hits:
        record = to_dict(hit)
        if results.group_by_thread:
            consensus = results.consensus.get(hit.thread_id)
            record["consensus"] = None if consensus is None else to_dict(consensus)
        yield record
