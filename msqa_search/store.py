"""The on-disk layout of an index folder: generations, the CURRENT pointer and the lock.

An index folder holds one or more generations, each a complete Whoosh index in its own
sub-folder (``gen-000001``). ``CURRENT`` names the one in use. Every write (a full
build or an update) makes a new generation beside it, hard-linking the unchanged
segment files, and publishes it by replacing ``CURRENT`` with an atomic rename. A write
killed at any moment therefore leaves ``CURRENT`` pointing at a complete generation,
and readers never see a half-written one. Writers take ``write.lock`` (an OS lock that
dies with its process, so a kill never leaves it stale; see ``lock``).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import stat
from pathlib import Path

from .errors import (
    FOLDER_HINT,
    IndexDamagedError,
    IndexNotFoundError,
    IndexWriteError,
    build_hint,
    rebuild_hint,
)

__all__ = [
    "CURRENT",
    "META",
    "NotRegularFileError",
    "check_generation_files",
    "clean",
    "current_generation",
    "link_files",
    "new_generation",
    "open_regular",
    "publish",
    "read_meta",
    "read_regular",
    "require_generation",
    "write_error",
    "write_file",
    "write_meta",
]

CURRENT = "CURRENT"
META = "msqa-index.json"
_GEN = re.compile(r"gen-(\d{6,})")
_TMP = re.compile(r"gen-\d{6,}\.tmp-.*")

class NotRegularFileError(OSError):
    """A path that should be a plain file is a named pipe, folder, device or link."""


def open_regular(path: Path) -> int:
    """Open ``path`` for reading only if it is a regular file: a named pipe there must
    not make a reader wait for ever, and a link there is not ours.

    Raises:
        NotRegularFileError: it is not a regular file.
        OSError: it cannot be opened (missing, permission, I/O error, a link loop).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        if e.errno == errno.ELOOP:  # O_NOFOLLOW on a link: ELOOP
            raise NotRegularFileError(errno.ELOOP, "is a symbolic link", str(path)) from None
        raise
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise NotRegularFileError(errno.EINVAL, "is not a regular file", str(path))
    return fd


def read_regular(path: Path) -> bytes:
    """The bytes of the regular file ``path`` (see ``open_regular``)."""
    with os.fdopen(open_regular(path), "rb") as f:
        return f.read()


def _read_pointer(root: Path) -> str:
    return read_regular(root / CURRENT)[:4096].decode("utf-8", errors="replace").strip()


def current_generation(root: Path) -> Path | None:
    """The generation folder ``CURRENT`` names, or None when there is no usable pointer
    (missing, unreadable, not a file, garbled). Never raises."""
    try:
        name = _read_pointer(root)
    except OSError:
        return None
    return root / name if _GEN.fullmatch(name) else None


def _why(error: OSError) -> str:
    return error.strerror or type(error).__name__


def require_generation(root: Path) -> Path:
    """The current generation, or IndexNotFoundError saying what is at ``root`` instead.

    Raises:
        IndexNotFoundError: nothing there, a file, or a folder without ``CURRENT``.
        IndexDamagedError: ``CURRENT`` cannot be read, is not a file, or is garbled.
    """
    if not root.exists():
        raise IndexNotFoundError(
            f"no index at {root}. {build_hint(root)}",
            path=root,
        )
    if not root.is_dir():
        raise IndexNotFoundError(
            f"{root} is a file, not an index folder. {FOLDER_HINT}",
            path=root,
        )
    try:
        name = _read_pointer(root)
    except FileNotFoundError:
        raise IndexNotFoundError(f"{root} holds no index. {rebuild_hint(root)}", path=root) from None
    except OSError as e:
        raise IndexDamagedError(
            f"the index at {root} is damaged ({CURRENT} cannot be read: {_why(e)}). {rebuild_hint(root)}",
            path=root,
        ) from None
    if not _GEN.fullmatch(name):
        raise IndexDamagedError(f"the index at {root} is damaged ({CURRENT} is garbled). {rebuild_hint(root)}", path=root)
    return root / name


def check_generation_files(root: Path, generation: Path) -> None:
    """Every entry of a generation folder must be a regular file: Whoosh opens them with
    a plain ``open()``, which waits for ever on a named pipe.

    Raises:
        IndexDamagedError: the folder cannot be listed, or holds something else.
    """
    try:
        entries = list(os.scandir(generation))
        for entry in entries:
            if not entry.is_file(follow_symlinks=False):
                raise IndexDamagedError(
                    f"the index at {root} is damaged ({generation.name}/{entry.name} is not a regular"
                    f" file). {rebuild_hint(root)}",
                    path=root,
                )
    except FileNotFoundError:
        return  # reported by the caller, which finds no meta file
    except OSError as e:
        raise IndexDamagedError(
            f"the index at {root} is damaged ({generation.name} cannot be read: {_why(e)}). {rebuild_hint(root)}",
            path=root,
        ) from None


def write_error(root: Path, error: OSError) -> IndexWriteError:
    """An IndexWriteError that says why the OS refused and that the old index is intact."""
    reason = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exhausted",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
    }.get(error.errno or 0, error.strerror or str(error))
    return IndexWriteError(
        f"cannot write the index at {root}: {reason}. The previous index, if any, is"
        " unchanged; free space or fix permissions, then run the command again.",
        path=root,
    )


def new_generation(root: Path) -> tuple[Path, Path]:
    """A fresh temporary folder for the next generation, and the name it will get."""
    numbers = [int(m[1]) for p in root.iterdir() if (m := _GEN.match(p.name))]
    final = root / f"gen-{max(numbers, default=0) + 1:06d}"
    tmp = root / f"{final.name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    return tmp, final


def link_files(source: Path, target: Path) -> None:
    """Hard-link (or copy, where links are not possible) every file of ``source``."""
    for item in source.iterdir():
        if item.is_file() and not item.name.endswith(".tmp") and item.name != "MAIN_WRITELOCK":
            try:
                os.link(item, target / item.name)
            except OSError:
                shutil.copy2(item, target / item.name)


def publish(root: Path, tmp: Path, final: Path) -> None:
    """Make a finished generation current: rename it, then swap the pointer atomically."""
    os.replace(tmp, final)
    pointer = root / f"{CURRENT}.tmp-{os.getpid()}"
    pointer.write_text(final.name + "\n", encoding="utf-8")
    if (root / CURRENT).is_dir() and not (root / CURRENT).is_symlink():
        # A folder where the pointer belongs cannot be replaced by a rename: set it
        # aside under a temporary name, which clean() removes.
        os.replace(root / CURRENT, root / f"{CURRENT}.tmp-{os.getpid()}-folder")
    os.replace(pointer, root / CURRENT)


def clean(root: Path, keep_previous: bool = True) -> None:
    """Remove stale temporary folders and all but the current (and previous) generation.

    Only called under the write lock, so every temporary folder found is left over from
    a write that was killed. The previous generation is kept so that a reader that
    opened it just before a swap can finish its search.
    """
    current = current_generation(root)
    gens = sorted((p for p in root.iterdir() if _GEN.fullmatch(p.name)), key=lambda p: p.name)
    keep = {current.name} if current else set()
    if current is None and os.path.lexists(root / CURRENT):
        # CURRENT is there but unreadable: which generation it meant is unknown, so all
        # are kept until a write publishes a new pointer (clean runs again then).
        keep = {p.name for p in gens}
    if keep_previous and current is not None:
        older = [p for p in gens if p.name < current.name]
        if older:
            keep.add(older[-1].name)
    for path in root.iterdir():
        stale = (_GEN.fullmatch(path.name) and path.name not in keep) or _TMP.fullmatch(path.name)
        stale = stale or path.name.startswith(f"{CURRENT}.tmp-")
        if stale:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    path.unlink()


def write_file(path: Path, text: str) -> None:
    """Write a new file in place of ``path`` (a new inode: never through a hard link
    that an older generation shares)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_meta(folder: Path, meta: dict) -> None:
    write_file(folder / META, json.dumps(meta, indent=1, sort_keys=True) + "\n")


def read_meta(folder: Path) -> dict:
    return json.loads(read_regular(folder / META).decode("utf-8"))
