"""How important each node is (a centrality of graph/analysis/centrality.py), marker sizes and the label budget.

No matplotlib here (the interactive view uses it too).

>>> label_budget(33), label_budget(52_000)
(33, 40)
"""

from __future__ import annotations

import math

import networkx as nx

from partnergraph.graph.analysis.centrality import analysis_graph, scores
from partnergraph.graph.present.errors import DrawError
from partnergraph.graph.present.options import SIZE_MEASURES


def importance(G: nx.MultiDiGraph, measure: str = "pagerank") -> dict[str, float]:
    """Scores by ``measure`` (``none`` or a measure of graph/analysis/centrality.py) on ``G``."""
    if measure not in SIZE_MEASURES:
        raise DrawError(f"unknown centrality {measure!r}; choose one of {', '.join(SIZE_MEASURES)}")
    if measure == "none" or G.number_of_nodes() == 0:
        return {n: 1.0 for n in G}
    if G.number_of_edges() == 0:
        return {n: 0.0 for n in G}
    values = scores(analysis_graph(G), measure)
    return {n: float(values.get(n, 0.0)) for n in G}


def marker_range(n: int) -> tuple[float, float]:
    """Smallest and largest marker area (points²) for a picture of ``n`` nodes."""
    if n <= 60:
        return 120.0, 1400.0
    large = max(90.0, 1400.0 * math.sqrt(60 / n))
    return max(1.5, large / 40), large


def node_sizes(G: nx.MultiDiGraph, measure: str, small: float | None = None, large: float | None = None,
               values: dict | None = None) -> dict[str, float]:
    """Marker areas (points²) scaled by a centrality between ``small`` and ``large``."""
    lo_size, hi_size = marker_range(G.number_of_nodes())
    small, large = small or lo_size, large or hi_size
    values = values if values is not None else importance(G, measure)
    lo, hi = min(values.values(), default=0), max(values.values(), default=0)
    if hi <= lo:
        return {n: (small + large) / 3 for n in G}
    return {n: small + (large - small) * (values[n] - lo) / (hi - lo) for n in G}


#: Up to this many nodes every node is labelled; above, the :data:`LARGE_LABELS` most important.
ALL_LABELS = 80
LARGE_LABELS = 40


def label_budget(n: int) -> int:
    """How many nodes get a label by default: all of a small graph, the most important 40 of a large one."""
    return n if n <= ALL_LABELS else LARGE_LABELS


def top_nodes(sizes: dict[str, float], k: int) -> list[str]:
    """The ``k`` largest nodes, largest first (ties by id)."""
    return sorted(sizes, key=lambda n: (-sizes[n], n))[:k]
