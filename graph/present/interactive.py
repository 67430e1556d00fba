"""An interactive view: one self-contained HTML file built on vis-network.

The page inlines the vendored vis-network standalone build (graph/present/vendor/,
Apache-2.0 OR MIT, licence text kept beside it and quoted in the page), so it
opens without network access. In it a user can drag nodes, zoom and pan,
hover a node or edge to see its names (English and Vietnamese), kind, dates,
status and the evidence quotes with their sources, and click a node to
highlight its neighbours (click the background to clear). A search box
selects a node by any of its names.

Node shape and colour follow the kind and edge colour the type, as in the
matplotlib pictures (:mod:`partnergraph.graph.present.draw`); positions come from the
same seeded layout, so the same graph gives the same file.

>>> from partnergraph.graph.model.build import load_graph
>>> page = html_page(load_graph())
>>> page.startswith("<!DOCTYPE html>"), "vis.Network" in page, '<script src=' in page
(True, True, False)
"""

from __future__ import annotations

import html
import json
from importlib import resources
from pathlib import Path

import networkx as nx

from partnergraph.graph.model.names import display_name
from partnergraph.graph.model.schema import get_schema

VIS_VERSION = "10.1.5"


def vendored_library() -> str:
    """The vendored vis-network standalone build (minified JavaScript)."""
    return resources.files("partnergraph.graph.present").joinpath("vendor/vis-network.min.js").read_text("utf-8")


def _script_json(data) -> str:
    """JSON that is safe inside a <script> element (no '<', '>', '&' or line separators)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def _dates(attrs: dict, lang: str) -> list[str]:
    from partnergraph.graph.present.draw import date_text

    return [f"{name}: {date_text(attrs[name], lang)}" for name in ("start", "end", "mentioned") if attrs.get(name)]


def _evidence(G: nx.MultiDiGraph, attrs: dict) -> list[dict]:
    sources = G.graph.get("sources", {})
    return [{"quote": e["quote"], "source": e["source"], "title": sources.get(e["source"], {}).get("title", "")}
            for e in attrs.get("evidence", [])]


def graph_data(G: nx.MultiDiGraph, lang: str = "en", size_by: str = "pagerank", layout: str = "auto",
               seed: int = 7) -> dict:
    """The nodes and edges as vis-network items, with what the tooltips show.

    >>> from partnergraph.graph.model.build import load_graph
    >>> data = graph_data(load_graph())
    >>> len(data["nodes"]), len(data["edges"])
    (33, 50)
    >>> [n["info"]["names"] for n in data["nodes"] if n["id"] == "viet-nam"]
    [['Viet Nam', 'Việt Nam']]
    """
    from partnergraph.graph.present.draw import EDGE_COLOURS, KIND_STYLE, layout_positions, node_label, node_sizes
    from partnergraph.graph.model.schema import get_schema

    schema = get_schema()
    pos = layout_positions(G, layout, seed)
    xs, ys = [p[0] for p in pos.values()] or [0], [p[1] for p in pos.values()] or [0]
    scale = 1400 / max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    sizes = node_sizes(G, size_by, 10, 40)
    nodes = []
    for n, a in sorted(G.nodes(data=True)):
        _, colour, shape = KIND_STYLE.get(a.get("kind"), ("o", "#999999", "dot"))
        names = [a["name"]] + ([a["name_vi"]] if a.get("name_vi") and a["name_vi"] != a["name"] else [])
        nodes.append({
            "id": n, "label": node_label(a, lang), "shape": shape, "color": colour,
            "size": round(sizes[n], 2), "x": round((pos[n][0] - min(xs)) * scale, 1),
            "y": round((max(ys) - pos[n][1]) * scale, 1),
            "info": {"names": names, "kind": schema.kind_label(a["kind"], lang), "status": a.get("status", ""),
                     "dates": _dates(a, lang), "short": a.get("short_name", ""), "aliases": a.get("aliases", []),
                     "evidence": _evidence(G, a)},
            "search": " ".join([n, *names, a.get("short_name", ""), *a.get("aliases", [])]).lower(),
        })
    edges = []
    for u, v, key, d in sorted(G.edges(keys=True, data=True), key=lambda e: e[2]):
        weak = not get_schema().in_place(d.get("status"))
        edges.append({
            "id": key, "from": u, "to": v, "arrows": "to", "dashes": weak,
            "color": EDGE_COLOURS.get(d.get("type"), "#555555"), "width": 1.5,
            "info": {"sentence": f"{display_name(G.nodes[u], lang)} —{schema.edge_label(d['type'], lang)}→ "
                                 f"{display_name(G.nodes[v], lang)}",
                     "status": d.get("status", ""), "role": d.get("role", ""), "dates": _dates(d, lang),
                     "evidence": _evidence(G, d)},
        })
    return {"nodes": nodes, "edges": edges}


_STYLE = """
html, body { margin: 0; height: 100%; font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; }
header { padding: 8px 14px; border-bottom: 1px solid #ddd; }
header h1 { font-size: 18px; margin: 0 0 4px 0; }
header p { margin: 0; font-size: 12px; color: #444; }
#graph { position: absolute; top: 92px; bottom: 0; left: 0; right: 260px; }
#side { position: absolute; top: 92px; bottom: 0; right: 0; width: 250px; overflow: auto; font-size: 12px;
        border-left: 1px solid #ddd; padding: 6px; box-sizing: border-box; }
#side input { width: 100%; box-sizing: border-box; margin-bottom: 8px; }
.swatch { display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: middle; }
.line { display: inline-block; width: 18px; height: 0; border-top: 3px solid; margin-right: 6px; vertical-align: middle; }
.tip { max-width: 420px; font-size: 12px; white-space: normal; }
.tip b { font-size: 13px; }
.tip q { display: block; font-style: italic; margin: 3px 0 0 6px; }
.tip small { color: #555; }
"""

_SCRIPT = r"""
(function () {
  var data = JSON.parse(document.getElementById("pg-data").textContent);
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function tip(info, heading) {
    var box = el("div", null, "tip");
    box.appendChild(el("b", heading));
    var lines = [];
    if (info.names && info.names.length > 1) lines.push(info.names.slice(1).join(" · "));
    if (info.kind) lines.push(info.kind + (info.short ? " · " + info.short : ""));
    if (info.role) lines.push(info.role);
    if (info.status) lines.push(data.labels.status + ": " + info.status);
    (info.dates || []).forEach(function (d) { lines.push(d); });
    lines.forEach(function (t) { box.appendChild(el("div", t)); });
    (info.evidence || []).forEach(function (e) {
      box.appendChild(el("q", e.quote));
      box.appendChild(el("small", "— " + (e.title || e.source) + " [" + e.source + "]"));
    });
    return box;
  }
  var nodeItems = data.graph.nodes.map(function (n) {
    return { id: n.id, label: n.label, shape: n.shape, size: n.size, x: n.x, y: n.y,
             color: { background: n.color, border: "#ffffff", highlight: { background: n.color, border: "#000000" } },
             font: { size: 14, color: "#222222", strokeWidth: 3, strokeColor: "#ffffff" },
             title: tip(n.info, n.info.names[0]), base: n.color };
  });
  var edgeItems = data.graph.edges.map(function (e) {
    return { id: e.id, from: e.from, to: e.to, arrows: e.arrows, dashes: e.dashes, width: e.width,
             color: { color: e.color, highlight: "#000000" }, title: tip(e.info, e.info.sentence), base: e.color };
  });
  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);
  var network = new vis.Network(document.getElementById("graph"), { nodes: nodes, edges: edges }, {
    physics: false,
    interaction: { hover: true, tooltipDelay: 120, navigationButtons: false, keyboard: true },
    edges: { smooth: { type: "curvedCW", roundness: 0.08 }, arrows: { to: { scaleFactor: 0.6 } } },
    nodes: { borderWidth: 1 }
  });
  network.fit();
  function highlight(id) {
    var keep = {};
    if (id !== null) {
      keep[id] = true;
      network.getConnectedNodes(id).forEach(function (n) { keep[n] = true; });
    }
    nodes.update(nodeItems.map(function (n) {
      var on = id === null || keep[n.id];
      return { id: n.id, color: { background: on ? n.base : "#e4e4e4", border: on ? "#ffffff" : "#dddddd" },
               font: { color: on ? "#222222" : "#bbbbbb" } };
    }));
    edges.update(edgeItems.map(function (e) {
      var on = id === null || e.from === id || e.to === id;
      return { id: e.id, color: { color: on ? e.base : "#eeeeee" }, width: on && id !== null ? 3 : 1.5 };
    }));
  }
  network.on("click", function (params) {
    highlight(params.nodes.length ? params.nodes[0] : null);
  });
  document.getElementById("search").addEventListener("input", function (ev) {
    var q = ev.target.value.trim().toLowerCase();
    if (!q) { highlight(null); network.unselectAll(); return; }
    var hit = data.graph.nodes.find(function (n) { return n.search.indexOf(q) >= 0; });
    if (hit) { network.selectNodes([hit.id]); highlight(hit.id); network.focus(hit.id, { scale: 1.2 }); }
  });
  window.partnergraph = { network: network, nodes: nodes, edges: edges, highlight: highlight };
})();
"""


def _legend_html(G: nx.MultiDiGraph, lang: str) -> str:
    from partnergraph.graph.present.draw import EDGE_COLOURS, KIND_STYLE, t
    from partnergraph.graph.model.schema import get_schema

    schema = get_schema()
    kinds = [k for k in schema.node_kinds if any(a.get("kind") == k for _, a in G.nodes(data=True))]
    types = [e for e in schema.edge_types if any(d.get("type") == e for *_, d in G.edges(data=True))]
    rows = [f'<div><span class="swatch" style="background:{KIND_STYLE[k][1]}"></span>{html.escape(schema.kind_label(k, lang))}</div>'
            for k in kinds]
    rows += [f'<div><span class="line" style="border-color:{EDGE_COLOURS.get(e, "#555")}"></span>'
             f'{html.escape(schema.edge_label(e, lang))}</div>' for e in types]
    rows.append(f'<div><span class="line" style="border-top-style:dashed;border-color:#555"></span>{html.escape(t("weak", lang))}</div>')
    return f"<h3>{html.escape(t('kinds', lang))} · {html.escape(t('relations', lang))}</h3>" + "\n".join(rows)


def html_page(G: nx.MultiDiGraph, lang: str = "en", title: str | None = None, size_by: str = "pagerank",
              layout: str = "auto", seed: int = 7, subtitle: str = "") -> str:
    """The whole page as text: data, vis-network and the script, nothing fetched from the network."""
    from partnergraph.graph.present.draw import caption_text, t

    title = title or t("overview", lang)
    counts = t("counts", lang, n=G.number_of_nodes(), m=G.number_of_edges())
    data = {"graph": graph_data(G, lang, size_by, layout, seed), "labels": {"status": "status" if lang != "vi" else "trạng thái"}}
    search = "Find a node…" if lang != "vi" else "Tìm nút…"
    licence = ("vis-network " + VIS_VERSION + " (https://visjs.github.io/vis-network/), "
               "(c) 2011-2017 Almende B.V, (c) 2017-2019 visjs contributors; dual licensed Apache-2.0 OR MIT")
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{"vi" if lang == "vi" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<header><h1>{html.escape(title)}</h1><p>{html.escape(' · '.join(x for x in (counts, subtitle) if x))}</p>"
        f"<p>{html.escape(caption_text(G, lang, width=10_000)).replace(chr(10), ' · ')}</p></header>",
        '<div id="graph"></div>',
        f'<aside id="side"><input id="search" type="search" placeholder="{html.escape(search)}">'
        f"{_legend_html(G, lang)}<p><small>{html.escape(licence)}</small></p></aside>",
        f'<script id="pg-data" type="application/json">{_script_json(data)}</script>',
        f"<!-- {html.escape(licence)} -->",
        f"<script>{vendored_library()}</script>",
        f"<script>{_SCRIPT}</script>",
        "</body>",
        "</html>",
        "",
    ])


def write_html(G: nx.MultiDiGraph, path: str | Path, **options) -> dict:
    """Write the interactive page to ``path``; return what was written."""
    page = html_page(G, **options).encode("utf-8")
    Path(path).write_bytes(page)
    return {"path": str(path), "format": "html", "bytes": len(page), "nodes": G.number_of_nodes(),
            "edges": G.number_of_edges()}
