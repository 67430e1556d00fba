"""The ranked answer: scores of one measure, ordered, the top rows explained.

Ties in score are broken by node id (stable output); every answer says which ties it counted
(``status``) and, with ``as_of``, how many facts it left out as only not attested yet.
"""

from __future__ import annotations

import heapq

import networkx as nx

from partnergraph.graph.analysis.centrality.engines import compact_graph, engine_used, scores
from partnergraph.graph.analysis.centrality.explanations import families, why
from partnergraph.graph.analysis.centrality.measures import MEASURES
from partnergraph.graph.analysis.filters import scope
from partnergraph.graph.analysis.projection import gc_paused
from partnergraph.graph.model.names import display_name
from partnergraph.graph.model.schema import get_schema


# --- the ranked answer ----------------------------------------------------------------


def centrality(
    G: nx.MultiDiGraph,
    measure: str = "pagerank",
    *,
    projection: str | None = None,
    kind: list[str] | None = None,
    as_of=None,
    status="in-place",
    top: int | None = 10,
    sample: int | None = None,
    seed: int = 0,
    explain: int = 5,
    engine: str = "auto",
    lang: str = "en",
    graph: nx.Graph | None = None,
    progress=None,
) -> dict:
    """Rank nodes by ``measure``; the first ``explain`` rows get a ``why``.

    ``kind`` (node kinds or groups such as ``state`` or ``actor``) filters the *listing*, not the
    graph the scores are computed on. ``graph`` lets a caller pass a prepared analysis graph
    (see :func:`analysis_graph`) to score several measures without rebuilding it.
    ``progress(done, total)`` is called while a long betweenness or closeness job runs.
    ``status`` says which ties count (:mod:`partnergraph.graph.analysis.filters`; ties in place by
    default) and ``as_of`` keeps what was known on that day; the answer's ``counted`` says both.
    A prepared ``graph`` must have been made with the same ``status`` and ``as_of``.
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    kinds = get_schema().kinds_named(kind) if kind else None  # UnknownKind before any work
    with gc_paused():
        H, meta = scope(G, status, as_of, lang=lang)
        U = graph if graph is not None else compact_graph(H, projection)
        values = scores(U, measure, sample=sample, seed=seed, engine=engine, progress=progress)
        result = _ranked(H, U, values, measure, projection, kinds, meta["as_of"], top, sample, seed, explain, engine, lang)
        return {**result, "counted": meta}


def _ranked(H, U, values, measure, projection, kinds, as_of, top, sample, seed, explain, engine, lang) -> dict:
    sampled = measure == "betweenness" and sample is not None and sample < U.number_of_nodes()
    node_kind = H.nodes.data("kind")
    listed = [n for n in U if kinds is None or node_kind[n] in kinds]

    def order(n):
        return (-values[n], n)

    listed = heapq.nsmallest(top, listed, key=order) if top else sorted(listed, key=order)
    family = families(H) if explain else None
    rows = []
    for rank, node in enumerate(listed, 1):
        attrs = H.nodes[node]
        rows.append({
            "rank": rank, "id": node, "name": display_name(attrs, lang), "kind": attrs["kind"],
            "score": round(float(values[node]), 6),
            "why": why(H, node, measure, projection, family, lang) if rank <= explain else "",
        })
    return {
        "measure": measure,
        "graph": "actor projection" if projection == "actors" else "full graph",
        "as_of": str(as_of) if as_of else None,
        "nodes": U.number_of_nodes(),
        "edges": U.number_of_edges(),
        "method": f"sampled: {sample} seeded sources (seed {seed})" if sampled else "exact",
        "engine": engine_used(measure, engine),
        "rows": rows,
    }
