"""The index commands: index (build or update) and remove."""

from __future__ import annotations

import itertools
import os
import signal
import sys
from pathlib import Path

import click

import msqa_search as lib

from ..errors import IndexNotFoundError
from ..parse.files import find_thread_files, iter_threads
from ..store import current_generation
from ..model import Problem, to_dict
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
    files = find_thread_files(paths, on_problem=problems.append)
    warned: list[tuple[str, tuple[str, ...]]] = []
    before = current_generation(target)
    try:
        verb, summary = _write_index(files, target, rebuild, prune, problems, warned)
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
    warnings = sum(len(w) for _, w in warned)
    if verbose:
        for path, found in warned:
            for warning in found:
                echo_err(f"warning: {path}: {warning}")
    for problem in problems:
        echo_err(f"skipped: {problem}")
    if verb is None:
        read = f" {output.plural(len(files), 'file')} found" if files else " no thread files (*.txt) found"
        raise Failure(f"no thread could be read:{read}, {len(problems)} skipped; the index at {target} is unchanged")
    if not quiet:
        echo(_summary_line(verb, target, summary, len(problems), warnings, verbose))


def _summary_line(verb: str, target: Path, summary: dict, skipped: int, warnings: int, verbose: bool) -> str:
    """``Updated the index at IX: 1 thread added, 1 replaced, 1 unchanged; ...``."""
    p = output.plural
    if verb == "Built":
        parts = [p(summary["threads_added"], "thread") + ", " + p(summary["answers_added"], "answer") + " added"]
    else:
        threads = [f"{summary['threads_added']} added", f"{summary['threads_replaced']} replaced",
                   f"{summary.get('threads_unchanged', 0)} unchanged"]
        if summary.get("threads_removed"):
            threads.append(f"{summary['threads_removed']} removed")
        n = summary["threads_added"] + summary["threads_replaced"] + summary.get("threads_unchanged", 0)
        parts = [p(n, "thread") + " read: " + ", ".join(threads),
                 "answers: " + ", ".join(f"{summary[k]} {k.split('_')[1]}" for k in (
                     "answers_added", "answers_replaced", "answers_removed"))]
    see = "" if verbose or not warnings else " (--verbose lists them)"
    return f"{verb} the index at {target}: " + "; ".join(parts) + f"; {p(skipped, 'file')} skipped, {p(warnings, 'warning')}{see}."


def _write_index(files, target: Path, rebuild: bool, prune: bool, problems: list, warned: list):
    """Build or update ``target`` from ``files``, with a progress bar on a terminal.

    Returns ``(verb, summary)``, or ``(None, {})`` when files were given but no thread
    could be read from them (then nothing is written).
    """
    exists = True
    if not rebuild:
        try:
            lib.open_index(target).close()
        except IndexNotFoundError:
            exists = False
    counter = {"threads_added": 0, "answers_added": 0}
    progress = click.progressbar(
        files, label="Indexing", file=sys.stderr, show_pos=True, hidden=not sys.stderr.isatty()
    )
    with progress as bar:

        def threads():
            for thread in iter_threads(bar, on_problem=problems.append):
                if thread.warnings and thread.answers:
                    warned.append((thread.source or thread.id, thread.warnings))
                if not thread.answers:
                    # Nothing of it can be searched: say so, and count it as skipped (an
                    # update still gets it, to drop the answers an older copy had).
                    problems.append(Problem(path=thread.source or thread.id, message="no answers found; not indexed"))
                else:
                    counter["threads_added"] += 1
                    counter["answers_added"] += len(thread.answers)
                yield thread

        found = threads()
        first = next(found, None)
        if first is None and not (prune and exists and not rebuild):
            return None, {}
        found = itertools.chain([] if first is None else [first], found)
        if rebuild or not exists:
            lib.build_index(found, target).close()
            return "Built", counter
        with lib.open_index(target) as index:
            summary = to_dict(index.update(found))
            if prune:
                gone = [t for t, source in index.sources().items() if source and not os.path.exists(source)]
                if gone:
                    removed = to_dict(index.remove(gone))
                    summary["threads_removed"] = removed["threads_removed"]
                    summary["answers_removed"] += removed["answers_removed"]
            return "Updated", summary


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
