"""Reading Whoosh's pickled structures so that no index file can run code when opened.

Whoosh pickles its table of contents (the schema and the segment list), the stored
fields of each document, inlined postings, posting blocks and positions. A pickle can
name any importable callable, so a planted index file could run anything the moment
it was read. ``install()`` points every place Whoosh unpickles file data at
``safe_loads``, whose unpickler builds plain data (str, bytes, numbers, tuples, lists,
dicts, sets) and the few Whoosh records a table of contents holds, and refuses every
other global. The schema is never read from the files at all: the index is opened with
the schema in schema.py (``open_index(schema=SCHEMA)``).
"""

from __future__ import annotations

import _compat_pickle
import io
import pickle
from collections import defaultdict

from whoosh.codec.whoosh3 import W3Codec, W3Segment

from . import compat

__all__ = ["ALLOWED", "UnsafePickleError", "install", "installed", "safe_load", "safe_loads"]


class UnsafePickleError(pickle.UnpicklingError):
    """An index file holds a pickle that names something other than plain data."""


def _bytes(*args):
    """``bytes`` as protocol 2 calls it (``bytes()`` for b""), never ``bytes(N)``, which
    would set N zero bytes aside for a damaged or hostile file."""
    if args and not isinstance(args[0], (bytes, bytearray, str)):
        raise UnsafePickleError("refused bytes() of a size in an index file")
    return bytes(*args)


#: The only globals a pickle in an index file may name: what Whoosh itself writes.
ALLOWED = {
    # Protocol 2 writes bytes as _codecs.encode(text, "latin1"). str.encode does the same
    # at C speed and accepts text encodings only (never a bytes-to-bytes codec).
    ("_codecs", "encode"): str.encode,
    ("builtins", "int"): int,
    ("builtins", "float"): float,
    ("builtins", "str"): str,
    ("builtins", "bytes"): _bytes,
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
    ("collections", "defaultdict"): defaultdict,
    ("whoosh.codec.whoosh3", "W3Segment"): W3Segment,
    ("whoosh.codec.whoosh3", "W3Codec"): W3Codec,
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        # Protocol 2 writes Python 2 names (__builtin__.set); map them as pickle does.
        module, name = _compat_pickle.NAME_MAPPING.get((module, name), (module, name))
        module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        try:
            return ALLOWED[(module, name)]
        except KeyError:
            raise UnsafePickleError(f"refused to unpickle {module}.{name}: index files hold plain data only") from None

    def persistent_load(self, pid):
        raise UnsafePickleError("refused a persistent id in an index file")


def safe_loads(data: bytes, **_ignored):
    """``pickle.loads`` that builds plain data only.

    Raises:
        UnsafePickleError: the pickle names a global that is not in ``ALLOWED``.
        pickle.UnpicklingError, EOFError, ValueError...: the bytes are not a pickle.
    """
    # A buffered reader has peek(), which lets the C unpickler read ahead instead of
    # calling read() once per opcode (5 times slower on a bare BytesIO).
    return _load(io.BufferedReader(io.BytesIO(data)))


def safe_load(file, **_ignored):
    """``pickle.load`` from a file, building plain data only (see ``safe_loads``)."""
    return _load(file)


def _load(file):
    try:
        return _Unpickler(file).load()
    except MemoryError:
        # A damaged length field asks for more bytes than any index file holds; the
        # reader tries to set that much memory aside before it finds out.
        raise pickle.UnpicklingError("a pickle in an index file claims an impossible size") from None


def install() -> None:
    """Make every place Whoosh unpickles file data use ``safe_loads``."""
    compat.install_unpicklers(safe_loads, safe_load)


def installed() -> bool:
    """True when Whoosh's unpickling goes through ``safe_loads`` (checked by the tests)."""
    return compat.unpicklers_installed(safe_loads, safe_load)
