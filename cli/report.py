"""report: the network report as Markdown, self-contained HTML or JSON."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

import click

from partnergraph.graph.model.i18n import t

from .common import UserError, data_option, lang_option, load, save
from .options import as_of_option, check_window, status_option, window_options

GAPS_NOTE = "The gaps section lists the tentative ties whatever this says."


@click.command()
@click.option("--format", "-f", "fmt", type=click.Choice(["md", "html", "json"]), default="md", show_default=True,
              help="md (Markdown), html (one self-contained file) or json (the report's data).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (default: print to standard output). Written whole or not at all; "
                   "a symlink stays a symlink, a device is written to, never replaced.")
@status_option(also=GAPS_NOTE)
@as_of_option
@window_options
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
    from partnergraph.graph.present.report import build_report

    check_window(start, end)
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
                click.echo(t("report_not_regular", lang, output=output), err=True)
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
        save(None, text if text.endswith("\n") else text + "\n")
        return
    try:
        save(output, text, fmt)
    except UserError:
        if made_folder is not None:  # the pictures of a report that was not written
            shutil.rmtree(made_folder, ignore_errors=True)
        raise


def _drawn_figures(G, folder: Path, options: dict) -> dict[str, Path]:
    from partnergraph.graph.present.report_figures import report_figures
    from partnergraph.graph.present.report_scope import counted_line, rank_actors, scope

    click.echo(t("report_drawing", options["lang"]), err=True)
    H, counted = scope(G, options["status"], options["as_of"], lang=options["lang"])
    rows = rank_actors(G, status=options["status"], as_of=options["as_of"], explain=0, lang=options["lang"])
    lang = options["lang"]
    caption = f"{counted_line(counted, lang)} {t('rep_ranking', lang)}: {t('rep_ranking_rule', lang)}."
    return report_figures(H, rows, caption, folder, lang=options["lang"])


# --- where the report goes ----------------------------------------------------------------


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
