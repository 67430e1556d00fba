"""The actor projection: actors linked when they share an instrument or are related directly.

Two actors are linked when both have an edge (either direction, any type that
joins an actor and an instrument: party to, funds, participates in, leads,
hosts, held in, supports) to the same instrument, or when an edge joins them
directly (accredited to, holds office in, member of, part of, supports: every
edge type whose two ends are actors). The link carries

* ``weight`` — the number of shared instruments **plus** the number of direct
  relations between the two (each counts 1: the Delegation of the EU to Viet Nam
  —part of→ the EU weighs as much as one shared agreement),
* ``by_kind`` — the shared instruments per instrument kind (``{"agreement": 2}``),
* ``relations`` — the types of the direct relations, sorted (``["member_of"]``; empty
  when the two only share instruments),
* ``instruments`` — the shared instrument ids, in-place ones first, then by id
  (only when ``with_instruments=True``, the default).

The projection is taken on the graph it is given: analyses give it the ties they count
(:func:`partnergraph.graph.analysis.filters.counted`, ties in place by default).

Two implementations give the same graph (a test checks it):

* ``method="networkx"``: ``networkx.algorithms.bipartite.weighted_projected_graph``
  on the actor–instrument bipartite graph (the reference);
* ``method="sparse"``: array code end to end. :func:`edge_arrays` reads ``G``'s
  adjacency into integer arrays, :func:`actor_incidence` turns them into the scipy
  CSR actor × instrument matrix ``M`` with numpy operations (no Python loop per
  edge), the weights are ``M @ M.T``, and the shared-instrument lists and per-kind
  counts come from one vectorised enumeration of the actor pairs of every
  instrument column, sorted once.

``method="auto"`` (the default) uses the sparse engine, measured faster at every
size (figures in docs/analysis.md). Centrality on the projection needs only the
weights: :func:`actor_weights` returns them as a matrix without building a
networkx graph or any list; the lists of a few pairs (the explanations of the
top rows) are computed from ``G`` on demand.

>>> from partnergraph.graph.model.build import load_graph
>>> P = actor_projection(load_graph())
>>> P.edges["republic-of-korea", "eu"]["weight"], P.edges["republic-of-korea", "eu"]["by_kind"]
(2, {'agreement': 1, 'partnership': 1})
>>> P.edges["republic-of-korea", "eu"]["instruments"]
['eu-rok-fpa', 'eu-rok-security-defence-partnership']
>>> P.edges["viet-nam", "asean"]["relations"], P.edges["viet-nam", "asean"]["weight"]
(['member_of'], 1)
"""

from __future__ import annotations

from collections import Counter

import networkx as nx
from networkx.algorithms import bipartite

from partnergraph.graph.model.dataset import without_gc
from partnergraph.graph.model.schema import get_schema

# numpy and scipy are imported inside the functions that use them: this module is imported by
# paths and structure, and `partnergraph path` (no projection) must not pay ~0.1 s (numpy) +
# ~0.15 s (scipy.sparse) of start-up for them (python -X importtime on a quiet machine).


def bipartite_links(G: nx.MultiDiGraph, instrument_filter=None) -> nx.Graph:
    """The undirected actor–instrument graph (node attribute ``bipartite`` 0 = actor, 1 = instrument).

    ``instrument_filter`` (a :class:`partnergraph.graph.analysis.paths.Filters`) limits instrument kinds and edge types.
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
    return sorted(instruments, key=lambda i: (status[i] in get_schema().tentative_statuses, i))


def _projection_networkx(G: nx.MultiDiGraph, B: nx.Graph, actors: list[str], with_instruments: bool) -> nx.Graph:
    P = bipartite.weighted_projected_graph(B, actors)
    kinds = B.nodes.data("kind")
    for u, v, data in P.edges(data=True):
        shared = B[u].keys() & B[v].keys()
        data["by_kind"] = dict(sorted(Counter(kinds[i] for i in shared).items()))
        data["relations"] = []
        if with_instruments:
            data["instruments"] = _ordered(G, shared)
    return P


def incidence_matrix(B: nx.Graph, actors: list[str]):
    """The scipy CSR actor × instrument 0/1 matrix of ``B`` and the instrument ids of its columns."""
    # lazy: numpy costs ~202 ms to import (measured); only this path needs it
    import numpy as np

    # lazy: scipy.sparse costs ~466 ms to import (measured); only this path needs it
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


# Building projections makes millions of small objects and no cycles: the loader's collector pause serves here too.
gc_paused = without_gc


def edge_arrays(G: nx.Graph):
    """``G``'s nodes and its links as integer arrays: ``(nodes, rows, cols, counts)``.

    ``nodes`` is ``list(G)``; each (``rows[e]``, ``cols[e]``) is a pair of node positions with at least
    one edge from the first to the second, ``counts[e]`` how many (parallel edges of a multigraph).
    The adjacency is read with C-level ``map`` calls per node, not a Python loop per edge.

    >>> nodes, rows, cols, counts = edge_arrays(nx.MultiDiGraph([("a", "b"), ("a", "b"), ("b", "c")]))
    >>> nodes, rows.tolist(), cols.tolist(), counts.tolist()
    (['a', 'b', 'c'], [0, 1], [1, 2], [2, 1])
    """
    # lazy: numpy costs ~202 ms to import (measured); only this path needs it
    import numpy as np

    nodes = list(G)
    index = dict(zip(nodes, range(len(nodes))))
    # the adjacency dicts themselves (as networkx's own algorithms read them): the public views wrap
    # every neighbour in a view object, which costs more than the rest of this function together
    adjacency = G._succ if G.is_directed() else G._adj
    per_node = np.zeros(len(nodes), dtype=np.int64)
    cols: list[int] = []
    counts: list[int] = []
    multigraph = G.is_multigraph()
    for i, node in enumerate(nodes):
        neighbours = adjacency[node]
        per_node[i] = len(neighbours)
        cols.extend(map(index.__getitem__, neighbours))
        if multigraph:
            counts.extend(map(len, neighbours.values()))
    rows = np.repeat(np.arange(len(nodes), dtype=np.int64), per_node)
    cols_a = np.fromiter(cols, dtype=np.int64, count=len(cols))
    counts_a = np.fromiter(counts, dtype=np.int64, count=len(counts)) if multigraph else np.ones(len(cols), dtype=np.int64)
    if not G.is_directed():  # each undirected link was read from both ends: keep one
        keep = rows <= cols_a
        rows, cols_a, counts_a = rows[keep], cols_a[keep], counts_a[keep]
    return nodes, rows, cols_a, counts_a


def _family_mask(G: nx.Graph, nodes: list) -> "np.ndarray":
    # lazy: numpy costs ~202 ms to import (measured); only this path needs it
    import numpy as np

    if len(nodes) == len(G):  # all of G, in its order: read the attribute in one pass
        return np.fromiter((family == "actor" for _, family in G.nodes(data="family")), dtype=bool, count=len(nodes))
    family = G.nodes.data("family")
    return np.fromiter((family[n] == "actor" for n in nodes), dtype=bool, count=len(nodes))


def _pairs_unfiltered(G: nx.MultiDiGraph):
    """Node ids and the (actor position, instrument position) of every actor–instrument edge."""
    # lazy: numpy costs ~202 ms to import (measured); only this path needs it
    import numpy as np

    nodes, rows, cols, _ = edge_arrays(G)
    is_actor = _family_mask(G, nodes)
    mixed = is_actor[rows] != is_actor[cols]
    rows, cols = rows[mixed], cols[mixed]
    actor_first = is_actor[rows]
    return nodes, is_actor, np.where(actor_first, rows, cols), np.where(actor_first, cols, rows)


def _pairs_filtered(G: nx.MultiDiGraph, instrument_filter):
    """As :func:`_pairs_unfiltered`, keeping only the edges and instruments the filter allows (a Python pass)."""
    # lazy: numpy costs ~202 ms to import (measured); only this path needs it
    import numpy as np

    nodes = list(G)
    index = dict(zip(nodes, range(len(nodes))))
    is_actor = _family_mask(G, nodes)
    family = G.nodes.data("family")
    actors, instruments = [], []
    for u, v, data in G.edges(data=True):
        if family[u] == family[v]:
            continue
        actor, instrument = (u, v) if family[u] == "actor" else (v, u)
        if (instrument_filter.edge_ok(data) and instrument_filter.node_ok(G.nodes[instrument])
                and instrument not in instrument_filter.avoid_nodes):
            actors.append(index[actor])
            instruments.append(index[instrument])
    return nodes, is_actor, np.array(actors, dtype=np.int64), np.array(instruments, dtype=np.int64)


def actor_incidence(G: nx.MultiDiGraph, instrument_filter=None, actor_kinds: set[str] | None = None):
    """The actor × instrument 0/1 incidence of ``G`` as a scipy CSR matrix, built from edge arrays.

    Returns ``(M, actors, instruments)``: rows are the actors (sorted ids, also those without any
    instrument, only ``actor_kinds`` when given), columns the instruments linked to at least one of
    them, ordered as the projection lists them (in-place ones first, then by id).

    >>> from partnergraph.graph.model.build import load_graph
    >>> M, actors, instruments = actor_incidence(load_graph())
    >>> M.shape == (len(actors), len(instruments)), int(M[actors.index("viet-nam")].sum())
    (True, 7)
    """
    # lazy: numpy costs ~202 ms to import (measured); only this path needs it
    import numpy as np

    # lazy: scipy.sparse costs ~466 ms to import (measured); only this path needs it
    from scipy import sparse

    if not instrument_filter:  # None, or a Filters that restricts nothing
        nodes, is_actor, a, i = _pairs_unfiltered(G)
    else:
        nodes, is_actor, a, i = _pairs_filtered(G, instrument_filter)
    kind = G.nodes.data("kind")
    actor_pos = np.flatnonzero(is_actor)
    if actor_kinds:
        actor_pos = np.array([p for p in actor_pos.tolist() if kind[nodes[p]] in actor_kinds], dtype=np.int64)
    ids = [nodes[p] for p in actor_pos.tolist()]
    order = sorted(range(len(ids)), key=ids.__getitem__)
    actors = [ids[k] for k in order]
    row_of = np.full(len(nodes), -1, dtype=np.int64)
    row_of[actor_pos[order]] = np.arange(len(actors), dtype=np.int64)
    keep = row_of[a] >= 0
    a, i = row_of[a[keep]], i[keep]
    status = dict(G.nodes(data="status"))  # plain dict: ~20x cheaper per look-up than the node view
    used = np.unique(i)
    instruments = sorted((nodes[p] for p in used.tolist()), key=lambda n: (status[n] in get_schema().tentative_statuses, n))
    col_of = np.full(len(nodes), -1, dtype=np.int64)
    position = {n: c for c, n in enumerate(instruments)}
    col_of[used] = np.fromiter((position[nodes[p]] for p in used.tolist()), dtype=np.int64, count=len(used))
    M = sparse.csr_array((np.ones(len(a), dtype=np.int32), (a, col_of[i])), shape=(len(actors), len(instruments)))
    M.sum_duplicates()
    M.data[:] = 1  # an actor linked to an instrument by several edges shares it once
    return M, actors, instruments


def actor_weights(G: nx.MultiDiGraph, instrument_filter=None, actor_kinds: set[str] | None = None):
    """The projection's weights only, compactly: ``(actors, W)`` with ``W`` the symmetric scipy CSR matrix
    ``M @ M.T`` (shared-instrument counts, zero diagonal) over the sorted actor ids.

    What centrality on the projection needs; no networkx graph and no instrument lists are built.

    >>> from partnergraph.graph.model.build import load_graph
    >>> actors, W = actor_weights(load_graph())
    >>> int(W[actors.index("eu"), actors.index("republic-of-korea")])
    2
    """
    M, actors, _ = actor_incidence(G, instrument_filter, actor_kinds)
    W = (M @ M.T).tocsr()
    direct = direct_relations(G, instrument_filter, actor_kinds)
    if direct:
        # lazy: numpy costs ~202 ms to import (measured); only this path needs it
        import numpy as np

        # lazy: scipy.sparse costs ~466 ms to import (measured); only this path needs it
        from scipy import sparse

        row = {a: i for i, a in enumerate(actors)}
        pairs = [(row[a], row[b], len(ties)) for (a, b), ties in direct.items()]
        r, c, w = (np.array(x, dtype=np.int64) for x in zip(*pairs))
        D = sparse.csr_array((w.astype(W.dtype), (r, c)), shape=W.shape)
        W = (W + D + D.T).tocsr()
    W.setdiag(0)
    W.eliminate_zeros()
    return actors, W


def _shared_by_pair(M):
    """Every (actor a < actor b, shared column) triple, sorted by a, b, column (vectorised over all columns)."""
    # lazy: numpy costs ~202 ms to import (measured); only this path needs it
    import numpy as np

    C = M.tocsc()
    C.sort_indices()
    deg = np.diff(C.indptr).astype(np.int64)
    # every (i < j) pair of actors inside every instrument column, generated without a Python loop
    pos = np.arange(C.nnz, dtype=np.int64) - np.repeat(C.indptr[:-1].astype(np.int64), deg)
    reps = np.repeat(deg, deg) - pos - 1
    first = np.repeat(np.arange(C.nnz, dtype=np.int64), reps)
    start = np.repeat(np.cumsum(reps) - reps, reps)
    second = first + 1 + (np.arange(len(first), dtype=np.int64) - start)
    column = np.repeat(np.repeat(np.arange(C.shape[1], dtype=np.int64), deg), reps)
    a, b = C.indices[first].astype(np.int64), C.indices[second].astype(np.int64)
    order = np.lexsort((column, b, a))
    return a[order], b[order], column[order]


def _projection_sparse(G: nx.MultiDiGraph, actors: list[str], M, instruments: list[str], with_instruments: bool) -> nx.Graph:
    """The networkx projection from the incidence matrix: pairs, weights, per-kind counts and lists by array operations."""
    # lazy: numpy costs ~202 ms to import (measured); only this path needs it
    import numpy as np

    P = nx.Graph()
    P.add_nodes_from((a, {"bipartite": 0}) for a in actors)
    if M.nnz == 0:
        return P
    a, b, col = _shared_by_pair(M)
    if len(a) == 0:
        return P
    pair = a * len(actors) + b
    starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    ends = np.r_[starts[1:], len(pair)]
    kind = dict(G.nodes(data="kind"))
    kind_names = sorted({kind[i] for i in instruments})
    code = {k: c for c, k in enumerate(kind_names)}
    kind_code = np.fromiter((code[kind[i]] for i in instruments), dtype=np.int64, count=len(instruments))
    # per pair, the count of each kind: unique (pair number, kind) keys, already in pair order then kind-name order
    group = np.repeat(np.arange(len(starts), dtype=np.int64), ends - starts)
    keys, per_kind = np.unique(group * len(kind_names) + kind_code[col], return_counts=True)
    kind_starts = np.searchsorted(keys // len(kind_names), np.arange(len(starts) + 1))
    names = np.array(kind_names, dtype=object)[keys % len(kind_names)].tolist()
    per_kind = per_kind.tolist()
    by_kind = [dict(zip(names[s:e], per_kind[s:e])) for s, e in zip(kind_starts[:-1].tolist(), kind_starts[1:].tolist())]
    weights = (ends - starts).tolist()
    ids = np.array(actors, dtype=object)
    left, right = ids[a[starts]].tolist(), ids[b[starts]].tolist()
    if with_instruments:  # columns are in list order already (in place first, then id)
        shared = np.array(instruments, dtype=object)[col].tolist()
        data = ({"weight": w, "by_kind": k, "relations": [], "instruments": shared[s:e]}
                for w, k, s, e in zip(weights, by_kind, starts.tolist(), ends.tolist()))
    else:
        data = ({"weight": w, "by_kind": k, "relations": []} for w, k in zip(weights, by_kind))
    P.add_edges_from(zip(left, right, data))
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
    if method == "auto":
        method = "sparse"
    if method == "networkx":
        B = bipartite_links(G, instrument_filter)
        kinds = G.nodes.data("kind")
        actors = sorted(n for n, side in B.nodes.data("bipartite") if side == 0 and (not actor_kinds or kinds[n] in actor_kinds))
        if actor_kinds:
            B.remove_nodes_from([n for n, side in B.nodes.data("bipartite") if side == 0 and kinds[n] not in actor_kinds])
        P = _projection_networkx(G, B, actors, with_instruments)
    elif method == "sparse":
        with gc_paused():
            M, actors, instruments = actor_incidence(G, instrument_filter, actor_kinds)
            P = _projection_sparse(G, actors, M, instruments, with_instruments)
    else:
        raise ValueError(f"method must be auto, networkx or sparse, not {method!r}")
    _add_direct(P, direct_relations(G, instrument_filter, actor_kinds), with_instruments)
    P.graph["projection"] = "actors"
    names, kinds = G.nodes.data("name"), G.nodes.data("kind")
    for n, attrs in P.nodes.items():
        attrs.update(name=names[n], kind=kinds[n])
    return P


def direct_relations(G: nx.MultiDiGraph, instrument_filter=None, actor_kinds: set[str] | None = None) -> dict:
    """Edges joining two actors: ``{(a, b): [(type, relation id), ...]}`` with ``a < b``, lists sorted.

    Found on the edge arrays (no Python pass over the actor–instrument edges); ``instrument_filter``
    applies its edge types (``--avoid member_of``) and avoided nodes; ``actor_kinds`` keeps only
    relations between actors of those kinds.

    >>> from partnergraph.graph.model.build import load_graph
    >>> direct_relations(load_graph())[("asean", "viet-nam")]
    [('member_of', 'viet-nam--member_of--asean')]
    """
    nodes, rows, cols, _ = edge_arrays(G)
    is_actor = _family_mask(G, nodes)
    both = is_actor[rows] & is_actor[cols] & (rows != cols)
    kind = G.nodes.data("kind")
    adjacency = G._succ if G.is_directed() else G._adj  # as in edge_arrays: the plain dicts
    out: dict[tuple[str, str], list] = {}
    for r, c in zip(rows[both].tolist(), cols[both].tolist()):
        u, v = nodes[r], nodes[c]
        if actor_kinds and not (kind[u] in actor_kinds and kind[v] in actor_kinds):
            continue
        if instrument_filter and (u in instrument_filter.avoid_nodes or v in instrument_filter.avoid_nodes):
            continue
        ties = adjacency[u][v].items() if G.is_multigraph() else [(None, adjacency[u][v])]
        kept = [(d.get("type"), k) for k, d in ties if not instrument_filter or instrument_filter.edge_ok(d)]
        if kept:
            out.setdefault((min(u, v), max(u, v)), []).extend(kept)
    return {pair: sorted(ties, key=lambda t: (t[0] or "", str(t[1]))) for pair, ties in out.items()}


def _add_direct(P: nx.Graph, direct: dict, with_instruments: bool) -> None:
    """Put the direct relations on the projection's links (adding a link where the two share no instrument)."""
    for (a, b), ties in direct.items():
        if a not in P or b not in P:
            continue
        if not P.has_edge(a, b):
            P.add_edge(a, b, weight=0, by_kind={}, relations=[], **({"instruments": []} if with_instruments else {}))
        data = P.edges[a, b]
        data["weight"] += len(ties)
        data["relations"] = sorted({t for t, _ in ties} | set(data["relations"]))
