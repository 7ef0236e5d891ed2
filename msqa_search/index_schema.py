"""The index schema: fields, the text analyzer, and the mapping from records to documents.

One document per answer, keyed ``"<thread_id>#<position>"``. Also here: two fixes to
Whoosh's per-document reader that writing and scoring lean on (see ``_patch_whoosh``).
"""

from __future__ import annotations

import json
import re

import attrs

from whoosh.analysis import Analyzer, IDTokenizer, LowercaseFilter, RegexTokenizer, Token
from whoosh.lang.porter2 import stem as porter_stem
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from . import columns as cols
from . import index_pickle
from . import index_stance
from .model import Answer, Doctor, Stance, Thread, to_dict
from .stem_exceptions import stem_exception

#: 2: each answer stores its stances, and the columns hold its stance labels; words
#: the stemmer splits (breastfed, breastfeeding) share a stem.
SCHEMA_VERSION = 2
INDEX_NAME = "MAIN"
#: Whoosh's int fields hold 32 bits; larger review counts are indexed as this.
MAX_REVIEWS = 2**31 - 1

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


class TextAnalyzer(Analyzer):
    """Tokenise, lowercase, drop function words (not negations), then stem: one pass.

    Does what ``RegexTokenizer | LowercaseFilter | StopFilter | StemFilter`` does, in one
    generator instead of four, with an unbounded stem cache; indexing spends a third of
    its time here. It also replays the tokens of the text it analysed last, as each
    answer of a thread repeats the thread's question.
    """

    def __init__(self, stem: bool = True):
        self.stem = stem
        self._setup()

    def _setup(self) -> None:
        self._finditer = re.compile(TOKEN_PATTERN).finditer
        self._stems: dict[str, str] = {}
        self._last: tuple | None = None

    def __getstate__(self) -> dict:
        return {"stem": self.stem}

    def __setstate__(self, state: dict) -> None:
        self.stem = state["stem"]
        self._setup()

    def __eq__(self, other) -> bool:
        return other.__class__ is self.__class__ and other.stem == self.stem

    def __hash__(self) -> int:
        return hash((self.__class__, self.stem))

    def __repr__(self) -> str:
        return f"TextAnalyzer(stem={self.stem})"

    def has_morph(self) -> bool:
        return self.stem

    def words(self, value: str, removestops: bool = True) -> list[tuple[str, int, int, bool]]:
        """``(term, start, end, stopped)`` for each token of ``value``, cached for one text."""
        key = (value, removestops)
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        stems, stemming = self._stems, self.stem
        out = []
        for m in self._finditer(value):
            word = m.group().lower()
            stopped = word in STOP_WORDS or len(word) < 2
            if stopped and removestops:
                continue
            if stemming:
                term = stems.get(word)
                if term is None:
                    term = stems[word] = porter_stem(stem_exception(word) or word)
            else:
                term = word
            out.append((term, m.start(), m.end(), stopped))
        self._last = (key, out)
        return out

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        pos = start_pos
        for term, start, end, stopped in self.words(value, removestops):
            token.text = term
            token.boost = 1.0
            token.stopped = stopped
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = pos
                if not stopped:
                    pos += 1
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


def text_analyzer(stem: bool = True) -> TextAnalyzer:
    """The analyzer of the text fields (``stem=False``: the same, unstemmed)."""
    return TextAnalyzer(stem)


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
        # True when the page copy stops inside the answer (Answer.cut).
        cut=STORED(),
        # The answer's stance on each target of the thread's question (index_stance.py).
        stances=STORED(),
    )


SCHEMA = make_schema()


def length_bytes(perdoc, fieldname: str) -> bytes:
    """A segment's field lengths, one byte per document (Whoosh's encoding), read once.

    Documents past the end of the bytes have length byte 0.
    """
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

    cache = perdoc.__dict__.setdefault("_msqa_lengths", {})
    lengths = cache.get(fieldname)
    if lengths is None:
        reader = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        lengths = b"" if reader is None else reader._dbfile.get(reader._basepos, reader._count)
        cache[fieldname] = lengths
    return lengths


def _patch_whoosh() -> None:
    """Two fixes to Whoosh's per-document reader, which writing and scoring lean on.

    1. While writing a segment, Whoosh looks up each posting's field length; for fields
       without lengths (ids, numbers) it checks that the column file exists every time,
       without remembering the answer: an ``os.stat`` per posting.
    2. Each length lookup reads one byte through a file object: about 3 microseconds per
       posting written and per document scored. Segments never change once written, so
       the lengths of a field are read once, in one piece, and kept.
    """
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3PerDocReader, _lenfield
    from whoosh.util.numeric import byte_to_length

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

    def doc_field_length(self, docnum, fieldname, default=0):
        if docnum > self._doccount:
            raise IndexError("Asked for docnum %r of %d" % (docnum, self._doccount))
        lengths = length_bytes(self, fieldname)
        if not lengths and self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) is None:
            return default
        lbyte = lengths[docnum] if docnum < len(lengths) else 0
        if lbyte:
            return byte_to_length(lbyte)
        return None  # as Whoosh does for a document without the field

    W3PerDocReader._cached_reader = _cached_reader
    W3PerDocReader.doc_field_length = doc_field_length
    W3PerDocReader._msqa_patched = True


_patch_whoosh()
index_pickle.install()  # no index file can run code when it is read


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
               stances: tuple[Stance, ...]) -> dict:
    doctor = doctor or Doctor()
    return dict(
        answer_id=answer_id, thread_id=thread_id, position=position,
        specialty=doctor.specialty, city=doctor.city, doctor=doctor.name,
        rating=doctor.rating, reviews=doctor.reviews, stance=index_stance.mask(stances),
    )


