"""The msqa-search command line: argv -> one library call -> text or JSON.

Search is the default command, so ``msqa-search "botox"`` works. Every library error
becomes one line on stderr and exit code 2; no matches exits 1, as grep does.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import click

from . import __version__, present
from .errors import IndexNotFoundError, MsqaError
from .model import Problem, to_dict

FACET_NAMES = ("specialty", "city", "rating", "doctor")
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


class Failure(click.ClickException):
    """A library error, shown as one line; exit code 2 as for any error."""

    exit_code = 2


class MsqaGroup(click.Group):
    """A group whose default command is ``search``, with grep-like exit codes."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["search", *args]
        if args and args[0] == "search" and "--" not in args:
            # A query such as "-botox spasm" is no option: it holds a space.
            queries = [a for a in args[1:] if a.startswith("-") and any(c.isspace() for c in a)]
            if len(queries) == 1:
                args = [a for a in args if a != queries[0]] + ["--", queries[0]]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MsqaError as e:
            raise Failure(str(e)) from e

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.Abort:
            click.echo("msqa-search: interrupted", err=True)
            sys.exit(130)
        except click.ClickException as e:
            e.show()
            sys.exit(2 if isinstance(e, click.UsageError) else e.exit_code)
        sys.exit(code if isinstance(code, int) else 0)


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
    """Colour when asked (--color), else on a terminal unless NO_COLOR is set."""
    color = flag if flag is not None else sys.stdout.isatty() and "NO_COLOR" not in os.environ
    # click.echo strips ANSI codes from output that is not a terminal, unless told.
    click.get_current_context().color = color
    return color


def _styler(color: bool) -> present.Style:
    if not color:
        return present.plain
    return lambda text, role: click.style(text, **ROLES.get(role, {}))


def _width() -> int:
    if sys.stdout.isatty():
        return max(40, min(shutil.get_terminal_size().columns, 120))
    return 100


def _fancy() -> bool:
    return (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "") in ("utf8", "utf_8")


def _echo_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


index_option = click.option(
    "--index", "index_path", type=click.Path(path_type=Path), envvar=INDEX_ENV, show_envvar=True,
    help="Index folder. Default: a per-user index built from the sample threads.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")


@click.group(cls=MsqaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="msqa-search")
def cli() -> None:
    """Search what doctors say in public medical Q&A threads.

    Search is the default command: `msqa-search QUERY` is `msqa-search search QUERY`.

    \b
    Examples:
      msqa-search "botox contraindication"
      msqa-search index ~/threads --index ~/msqa-index
      msqa-search show "000_19f0a23f49198bfd#6"
    """


@cli.command()
@click.argument("query")
@index_option
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="Answers per page.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="Page of results, from 1.")
@click.option("--specialty", help="Only answers by this specialty (any case; 'unknown' for none).")
@click.option("--city", help="Only answers by doctors in this city (any case).")
@click.option("--doctor", help="Only answers by this doctor (full name as shown).")
@click.option("--min-rating", type=click.FloatRange(0, 5), help="Only doctors rated at least this (0-5).")
@click.option("--sort", type=click.Choice(["relevance", "rating", "reviews"]), default="relevance", show_default=True)
@click.option("--facet", "facets", multiple=True, type=click.Choice(FACET_NAMES),
              help="Facet to count (repeatable). Default: all four.")
@click.option("--no-facets", is_flag=True, help="Print no facet counts.")
@click.option("--group-by-thread", is_flag=True, help="One hit per thread: its best answer.")
@click.option("--no-synonyms", is_flag=True, help="Search the words only: no synonyms, no typo tolerance.")
@json_option
@click.option("--color/--no-color", default=None, help="Colour the output. Default: on a terminal, unless NO_COLOR is set.")
def search(query, index_path, limit, page, specialty, city, doctor, min_rating, sort, facets,
           no_facets, group_by_thread, no_synonyms, as_json, color):
    """Search the answers for QUERY and show how the doctors split.

    Type words as you would ask them; answers with more of them rank higher, and
    medical synonyms (MS / multiple sclerosis) and misspellings are found too. Experts
    can use "phrases", field:value (title, body, question, doctor, specialty, city,
    rating, reviews), AND / OR / NOT, +required, -excluded and rating:>=4.5.

    Exit status: 0 when answers match, 1 when none do, 2 on an error.

    \b
    Examples:
      msqa-search "botox contraindication"
      msqa-search "Can MS patients get Botox?" --specialty dermatologist --min-rating 4.5
      msqa-search 'doctor:klein OR "multiple sclerosis"' --sort rating --json
    """
    chosen = () if no_facets else (facets or FACET_NAMES)
    with open_or_build(index_path) as index:
        results = index.search(
            query, limit=limit, page=page, specialty=specialty, city=city, doctor=doctor,
            min_rating=min_rating, sort=sort, facets=chosen, group_by_thread=group_by_thread,
            synonyms=not no_synonyms,
        )
    if as_json:
        data = to_dict(results)
        _echo_json(data)
    else:
        style = _styler(_color(color))
        if results.searched:
            click.echo(style(f"No answers match {results.query!r}; showing results for {results.searched!r}.", "summary"))
            click.echo()
        if results.total:
            click.echo("\n".join(present.results_lines(results, _width(), style, _fancy())))
        if results.suggestion and not results.searched and results.total:
            click.echo(f"\nDid you mean {results.suggestion!r}?")
    if not results.total:
        hint = f" Did you mean {results.suggestion!r}?" if results.suggestion else ""
        click.echo(f"msqa-search: no answers match {query!r}.{hint}", err=True)
        click.get_current_context().exit(1)


@cli.command("index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_option
@click.option("--rebuild", is_flag=True, help="Replace the whole index instead of updating it.")
def index_command(paths, index_path, rebuild):
    """Build or update the index from thread files and folders (*.txt, recursively).

    New threads are added and threads read again replace their old copy (by file
    name). A file that is not a thread is reported and skipped. The index changes
    only when the whole run succeeds; Ctrl-C leaves it as it was.

    Without PATH, --rebuild on the default index rebuilds it from the samples.

    \b
    Examples:
      msqa-search index ~/threads --index ~/msqa-index
      msqa-search index --rebuild ~/threads --index ~/msqa-index
    """
    from .files import find_thread_files
    from .store import current_generation

    target = index_path or default_index_path()
    if not paths:
        if index_path is not None:
            raise click.UsageError("give thread files or folders to index")
        paths = tuple(_sample_files())
    problems: list[Problem] = []
    files = find_thread_files(paths, on_problem=problems.append)
    warned: list[tuple[str, tuple[str, ...]]] = []
    before = current_generation(target)
    try:
        verb, summary = _write_index(files, target, rebuild, problems, warned)
    except KeyboardInterrupt:
        # Writes are all-or-nothing; say which of the two this one was.
        published = current_generation(target) != before
        click.echo(
            "msqa-search: interrupted after the new index was published; it holds the new content"
            if published else "msqa-search: interrupted; the index is as it was before this command",
            err=True,
        )
        sys.exit(130)
    for path, warnings in warned:
        for warning in warnings:
            click.echo(f"warning: {path}: {warning}", err=True)
    for problem in problems:
        click.echo(f"skipped: {problem}", err=True)
    parts = [_count(summary[key], noun) + " " + done for key, noun, done in (
        ("threads_added", "thread", "added"), ("threads_replaced", "thread", "replaced"),
        ("answers_added", "answer", "added"), ("answers_replaced", "answer", "replaced"),
        ("answers_removed", "answer", "removed"),
    ) if key in summary]
    click.echo(f"{verb} the index at {target}: " + ", ".join(parts) + f"; {_count(len(problems), 'file')} skipped.")


def _write_index(files, target: Path, rebuild: bool, problems: list, warned: list) -> tuple[str, dict]:
    """Build or update ``target`` from ``files``, with a progress bar on a terminal."""
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

        if rebuild or not exists:
            build_index(threads(), target).close()
            return "Built", counter
        with open_index(target) as index:
            return "Updated", to_dict(index.update(threads()))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


@cli.command()
@click.argument("answer_id")
@index_option
@json_option
@click.option("--color/--no-color", default=None, help="Colour the output.")
def show(answer_id, index_path, as_json, color):
    """Show one whole answer, its doctor card and the question it answers.

    \b
    Example:
      msqa-search show "000_19f0a23f49198bfd#6"
    """
    with open_or_build(index_path) as index:
        thread, answer = index.answer(answer_id)
    if as_json:
        _echo_json({"answer": to_dict(answer), "thread": to_dict(thread)})
    else:
        click.echo("\n".join(present.answer_lines(thread, answer, _width(), _styler(_color(color)), _fancy())))


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
        click.echo(f"{label:<15} {value}")


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
        for thread in threads:
            click.echo(f"{thread.id}: {thread.title}")
            click.echo(f"  {len(thread.answers)} answers" + (
                f" (the page declares {thread.declared_answers})" if thread.declared_answers is not None else ""))
            for answer in thread.answers:
                click.echo(f"  #{answer.position} {answer.title or '(untitled)'} — {present.doctor_line(answer.doctor, fancy=_fancy())}")
            for warning in thread.warnings:
                click.echo(f"  warning: {warning}")
    for problem in problems:
        click.echo(f"skipped: {problem}", err=True)
    if problems:
        click.get_current_context().exit(2)


def main() -> None:
    """The console script's entry point."""
    cli(prog_name="msqa-search")
