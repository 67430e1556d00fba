"""GraphML (yEd, Cytoscape, Gephi, igraph): lists and mappings as JSON text, decoded again on reading."""

from __future__ import annotations

import io
from typing import IO

import networkx as nx

from partnergraph.graph.readwrite.encoding import decoded, encoded, with_ids


def write(G: nx.MultiDiGraph, out: IO[bytes]) -> None:
    buffer = io.BytesIO()
    nx.write_graphml(encoded(G), buffer, encoding="utf-8")
    # A raw CR in element text is read back as LF (XML end-of-line handling): write it as a character
    # reference. The writer's own line ends are LF, so every CR in the document is data.
    out.write(buffer.getvalue().replace(b"\r", b"&#13;"))


def read(source) -> nx.MultiDiGraph:
    H = nx.read_graphml(source, force_multigraph=True)
    return with_ids(decoded(nx.MultiDiGraph(H)))
