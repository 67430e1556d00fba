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

from partnergraph.graph.analysis.filters import scope
from partnergraph.graph.analysis.timeline import window_bounds
from partnergraph.graph.model.dates import format_date, parse_date
from partnergraph.graph.model.names import fold, names_of
from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.model.timeslice import first_attested, in_window, possible_days


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
    *,
    status="all",
    start=None,
    end=None,
) -> list[dict]:
    """Nodes filtered by family, kind, domain and a (folded) text search, sorted by name.

    ``status`` keeps the nodes of the ties it counts (:func:`partnergraph.graph.analysis.filters.counted`:
    every actor, the instruments whose status it keeps or that a counted tie reaches); ``degree``
    counts those ties. ``start``/``end`` keep the nodes that started, ended, were mentioned or
    were first attested surely inside that window (:func:`list_answer` also gives those that may be).
    """
    return list_answer(G, family, kind, domain, search, status=status, start=start, end=end)["rows"]


def _node_days(G: nx.MultiDiGraph, attrs: dict) -> list[tuple]:
    """Every (first, last) day span a node's dates or its first attestation can mean."""
    spans = [possible_days(G, attrs, attrs[f]) for f in get_schema().date_fields if attrs.get(f)]
    if not attrs.get("start"):  # no known start: the first day a source attests it
        first = first_attested(G, attrs)
        sources = G.graph.get("sources", {})
        published = [parse_date(str(sources[e["source"]]["published"])) for e in attrs.get("evidence", ())
                     if sources.get(e.get("source"), {}).get("published")]
        published = [p for p in published if p.year_known]
        if first and published:
            spans.append((first, min(p.upper for p in published)))
    return spans


def _check_choice(what: str, value, choices) -> None:
    if value and value not in choices:
        raise ValueError(f"unknown {what} {value!r}; choose one of {', '.join(choices)}")


def list_answer(G: nx.MultiDiGraph, family=None, kind=None, domain=None, search=None, *, status="all",
                start=None, end=None, lang: str = "en") -> dict:
    """``{"counted", "from", "to", "rows", "uncertain", "not_listed"}`` (see :func:`list_nodes`); dates and
    what was counted in ``lang``.

    ``not_listed`` counts the instruments the status filter leaves out. With ``lang="vi"`` a row's
    ``name`` is the Vietnamese one where there is one (``name_vi`` then holds the English one).
    An unknown kind or domain is a ValueError, not an empty list.
    """
    schema = get_schema()
    _check_choice("kind", kind, schema.node_kinds)
    _check_choice("domain", domain, schema.domains)
    H, meta = scope(G, status, lang=lang)
    lo, hi = window_bounds(start, end)
    wanted = fold(search) if search else None
    rows, uncertain = [], []
    for node_id, attrs in H.nodes(data=True):
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
                "date": format_date(attrs.get("start") or attrs.get("mentioned"), lang),
                "degree": H.degree(node_id),
            }
        )
        if lo or hi:
            places = {in_window(a, b, lo, hi) for a, b in _node_days(G, attrs)}
            if "in" not in places:
                row = rows.pop()
                if "maybe" in places:
                    uncertain.append(row)
    left = sum(1 for n, a in G.nodes(data=True) if n not in H and (not family or a["family"] == family))
    if lang == "vi":  # the Vietnamese name first; the English one stays beside it
        for r in rows + uncertain:
            r["name"], r["name_vi"] = r["name_vi"] or r["name"], r["name"]
    return {"counted": meta, "from": lo.isoformat() if lo else None, "to": hi.isoformat() if hi else None,
            "rows": sorted(rows, key=lambda r: fold(r["name"])), "uncertain": sorted(uncertain, key=lambda r: fold(r["name"])),
            "not_listed": left}


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
                    "role": data.get("role"), "role_vi": data.get("role_vi"),
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


def dataset_summary(dataset, G: nx.MultiDiGraph) -> dict:
    """What ``validate`` reports of a valid dataset: files, sources, actors, instruments, relations."""
    actors = sum(1 for _, a in G.nodes(data=True) if a["family"] == "actor")
    return {"valid": True, "files": len(dataset.files), "sources": len(dataset.sources), "actors": actors,
            "instruments": G.number_of_nodes() - actors, "relations": G.number_of_edges()}


def schema_tables(schema=None) -> dict[str, list[dict]]:
    """The schema as three tables: ``kinds`` (family, labels), ``groups`` (their kinds) and ``edges`` (reads, from, to)."""
    schema = schema or get_schema()
    order = list(schema.node_kinds)
    return {
        "kinds": [{"kind": k, "family": v["family"], "label": v["label"], "label_vi": v.get("label_vi", "")}
                  for k, v in schema.node_kinds.items()],
        "groups": [{"group": g, "kinds": ", ".join(sorted(kinds, key=order.index))} for g, kinds in schema.kind_groups.items()],
        "edges": [{"type": name, "reads": et.label, "from": ", ".join(et.from_names), "to": ", ".join(et.to_names)}
                  for name, et in schema.edge_types.items()],
    }
