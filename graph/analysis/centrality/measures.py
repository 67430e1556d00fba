"""The registry of centrality measures: name, what it counts, the networkx reference and the engine.

Everything that lists measures (the CLI's ``--measure`` choice, pictures' ``--size-by``, the
report) reads :data:`MEASURES` or :data:`REGISTRY`; adding a measure is one entry here plus its
scores in :mod:`partnergraph.graph.analysis.centrality.engines`.

>>> MEASURES
('degree', 'weighted_degree', 'betweenness', 'closeness', 'eigenvector', 'pagerank')
>>> REGISTRY["betweenness"].engine, REGISTRY["betweenness"].reference
('igraph', 'networkx.betweenness_centrality')
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    name: str
    description: str
    reference: str  # the networkx function whose scores it gives
    engine: str  # the array engine used with engine="auto"


REGISTRY: dict[str, Measure] = {m.name: m for m in (
    Measure("degree", "number of distinct neighbours (partners on the projection)", "networkx.Graph.degree", "scipy"),
    Measure("weighted_degree", "sum of weight: relations (full graph) or shared instruments and direct relations (projection)",
            "networkx.Graph.degree(weight='weight')", "scipy"),
    Measure("betweenness", "share of shortest paths through the node (normalised, hop counts); exact or from seeded sampled sources",
            "networkx.betweenness_centrality", "igraph"),
    Measure("closeness", "inverse mean distance to the nodes it reaches (Wasserman–Faust, hop counts)",
            "networkx.closeness_centrality", "igraph"),
    Measure("eigenvector", "eigenvector centrality (weight) on the largest component, 0 elsewhere",
            "networkx.eigenvector_centrality_numpy", "scipy ARPACK"),
    Measure("pagerank", "PageRank (weight, alpha 0.85)", "networkx.pagerank", "scipy"),
)}

#: The measure names, in registry order.
MEASURES: tuple[str, ...] = tuple(REGISTRY)

#: The engine each measure runs on with ``engine="auto"`` (betweenness and closeness fall back to networkx without igraph).
ENGINES: dict[str, str] = {name: m.engine for name, m in REGISTRY.items()}
