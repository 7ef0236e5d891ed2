"""The search engine layer: the only code that imports Whoosh.

Schema and analyzer, writers (in one process or several), opening and checking a
generation, the typed snapshot of an open one, postings as arrays, phrases matched over
arrays of positions, expert queries and highlighting. Every use of Whoosh's internals is
in compat.py.

Whoosh is imported here first, without two standard-library packages that it imports
and that no search uses: ``urllib.request`` (for a download helper in whoosh.compat;
with http.client, email and ssl) and ``asyncio`` (through the ``cached_property``
package, for one property of a segment reader). Together they cost a search command
about 30 ms of CPU and 5 MB of memory. While Whoosh's modules load, stand-ins take
their place in ``sys.modules`` and are removed right after, so any later import gets
the real module; a module that is already loaded is used as it is.
"""

from __future__ import annotations

import functools
import sys
import types

__all__: list[str] = []


def _urlretrieve(*args, **kwargs):
    """``urllib.request.urlretrieve``, imported when first called (never, by this package)."""
    import urllib.request

    return urllib.request.urlretrieve(*args, **kwargs)


def _import_whoosh() -> None:
    stand_ins = {}
    if "urllib.request" not in sys.modules:
        stand_ins["urllib.request"] = types.ModuleType("urllib.request")
        stand_ins["urllib.request"].urlretrieve = _urlretrieve
    if "cached_property" not in sys.modules:
        # The same semantics for a method computed once per reader (deleted_docs_set).
        stand_ins["cached_property"] = types.ModuleType("cached_property")
        stand_ins["cached_property"].cached_property = functools.cached_property
    sys.modules.update(stand_ins)
    try:
        import whoosh.compat  # noqa: F401
        import whoosh.reading  # noqa: F401
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


_import_whoosh()
