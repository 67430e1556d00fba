"""Cytoscape JSON (File > Import > Network from File): every attribute as it is (networkx ``cytoscape_data``)."""

from __future__ import annotations

import json
from typing import IO

import networkx as nx

from partnergraph.graph.readwrite.encoding import read_text


def write(G: nx.MultiDiGraph, out: IO[bytes]) -> None:
    data = nx.cytoscape_data(G)
    out.write(json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8") + b"\n")


def read(source) -> nx.MultiDiGraph:
    H = nx.cytoscape_graph(json.loads(read_text(source)))
    for _, a in H.nodes(data=True):
        a.pop("value", None)  # added by cytoscape_data; id and name are our own attributes
    for *_, d in H.edges(data=True):
        d.pop("source", None), d.pop("target", None), d.pop("key", None)
    return H
