"""GraphML (yEd, Cytoscape, Gephi, igraph): lists and mappings as JSON text, decoded again on reading."""

from __future__ import annotations

from typing import IO

import networkx as nx

from partnergraph.graph.readwrite.encoding import decoded, encoded, with_ids


def write(G: nx.MultiDiGraph, out: IO[bytes]) -> None:
    nx.write_graphml(encoded(G), out, encoding="utf-8")


def read(source) -> nx.MultiDiGraph:
    H = nx.read_graphml(source, force_multigraph=True)
    return with_ids(decoded(nx.MultiDiGraph(H)))
