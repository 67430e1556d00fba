"""The options every analysis command shares, declared once: --status, --as-of, --strict, --from/--to.

Each option checks its value when it is read (a bad status or date is a clean error naming the
option); the values reach the library as it expects them (a StatusFilter, a date).
"""

from __future__ import annotations

from typing import Callable

import click

from .common import UserError, echo_note

STATUS_HELP = ("Which ties count: in-place (default: signed, in force, ongoing, held, completed, or no status stated), "
               "all, tentative, or a comma list of statuses (sought,proposed; in-place,sought).")


def _parse_status(ctx, param, value):
    from partnergraph.graph.analysis.filters import BadStatus, parse_status

    try:
        return parse_status(value)
    except BadStatus as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param)


def _parse_day(ctx, param, value):
    if value is None:
        return None
    from partnergraph.graph.model.dates import DateError, as_date

    try:
        return as_date(value)
    except DateError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param)


def _parse_window_end(ctx, param, value):
    """Keep the text (a month or year means its first day for --from, its last for --to), checked now."""
    if value is None:
        return None
    from partnergraph.graph.analysis.timeline import window_bounds
    from partnergraph.graph.model.dates import DateError

    try:
        window_bounds(value, None) if param.name == "start" else window_bounds(None, value)
    except (DateError, ValueError) as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param)
    return value


def status_option(f: Callable) -> Callable:
    return click.option("--status", "status", default="in-place", show_default=True, metavar="in-place|all|LIST",
                        callback=_parse_status, help=STATUS_HELP)(f)


def as_of_option(f: Callable) -> Callable:
    return click.option(
        "--as-of", "as_of", metavar="DATE", default=None, callback=_parse_day,
        help="What was known on DATE (YYYY-MM-DD, YYYY-MM or YYYY): begun by then and not ended, "
             "or not attested yet (see --strict).",
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
    from partnergraph.graph.analysis.timeline import window_bounds

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
    from partnergraph.graph.analysis.filters import counted_line

    if fmt in ("table", "csv"):
        echo_note(counted_line(meta, lang), err=fmt == "csv")
