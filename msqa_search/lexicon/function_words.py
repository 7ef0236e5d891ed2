"""Words that carry no topic in a question: the shipped list (``data/function_words.txt``).

"how long does swelling last after rhinoplasty" asks about swelling and rhinoplasty; the
planner (query.py) marks "long", "last" and "after" as not topical, so that they weigh
by how rare they are but count neither as words matched nor as highlights.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

__all__ = ["SHIPPED", "function_words", "parse_function_words"]

SHIPPED = "function_words.txt"
"""The shipped file's name under ``msqa_search/data``."""


def parse_function_words(text: str) -> frozenset[str]:
    """The words of a function-word file: one a line, lowercased; '#' starts a comment."""
    words = set()
    for line in text.splitlines():
        word = line.split("#", 1)[0].strip().lower()
        if word:
            words.add(word)
    return frozenset(words)


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """The shipped function words, lowercased as written (not stemmed)."""
    text = resources.files("msqa_search").joinpath("data", SHIPPED).read_text(encoding="utf-8")
    return parse_function_words(text)
