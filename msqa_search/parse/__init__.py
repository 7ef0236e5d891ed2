"""Reading thread pages: cards, blocks, answer boundaries, the page parser, files, and
formatting a Thread back into a page."""

from .files import find_thread_files, iter_threads, read_thread, read_threads
from .format import format_thread
from .page import parse_thread

__all__ = ["find_thread_files", "format_thread", "iter_threads", "parse_thread", "read_thread", "read_threads"]
