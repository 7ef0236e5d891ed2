"""The options of one search checked, and gathered into its Filters and Shape.

search.py runs a search with them; nothing here reads an index.
"""

from __future__ import annotations

import attrs

from .errors import SearchOptionError
from .facets import FACET_SIZE, FACETS
from .ranking import SORTS

__all__ = ["Filters", "Shape", "check_options", "filter_values"]


def check_options(limit, page, min_rating, sort, facets, min_reviews=None, snippets=3, snippet_chars=240,
                  facet_size=FACET_SIZE) -> None:
    """Raise SearchOptionError for the first option with an impossible value."""
    def bad(message: str) -> SearchOptionError:
        return SearchOptionError(message)

    if not isinstance(limit, int) or limit < 1:
        raise bad(f"limit must be a whole number of at least 1, not {limit!r}")
    if not isinstance(page, int) or page < 1:
        raise bad(f"page must be a whole number of at least 1, not {page!r}")
    if min_rating is not None and (not isinstance(min_rating, (int, float)) or not 0 <= min_rating <= 5):
        raise bad(f"min_rating must be a number from 0 to 5, not {min_rating!r}")
    if sort not in SORTS:
        raise bad(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    if min_reviews is not None and (not isinstance(min_reviews, int) or isinstance(min_reviews, bool) or min_reviews < 0):
        raise bad(f"min_reviews must be a whole number of at least 0, not {min_reviews!r}")
    if not isinstance(snippets, int) or isinstance(snippets, bool) or snippets < 0:
        raise bad(f"snippets must be a whole number of at least 0, not {snippets!r}")
    if not isinstance(snippet_chars, int) or isinstance(snippet_chars, bool) or snippet_chars < 20:
        raise bad(f"snippet_chars must be a whole number of at least 20, not {snippet_chars!r}")
    if facet_size is not None and (not isinstance(facet_size, int) or isinstance(facet_size, bool) or facet_size < 1):
        raise bad(f"facet_size must be a whole number of at least 1, or None for all values, not {facet_size!r}")
    unknown = [f for f in facets if f not in FACETS]
    if unknown:
        raise bad(f"unknown facet {unknown[0]!r}; facets are {', '.join(FACETS)}")


def filter_values(value) -> tuple[str, ...] | None:
    """A filter's values as a tuple (a single value or several), None for no filter.

    Raises:
        SearchOptionError: a value is not a string.
    """
    if value is None:
        return None
    values = (value,) if isinstance(value, str) else tuple(value)
    for v in values:
        if not isinstance(v, str):
            raise SearchOptionError(f"filter values must be strings, not {v!r}")
    return values or None


@attrs.frozen
class Filters:
    """The filters of one search: facet name -> values (any of them), and minimums."""

    values: dict
    min_rating: float | None = None
    min_reviews: int | None = None
    exclude: tuple[str, ...] = ()
    """Answer ids never to return (the answer a "more like this" search starts from)."""


@attrs.frozen
class Shape:
    """What a search returns besides its matches: page, order, facets, snippets."""

    limit: int
    page: int
    sort: str
    facets: tuple
    group_by_thread: bool
    snippets: int = 3
    snippet_chars: int = 240
    facet_size: int | None = FACET_SIZE
    related: bool = True
    """Fill the page on which a plain query's matches end with related answers."""
