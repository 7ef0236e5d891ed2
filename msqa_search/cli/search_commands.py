"""The search commands: search, similar and values."""

from __future__ import annotations

import io

import click

from ..errors import FilterValueError
from ..model import STANCE_LABELS, to_dict
from . import output, rows
from .app import DEFAULT_FACETS, FACET_NAMES, Failure, cli, color_option, complete_values, index_option, json_option, open_or_build
from .rows import CSV_COLUMNS
from .terminal import color_on, dumps, echo, echo_err, echo_json, unicode_ok, styler, terminal_width

__all__ = ["CSV_COLUMNS", "MODES", "MODE_FLAGS", "search", "similar", "values"]

#: Output modes of search; at most one of them.
MODES = ("as_json", "jsonl", "csv_out", "count", "ids")
MODE_FLAGS = {"as_json": "--json", "jsonl": "--jsonl", "csv_out": "--csv", "count": "--count", "ids": "--ids"}


@cli.command()
@click.argument("query", nargs=-1, required=True)
@index_option
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="Answers per page.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="Page of results, from 1.")
@click.option("--specialty", multiple=True, shell_complete=complete_values("specialty"),
              help="Only answers by this specialty (any case; 'unknown' for none). Repeat for any of several.")
@click.option("--city", multiple=True, shell_complete=complete_values("city"),
              help="Only answers by doctors in this city (any case). Repeat for any of several.")
@click.option("--doctor", multiple=True, shell_complete=complete_values("doctor"),
              help="Only answers by this doctor: the full name or a part of it (a surname). Repeat for any of several.")
@click.option("--min-rating", type=click.FloatRange(0, 5), help="Only doctors rated at least this (0-5).")
@click.option("--min-reviews", type=click.IntRange(0), help="Only doctors with at least this many reviews.")
@click.option("--sort", type=click.Choice(["relevance", "rating", "reviews"]), default="relevance", show_default=True)
@click.option("--match", type=click.Choice(["most", "any", "all"]), default="most", show_default=True,
              help="How many of the topical words (not how, long, after...) an answer must hold:"
                   " any, all, or most (any below three words, then 75% rounded up).")
@click.option("--stance", "stances", multiple=True, type=click.Choice(STANCE_LABELS),
              help="Only answers taking this stance on the thread's question (on some treatment it names)."
                   " Repeat for any of several.")
@click.option("--facet", "facets", multiple=True, type=click.Choice(FACET_NAMES),
              help="Facet to count (repeatable): specialty, city, rating, doctor, stance."
                   " Default: all but stance.")
@click.option("--no-facets", is_flag=True, help="Print no facet counts.")
@click.option("--facet-size", default=10, show_default=True, type=click.IntRange(1, 100000),
              help="Values per facet, most common first.")
@click.option("--facets-table", is_flag=True, help="Facets as tables (value, count, bar) instead of one line each.")
@click.option("--group-by-thread", is_flag=True, help="One hit per thread: its best answer.")
@click.option("--explain", is_flag=True, help="Print how the query would be searched (its plan) instead of searching.")
@click.option("--no-synonyms", is_flag=True, help="Search the words only: no synonyms, no typo tolerance.")
@click.option("--exact-spelling", is_flag=True,
              help="Search the words as typed: no typo variants, no corrected query searched instead.")
@click.option("--no-related", is_flag=True,
              help="Do not fill a short page with related answers (answers that do not match the query but share "
                   "the words of its best matches).")
@click.option("--snippets", default=3, show_default=True, type=click.IntRange(0, 20), help="Snippets per hit (0: none).")
@click.option("--snippet-chars", default=240, show_default=True, type=click.IntRange(40, 5000),
              help="About how long a snippet is, in characters.")
@json_option
@click.option("--jsonl", is_flag=True, help="Print one JSON object per hit, a line each; with --group-by-thread,"
              " each also holds its thread's consensus.")
@click.option("--csv", "csv_out", is_flag=True, help="Print the hits as CSV: one row per hit, doctor fields and stances in columns.")
@click.option("-c", "--count", is_flag=True, help="Print only the number of matching answers.")
@click.option("-l", "--ids", is_flag=True, help="Print only the hits' answer ids, one a line.")
@color_option
def search(query, index_path, limit, page, specialty, city, doctor, min_rating, min_reviews, sort, match, stances, facets,
           no_facets, facet_size, facets_table, group_by_thread, explain, no_synonyms, exact_spelling, no_related, snippets,
           snippet_chars,
           as_json, jsonl,
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
    if explain:
        if chosen_modes:
            raise click.UsageError(f"--explain and {chosen_modes[0]} cannot be used together")
        with open_or_build(index_path) as index:
            click.echo(output.safe(index.explain(text, synonyms=not no_synonyms, match=match,
                                                 exact_spelling=exact_spelling), lines=True))
        return
    quiet_facets = no_facets or jsonl or csv_out or count or ids
    chosen = () if quiet_facets else (facets or DEFAULT_FACETS)
    with open_or_build(index_path) as index:
        try:
            results = index.search(
                text, limit=limit, page=page, specialty=specialty or None, city=city or None,
                doctor=doctor or None, min_rating=min_rating, min_reviews=min_reviews, sort=sort,
                facets=chosen, group_by_thread=group_by_thread, synonyms=not no_synonyms,
                snippets=snippets, snippet_chars=snippet_chars, facet_size=facet_size,
                stance=stances or None, match=match, exact_spelling=exact_spelling, related=not no_related,
            )
        except FilterValueError as e:
            raise Failure(f"{e}. List them with `msqa-search values {e.facet}`.") from e
    if as_json:
        echo_json(to_dict(results))
    elif jsonl:
        for record in rows.jsonl_records(results):
            click.echo(dumps(record, indent=None))
    elif csv_out:
        _echo_csv(results)
    elif count:
        click.echo(str(results.total))
    elif ids:
        for hit in results.hits:
            if not hit.related:  # only the matches, as --count counts them
                echo(hit.answer_id)
    else:
        style = styler(color_on(color))
        if results.searched:
            click.echo(style(output.safe(correction_line(results)), "summary"))
            click.echo()
        elif results.suggestion and results.total:
            click.echo(output.safe(f"Did you mean {results.suggestion!r}?"))
            click.echo()
        if results.total:
            click.echo("\n".join(output.results_lines(results, terminal_width(), style, unicode_ok(), tables=facets_table)))
    if not results.total:
        hint = f" Did you mean {results.suggestion!r}?" if results.suggestion else ""
        echo_err(f"msqa-search: no answers match {text!r}.{hint}")
        click.get_current_context().exit(1)


def correction_line(results) -> str:
    """The notice of a corrected query searched instead of the typed one."""
    if not results.typed_total:
        return f"No answers match {results.query!r}; showing results for {results.searched!r}."
    return (f"Showing results for {results.searched!r}; search instead for {results.query!r}"
            " with --exact-spelling.")


def _echo_csv(results) -> None:
    """The hits as CSV (rows.py), made safe for a terminal."""
    import csv  # only --csv needs it

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows.csv_rows(results))
    click.echo(output.safe(out.getvalue(), lines=True), nl=False)


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
        echo_json(to_dict(results))
    else:
        style = styler(color_on(color))
        if results.total:
            click.echo(output.safe(f"Answers like {answer_id}, from the words: {results.query}"))
            click.echo()
            click.echo("\n".join(output.results_lines(results, terminal_width(), style, unicode_ok())))
    if not results.total:
        echo_err(f"msqa-search: no answers like {answer_id!r}.")
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
        echo_json([to_dict(v) for v in found])
        return
    names = [output.safe(v.value) for v in found]
    widest = max(map(len, names), default=0)
    for name, v in zip(names, found):
        click.echo(f"{name:<{widest}}  {v.count:>5}")
