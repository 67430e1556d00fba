"""The interactive view: one self-contained, offline HTML file built on sigma.js (WebGL) and graphology.

The page inlines the vendored sigma.js and graphology builds (graph/present/vendor/, MIT, licences
kept beside them and quoted in the page), the graph data and its script (templates/interactive.js):
nothing is fetched. In it a user can zoom and pan (labels appear by zoom and importance, never all
at once on a big graph), filter by kind, edge type, status (in place / tentative) and date (a slider
that applies graph/model/timeslice.py's rule), search by any name with case and diacritics folded
("viet nam" finds Việt Nam), focus a node's neighbourhood, read a side panel with the names in both
languages, kind, status, dates and every evidence quote with its source, and save the view as PNG.

The data is columnar (numbers and indices into shared lists, not one object per node), so a graph of
20,000 nodes and 70,000 relations stays a file of a few MB that loads in seconds.

>>> from partnergraph.graph.model.build import load_graph
>>> page = html_page(load_graph())
>>> page.startswith("<!DOCTYPE html>"), "new Sigma(" in page, '<script src=' in page
(True, True, False)
"""

from __future__ import annotations

import html
import json
from datetime import date
from importlib import resources
from pathlib import Path

import networkx as nx

from partnergraph.graph.model.dates import as_date
from partnergraph.graph.model.names import display_name, fold, names_of
from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.model.timeslice import effective_end, effective_start
from partnergraph.graph.model.i18n import catalogue, lang_of, t
from partnergraph.graph.present.layout import LayoutError, layout_positions
from partnergraph.graph.present.errors import DrawError
from partnergraph.graph.present.sizes import importance
from partnergraph.graph.present.select import SelectError, kinds_named, select, statuses_named
from partnergraph.graph.present.style import edge_colour, kind_colour
from partnergraph.graph.present.text import caption_text, date_text, node_label, source_title, subtitle_text

SIGMA_VERSION = "3.0.2"
GRAPHOLOGY_VERSION = "0.26.0"
VENDORED = ("graphology.umd.min.js", "sigma.min.js")
#: Above this many nodes arrows are left off edges and labels need a closer zoom.
BIG = 2_000
_EPOCH = date(1970, 1, 1)


class InteractiveError(ValueError):
    """A page that cannot be written (unknown kind or status, a node not in the graph, a bad layout)."""


def vendored_library() -> str:
    """The vendored graphology and sigma.js builds (minified JavaScript), in load order."""
    files = resources.files("partnergraph.graph.present").joinpath("vendor")
    return "\n".join(files.joinpath(name).read_text("utf-8") for name in VENDORED)


def _template(name: str) -> str:
    return resources.files("partnergraph.graph.present").joinpath("templates", name).read_text("utf-8")


def _script_json(data) -> str:
    """JSON that is safe inside a <script> element (no '<', '>', '&' or line separators)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def _day(d: date | None) -> int | None:
    return None if d is None else (d - _EPOCH).days


class _Table:
    """Strings kept once: the data refers to them by index."""

    def __init__(self):
        self.items: list = []
        self.index: dict = {}

    def __call__(self, value) -> int:
        if value not in self.index:
            self.index[value] = len(self.items)
            self.items.append(value)
        return self.index[value]


def _dates(attrs: dict, lang: str) -> list[str]:
    return [f"{t('field_' + f, lang)}: {date_text(attrs[f], lang)}" for f in get_schema().date_fields if attrs.get(f)]


def graph_data(G: nx.MultiDiGraph, lang: str = "en", size_by: str = "pagerank", layout: str = "auto",
               seed: int = 7) -> dict:
    """The graph as the page's script reads it: columns of numbers and indices into shared tables.

    >>> from partnergraph.graph.model.build import load_graph
    >>> data = graph_data(load_graph())
    >>> len(data["nodes"]["id"]), len(data["edges"]["s"])
    (33, 50)
    >>> i = data["nodes"]["id"].index("viet-nam"); data["nodes"]["names"][i]
    ['Viet Nam', 'Việt Nam']
    """
    schema = get_schema()
    try:
        pos = layout_positions(G, layout, seed)
        values = importance(G, size_by)
    except (LayoutError, DrawError) as exc:
        raise InteractiveError(str(exc)) from exc
    nodes = sorted(G.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    lo, hi = min(values.values(), default=0.0), max(values.values(), default=0.0)
    big = len(nodes) > BIG
    smallest, largest = (1.5, 12.0) if big else (4.0, 18.0)
    kinds, types, statuses, text = _Table(), _Table(), _Table(), _Table()
    present_kinds = {a.get("kind", "") for _, a in G.nodes(data=True)}
    present_types = {d.get("type", "") for *_, d in G.edges(data=True)}
    for k in [k for k in schema.node_kinds if k in present_kinds] + sorted(present_kinds - set(schema.node_kinds)):
        kinds(k)
    for e in [e for e in schema.edge_types if e in present_types] + sorted(present_types - set(schema.edge_types)):
        types(e)
    source_ids = sorted(G.graph.get("sources", {}))
    source_index = {s: i for i, s in enumerate(source_ids)}

    def evidence(attrs: dict) -> list:
        return [[source_index.get(e["source"], -1), e["quote"]] for e in attrs.get("evidence", [])]

    def status_of(attrs: dict) -> int:
        return statuses(attrs["status"]) if attrs.get("status") else -1

    cols = {k: [] for k in ("id", "label", "x", "y", "size", "kind", "status", "names", "aliases", "search",
                            "start", "end", "dates", "evidence", "note")}
    for n in nodes:
        a = G.nodes[n]
        x, y = pos.get(n, (0.0, 0.0))
        names = [a["name"]] + ([a["name_vi"]] if a.get("name_vi") and a["name_vi"] != a["name"] else [])
        undated_actor = a.get("family") == "actor" and not any(a.get(f) for f in schema.date_fields)
        cols["id"].append(n)
        cols["label"].append(node_label(a, lang).replace("\n", " "))
        cols["x"].append(round(x, 3))
        cols["y"].append(round(y, 3))
        scale = (values[n] - lo) / (hi - lo) if hi > lo else 0.3
        cols["size"].append(round(smallest + (largest - smallest) * scale ** 0.5, 2))
        cols["kind"].append(kinds(a.get("kind", "")))
        cols["status"].append(status_of(a))
        cols["names"].append(names)
        cols["aliases"].append([x for x in names_of(a) if x not in names])
        cols["search"].append(sorted({fold(x) for x in names_of(a)} | {fold(n.replace("-", " "))}))
        cols["start"].append(-10**7 if undated_actor else _day(effective_start(G, a)))
        cols["end"].append(_day(effective_end(a)))
        cols["dates"].append(_dates(a, lang))
        cols["evidence"].append(evidence(a))
        cols["note"].append(a.get("note") or "")
    edges = {k: [] for k in ("key", "s", "t", "type", "status", "start", "end", "role", "dates", "evidence")}
    for u, v, key, d in sorted(G.edges(keys=True, data=True), key=lambda e: str(e[2])):
        edges["key"].append(str(key))
        edges["s"].append(index[u])
        edges["t"].append(index[v])
        edges["type"].append(types(d.get("type", "")))
        edges["status"].append(status_of(d))
        edges["start"].append(_day(effective_start(G, d)))  # timeslice's rule: undated edges from their sources
        edges["end"].append(_day(effective_end(d)))
        role = (d.get("role_vi") if lang == "vi" else None) or d.get("role") or ""
        edges["role"].append(text(role) if role else -1)
        edges["dates"].append(_dates(d, lang))
        edges["evidence"].append(evidence(d))
    sources = G.graph.get("sources", {})
    return {
        "nodes": cols, "edges": edges, "texts": text.items,
        "kinds": [{"id": k, "label": schema.kind_label(k, lang), "colour": kind_colour(k),
                   "ring": schema.node_kinds.get(k, {}).get("family") == "instrument"} for k in kinds.items],
        "types": [{"id": e, "label": schema.edge_label(e, lang), "colour": edge_colour(e)} for e in types.items],
        "statuses": [{"id": s, "label": schema.status_label(s, lang), "in_place": schema.in_place(s)} for s in statuses.items],
        "sources": [{"id": s, "title": source_title(sources[s], lang), "publisher": sources[s].get("publisher", ""),
                     "published": date_text(str(sources[s]["published"]), lang) if sources[s].get("published") else ""}
                    for s in source_ids],
        "big": big,
    }


def _messages(lang: str) -> dict:
    return {k[3:]: t(k, lang) for k in catalogue() if k.startswith("ui_") and "{" not in catalogue()[k]["en"]}


def _initial(kinds: list[str] | None, status, as_of: str | None) -> dict:
    """What the page shows first: the filters given on the command line (the user can change them)."""
    try:
        wanted_kinds = sorted(kinds_named(kinds)) if kinds else None
        wanted_status = statuses_named(status)
    except SelectError as exc:
        raise InteractiveError(str(exc)) from exc
    state = {"kinds": wanted_kinds, "in_place": True, "tentative": True, "statuses": None, "as_of": None}
    if status in ("in-place", ["in-place"]):
        state["tentative"] = False
    elif status in ("tentative", ["tentative"]):
        state["in_place"] = False
    elif wanted_status is not None:
        state["statuses"] = sorted(wanted_status)
    if as_of:
        state["as_of"] = _day(as_date(as_of))
    return state


def html_page(G: nx.MultiDiGraph, lang: str = "en", title: str | None = None, size_by: str = "pagerank",
              layout: str = "auto", seed: int = 7, subtitle: str | None = None, node: str | None = None,
              depth: int = 1, kinds: list[str] | None = None, status=None, as_of: str | None = None) -> str:
    """The whole page as text: data, graphology, sigma.js and the script, nothing fetched from the network.

    ``node``/``depth`` cut the graph to a neighbourhood; ``kinds``, ``status`` and ``as_of`` set the
    page's filters at start (the data keeps everything, so the user can widen them).
    """
    lang = lang_of(lang)
    initial = _initial(kinds, status, as_of)
    if node is not None:
        if node not in G:
            raise InteractiveError(f"{node!r} is not in the graph")
        G = G.subgraph(nx.ego_graph(G.to_undirected(as_view=True), node, radius=depth)).copy()
        title = title or t("ego", lang, name=display_name(G.nodes[node], lang), depth=depth)
    title = title or t("overview", lang)
    _, counted = select(G, kinds, status, None, lang)
    subtitle = subtitle if subtitle is not None else subtitle_text(G, lang, as_of, counted)
    data = {"graph": graph_data(G, lang, size_by, layout, seed), "ui": _messages(lang), "initial": initial,
            "lang": lang, "centre": node}
    licence = (f"sigma.js {SIGMA_VERSION} (https://www.sigmajs.org), (c) 2013-2025 Alexis Jacomy, Guillaume Plique, "
               f"Benoît Simard, MIT licence; graphology {GRAPHOLOGY_VERSION} (https://graphology.github.io), "
               "(c) 2016-2021 Guillaume Plique, MIT licence")
    caption = caption_text(G, lang, width=10_000).replace("\n", " · ")
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{_template('interactive.css')}</style>",
        "</head>",
        "<body>",
        f'<header><h1>{html.escape(title)}</h1><p id="subtitle">{html.escape(subtitle)}</p>'
        f'<p id="caption">{html.escape(caption)}</p></header>',
        '<main><div id="graph"></div><div id="status-line"></div></main>',
        '<aside id="side"><div id="controls"></div><div id="panel"></div>'
        f'<p class="licence"><small>{html.escape(licence)}</small></p></aside>',
        f'<script id="pg-data" type="application/json">{_script_json(data)}</script>',
        f"<!-- {html.escape(licence)} -->",
        f"<script>{vendored_library()}</script>",
        f"<script>{_template('interactive.js')}</script>",
        "</body>",
        "</html>",
        "",
    ])


def write_html(G: nx.MultiDiGraph, path: str | Path, **options) -> dict:
    """Write the interactive page to ``path`` (whole or not at all); return what was written."""
    page = html_page(G, **options).encode("utf-8")
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(page)
    tmp.replace(target)
    shown = G
    if options.get("node") is not None:
        shown = G.subgraph(nx.ego_graph(G.to_undirected(as_view=True), options["node"], radius=options.get("depth", 1)))
    return {"path": str(path), "format": "html", "bytes": len(page), "nodes": shown.number_of_nodes(),
            "edges": shown.number_of_edges()}
