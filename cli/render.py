"""render: pictures of the graph (PNG, SVG, PDF) and the interactive HTML view."""

from __future__ import annotations

from pathlib import Path

import click

from partnergraph.graph.model.i18n import t
from partnergraph.graph.present.options import GROUP_BY, HTML_VIEWS, LAYOUTS, SIZE_MEASURES, VIEWS

from .common import UserError, data_option, lang_option, load, resolve


def _view(view: str | None, ego: str | None, path: tuple | None, timeline: bool, as_of: tuple) -> str:
    chosen = [v for v, on in (("ego", ego), ("path", path), ("timeline", timeline)) if on]
    if view:
        chosen = [view] + [c for c in chosen if c != view]
    if len(set(chosen)) > 1:
        raise UserError(f"choose one view, not {' and '.join(sorted(set(chosen)))}")
    if chosen:
        return chosen[0]
    return "snapshots" if len(as_of) > 1 else "overview"


@click.command()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="File to write: .png, .svg or .pdf for a picture, .html for the interactive view.")
@click.option("--view", type=click.Choice(VIEWS), help="What to draw (default: overview; implied by --ego, --path, --timeline).")
@click.option("--ego", metavar="NAME", help="Draw NAME and its neighbourhood (any name, alias or id).")
@click.option("--depth", type=click.IntRange(1, 6), default=1, show_default=True, help="Steps around --ego.")
@click.option("--path", nargs=2, metavar="A B", help="Draw the shortest path from A to B in its context.")
@click.option("--timeline", is_flag=True, help="Instruments on a time axis (same as --view timeline).")
@click.option("--group-by", type=click.Choice(GROUP_BY), default="kind", show_default=True,
              help="Timeline rows grouped by instrument kind or by actor.")
@click.option("--as-of", "as_of", multiple=True, metavar="DATE",
              help="What existed on DATE (YYYY-MM-DD, YYYY-MM or YYYY); repeat for side-by-side snapshots.")
@click.option("--size-by", type=click.Choice(SIZE_MEASURES), default="pagerank", show_default=True,
              help="Node size by this centrality (also the measure of --view centrality).")
@click.option("--layout", type=click.Choice(LAYOUTS), default="auto", show_default=True,
              help="auto = by size: Graphviz neato (or Kamada-Kawai) up to 400 nodes, igraph Fruchterman-Reingold above.")
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the layout (same seed, same picture).")
@click.option("--top", type=click.IntRange(1, 200), default=15, show_default=True, help="Bars in --view centrality.")
@click.option("--dpi", type=click.IntRange(20, 1200), default=150, show_default=True, help="Resolution of PNG (and raster parts).")
@click.option("--title", help="Title of the picture (default: one that says what the view shows).")
@click.option("--subtitle", help="Subtitle (default: counts, date and what was counted).")
@click.option("--kind", "kinds", multiple=True, metavar="KIND[,KIND]",
              help="Only nodes of these kinds, kind groups (organisation, event) or families (actor, instrument).")
@click.option("--status", default="all", show_default=True, metavar="all|in-place|tentative|LIST",
              help="Ties to draw: all (tentative dashed), in-place, tentative (proposed, sought, interested, not_yet) "
                   "or a comma-separated list of statuses.")
@click.option("--labels", type=click.IntRange(0, 100_000), default=None,
              help="Label the N most important nodes (by --size-by; default: all up to 80 nodes, else 40).")
@lang_option
@data_option
def render(output, view, ego, depth, path, timeline, group_by, as_of, size_by, layout, seed, top, dpi, title, subtitle,
           kinds, status, labels, lang, data) -> None:
    """Draw the graph: PNG, SVG or PDF from the suffix of -o, or an interactive HTML page.

    \b
    Examples:
      partnergraph render -o overview.png
      partnergraph render -o vn.svg --ego "Viet Nam" --depth 2
      partnergraph render -o path.pdf --path "Republic of Korea" "Viet Nam"
      partnergraph render -o timeline.png --timeline --group-by actor
      partnergraph render -o growth.png --as-of 2019-09-01 --as-of 2019-12-31 --as-of 2024-12-31
      partnergraph render -o actors.png --view projection --size-by betweenness
      partnergraph render -o overview-vi.png --lang vi
      partnergraph render -o briefing.svg --kind actor --status in-place --title "Who works with whom"
      partnergraph render -o big.png --data big/ --labels 25
      partnergraph render -o graph.html            # zoom, filter, search, click for evidence
    """
    from partnergraph.graph.model.dates import DateError, as_date

    G = load(data)
    chosen = _view(view, ego, path, timeline, as_of)
    try:
        for when in as_of:
            as_date(when)
    except DateError as exc:
        raise UserError(f"--as-of: {exc}")
    node = resolve(G, ego) if ego else None
    if chosen == "ego" and node is None:
        raise UserError("--view ego needs --ego NAME")
    ends = (resolve(G, path[0]), resolve(G, path[1])) if path else None
    if chosen == "path" and ends is None:
        raise UserError("--view path needs --path A B")
    kind_list = [k.strip() for item in kinds for k in item.split(",") if k.strip()] or None
    cut = {"kinds": kind_list, "status": status, "title": title, "subtitle": subtitle}
    suffix = Path(output).suffix.lower()
    if suffix == ".html":
        result = _write_html(G, output, chosen, node, depth, as_of, lang, size_by, layout, seed, cut)
    else:
        result = _write_picture(G, output, chosen, node, depth, ends, group_by, as_of, lang, size_by, layout, seed, top,
                                dpi, {**cut, "labels": labels})
    size = f", {result['width_px']}×{result['height_px']} px" if "width_px" in result else ""
    click.echo(t("render_wrote", lang, output=output, view=chosen, format=result["format"].upper(), size=size), err=True)


def _check_target(output: str) -> None:
    parent = Path(output).resolve().parent
    if not parent.is_dir():
        raise UserError(f"cannot write {output}: folder {parent} does not exist")


def _flagged(message: str) -> str:
    """The library speaks of values; name the options they came from."""
    for word, flag in (("unknown kind", "--kind"), ("unknown status", "--status"), ("dpi ", "--dpi"),
                       ("unknown layout", "--layout")):
        if message.startswith(word):
            return f"{flag}: {message}"
    return message


def _write_picture(G, output, view, node, depth, ends, group_by, as_of, lang, size_by, layout, seed, top, dpi, cut) -> dict:
    from partnergraph.graph.present.draw import DrawError, figure_format, make_figure, save_figure

    try:
        figure_format(output)
        _check_target(output)
        fig = make_figure(G, view, lang=lang, size_by=size_by, layout=layout, seed=seed, as_of=list(as_of),
                          node=node, depth=depth, path=ends, group_by=group_by, top=top, **cut)
        return save_figure(fig, output, dpi)
    except DrawError as exc:
        raise UserError(_flagged(str(exc)))


def _write_html(G, output, view, node, depth, as_of, lang, size_by, layout, seed, cut) -> dict:
    from partnergraph.graph.present.interactive import InteractiveError, write_html

    if view not in HTML_VIEWS:
        raise UserError(f"the HTML view shows the network or an --ego neighbourhood, not {view}; "
                        "write a .png, .svg or .pdf for that view")
    if len(as_of) > 1:
        raise UserError("the HTML view takes one --as-of date (its date slider shows the others)")
    _check_target(output)
    try:
        return write_html(G, output, lang=lang, size_by=size_by, layout=layout, seed=seed, node=node, depth=depth,
                          as_of=as_of[0] if as_of else None, **cut)
    except InteractiveError as exc:
        raise UserError(_flagged(str(exc)))
