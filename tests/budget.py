"""How many examples property tests draw: an eighth in the quick run (``-m "not slow"``).

The full run (plain ``python -m pytest``, as CI runs it) draws every example; the
quick run, which a developer repeats while working, draws fewer of the same kind.
``conftest.pytest_configure`` sets ``MSQA_TESTS_QUICK`` for the quick run.
"""

from __future__ import annotations

import os


def examples(full: int) -> int:
    """``full`` in the full run, about an eighth of it (at least 10) in the quick run."""
    if os.environ.get("MSQA_TESTS_QUICK") == "1":
        return max(10, full // 8)
    return full
