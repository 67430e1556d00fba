"""The options every analysis command shares, declared once: --status, --as-of, --strict, --from/--to.

Each option checks its value when it is read (a bad status or date is a clean error naming the
option); the values reach the library as it expects them (a StatusFilter, a date).
"""

from __future__ import annotations

from typing import Callable

import click

from .common import UserError, echo_note, emit, emit_json, visible

STATUS_HELP = ("Which ties count: in-place (default: signed, in force, ongoing, held, completed, or no status stated), "
               "all, tentative, or a comma list of statuses (sought,proposed; in-place,sought).")


def _checked(parse: Callable) -> Callable:
    """A click callback that gives ``parse(value, param)``, or None for no value. A bad value (the
    library's errors for them are ValueErrors: BadStatus, DateError) is click's clean error naming the option."""
    def callback(ctx, param, value):
        if value is None:
            return None
        try:
            return parse(value, param)
        except ValueError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param)
    return callback


@_checked
def _parse_status(value: str, param):
    from partnergraph.graph.analysis.filters import parse_status  # lazy: networkx, ~0.6 s at start-up

    return parse_status(value)


@_checked
def _parse_day(value: str, param):
    from partnergraph.graph.model.dates import as_date  # lazy: as above

    return as_date(value)


@_checked
def _parse_window_end(value: str, param) -> str:
    """Keep the text (a month or year means its first day for --from, its last for --to), checked now."""
    from partnergraph.graph.analysis.timeline import window_bounds  # lazy: as above

    window_bounds(value, None) if param.name == "start" else window_bounds(None, value)
    return value


def status_option(f: Callable | None = None, *, also: str = "") -> Callable:
    """``@status_option``, or ``@status_option(also="...")`` to add a sentence of the command's own to the help."""
    def add(g: Callable) -> Callable:
        return click.option("--status", "status", default="in-place", show_default=True, metavar="in-place|all|LIST",
                            callback=_parse_status, help=f"{STATUS_HELP} {also}".strip())(g)
    return add(f) if f is not None else add


def as_of_option(f: Callable) -> Callable:
    return click.option(
        "--as-of", "as_of", metavar="DATE", default=None, callback=_parse_day,
        help="What was known on DATE (YYYY-MM-DD, YYYY-MM or YYYY): begun by then and not ended, "
             "or not attested yet (flagged; where there is --strict, it leaves those out).",
    )(f)


def strict_option(f: Callable) -> Callable:
    return click.option(
        "--strict", is_flag=True,
        help="With --as-of: only facts known by then; leave out those only not attested yet (default: keep and flag them).",
    )(f)


def window_options(f: Callable) -> Callable:
    f = click.option("--to", "end", metavar="DATE", default=None, callback=_parse_window_end,
                     help="Window end: what started, ended or was attested up to DATE (a month or year: its last day).")(f)
    return click.option("--from", "start", metavar="DATE", default=None, callback=_parse_window_end,
                        help="Window start: what started, ended or was attested from DATE (a month or year: its first day).")(f)


def check_window(start, end) -> None:
    """--from after --to is an error, not an empty answer."""
    from partnergraph.graph.analysis.timeline import window_bounds  # lazy: as above

    try:
        window_bounds(start, end)
    except ValueError as exc:
        raise UserError(f"--from/--to: {exc}")


def strict_needs_as_of(strict: bool, as_of) -> None:
    """An option a command cannot honour is an error, never ignored."""
    if strict and as_of is None:
        raise UserError("--strict only applies with --as-of DATE (it leaves out what was not attested by then).")


def echo_counted(meta: dict, fmt: str, lang: str = "en") -> None:
    """Say which ties were counted: a header line for a table, a line on stderr for CSV (JSON carries the field)."""
    from partnergraph.graph.analysis.filters import counted_line  # lazy: as above

    if fmt in ("table", "csv"):
        echo_note(counted_line(meta, lang), err=fmt == "csv")


def emit_counted(result: dict, fmt: str, lang: str, rows: list, columns: list, summary: str = "") -> None:
    """An analysis answer: JSON whole, else what was counted, the ``summary`` line above a table, and the rows."""
    if fmt == "json":
        emit_json(result)
        return
    echo_counted(result["counted"], fmt, lang)
    if fmt == "table" and summary:
        echo_note(visible(summary))  # it names actors: shown safely, wrapped as the lines about a table are
    emit(rows, fmt, columns)
