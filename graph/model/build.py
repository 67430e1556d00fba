"""Turn a validated :class:`Dataset` into a networkx ``MultiDiGraph``.

The graph *is* the model: nodes and edges carry every attribute of their
records, edges are keyed by relation id, and ``G.graph["sources"]`` holds the
source registry. Nothing else is kept beside it.

>>> G = load_graph()
>>> G.nodes["eu-viet-nam-fpa"]["start"]
'2019-10-17'
>>> G.has_edge("viet-nam", "eu-viet-nam-fpa", key="viet-nam--party_to--eu-viet-nam-fpa")
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import networkx as nx

from partnergraph.graph.model.dataset import Dataset, load_dataset, without_gc


def build_graph(dataset: Dataset) -> nx.MultiDiGraph:
    """Nodes and edges of the dataset with all their attributes."""
    G = nx.MultiDiGraph(sources=dataset.sources, files=list(dataset.files))
    with without_gc():
        G.add_nodes_from((node_id, record) for node_id, record in dataset.nodes.items())
        G.add_edges_from(
            (r["from"], r["to"], r["id"], {k: v for k, v in r.items() if k not in ("from", "to")})
            for r in dataset.relations
        )
    return G


def load_graph(paths: Iterable[str | Path] | None = None, progress=None) -> nx.MultiDiGraph:
    """Load, validate and build: the bundled seed when no paths are given.

    ``progress(done, total)`` is called while a large dataset is checked (see :func:`load_dataset`).
    """
    return build_graph(load_dataset(paths, progress=progress))
