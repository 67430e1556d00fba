"""The actor projection: actors linked when they share an instrument.

Two actors are linked when both have an edge (either direction, any type that
joins an actor and an instrument: party to, funds, participates in, leads,
hosts, held in, supports) to the same instrument. The link carries

* ``weight`` — the number of shared instruments,
* ``by_kind`` — that number per instrument kind (``{"agreement": 2}``),
* ``instruments`` — the shared instrument ids, in-place ones first, then by id
  (only when ``with_instruments=True``, the default).

Two implementations give the same graph (a test checks it):

* ``method="networkx"``: ``networkx.algorithms.bipartite.weighted_projected_graph``
  on the actor–instrument bipartite graph;
* ``method="sparse"``: the product ``B @ B.T`` of the scipy sparse
  actor × instrument incidence matrix (one product per instrument kind for
  ``by_kind``).

``method="auto"`` (the default) uses the sparse product, measured faster at
every size measured (figures in docs/analysis.md).

>>> from partnergraph.graph.build import load_graph
>>> P = actor_projection(load_graph())
>>> P.edges["republic-of-korea", "eu"]["weight"], P.edges["republic-of-korea", "eu"]["by_kind"]
(2, {'agreement': 1, 'partnership': 1})
>>> P.edges["republic-of-korea", "eu"]["instruments"]
['eu-rok-fpa', 'eu-rok-security-defence-partnership']
"""

from __future__ import annotations

from collections import Counter

import networkx as nx

#: Statuses that say a shared instrument is not (yet) in place; such instruments are listed last.
_WEAK = frozenset({"proposed", "sought", "interested", "not_yet"})


def bipartite_links(G: nx.MultiDiGraph, instrument_filter=None) -> nx.Graph:
    """The undirected actor–instrument graph (node attribute ``bipartite`` 0 = actor, 1 = instrument).

    ``instrument_filter`` (a :class:`partnergraph.graph.paths.Filters`) limits instrument kinds and edge types.
    All actors are kept, also those without any instrument.
    """
    B = nx.Graph()
    fams = G.nodes.data("family")
    B.add_nodes_from((n, {"bipartite": 0}) for n, f in fams if f == "actor")
    kinds = G.nodes.data("kind")
    for u, v, data in G.edges(data=True):
        fu, fv = fams[u], fams[v]
        if fu == fv:
            continue
        actor, instrument = (u, v) if fu == "actor" else (v, u)
        if instrument_filter is not None and not (
            instrument_filter.edge_ok(data) and instrument_filter.node_ok(G.nodes[instrument])
            and instrument not in instrument_filter.avoid_nodes
        ):
            continue
        B.add_node(instrument, bipartite=1, kind=kinds[instrument])
        B.add_edge(actor, instrument)
    return B


def _ordered(G: nx.MultiDiGraph, instruments) -> list[str]:
    status = G.nodes.data("status")
    return sorted(instruments, key=lambda i: (status[i] in _WEAK, i))


def _projection_networkx(G: nx.MultiDiGraph, B: nx.Graph, actors: list[str], with_instruments: bool) -> nx.Graph:
    from networkx.algorithms import bipartite

    P = bipartite.weighted_projected_graph(B, actors)
    kinds = B.nodes.data("kind")
    for u, v, data in P.edges(data=True):
        shared = B[u].keys() & B[v].keys()
        data["by_kind"] = dict(sorted(Counter(kinds[i] for i in shared).items()))
        if with_instruments:
            data["instruments"] = _ordered(G, shared)
    return P


def incidence_matrix(B: nx.Graph, actors: list[str]):
    """The scipy CSR actor × instrument 0/1 matrix of ``B`` and the instrument ids of its columns."""
    import numpy as np
    from scipy import sparse

    instruments = [n for n, side in B.nodes.data("bipartite") if side == 1]
    col = {n: j for j, n in enumerate(instruments)}
    row = {n: i for i, n in enumerate(actors)}
    rows, cols = [], []
    for u, v in B.edges():
        a, i = (u, v) if u in row else (v, u)
        rows.append(row[a])
        cols.append(col[i])
    data = np.ones(len(rows), dtype=np.int32)
    M = sparse.csr_matrix((data, (rows, cols)), shape=(len(actors), len(instruments)))
    return M, instruments


def _shared_lists(M, pairs_a, pairs_b):
    """For each upper-triangle pair, the column indices both rows have (vectorised over all instruments)."""
    import numpy as np

    C = M.tocsc()
    C.sort_indices()
    deg = np.diff(C.indptr)
    # every (i < j) pair of actors inside every instrument column, generated without a Python loop
    pos = np.arange(C.nnz) - np.repeat(C.indptr[:-1], deg)
    reps = np.repeat(deg, deg) - pos - 1
    first = np.repeat(np.arange(C.nnz), reps)
    start = np.repeat(np.cumsum(reps) - reps, reps)
    second = first + 1 + (np.arange(len(first)) - start)
    column = np.repeat(np.repeat(np.arange(C.shape[1]), deg), reps)
    a, b = C.indices[first], C.indices[second]
    order = np.lexsort((column, b, a))
    return a[order], b[order], column[order]


def _projection_sparse(G: nx.MultiDiGraph, B: nx.Graph, actors: list[str], with_instruments: bool) -> nx.Graph:
    import numpy as np
    from scipy import sparse

    M, instruments = incidence_matrix(B, actors)
    counts = sparse.triu(M @ M.T, k=1).tocoo()
    kinds = np.array([B.nodes[i]["kind"] for i in instruments]) if instruments else np.array([], dtype=str)
    by_kind: dict[tuple[int, int], dict[str, int]] = {}
    for kind in sorted(set(kinds.tolist())):
        Mk = M[:, np.flatnonzero(kinds == kind)]
        Ck = sparse.triu(Mk @ Mk.T, k=1).tocoo()
        for i, j, c in zip(Ck.row.tolist(), Ck.col.tolist(), Ck.data.tolist()):
            by_kind.setdefault((i, j), {})[kind] = c
    P = nx.Graph()
    P.add_nodes_from((a, {"bipartite": 0}) for a in actors)
    P.add_edges_from(
        (actors[i], actors[j], {"weight": w, "by_kind": by_kind[(i, j)]})
        for i, j, w in zip(counts.row.tolist(), counts.col.tolist(), counts.data.tolist())
    )
    if with_instruments and counts.nnz:
        a, b, col = _shared_lists(M, counts.row, counts.col)
        bounds = np.flatnonzero(np.diff(a.astype(np.int64) * len(actors) + b)) + 1
        for ga, gb, gc in zip(np.split(a, bounds), np.split(b, bounds), np.split(col, bounds)):
            P.edges[actors[ga[0]], actors[gb[0]]]["instruments"] = _ordered(G, [instruments[c] for c in gc.tolist()])
    return P


def actor_projection(
    G: nx.MultiDiGraph,
    *,
    method: str = "auto",
    with_instruments: bool = True,
    instrument_filter=None,
    actor_kinds: set[str] | None = None,
) -> nx.Graph:
    """The weighted actor–actor graph of shared instruments (see the module docstring).

    ``actor_kinds`` keeps only actors of those kinds; ``instrument_filter`` limits which instruments
    and edge types count. The result's ``graph["projection"]`` is ``"actors"``.
    """
    B = bipartite_links(G, instrument_filter)
    fams = G.nodes.data("kind")
    actors = sorted(n for n, side in B.nodes.data("bipartite") if side == 0 and (not actor_kinds or fams[n] in actor_kinds))
    if actor_kinds:
        B.remove_nodes_from([n for n, side in B.nodes.data("bipartite") if side == 0 and fams[n] not in actor_kinds])
    if method == "auto":
        method = "sparse"
    if method == "networkx":
        P = _projection_networkx(G, B, actors, with_instruments)
    elif method == "sparse":
        P = _projection_sparse(G, B, actors, with_instruments)
    else:
        raise ValueError(f"method must be auto, networkx or sparse, not {method!r}")
    P.graph["projection"] = "actors"
    for n in P:
        P.nodes[n].update(name=G.nodes[n]["name"], kind=G.nodes[n]["kind"])
    return P
