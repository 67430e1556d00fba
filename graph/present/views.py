"""The network views: overview, ego network, path, actor projection, bipartite, small multiples.

Each takes the full graph and returns a Figure. Every view accepts the same selection:
``kinds`` (kinds, kind groups or families), ``status`` (``all``, ``in-place``, ``tentative`` or a
list), ``as_of`` (a day), ``title``/``subtitle`` (override the generated ones) and ``labels`` (how
many nodes get a label; default by size, see :func:`partnergraph.graph.present.scene.label_budget`).

>>> from partnergraph.graph.model.build import load_graph
>>> from partnergraph.graph.present.labels import labels_on_markers, overlapping_labels
>>> fig = overview_figure(load_graph())
>>> overlapping_labels(fig), labels_on_markers(fig)
([], [])
"""

from __future__ import annotations

import networkx as nx
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from partnergraph.graph.analysis.paths import NoPath, find_paths
from partnergraph.graph.analysis.projection import actor_projection
from partnergraph.graph.model.names import display_name
from partnergraph.graph.model.timeslice import as_of as slice_as_of
from partnergraph.graph.model.i18n import measure_label, t
from partnergraph.graph.present.layout import LayoutError, layout_positions
from partnergraph.graph.present.scene import (
    RC, DrawError, Scene, draw_edges, draw_nodes, draw_scene, headline, importance, label_budget, label_scene,
    legend, new_figure, node_sizes, pad_axes, top_nodes,
)
from partnergraph.graph.present.select import SelectError, select
from partnergraph.graph.present.text import caption_text, date_text, node_label, subtitle_text


def selected_graph(G, kinds, status, as_of, lang) -> tuple[nx.MultiDiGraph, str]:
    try:
        H, counted = select(G, kinds, status, as_of, lang)
    except SelectError as exc:
        raise DrawError(str(exc)) from exc
    if H.number_of_nodes() == 0:
        when = f" {t('as_of', 'en', date=as_of)}" if as_of else ""
        raise DrawError(f"nothing to draw: no node is left{when} with these kinds and statuses")
    return H, counted


def _positions(H, layout, seed) -> dict:
    try:
        return layout_positions(H, layout, seed)
    except LayoutError as exc:
        raise DrawError(str(exc)) from exc


def _scene(H, size_by, layout, seed, lang, labels, values=None, **kw) -> Scene:
    values = values if values is not None else importance(H, size_by)
    sizes = node_sizes(H, size_by, values=values)
    n = H.number_of_nodes()
    budget = label_budget(n) if labels is None else labels
    labelled = top_nodes(sizes if size_by != "none" else {m: H.degree(m) for m in H}, budget)
    return Scene(H, _positions(H, layout, seed), sizes, lang, labelled=labelled, **kw)


def _label_note(scene: Scene, size_by: str, lang: str) -> str:
    n = scene.graph.number_of_nodes()
    k = len(scene.labelled or [])
    return t("labelled_top", lang, n=k, total=f"{n:,}", measure=measure_label(size_by, lang)) if k < n else ""


def _subtitle(H, lang, as_of, counted, *extra) -> str:
    return " · ".join(x for x in (*extra, subtitle_text(H, lang, as_of, counted)) if x)


def overview_figure(G: nx.MultiDiGraph, lang: str = "en", size_by: str = "pagerank", layout: str = "auto",
                    seed: int = 7, as_of: str | None = None, title: str | None = None, subtitle: str | None = None,
                    kinds: list[str] | None = None, status=None, labels: int | None = None) -> Figure:
    """The whole network (optionally as of a date, cut to kinds and statuses)."""
    H, counted = selected_graph(G, kinds, status, as_of, lang)
    scene = _scene(H, size_by, layout, seed, lang, labels, title=title or t("overview", lang))
    note = _label_note(scene, size_by, lang)
    scene.subtitle = subtitle if subtitle is not None else _subtitle(H, lang, as_of, counted, None)
    if note and subtitle is None:
        scene.subtitle += f"\n{note}"
    return draw_scene(scene, H)


def ego_figure(G: nx.MultiDiGraph, node: str, depth: int = 1, lang: str = "en", size_by: str = "pagerank",
               layout: str = "auto", seed: int = 7, as_of: str | None = None, title: str | None = None,
               subtitle: str | None = None, kinds: list[str] | None = None, status=None,
               labels: int | None = None) -> Figure:
    """A node and everything within ``depth`` steps (either direction), with edge labels (role, date)."""
    H, counted = selected_graph(G, kinds, status, as_of, lang)
    if node not in H:
        raise DrawError(f"{G.nodes[node]['name']} is not in the graph drawn (as of {as_of}, kinds {kinds}, status {status})"
                        if (as_of or kinds or status) else f"{G.nodes[node]['name']} is not in the graph")
    keep = nx.ego_graph(H.to_undirected(as_view=True), node, radius=depth)
    E = H.subgraph(keep.nodes).copy()
    scene = _scene(E, size_by, layout, seed, lang, labels, centre=node,
                   edge_labels=E.number_of_edges() <= 120,
                   title=title or t("ego", lang, name=display_name(G.nodes[node], lang), depth=depth))
    scene.subtitle = subtitle if subtitle is not None else _subtitle(E, lang, as_of, counted, _label_note(scene, size_by, lang))
    return draw_scene(scene, E)


def path_figure(G: nx.MultiDiGraph, a: str, b: str, lang: str = "en", size_by: str = "pagerank",
                layout: str = "auto", seed: int = 7, as_of: str | None = None, context: int = 1,
                title: str | None = None, subtitle: str | None = None, kinds: list[str] | None = None,
                status=None, labels: int | None = None) -> Figure:
    """The shortest path from ``a`` to ``b`` (graph/analysis/paths.py) drawn bold over its neighbourhood."""
    H, counted = selected_graph(G, kinds, status, as_of, lang)
    for end in (a, b):
        if end not in H:
            raise DrawError(f"no path: {G.nodes[end]['name']} is not in the graph drawn")
    try:
        path = find_paths(H, a, b)[0]
    except NoPath as exc:
        raise DrawError(str(exc)) from exc
    nodes, keys = list(path.nodes), list(path.edges)
    U = H.to_undirected(as_view=True)
    around = set(nodes)
    for n in nodes:
        around |= set(nx.ego_graph(U, n, radius=context))
    C = H.subgraph(around).copy()
    scene = _scene(C, size_by, layout, seed, lang, labels, highlight_nodes=set(nodes), highlight_edges=set(keys),
                   edge_labels=True,
                   title=title or t("path", lang, a=display_name(G.nodes[a], lang), b=display_name(G.nodes[b], lang)))
    scene.labelled = list(dict.fromkeys([*nodes, *(scene.labelled or [])]))
    scene.subtitle = subtitle if subtitle is not None else _subtitle(
        C, lang, as_of, counted, t("path_hops", lang, hops=len(keys)), _label_note(scene, size_by, lang))
    return draw_scene(scene, C)


def projection_figure(G: nx.MultiDiGraph, lang: str = "en", size_by: str = "pagerank", layout: str = "auto",
                      seed: int = 7, as_of: str | None = None, title: str | None = None, subtitle: str | None = None,
                      kinds: list[str] | None = None, status=None, labels: int | None = None) -> Figure:
    """The actor projection: actors only, edge width by the number of instruments they share."""
    H, counted = selected_graph(G, kinds, status, as_of, lang)
    P = actor_projection(H, with_instruments=False)
    M = nx.MultiGraph()
    M.add_nodes_from((n, H.nodes[n]) for n in sorted(P.nodes))
    widths = {}
    many = P.number_of_edges() > 400

    def width_of(weight: int) -> float:
        return min(4.0, 0.3 + 0.3 * weight) if many else min(8.0, 0.8 + 1.6 * weight)

    for u, v, data in sorted(P.edges(data=True)):
        key = f"{u}|{v}"
        weight = data.get("weight", 1)
        M.add_edge(u, v, key=key, type="shared", weight=weight)
        widths[key] = width_of(weight)
    if M.number_of_nodes() == 0:
        raise DrawError("nothing to draw: no actor shares an instrument with another")
    values = importance(H, size_by)
    scene = _scene(M, size_by, layout, seed, lang, labels, values={n: values[n] for n in M}, widths=widths,
                   title=title or t("projection", lang))
    scene.subtitle = subtitle if subtitle is not None else _subtitle(M, lang, as_of, counted, _label_note(scene, size_by, lang))
    fig = draw_scene(scene, H)
    extra = [Line2D([], [], color="#555555", lw=width_of(w), label=f"{w} {t('shared', lang)}")
             for w in sorted({d["weight"] for *_, d in M.edges(data=True)})[:4]]
    fig.axes[0].get_legend().remove()
    with rc_context(RC):
        legend(fig.axes[0], scene, extra)
    return fig


def bipartite_figure(G: nx.MultiDiGraph, lang: str = "en", size_by: str = "pagerank", as_of: str | None = None,
                     title: str | None = None, subtitle: str | None = None, kinds: list[str] | None = None,
                     status=None, labels: int | None = None, **_ignored) -> Figure:
    """Actors in the left column, instruments in the right, ordered to keep edges short."""
    H, counted = selected_graph(G, kinds, status, as_of, lang)
    actors = sorted((n for n, a in H.nodes(data=True) if a["family"] == "actor"), key=lambda n: (H.nodes[n]["kind"], n))
    rank = {a: i for i, a in enumerate(actors)}
    instruments = sorted((n for n, a in H.nodes(data=True) if a["family"] == "instrument"),
                         key=lambda n: (_mean_rank(H, n, rank, len(actors)), n))
    pos = {}
    for column, nodes in ((0.0, actors), (1.0, instruments)):
        for i, n in enumerate(nodes):
            pos[n] = (column, 1 - (i + 0.5) / max(1, len(nodes)))
    rows = max(len(actors), len(instruments))
    sizes = node_sizes(H, size_by, 80, 700) if rows <= 120 else node_sizes(H, size_by, 2, 40)
    budget = labels if labels is not None else (rows if rows <= 120 else 60)
    shown = set(top_nodes(sizes, budget)) if budget < H.number_of_nodes() else set(H)
    scene = Scene(H, pos, sizes, lang, title or t("bipartite", lang))
    scene.subtitle = subtitle if subtitle is not None else subtitle_text(H, lang, as_of, counted)
    with rc_context(RC):
        fig = new_figure(17, min(40.0, max(8.0, 0.3 * min(rows, 120) + 3)))
        ax = fig.add_axes((0.22, 0.08, 0.46, 0.82))
        ax.set_axis_off()
        draw_edges(ax, scene)
        draw_nodes(ax, scene)
        ax.set_xlim(-0.05, 1.05)
        ax.set_ylim(-0.02, 1.02)
        for n, (x, y) in pos.items():
            if n in shown:
                ax.text(x - 0.03 if x == 0 else x + 0.03, y, node_label(H.nodes[n], lang, width=60, short=False),
                        ha="right" if x == 0 else "left", va="center", fontsize=7.5, gid=f"label-{n}")
        legend(ax, scene, anchor=(1.42, 1.0))
        headline(fig, scene.title, scene.subtitle, caption_text(H, lang, 220))
    return fig


def _mean_rank(G: nx.MultiDiGraph, n: str, rank: dict, default: int) -> float:
    ranks = [rank[m] for m in nx.all_neighbors(G, n) if m in rank]
    return sum(ranks) / len(ranks) if ranks else default


def snapshots_figure(G: nx.MultiDiGraph, dates: list[str], lang: str = "en", size_by: str = "pagerank",
                     layout: str = "auto", seed: int = 7, title: str | None = None, subtitle: str | None = None,
                     kinds: list[str] | None = None, status=None, labels: int | None = None, **_ignored) -> Figure:
    """Small multiples: the network as of each date side by side, in one shared layout."""
    if not dates:
        raise DrawError("give at least one date for the small multiples, e.g. 2019-01-01 and 2024-12-31")
    base, counted = selected_graph(G, kinds, status, None, lang)
    pos = _positions(base, layout, seed)
    final = node_sizes(base, size_by, 40, 400)
    budget = label_budget(base.number_of_nodes()) if labels is None else labels
    hubs = top_nodes({n: v for n, v in final.items() if base.nodes[n].get("family") == "actor"}, min(3, budget))
    with rc_context(RC):
        cols = min(3, len(dates))
        rows = -(-len(dates) // cols)
        fig = new_figure(7.5 * cols, 6.5 * rows + 1.8)
        shown_before: set = set()
        for i, when in enumerate(dates):
            H = slice_as_of(base, when)
            ax = fig.add_subplot(rows, cols, i + 1)
            # Label what is tied in and new since the previous panel, so each panel reads as "what was added";
            # the largest hubs are labelled in every panel, so the reader keeps their bearings.
            linked = [n for n in top_nodes({n: final[n] for n in H}, H.number_of_nodes()) if H.degree(n)]
            new = [n for n in linked if n not in shown_before][:budget]
            scene = Scene(H, {n: pos[n] for n in H}, {n: final[n] for n in H}, lang,
                          f"{t('as_of', lang, date=date_text(when, lang))} · {subtitle_text(H, lang)}",
                          labelled=list(dict.fromkeys([*(h for h in hubs if h in H and H.degree(h)), *new])))
            shown_before |= set(linked)
            ax.set_axis_off()
            pad_axes(ax, pos)
            draw_edges(ax, scene)
            draw_nodes(ax, scene)
            ax.set_title(scene.title, fontsize=11)
            label_scene(ax, scene)
        fig.subplots_adjust(left=0.02, right=0.84, top=0.86, bottom=0.12)
        legend(fig.axes[cols - 1], Scene(base, pos, {}, lang))
        note = subtitle if subtitle is not None else " · ".join([t("snapshots_note", lang), counted])
        headline(fig, title or t("snapshots", lang), note, caption_text(base, lang, int(14 * fig.get_figwidth())))
    return fig
