"""Work counted, not timed: how many Python lines and calls a function runs.

A growth test compares the work of an input with that of one several times larger. CPU
seconds on a shared machine move with its load; the number of lines the interpreter
runs for the same input does not, so the ratio is the same on every run. Calls into C
(``re``, ``str.split``) count once each: a pattern that backtracked over its input
would not show here, which the memory half of each growth test and the fuzz tests'
deadlines cover.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable


def work(function: Callable[[], object]) -> int:
    """The number of Python lines run and C functions called by ``function()``."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame, event, arg):
        nonlocal count
        if event == "c_call":
            count += 1

    old_trace, old_profile = sys.gettrace(), sys.getprofile()
    sys.settrace(lambda frame, event, arg: local)
    sys.setprofile(calls)
    try:
        function()
    finally:
        sys.settrace(old_trace)
        sys.setprofile(old_profile)
        threading.settrace(old_trace)  # type: ignore[arg-type]
    return count
