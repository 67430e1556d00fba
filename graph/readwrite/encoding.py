"""Attributes that a format cannot hold natively (lists, mappings) as JSON text, and back.

Shared by the GraphML, GEXF and DOT writers and readers.
"""

from __future__ import annotations

import json

import networkx as nx

# Attributes holding lists or mappings, encoded as JSON text in GraphML and GEXF.
STRUCTURED = {"aliases", "domains", "places", "counts", "evidence", "history", "sources", "files", "related_urls"}



def encoded(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    def enc(attrs: dict) -> dict:
        return {k: json.dumps(v, ensure_ascii=False) if k in STRUCTURED or isinstance(v, (list, dict)) else v
                for k, v in attrs.items() if v is not None}

    H = nx.MultiDiGraph(**enc(G.graph))
    H.add_nodes_from((n, enc(a)) for n, a in G.nodes(data=True))
    H.add_edges_from((u, v, k, enc(d)) for u, v, k, d in G.edges(keys=True, data=True))
    return H


def decoded(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    def dec(attrs: dict) -> dict:
        return {k: json.loads(v) if k in STRUCTURED and isinstance(v, str) else v for k, v in attrs.items()}

    H = nx.MultiDiGraph(**dec(G.graph))
    H.add_nodes_from((n, dec(a)) for n, a in G.nodes(data=True))
    H.add_edges_from((u, v, k, dec(d)) for u, v, k, d in G.edges(keys=True, data=True))
    return H



def read_text(source) -> str:
    if isinstance(source, str):
        with open(source, encoding="utf-8") as handle:
            return handle.read()
    data = source.read()
    return data.decode("utf-8") if isinstance(data, bytes) else data


def with_ids(H: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Node-link and GEXF hold a node's ``id`` attribute as the node itself: put it back."""
    for n, a in H.nodes(data=True):
        a.setdefault("id", n)
    return H
