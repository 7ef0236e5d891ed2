"""Search what doctors say in public medical Q&A threads.

Parse thread pages into records, build a Whoosh index of the answers, and search it with
filters, facets, highlights, medical synonyms and typo tolerance.
"""

from __future__ import annotations

from importlib import import_module as _import_module
from typing import TYPE_CHECKING as _TYPE_CHECKING

from .errors import (
    AnswerNotFoundError,
    FilterValueError,
    IndexClosedError,
    IndexDamagedError,
    IndexLockedError,
    IndexNotFoundError,
    IndexProblem,
    IndexSchemaError,
    IndexWriteError,
    MsqaError,
    NothingToIndexError,
    ParseError,
    QuerySyntaxError,
    SearchOptionError,
    ThreadNotFoundError,
    UnsafeIndexError,
)
from .model import Answer, AnswerStance, Consensus, Doctor, Problem, Stance, Thread, from_dict, to_dict
from .results import Facet, FacetValue, Hit, IndexStats, IndexSummary, Results, ThreadAnswer, UpdateSummary

__version__ = "0.1.0"

# The index and search modules import whoosh, which costs about 0.1 s, the stance
# modules load the synonym and cue lexicons, and the parser is not needed to search;
# load them on first use so that parsing alone, or a search alone, stays quick.
_LAZY = {
    "find_thread_files": "parse",
    "format_thread": "parse",
    "parse_thread": "parse",
    "read_thread": "parse",
    "read_threads": "parse",
    "answer_stance": "stance.judge",
    "question_targets": "stance.targets",
    "thread_consensus": "stance.consensus",
    "SearchIndex": "index",
    "build_index": "index",
    "index_threads": "indexing",
    "open_index": "index",
    "sample_paths": "samples",
}

if _TYPE_CHECKING:  # pragma: no cover
    from .parse import find_thread_files, format_thread, parse_thread, read_thread, read_threads
    from .index import SearchIndex, build_index, open_index
    from .indexing import index_threads
    from .samples import sample_paths
    from .stance.consensus import thread_consensus
    from .stance.judge import answer_stance
    from .stance.targets import question_targets


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(_import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Answer",
    "AnswerNotFoundError",
    "AnswerStance",
    "Consensus",
    "Doctor",
    "Facet",
    "FacetValue",
    "FilterValueError",
    "Hit",
    "IndexClosedError",
    "IndexDamagedError",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexProblem",
    "IndexSchemaError",
    "IndexStats",
    "IndexSummary",
    "IndexWriteError",
    "MsqaError",
    "NothingToIndexError",
    "ParseError",
    "Problem",
    "QuerySyntaxError",
    "Results",
    "SearchOptionError",
    "SearchIndex",
    "Stance",
    "Thread",
    "ThreadAnswer",
    "ThreadNotFoundError",
    "UnsafeIndexError",
    "UpdateSummary",
    "answer_stance",
    "build_index",
    "find_thread_files",
    "format_thread",
    "from_dict",
    "index_threads",
    "open_index",
    "parse_thread",
    "question_targets",
    "read_thread",
    "read_threads",
    "sample_paths",
    "thread_consensus",
    "to_dict",
]
