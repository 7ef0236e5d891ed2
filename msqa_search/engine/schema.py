"""The index schema: its fields, and the mapping from records to documents.

One document per answer, keyed ``"<thread_id>#<position>"``. Importing it installs the
fixes to Whoosh's reader and its unpickling (compat.py, safe_pickle.py).
"""

from __future__ import annotations

import json
import re

import attrs
from whoosh.analysis import IDTokenizer, LowercaseFilter
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from .. import columns as cols
from .. import index_stance
from ..model import Answer, Doctor, Stance, Thread, to_dict
from . import compat, safe_pickle
from .analysis import name_analyzer, text_analyzer
from .text_format import TextPositions

__all__ = [
    "INDEX_NAME",
    "MAX_REVIEWS",
    "SCHEMA",
    "SCHEMA_VERSION",
    "TEXT_FIELDS",
    "column_row",
    "document",
    "make_schema",
    "safe_thread",
]

#: 3: each generation holds its vocabulary and typo table, and the known-word list, as
#: memory-mapped files (lexicon.typo_table), not vocabulary.tsv.
#: 2: each answer stores its stances, and the columns hold its stance labels; words
#: the stemmer splits (breastfed, breastfeeding) share a stem.
#: 4: the columns hold the cut flag and the duplicate key, and a title weighs 4 (tuned
#: on the NFCorpus dev split).
#: 5: words the stemmer cuts into an unrelated word's stem are kept whole ("organic",
#: "hepatitis"; lexicon.stem_exceptions).
#: 6: one memory-mapped columns file per generation, with the answer rank (column_file.py).
SCHEMA_VERSION = 6
INDEX_NAME = "MAIN"
#: Whoosh's int fields hold 32 bits; larger review counts are indexed as this.
MAX_REVIEWS = 2**31 - 1
#: The text fields searched by plain words, and their weights (as their field_boost).
TEXT_FIELDS = {"title": 4.0, "body": 1.0, "question": 0.5}


def _key_field() -> TEXT:
    # One lowercased term for the whole value, so `specialty:"plastic surgeon"` works.
    return TEXT(analyzer=IDTokenizer() | LowercaseFilter(), phrase=False)


def _text(analyzer, **options) -> TEXT:
    # Positions as Whoosh writes them, computed in one pass (text_format.py).
    field = TEXT(analyzer=analyzer, **options)
    field.format = TextPositions(field_boost=field.format.field_boost)
    return field


def make_schema() -> Schema:
    stemmed = text_analyzer()
    return Schema(
        answer_id=ID(stored=True, unique=True, sortable=True),
        thread_id=ID(stored=True),
        position=STORED(),
        title=_text(stemmed, stored=True, field_boost=TEXT_FIELDS["title"]),
        body=_text(stemmed, stored=True),
        question=_text(stemmed, field_boost=0.5),
        doctor=TEXT(analyzer=name_analyzer()),
        doctor_key=_key_field(),
        specialty=_key_field(),
        city=_key_field(),
        # One term per value (shift_step=0): few distinct values, so range queries stay
        # quick, and each answer adds one posting instead of sixteen.
        rating=NUMERIC(float, shift_step=0),
        reviews=NUMERIC(int, shift_step=0),
        card=STORED(),
        thread=STORED(),
        # True when the page copy stops inside the answer (Answer.cut).
        cut=STORED(),
        # The answer's stance on each target of the thread's question (index_stance.py).
        stances=STORED(),
    )


SCHEMA = make_schema()
compat.patch_length_reader()
safe_pickle.install()  # no index file can run code when it is read


_SURROGATE = re.compile("[\ud800-\udfff]")
#: Fields that name a thread rather than say something: their odd bytes stay visible.
_NAMES = frozenset({"id", "thread_id", "source"})


def safe_thread(thread: Thread) -> Thread:
    """``thread`` with every string made encodable as UTF-8 (Whoosh encodes every term).

    A file name that is not valid UTF-8 reaches us with surrogate escapes, and a record
    made in Python may hold lone surrogates. In ids and the source, the raw bytes are
    written as ``\\xNN`` (so ``caf\\xe9`` is stable and distinct); in text, a lone
    surrogate becomes U+FFFD. Returns ``thread`` itself when nothing needed a change.
    """
    return _clean(thread, False)


def _clean(value, name: bool):
    if isinstance(value, str):
        if value.isascii() or not _SURROGATE.search(value):
            return value
        if not name:
            return _SURROGATE.sub("\ufffd", value)
        try:
            raw = value.encode("utf-8", "surrogateescape")  # undoes os.fsdecode
        except UnicodeEncodeError:
            raw = value.encode("utf-8", "surrogatepass")
        return raw.decode("utf-8", "backslashreplace")
    if isinstance(value, tuple):
        items = tuple(_clean(item, name) for item in value)
        return value if all(a is b for a, b in zip(items, value)) else items
    if attrs.has(type(value)):
        changes = {}
        for field in attrs.fields(type(value)):
            if field.init:
                old = getattr(value, field.name)
                new = _clean(old, field.name in _NAMES)
                if new is not old:
                    changes[field.alias] = new
        return attrs.evolve(value, **changes) if changes else value
    return value


def document(thread: Thread, answer: Answer, stances: tuple[Stance, ...]) -> dict:
    """The fields of ``answer``'s document; ``stances``: its stance on each target."""
    doctor = answer.doctor or Doctor()
    question = f"{thread.title}\n\n{thread.body}".strip()
    document = {
        "answer_id": answer.id,
        "thread_id": thread.id,
        "position": answer.position,
        "title": answer.title,
        "body": answer.body,
        "question": question,
        "doctor": doctor.name or "",
        "doctor_key": cols.facet_key(doctor.name),
        "specialty": cols.facet_key(doctor.specialty),
        "city": cols.facet_key(doctor.city),
        "card": json.dumps(to_dict(doctor)) if answer.doctor else "",
        "thread": json.dumps(
            {
                "title": thread.title,
                "body": thread.body,
                "declared_answers": thread.declared_answers,
                "answers": len(thread.answers),
                "source": thread.source,
                "complete": thread.complete,
            }
        ),
        "cut": answer.cut,
        "stances": index_stance.dumps(stances),
    }
    if doctor.rating is not None:
        document["rating"] = doctor.rating
    if doctor.reviews is not None:
        document["reviews"] = min(doctor.reviews, MAX_REVIEWS)
    return document


def column_row(thread_id: str, answer_id: str, position: int, doctor: Doctor | None,
               stances: tuple[Stance, ...], *, body: str = "", title: str = "", cut: bool = False) -> dict:
    doctor = doctor or Doctor()
    return dict(
        answer_id=answer_id, thread_id=thread_id, position=position,
        specialty=doctor.specialty, city=doctor.city, doctor=doctor.name,
        rating=doctor.rating, reviews=doctor.reviews, stance=index_stance.mask(stances),
        body=body, title=title, cut=bool(cut),
    )


