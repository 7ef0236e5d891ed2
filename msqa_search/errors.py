"""The exceptions msqa_search raises on purpose.

* MsqaError
  x ParseError           (source, line): input that is not a thread at all
  x IndexError_ family:
    x IndexNotFoundError (path): no index at the path
    x IndexSchemaError   (path, found, expected): written by another schema version
    x IndexDamagedError  (path): files missing or unreadable
    x IndexLockedError   (path, timeout): another process is writing
    x IndexWriteError    (path): the index could not be written (disk full, read-only)
    x UnsafeIndexError   (path, file): index files others can write or own
  x QuerySyntaxError     (query, hint)
  x DataFileError        (source, line): a bad line in a data file
    x SynonymFileError   a synonym file (lexicon/synonym_file.py)
    x CueFileError       a stance cue file (stance/cues.py)
  x SearchOptionError    an impossible search option (limit 0, unknown facet...)
    x FilterValueError   (facet, value, nearest): a filter value the index does not hold
  x AnswerNotFoundError  (answer_id)
    x ThreadNotFoundError (thread_id)
  x IndexClosedError     (path): the SearchIndex was closed
  x NothingToIndexError  (path, files, skipped): not a single thread could be read
"""

from __future__ import annotations

import os

__all__ = [
    "FOLDER_HINT",
    "AnswerNotFoundError",
    "CueFileError",
    "DataFileError",
    "FilterValueError",
    "IndexClosedError",
    "IndexDamagedError",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexProblem",
    "IndexSchemaError",
    "IndexWriteError",
    "MsqaError",
    "NothingToIndexError",
    "ParseError",
    "QuerySyntaxError",
    "SearchOptionError",
    "SynonymFileError",
    "ThreadNotFoundError",
    "UnsafeIndexError",
    "build_hint",
    "rebuild_hint",
]


class MsqaError(Exception):
    """Base for everything msqa_search raises on purpose."""


class DataFileError(MsqaError, ValueError):
    """A data file (synonyms, stance cues) that cannot be read or has a bad line."""

    def __init__(self, message: str, *, source: str, line: int | None = None):
        self.message = message
        self.source = source
        self.line = line
        where = source if line is None else f"{source}:{line}"
        super().__init__(f"{where}: {message}")


class SynonymFileError(DataFileError):
    """A synonym file that cannot be read or has a line that is not a group or a rule."""


class CueFileError(DataFileError):
    """A stance cue file with a line that is not ``KIND [TIER]: phrase, ...``."""


class ParseError(MsqaError):
    """The input is not a thread at all: empty, binary, or without a question."""

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None):
        self.message = message
        self.source = source
        self.line = line
        where = source or "<text>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")


class IndexProblem(MsqaError):
    """Base for problems with an index on disk; carries the index path."""

    def __init__(self, message: str, *, path: os.PathLike[str] | str):
        self.path = os.fspath(path)
        super().__init__(message)


def rebuild_hint(path: os.PathLike[str] | str) -> str:
    """The sentence that ends the message of an index that must be rebuilt.

    The command line swaps it for its own command (as it does ``build_hint`` and
    ``FOLDER_HINT``), so these sentences name library calls only.
    """
    return "Rebuild it from the thread files (build_index replaces it)."


def build_hint(path: os.PathLike[str] | str) -> str:
    """The sentence that ends the message of a missing index."""
    return "Build one from thread files with build_index."


#: The sentence that ends the message of an index path that is a file.
FOLDER_HINT = "Give the index a folder of its own."


class IndexNotFoundError(IndexProblem):
    """No index exists at the path (missing, or a folder without an index)."""


class IndexSchemaError(IndexProblem):
    """The index was written by a different schema version."""

    def __init__(self, message: str, *, path, found, expected):
        self.found = found
        self.expected = expected
        super().__init__(message, path=path)


class IndexDamagedError(IndexProblem):
    """The index exists but its files are missing, truncated or garbled."""


class IndexLockedError(IndexProblem):
    """Another process holds the index's write lock longer than we would wait."""

    def __init__(self, message: str, *, path, timeout: float):
        self.timeout = timeout
        super().__init__(message, path=path)


class IndexWriteError(IndexProblem):
    """The index could not be written (disk full, read-only folder, ...)."""


class UnsafeIndexError(IndexProblem):
    """Index files are writable by, or belong to, other users: they could change what
    the index answers. (Opening an index never runs code from it; see engine/safe_pickle.py.)"""

    def __init__(self, message: str, *, path, file: str):
        self.file = file
        super().__init__(message, path=path)


class QuerySyntaxError(MsqaError):
    """A query that cannot be understood, with a hint on how to write it."""

    def __init__(self, message: str, *, query: str, hint: str):
        self.query = query
        self.hint = hint
        super().__init__(f"{message}. {hint}")


class AnswerNotFoundError(MsqaError):
    """No answer with the given id in the index."""

    def __init__(self, answer_id: str):
        self.answer_id = answer_id
        super().__init__(
            f"no answer {answer_id!r} in the index; answer ids look like THREAD_ID#POSITION"
        )


class SearchOptionError(MsqaError, ValueError):
    """A search option with an impossible value (a limit of 0, an unknown facet...)."""


class FilterValueError(SearchOptionError):
    """A filter value (specialty, city, doctor) that no answer in the index has."""

    def __init__(self, facet: str, value: str, nearest: tuple[str, ...]):
        self.facet = facet
        self.value = value
        self.nearest = tuple(nearest)
        near = f"; nearest: {', '.join(self.nearest)}" if self.nearest else ""
        super().__init__(f"no {facet} {value!r} in the index{near}")


class ThreadNotFoundError(AnswerNotFoundError):
    """No thread with the given id in the index. (An AnswerNotFoundError too, as
    ``SearchIndex.thread`` raised that before; ``answer_id`` is None.)"""

    def __init__(self, thread_id: str):
        self.thread_id = thread_id
        self.answer_id = None
        MsqaError.__init__(self, f"no thread {thread_id!r} in the index")


class IndexClosedError(MsqaError):
    """The SearchIndex was closed; open the index again to use it."""

    def __init__(self, path: os.PathLike[str] | str):
        self.path = os.fspath(path)
        super().__init__(f"the index at {self.path} is closed; open it again with open_index()")


class NothingToIndexError(MsqaError):
    """Sources were given to index, but not a single thread could be read from them; the
    index is left as it was."""

    def __init__(self, path: os.PathLike[str] | str, *, files: int | None, skipped: int):
        self.path = os.fspath(path)
        self.files = files
        """Thread files found (None when records were given)."""
        self.skipped = skipped
        if files is None:
            read = " no thread with answers given"
        elif files:
            read = f" {files} file{'s' if files != 1 else ''} found"
        else:
            read = " no thread files (*.txt) found"
        super().__init__(f"no thread could be read:{read}, {skipped} skipped; the index at {self.path} is unchanged")
