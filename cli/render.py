"""render: pictures of the graph (PNG, SVG, PDF) and the interactive HTML view."""

from __future__ import annotations

from pathlib import Path

import click

from .common import UserError, data_option, lang_option, load, resolve

VIEWS = ("overview", "ego", "path", "projection", "bipartite", "snapshots", "timeline", "centrality")
LAYOUTS = ("auto", "kamada-kawai", "spring", "circular", "shell", "neato", "sfdp", "dot", "circo", "twopi")
MEASURES = ("none", "degree", "weighted_degree", "pagerank", "betweenness", "eigenvector", "closeness")


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
@click.option("--group-by", type=click.Choice(["kind", "actor"]), default="kind", show_default=True,
              help="Timeline rows grouped by instrument kind or by actor.")
@click.option("--as-of", "as_of", multiple=True, metavar="DATE",
              help="What existed on DATE (YYYY-MM-DD, YYYY-MM or YYYY); repeat for side-by-side snapshots.")
@click.option("--size-by", type=click.Choice(MEASURES), default="pagerank", show_default=True,
              help="Node size by this centrality (also the measure of --view centrality).")
@click.option("--layout", type=click.Choice(LAYOUTS), default="auto", show_default=True,
              help="auto = Graphviz neato when Graphviz is installed, else networkx Kamada-Kawai.")
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the layout (same seed, same picture).")
@click.option("--top", type=click.IntRange(1, 200), default=15, show_default=True, help="Bars in --view centrality.")
@click.option("--dpi", type=click.IntRange(20, 1200), default=150, show_default=True, help="Resolution of PNG (and raster parts).")
@lang_option
@data_option
def render(output, view, ego, depth, path, timeline, group_by, as_of, size_by, layout, seed, top, dpi, lang, data) -> None:
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
      partnergraph render -o graph.html            # drag, zoom, hover for evidence
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
    suffix = Path(output).suffix.lower()
    if suffix == ".html":
        result = _write_html(G, output, chosen, node, depth, as_of, lang, size_by, layout, seed)
    else:
        result = _write_picture(G, output, chosen, node, depth, ends, group_by, as_of, lang, size_by, layout, seed, top, dpi)
    size = f", {result['width_px']}×{result['height_px']} px" if "width_px" in result else ""
    click.echo(f"Wrote {output} ({chosen}, {result['format'].upper()}{size}).", err=True)


def _check_target(output: str) -> None:
    parent = Path(output).resolve().parent
    if not parent.is_dir():
        raise UserError(f"cannot write {output}: folder {parent} does not exist")


def _write_picture(G, output, view, node, depth, ends, group_by, as_of, lang, size_by, layout, seed, top, dpi) -> dict:
    from partnergraph.graph.present.draw import DrawError, figure_format, make_figure, save_figure

    try:
        figure_format(output)
        _check_target(output)
        fig = make_figure(G, view, lang=lang, size_by=size_by, layout=layout, seed=seed, as_of=list(as_of),
                          node=node, depth=depth, path=ends, group_by=group_by, top=top)
        return save_figure(fig, output, dpi)
    except DrawError as exc:
        raise UserError(str(exc))


def _write_html(G, output, view, node, depth, as_of, lang, size_by, layout, seed) -> dict:
    import networkx as nx

    from partnergraph.graph.present.draw import DrawError, slice_as_of, t
    from partnergraph.graph.present.interactive import write_html

    if view not in ("overview", "ego"):
        raise UserError(f"the HTML view shows the network or an --ego neighbourhood, not {view}; "
                        "write a .png, .svg or .pdf for that view")
    if len(as_of) > 1:
        raise UserError("the HTML view takes one --as-of date")
    _check_target(output)
    H = slice_as_of(G, as_of[0]) if as_of else G
    subtitle = t("as_of", lang, date=as_of[0]) if as_of else ""
    title = None
    if node:
        if node not in H:
            raise UserError(f"{G.nodes[node]['name']} did not exist on {as_of[0]}")
        H = H.subgraph(nx.ego_graph(H.to_undirected(as_view=True), node, radius=depth)).copy()
        from partnergraph.graph.model.names import display_name

        title = t("ego", lang, name=display_name(G.nodes[node], lang), depth=depth)
    try:
        return write_html(H, output, lang=lang, title=title, size_by=size_by, layout=layout, seed=seed, subtitle=subtitle)
    except DrawError as exc:
        raise UserError(str(exc))
