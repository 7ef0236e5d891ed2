"""The commands that show what an index or a file holds: show, stats, check, parse."""

from __future__ import annotations

from pathlib import Path

import click

import msqa_search as lib

from ..errors import AnswerNotFoundError, IndexDamagedError, ThreadNotFoundError, rebuild_hint
from ..model import Problem, to_dict
from . import output, thread_output
from .app import Failure, cli, color_option, default_index_path, index_option, json_option, open_or_build
from .terminal import color_on, echo, echo_err, echo_json, unicode_ok, styler, terminal_width

__all__ = ["check", "parse", "show", "stats"]


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
            echo_json({"answer": to_dict(answer), "stances": stances, "thread": to_dict(thread)})
        else:
            echo_json({"thread": to_dict(thread), "consensus": to_dict(consensus)})
        return
    style, width, fancy = styler(color_on(color)), terminal_width(), unicode_ok()
    lines = (thread_output.answer_lines(thread, answer, width, style, fancy,
                                 tuple(s.stance for s in consensus.stances if s.answer_id == answer.id)) if answer
             else thread_output.thread_lines(thread, width, style, fancy, consensus))
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
        echo_json(to_dict(info))
        return
    for label, value in (
        ("index", info.path), ("threads", info.threads), ("answers", info.answers),
        ("doctors", info.doctors), ("specialties", info.specialties), ("cities", info.cities),
        ("schema version", info.schema_version), ("generation", info.generation),
        ("segments", info.segments),
    ):
        echo(f"{label:<15} {value}")


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
    with lib.open_index(index_path or default_index_path()) as index:
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
    problems: list[Problem] = []
    threads = lib.read_threads(files, on_problem=problems.append)
    if as_json:
        echo_json([to_dict(t) for t in threads])
    else:
        fancy = unicode_ok()
        dash = " — " if fancy else " - "
        for thread in threads:
            echo(f"{thread.id}: {thread.title}")
            click.echo(f"  {output.plural(len(thread.answers), 'answer')}" + (
                f" (the page declares {thread.declared_answers})" if thread.declared_answers is not None else ""))
            for answer in thread.answers:
                echo(f"  #{answer.position} {answer.title or '(untitled)'}{dash}{output.doctor_line(answer.doctor, fancy=fancy)}")
            for warning in thread.warnings:
                echo(f"  warning: {warning}")
    for problem in problems:
        echo_err(f"skipped: {problem}")
    if problems:
        click.get_current_context().exit(2)
