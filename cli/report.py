"""report: the network report as Markdown, self-contained HTML or JSON."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from .common import UserError, data_option, lang_option, load


@click.command()
@click.option("--format", "-f", "fmt", type=click.Choice(["md", "html", "json"]), default="md", show_default=True,
              help="md (Markdown), html (one self-contained file) or json (the report's data).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file (default: print to standard output).")
@click.option("--figure", "figures", multiple=True, metavar="SLOT=FILE",
              help="Embed an image (PNG/SVG) in a slot: network, centrality, projection, timeline, or any name. Repeatable.")
@click.option("--pictures/--no-pictures", default=True, show_default=True,
              help="Draw the overview, the top actors' ego networks, the timeline and the centrality chart into the "
                   "report (Markdown: PNG files in a folder beside -o; HTML: embedded).")
@data_option
@lang_option
def report(fmt, output, figures, pictures, data, lang):
    """One document to circulate: sources, counts, central actors, instruments, timeline, paths, gaps.

    \b
    Examples:
      partnergraph report -o report.md
      partnergraph report --format html -o report.html
      partnergraph report --format json | jq .actors[0]
    """
    from partnergraph.graph.present.report import build_report

    slots = {}
    for item in figures:
        slot, sep, path = item.partition("=")
        if not sep or not slot or not path:
            raise UserError(f"--figure {item!r}: write SLOT=FILE, e.g. --figure network=network.svg")
        slots[slot] = Path(path)
    G = load(data)
    base = Path(output).resolve().parent if output else None
    if output and not base.is_dir():
        raise UserError(f"-o {output}: the folder {base} does not exist; create it first.")
    with tempfile.TemporaryDirectory(prefix="partnergraph-report-") as scratch:
        if pictures and fmt != "json" and (fmt == "html" or output):
            # Markdown links its pictures, so they live beside the report; HTML embeds them.
            folder = Path(scratch) if fmt == "html" else base / f"{Path(output).stem}_files"
            slots = {**_drawn_figures(G, folder, lang), **slots}
        try:
            text = build_report(G, fmt, slots or None, lang=lang, base=base)
        except FileNotFoundError as exc:
            raise UserError(str(exc))
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    target = Path(output)
    # write beside the target, then rename: never a half-written report
    fd, tmp = tempfile.mkstemp(dir=target.resolve().parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    click.echo(f"Wrote {target} ({fmt}, {len(text.encode('utf-8')):,} bytes).", err=True)


# report_figures' names -> the report's figure slots; ego networks go to the Figures section.
_SLOT_OF = {"overview": "network", "timeline": "timeline", "centrality": "centrality"}


def _drawn_figures(G, folder: Path, lang: str) -> dict[str, Path]:
    from partnergraph.graph.present.draw import report_figures

    click.echo("Drawing the report's pictures…", err=True)
    drawn = report_figures(G, folder, lang=lang)
    return {_SLOT_OF.get(name) or _ego_title(G, name): path for name, path in drawn.items()}


def _ego_title(G, name: str) -> str:
    node = name.removeprefix("ego-")
    return f"Around {G.nodes[node]['name']}" if node in G else name
