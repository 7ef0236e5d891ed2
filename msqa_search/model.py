"""The records: threads, answers and doctors as parsed, and search results.

Records are frozen attrs classes with tuples for sequences, so they are hashable and
compare by value. ``to_dict`` and ``from_dict`` turn any of them into plain JSON-ready
data and back, without loss.
"""

from __future__ import annotations

import math
from typing import Any, TypeVar

import attrs
from attrs.validators import ge, instance_of, le, optional

T = TypeVar("T")


def _finite(instance, attribute, value) -> None:
    if value is not None and not math.isfinite(value):
        raise ValueError(f"{attribute.name} must be a finite number, not {value!r}")


def _non_empty(instance, attribute, value) -> None:
    if not value:
        raise ValueError(f"{attribute.name} must not be empty")


@attrs.frozen(kw_only=True)
class Doctor:
    """The signature card under an answer; every part of it is optional."""

    name: str | None = attrs.field(default=None, validator=optional(instance_of(str)))
    """The name as shown on the card's name line, without credentials; None when the card
    has no name line."""
    credentials: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    """Credentials as written after the name, e.g. ``("MD", "FACS")``."""
    city: str | None = attrs.field(default=None, validator=optional(instance_of(str)))
    specialty: str | None = attrs.field(default=None, validator=optional(instance_of(str)))
    rating: float | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(float),
        validator=optional([_finite, ge(0.0), le(5.0)]),
    )
    """Stars out of 5; None when the card has no rating line."""
    reviews: int | None = attrs.field(
        default=None, validator=optional([instance_of(int), ge(0)])
    )
    badges: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    """Badges shown with the card, e.g. ``("RealSelf100 Member",)``."""


@attrs.frozen(kw_only=True)
class Answer:
    """One doctor's answer to a thread's question."""

    thread_id: str = attrs.field(validator=[instance_of(str), _non_empty])
    position: int = attrs.field(validator=[instance_of(int), ge(1)])
    """1-based, in page order."""
    title: str = attrs.field(default="", validator=instance_of(str))
    """The answer's one-line title; '' when it has none."""
    body: str = attrs.field(validator=instance_of(str))
    """Paragraphs separated by a blank line; lines inside a paragraph by a newline."""
    doctor: Doctor | None = attrs.field(default=None, validator=optional(instance_of(Doctor)))
    """The signature card; None when the answer is unsigned."""
    cut: bool = attrs.field(default=False, validator=instance_of(bool), eq=False)
    """True when the page copy stops inside this answer (the last answer of a page cut
    before its footer, whose card has not ended): the body or card may be incomplete.
    Not compared: a cut copy's answer equals the same record built by hand."""

    @property
    def id(self) -> str:
        """``"<thread_id>#<position>"``, stable across re-indexing."""
        return f"{self.thread_id}#{self.position}"


def _answers_belong(instance: Thread, attribute, answers: tuple[Answer, ...]) -> None:
    for expected, answer in enumerate(answers, start=1):
        if not isinstance(answer, Answer):
            raise TypeError(f"answers must be Answer records, not {type(answer).__name__}")
        if answer.thread_id != instance.id:
            raise ValueError(
                f"answer {answer.id} does not belong to thread {instance.id!r}"
            )
        if answer.position != expected:
            raise ValueError(
                f"answer positions must run 1, 2, 3... in order; got {answer.position}"
                f" at place {expected} of thread {instance.id!r}"
            )


@attrs.frozen(kw_only=True)
class Thread:
    """One question page: the patient's question and the doctors' answers."""

    id: str = attrs.field(validator=[instance_of(str), _non_empty])
    """Stable id; the file's stem when read from a file."""
    title: str = attrs.field(default="", validator=instance_of(str))
    """The question title; may be '' for corpora imported from elsewhere."""
    body: str = attrs.field(default="", validator=instance_of(str))
    """The question's text; '' when the question has no body."""
    declared_answers: int | None = attrs.field(
        default=None, validator=optional([instance_of(int), ge(0)])
    )
    """The answer count the page states, or None when it states none."""
    answers: tuple[Answer, ...] = attrs.field(
        default=(), converter=tuple, validator=_answers_belong
    )
    warnings: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    """Things the parser noticed but could work around (count mismatch, unknown
    specialty...)."""
    source: str | None = attrs.field(default=None, validator=optional(instance_of(str)))
    """Where the thread was read from, or None."""
    complete: bool = attrs.field(default=True, validator=instance_of(bool), eq=False)
    """True when the page reaches its disclaimer footer; False for a copy cut short,
    which may hold fewer answers than it declares. Not compared, as ``Answer.cut``."""


@attrs.frozen(kw_only=True)
class FacetValue:
    """One value of a facet and how many matching answers have it."""

    value: str
    count: int


@attrs.frozen(kw_only=True)
class Hit:
    """One matching answer, as a search returns it."""

    answer_id: str
    thread_id: str
    thread_title: str
    position: int
    title: str
    body: str
    doctor: Doctor | None
    score: float
    highlights: tuple[tuple[tuple[str, bool], ...], ...] = attrs.field(
        default=(), converter=lambda v: tuple(tuple(tuple(p) for p in f) for f in v)
    )
    """Fragments of the body; each fragment is a tuple of ``(text, matched)`` pieces,
    so a caller can render them as plain text, ANSI colour or escaped HTML."""
    thread_hits: int = 1
    """With ``group_by_thread``: how many answers of this thread matched."""
    cut: bool = False
    """True when the page copy stops inside this answer (``Answer.cut``)."""
    stances: tuple[Stance, ...] = attrs.field(default=(), converter=tuple)
    """The answer's stance on each target of its thread's question, in target order
    (judged when the thread was indexed)."""


@attrs.frozen(kw_only=True)
class Results:
    """One page of search results, with facet counts over all matches."""

    query: str
    total: int
    """How many answers match, over all pages."""
    hits: tuple[Hit, ...] = attrs.field(converter=tuple)
    facets: dict[str, tuple[FacetValue, ...]] = attrs.field(factory=dict)
    """Facet name -> values by count (then name), counted over all matches."""
    suggestion: str | None = None
    """A corrected query, when the query looks misspelled."""
    searched: str | None = None
    """The query actually searched when it differs from ``query`` (the suggestion,
    when the typed query had no hits)."""
    page: int = 1
    limit: int = 10
    group_by_thread: bool = False
    """True when hits are one per thread and ``total`` counts threads."""
    elapsed: float = 0.0
    """Seconds spent searching."""
    filtered: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    """Facets with a filter on (specialty, city, doctor, stance). Each of them is counted as if
    its own filter were off, so that it shows the other values one could pick too
    (disjunctive facets); the other facets count the filtered matches."""
    notices: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    """What was not searched as typed, e.g. a wildcard or range capped at
    MAX_EXPANSIONS terms (search_query.py)."""
    consensus: dict[str, Consensus] = attrs.field(factory=dict)
    """With ``group_by_thread``: thread id -> how its answers split on its question,
    for the threads of this page (from the stances stored at index time)."""

    def __len__(self) -> int:
        """The number of hits on this page (``total`` counts all matches)."""
        return len(self.hits)

    def __iter__(self):
        """The hits of this page, best first."""
        return iter(self.hits)


@attrs.frozen(kw_only=True)
class ThreadAnswer:
    """One answer with the thread it belongs to (``SearchIndex.answer``)."""

    thread: Thread
    answer: Answer

    def __iter__(self):
        """``thread, answer = index.answer(answer_id)`` still works."""
        return iter((self.thread, self.answer))


_converter = None


def _get_converter():
    global _converter
    if _converter is None:
        import cattrs

        _converter = cattrs.Converter()
    return _converter


def to_dict(record: Any) -> dict[str, Any]:
    """Turn a record (Thread, Answer, Doctor, Hit, Results...) into plain JSON-ready data.

    Tuples become lists; nothing else changes, so ``from_dict`` restores the record.
    """
    return _get_converter().unstructure(record)


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Build a record of type ``cls`` from data made by ``to_dict`` (or parsed JSON).

    Raises:
        ValueError: the data does not describe a valid ``cls``; the message names each
            field at fault and the value it holds.
    """
    import cattrs

    try:
        return _get_converter().structure(data, cls)
    except cattrs.BaseValidationError as e:
        details = "; ".join(_field_errors(e, data))
        raise ValueError(f"not a valid {cls.__name__}: {details}") from e
    except (TypeError, ValueError, KeyError) as e:
        raise ValueError(f"not a valid {cls.__name__}: {e}") from e


def _field_errors(error, data) -> list[str]:
    """``field: value (why)`` for every leaf error of a cattrs validation error."""
    import cattrs

    found: list[str] = []

    def walk(exc, path: tuple, value) -> None:
        if isinstance(exc, cattrs.ClassValidationError):
            with_notes, without = exc.group_exceptions()
            for sub, note in with_notes:
                inner = value.get(note.name, "<missing>") if isinstance(value, dict) else "<missing>"
                walk(sub, (*path, note.name), inner)
            for sub in without:
                walk(sub, path, value)
        elif isinstance(exc, cattrs.IterableValidationError):
            with_notes, without = exc.group_exceptions()
            for sub, note in with_notes:
                inner = value[note.index] if isinstance(value, (list, tuple)) and note.index < len(value) else "<missing>"
                walk(sub, (*path, str(note.index)), inner)
            for sub in without:
                walk(sub, path, value)
        elif isinstance(exc, KeyError):
            found.append(f"{'.'.join(path) or 'data'}: missing")
        elif path:
            found.append(f"{'.'.join(path)}: {value!r} ({exc})")
        else:
            found.append(str(exc))  # an attrs validator: names the field and the value

    walk(error, (), data)
    return found or [str(error)]


@attrs.frozen(kw_only=True)
class Problem:
    """A file that was skipped while reading threads, and why."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


STANCE_LABELS = ("for", "against", "conditional", "unclear")
"""The stance labels, in the order summaries and counts list them."""


@attrs.frozen(kw_only=True)
class Stance:
    """What one answer says on one yes/no question or claim, and the sentence that says so."""

    label: str = attrs.field(validator=attrs.validators.in_(STANCE_LABELS))
    """``"for"`` (yes: safe, fine, normal, go ahead), ``"against"`` (no: avoid,
    contraindicated, not normal, see your doctor now), ``"conditional"`` (yes only if a
    condition holds, or the decision is handed to another clinician), or ``"unclear"``
    (no position on this question)."""
    evidence: str | None = attrs.field(default=None, validator=optional(instance_of(str)))
    """The one sentence of the answer body that shows the label, verbatim but for
    collapsed white space; None for ``"unclear"``."""
    target: str = attrs.field(default="", validator=instance_of(str))
    """What the answer was judged on: the treatment or action, e.g. ``"botox"``."""
    condition: str | None = attrs.field(default=None, validator=optional(instance_of(str)))
    """For ``"conditional"``: the clinician whose go-ahead it depends on, when the
    evidence names one (``"neurologist"``); None otherwise."""

    @evidence.validator
    def _evidence_matches_label(self, attribute, value) -> None:
        if (value is None) != (self.label == "unclear"):
            raise ValueError("evidence must be None exactly when the label is 'unclear'")


@attrs.frozen(kw_only=True)
class AnswerStance:
    """One answer's stance on one target, as a thread's consensus lists it."""

    answer_id: str
    """``"<thread_id>#<position>"``."""
    stance: Stance
    specialty: str | None = None
    """The doctor's specialty from the answer's card; None when unsigned or not given."""


@attrs.frozen(kw_only=True)
class Consensus:
    """How a thread's answers split on its question, per target."""

    thread_id: str
    question: str
    """The question or claim the answers were judged on."""
    targets: tuple[str, ...] = attrs.field(converter=tuple)
    """The treatments the question names, in order; the first is the primary one."""
    counts: dict[str, dict[str, int]] = attrs.field(factory=dict)
    """Target -> label -> how many answers take it (every label present, zeros too)."""
    by_specialty: dict[str, dict[str, dict[str, int]]] = attrs.field(factory=dict)
    """Target -> specialty (``"unknown"`` when not given) -> label -> count."""
    stances: tuple[AnswerStance, ...] = attrs.field(default=(), converter=tuple)
    """Each answer's stance, target by target in ``targets`` order, answers in page order."""
    enough: dict[str, bool] = attrs.field(factory=dict)
    """Target -> whether enough answers take a position to show the split."""
    summary: str = ""
    """One line, e.g. ``"Botox: 4 yes, 3 no, 2 only if cleared by a neurologist"``."""
