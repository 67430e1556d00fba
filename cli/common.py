"""What every command shares: the --data and --format options, loading, output."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import sys
from typing import Any, Callable, Iterable

import click

from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.model.i18n import catalogue, t
from partnergraph.graph.readwrite.escape import csv_cell, terminal
from partnergraph.graph.readwrite.output import OutputError, open_output, write_output

FORMATS = ("table", "json", "csv")


class UserError(click.ClickException):
    """A mistake in the input: printed as 'Error: ...' with exit status 1, never a traceback.

    The message may quote data (a name, a file name): control characters in it are shown as \\uXXXX."""

    def format_message(self) -> str:
        return terminal(self.message)


SEED_NAME = "seed"  # --data seed / --base seed: the bundled seed (or ./seed when that folder exists here)
DATA_HELP = ("Dataset file or folder (YAML/JSON) to read; repeat to layer several, later ones adding to earlier ones. "
             "'seed' names the bundled seed. Default: the bundled seed alone.")
BASE_HELP = ("A read-only dataset your --data (or validate/merge paths) extends, layered below them, e.g. --base seed. "
             "validate reports its problems too; merge never writes into it.")


@contextlib.contextmanager
def refusals(*sayings: tuple[type[Exception], str]):
    """The library's refusals as one-line errors: ``(exception class, "how to say it with {exc}")``
    pairs, the first that matches; a LookupError (a node not known on the date) is said as it is."""
    try:
        yield
    except tuple(cls for cls, _ in sayings) as exc:
        text = next(text for cls, text in sayings if isinstance(exc, cls))
        raise UserError(text.replace("{exc}", str(exc))) from None  # not format(): the text may hold braces
    except LookupError as exc:
        raise UserError(str(exc)) from None


def _remember_base(ctx: click.Context, _param, value) -> tuple:
    ctx.meta["partnergraph.base"] = tuple(value or ())
    return value


def data_option(f: Callable) -> Callable:
    """--data PATH... and --base PATH..., the same on every command that reads data.

    --base is kept in the click context (not passed to the command), so that every command's
    ``load(data)`` layers the base below the data without taking a new parameter.
    """
    f = click.option(
        "--base", "base", multiple=True, type=click.Path(), envvar="PARTNERGRAPH_BASE", expose_value=False,
        callback=_remember_base, is_eager=True, help=BASE_HELP,
    )(f)
    return click.option(
        "--data", "data", multiple=True, type=click.Path(), envvar="PARTNERGRAPH_DATA", help=DATA_HELP,
    )(f)


def current_base() -> tuple[str, ...]:
    """The --base paths of the running command (empty outside a command or without --base)."""
    ctx = click.get_current_context(silent=True)
    return tuple(ctx.meta.get("partnergraph.base", ())) if ctx else ()


_NOTED: set[str] = set()  # notes already given in this process


def resolve_data_path(path: str) -> str:
    """A --data/--base value as a path: 'seed' is the bundled seed unless a folder ./seed exists here
    (then that folder, said on standard error when it is not the bundled one)."""
    from pathlib import Path

    from partnergraph.graph.model.dataset import seed_path

    if path.rstrip("/") != SEED_NAME:
        return path
    bundled = seed_path()
    local = Path.cwd() / SEED_NAME
    if local.is_dir() and path.endswith("/"):
        return str(local)
    if local.is_dir():
        if local.resolve() != bundled.resolve() and str(local) not in _NOTED:
            _NOTED.add(str(local))
            click.echo(f"Note: 'seed' is the folder {local} here, not the bundled seed ({bundled}); "
                       f"give --data {bundled} for the bundled one.", err=True)
        return str(local)
    return str(bundled)


def data_layers(data: Iterable[str], base: Iterable[str] | None = None) -> list[str]:
    """The dataset paths to load, bottom first: the base, then the data; the bundled seed when both are empty."""
    from pathlib import Path

    from partnergraph.graph.readwrite.dataset_swap import recover

    base = tuple(current_base() if base is None else base)
    layers = [resolve_data_path(p) for p in (*base, *data)]
    for layer in layers:
        if not Path(layer).exists():  # a merge cut short between its two renames: complete it
            done = recover(Path(layer), readers_only=True)
            if done:
                click.echo(f"Note: {done}.", err=True)
    if not layers:  # nothing named: the bundled seed, whatever folders the working directory holds
        from partnergraph.graph.model.dataset import seed_path

        return [str(seed_path())]
    return layers


def format_option(f: Callable) -> Callable:
    f = width_option(raw_csv_option(f))
    return click.option(
        "--format", "-f", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
        help="table for people, json or csv for scripts.",
    )(f)


def raw_csv_option(f: Callable) -> Callable:
    """--raw-csv: CSV cells exactly as the data has them (for programs); recorded in ctx.meta, so the
    command's own parameters do not change. Also PARTNERGRAPH_RAW_CSV=1."""

    def remember(ctx: click.Context, _param, value: bool) -> bool:
        if value:
            ctx.meta["partnergraph.raw_csv"] = True
        return value

    return click.option(
        "--raw-csv", is_flag=True, expose_value=False, callback=remember,
        help="With --format csv: do not neutralise cells that start with = + - @ (spreadsheet formulas); for programs.",
    )(f)


WIDTH_HELP = ("Wrap tables to N columns (display cells). Default: the terminal's width ($COLUMNS first); "
              "into a pipe or file: no wrapping, rows stay whole. 0: never wrap. json and csv never wrap.")


def width_option(f: Callable) -> Callable:
    """--width N: the table width, recorded in ctx.meta like --raw-csv, so commands keep their parameters."""

    def remember(ctx: click.Context, _param, value: int | None) -> int | None:
        if value is not None:
            ctx.meta["partnergraph.width"] = value
        return value

    return click.option("--width", type=click.IntRange(min=0), metavar="N", expose_value=False, callback=remember,
                        help=WIDTH_HELP)(f)


def table_width(out=None) -> int | None:
    """The width tables wrap to: --width, else a terminal's width ($COLUMNS first), else None (no wrapping).

    Output into a pipe or a file is not wrapped, whatever $COLUMNS says (test runners and CI set it),
    so that grep, awk and a saved file see whole rows."""
    ctx = click.get_current_context(silent=True)
    given = ctx.meta.get("partnergraph.width") if ctx else None
    if given is not None:
        return given or None
    if _to_terminal(out or sys.stdout):
        return shutil.get_terminal_size().columns or None
    return None


def raw_csv() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.meta.get("partnergraph.raw_csv")) or os.environ.get("PARTNERGRAPH_RAW_CSV") == "1"


def lang_option(f: Callable) -> Callable:
    return click.option(
        "--lang", type=click.Choice(["en", "vi"]), default="en", show_default=True,
        help="Language of names and labels (English or Vietnamese).",
    )(f)


def load(data: Iterable[str], base: Iterable[str] | None = None):
    """The graph of the given dataset paths layered on --base (or the seed), or a clear error listing every problem."""
    from partnergraph.graph.model.build import load_graph
    from partnergraph.graph.model.dataset import DatasetError

    try:
        with progress_when_long(t("validate_checking", current_lang())) as progress:
            return load_graph(data_layers(data, base), progress=progress)
    except DatasetError as exc:
        lang = current_lang()
        lines = "\n".join(f"  {p.in_lang(lang)}" for p in exc.problems)
        raise UserError(f"{t('load_problems', lang, n=len(exc.problems))}\n{lines}\n{t('load_fix', lang)}")


def resolve(G, name: str) -> str:
    from partnergraph.graph.model.names import NameLookupError, resolve as _resolve

    try:
        return _resolve(G, name)
    except NameLookupError as exc:
        raise UserError(exc.said(current_lang()))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _csv_value(value: Any, raw: bool) -> str:
    """A CSV cell: numbers as they are; text with a leading formula character neutralised unless raw."""
    if raw or isinstance(value, (int, float)):
        return _cell(value)
    return csv_cell(_cell(value))


def _to_terminal(out) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


def visible(text: Any) -> str:
    """Text for the terminal: control characters and bidi overrides shown as \\uXXXX, never sent raw."""
    return terminal(str(text))


def render_rows(rows: list[dict], fmt: str, columns: list[str] | None = None, *, raw: bool = False,
                for_terminal: bool = False, width: int | None = None, lang: str = "en", codes: bool = False) -> str:
    """Rows as table (wrapped to ``width`` display cells; None: unwrapped; headers in ``lang``; ``codes``: kind and
    status cells as written in the data, even in Vietnamese), JSON or CSV text (what :func:`emit` prints).
    JSON keys and CSV headers stay the column names, for programs."""
    columns = columns or (list(rows[0]) if rows else [])
    if fmt == "json":
        text = json.dumps([{c: r.get(c) for c in columns} for r in rows], ensure_ascii=False, indent=2) + "\n"
        return visible(text) if for_terminal else text  # \uXXXX is also valid JSON
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_csv_value(r.get(c), raw) for c in columns] for r in rows)
        return visible(buffer.getvalue()) if for_terminal else buffer.getvalue()
    if not rows:
        return t("no_rows", lang) + "\n"
    from partnergraph.graph.present.table import numeric_columns, text_table  # lazy: tabulate + wcwidth ~45 ms

    values = [[r.get(c) if codes else _in_words(c, r.get(c), lang) for c in columns] for r in rows]
    table = [[visible(_cell(v)) for v in row] for row in values]
    return text_table([visible(header_label(c, lang)) for c in columns], table, width, numeric_columns(values)) + "\n"


def _in_words(column: str, value: Any, lang: str) -> Any:
    """A table cell as the reader reads it: a status or kind code as its label in Vietnamese (CSV and JSON keep the code)."""
    schema = get_schema()
    if lang == "vi" and column == "status" and isinstance(value, str) and value in schema.statuses:
        return schema.statuses[value]["label_vi"]
    if lang == "vi" and column == "kind" and isinstance(value, str) and value in schema.node_kinds:
        return schema.kind_label(value, lang)
    return value


def header_label(column: str, lang: str) -> str:
    """A table header as the reader reads it: the catalogue's col_<name> in Vietnamese, the column name in English."""
    key = f"col_{column}"
    return t(key, lang) if lang == "vi" and key in catalogue() else column


def current_lang() -> str:
    """The running command's --lang (en without one)."""
    ctx = click.get_current_context(silent=True)
    return (ctx.params.get("lang") if ctx else None) or "en"


def emit(rows: list[dict], fmt: str, columns: list[str] | None = None, out=None, codes: bool = False) -> None:
    """Print rows as a table, JSON (a list of objects) or CSV (with a header), through the output helper.

    CSV cells that a spreadsheet would run as formulas (=, +, -, @, tab, CR first) get a ' before them
    unless --raw-csv; on a terminal, control characters are shown, never sent raw."""
    terminal_out = _to_terminal(out or sys.stdout)
    text = render_rows(rows, fmt, columns, raw=raw_csv(), for_terminal=terminal_out or fmt == "table",
                       width=table_width(out), lang=current_lang(), codes=codes)
    if out is not None:
        out.write(text)
        return
    try:
        with open_output("-", text=True, newline="") as handle:
            handle.write(text)
    except OutputError as exc:
        raise UserError(str(exc))


def echo_note(text: str, err: bool = False) -> None:
    """A line of prose beside a table (what was counted, what was left out), wrapped to the table's width."""
    width = table_width(sys.stderr if err else None)
    if width:
        from partnergraph.graph.present.table import wrap_lines  # lazy: wcwidth ~20 ms, only when wrapping

        text = wrap_lines(text, width)
    click.echo(text, err=err)


def say(text: str, bold: str = "") -> None:
    """A line of prose made of data (a profile, a path in words; ``bold`` first): control characters shown,
    wrapped to the terminal's width or --width."""
    echo_note((click.style(visible(bold), bold=True) if bold else "") + visible(text))


def echo(text: Any = "", err: bool = False, nl: bool = True) -> None:
    """click.echo of data: control characters shown visibly (use for anything read from a dataset)."""
    click.echo(visible(text), err=err, nl=nl)


def save(path: str | None, data: bytes | str, what: str = "") -> int:
    """Write an output file (or standard output for None / "-") through the one output helper and,
    for a file, print "Wrote PATH (N bytes)." on stderr once the bytes are on disk. Errors: UserError."""
    try:
        size = write_output(path, data)
    except OutputError as exc:
        raise UserError(str(exc))
    if path not in (None, "-"):
        click.echo(t("saved_file", current_lang(), path=path, what=f" ({what})" if what else "", size=f"{size:,}"), err=True)
    return size


def emit_json(data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    try:
        write_output("-", visible(text) if _to_terminal(sys.stdout) else text)
    except OutputError as exc:
        raise UserError(str(exc))


@contextlib.contextmanager
def progress_when_long(label: str):
    """Yield a ``progress(done, total)`` callback for the library; the bar (on stderr) appears at its
    first call, so quick jobs, for which the library never reports, print nothing."""
    with contextlib.ExitStack() as stack:
        bar, shown = None, 0

        def progress(done: int, total: int) -> None:
            nonlocal bar, shown
            if bar is None:
                bar = stack.enter_context(click.progressbar(length=total, label=label, file=sys.stderr))
            bar.update(done - shown)
            shown = done

        yield progress
