"""Pictures of the graph with matplotlib: networks, a timeline and a centrality chart.

Every view returns a :class:`matplotlib.figure.Figure` (drawn with the
object-oriented API on the Agg canvas, no GUI); :func:`save_figure` writes it
as PNG, SVG or PDF from the file suffix with the same bytes for the same input
(seeded layouts, fixed SVG hash salt, no timestamps in the metadata).

Encoding, the same in every network view and in the interactive HTML view:

* node shape and colour by kind (:data:`KIND_STYLE`), size by a centrality;
* edge colour by type (:data:`EDGE_COLOURS`); dashed edges are only proposed,
  sought, of interest or not yet in place (the statuses ``schema.yaml`` marks ``in_place: false``);
* a legend, a title, and a caption naming the sources and the latest date in the data.

Labels are in English or Vietnamese (``lang="vi"``) in DejaVu Sans, which has
every Vietnamese glyph (:func:`missing_glyphs` checks); adjustText moves them
apart and :func:`overlapping_labels` checks that none overlap.

>>> from partnergraph.graph.model.build import load_graph
>>> G = load_graph()
>>> fig = overview_figure(G)
>>> overlapping_labels(fig)
[]
>>> missing_glyphs("Việt Nam, Hàn Quốc, Ấn Độ, Đông Nam Á")
[]
"""

from __future__ import annotations

import io
import os
import shutil
import textwrap
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")  # networkx's drawing functions import pyplot

import networkx as nx
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from partnergraph.graph.model.dates import PartialDate, format_date, parse_date
from partnergraph.graph.model.names import display_name
from partnergraph.graph.model.schema import get_schema

FONT = "DejaVu Sans"
FORMATS = ("png", "svg", "pdf")
LAYOUTS = ("auto", "kamada-kawai", "spring", "circular", "shell", "neato", "sfdp", "dot", "circo", "twopi")
SIZE_MEASURES = ("none", "degree", "weighted_degree", "pagerank", "betweenness", "eigenvector", "closeness")
GRAPHVIZ_PROGS = ("neato", "sfdp", "dot", "circo", "twopi")

# kind -> (matplotlib marker, colour, vis-network shape)
KIND_STYLE: dict[str, tuple[str, str, str]] = {
    "state": ("o", "#1f77b4", "dot"),
    "union": ("h", "#08306b", "hexagon"),
    "regional_organisation": ("p", "#17becf", "star"),
    "international_organisation": ("8", "#2ca02c", "hexagon"),
    "government_body": ("s", "#7f7f7f", "square"),
    "person": ("^", "#9467bd", "triangle"),
    "agreement": ("D", "#d62728", "diamond"),
    "partnership": ("D", "#ff7f0e", "diamond"),
    "cooperation": ("d", "#e6ab02", "diamond"),
    "project": ("P", "#8c564b", "square"),
    "exercise": ("X", "#e377c2", "triangleDown"),
    "mission": ("v", "#bcbd22", "triangleDown"),
    "policy": ("*", "#393b79", "star"),
    "dialogue": ("<", "#637939", "triangle"),
    "visit": (">", "#843c39", "triangle"),
    "meeting": ("H", "#7b4173", "hexagon"),
    "conference": ("8", "#a55194", "dot"),
}
EDGE_COLOURS: dict[str, str] = {
    "party_to": "#d62728",
    "funds": "#2ca02c",
    "participates_in": "#1f77b4",
    "leads": "#08306b",
    "hosts": "#8c564b",
    "held_in": "#7f7f7f",
    "member_of": "#17becf",
    "part_of": "#aaaaaa",
    "holds_office_in": "#9467bd",
    "accredited_to": "#bcbd22",
    "enables": "#ff7f0e",
    "addresses": "#e377c2",
    "supports": "#006d2c",
}

TEXT = {
    "en": {
        "overview": "Security and defence partnerships",
        "ego": "{name}: its network within {depth} step(s)",
        "path": "How {a} is connected to {b}",
        "projection": "Actors linked by the instruments they share",
        "bipartite": "Actors and the instruments they take part in",
        "as_of": "as of {date}",
        "snapshots": "How the network grew",
        "snapshots_note": "Each panel labels what is new since the panel before it.",
        "timeline": "Instruments over time",
        "timeline_by_actor": "Instruments over time, by actor",
        "centrality": "Most central nodes ({measure})",
        "sources": "Sources",
        "latest": "latest dated fact",
        "counts": "{n} nodes, {m} relations",
        "kinds": "Kinds",
        "relations": "Relations",
        "weak": "proposed / sought / not yet",
        "firm": "in place",
        "shared": "shared instruments",
        "year_unknown": "year not stated in the source",
        "day": "day",
        "month": "month",
        "year": "year (or year only)",
        "range": "range",
        "mentioned": "only mentioned then (hollow)",
        "undated": "{n} instrument(s) without a date are not shown",
        "score": "score",
        "path_hops": "path: {hops} step(s)",
    },
    "vi": {
        "overview": "Quan hệ đối tác an ninh và quốc phòng",
        "ego": "{name}: mạng lưới trong phạm vi {depth} bước",
        "path": "Mối liên hệ giữa {a} và {b}",
        "projection": "Các chủ thể liên kết qua công cụ chung",
        "bipartite": "Chủ thể và các công cụ họ tham gia",
        "as_of": "tính đến {date}",
        "snapshots": "Mạng lưới phát triển theo thời gian",
        "snapshots_note": "Mỗi khung ghi tên những gì mới so với khung trước.",
        "timeline": "Các công cụ theo thời gian",
        "timeline_by_actor": "Các công cụ theo thời gian, theo chủ thể",
        "centrality": "Các nút trung tâm nhất ({measure})",
        "sources": "Nguồn",
        "latest": "sự kiện có ngày gần nhất",
        "counts": "{n} nút, {m} quan hệ",
        "kinds": "Loại",
        "relations": "Quan hệ",
        "weak": "đề xuất / đang tìm cách / chưa",
        "firm": "đã có",
        "shared": "công cụ chung",
        "year_unknown": "nguồn không nêu năm",
        "day": "ngày",
        "month": "tháng",
        "year": "năm (chỉ biết năm)",
        "range": "khoảng thời gian",
        "mentioned": "chỉ được nhắc đến (rỗng)",
        "undated": "{n} công cụ không có ngày không được hiển thị",
        "score": "điểm",
        "path_hops": "đường đi: {hops} bước",
    },
}
RC = {
    "font.family": FONT,
    "font.size": 9,
    "svg.hashsalt": "partnergraph",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "path.simplify": True,
}
# Metadata without timestamps, so the same figure gives the same bytes.
METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}


class DrawError(ValueError):
    """A request that cannot be drawn (unknown layout, format or measure, empty view)."""


def t(key: str, lang: str, **kw) -> str:
    return TEXT["vi" if lang == "vi" else "en"][key].format(**kw)


# --- fonts ---------------------------------------------------------------------------------------


def font_path(family: str = FONT) -> str:
    from matplotlib import font_manager

    return font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)


def missing_glyphs(text: str, family: str = FONT) -> list[str]:
    """Characters of ``text`` that the font has no glyph for (empty when it can draw them all).

    >>> missing_glyphs("Quan hệ đối tác")
    []
    """
    from matplotlib.ft2font import FT2Font

    charmap = FT2Font(font_path(family)).get_charmap()
    return sorted({c for c in text if not c.isspace() and ord(c) not in charmap})


# --- names, dates and sizes ----------------------------------------------------------------------


def node_label(attrs: dict, lang: str = "en", width: int = 22, short: bool = True) -> str:
    """A node's label, wrapped: the short name when the full one is long (in Vietnamese only acronyms).

    >>> node_label({"name": "Association of Southeast Asian Nations", "short_name": "ASEAN"})
    'ASEAN'
    >>> node_label({"name": "Viet Nam", "name_vi": "Việt Nam"}, "vi")
    'Việt Nam'
    """
    name, short_name = display_name(attrs, lang), attrs.get("short_name") or ""
    readable = lang != "vi" or all(word.isupper() for word in short_name.split())  # acronyms read in both languages
    if short and short_name and readable and len(name) > 2 * width - 8:
        name = short_name
    return "\n".join(textwrap.wrap(name, width, break_on_hyphens=False)) or name


def date_text(value: str | PartialDate | None, lang: str = "en") -> str:
    """A date as a reader writes it: '17 Oct 2019' in English, '17/10/2019' in Vietnamese."""
    if value is None:
        return ""
    d = parse_date(value) if isinstance(value, str) else value
    if lang != "vi":
        return format_date(d)

    def point(p) -> str:
        parts = [str(x) for x in (p.day, p.month, p.year) if x is not None]
        return "/".join(parts)

    text = point(d.start) if not d.is_range else f"{point(d.start)}–{point(d.end)}"
    return text if d.year_known else f"{text} ({t('year_unknown', 'vi')})"


def _simple(G: nx.MultiDiGraph) -> nx.Graph:
    """The undirected simple graph underneath (for layouts and centralities), with sorted nodes."""
    H = nx.Graph()
    H.add_nodes_from(sorted(G.nodes))
    H.add_edges_from(sorted((min(u, v), max(u, v)) for u, v in G.edges() if u != v))
    return H


def centrality(G: nx.MultiDiGraph, measure: str = "pagerank") -> dict[str, float]:
    """Scores by ``measure`` (``none`` or one of graph/centrality.py's MEASURES) on the full graph."""
    from partnergraph.graph.analysis.centrality import MEASURES, analysis_graph, scores

    if measure == "none":
        return {n: 1.0 for n in G}
    if measure not in MEASURES:
        raise DrawError(f"unknown centrality {measure!r}; choose one of none, {', '.join(MEASURES)}")
    values = scores(analysis_graph(G), measure)
    return {n: float(values.get(n, 0.0)) for n in G}


def node_sizes(G: nx.MultiDiGraph, measure: str, small: float = 120, large: float = 1400) -> dict[str, float]:
    """Marker areas (points²) scaled by a centrality between ``small`` and ``large``."""
    scores = centrality(G, measure)
    lo, hi = min(scores.values(), default=0), max(scores.values(), default=0)
    if hi <= lo:
        return {n: (small + large) / 3 for n in G}
    return {n: small + (large - small) * (scores[n] - lo) / (hi - lo) for n in G}


# --- layouts -------------------------------------------------------------------------------------


def graphviz_available() -> bool:
    """True when the Graphviz programs are installed (then ``layout="auto"`` uses neato)."""
    return shutil.which("neato") is not None and shutil.which("dot") is not None


def _graphviz_positions(H: nx.Graph, prog: str) -> dict:
    if shutil.which(prog) is None:
        raise DrawError(f"layout {prog!r} needs Graphviz (the '{prog}' program); install graphviz or pick kamada-kawai")
    index = {n: str(i) for i, n in enumerate(H.nodes)}
    R = nx.relabel_nodes(H, index)  # plain ids: Graphviz never sees names it must quote
    R.graph["graph"] = {"overlap": "false", "sep": "+12", "splines": "false", "start": "7"}
    raw = nx.nx_pydot.pydot_layout(R, prog=prog)
    return {n: raw[index[n]] for n in H.nodes}


def layout_positions(G: nx.MultiDiGraph, layout: str = "auto", seed: int = 7) -> dict[str, tuple[float, float]]:
    """Node positions, deterministic for the same graph.

    ``auto`` is Graphviz neato when Graphviz is installed, networkx's Kamada–Kawai otherwise.

    >>> from partnergraph.graph.model.build import load_graph
    >>> pos = layout_positions(load_graph(), "kamada-kawai")
    >>> len(pos)
    33
    """
    if layout not in LAYOUTS:
        raise DrawError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    H = _simple(G)
    if H.number_of_nodes() == 0:
        return {}
    if layout == "auto":
        layout = "neato" if graphviz_available() else "kamada-kawai"
    if layout in GRAPHVIZ_PROGS:
        pos = _graphviz_positions(H, layout)
    elif layout == "kamada-kawai":
        start = nx.spring_layout(H, seed=seed)
        pos = nx.kamada_kawai_layout(H, pos=start) if H.number_of_nodes() > 2 else start
    elif layout == "spring":
        pos = nx.spring_layout(H, seed=seed, k=2 / max(1, H.number_of_nodes()) ** 0.5, iterations=200)
    elif layout == "circular":
        pos = nx.circular_layout(H)
    else:
        pos = nx.shell_layout(H, _shells(G))
    return {n: (float(x), float(y)) for n, (x, y) in pos.items()}


def _shells(G: nx.MultiDiGraph) -> list[list[str]]:
    actors = sorted(n for n, a in G.nodes(data=True) if a.get("family") == "actor")
    others = sorted(n for n in G if n not in set(actors))
    return [s for s in (actors, others) if s]


# --- the network drawing -------------------------------------------------------------------------


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
    labelled: set | None = None  # nodes that get a label (None: all)


def new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def _figure_size(n: int) -> tuple[float, float]:
    side = min(26.0, max(7.0, 4.0 + 0.3 * n))
    return side * 1.3, side


def _edge_style(data: dict) -> tuple[str, str]:
    colour = EDGE_COLOURS.get(data.get("type"), "#555555")
    return colour, get_schema().status_dash(data.get("status"))


def _draw_edges(ax, scene: Scene) -> None:
    G, faded = scene.graph, bool(scene.highlight_edges)
    nodelist = list(G.nodes)
    sizes = [scene.sizes.get(n, 300) for n in nodelist]
    seen: dict[tuple, int] = {}
    for u, v, key, data in sorted(G.edges(keys=True, data=True), key=lambda e: e[2]):
        pair = (min(u, v), max(u, v))
        rad = 0.12 * seen.get(pair, 0) * (1 if u < v else -1)
        seen[pair] = seen.get(pair, 0) + 1
        colour, style = _edge_style(data)
        strong = key in scene.highlight_edges
        nx.draw_networkx_edges(
            G, scene.pos, edgelist=[(u, v)], ax=ax, nodelist=nodelist, node_size=sizes,
            edge_color="#111111" if strong else colour, style=style,
            width=scene.widths.get(key, 3.2 if strong else 1.2),
            alpha=1.0 if strong or not faded else 0.25, arrows=True, arrowstyle="-|>" if G.is_directed() else "-",
            arrowsize=10,
            connectionstyle=f"arc3,rad={rad}", min_target_margin=4,
        )


def _draw_nodes(ax, scene: Scene) -> None:
    G, faded = scene.graph, bool(scene.highlight_nodes)
    by_kind: dict[str, list[str]] = {}
    for n in sorted(G.nodes):
        by_kind.setdefault(G.nodes[n].get("kind", ""), []).append(n)
    for kind, nodes in by_kind.items():
        marker, colour, _ = KIND_STYLE.get(kind, ("o", "#999999", "dot"))
        for group, alpha in ((n for n in nodes if not faded or n in scene.highlight_nodes), 1.0), (
            (n for n in nodes if faded and n not in scene.highlight_nodes), 0.3
        ):
            group = list(group)
            if not group:
                continue
            nx.draw_networkx_nodes(
                G, scene.pos, nodelist=group, ax=ax, node_shape=marker, node_color=colour, alpha=alpha,
                node_size=[scene.sizes.get(n, 300) for n in group],
                edgecolors=["#000000" if n == scene.centre else "#ffffff" for n in group],
                linewidths=[2.5 if n == scene.centre else 0.8 for n in group],
            )


def _edge_label_text(data: dict, lang: str, with_type: bool = False) -> str:
    parts = [get_schema().edge_label(data["type"], lang)] if with_type and data.get("type") in EDGE_COLOURS else []
    if data.get("role"):
        parts.append(textwrap.shorten(data["role"], 34, placeholder="…"))
    for name in ("start", "mentioned"):
        if data.get(name):
            parts.append(date_text(data[name], lang))
            break
    return "\n".join(parts)


def _label_texts(ax, scene: Scene) -> list:
    """Node labels (and edge labels when asked), as Text artists that adjustText may move."""
    texts = []
    G = scene.graph
    ymin, ymax = ax.get_ylim()
    per_point = (ymax - ymin) / (ax.get_position().height * ax.figure.get_figheight() * 72)
    for n in sorted(G.nodes):
        if scene.labelled is not None and n not in scene.labelled:
            continue
        x, y = scene.pos[n]
        strong = n in scene.highlight_nodes or n == scene.centre
        drop = (scene.sizes.get(n, 300) ** 0.5 / 2 + 3) * per_point  # start just below the marker
        texts.append(ax.text(
            x, y - drop, node_label(G.nodes[n], scene.lang), ha="center", va="top", fontsize=8.5 if strong else 7.5,
            fontweight="bold" if strong else "normal", zorder=5, gid=f"label-{n}",
            alpha=1.0 if strong or not scene.highlight_nodes else 0.6,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75},
        ))
    if scene.edge_labels:
        for u, v, key, data in sorted(G.edges(keys=True, data=True), key=lambda e: e[2]):
            if scene.highlight_edges and key not in scene.highlight_edges:
                continue
            text = _edge_label_text(data, scene.lang, with_type=bool(scene.highlight_edges))
            if not text:
                continue
            (x1, y1), (x2, y2) = scene.pos[u], scene.pos[v]
            texts.append(ax.text(
                (x1 + x2) / 2, (y1 + y2) / 2, text, ha="center", va="center", fontsize=6.5, style="italic",
                color="#333333", zorder=4, gid=f"edge-label-{key}",
                bbox={"boxstyle": "round,pad=0.1", "fc": "#fffbe6", "ec": "none", "alpha": 0.8},
            ))
    return texts


def _place_labels(ax, texts: list, scene: Scene) -> None:
    from adjustText import adjust_text

    if len(texts) < 2:
        return
    xs = [scene.pos[n][0] for n in scene.graph.nodes]
    ys = [scene.pos[n][1] for n in scene.graph.nodes]
    adjust_text(
        texts, x=xs, y=ys, ax=ax, iter_lim=400, time_lim=None, expand=(1.12, 1.25), ensure_inside_axes=True,
        force_text=(0.3, 0.5), force_static=(0.15, 0.3), arrowprops={"arrowstyle": "-", "color": "#888888", "lw": 0.5},
    )


def _legend(ax, scene: Scene, extra: list | None = None) -> None:
    G, lang, schema = scene.graph, scene.lang, get_schema()
    kinds = [k for k in schema.node_kinds if any(a.get("kind") == k for _, a in G.nodes(data=True))]
    types = [e for e in schema.edge_types if any(d.get("type") == e for *_, d in G.edges(data=True))]
    handles = [Line2D([], [], ls="", marker=KIND_STYLE[k][0], color=KIND_STYLE[k][1], markersize=9,
                      label=schema.kind_label(k, lang)) for k in kinds]
    handles += [Line2D([], [], color=EDGE_COLOURS.get(e, "#555555"), lw=2, label=schema.edge_label(e, lang)) for e in types]
    if any(not schema.in_place(d.get("status")) for *_, d in G.edges(data=True)):
        handles += [Line2D([], [], color="#555555", lw=1.5, label=t("firm", lang)),
                    Line2D([], [], color="#555555", lw=1.5, ls="--", label=t("weak", lang))]
    handles += extra or []
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False,
              title=f"{t('kinds', lang)} · {t('relations', lang)}", title_fontsize=9, borderaxespad=0.5)


def caption_text(G: nx.MultiDiGraph, lang: str = "en", width: int = 190) -> str:
    """The caption: what is shown, the sources (title, publisher, date) and the latest dated fact.

    >>> from partnergraph.graph.model.build import load_graph
    >>> caption_text(load_graph()).splitlines()[0]
    'latest dated fact: 26 Oct 2023'
    """
    latest = _latest_date(G)
    head = f"{t('latest', lang)}: {date_text(latest, lang)}" if latest else ""
    sources = G.graph.get("sources", {})
    used = sorted({e["source"] for _, a in G.nodes(data=True) for e in a.get("evidence", [])}
                  | {e["source"] for *_, d in G.edges(data=True) for e in d.get("evidence", [])})
    cited = [f"{s['title']} ({s.get('publisher', '')}, {date_text(s['published'], lang)})"
             for sid in used if (s := sources.get(sid))]
    body = textwrap.fill(f"{t('sources', lang)}: " + "; ".join(cited), width) if cited else ""
    return "\n".join(x for x in (head, body) if x)


def _latest_date(G: nx.MultiDiGraph) -> PartialDate | None:
    dates = [parse_date(a[f]) for _, a in G.nodes(data=True) for f in ("start", "end", "mentioned") if a.get(f)]
    dates += [parse_date(d[f]) for *_, d in G.edges(data=True) for f in ("start", "end", "mentioned") if d.get(f)]
    known = [d for d in dates if d.year_known]
    return max(known, key=lambda d: d.upper, default=None)


def draw_scene(scene: Scene, caption_graph: nx.MultiDiGraph | None = None, ax=None, legend: bool = True) -> Figure:
    """Draw one network scene on a new figure (or on ``ax``), with labels placed apart."""
    from matplotlib import rc_context

    with rc_context(RC):
        if ax is None:
            fig = new_figure(*_figure_size(scene.graph.number_of_nodes()))
            ax = fig.add_axes((0.02, 0.1, 0.76, 0.82))
        fig = ax.figure
        ax.set_axis_off()
        _draw_edges(ax, scene)
        _draw_nodes(ax, scene)
        _pad_axes(ax, scene.pos)
        texts = _label_texts(ax, scene)
        if legend:
            _legend(ax, scene)
            fig.suptitle(scene.title, x=0.02, y=0.985, ha="left", fontsize=15, fontweight="bold")
            if scene.subtitle:
                fig.text(0.02, 0.935, scene.subtitle, ha="left", fontsize=10, color="#444444")
            width = int(14 * fig.get_figwidth())
            fig.text(0.02, 0.015, caption_text(caption_graph or scene.graph, scene.lang, width), ha="left", va="bottom",
                     fontsize=7.5, color="#444444")
        else:
            ax.set_title(scene.title, fontsize=11)
        _place_labels(ax, texts, scene)
    return fig


def _pad_axes(ax, pos: dict, margin: float = 0.08) -> None:
    if not pos:
        return
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    dx, dy = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    ax.set_xlim(min(xs) - margin * dx, max(xs) + margin * dx)
    ax.set_ylim(min(ys) - margin * dy, max(ys) + margin * dy)


def overlapping_labels(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of label texts (node and edge labels) whose drawn boxes overlap; [] when all are apart."""
    renderer = fig.canvas.get_renderer()
    found = []
    for ax in fig.axes:
        labels = [x for x in ax.texts if (x.get_gid() or "").startswith(("label-", "edge-label-"))]
        boxes = [x.get_window_extent(renderer) for x in labels]
        for i in range(len(labels)):
            for j in range(i + 1, len(labels)):
                if boxes[i].overlaps(boxes[j]):
                    found.append((labels[i].get_text(), labels[j].get_text()))
    return found


# --- the views -----------------------------------------------------------------------------------


def _subtitle(G: nx.MultiDiGraph, lang: str, as_of: str | None) -> str:
    parts = [t("counts", lang, n=G.number_of_nodes(), m=G.number_of_edges())]
    if as_of:
        parts.append(t("as_of", lang, date=date_text(as_of, lang)))
    return " · ".join(parts)


def slice_as_of(G: nx.MultiDiGraph, when: str | date) -> nx.MultiDiGraph:
    """The graph as known on a day (graph/timeslice.py decides what that means)."""
    from partnergraph.graph.model.timeslice import as_of

    return as_of(G, when)  # the same rule as every --as-of query


def overview_figure(G: nx.MultiDiGraph, lang: str = "en", size_by: str = "pagerank", layout: str = "auto",
                    seed: int = 7, as_of: str | None = None, title: str | None = None) -> Figure:
    """The whole network (optionally as of a date)."""
    H = slice_as_of(G, as_of) if as_of else G
    if H.number_of_nodes() == 0:
        raise DrawError(f"nothing to draw: no node is known {t('as_of', 'en', date=as_of)}")
    scene = Scene(H, layout_positions(H, layout, seed), node_sizes(H, size_by), lang,
                  title or t("overview", lang), _subtitle(H, lang, as_of))
    return draw_scene(scene, G)


def ego_figure(G: nx.MultiDiGraph, node: str, depth: int = 1, lang: str = "en", size_by: str = "pagerank",
               layout: str = "auto", seed: int = 7, as_of: str | None = None) -> Figure:
    """A node and everything within ``depth`` steps (either direction), with edge labels (role, date)."""
    H = slice_as_of(G, as_of) if as_of else G
    if node not in H:
        raise DrawError(f"{G.nodes[node]['name']} is not in the graph {t('as_of', 'en', date=as_of)}")
    keep = nx.ego_graph(H.to_undirected(as_view=True), node, radius=depth)
    E = H.subgraph(keep.nodes).copy()
    name = display_name(G.nodes[node], lang)
    scene = Scene(E, layout_positions(E, layout, seed), node_sizes(E, size_by), lang,
                  t("ego", lang, name=name, depth=depth), _subtitle(E, lang, as_of), centre=node, edge_labels=True)
    return draw_scene(scene, E)


def find_path(G: nx.MultiDiGraph, a: str, b: str, as_of: str | None = None) -> tuple[list[str], list[str]]:
    """Node ids and edge keys of the shortest path from ``a`` to ``b`` (graph/paths.py; direction ignored)."""
    from partnergraph.graph.analysis.paths import NoPath, find_paths

    try:
        path = find_paths(G, a, b, as_of=as_of)[0]
    except NoPath as exc:
        raise DrawError(str(exc)) from exc
    return list(path.nodes), list(path.edges)


def path_figure(G: nx.MultiDiGraph, a: str, b: str, lang: str = "en", size_by: str = "pagerank",
                layout: str = "auto", seed: int = 7, as_of: str | None = None, context: int = 1) -> Figure:
    """The shortest path from ``a`` to ``b`` drawn bold over its neighbourhood (``context`` steps around it)."""
    nodes, keys = find_path(G, a, b, as_of)
    H = slice_as_of(G, as_of) if as_of else G
    U = H.to_undirected(as_view=True)
    around = set(nodes)
    for n in nodes:
        around |= set(nx.ego_graph(U, n, radius=context))
    C = H.subgraph(around).copy()
    scene = Scene(C, layout_positions(C, layout, seed), node_sizes(C, size_by), lang,
                  t("path", lang, a=display_name(G.nodes[a], lang), b=display_name(G.nodes[b], lang)),
                  " · ".join([t("path_hops", lang, hops=len(keys)), _subtitle(C, lang, as_of)]),
                  highlight_nodes=set(nodes), highlight_edges=set(keys), edge_labels=True)
    return draw_scene(scene, C)


def projection_figure(G: nx.MultiDiGraph, lang: str = "en", size_by: str = "pagerank", layout: str = "auto",
                      seed: int = 7, as_of: str | None = None) -> Figure:
    """The actor projection: actors only, edge width by the number of instruments they share."""
    from partnergraph.graph.analysis.projection import actor_projection

    H = slice_as_of(G, as_of) if as_of else G
    P = actor_projection(H, with_instruments=False)
    M = nx.MultiDiGraph()
    M.add_nodes_from((n, H.nodes[n]) for n in sorted(P.nodes))
    widths = {}
    for u, v, data in sorted(P.edges(data=True)):
        key = f"{u}|{v}"
        weight = data.get("weight", 1)
        M.add_edge(u, v, key=key, type="shared", weight=weight)
        widths[key] = 0.8 + 1.6 * weight
    scene = Scene(M.to_undirected(), layout_positions(M, layout, seed), node_sizes(H.subgraph(M.nodes), size_by),
                  lang, t("projection", lang), _subtitle(M, lang, as_of), widths=widths)
    scene.graph = _as_undirected_multi(M)
    extra = [Line2D([], [], color="#555555", lw=0.8 + 1.6 * w, label=f"{w} {t('shared', lang)}")
             for w in sorted({d['weight'] for *_, d in M.edges(data=True)})[:4]]
    fig = draw_scene(scene, H)
    fig.axes[0].get_legend().remove()
    from matplotlib import rc_context

    with rc_context(RC):
        _legend(fig.axes[0], scene, extra)
    return fig


def _as_undirected_multi(M: nx.MultiDiGraph) -> nx.MultiGraph:
    U = nx.MultiGraph()
    U.add_nodes_from(M.nodes(data=True))
    U.add_edges_from(M.edges(keys=True, data=True))
    return U


def bipartite_figure(G: nx.MultiDiGraph, lang: str = "en", size_by: str = "pagerank", as_of: str | None = None) -> Figure:
    """Actors in the left column, instruments in the right, ordered to keep edges short."""
    H = slice_as_of(G, as_of) if as_of else G
    actors = sorted((n for n, a in H.nodes(data=True) if a["family"] == "actor"), key=lambda n: (H.nodes[n]["kind"], n))
    instruments = sorted((n for n, a in H.nodes(data=True) if a["family"] == "instrument"),
                         key=lambda n: (_mean_neighbour_rank(H, n, actors), n))
    pos = {}
    for column, nodes in ((0.0, actors), (1.0, instruments)):
        for i, n in enumerate(nodes):
            pos[n] = (column, 1 - (i + 0.5) / max(1, len(nodes)))
    scene = Scene(H, pos, node_sizes(H, size_by, 80, 700), lang, t("bipartite", lang), _subtitle(H, lang, as_of))
    from matplotlib import rc_context

    with rc_context(RC):
        fig = new_figure(16, max(8.0, 0.34 * max(len(actors), len(instruments)) + 3))
        ax = fig.add_axes((0.2, 0.1, 0.5, 0.82))
        ax.set_axis_off()
        _draw_edges(ax, scene)
        _draw_nodes(ax, scene)
        ax.set_xlim(-0.05, 1.05)
        ax.set_ylim(-0.02, 1.02)
        for n, (x, y) in pos.items():
            ax.text(x - 0.03 if x == 0 else x + 0.03, y, node_label(H.nodes[n], lang, width=60, short=False),
                    ha="right" if x == 0 else "left", va="center", fontsize=7.5, gid=f"label-{n}")
        _legend(ax, scene)
        ax.get_legend().set_bbox_to_anchor((1.45, 1.0))
        fig.suptitle(scene.title, x=0.02, y=0.985, ha="left", fontsize=15, fontweight="bold")
        fig.text(0.02, 0.95, scene.subtitle, ha="left", fontsize=10, color="#444444")
        fig.text(0.02, 0.01, caption_text(G, lang), ha="left", va="bottom", fontsize=7.5, color="#444444")
    return fig


def _mean_neighbour_rank(G: nx.MultiDiGraph, n: str, order: list[str]) -> float:
    rank = {a: i for i, a in enumerate(order)}
    ranks = [rank[m] for m in nx.all_neighbors(G, n) if m in rank]
    return sum(ranks) / len(ranks) if ranks else len(order)


def snapshots_figure(G: nx.MultiDiGraph, dates: list[str], lang: str = "en", size_by: str = "pagerank",
                     layout: str = "auto", seed: int = 7) -> Figure:
    """Small multiples: the network as of each date side by side, in one shared layout."""
    if not dates:
        raise DrawError("give at least one date for the small multiples, e.g. --as-of 2019-01-01 --as-of 2024-12-31")
    pos = layout_positions(G, layout, seed)
    from matplotlib import rc_context

    with rc_context(RC):
        cols = min(3, len(dates))
        rows = -(-len(dates) // cols)
        fig = new_figure(7.5 * cols, 6.5 * rows + 1.5)
        shown_before: set = set()
        for i, when in enumerate(dates):
            H = slice_as_of(G, when)
            ax = fig.add_subplot(rows, cols, i + 1)
            # Label what is tied in and new since the previous panel, so each panel reads as "what was added".
            linked = {n for n in H if H.degree(n)}
            scene = Scene(H, {n: pos[n] for n in H}, node_sizes(H, size_by, 40, 400) if H.number_of_nodes() else {},
                          lang, f"{t('as_of', lang, date=date_text(when, lang))} · {_subtitle(H, lang, None)}",
                          labelled=linked - shown_before)
            shown_before |= linked
            ax.set_axis_off()
            _pad_axes(ax, pos)
            _draw_edges(ax, scene)
            _draw_nodes(ax, scene)
            ax.set_title(scene.title, fontsize=11)
            _place_labels(ax, _label_texts(ax, scene), scene)
        fig.suptitle(t("snapshots", lang), x=0.02, ha="left", fontsize=15, fontweight="bold")
        fig.text(0.02, 0.93, t("snapshots_note", lang), ha="left", fontsize=10, color="#444444")
        fig.subplots_adjust(left=0.02, right=0.86, top=0.9, bottom=0.12)
        _legend(fig.axes[-1], Scene(G, pos, {}, lang))
        fig.text(0.02, 0.01, caption_text(G, lang), ha="left", va="bottom", fontsize=7.5, color="#444444")
    return fig


# --- the timeline --------------------------------------------------------------------------------


@dataclass
class TimelineItem:
    """One row of the timeline: an instrument, its group, its date and what the date says."""

    node: str
    group: str
    label: str
    kind: str
    date: PartialDate
    field: str  # start, end or mentioned
    via_relation: bool = False


def timeline_items(G: nx.MultiDiGraph, group_by: str = "kind", lang: str = "en") -> list[TimelineItem]:
    """Dated instruments (their own date, else the date of a relation to them), grouped by kind or actor.

    >>> from partnergraph.graph.model.build import load_graph
    >>> items = timeline_items(load_graph())
    >>> [(i.node, i.date.precision, i.date.year_known) for i in items if i.kind == "exercise"]
    [('eu-indonesia-naval-exercise', 'day', False)]
    """
    if group_by not in ("kind", "actor"):
        raise DrawError(f"unknown timeline grouping {group_by!r}; choose kind or actor")
    schema = get_schema()
    items = []
    for n, a in sorted(G.nodes(data=True)):
        if a.get("family") != "instrument":
            continue
        found = _own_or_relation_date(G, n, a)
        if not found:
            continue
        when, fieldname, via = found
        groups = [schema.kind_label(a["kind"], lang)] if group_by == "kind" else sorted(
            {display_name(G.nodes[m], lang) for m in nx.all_neighbors(G, n) if G.nodes[m]["family"] == "actor"})
        for group in groups:
            items.append(TimelineItem(n, group, node_label(a, lang, width=48), a["kind"], when, fieldname, via))
    return sorted(items, key=lambda i: (i.group, i.date.sort_key(), i.node))


def _own_or_relation_date(G, n: str, a: dict) -> tuple[PartialDate, str, bool] | None:
    if a.get("start") and a.get("end"):
        return parse_date(f"{a['start']}/{a['end']}"), "start", False
    for name in ("start", "end", "mentioned"):
        if a.get(name):
            return parse_date(a[name]), name, False
    dated = sorted((parse_date(d[f]).sort_key(), d[f], f) for _, _, d in G.in_edges(n, data=True)
                   for f in ("start", "mentioned") if d.get(f))
    if dated:
        return parse_date(dated[0][1]), dated[0][2], True
    return None


def timeline_figure(G: nx.MultiDiGraph, group_by: str = "kind", lang: str = "en") -> Figure:
    """Instruments on a time axis, one row each, grouped; the marks show each date's precision.

    A dot is a day, a short bar a month, a long pale bar a year, a capped bar a range; hollow marks
    are dates on which an instrument is only mentioned. Dates whose year the source does not give
    go in a separate panel on a month axis.
    """
    import matplotlib.dates as mdates
    from matplotlib import rc_context

    items = timeline_items(G, group_by, lang)
    if not items:
        raise DrawError("nothing to draw: no instrument has a date")
    known = [i for i in items if i.date.year_known]
    unknown = [i for i in items if not i.date.year_known]
    rows = _timeline_rows(items)
    with rc_context(RC):
        fig = new_figure(15, max(5.0, 0.42 * len(rows) + 3.2))
        panels = [(known, 3.0), (unknown, 1.4)]
        panels = [(p, w) for p, w in panels if p]
        grid = fig.add_gridspec(1, len(panels), width_ratios=[w for _, w in panels], left=0.3, right=0.97,
                                top=0.86, bottom=0.2, wspace=0.08)
        axes = [fig.add_subplot(grid[0, i]) for i in range(len(panels))]
        for ax, (panel, _) in zip(axes, panels):
            _draw_timeline_panel(ax, panel, rows, lang, year_known=panel is known)
            ax.set_ylim(len(rows) - 0.5, -0.5)
            ax.grid(axis="x", color="#dddddd", lw=0.6)
            ax.set_axisbelow(True)
        axes[0].set_yticks(range(len(rows)), [r[1] for r in rows], fontsize=8)
        for ax in axes[1:]:
            ax.set_yticks(range(len(rows)), [""] * len(rows))
        _group_bands(axes, rows)
        if unknown:
            axes[-1].set_title(t("year_unknown", lang), fontsize=9, color="#444444")
        title = t("timeline" if group_by == "kind" else "timeline_by_actor", lang)
        fig.suptitle(title, x=0.02, y=0.975, ha="left", fontsize=15, fontweight="bold")
        undated = sum(1 for _, a in G.nodes(data=True) if a.get("family") == "instrument") - len({i.node for i in items})
        note = t("undated", lang, n=undated) if undated else ""
        fig.text(0.02, 0.91, note, ha="left", fontsize=9, color="#444444")
        fig.legend(handles=_precision_handles(lang), loc="lower left", bbox_to_anchor=(0.3, 0.085),
                   ncol=5, fontsize=8, frameon=False)
        fig.text(0.02, 0.01, caption_text(G, lang), ha="left", va="bottom", fontsize=7.5, color="#444444")
    return fig


def _timeline_rows(items: list[TimelineItem]) -> list[tuple[str, str]]:
    rows, seen = [], set()
    for i in items:
        if (i.group, i.node) not in seen:
            seen.add((i.group, i.node))
            rows.append((i.group, i.label.replace("\n", " ")))
    return rows


def _group_bands(axes, rows) -> None:
    start = 0
    for idx in range(1, len(rows) + 1):
        if idx == len(rows) or rows[idx][0] != rows[start][0]:
            for ax in axes:
                if start:
                    ax.axhline(start - 0.5, color="#999999", lw=0.8)
            axes[0].annotate(rows[start][0], xy=(0, start - 0.45), xycoords=("axes fraction", "data"),
                             xytext=(-4, 0), textcoords="offset points", ha="right", va="bottom",
                             fontsize=8.5, fontweight="bold", color="#222222", annotation_clip=False)
            start = idx
    axes[0].yaxis.set_tick_params(pad=4)


def _span(i: TimelineItem, year_known: bool) -> tuple[date, date]:
    if year_known:
        return i.date.lower, i.date.upper
    s, e = i.date.start, i.date.end
    lo = date(2000, s.month or 1, s.day or 1)
    import calendar

    last = e.day or calendar.monthrange(2000, e.month or 12)[1]
    return lo, date(2000, e.month or 12, last)


def _draw_timeline_panel(ax, items, rows, lang: str, year_known: bool) -> None:
    import re
    from datetime import timedelta

    import matplotlib.dates as mdates

    index = {r: k for k, r in enumerate(rows)}
    span_days = 365 * 5 if year_known else 365
    for i in items:
        y = index[(i.group, i.label.replace("\n", " "))]
        lo, hi = _span(i, year_known)
        colour = KIND_STYLE.get(i.kind, ("o", "#555555"))[1]
        hollow = i.field == "mentioned" or i.via_relation
        if i.date.precision == "day" and not i.date.is_range:
            ax.plot([lo], [y], ls="", marker="o", markersize=8, color=colour, mfc="white" if hollow else colour, mew=2)
        else:
            days = max((hi - lo).days + 1, span_days // 150)
            height = 0.22 if i.date.precision == "year" else 0.42
            ax.barh(y, timedelta(days=days), left=lo, height=height, color=colour, edgecolor=colour, lw=1.5,
                    fill=not hollow, alpha=0.5 if i.date.precision == "year" else 0.95)
            if i.date.is_range:
                ax.plot([lo, lo + timedelta(days=days)], [y, y], ls="", marker="|", markersize=13, color="#222222")
            hi = lo + timedelta(days=days)
        text = re.sub(r" \(.*\)$", "", date_text(i.date, lang))
        ax.annotate(text, xy=(hi, y), xytext=(8, 0), textcoords="offset points", va="center", fontsize=7.5,
                    color="#333333")
    if year_known:
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        years = [i.date.lower.year for i in items] + [i.date.upper.year for i in items]
        ax.set_xlim(date(min(years), 1, 1), date(max(years) + 1, 6, 30))
    else:
        ax.set_xlim(date(2000, 1, 1), date(2001, 2, 28))
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%m" if lang == "vi" else "%b"))


def _precision_handles(lang: str) -> list:
    grey = "#555555"
    return [
        Line2D([], [], ls="", marker="o", markersize=8, color=grey, label=t("day", lang)),
        Line2D([], [], color=grey, lw=9, alpha=0.95, label=t("month", lang)),
        Line2D([], [], color=grey, lw=5, alpha=0.5, label=t("year", lang)),
        Line2D([], [], color=grey, lw=9, marker="|", markersize=13, mec="#222222", label=t("range", lang)),
        Line2D([], [], ls="", marker="s", markersize=10, color=grey, mfc="white", mew=1.5, label=t("mentioned", lang)),
    ]


# --- the centrality chart ------------------------------------------------------------------------


def centrality_figure(G: nx.MultiDiGraph, measure: str = "pagerank", top: int = 15, lang: str = "en",
                      family: str | None = None) -> Figure:
    """Ranked horizontal bars of the ``top`` nodes by ``measure``, coloured by kind."""
    from matplotlib import rc_context

    if measure == "none":
        raise DrawError("choose a centrality for the chart, e.g. pagerank or degree")
    scores = centrality(G, measure)
    ranked = sorted((n for n in G if family is None or G.nodes[n]["family"] == family),
                    key=lambda n: (-scores[n], n))[:top]
    with rc_context(RC):
        fig = new_figure(11, 0.38 * len(ranked) + 2.6)
        ax = fig.add_axes((0.36, 0.2, 0.58, 0.68))
        ys = range(len(ranked))
        ax.barh(ys, [scores[n] for n in ranked], color=[KIND_STYLE.get(G.nodes[n]["kind"], ("", "#777"))[1] for n in ranked])
        ax.set_yticks(ys, [node_label(G.nodes[n], lang, width=60, short=False) for n in ranked], fontsize=8)
        ax.invert_yaxis()
        for y, n in zip(ys, ranked):
            ax.annotate(f"{scores[n]:.3f}", xy=(scores[n], y), xytext=(4, 0), textcoords="offset points",
                        va="center", fontsize=7.5)
        ax.set_xlabel(f"{measure} {t('score', lang)}")
        ax.spines[["top", "right"]].set_visible(False)
        schema = get_schema()
        kinds = sorted({G.nodes[n]["kind"] for n in ranked}, key=list(schema.node_kinds).index)
        ax.legend(handles=[Line2D([], [], lw=8, color=KIND_STYLE[k][1], label=schema.kind_label(k, lang)) for k in kinds],
                  loc="lower right", fontsize=8, frameon=False)
        fig.suptitle(t("centrality", lang, measure=measure), x=0.02, y=0.97, ha="left", fontsize=14, fontweight="bold")
        fig.text(0.02, 0.01, caption_text(G, lang, width=150), ha="left", va="bottom", fontsize=7, color="#444444")
    return fig


# --- saving and the one entry point --------------------------------------------------------------


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
    from matplotlib import rc_context

    fmt = figure_format(path)
    if not 20 <= dpi <= 1200:
        raise DrawError(f"--dpi {dpi} is out of range; give 20 to 1200 (150 is good for slides, 300 for print)")
    buffer = io.BytesIO()
    with rc_context(RC):
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=METADATA[fmt], facecolor="white")
    Path(path).write_bytes(buffer.getvalue())
    width, height = fig.get_size_inches()
    return {"path": str(path), "format": fmt, "bytes": len(buffer.getvalue()),
            "width_px": round(width * dpi), "height_px": round(height * dpi)}


VIEWS = ("overview", "ego", "path", "projection", "bipartite", "snapshots", "timeline", "centrality")


def make_figure(G: nx.MultiDiGraph, view: str = "overview", *, lang: str = "en", size_by: str = "pagerank",
                layout: str = "auto", seed: int = 7, as_of: list[str] | None = None, node: str | None = None,
                depth: int = 1, path: tuple[str, str] | None = None, group_by: str = "kind", top: int = 15) -> Figure:
    """The figure of one view; node ids must already be resolved."""
    when = as_of[0] if as_of and len(as_of) == 1 else None
    common = {"lang": lang, "size_by": size_by, "layout": layout, "seed": seed}
    if view == "overview":
        return overview_figure(G, as_of=when, **common)
    if view == "ego":
        return ego_figure(G, node, depth, as_of=when, **common)
    if view == "path":
        return path_figure(G, path[0], path[1], as_of=when, **common)
    if view == "projection":
        return projection_figure(G, as_of=when, **common)
    if view == "bipartite":
        return bipartite_figure(G, lang=lang, size_by=size_by, as_of=when)
    if view == "snapshots":
        return snapshots_figure(G, list(as_of or []), **common)
    if view == "timeline":
        return timeline_figure(G, group_by, lang)
    if view == "centrality":
        return centrality_figure(G, "pagerank" if size_by == "none" else size_by, top, lang)
    raise DrawError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")


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
    scores = centrality(G, "pagerank")
    actors = sorted((n for n, a in G.nodes(data=True) if a["family"] == "actor"), key=lambda n: (-scores[n], n))
    for n in actors[:top_actors]:
        save(f"ego-{n}", ego_figure(G, n, 1, lang=lang))
    if any(_own_or_relation_date(G, n, a) for n, a in G.nodes(data=True) if a["family"] == "instrument"):
        save("timeline", timeline_figure(G, lang=lang))
    save("centrality", centrality_figure(G, lang=lang))
    return figures
