"""The index's write lock: an OS lock in a file only its owner can open.

The lock dies with its process, so a kill never leaves it stale. ``flock`` works on any
descriptor, even a read-only one, so the file is created 0600 and refused when it is
not ours (see ``open_lock_file``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import IndexLockedError, IndexWriteError
from .store import write_error

__all__ = ["LOCK", "open_lock_file", "write_lock"]

LOCK = "write.lock"

try:  # POSIX
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

except ImportError:  # pragma: no cover - Windows
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True


@contextlib.contextmanager
def write_lock(root: Path, timeout: float) -> Iterator[None]:
    """Hold the index's write lock, waiting up to ``timeout`` seconds for it.

    Raises:
        IndexLockedError: another process held it for the whole wait.
        IndexWriteError: the lock file cannot be created (read-only folder...).
    """
    fd = open_lock_file(root)
    try:
        deadline = time.monotonic() + timeout
        delay = 0.01
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise IndexLockedError(
                    f"another process is writing the index at {root} and did not finish"
                    f" within {timeout:g} s; try again when it is done",
                    path=root,
                    timeout=timeout,
                )
            time.sleep(delay)
            delay = min(delay * 2, 0.2)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def open_lock_file(root: Path) -> int:
    """Open (creating it if needed) the index's lock file, readable by its owner only.

    ``flock`` works on any descriptor, even a read-only one, so a lock file others can
    open is a lock others can hold for ever. The file is created 0600 (an older 0644 one
    is tightened), opened without following a symbolic link, and refused when it is not
    a regular file or belongs to another user.

    Raises:
        IndexWriteError: the lock file cannot be created or is not one we can trust.
    """
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NONBLOCK", 0)  # a named pipe planted there must not hang us
    path = root / LOCK
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, flags, 0o600)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise _bad_lock(root, path, "is a symbolic link") from e
        if e.errno == errno.EISDIR:
            raise _bad_lock(root, path, "is not a regular file") from e
        raise write_error(root, e) from e
    try:
        info = os.fstat(fd)
        me = os.geteuid() if hasattr(os, "geteuid") else None
        if not stat.S_ISREG(info.st_mode):
            raise _bad_lock(root, path, "is not a regular file")
        if me not in (None, 0) and info.st_uid != me:
            raise _bad_lock(root, path, "belongs to another user")
        if info.st_mode & 0o077 and hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _bad_lock(root: Path, path: Path, why: str) -> IndexWriteError:
    return IndexWriteError(
        f"cannot write the index at {root}: its lock file {path} {why}. The index is"
        " unchanged; remove that file if you did not make it, then run the command again.",
        path=root,
    )
