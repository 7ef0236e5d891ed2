"""The msqa-search command group: argv -> one library call -> text or JSON.

Search is the default command, so ``msqa-search botox`` works, and the words after it
are the query, quoted or not. Every library error becomes one line on stderr (a JSON
object with --json) and exit code 2; no matches exits 1, as grep does.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
import platformdirs

import msqa_search as lib

from .. import __version__
from ..errors import FOLDER_HINT, IndexNotFoundError, IndexProblem, MsqaError, build_hint, rebuild_hint
from . import output
from .terminal import OUTPUT_ERRORS, echo_err, fail, forgiving_streams, json_error, pipe_closed, silence_stdout, stdout_open

__all__ = [
    "CONSOLE",
    "DEFAULT_FACETS",
    "FACET_NAMES",
    "INDEX_ENV",
    "Failure",
    "MsqaGroup",
    "cli",
    "cli_message",
    "color_option",
    "complete_values",
    "default_index_path",
    "index_option",
    "json_option",
    "main",
    "open_or_build",
    "sample_files",
]

FACET_NAMES = ("specialty", "city", "rating", "doctor", "stance")
#: The facets search shows unless --facet names others.
DEFAULT_FACETS = FACET_NAMES[:4]
INDEX_ENV = "MSQA_SEARCH_INDEX"
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


def _exclusion_hint(args: list[str], option: str) -> str:
    """A hint when an unknown option is a word to leave out (``droop -botox``)."""
    word = next(
        (a for a in args if a.startswith(option) and not a.startswith("--") and a[1:].isalpha() and len(a) > 2),
        None,
    )
    if word is None:
        return ""
    return (
        f"\n{word!r} is not an option. To leave out answers with {word[1:]!r}, quote the whole"
        f' query ("... {word}") or put -- before it (... -- {word}).'
    )


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
            raise Failure(cli_message(e)) from e
        except BrokenPipeError as e:
            raise _PipeClosed() from e

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        args = list(sys.argv[1:] if args is None else args)
        as_json = "--json" in args[: args.index("--")] if "--" in args else "--json" in args
        forgiving_streams()
        if not stdout_open():
            fail("cannot write the output: standard output is closed", as_json)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
            sys.stdout.flush()
        except click.exceptions.Abort:
            echo_err("msqa-search: interrupted")
            sys.exit(130)
        except click.ClickException as e:
            code = 2 if isinstance(e, click.UsageError) else e.exit_code
            if isinstance(e, click.NoSuchOption):
                e.message += _exclusion_hint(args, e.option_name)
            if as_json:
                json_error(e.format_message(), code, type(e.__cause__ or e).__name__)
            else:
                e.message = output.safe(e.message, lines=True)
                e.show()
            sys.exit(code)
        except (_PipeClosed, BrokenPipeError):
            pipe_closed()
        except OSError as e:
            if e.errno not in OUTPUT_ERRORS:
                raise
            silence_stdout()
            fail(f"cannot write the output: {e.strerror or e}", as_json)
        sys.exit(code if isinstance(code, int) else 0)


def cli_message(error: MsqaError) -> str:
    """The library's message, with the library call it suggests swapped for the command
    that does the same."""
    text = str(error)
    if isinstance(error, IndexProblem):
        path = error.path
        for library, command in (
            (rebuild_hint(path), f"Rebuild it with `msqa-search index --rebuild --index {path} THREADS...`."),
            (build_hint(path), f"Build one with `msqa-search index --index {path} THREADS...`."),
            (FOLDER_HINT, "Give the index a folder of its own (msqa-search index --index NEW_FOLDER THREADS...)."),
        ):
            if text.endswith(library):
                return text[: len(text) - len(library)] + command
    return text


def default_index_path() -> Path:
    """The per-user index used when neither --index nor MSQA_SEARCH_INDEX names one."""
    return platformdirs.user_data_path("msqa-search", appauthor=False) / "index"


def sample_files() -> list[Path]:
    return lib.sample_paths()


def open_or_build(index_path: Path | None):
    """Open the named index, or the default one, built from the samples on first use."""
    if index_path is not None:
        return lib.open_index(index_path)
    path = default_index_path()
    try:
        return lib.open_index(path)
    except IndexNotFoundError:
        samples = sample_files()
        click.echo(
            f"msqa-search: no index yet; building one at {path} from the {len(samples)}"
            " sample threads shipped with msqa-search (use --index or"
            f" {INDEX_ENV} to search your own)",
            err=True,
        )
        return lib.build_index(lib.read_threads(samples), path)


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


def complete_values(facet: str):
    """Shell completion of a filter's values, read from the index the command line names."""

    def complete(ctx: click.Context, param, incomplete: str):
        raw = ctx.params.get("index_path") or os.environ.get(INDEX_ENV)
        path = Path(raw) if raw else default_index_path()
        try:
            with lib.open_index(path) as index:
                values = index.values(facet)
        except (MsqaError, OSError):
            return []
        # Imported here: only shell completion needs it, not every command's start-up.
        from click.shell_completion import CompletionItem

        typed = incomplete.casefold()
        return [
            CompletionItem(v.value, help=output.plural(v.count, "answer"))
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


#: Set when running as the console script, which may change process-wide settings.
CONSOLE = {"script": False}


def main() -> None:
    """The console script's entry point."""
    # No command does linear algebra: one BLAS thread spares every command OpenBLAS
    # starting a thread per core when numpy loads (a tenth of numpy's import).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    CONSOLE["script"] = True
    cli(prog_name="msqa-search")
