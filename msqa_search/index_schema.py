"""The index schema: fields, the text analyzer, and the mapping from records to documents.

One document per answer, keyed ``"<thread_id>#<position>"``. Also here: two fixes to
Whoosh's per-document reader that writing and scoring lean on (see ``_patch_whoosh``).
"""

from __future__ import annotations

import json

from whoosh.analysis import IDTokenizer, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from . import columns as cols
from .model import Answer, Doctor, Thread, to_dict

SCHEMA_VERSION = 1
INDEX_NAME = "MAIN"

# Function words dropped from text and queries. Negations stay: "not a contraindication"
# must not match like "a contraindication".
STOP_WORDS = frozenset(
    "a an and are as at be been but by can could did do does for from had has have he her"
    " him his how i if in into is it its may me might my of on or our she should so than"
    " that the their them then there these they this those to us was we were what when"
    " where which who whom why will with would you your".split()
)
NEGATIONS = frozenset("no not nor never none without cannot against".split())
# "Ms." as a title before a name is its own token, so it never matches MS the disease.
# The title keeps the one space after it ("ms " / "ms. "), which no other token has.
TOKEN_PATTERN = r"Ms\.?[ \n](?=[A-Z][a-z])|\w+(?:\.?\w+)*"


def text_analyzer(stem: bool = True):
    """Tokenise, lowercase, drop function words (not negations), then stem."""
    chain = RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS)
    return chain | StemFilter(cachesize=-1) if stem else chain


def name_analyzer():
    return RegexTokenizer(r"\w+") | LowercaseFilter()


def _key_field() -> TEXT:
    # One lowercased term for the whole value, so `specialty:"plastic surgeon"` works.
    return TEXT(analyzer=IDTokenizer() | LowercaseFilter(), phrase=False)


def make_schema() -> Schema:
    stemmed = text_analyzer()
    return Schema(
        answer_id=ID(stored=True, unique=True, sortable=True),
        thread_id=ID(stored=True),
        position=STORED(),
        title=TEXT(analyzer=stemmed, stored=True, field_boost=2.0),
        body=TEXT(analyzer=stemmed, stored=True),
        question=TEXT(analyzer=stemmed, field_boost=0.5),
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
    )


SCHEMA = make_schema()


def _remember_missing_columns() -> None:
    """Stop Whoosh from asking the file system, per posting, for a column that is absent.

    While writing a segment, Whoosh looks up each posting's field length; for fields
    without lengths (ids, numbers) it checks that the column file exists every time,
    without remembering the answer: an ``os.stat`` per posting, about a quarter of a
    build's time. Segments never change once written, so a missing column stays missing.
    """
    from whoosh.codec.whoosh3 import W3PerDocReader

    if getattr(W3PerDocReader, "_msqa_patched", False):
        return
    original = W3PerDocReader._cached_reader

    def _cached_reader(self, fieldname, column):
        missing = self.__dict__.setdefault("_msqa_missing", set())
        if fieldname in missing:
            return None
        reader = original(self, fieldname, column)
        if reader is None:
            missing.add(fieldname)
        return reader

    W3PerDocReader._cached_reader = _cached_reader
    W3PerDocReader._msqa_patched = True


_remember_missing_columns()


def document(thread: Thread, answer: Answer) -> dict:
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
            }
        ),
    }
    if doctor.rating is not None:
        document["rating"] = doctor.rating
    if doctor.reviews is not None:
        document["reviews"] = doctor.reviews
    return document


def column_row(thread_id: str, answer_id: str, position: int, doctor: Doctor | None) -> dict:
    doctor = doctor or Doctor()
    return dict(
        answer_id=answer_id, thread_id=thread_id, position=position,
        specialty=doctor.specialty, city=doctor.city, doctor=doctor.name,
        rating=doctor.rating, reviews=doctor.reviews,
    )


