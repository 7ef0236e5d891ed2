"""Run the command line with ``python -m msqa_search``."""

from .cli import main

__all__: list[str] = []

main()
