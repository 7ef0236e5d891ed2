"""The search engine layer: the only code that imports Whoosh.

Schema and analyzer, writers (in one process or several), opening and checking a
generation, the typed snapshot of an open one, postings as arrays, phrases matched over
arrays of positions, expert queries and highlighting. Every use of Whoosh's internals is in compat.py.
"""

__all__: list[str] = []
