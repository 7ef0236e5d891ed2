"""Writing one generation all-or-nothing: under the write lock, into a new folder that is
published when complete, or removed (with the files Whoosh left open) when not."""

from __future__ import annotations

import gc
import shutil
import traceback
import warnings
from pathlib import Path

from .. import store
from ..lock import write_lock

__all__ = ["LOCK_TIMEOUT", "write_generation"]

LOCK_TIMEOUT = 10.0


def write_generation(root: Path, lock_timeout: float, write, *, from_current: bool = False):
    """Under the write lock, let ``write(folder, base)`` fill a new generation folder (a
    copy of the current one when ``from_current``), then publish it. On any failure the
    folder goes and the current generation stays.

    Returns:
        What ``write`` returned.
    """
    with write_lock(root, lock_timeout):
        store.clean(root)
        base = store.require_generation(root) if from_current else None
        tmp, final = _new_generation(root)
        try:
            if base is not None:
                store.link_files(base, tmp)
            result = write(tmp, base)
            store.publish(root, tmp, final)
        except OSError as e:
            _discard(tmp, e)
            raise store.write_error(root, e) from None
        except BaseException as e:
            _discard(tmp, e)
            raise
        store.clean(root)
    return result


def _new_generation(root: Path) -> tuple[Path, Path]:
    try:
        return store.new_generation(root)
    except OSError as e:
        raise store.write_error(root, e) from e


def _discard(folder: Path, error: BaseException) -> None:
    """Remove a failed write's folder, first closing the files Whoosh left open in it.

    A failed Whoosh writer keeps files open in the frames of the error's traceback;
    clearing those frames closes them now rather than with a warning later.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        seen = set()
        while error is not None and id(error) not in seen:  # the error, and what it interrupted
            seen.add(id(error))
            traceback.clear_frames(error.__traceback__)
            error = error.__context__
        gc.collect()
    shutil.rmtree(folder, ignore_errors=True)
