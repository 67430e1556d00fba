"""Summaries of the graph: counts, node lists and one node's profile.

Each function returns plain data (dicts and lists) for the CLI or a script.

>>> from partnergraph.graph.model.build import load_graph
>>> G = load_graph()
>>> profile(G, "esiwa")["kind"], profile(G, "esiwa")["relations"][0]["label"]
('project', 'funds')
"""

from __future__ import annotations

from collections import Counter

import networkx as nx

from partnergraph.graph.model.dates import format_date, parse_date
from partnergraph.graph.model.names import fold, names_of
from partnergraph.graph.model.schema import get_schema


def info(G: nx.MultiDiGraph) -> dict:
    """Counts by family, kind and edge type; the sources; the span of dated facts."""
    nodes = G.nodes(data=True)
    dated = [
        parse_date(attrs[f])
        for _, attrs in list(nodes) + [(None, d) for *_, d in G.edges(data=True)]
        for f in ("start", "end", "mentioned")
        if attrs.get(f)
    ]
    known = sorted((d for d in dated if d.year_known), key=lambda d: d.sort_key())
    return {
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "by_family": dict(Counter(a["family"] for _, a in nodes)),
        "by_kind": dict(sorted(Counter(a["kind"] for _, a in nodes).items())),
        "by_edge_type": dict(sorted(Counter(d["type"] for *_, d in G.edges(data=True)).items())),
        "sources": [
            {k: s.get(k) for k in ("id", "title", "publisher", "published", "language")}
            for s in G.graph["sources"].values()
        ],
        "date_range": {
            "first": known[0].text if known else None,
            "last": known[-1].text if known else None,
            "without_year": sum(1 for d in dated if not d.year_known),
        },
    }


def list_nodes(
    G: nx.MultiDiGraph,
    family: str | None = None,
    kind: str | None = None,
    domain: str | None = None,
    search: str | None = None,
) -> list[dict]:
    """Nodes filtered by family, kind, domain and a (folded) text search, sorted by name."""
    wanted = fold(search) if search else None
    rows = []
    for node_id, attrs in G.nodes(data=True):
        if family and attrs["family"] != family:
            continue
        if kind and attrs["kind"] != kind:
            continue
        if domain and domain not in attrs.get("domains", []):
            continue
        if wanted and not any(wanted in fold(n) for n in [node_id, *names_of(attrs)]):
            continue
        rows.append(
            {
                "id": node_id,
                "kind": attrs["kind"],
                "name": attrs["name"],
                "name_vi": attrs.get("name_vi", ""),
                "status": attrs.get("status", ""),
                "date": format_date(attrs.get("start") or attrs.get("mentioned")),
                "degree": G.degree(node_id),
            }
        )
    return sorted(rows, key=lambda r: fold(r["name"]))


def _evidence(G: nx.MultiDiGraph, items: list[dict]) -> list[dict]:
    sources = G.graph["sources"]
    return [
        {
            "source": item["source"],
            "source_title": sources[item["source"]]["title"],
            "published": sources[item["source"]]["published"],
            "language": sources[item["source"]]["language"],
            "quote": item["quote"],
        }
        for item in items
    ]


def _dates(attrs: dict) -> dict:
    return {f: {"value": attrs[f], "text": format_date(attrs[f]), "precision": parse_date(attrs[f]).precision}
            for f in ("start", "end", "mentioned") if attrs.get(f)}


def relation_rows(G: nx.MultiDiGraph, node_id: str) -> list[dict]:
    """Every edge at a node, read from the node's side, with dates and evidence."""
    schema = get_schema()
    rows = []
    for direction, edges in (("out", G.out_edges(node_id, keys=True, data=True)), ("in", G.in_edges(node_id, keys=True, data=True))):
        for u, v, key, data in edges:
            other = v if direction == "out" else u
            rows.append(
                {
                    "id": key,
                    "direction": direction,
                    "type": data["type"],
                    "label": schema.edge_label(data["type"]),
                    "label_vi": schema.edge_label(data["type"], "vi"),
                    "other_id": other,
                    "other_name": G.nodes[other]["name"],
                    "other_name_vi": G.nodes[other].get("name_vi", ""),
                    "other_kind": G.nodes[other]["kind"],
                    "role": data.get("role"),
                    "status": data.get("status"),
                    "dates": _dates(data),
                    "note": data.get("note"),
                    "evidence": _evidence(G, data["evidence"]),
                }
            )
    return sorted(rows, key=lambda r: (r["direction"] == "in", r["type"], fold(r["other_name"])))


def profile(G: nx.MultiDiGraph, node_id: str) -> dict:
    """Everything the graph says about one node, with evidence."""
    attrs = G.nodes[node_id]
    schema = get_schema()
    return {
        "id": node_id,
        "family": attrs["family"],
        "kind": attrs["kind"],
        "kind_label": schema.kind_label(attrs["kind"]),
        "name": attrs["name"],
        "short_name": attrs.get("short_name"),
        "name_vi": attrs.get("name_vi"),
        "aliases": attrs.get("aliases", []),
        "iso": attrs.get("iso"),
        "status": attrs.get("status"),
        "domains": attrs.get("domains", []),
        "places": attrs.get("places", []),
        "dates": _dates(attrs),
        "date_note": attrs.get("date_note"),
        "counts": attrs.get("counts", []),
        "description": attrs.get("description"),
        "note": attrs.get("note"),
        "evidence": _evidence(G, attrs["evidence"]),
        "relations": relation_rows(G, node_id),
    }
