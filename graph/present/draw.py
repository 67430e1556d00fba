"""Pictures of the graph: the one entry point (:func:`make_figure`) and the report's pictures.

The pieces live beside it: :mod:`.scene` (a network picture: markers, edges, labels, legend,
caption, saving), :mod:`.views` (overview, ego, path, projection, bipartite, small multiples),
:mod:`.timeline_chart`, :mod:`.charts` (centrality bars), :mod:`.layout`, :mod:`.labels`
(placement and the overlap checks), :mod:`.select` (kinds, statuses, dates), :mod:`.style`
(colours from schema.yaml) and :mod:`.i18n` (every word, in English and Vietnamese).

Every view returns a :class:`matplotlib.figure.Figure` on the Agg canvas; :func:`save_figure`
writes PNG, SVG (text kept as text) or PDF (fonts embedded) with the same bytes for the same input.

>>> from partnergraph.graph.model.build import load_graph
>>> fig = make_figure(load_graph(), "overview")
>>> overlapping_labels(fig), labels_on_markers(fig)
([], [])
>>> missing_glyphs("Việt Nam, Hàn Quốc, Ấn Độ, Đông Nam Á")
[]
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
from matplotlib.figure import Figure

from partnergraph.graph.present.charts import centrality_figure
from partnergraph.graph.model.i18n import t
from partnergraph.graph.present.labels import labels_on_markers, overlapping_labels
from partnergraph.graph.present.layout import graphviz_available, layout_positions
from partnergraph.graph.present.options import FORMATS, LAYOUTS, SIZE_MEASURES, VIEWS
from partnergraph.graph.present.scene import DrawError, figure_format, importance, missing_glyphs, save_figure
from partnergraph.graph.present.timeline_chart import has_dated_instruments, timeline_figure, timeline_items
from partnergraph.graph.present.views import (
    bipartite_figure, ego_figure, overview_figure, path_figure, projection_figure, selected_graph, snapshots_figure,
)

__all__ = [
    "FORMATS", "LAYOUTS", "SIZE_MEASURES", "VIEWS", "DrawError", "bipartite_figure", "centrality_figure",
    "ego_figure", "figure_format", "graphviz_available", "labels_on_markers", "layout_positions", "make_figure",
    "missing_glyphs", "overlapping_labels", "overview_figure", "path_figure", "projection_figure",
    "report_figures", "save_figure", "snapshots_figure", "t", "timeline_figure", "timeline_items",
]


def make_figure(G: nx.MultiDiGraph, view: str = "overview", *, lang: str = "en", size_by: str = "pagerank",
                layout: str = "auto", seed: int = 7, as_of: list[str] | None = None, node: str | None = None,
                depth: int = 1, path: tuple[str, str] | None = None, group_by: str = "kind", top: int = 15,
                title: str | None = None, subtitle: str | None = None, kinds: list[str] | None = None,
                status=None, labels: int | None = None) -> Figure:
    """The figure of one view; node ids must already be resolved.

    ``kinds``, ``status`` and ``as_of`` cut the graph first (every view); ``title`` and ``subtitle``
    replace the generated ones; ``labels`` is how many nodes get a label.
    """
    if view not in VIEWS:
        raise DrawError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
    when = as_of[0] if as_of and len(as_of) == 1 else None
    texts = {"title": title, "subtitle": subtitle}
    cut = {"kinds": kinds, "status": status, "labels": labels}
    common = {"lang": lang, "size_by": size_by, "layout": layout, "seed": seed, **texts, **cut}
    if view == "snapshots":
        return snapshots_figure(G, list(as_of or []), **common)
    if view in ("timeline", "centrality"):
        H, _ = selected_graph(G, kinds, status, when, lang)
        if view == "timeline":
            return timeline_figure(H, group_by, lang, **texts)
        return centrality_figure(H, "pagerank" if size_by == "none" else size_by, top, lang, **texts)
    if view == "overview":
        return overview_figure(G, as_of=when, **common)
    if view == "ego":
        return ego_figure(G, node, depth, as_of=when, **common)
    if view == "path":
        return path_figure(G, path[0], path[1], as_of=when, **common)
    if view == "projection":
        return projection_figure(G, as_of=when, **common)
    return bipartite_figure(G, as_of=when, **common)


def report_figures(G: nx.MultiDiGraph, outdir: str | Path, lang: str = "en", top_actors: int = 3,
                   fmt: str = "png", dpi: int = 110) -> dict[str, Path]:
    """The report's pictures, written to ``outdir``: overview, ego networks of the top actors, timeline, centrality.

    Returns name -> file path, in reading order (``ego-<id>`` for each top actor).
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Path] = {}

    def save(name: str, fig: Figure) -> None:
        target = outdir / f"{name}.{fmt}"
        save_figure(fig, target, dpi)
        figures[name] = target

    save("overview", overview_figure(G, lang=lang))
    scores = importance(G, "pagerank")
    actors = sorted((n for n, a in G.nodes(data=True) if a["family"] == "actor"), key=lambda n: (-scores[n], n))
    for n in actors[:top_actors]:
        save(f"ego-{n}", ego_figure(G, n, 1, lang=lang))
    if has_dated_instruments(G):
        save("timeline", timeline_figure(G, lang=lang))
    save("centrality", centrality_figure(G, lang=lang))
    return figures
