"""The msqa-search command line: click commands, one library call each, and their output.

``main`` is the console script's entry point and ``cli`` the click group.
"""

from . import index_commands, search_commands, show_commands
from .app import cli, main

__all__ = ["cli", "index_commands", "main", "search_commands", "show_commands"]
