"""node-link JSON (networkx's own format): every attribute as it is. For Python, D3, anything JSON."""

from __future__ import annotations

import json
from typing import IO

import networkx as nx

from partnergraph.graph.readwrite.encoding import read_text, with_ids


def node_link(G: nx.MultiDiGraph) -> dict:
    """The graph as a node-link JSON-ready dict (networkx's own format)."""
    return nx.node_link_data(G, edges="edges")


def write(G: nx.MultiDiGraph, out: IO[bytes]) -> None:
    out.write(json.dumps(node_link(G), ensure_ascii=False, indent=2).encode("utf-8") + b"\n")


def read(source) -> nx.MultiDiGraph:
    data = json.loads(read_text(source))
    return with_ids(nx.node_link_graph(data, directed=True, multigraph=True, edges="edges"))
