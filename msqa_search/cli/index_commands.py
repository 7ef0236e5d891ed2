"""The index commands: index (build or update) and remove."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import click

import msqa_search as lib

from ..errors import NothingToIndexError
from ..model import Problem
from ..results import IndexSummary
from ..store import current_generation
from . import output
from .app import CONSOLE, Failure, cli, default_index_path, index_option, open_or_build, sample_files
from .terminal import echo, echo_err

__all__ = ["index_command", "remove"]


@cli.command("index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_option
@click.option("--rebuild", is_flag=True, help="Replace the whole index instead of updating it.")
@click.option("--prune", is_flag=True, help="Also remove threads whose file is gone.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors and skipped files.")
@click.option("-v", "--verbose", is_flag=True, help="Also print each parser warning.")
def index_command(paths, index_path, rebuild, prune, quiet, verbose):
    """Build or update the index from thread files and folders (*.txt, recursively).

    New threads are added, threads whose file changed replace their old copy (by
    file name), and unchanged ones are left as they are. A file that is not a thread
    is reported and skipped; a path that does not exist, or a run in which no thread
    could be read, is an error. The index changes only when the whole run succeeds;
    Ctrl-C leaves it as it was.

    Without PATH, --rebuild on the default index rebuilds it from the samples, and
    --prune only removes the threads whose file is gone.

    \b
    Examples:
      msqa-search index ~/threads --index ~/msqa-index
      msqa-search index --prune ~/threads --index ~/msqa-index
      msqa-search index --rebuild ~/threads --index ~/msqa-index
    """
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose cannot be used together")
    if prune and rebuild:
        raise click.UsageError("--prune and --rebuild cannot be used together (a rebuild keeps only the threads given)")
    target = index_path or default_index_path()
    if not paths and not prune:
        if index_path is not None:
            raise click.UsageError("give thread files or folders to index")
        paths = tuple(sample_files())
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:
        raise Failure(f"no such file or folder: {missing[0]}" + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
    problems: list[Problem] = []
    before = current_generation(target)
    try:
        with _Progress() as progress:
            summary = lib.index_threads(paths, target, rebuild=rebuild, prune=prune,
                                        on_problem=problems.append, on_file=progress.advance)
        if CONSOLE["script"]:
            # The index is written: a Ctrl-C from now on (even while Python shuts down)
            # would only cut the report short, so it is ignored until the process ends.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    except KeyboardInterrupt:
        # Writes are all-or-nothing; say which of the two this one was.
        published = current_generation(target) != before
        click.echo(
            "msqa-search: interrupted after the new index was published; it holds the new content"
            if published else "msqa-search: interrupted; the index is as it was before this command",
            err=True,
        )
        sys.exit(130)
    except NothingToIndexError as e:
        for problem in problems:
            echo_err(f"skipped: {problem}")
        raise Failure(str(e)) from e
    warnings = sum(len(w) for _, w in summary.warnings)
    if verbose:
        for path, found in summary.warnings:
            for warning in found:
                echo_err(f"warning: {path}: {warning}")
    for problem in summary.problems:
        echo_err(f"skipped: {problem}")
    if not quiet:
        echo(_summary_line(summary, warnings, verbose))


class _Progress:
    """A progress bar on stderr when it is a terminal, started at the first file read."""

    def __init__(self) -> None:
        self.bar = None

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc_info) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc_info)

    def advance(self, file: Path, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="Indexing", file=sys.stderr, show_pos=True,
                                         hidden=not sys.stderr.isatty())
            self.bar.__enter__()
        self.bar.update(1)


def _summary_line(summary: IndexSummary, warnings: int, verbose: bool) -> str:
    """``Updated the index at IX: 1 thread added, 1 replaced, 1 unchanged; ...``."""
    p = output.plural
    if summary.built:
        verb = "Built"
        parts = [p(summary.threads_added, "thread") + ", " + p(summary.answers_added, "answer") + " added"]
    else:
        verb = "Updated"
        threads = [f"{summary.threads_added} added", f"{summary.threads_replaced} replaced",
                   f"{summary.threads_unchanged} unchanged"]
        if summary.threads_removed:
            threads.append(f"{summary.threads_removed} removed")
        n = summary.threads_added + summary.threads_replaced + summary.threads_unchanged
        parts = [p(n, "thread") + " read: " + ", ".join(threads),
                 f"answers: {summary.answers_added} added, {summary.answers_replaced} replaced,"
                 f" {summary.answers_removed} removed"]
    see = "" if verbose or not warnings else " (--verbose lists them)"
    skipped = len(summary.problems)
    return (f"{verb} the index at {summary.path}: " + "; ".join(parts)
            + f"; {p(skipped, 'file')} skipped, {p(warnings, 'warning')}{see}.")


@cli.command()
@click.argument("thread_ids", nargs=-1, required=True)
@index_option
def remove(thread_ids, index_path):
    """Remove threads (all their answers) from the index, by thread id.

    An id that is not in the index is an error, and nothing is removed.

    \b
    Example:
      msqa-search remove 000_19f0a23f49198bfd --index ~/msqa-index
    """
    with open_or_build(index_path) as index:
        known = index.sources()
        unknown = [t for t in thread_ids if t not in known]
        if unknown:
            raise Failure(f"no thread {unknown[0]!r} in the index at {index.path}; nothing was removed")
        summary = index.remove(thread_ids)
    echo(f"Removed {output.plural(summary.threads_removed, 'thread')} "
          f"({output.plural(summary.answers_removed, 'answer')}) from the index at {index.path}.")
