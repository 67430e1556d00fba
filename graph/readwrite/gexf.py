"""GEXF (Gephi): lists and mappings as JSON text; the edge attribute ``type`` travels as ``relation_type``
(GEXF's own edge ``type`` means directed/undirected)."""

from __future__ import annotations

from typing import IO

import networkx as nx

from partnergraph.graph.readwrite.encoding import decoded, encoded, with_ids

GEXF_TYPE = "relation_type"  # the edge attribute `type` in GEXF (GEXF reserves `type`)


def write(G: nx.MultiDiGraph, out: IO[bytes]) -> None:
    H = encoded(G)
    for *_, d in H.edges(data=True):  # GEXF's own edge `type` means directed/undirected
        if "type" in d:
            d[GEXF_TYPE] = d.pop("type")
    nx.write_gexf(H, out, encoding="utf-8")


def read(source) -> nx.MultiDiGraph:
    return with_ids(decoded(nx.MultiDiGraph(_gexf_keyed(nx.read_gexf(source)))))


def _gexf_keyed(H: nx.Graph) -> nx.MultiDiGraph:
    """GEXF keeps an edge's key as its ``id``; give it back as the key."""
    M = nx.MultiDiGraph(**H.graph)
    M.add_nodes_from(H.nodes(data=True))
    edges = H.edges(keys=True, data=True) if H.is_multigraph() else ((u, v, None, d) for u, v, d in H.edges(data=True))
    for u, v, key, d in edges:
        d = dict(d)
        d.pop("type", None)  # GEXF's directed/undirected
        if GEXF_TYPE in d:
            d["type"] = d.pop(GEXF_TYPE)
        M.add_edge(u, v, key=d.get("id", key), **d)
    for n, a in M.nodes(data=True):
        if a.get("label") == n:
            del a["label"]  # the writer's copy of the id
    return M


