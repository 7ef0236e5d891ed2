"""Read thread pages from files and folders."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import attrs

from ..errors import ParseError
from ..model import Problem, Thread
from .page import parse_thread

__all__ = [
    "MAX_FILE_BYTES",
    "decode_page",
    "find_thread_files",
    "iter_threads",
    "read_thread",
    "read_threads",
]

#: Largest file read as a thread page; real pages are a few hundred kB at most.
MAX_FILE_BYTES = 64 * 1024 * 1024


def decode_page(data: bytes) -> tuple[str, str | None]:
    """Decode a page: UTF-8 (BOM or not), else cp1252. Returns the text and a warning."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as e:
        # cp1252 leaves five bytes undefined; 'replace' keeps them visible as U+FFFD.
        text = data.decode("cp1252", errors="replace")
        return text, f"not valid UTF-8 (byte {e.start}); decoded as cp1252"


def read_thread(path: str | os.PathLike[str]) -> Thread:
    """Read and parse one thread page; its id is the file's stem.

    Raises:
        ParseError: the file cannot be read, or is not a thread page.
    """
    path = Path(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ParseError("not a regular file (a pipe, device or socket); skipped", source=str(path))
        size = info.st_size
        if size > MAX_FILE_BYTES:
            raise ParseError(
                f"{size:,} bytes is too large for a thread page (limit {MAX_FILE_BYTES:,})",
                source=str(path),
            )
        data = path.read_bytes()
    except OSError as e:
        raise ParseError(f"cannot read: {e.strerror or e}", source=str(path)) from e
    text, warning = decode_page(data)
    thread = parse_thread(text, thread_id=path.stem, source=str(path))
    if warning:
        thread = _with_warning(thread, warning)
    return thread


def _with_warning(thread: Thread, warning: str) -> Thread:
    return attrs.evolve(thread, warnings=(warning, *thread.warnings))


def find_thread_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    on_problem: Callable[[Problem], None] | None = None,
) -> list[Path]:
    """Expand files and folders (recursively, ``*.txt``) into a stable list of files.

    Files named directly are kept in the order given; each folder's files are sorted.
    A path that does not exist is reported to ``on_problem`` and skipped. Folder links
    are followed once, so a link loop cannot run forever.
    """
    report = on_problem or (lambda problem: None)
    found: list[Path] = []
    seen: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(_walk(path, seen, report))
        elif path.exists():
            key = os.path.realpath(path)
            if key not in seen:
                seen.add(key)
                found.append(path)
        else:
            report(Problem(path=str(path), message="no such file or folder"))
    return found


def _walk(folder: Path, seen: set[str], report: Callable[[Problem], None]) -> list[Path]:
    found: list[Path] = []
    visited: set[str] = set()

    def onerror(error: OSError) -> None:
        report(Problem(path=error.filename or str(folder), message=f"cannot list: {error.strerror}"))

    for root, dirs, files in os.walk(folder, followlinks=True, onerror=onerror):
        real = os.path.realpath(root)
        if real in visited:
            dirs[:] = []
            continue
        visited.add(real)
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(".txt"):
                continue
            file = Path(root, name)
            key = os.path.realpath(file)
            if key not in seen:
                seen.add(key)
                found.append(file)
    return found


def read_threads(
    paths: Iterable[str | os.PathLike[str]],
    *,
    on_problem: Callable[[Problem], None] | None = None,
) -> list[Thread]:
    """Read every thread page under ``paths`` (files, or folders searched for ``*.txt``).

    A file that cannot be read or is not a thread, or whose id (file stem) was already
    read from another file, is skipped and reported to ``on_problem(Problem)``; the
    rest go on.

    Returns:
        The threads, in a stable order: files as given, each folder sorted by path.
    """
    return list(iter_threads(find_thread_files(paths, on_problem=on_problem), on_problem=on_problem))


def iter_threads(
    files: Iterable[Path],
    *,
    on_problem: Callable[[Problem], None] | None = None,
) -> Iterator[Thread]:
    """Read the given thread files one by one, skipping (and reporting) bad ones."""
    report = on_problem or (lambda problem: None)
    ids: dict[str, Path] = {}
    for file in files:
        try:
            thread = read_thread(file)
        except ParseError as e:
            report(Problem(path=str(file), message=e.message if e.line is None else f"line {e.line}: {e.message}"))
            continue
        if thread.id in ids:
            report(Problem(path=str(file), message=f"thread id {thread.id!r} was already read from {ids[thread.id]}; skipped"))
            continue
        ids[thread.id] = file
        yield thread
