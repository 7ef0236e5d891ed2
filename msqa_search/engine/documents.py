"""Reading documents back: stored fields by term or number, checked, as records."""

from __future__ import annotations

import json
from pathlib import Path

from whoosh.query import Term

from .. import index_stance
from ..errors import ThreadNotFoundError
from ..model import Answer, Consensus, Doctor, Thread
from . import check
from .opening import damage_guard, damaged

__all__ = [
    "check_documents",
    "check_postings",
    "doctor_of",
    "sources",
    "stored",
    "stored_by",
    "stored_consensus",
    "thread_of",
]


def stored_by(root: Path, searcher, field: str, value: str) -> list[dict]:
    """The stored fields of every document whose ``field`` holds the term ``value``."""
    with damage_guard(root):
        found = [searcher.stored_fields(d) for d in searcher.docs_for_query(Term(field, value))]
    for fields in found:
        problem = check.stored_problem(fields)
        if problem:
            raise damaged(root, ValueError(problem))
    return found


def stored(root: Path, searcher, docnum: int) -> dict:
    """The stored fields of document ``docnum``, checked."""
    fields = searcher.stored_fields(docnum)
    problem = check.stored_problem(fields)
    if problem:
        raise damaged(root, ValueError(f"document {docnum}: {problem}"))
    return fields


def doctor_of(fields: dict) -> Doctor | None:
    """The doctor card of a document's stored fields.

    The card is ``to_dict(doctor)`` as written, so the record is built from it directly:
    ``from_dict`` would import cattrs, a fifth of a search command's start-up.

    Raises:
        ValueError: the card does not describe a Doctor.
    """
    card = fields.get("card")
    if not card:
        return None
    data = json.loads(card)
    try:
        return Doctor(**data)
    except (TypeError, ValueError) as e:
        raise ValueError(f"not a valid Doctor: {e}") from e


def thread_of(thread_id: str, docs: list[dict]) -> Thread:
    """The thread rebuilt from the stored fields of its answers' documents."""
    docs = sorted(docs, key=lambda f: f["position"])
    info = json.loads(docs[0]["thread"])
    answers = [
        Answer(
            thread_id=thread_id,
            position=i,
            title=f["title"],
            body=f["body"],
            doctor=doctor_of(f),
            cut=bool(f.get("cut", False)),
        )
        for i, f in enumerate(docs, start=1)
    ]
    return Thread(
        id=thread_id, title=info["title"], body=info["body"],
        declared_answers=info["declared_answers"], answers=answers, source=info["source"],
        complete=bool(info.get("complete", True)),
    )


def stored_consensus(root: Path, searcher, thread_id: str) -> Consensus:
    """The consensus of a thread on its own question, from its answers' stored stances.

    Raises:
        ThreadNotFoundError: no answer of that thread is in the index.
    """
    docs = sorted(stored_by(root, searcher, "thread_id", thread_id), key=lambda f: f["position"])
    if not docs:
        raise ThreadNotFoundError(thread_id)
    thread = thread_of(thread_id, docs)
    stances = {answer.id: index_stance.loads(f["stances"]) for answer, f in zip(thread.answers, docs)}
    try:
        return index_stance.consensus(thread, stances)
    except ValueError as e:
        raise damaged(root, e) from None


def sources(root: Path, searcher) -> dict[str, str | None]:
    """Thread id -> the file it was read from (None when not read from a file)."""
    found: dict[str, str | None] = {}
    with damage_guard(root):
        for docnum in searcher.reader().all_doc_ids():
            fields = searcher.stored_fields(docnum)
            if fields["thread_id"] not in found:
                found[fields["thread_id"]] = json.loads(fields["thread"]).get("source")
    return found


def check_documents(searcher, columns) -> list[str]:
    """The first document whose stored fields are damaged or differ from the columns."""
    for docnum in range(searcher.doc_count_all()):
        fields = searcher.stored_fields(docnum)
        problem = check.stored_problem(fields)
        if problem is None and fields["answer_id"] != columns.answer_ids[docnum]:
            problem = "its stored answer id differs from the columns"
        if problem is None and index_stance.mask(index_stance.loads(fields["stances"])) != columns.arrays["stance"][docnum]:
            problem = "its stored stances differ from the columns"
        if problem:
            return [f"document {docnum}: {problem}"]
    return []


def check_postings(searcher) -> list[str]:
    """The first posting list that is out of range or out of order."""
    reader = searcher.reader()
    count = reader.doc_count_all()
    for field, text in reader.all_terms():
        ids = list(reader.postings(field, text).all_ids())
        if any(not 0 <= d < count for d in ids) or ids != sorted(ids):
            return [f"the postings of {field}:{text!r} are out of range"]
    return []
