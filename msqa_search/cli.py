"""The msqa-search command line: argv -> one library call -> text or JSON.

Search is the default command, so ``msqa-search botox`` works, and the words after it
are the query, quoted or not. Every library error becomes one line on stderr (a JSON
object with --json) and exit code 2; no matches exits 1, as grep does.
"""

from __future__ import annotations

import csv
import errno
import io
import itertools
import json
import os
import re
import shutil
import signal
import sys
from pathlib import Path

import click

from . import __version__, present
from .errors import (
    AnswerNotFoundError, FilterValueError, IndexDamagedError, IndexNotFoundError, MsqaError,
    ThreadNotFoundError, rebuild_hint,
)
from .model import STANCE_LABELS, Problem, to_dict

FACET_NAMES = ("specialty", "city", "rating", "doctor", "stance")
#: The facets search shows unless --facet names others.
DEFAULT_FACETS = FACET_NAMES[:4]
INDEX_ENV = "MSQA_SEARCH_INDEX"
ROLES = {
    "title": {"bold": True},
    "doctor": {"fg": "cyan"},
    "question": {"dim": True},
    "dim": {"dim": True},
    "match": {"fg": "yellow", "bold": True},
    "heading": {"bold": True, "underline": True},
    "bar": {"fg": "green"},
    "summary": {"bold": True},
}
#: Options every command that has them takes before or after the command's name.
GLOBAL_OPTIONS = {"--index": True, "--json": False, "--color": False, "--no-color": False}
#: Output modes of search; at most one of them.
MODES = ("as_json", "jsonl", "csv_out", "count", "ids")
MODE_FLAGS = {"as_json": "--json", "jsonl": "--jsonl", "csv_out": "--csv", "count": "--count", "ids": "--ids"}


class Failure(click.ClickException):
    """A library error, shown as one line; exit code 2 as for any error."""

    exit_code = 2


class _PipeClosed(Exception):
    """The reader of stdout went away (``| head -1``)."""


class MsqaGroup(click.Group):
    """A group whose default command is ``search``, with grep-like exit codes."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        args = self._globals_after_command(list(args))
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["search", *args]
        if args and args[0] == "search" and "--" not in args:
            # A query such as "-botox spasm" is no option: it holds a space.
            queries = [a for a in args[1:] if a.startswith("-") and any(c.isspace() for c in a)]
            if len(queries) == 1:
                args = [a for a in args if a != queries[0]] + ["--", queries[0]]
        return super().parse_args(ctx, args)

    def _globals_after_command(self, args: list[str]) -> list[str]:
        """``--index IX stats`` -> ``stats --index IX``: options given before a command's
        name go after it, as git and docker take them."""
        takes_value = self._value_options()
        i = 0
        while i < len(args) and args[i].startswith("-") and args[i] != "--":
            name = args[i].split("=", 1)[0]
            i += 2 if takes_value.get(name) and "=" not in args[i] else 1
        if 0 < i < len(args) and args[i] in self.commands:
            return [args[i], *args[:i], *args[i + 1:]]
        return args

    def _value_options(self) -> dict[str, bool]:
        found = dict(GLOBAL_OPTIONS)
        for command in self.commands.values():
            for param in command.params:
                if isinstance(param, click.Option):
                    for opt in (*param.opts, *param.secondary_opts):
                        found[opt] = not (param.is_flag or param.count)
        return found

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MsqaError as e:
            raise Failure(str(e)) from e
        except BrokenPipeError as e:
            raise _PipeClosed() from e

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        args = list(sys.argv[1:] if args is None else args)
        as_json = "--json" in args[: args.index("--")] if "--" in args else "--json" in args
        _forgiving_streams()
        if not _stdout_open():
            _fail("cannot write the output: standard output is closed", as_json)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
            sys.stdout.flush()
        except click.exceptions.Abort:
            _echo_err("msqa-search: interrupted")
            sys.exit(130)
        except click.ClickException as e:
            code = 2 if isinstance(e, click.UsageError) else e.exit_code
            if as_json:
                _json_error(e.format_message(), code, type(e.__cause__ or e).__name__)
            else:
                e.message = present.safe(e.message, lines=True)
                e.show()
            sys.exit(code)
        except (_PipeClosed, BrokenPipeError):
            _pipe_closed()
        except OSError as e:
            if e.errno not in _OUTPUT_ERRORS:
                raise
            _silence_stdout()
            _fail(f"cannot write the output: {e.strerror or e}", as_json)
        sys.exit(code if isinstance(code, int) else 0)


_OUTPUT_ERRORS = {errno.ENOSPC, errno.EIO, errno.EBADF, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _forgiving_streams() -> None:
    """Characters the terminal's encoding lacks become '?', never a traceback."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # pragma: no cover - a detached stream
                pass


def _stdout_open() -> bool:
    if sys.stdout is None:
        return False
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):
        return True  # not a file (CliRunner's buffer): writable
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def _silence_stdout() -> None:
    """Point stdout at the null device, so that the final flush fails no more."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until exit


def _pipe_closed() -> None:
    """End as a Unix tool whose reader has gone: quietly, by SIGPIPE where there is one."""
    _silence_stdout()
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGPIPE)
    sys.exit(141)


def _echo_err(message: str) -> None:
    click.echo(present.safe(message), err=True)


def _fail(message: str, as_json: bool) -> None:
    if as_json:
        _json_error(message, 2, "Failure")
    else:
        _echo_err(f"msqa-search: {message}")
    sys.exit(2)


def _json_error(message: str, code: int, kind: str) -> None:
    click.echo(_dumps({"error": {"type": kind, "message": message, "exit_code": code}}, indent=None), err=True)


def default_index_path() -> Path:
    """The per-user index used when neither --index nor MSQA_SEARCH_INDEX names one."""
    import platformdirs

    return platformdirs.user_data_path("msqa-search", appauthor=False) / "index"


def _sample_files() -> list[Path]:
    from .samples import sample_paths

    return sample_paths()


def open_or_build(index_path: Path | None):
    """Open the named index, or the default one, built from the samples on first use."""
    from . import build_index, open_index, read_threads

    if index_path is not None:
        return open_index(index_path)
    path = default_index_path()
    try:
        return open_index(path)
    except IndexNotFoundError:
        samples = _sample_files()
        click.echo(
            f"msqa-search: no index yet; building one at {path} from the {len(samples)}"
            " sample threads shipped with msqa-search (use --index or"
            f" {INDEX_ENV} to search your own)",
            err=True,
        )
        return build_index(read_threads(samples), path)


def _color(flag: bool | None) -> bool:
    """Colour when asked (--color), else on a terminal unless NO_COLOR is set (and not
    empty, as no-color.org says)."""
    color = flag if flag is not None else sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    # click.echo strips ANSI codes from output that is not a terminal, unless told.
    click.get_current_context().color = color
    return color


def _styler(color: bool) -> present.Style:
    if not color:
        return present.plain
    return lambda text, role: click.style(text, **ROLES.get(role, {}))


def _width() -> int:
    """The terminal's width (40 to 120 columns); 80 when not on a terminal."""
    if sys.stdout.isatty():
        return max(40, min(shutil.get_terminal_size().columns, 120))
    return 80


def _fancy() -> bool:
    """True when stdout takes Unicode; else the output uses ASCII only for its own signs."""
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    return encoding.startswith(("utf", "gb18030"))


# Characters that JSON may hold raw but a terminal would obey: C1 controls, bidi
# controls, line separators, lone surrogates. Escaped, the JSON means the same.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _dumps(data, indent: int | None = 2) -> str:
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def _echo_json(data) -> None:
    click.echo(_dumps(data))


def _echo(text: str = "") -> None:
    """Print a line built from file content (made safe) to stdout."""
    click.echo(present.safe(text))


def _index_value(ctx, param, value):
    if value is None:
        return None
    if not str(value).strip():
        raise click.BadParameter("must name a folder, not be empty")
    return Path(value)


index_option = click.option(
    "--index", "index_path", type=click.Path(), envvar=INDEX_ENV, show_envvar=True, callback=_index_value,
    help="Index folder. Default: a per-user index built from the sample threads.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
color_option = click.option("--color/--no-color", default=None,
                            help="Colour the output. Default: on a terminal, unless NO_COLOR is set.")


def _complete_values(facet: str):
    """Shell completion of a filter's values, read from the index the command line names."""

    def complete(ctx: click.Context, param, incomplete: str):
        from click.shell_completion import CompletionItem

        from . import open_index

        raw = ctx.params.get("index_path") or os.environ.get(INDEX_ENV)
        path = Path(raw) if raw else default_index_path()
        try:
            with open_index(path) as index:
                values = index.values(facet)
        except (MsqaError, OSError):
            return []
        typed = incomplete.casefold()
        return [
            CompletionItem(v.value, help=present.plural(v.count, "answer"))
            for v in values
            if v.value.casefold().startswith(typed)
            or any(w.startswith(typed) for w in v.value.casefold().split())
        ]

    return complete


@click.group(cls=MsqaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="msqa-search")
def cli() -> None:
    """Search what doctors say in public medical Q&A threads.

    Search is the default command: `msqa-search QUERY` is `msqa-search search QUERY`.
    Options such as --index and --json go before or after the command.

    \b
    Examples:
      msqa-search botox contraindication
      msqa-search index ~/threads --index ~/msqa-index
      msqa-search --index ~/msqa-index show "000_19f0a23f49198bfd#6"
    """


@cli.command()
@click.argument("query", nargs=-1, required=True)
@index_option
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="Answers per page.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="Page of results, from 1.")
@click.option("--specialty", multiple=True, shell_complete=_complete_values("specialty"),
              help="Only answers by this specialty (any case; 'unknown' for none). Repeat for any of several.")
@click.option("--city", multiple=True, shell_complete=_complete_values("city"),
              help="Only answers by doctors in this city (any case). Repeat for any of several.")
@click.option("--doctor", multiple=True, shell_complete=_complete_values("doctor"),
              help="Only answers by this doctor: the full name or a part of it (a surname). Repeat for any of several.")
@click.option("--min-rating", type=click.FloatRange(0, 5), help="Only doctors rated at least this (0-5).")
@click.option("--min-reviews", type=click.IntRange(0), help="Only doctors with at least this many reviews.")
@click.option("--sort", type=click.Choice(["relevance", "rating", "reviews"]), default="relevance", show_default=True)
@click.option("--stance", "stances", multiple=True, type=click.Choice(STANCE_LABELS),
              help="Only answers taking this stance on the thread's question (on some treatment it names)."
                   " Repeat for any of several.")
@click.option("--facet", "facets", multiple=True, type=click.Choice(FACET_NAMES),
              help="Facet to count (repeatable): specialty, city, rating, doctor, stance."
                   " Default: all but stance.")
@click.option("--no-facets", is_flag=True, help="Print no facet counts.")
@click.option("--facets-table", is_flag=True, help="Facets as tables (value, count, bar) instead of one line each.")
@click.option("--group-by-thread", is_flag=True, help="One hit per thread: its best answer.")
@click.option("--no-synonyms", is_flag=True, help="Search the words only: no synonyms, no typo tolerance.")
@click.option("--snippets", default=3, show_default=True, type=click.IntRange(0, 20), help="Snippets per hit (0: none).")
@click.option("--snippet-chars", default=240, show_default=True, type=click.IntRange(40, 5000),
              help="About how long a snippet is, in characters.")
@json_option
@click.option("--jsonl", is_flag=True, help="Print one JSON object per hit, a line each.")
@click.option("--csv", "csv_out", is_flag=True, help="Print the hits as CSV: one row per hit, doctor fields in columns.")
@click.option("-c", "--count", is_flag=True, help="Print only the number of matching answers.")
@click.option("-l", "--ids", is_flag=True, help="Print only the hits' answer ids, one a line.")
@color_option
def search(query, index_path, limit, page, specialty, city, doctor, min_rating, min_reviews, sort, stances, facets,
           no_facets, facets_table, group_by_thread, no_synonyms, snippets, snippet_chars, as_json, jsonl,
           csv_out, count, ids, color):
    """Search the answers for QUERY and show how the doctors split.

    Type words as you would ask them, quoted or not; answers with more of them rank
    higher, and medical synonyms (MS / multiple sclerosis) and misspellings are found
    too. Experts can use "phrases", field:value (title, body, question, doctor,
    specialty, city, rating, reviews), AND / OR / NOT, +required, -excluded and
    rating:>=4.5.

    Exit status: 0 when answers match, 1 when none do, 2 on an error.

    \b
    Examples:
      msqa-search can MS patients get botox
      msqa-search "Can MS patients get Botox?" --specialty dermatologist --min-rating 4.5
      msqa-search 'doctor:klein OR "multiple sclerosis"' --sort rating --json
    """
    modes = {"as_json": as_json, "jsonl": jsonl, "csv_out": csv_out, "count": count, "ids": ids}
    chosen_modes = [MODE_FLAGS[m] for m in MODES if modes[m]]
    if len(chosen_modes) > 1:
        raise click.UsageError(f"{' and '.join(chosen_modes)} cannot be used together; choose one")
    if no_facets and facets:
        raise click.UsageError("--facet and --no-facets cannot be used together")
    text = " ".join(query)
    quiet_facets = no_facets or jsonl or csv_out or count or ids
    chosen = () if quiet_facets else (facets or DEFAULT_FACETS)
    with open_or_build(index_path) as index:
        try:
            results = index.search(
                text, limit=limit, page=page, specialty=specialty or None, city=city or None,
                doctor=doctor or None, min_rating=min_rating, min_reviews=min_reviews, sort=sort,
                facets=chosen, group_by_thread=group_by_thread, synonyms=not no_synonyms,
                snippets=snippets, snippet_chars=snippet_chars, stance=stances or None,
            )
        except FilterValueError as e:
            raise Failure(f"{e}. List them with `msqa-search values {e.facet}`.") from e
    if as_json:
        _echo_json(to_dict(results))
    elif jsonl:
        for hit in results.hits:
            click.echo(_dumps(to_dict(hit), indent=None))
    elif csv_out:
        _echo_csv(results)
    elif count:
        click.echo(str(results.total))
    elif ids:
        for hit in results.hits:
            _echo(hit.answer_id)
    else:
        style = _styler(_color(color))
        if results.searched:
            click.echo(style(present.safe(f"No answers match {results.query!r}; showing results for {results.searched!r}."), "summary"))
            click.echo()
        elif results.suggestion and results.total:
            click.echo(present.safe(f"Did you mean {results.suggestion!r}?"))
            click.echo()
        if results.total:
            click.echo("\n".join(present.results_lines(results, _width(), style, _fancy(), tables=facets_table)))
    if not results.total:
        hint = f" Did you mean {results.suggestion!r}?" if results.suggestion else ""
        _echo_err(f"msqa-search: no answers match {text!r}.{hint}")
        click.get_current_context().exit(1)


CSV_COLUMNS = ("rank", "answer_id", "thread_id", "position", "title", "doctor_name", "credentials", "specialty",
               "city", "rating", "reviews", "badges", "score", "thread_title", "snippet")


def _echo_csv(results) -> None:
    """One row per hit; several credentials or badges are joined with '; '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    first = (results.page - 1) * results.limit + 1
    for rank, hit in enumerate(results.hits, start=first):
        d = hit.doctor
        snippet = " ... ".join(" ".join("".join(t for t, _ in f).split()) for f in hit.highlights)
        writer.writerow([
            rank, hit.answer_id, hit.thread_id, hit.position, hit.title,
            d.name if d and d.name else "", "; ".join(d.credentials) if d else "",
            d.specialty if d and d.specialty else "", d.city if d and d.city else "",
            "" if d is None or d.rating is None else d.rating, "" if d is None or d.reviews is None else d.reviews,
            "; ".join(d.badges) if d else "", hit.score, hit.thread_title, snippet,
        ])
    click.echo(present.safe(out.getvalue(), lines=True), nl=False)


@cli.command()
@click.argument("answer_id")
@index_option
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="How many answers.")
@json_option
@color_option
def similar(answer_id, index_path, limit, as_json, color):
    """Show answers like ANSWER_ID ("more like this"), from its most telling words.

    \b
    Example:
      msqa-search similar "000_19f0a23f49198bfd#6" --limit 3
    """
    with open_or_build(index_path) as index:
        results = index.similar(answer_id, limit=limit)
    if as_json:
        _echo_json(to_dict(results))
    else:
        style = _styler(_color(color))
        if results.total:
            click.echo(present.safe(f"Answers like {answer_id}, from the words: {results.query}"))
            click.echo()
            click.echo("\n".join(present.results_lines(results, _width(), style, _fancy())))
    if not results.total:
        _echo_err(f"msqa-search: no answers like {answer_id!r}.")
        click.get_current_context().exit(1)


@cli.command()
@click.argument("facet", type=click.Choice(FACET_NAMES))
@index_option
@json_option
def values(facet, index_path, as_json):
    """List the values of FACET (specialty, city, rating, doctor, stance) with how many
    answers have each, most common first: what --specialty, --city, --doctor and
    --stance take.

    \b
    Example:
      msqa-search values specialty
    """
    with open_or_build(index_path) as index:
        found = index.values(facet)
    if as_json:
        _echo_json([to_dict(v) for v in found])
        return
    names = [present.safe(v.value) for v in found]
    widest = max(map(len, names), default=0)
    for name, v in zip(names, found):
        click.echo(f"{name:<{widest}}  {v.count:>5}")


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
    from .files import find_thread_files
    from .store import current_generation

    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose cannot be used together")
    if prune and rebuild:
        raise click.UsageError("--prune and --rebuild cannot be used together (a rebuild keeps only the threads given)")
    target = index_path or default_index_path()
    if not paths and not prune:
        if index_path is not None:
            raise click.UsageError("give thread files or folders to index")
        paths = tuple(_sample_files())
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:
        raise Failure(f"no such file or folder: {missing[0]}" + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
    problems: list[Problem] = []
    files = find_thread_files(paths, on_problem=problems.append)
    warned: list[tuple[str, tuple[str, ...]]] = []
    before = current_generation(target)
    try:
        verb, summary = _write_index(files, target, rebuild, prune, problems, warned)
        if _CONSOLE["script"]:
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
                _echo_err(f"warning: {path}: {warning}")
    for problem in problems:
        _echo_err(f"skipped: {problem}")
    if verb is None:
        read = f" {present.plural(len(files), 'file')} found" if files else " no thread files (*.txt) found"
        raise Failure(f"no thread could be read:{read}, {len(problems)} skipped; the index at {target} is unchanged")
    if not quiet:
        _echo(_summary_line(verb, target, summary, len(problems), warnings, verbose))


def _summary_line(verb: str, target: Path, summary: dict, skipped: int, warnings: int, verbose: bool) -> str:
    """``Updated the index at IX: 1 thread added, 1 replaced, 1 unchanged; ...``."""
    p = present.plural
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
    from . import build_index, open_index
    from .files import iter_threads

    exists = True
    if not rebuild:
        try:
            open_index(target).close()
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
            build_index(found, target).close()
            return "Built", counter
        with open_index(target) as index:
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
    _echo(f"Removed {present.plural(summary.threads_removed, 'thread')} "
          f"({present.plural(summary.answers_removed, 'answer')}) from the index at {index.path}.")


@cli.command()
@click.argument("answer_id")
@index_option
@json_option
@color_option
def show(answer_id, index_path, as_json, color):
    """Show one whole answer (ANSWER_ID), its doctor card and the question it answers;
    or, given a THREAD_ID, the whole thread: first how its answers split on its
    question, then each answer with its stance and the sentence that shows it.

    \b
    Examples:
      msqa-search show "000_19f0a23f49198bfd#6"
      msqa-search show 000_19f0a23f49198bfd
    """
    with open_or_build(index_path) as index:
        try:
            found = index.answer(answer_id)
            thread, answer = found.thread, found.answer
        except AnswerNotFoundError as e:
            try:
                thread, answer = index.thread(answer_id), None
            except ThreadNotFoundError:
                raise Failure(f"{e}, and no thread has that id") from e
        consensus = index.consensus(thread.id)
    if as_json:
        if answer:
            stances = [to_dict(s.stance) for s in consensus.stances if s.answer_id == answer.id]
            _echo_json({"answer": to_dict(answer), "stances": stances, "thread": to_dict(thread)})
        else:
            _echo_json({"thread": to_dict(thread), "consensus": to_dict(consensus)})
        return
    style, width, fancy = _styler(_color(color)), _width(), _fancy()
    lines = (present.answer_lines(thread, answer, width, style, fancy,
                                  tuple(s.stance for s in consensus.stances if s.answer_id == answer.id)) if answer
             else present.thread_lines(thread, width, style, fancy, consensus))
    click.echo("\n".join(lines))


@cli.command()
@index_option
@json_option
def stats(index_path, as_json):
    """Show what the index holds: threads, answers, doctors, specialties, cities.

    \b
    Example:
      msqa-search stats --json
    """
    with open_or_build(index_path) as index:
        info = index.stats()
    if as_json:
        _echo_json(to_dict(info))
        return
    for label, value in (
        ("index", info.path), ("threads", info.threads), ("answers", info.answers),
        ("doctors", info.doctors), ("specialties", info.specialties), ("cities", info.cities),
        ("schema version", info.schema_version), ("generation", info.generation),
        ("segments", info.segments),
    ):
        _echo(f"{label:<15} {value}")


@cli.command()
@index_option
def check(index_path):
    """Verify every file of the index: checksums, structure, every document.

    Prints "ok" when the index is sound; otherwise each problem found, one a
    line, and exits with status 2 and the command that rebuilds it.

    \b
    Example:
      msqa-search check --index ~/msqa-index
    """
    from . import open_index

    with open_index(index_path or default_index_path()) as index:
        problems = index.check()
    if not problems:
        click.echo("ok")
        return
    for problem in problems:
        click.echo(problem)
    raise IndexDamagedError(
        f"the index at {index.path} is damaged ({len(problems)} problem{'s' if len(problems) != 1 else ''}"
        f" found). {rebuild_hint(index.path)}",
        path=index.path,
    )


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@json_option
def parse(files, as_json):
    """Parse thread files without indexing them, for a look or for other tools.

    With --json, prints a JSON list of threads (see docs/format.md). Files that are
    not threads are reported on stderr, and the exit status is then 2.

    \b
    Examples:
      msqa-search parse seeds/000_19f0a23f49198bfd.txt
      msqa-search parse seeds/ --json
    """
    from . import read_threads

    problems: list[Problem] = []
    threads = read_threads(files, on_problem=problems.append)
    if as_json:
        _echo_json([to_dict(t) for t in threads])
    else:
        fancy = _fancy()
        dash = " — " if fancy else " - "
        for thread in threads:
            _echo(f"{thread.id}: {thread.title}")
            click.echo(f"  {present.plural(len(thread.answers), 'answer')}" + (
                f" (the page declares {thread.declared_answers})" if thread.declared_answers is not None else ""))
            for answer in thread.answers:
                _echo(f"  #{answer.position} {answer.title or '(untitled)'}{dash}{present.doctor_line(answer.doctor, fancy=fancy)}")
            for warning in thread.warnings:
                _echo(f"  warning: {warning}")
    for problem in problems:
        _echo_err(f"skipped: {problem}")
    if problems:
        click.get_current_context().exit(2)


#: Set when running as the console script, which may change process-wide settings.
_CONSOLE = {"script": False}


def main() -> None:
    """The console script's entry point."""
    _CONSOLE["script"] = True
    cli(prog_name="msqa-search")
