"""The engines: every measure's scores, on arrays or through networkx's reference functions.

The graph is read once into a :class:`CompactGraph` (node ids + symmetric scipy CSR weight
matrix, built by :func:`partnergraph.graph.analysis.projection.edge_arrays` or
:func:`partnergraph.graph.analysis.projection.actor_weights`), then degree and weighted degree
are row counts and sums, PageRank is networkx's own scipy power iteration run on that matrix,
eigenvector centrality is networkx's ARPACK call (``scipy.sparse.linalg.eigs``) on the largest
component's rows, and betweenness and closeness run in igraph's C code: betweenness from the
same seeded sources networkx would draw, rescaled exactly as networkx does (large sampled runs
are split over the CPUs in worker processes), closeness rescaled to networkx's Wasserman–Faust
variant. ``engine="networkx"`` runs networkx's functions themselves (the reference); the
registry (:mod:`partnergraph.graph.analysis.centrality.measures`) names the engine of each
measure. Figures: docs/analysis.md.

scipy and igraph are imported inside the functions that use them: the CLI imports this package
for ``partnergraph centrality --help`` and ``path``, and ``import scipy.sparse`` alone costs
~0.15 s of start-up (``python -X importtime``), igraph ~0.05 s.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import random
import weakref
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

import networkx as nx
import numpy as np

from partnergraph.graph.analysis.centrality.measures import ENGINES, MEASURES
from partnergraph.graph.analysis.filters import counted
from partnergraph.graph.analysis.projection import actor_weights, edge_arrays, gc_paused
from partnergraph.graph.model.timeslice import as_of as slice_as_of


class CompactGraph:
    """An undirected weighted graph as arrays: the node ids and a symmetric scipy CSR matrix of weights.

    What every measure runs on (no networkx graph is built): position ``i`` of ``nodes`` is row and
    column ``i`` of ``weights``; a self-loop sits once on the diagonal, as in
    ``nx.to_scipy_sparse_array``. ``attrs`` gives node attributes when a networkx copy is asked for.
    """

    def __init__(self, nodes: list, weights, attrs=None, graph: dict | None = None):
        self.nodes = nodes
        self.weights = weights
        self.attrs = attrs
        self.graph = graph or {}

    def __iter__(self):
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    def number_of_nodes(self) -> int:
        return len(self.nodes)

    def number_of_edges(self) -> int:
        W = self.weights
        return (W.nnz + int(np.count_nonzero(W.diagonal()))) // 2

    def upper(self):
        """The links once each: COO upper triangle including the diagonal."""
        # lazy: scipy.sparse costs ~466 ms to import (measured); only this path needs it
        from scipy import sparse

        return sparse.triu(self.weights, k=0, format="coo")

    def to_networkx(self) -> nx.Graph:
        """The same graph as a networkx ``Graph`` (``weight`` edge attribute), node attributes included."""
        U = nx.Graph()
        U.graph.update(self.graph)
        with gc_paused():
            if self.attrs is not None:
                U.add_nodes_from((n, self.attrs(n)) for n in self.nodes)
            else:
                U.add_nodes_from(self.nodes)
            T = self.upper()
            ids = np.array(self.nodes, dtype=object)
            U.add_weighted_edges_from(zip(ids[T.row].tolist(), ids[T.col].tolist(), T.data.tolist()))
        return U


def compact_full(G: nx.MultiDiGraph) -> CompactGraph:
    """``G`` undirected as a :class:`CompactGraph`: ``weight`` = number of relations between the two nodes."""
    # lazy: scipy.sparse costs ~466 ms to import (measured); only this path needs it
    from scipy import sparse

    nodes, rows, cols, counts = edge_arrays(G)
    n = len(nodes)
    W = sparse.coo_array((counts, (rows, cols)), shape=(n, n)).tocsr()
    diagonal = W.diagonal()
    S = (W + W.T).tocsr()
    if diagonal.any():  # a self-loop is one link, not two
        S.setdiag(diagonal)
        S.eliminate_zeros()
    S.sort_indices()
    return CompactGraph(nodes, S, attrs=lambda node: G.nodes[node])


def compact_actors(G: nx.MultiDiGraph) -> CompactGraph:
    """The actor projection's weights (shared instruments) as a :class:`CompactGraph`, no lists built."""
    actors, W = actor_weights(G)
    W.sort_indices()
    names, kinds = G.nodes.data("name"), G.nodes.data("kind")
    return CompactGraph(actors, W.astype(np.int64), attrs=lambda a: {"bipartite": 0, "name": names[a], "kind": kinds[a]},
                        graph={"projection": "actors"})


def compact_graph(G: nx.MultiDiGraph, projection: str | None = None) -> CompactGraph:
    """The graph a measure runs on, compactly: full (undirected, weighted) or projected on actors."""
    if projection in (None, "full", "none"):
        return compact_full(G)
    if projection == "actors":
        return compact_actors(G)
    raise ValueError(f"projection must be 'full' or 'actors', not {projection!r}")


#: networkx graphs made by :func:`analysis_graph`, with the arrays they were made from (no re-conversion).
_COMPACT: "weakref.WeakKeyDictionary[nx.Graph, CompactGraph]" = weakref.WeakKeyDictionary()


def compact_of(U) -> CompactGraph:
    """``U`` as a :class:`CompactGraph` (the cached arrays of an :func:`analysis_graph`, else converted)."""
    if isinstance(U, CompactGraph):
        return U
    cached = _COMPACT.get(U)
    if cached is not None and cached.number_of_nodes() == U.number_of_nodes() and cached.number_of_edges() == U.number_of_edges():
        return cached
    # lazy: scipy.sparse costs ~466 ms to import (measured); only this path needs it
    from scipy import sparse

    nodes = list(U)
    if not nodes:
        return CompactGraph(nodes, sparse.csr_array((0, 0)))
    return CompactGraph(nodes, nx.to_scipy_sparse_array(U, nodelist=nodes, weight="weight", format="csr"))


def undirected_weighted(G: nx.MultiDiGraph) -> nx.Graph:
    """The simple undirected graph of ``G``: ``weight`` = number of relations between the two nodes.

    >>> M = nx.MultiDiGraph([(1, 2), (2, 1), (2, 3)])
    >>> sorted(undirected_weighted(M).edges(data="weight"))
    [(1, 2, 2), (2, 3, 1)]
    """
    return compact_full(G).to_networkx()


def analysis_graph(G: nx.MultiDiGraph, projection: str | None = None, as_of=None, status="in-place") -> nx.Graph:
    """The graph a measure runs on, as networkx: the ties ``status`` counts (in place by default; see
    :mod:`partnergraph.graph.analysis.filters`), as known on ``as_of``, full (undirected, weighted) or
    projected on actors.

    The arrays it is built from are kept with it, so :func:`scores` on it does not convert it back.
    The projection's links carry ``weight`` only (no ``by_kind`` or instrument lists: see
    :func:`partnergraph.graph.analysis.projection.actor_projection` for those).
    """
    with gc_paused():
        H = counted(G, status)
        H = slice_as_of(H, as_of) if as_of else H
        C = compact_graph(H, projection)
        U = C.to_networkx()
    _COMPACT[U] = C
    return U


# --- scores -------------------------------------------------------------------------


def sampled_sources(U, k: int, seed: int) -> list:
    """The ``k`` source nodes networkx's sampled betweenness draws with this ``seed``."""
    return random.Random(seed).sample(list(U.nodes() if isinstance(U, nx.Graph) else U.nodes), k)


def _edge_list(C: CompactGraph) -> np.ndarray:
    """The links of ``C`` as an (m, 2) array of node positions, self-loops left out (they lie on no shortest path)."""
    T = C.upper()
    loops = T.row == T.col
    return np.column_stack((T.row[~loops], T.col[~loops])).astype(np.int64)


def _igraph_from_edges(n: int, edges: np.ndarray):
    # lazy: igraph costs ~892 ms to import (measured); only this path needs it
    import igraph as ig

    g = ig.Graph(n=n)
    g.add_edges(edges)
    return g


def _igraph_on(g, measure: str, vertices: list[int]) -> np.ndarray:
    """One piece of an igraph computation on graph ``g``.

    ``betweenness``: the contributions of the shortest paths from ``vertices`` (sources) to every
    node, for all nodes (pieces add up); ``closeness``: igraph's normalised closeness of ``vertices``.
    """
    if measure == "betweenness":
        return np.array(g.betweenness(directed=False, sources=vertices))
    return np.array(g.closeness(vertices=vertices, normalized=True), dtype=float)


_worker_graph = None  # the igraph graph of a worker process, built once by _start_worker


def _start_worker(n: int, edges: np.ndarray) -> None:
    global _worker_graph
    _worker_graph = _igraph_from_edges(n, edges)


def _worker_piece(measure: str, vertices: list[int]) -> np.ndarray:
    return _igraph_on(_worker_graph, measure, vertices)


#: Betweenness and closeness count as long work when vertices × links exceeds this, e.g. 256
#: sampled sources on the 20k-actor / 500k-instrument graph (1.9M links, ~48 s of CPU in one
#: process): it is then cut into pieces that report progress and are dealt out to worker processes,
#: one per usable CPU. Smaller jobs run here in one go: starting a worker costs ~1 s. igraph is not
#: thread-safe; its authors advise separate processes. ``PARTNERGRAPH_PROCESSES`` caps the
#: processes used (1 = never start workers).
PARALLEL_WORK = 2e8
PIECES = 50  # at most, for a long job: progress in 2% steps
MIN_PIECE = 32  # vertices per piece at least: an igraph betweenness call costs ~0.25 s on 1.9M links


def _usable_cpus() -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    cap = os.environ.get("PARTNERGRAPH_PROCESSES", "").strip()
    return max(1, min(cpus, int(cap))) if cap.isdigit() else cpus


def _igraph_split(n: int, edges: np.ndarray, measure: str, vertices: list[int], progress=None) -> np.ndarray:
    """:func:`_igraph_on` over all ``vertices``; long work is cut into pieces, run in worker processes.

    Each source's (or vertex's) contribution is independent of the others, so ``spawn``ed workers
    (one per CPU, each building the igraph graph once from the edge array) compute pieces side by
    side; betweenness pieces are summed, closeness pieces put back in order. ``progress(done, total)``
    is called as pieces finish (long work only). The result equals the one-call result (to float
    rounding). Falls back to this process if workers cannot be started.
    """
    if len(vertices) * len(edges) < PARALLEL_WORK:
        return _igraph_on(_igraph_from_edges(n, edges), measure, vertices)
    cpus = _usable_cpus()
    count = min(len(vertices), max(cpus, min(PIECES, len(vertices) // MIN_PIECE)))
    pieces = [piece.tolist() for piece in np.array_split(np.asarray(vertices), count)]
    report = progress or (lambda done, total: None)
    parts = _pieces_in_workers(n, edges, measure, pieces, report) if cpus >= 2 else None
    if parts is None:
        g, parts, done = _igraph_from_edges(n, edges), [], 0
        for piece in pieces:
            parts.append(_igraph_on(g, measure, piece))
            done += len(piece)
            report(done, len(vertices))
    return np.sum(parts, axis=0) if measure == "betweenness" else np.concatenate(parts)


def _pieces_in_workers(n: int, edges: np.ndarray, measure: str, pieces: list[list[int]], report) -> list | None:
    """The pieces' results, in order, from one worker process per usable CPU; None if workers fail."""
    parts: list = [None] * len(pieces)
    total, done = sum(map(len, pieces)), 0
    try:
        with ProcessPoolExecutor(max_workers=min(_usable_cpus(), len(pieces)), initializer=_start_worker,
                                 initargs=(n, edges), mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {pool.submit(_worker_piece, measure, piece): i for i, piece in enumerate(pieces)}
            for future in as_completed(futures):
                i = futures[future]
                parts[i] = future.result()
                done += len(pieces[i])
                report(done, total)
    except (OSError, BrokenProcessPool, pickle.PicklingError):
        return None
    return parts


def _betweenness_igraph(U, sample: int | None, seed: int, progress=None) -> dict:
    """igraph (subset) betweenness, rescaled like networkx >= 3.5 (normalised, endpoints excluded)."""
    C = compact_of(U)
    nodes = C.nodes
    n = len(nodes)
    N = n - 1  # endpoints are excluded
    if N < 2:
        return dict.fromkeys(nodes, 0.0)
    if sample is None:  # every node is a source: igraph's plain betweenness
        raw = _igraph_split(n, _edge_list(C), "betweenness", list(range(n)), progress)
        # igraph counts each unordered pair once; networkx counts ordered (s, t) pairs: factor 2.
        return dict(zip(nodes, (raw * (2 / (N * (N - 1)))).tolist()))
    index = dict(zip(nodes, range(n)))
    positions = [index[s] for s in sampled_sources(C, sample, seed)]
    raw = _igraph_split(n, _edge_list(C), "betweenness", positions, progress)
    k = len(positions)
    scale = np.full(n, 2 / (k * (N - 1)))
    scale[positions] = 2 / ((k - 1) * (N - 1)) if k > 1 else float("nan")
    return dict(zip(nodes, (raw * scale).tolist()))


def _closeness_igraph(U, progress=None) -> dict:
    """networkx's ``closeness_centrality`` (Wasserman–Faust for disconnected graphs) through igraph's C code.

    igraph's normalised closeness is (r - 1) / (sum of distances to the r - 1 reachable nodes);
    networkx scales that by (r - 1) / (n - 1) and gives 0 to a node that reaches nothing.
    """
    # lazy: scipy.sparse costs ~466 ms to import (measured); only this path needs it
    from scipy.sparse import csgraph

    C = compact_of(U)
    n = C.number_of_nodes()
    if n < 2:
        return dict.fromkeys(C.nodes, 0.0)
    raw = _igraph_split(n, _edge_list(C), "closeness", list(range(n)), progress)
    _, label = csgraph.connected_components(C.weights, directed=False)
    reach = np.bincount(label)[label] - 1
    values = np.where(reach > 0, np.nan_to_num(raw) * reach / (n - 1), 0.0)
    return dict(zip(C.nodes, values.tolist()))


def _pagerank_scipy(U, alpha: float = 0.85, max_iter: int = 100, tol: float = 1.0e-6) -> dict:
    """networkx's PageRank (``nx.pagerank``, which runs networkx's ``_pagerank_scipy``) on the arrays.

    The same power iteration, operation for operation (row-normalised weights, uniform
    teleport and dangling vectors, L1 stopping rule ``err < N * tol``), so the scores equal
    networkx's; only the conversion of a networkx graph to a matrix is skipped.
    """
    # lazy: scipy.sparse costs ~466 ms to import (measured); only this path needs it
    from scipy import sparse

    C = compact_of(U)
    N = C.number_of_nodes()
    if N == 0:
        return {}
    A = C.weights.astype(float)
    S = A.sum(axis=1)
    S[S != 0] = 1.0 / S[S != 0]
    A = sparse.dia_array((S.T, 0), shape=A.shape).tocsr() @ A
    x = np.repeat(1.0 / N, N)
    p = np.repeat(1.0 / N, N)
    is_dangling = np.where(S == 0)[0]
    for _ in range(max_iter):
        xlast = x
        x = alpha * (x @ A + sum(x[is_dangling]) * p) + (1 - alpha) * p
        if np.absolute(x - xlast).sum() < N * tol:
            return dict(zip(C.nodes, map(float, x)))
    raise nx.PowerIterationFailedConvergence(max_iter)


def _has_igraph() -> bool:
    try:
        # lazy: igraph costs ~892 ms to import (measured); only this path needs it
        import igraph  # noqa: F401
    except ImportError:
        return False
    return True


def engine_used(measure: str, engine: str = "auto") -> str:
    """The engine :func:`scores` uses for ``measure`` with ``engine`` (``auto``, ``igraph`` or ``networkx``)."""
    if engine == "networkx" or (ENGINES[measure] == "igraph" and engine == "auto" and not _has_igraph()):
        return "networkx"
    return ENGINES[measure]


def scores(U, measure: str, *, sample: int | None = None, seed: int = 0, engine: str = "auto",
           progress=None) -> dict:
    """Score every node of ``U`` (a networkx graph or a :class:`CompactGraph`) with ``measure`` (see the module table).

    ``engine="networkx"`` runs networkx's reference functions; ``"auto"`` (default) the array engines
    of :data:`ENGINES`, which give the same scores (tests compare them). ``progress(done, total)``
    is called while long betweenness or closeness jobs run (see :data:`PARALLEL_WORK`).
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    if measure == "betweenness" and sample is not None and sample >= U.number_of_nodes():
        sample = None
    if engine_used(measure, engine) == "networkx":
        return _scores_networkx(U if isinstance(U, nx.Graph) else U.to_networkx(), measure, sample, seed)
    with gc_paused():
        return _scores_arrays(compact_of(U), measure, sample, seed, progress)


def _scores_arrays(C: CompactGraph, measure: str, sample: int | None, seed: int, progress=None) -> dict:
    if measure in ("degree", "weighted_degree"):
        W = C.weights
        diagonal = W.diagonal()
        if measure == "degree":  # a self-loop counts twice, as in networkx
            values = np.diff(W.indptr) + (diagonal != 0)
        else:
            values = np.asarray(W.sum(axis=1)).ravel() + diagonal
        return dict(zip(C.nodes, values.tolist()))
    if measure == "betweenness":
        return _betweenness_igraph(C, sample, seed, progress)
    if measure == "closeness":
        return _closeness_igraph(C, progress)
    if measure == "eigenvector":
        return eigenvector_largest_component(C)
    return _pagerank_scipy(C)


def _scores_networkx(U: nx.Graph, measure: str, sample: int | None, seed: int) -> dict:
    """The networkx reference functions."""
    if measure == "degree":
        return dict(U.degree())
    if measure == "weighted_degree":
        return dict(U.degree(weight="weight"))
    if measure == "betweenness":
        return nx.betweenness_centrality(U, k=sample, seed=seed if sample else None)
    if measure == "closeness":
        return nx.closeness_centrality(U)
    if measure == "eigenvector":
        values = dict.fromkeys(U, 0.0)
        if U.number_of_edges():
            largest = max(nx.connected_components(U), key=len)
            values.update(nx.eigenvector_centrality_numpy(U.subgraph(largest), weight="weight"))
        return values
    return nx.pagerank(U, weight="weight")


def eigenvector_largest_component(U) -> dict:
    """Eigenvector centrality (``weight``) of the largest connected component; 0 elsewhere.

    networkx refuses disconnected graphs (the answer is ambiguous there), so the measure is taken
    where it is defined: on the largest component, the one every hub is in. The computation is
    networkx's ``eigenvector_centrality_numpy`` (ARPACK through ``scipy.sparse.linalg.eigs``, the
    same arguments) on the component's rows of the weight matrix.
    """
    # lazy: scipy.sparse costs ~466 ms to import (measured); only this path needs it
    from scipy.sparse import csgraph, linalg

    C = compact_of(U)
    values = np.zeros(C.number_of_nodes())
    if C.number_of_edges() == 0:
        return dict(zip(C.nodes, values.tolist()))
    _, label = csgraph.connected_components(C.weights, directed=False)
    keep = np.flatnonzero(label == np.argmax(np.bincount(label)))  # the first largest, as networkx's max() picks
    A = C.weights[keep][:, keep].astype(float)
    _, vector = linalg.eigs(A.T, k=1, which="LR", maxiter=1000, tol=0)
    largest = vector.flatten().real
    values[keep] = largest / (np.sign(largest.sum()) * np.linalg.norm(largest))
    return dict(zip(C.nodes, values.tolist()))


