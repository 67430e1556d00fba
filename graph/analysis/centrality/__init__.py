"""Who sits at the centre, and who brokers between otherwise separate partners.

:func:`centrality` scores every node of the full actor–instrument graph (direction ignored,
parallel edges counted as ``weight``) or of the actor projection
(:mod:`partnergraph.graph.analysis.projection`: ``weight`` = shared instruments + direct
relations) with one of :data:`MEASURES`, ranks them, and explains the top entries in words
computed from the data ("bridges Republic of Korea and Viet Nam (no direct link) through
2 agreements ..."). It counts ties in place by default (``status``; see
:mod:`partnergraph.graph.analysis.filters`) and says so in its answer's ``counted``.

The package is split by concern:

* :mod:`.measures` — the registry of measures (name, meaning, networkx reference, engine);
* :mod:`.engines` — the scores: array engines (scipy, igraph) and networkx's reference functions;
* :mod:`.explanations` — the ``why`` sentence of a row;
* :mod:`.ranking` — the ranked answer.

========================  ============================================================
``degree``                number of distinct neighbours (partners on the projection)
``weighted_degree``       sum of ``weight``: relations (full) or shared instruments and direct relations (projection)
``betweenness``           networkx ``betweenness_centrality`` (normalised, hop counts); exact,
                          or sampled from ``sample`` seeded sources (reproducible)
``closeness``             networkx ``closeness_centrality`` (hop counts)
``eigenvector``           networkx ``eigenvector_centrality_numpy`` (``weight``)
``pagerank``              networkx ``pagerank`` (``weight``, alpha 0.85)
========================  ============================================================

>>> from partnergraph.graph.model.build import load_graph
>>> from partnergraph.graph.analysis.centrality import centrality
>>> result = centrality(load_graph(), "betweenness", projection="actors", top=3)
>>> [(r["rank"], r["name"]) for r in result["rows"]]
[(1, 'European Union'), (2, 'Viet Nam'), (3, 'Ministry of Public Security of Viet Nam')]
>>> result["method"], result["engine"], result["counted"]["status"]
('exact', 'igraph', 'in-place')
"""

import importlib

#: Where each public name lives. The names load on first use (PEP 562 module ``__getattr__``), so
#: the CLI can read the registry (:mod:`.measures`, for ``--measure``'s choices) without importing
#: numpy and the engines: ``partnergraph path`` does not pay for them (numpy alone ~0.1 s of start-up).
_WHERE = {
    **dict.fromkeys(["PARALLEL_WORK", "CompactGraph", "analysis_graph", "compact_full", "compact_graph", "compact_of",
                     "eigenvector_largest_component", "engine_used", "sampled_sources", "scores", "undirected_weighted"],
                    "engines"),
    **dict.fromkeys(["BRIDGE_SEARCH", "best_bridge", "families", "instruments_of", "partners", "related", "why"],
                    "explanations"),
    **dict.fromkeys(["ENGINES", "MEASURES", "REGISTRY", "Measure"], "measures"),
    "centrality": "ranking",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_WHERE))
