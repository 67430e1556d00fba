"""report: the network report as Markdown, self-contained HTML or JSON."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

import click

from .common import UserError, data_option, lang_option, load

# --status/--as-of/--from/--to as every analysis command has them. The analysis branch declares them
# once in cli/options.py (status_option, as_of_option, window_options); at merge, use those instead.
STATUS_HELP = ("Which ties count: in-place (default: signed, in force, ongoing, held, completed, or no status stated), "
               "all, tentative, or a comma list of statuses (sought,proposed; in-place,sought). The gaps section "
               "lists the tentative ties whatever this says.")


def _check_status(ctx, param, value):
    from partnergraph.graph.present.report_scope import BadStatus, parse_status

    try:
        parse_status(value)
    except BadStatus as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param)
    return value


def _check_day(ctx, param, value):
    if value is None:
        return None
    from partnergraph.graph.model.dates import DateError, parse_date

    try:
        parse_date(value).lower
    except (DateError, ValueError) as exc:
        raise click.BadParameter(f"{value!r}: {exc} (write YYYY-MM-DD, YYYY-MM or YYYY)", ctx=ctx, param=param)
    return value


@click.command()
@click.option("--format", "-f", "fmt", type=click.Choice(["md", "html", "json"]), default="md", show_default=True,
              help="md (Markdown), html (one self-contained file) or json (the report's data).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (default: print to standard output). Written whole or not at all; "
                   "a symlink stays a symlink, a device is written to, never replaced.")
@click.option("--status", default="in-place", show_default=True, metavar="in-place|all|LIST", callback=_check_status,
              help=STATUS_HELP)
@click.option("--as-of", "as_of", metavar="DATE", default=None, callback=_check_day,
              help="Read the data as known on DATE (YYYY-MM-DD; a month or year means its last day).")
@click.option("--from", "start", metavar="DATE", default=None, callback=_check_day,
              help="Period start: the key findings list the ties new from DATE, the timeline starts there.")
@click.option("--to", "end", metavar="DATE", default=None, callback=_check_day,
              help="Period end (a month or year means its last day).")
@click.option("--figure", "figures", multiple=True, metavar="SLOT=FILE",
              help="Embed an image (PNG/SVG) in a slot: network, centrality, projection, timeline, or any name. Repeatable.")
@click.option("--pictures/--no-pictures", default=True, show_default=True,
              help="Draw the overview, the top actors' ego networks, the timeline and the ranking chart into the "
                   "report (Markdown: PNG files in a folder beside -o; HTML: embedded).")
@data_option
@lang_option
def report(fmt, output, status, as_of, start, end, figures, pictures, data, lang):
    """One document to circulate: key findings, sources, counts, ranked actors, instruments, timeline, paths, gaps.

    Ties in place count by default (--status); every section says what it counted.

    \b
    Examples:
      partnergraph report -o report.md
      partnergraph report --format html -o report.html
      partnergraph report --from 2023-01-01 --to 2023-12-31 -f html -o 2023.html
      partnergraph report --status all --as-of 2020-01-01 -o 2019.md
      partnergraph report --format json | jq .findings
    """
    from partnergraph.graph.model.dates import parse_date
    from partnergraph.graph.present.report import build_report

    if start and end and parse_date(start).lower > parse_date(end).upper:
        raise UserError(f"--from {start} is after --to {end}: the period would be empty.")
    slots = {}
    for item in figures:
        slot, sep, path = item.partition("=")
        if not sep or not slot or not path:
            raise UserError(f"--figure {item!r}: write SLOT=FILE, e.g. --figure network=network.svg")
        slots[slot] = Path(path)
    target = _output_target(output) if output else None
    G = load(data)
    base = target.parent if target else None
    made_folder = None
    options = dict(lang=lang, status=status, as_of=as_of, start=start, end=end)
    with tempfile.TemporaryDirectory(prefix="partnergraph-report-") as scratch:
        if pictures and fmt != "json" and (fmt == "html" or output):
            if fmt == "md" and not _is_regular_or_new(target):
                click.echo(f"-o {output} is not a regular file: the Markdown report's pictures are left out "
                           "(--format html embeds them).", err=True)
            else:
                # Markdown links its pictures, so they live beside the report; HTML embeds them.
                folder = Path(scratch) if fmt == "html" else base / f"{target.stem}_files"
                made_folder = None if fmt == "html" or folder.exists() else folder
                slots = {**_drawn_figures(G, folder, options), **slots}
        try:
            text = build_report(G, fmt, slots or None, base=base, **options)
        except FileNotFoundError as exc:
            raise UserError(str(exc))
    if target is None:
        _to_stdout(text)
        return
    try:
        size = write_atomically(target, text)
    except OSError as exc:
        if made_folder is not None:
            shutil.rmtree(made_folder, ignore_errors=True)
        raise UserError(f"-o {output}: {_reason(exc, target)}; nothing was written.")
    click.echo(f"Wrote {output} ({fmt}, {size:,} bytes).", err=True)


def _drawn_figures(G, folder: Path, options: dict) -> dict[str, Path]:
    from partnergraph.graph.present.i18n import t
    from partnergraph.graph.present.report_figures import report_figures
    from partnergraph.graph.present.report_scope import counted_line, rank_actors, scope

    click.echo("Drawing the report's pictures…", err=True)
    H, counted = scope(G, options["status"], options["as_of"], lang=options["lang"])
    rows = rank_actors(G, status=options["status"], as_of=options["as_of"], explain=0, lang=options["lang"])
    lang = options["lang"]
    caption = f"{counted_line(counted, lang)} {t('rep_ranking', lang)}: {t('rep_ranking_rule', lang)}."
    return report_figures(H, rows, caption, folder, lang=options["lang"])


# --- writing the report: one atomic write, honest errors ----------------------------------
# The reliability branch adds one output helper for every command (graph/readwrite/output.py);
# at merge, write through it instead. Until then the same rules, for the report only:


def _output_target(output: str) -> Path:
    """Where the bytes go: a symlink's final target (the link stays a link); the folder must exist."""
    path = Path(output)
    real = Path(os.path.realpath(path))
    if real.is_dir():
        raise UserError(f"-o {output}: is a folder; give a file name inside it.")
    if not real.parent.is_dir():
        raise UserError(f"-o {output}: the folder {real.parent} does not exist; create it first.")
    return real


def _is_regular_or_new(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except FileNotFoundError:
        return True


def write_atomically(target: Path, text: str) -> int:
    """Write ``text`` (UTF-8) to ``target``; return the bytes written. Raises OSError, having written nothing.

    A regular file (or a new one) is written beside the target, flushed and fsynced, given the
    target's permissions (a new file: 0666 less the umask) and renamed over it: readers see the old
    report or the new one, never half of one. Anything else that exists — a device, a FIFO — is
    written to directly, never replaced (``-o /dev/null`` stays a device).
    """
    data = text.encode("utf-8")
    try:
        info = target.stat()
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        with open(target, "wb", buffering=0) as fh:
            view = memoryview(data)
            while view:
                view = view[fh.write(view):]
        return len(data)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if info is not None:
            mode = stat.S_IMODE(info.st_mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(data)


def _reason(exc: OSError, target: Path | None) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        if target is None:
            return "no space left on the device"
        return f"no space left on the device holding {target.parent}" if _is_regular_or_new(target) else f"no space left on {target}"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"no permission to write {target}" if target else "no permission to write"
    return exc.strerror or str(exc)


def _to_stdout(text: str) -> None:
    """Print the report; a full disk or a closed pipe behind standard output is an error, not 'ignored'."""
    try:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader went away (| head): exit quietly, and keep Python from complaining at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(0)
    except OSError as exc:
        raise UserError(f"standard output: {_reason(exc, None)}; the report was not written completely.")
