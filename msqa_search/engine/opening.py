"""Opening a generation of an index safely, and turning damage into IndexDamagedError."""

from __future__ import annotations

import contextlib
import os
import pickle
import stat
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from whoosh.filedb.filestore import FileStorage

from .. import store
from ..errors import IndexDamagedError, IndexSchemaError, MsqaError, UnsafeIndexError, rebuild_hint
from . import check, compat, safe_pickle
from .schema import INDEX_NAME, SCHEMA, SCHEMA_VERSION

__all__ = [
    "ReadStorage",
    "check_segment_files",
    "confirm_damage",
    "damage_guard",
    "damaged",
    "open_current",
    "open_generation",
]


def open_current(root: Path, tries: int = 5):
    """Open the generation CURRENT names; if a writer replaces it meanwhile (and cleans
    the one read away), read CURRENT again.

    Returns:
        ``(generation folder, Whoosh index)``.
    """
    for attempt in range(tries):
        generation = store.require_generation(root)
        try:
            return generation, open_generation(root, generation)
        except IndexDamagedError:
            if attempt == tries - 1 or store.current_generation(root) == generation:
                raise


def open_generation(root: Path, generation: Path):
    """The Whoosh index of one generation, after checking its files and meta file."""
    store.check_generation_files(root, generation)
    _check_safe(root, generation)
    try:
        meta = store.read_meta(generation)
    except FileNotFoundError as e:
        raise IndexDamagedError(
            f"the index at {root} is damaged: {generation.name} is missing or incomplete."
            f" {rebuild_hint(root)}",
            path=root,
        ) from e
    except (OSError, ValueError, RecursionError) as e:
        raise IndexDamagedError(f"the index at {root} is damaged ({e}). {rebuild_hint(root)}", path=root) from e
    found = meta.get("schema") if isinstance(meta, dict) else None
    if found != SCHEMA_VERSION:
        raise IndexSchemaError(
            f"the index at {root} was written with schema version {found}; this version of"
            f" msqa_search reads version {SCHEMA_VERSION}. {rebuild_hint(root)}",
            path=root, found=found, expected=SCHEMA_VERSION,
        )
    check.check_meta(root, generation, meta)
    storage = ReadStorage(str(generation))
    with damage_guard(root), storage.closing_on_failure():
        ix = storage.open_index(indexname=INDEX_NAME, schema=SCHEMA)
        check.check_segments(root, generation, compat.segments(ix), meta)
        return ix


class ReadStorage(FileStorage):
    """Whoosh's folder storage, able to close every file opened while an index or a
    searcher is being opened.

    Whoosh leaves files open when it fails half-way through opening: those of the
    segment reader that tripped over a garbled terms file, and those of the segments
    opened before it, which only Whoosh's half-built list of readers holds. They would
    be closed by the garbage collector, with a ResourceWarning from whatever code runs
    next. (Files of an open index belong to its searcher, which ``close()`` closes.)
    """

    _opening: list | None = None

    def open_file(self, name, **kwargs):
        opened = super().open_file(name, **kwargs)
        if self._opening is not None:
            self._opening.append(opened)
        return opened

    @contextlib.contextmanager
    def closing_on_failure(self) -> Iterator[None]:
        """Close the files opened within the block if it raises, whatever it raises."""
        self._opening = opened = []
        try:
            yield
        except BaseException:
            for file in opened:
                with contextlib.suppress(Exception):
                    file.close()
            raise
        finally:
            self._opening = None


def check_segment_files(root: Path, generation: Path, ix) -> None:
    """A missing segment file is damage; find it before Whoosh opens the others (and
    leaves them open when it trips over the missing one)."""
    for segment in compat.segments(ix):
        name = segment.segment_id()
        if not any((generation / f"{name}.{ext}").exists() for ext in ("pst", "seg")):
            raise damaged(root, FileNotFoundError(f"segment {name} is missing"))


@contextlib.contextmanager
def damage_guard(root: Path) -> Iterator[None]:
    """Turn whatever Whoosh trips over in damaged files into one IndexDamagedError."""
    try:
        yield
    except MsqaError:
        raise
    except Exception as e:
        if not _from_files(e):
            raise  # a bug, not damage: let it show
        raise damaged(root, e) from None


_FILE_ERRORS = (OSError, EOFError, UnicodeDecodeError, zlib.error, pickle.UnpicklingError, struct.error)


#: Unpickles bytes read from index files only, so whatever it raises is damage.
_PICKLE_FILE = safe_pickle.__file__


def _from_files(error: BaseException) -> bool:
    """True when ``error`` comes from reading index files: raised inside Whoosh or our
    unpickler (which raise anything on garbled bytes: ValueError, TypeError,
    AttributeError, OverflowError...), or a read or decoding error anywhere."""
    if isinstance(error, _FILE_ERRORS):
        return True
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return False
    where = tb.tb_frame.f_code.co_filename
    return where.startswith(compat.WHOOSH_DIR) or where == _PICKLE_FILE


def damaged(root: Path, error: BaseException) -> IndexDamagedError:
    """The IndexDamagedError of the index at ``root`` for ``error``."""
    detail = f"{type(error).__name__}: {error}"[:200]
    return IndexDamagedError(f"the index at {root} is damaged ({detail}). {rebuild_hint(root)}", path=root)


@contextlib.contextmanager
def confirm_damage(root: Path, generation: Path) -> Iterator[None]:
    """Let an error that is not the library's own through only when the index's files
    match their checksums: then it is a bug. When they do not, it was damage, reported
    as the one-line IndexDamagedError naming the first damaged file.

    A division by zero or an invalid value in the numbers (a damaged field length, say)
    raises here, as under warnings-as-errors, rather than warning and ranking by NaN.
    """
    try:
        with np.errstate(divide="raise", invalid="raise"):
            yield
    except IndexDamagedError as e:
        # A file's own reader (a vocabulary file, say) names the file, not the index.
        hint = rebuild_hint(root)
        if str(e).endswith(hint):
            raise
        detail = str(e).removesuffix("; rebuild the index")
        raise IndexDamagedError(f"the index at {root} is damaged ({detail}). {hint}", path=root) from None
    except MsqaError:
        raise
    except Exception as e:
        if _from_files(e):
            raise damaged(root, e) from None
        try:
            meta = store.read_meta(generation)
            problems = check.file_problems(generation, meta) if meta.get("files") is not None else []
        except Exception as failure:  # noqa: BLE001 - the meta file itself is damaged
            problems = [f"{store.META} cannot be read ({type(failure).__name__})"]
        if problems:
            raise IndexDamagedError(
                f"the index at {root} is damaged ({problems[0]}). {rebuild_hint(root)}", path=root,
            ) from None
        raise


def _check_safe(root: Path, generation: Path) -> None:
    """Refuse index files that other users can write or own: they could change what the
    index answers (or swap files under a writer). Opening runs no code from the files
    either way (safe_pickle.py); this guards what the index says, not the process."""
    me = os.geteuid() if hasattr(os, "geteuid") else None
    for path in (root, generation, *(generation.iterdir() if generation.is_dir() else ())):
        try:
            info = path.stat()
        except OSError:
            continue
        # The sticky bit lets only owners delete or rename entries of a folder; on a file
        # it means nothing, so a 1666 file is as writable by others as a 0666 one.
        sticky_folder = stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_ISVTX
        writable_by_others = info.st_mode & stat.S_IWOTH and not sticky_folder
        foreign_owner = me is not None and info.st_uid not in (me, 0)
        if writable_by_others or foreign_owner:
            why = "is writable by other users" if writable_by_others else "belongs to another user"
            raise UnsafeIndexError(
                f"refusing to open the index at {root}: {path} {why}, so others could change"
                " what it answers. Rebuild the index yourself from the thread files,"
                f" or fix its permissions (chmod -R o-w {root}) if you trust it.",
                path=root, file=str(path),
            )
