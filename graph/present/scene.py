"""One network picture: a scene (subgraph, positions, sizes, what to emphasise) drawn on the Agg canvas.

Encoding, the same in every network view and in the interactive view (graph/present/style.py):
node shape and colour by kind, size by a centrality; edge colour by type, dashed when tentative
(``in_place: false`` in schema.yaml); a legend beside the axes, a title, a subtitle saying what is
counted, and a caption naming the sources and the latest date in the data.

Labels: only the :func:`label_budget` most important nodes get one on a large graph (``labels=N``
to choose); :mod:`partnergraph.graph.present.labels` places them so that none overlaps another
label or a marker.
"""

from __future__ import annotations

import io
import math
import os
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")  # networkx's drawing functions import pyplot

import networkx as nx
from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.lines import Line2D

from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.model.i18n import t
from partnergraph.graph.present.labels import Marker, place_labels
from partnergraph.graph.present.errors import DrawError
from partnergraph.graph.present.options import FORMATS
from partnergraph.graph.present.sizes import importance, label_budget, node_sizes, top_nodes  # noqa: F401 (re-exported)
from partnergraph.graph.present.style import FONT, MUTED, dashed, edge_colour, edge_dash, kind_colour, kind_marker
from partnergraph.graph.present.text import caption_text, date_text, node_label

RC = {
    "font.family": FONT,
    "font.size": 9,
    "svg.hashsalt": "partnergraph",
    "svg.fonttype": "none",  # text stays text in SVG: editable, searchable
    "pdf.fonttype": 42,  # TrueType fonts embedded in PDF
    "path.simplify": True,
}
# Metadata without timestamps, so the same figure gives the same bytes.
METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}
#: Up to this many edges are drawn one by one (curved, with arrow heads); above, as thin straight lines.
FANCY_EDGES = 400
#: On graphs of more than 300 nodes, markers of at most this radius (pixels) may lie under a label.
DUST = 3.0


# --- fonts -------------------------------------------------------------------------------------


def font_path(family: str = FONT) -> str:
    return font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)


def missing_glyphs(text: str, family: str = FONT) -> list[str]:
    """Characters of ``text`` that the font has no glyph for (empty when it can draw them all).

    >>> missing_glyphs("Quan hệ đối tác")
    []
    """
    charmap = FT2Font(font_path(family)).get_charmap()
    return sorted({c for c in text if not c.isspace() and ord(c) not in charmap})


# --- the scene ---------------------------------------------------------------------------------


@dataclass
class Scene:
    """What one network picture shows: a subgraph, its positions and what to emphasise."""

    graph: nx.MultiDiGraph
    pos: dict
    sizes: dict
    lang: str = "en"
    title: str = ""
    subtitle: str = ""
    highlight_nodes: set = field(default_factory=set)
    highlight_edges: set = field(default_factory=set)  # edge keys
    centre: str | None = None
    edge_labels: bool = False
    widths: dict = field(default_factory=dict)  # edge key -> width (projection)
    labelled: list | None = None  # nodes that get a label, most important first (None: all, by size)


def new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def figure_size(n: int) -> tuple[float, float]:
    side = min(20.0, max(7.0, 4.0 + 0.3 * n if n <= 60 else 12.0 + 2.0 * math.log10(n / 60)))
    return side * 1.35, side


def draw_edges(ax, scene: Scene) -> None:
    G = scene.graph
    if G.number_of_edges() > FANCY_EDGES and not scene.highlight_edges:
        _draw_edge_lines(ax, scene)
        return
    faded = bool(scene.highlight_edges)
    nodelist = list(G.nodes)
    sizes = [scene.sizes.get(n, 300) for n in nodelist]
    seen: dict[tuple, int] = {}
    for u, v, key, data in sorted(G.edges(keys=True, data=True), key=lambda e: str(e[2])):
        pair = (min(u, v), max(u, v))
        rad = 0.12 * seen.get(pair, 0) * (1 if u < v else -1)
        seen[pair] = seen.get(pair, 0) + 1
        strong = key in scene.highlight_edges
        nx.draw_networkx_edges(
            G, scene.pos, edgelist=[(u, v)], ax=ax, nodelist=nodelist, node_size=sizes,
            edge_color="#111111" if strong else edge_colour(data.get("type")), style=edge_dash(data.get("status")),
            width=scene.widths.get(key, 3.2 if strong else 1.2),
            alpha=1.0 if strong or not faded else 0.35, arrows=True, arrowstyle="-|>" if G.is_directed() else "-",
            arrowsize=10, connectionstyle=f"arc3,rad={rad}", min_target_margin=4,
        )


def _draw_edge_lines(ax, scene: Scene) -> None:
    """Many edges: one LineCollection per colour and dash, thin and translucent (bounded time and memory)."""
    groups: dict[tuple[str, str], list] = {}
    pos = scene.pos
    for u, v, data in scene.graph.edges(data=True):
        if u != v:
            groups.setdefault((edge_colour(data.get("type")), edge_dash(data.get("status"))), []).append((pos[u], pos[v]))
    n = scene.graph.number_of_edges()
    width, alpha = (0.6, 0.4) if n < 2_000 else (0.35, 0.22) if n < 20_000 else (0.2, 0.12)
    for (colour, dash), segments in sorted(groups.items()):
        ax.add_collection(LineCollection(segments, colors=colour, linestyles=dash, linewidths=width, alpha=alpha,
                                         zorder=1, gid="edges"))


def draw_nodes(ax, scene: Scene) -> None:
    G, faded = scene.graph, bool(scene.highlight_nodes)
    by_kind: dict[str, list[str]] = {}
    for n in sorted(G.nodes, key=lambda n: (scene.sizes.get(n, 0), n)):  # large markers on top
        by_kind.setdefault(G.nodes[n].get("kind", ""), []).append(n)
    many = G.number_of_nodes() > 2_000
    for kind, nodes in sorted(by_kind.items()):
        for group, alpha in (([n for n in nodes if not faded or n in scene.highlight_nodes], 1.0),
                             ([n for n in nodes if faded and n not in scene.highlight_nodes], 0.35)):
            if not group:
                continue
            coll = ax.scatter([scene.pos[n][0] for n in group], [scene.pos[n][1] for n in group],
                              s=[scene.sizes.get(n, 300) for n in group], marker=kind_marker(kind),
                              c=kind_colour(kind), alpha=alpha, zorder=2,
                              edgecolors="none" if many else ["#000000" if n == scene.centre else "#ffffff" for n in group],
                              linewidths=0 if many else [2.5 if n == scene.centre else 0.8 for n in group])
            coll.set_gid(f"nodes-{kind}")


def _edge_label_text(data: dict, lang: str, with_type: bool = False) -> str:
    schema = get_schema()
    parts = [schema.edge_label(data["type"], lang)] if with_type and data.get("type") in schema.edge_types else []
    if data.get("role"):
        role = (data.get("role_vi") if lang == "vi" else None) or data["role"]
        parts.append(textwrap.shorten(role, 34, placeholder="…"))
    for name in ("start", "mentioned"):
        if data.get(name):
            parts.append(date_text(data[name], lang))
            break
    return "\n".join(parts)


def _markers(ax, scene: Scene) -> dict[str, Marker]:
    to_px = ax.transData.transform
    scale = ax.figure.dpi / 72
    return {n: Marker(*map(float, to_px(scene.pos[n])), math.sqrt(scene.sizes.get(n, 300)) * scale / 2)
            for n in scene.graph}


def label_scene(ax, scene: Scene) -> list:
    """Node labels (and edge labels when asked), placed apart and off every marker; returns those left out."""
    G = scene.graph
    markers = _markers(ax, scene)
    order = scene.labelled if scene.labelled is not None else top_nodes(scene.sizes, G.number_of_nodes())
    if scene.centre in G and scene.centre not in order:
        order = [scene.centre, *order]
    order = sorted(order, key=lambda n: (n not in scene.highlight_nodes and n != scene.centre, order.index(n)))
    texts, anchors = [], []
    big = G.number_of_nodes() > 80
    for n in order:
        strong = n in scene.highlight_nodes or n == scene.centre
        texts.append(ax.text(
            *scene.pos[n], node_label(G.nodes[n], scene.lang), fontsize=8.5 if strong or big else 7.5,
            fontweight="bold" if strong or big else "normal", zorder=5, gid=f"label-{n}",
            alpha=1.0 if strong or not scene.highlight_nodes else 0.7,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
        ))
        anchors.append(markers[n])
    if scene.edge_labels:
        to_px = ax.transData.transform
        for u, v, key, data in sorted(G.edges(keys=True, data=True), key=lambda e: str(e[2])):
            if scene.highlight_edges and key not in scene.highlight_edges:
                continue
            text = _edge_label_text(data, scene.lang, with_type=bool(scene.highlight_edges))
            if not text:
                continue
            (x1, y1), (x2, y2) = to_px(scene.pos[u]), to_px(scene.pos[v])
            texts.append(ax.text(
                (scene.pos[u][0] + scene.pos[v][0]) / 2, (scene.pos[u][1] + scene.pos[v][1]) / 2, text,
                fontsize=6.5, style="italic", color="#333333", zorder=4, gid=f"edge-label-{key}",
                bbox={"boxstyle": "round,pad=0.1", "fc": "#fffbe6", "ec": "none", "alpha": 0.85},
            ))
            anchors.append(Marker((x1 + x2) / 2, (y1 + y2) / 2, 0.0))
    # On a large graph the smallest markers are dust under the hubs: labels may cover those (DUST pixels or less).
    dust = DUST if G.number_of_nodes() > 300 else 0.0
    return place_labels(ax, texts, anchors, [m for m in markers.values() if m.r > dust])


def legend(ax, scene: Scene, extra: list | None = None, anchor: tuple = (1.0, 1.0)) -> None:
    G, lang, schema = scene.graph, scene.lang, get_schema()
    present_kinds = {a.get("kind") for _, a in G.nodes(data=True)}
    present_types = {d.get("type") for *_, d in G.edges(data=True)}
    handles = [Line2D([], [], ls="", marker=kind_marker(k), color=kind_colour(k), markersize=9,
                      label=schema.kind_label(k, lang)) for k in schema.node_kinds if k in present_kinds]
    handles += [Line2D([], [], color=edge_colour(e), lw=2, label=schema.edge_label(e, lang))
                for e in schema.edge_types if e in present_types]
    if any(dashed(d.get("status")) for *_, d in G.edges(data=True)):
        handles += [Line2D([], [], color="#555555", lw=1.5, label=t("firm", lang)),
                    Line2D([], [], color="#555555", lw=1.5, ls="--", label=t("weak", lang))]
    handles += extra or []
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=anchor, fontsize=8, frameon=False,
              title=f"{t('kinds', lang)} · {t('relations', lang)}", title_fontsize=9, borderaxespad=0.5)


def pad_axes(ax, pos: dict, margin: float = 0.08) -> None:
    if not pos:
        return
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    dx, dy = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    ax.set_xlim(min(xs) - margin * dx, max(xs) + margin * dx)
    ax.set_ylim(min(ys) - margin * dy, max(ys) + margin * dy)


def headline(fig: Figure, title: str, subtitle: str, caption: str) -> None:
    """Title, subtitle and caption at the figure's edges (the caption wrapped to the figure's width)."""
    fig.suptitle(title, x=0.02, y=0.985, ha="left", va="top", fontsize=15, fontweight="bold")
    if subtitle:
        fig.text(0.02, 0.945, subtitle, ha="left", va="top", fontsize=10, color=MUTED)
    fig.text(0.02, 0.012, caption, ha="left", va="bottom", fontsize=7.5, color=MUTED)


def draw_scene(scene: Scene, caption_graph: nx.MultiDiGraph | None = None, ax=None, legend_on: bool = True) -> Figure:
    """Draw one network scene on a new figure (or on ``ax``), with labels placed apart."""
    with rc_context(RC):
        if ax is None:
            fig = new_figure(*figure_size(scene.graph.number_of_nodes()))
            ax = fig.add_axes((0.02, 0.1, 0.74, 0.8))
        fig = ax.figure
        ax.set_axis_off()
        pad_axes(ax, scene.pos)
        draw_edges(ax, scene)
        draw_nodes(ax, scene)
        if legend_on:
            legend(ax, scene)
            width = int(14 * fig.get_figwidth())
            headline(fig, scene.title, scene.subtitle, caption_text(caption_graph or scene.graph, scene.lang, width))
        else:
            ax.set_title(scene.title, fontsize=11)
        label_scene(ax, scene)
    return fig


# --- saving ------------------------------------------------------------------------------------


def figure_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise DrawError(f"cannot tell the picture format from {str(path)!r}: end the file name with .png, .svg or .pdf "
                        "(or .html for the interactive view)")
    return suffix


def save_figure(fig: Figure, path: str | Path, dpi: int = 150) -> dict:
    """Write ``fig`` to ``path`` (PNG, SVG or PDF from the suffix) with no timestamps; return what was written.

    The file is written whole or not at all (rendered in memory first).
    """
    fmt = figure_format(path)
    if not 20 <= dpi <= 1200:
        raise DrawError(f"dpi {dpi} is out of range; give 20 to 1200 (150 is good for slides, 300 for print)")
    buffer = io.BytesIO()
    with rc_context(RC):
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=METADATA[fmt], facecolor="white")
    Path(path).write_bytes(buffer.getvalue())
    width, height = fig.get_size_inches()
    return {"path": str(path), "format": fmt, "bytes": len(buffer.getvalue()),
            "width_px": round(width * dpi), "height_px": round(height * dpi)}
