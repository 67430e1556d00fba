"""Write the graph to files other tools read, and read them back.

node-link JSON keeps every attribute as it is. GraphML and GEXF hold only
scalars, so list and mapping attributes (aliases, domains, places, counts,
evidence, the source registry) are written as JSON text; :func:`read_graph`
decodes them again, so a round trip gives back the same graph.

>>> import io
>>> from partnergraph.graph.build import load_graph
>>> G = load_graph()
>>> text = to_string(G, "graphml")
>>> H = read_graph(io.BytesIO(text.encode()), "graphml")
>>> H.nodes["esiwa"]["domains"] == G.nodes["esiwa"]["domains"]
True
"""

from __future__ import annotations

import io
import json
from typing import IO

import networkx as nx

FORMATS = ("node-link", "graphml", "gexf")
# Attributes holding lists or mappings, encoded as JSON text in GraphML and GEXF.
STRUCTURED = {"aliases", "domains", "places", "counts", "evidence", "sources", "files"}


def node_link(G: nx.MultiDiGraph) -> dict:
    """The graph as a node-link JSON-ready dict (networkx's own format)."""
    return nx.node_link_data(G, edges="edges")


def _encoded(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    def enc(attrs: dict) -> dict:
        return {k: json.dumps(v, ensure_ascii=False) if k in STRUCTURED or isinstance(v, (list, dict)) else v
                for k, v in attrs.items() if v is not None}

    H = nx.MultiDiGraph(**enc(G.graph))
    H.add_nodes_from((n, enc(a)) for n, a in G.nodes(data=True))
    H.add_edges_from((u, v, k, enc(d)) for u, v, k, d in G.edges(keys=True, data=True))
    return H


def _decoded(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    def dec(attrs: dict) -> dict:
        return {k: json.loads(v) if k in STRUCTURED and isinstance(v, str) else v for k, v in attrs.items()}

    H = nx.MultiDiGraph(**dec(G.graph))
    H.add_nodes_from((n, dec(a)) for n, a in G.nodes(data=True))
    H.add_edges_from((u, v, k, dec(d)) for u, v, k, d in G.edges(keys=True, data=True))
    return H


def write_graph(G: nx.MultiDiGraph, fmt: str, out: IO[bytes]) -> None:
    """Write ``G`` in one of FORMATS to a binary stream."""
    if fmt == "node-link":
        out.write(json.dumps(node_link(G), ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
    elif fmt == "graphml":
        nx.write_graphml(_encoded(G), out, encoding="utf-8")
    elif fmt == "gexf":
        nx.write_gexf(_encoded(G), out, encoding="utf-8")
    else:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def to_string(G: nx.MultiDiGraph, fmt: str) -> str:
    buffer = io.BytesIO()
    write_graph(G, fmt, buffer)
    return buffer.getvalue().decode("utf-8")


def read_graph(source: IO[bytes] | str, fmt: str) -> nx.MultiDiGraph:
    """Read a file written by :func:`write_graph` back into a partnergraph graph."""
    if fmt == "node-link":
        data = json.load(source) if not isinstance(source, str) else json.load(open(source, encoding="utf-8"))
        return nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
    if fmt == "graphml":
        H = nx.read_graphml(source, force_multigraph=True)
    elif fmt == "gexf":
        H = nx.read_gexf(source)
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return _decoded(nx.MultiDiGraph(H))
