"""Who sits at the centre, and who brokers between otherwise separate partners.

:func:`centrality` scores every node of the full actor–instrument graph (direction
ignored, parallel edges counted as ``weight``) or of the actor projection
(:mod:`partnergraph.graph.analysis.projection`, ``weight`` = shared instruments) with one
of :data:`MEASURES`, ranks them, and explains the top entries in words computed
from the data ("bridges Republic of Korea and Viet Nam (no direct link) through
2 agreements ...").

========================  ============================================================
``degree``                number of distinct neighbours (partners on the projection)
``weighted_degree``       sum of ``weight``: relations (full) or shared instruments (projection)
``betweenness``           networkx ``betweenness_centrality`` (normalised, hop counts); exact,
                          or sampled from ``sample`` seeded sources (reproducible)
``closeness``             networkx ``closeness_centrality`` (hop counts)
``eigenvector``           networkx ``eigenvector_centrality_numpy`` (``weight``)
``pagerank``              networkx ``pagerank`` (``weight``, alpha 0.85)
========================  ============================================================

The scores are those of networkx's functions named above (tests compare them on
the seed, on synthetic graphs and on awkward small graphs), but by default
(``engine="auto"``) they are computed on arrays, never on a networkx graph: the
graph is read once into a :class:`CompactGraph` (node ids + symmetric scipy CSR
weight matrix, built by :func:`partnergraph.graph.analysis.projection.edge_arrays` or
:func:`partnergraph.graph.analysis.projection.actor_weights`), then degree and weighted
degree are row counts and sums, PageRank is networkx's own scipy power iteration
run on that matrix, eigenvector centrality is networkx's ARPACK call
(``scipy.sparse.linalg.eigs``) on the largest component's rows, and betweenness and
closeness run in igraph's C code: betweenness from the same seeded sources
networkx would draw, rescaled exactly as networkx does (large sampled runs are
split over the CPUs in worker processes), closeness rescaled to networkx's
Wasserman–Faust variant. ``engine="networkx"`` runs networkx's functions
themselves (the reference). :data:`ENGINES` lists the engine of each measure;
the result's ``engine`` says which one ran. Figures: docs/analysis.md.

>>> from partnergraph.graph.model.build import load_graph
>>> result = centrality(load_graph(), "betweenness", projection="actors", top=3)
>>> [(r["rank"], r["name"]) for r in result["rows"]]
[(1, 'European Union'), (2, 'Viet Nam'), (3, 'Association of Southeast Asian Nations')]
>>> result["method"], result["engine"]
('exact', 'igraph')
"""

from __future__ import annotations

import heapq
import os
import random
import weakref
from collections import Counter

import networkx as nx
import numpy as np

from partnergraph.graph.model.names import display_name
from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.model.timeslice import as_of as slice_as_of

MEASURES = ("degree", "weighted_degree", "betweenness", "closeness", "eigenvector", "pagerank")


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
        from scipy import sparse

        return sparse.triu(self.weights, k=0, format="coo")

    def to_networkx(self) -> nx.Graph:
        """The same graph as a networkx ``Graph`` (``weight`` edge attribute), node attributes included."""
        from partnergraph.graph.analysis.projection import gc_paused

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
    from scipy import sparse

    from partnergraph.graph.analysis.projection import edge_arrays

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
    from partnergraph.graph.analysis.projection import actor_weights

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


def analysis_graph(G: nx.MultiDiGraph, projection: str | None = None, as_of=None) -> nx.Graph:
    """The graph a measure runs on, as networkx: ``G`` as of a day, full (undirected, weighted) or projected on actors.

    The arrays it is built from are kept with it, so :func:`scores` on it does not convert it back.
    The projection's links carry ``weight`` only (no ``by_kind`` or instrument lists: see
    :func:`partnergraph.graph.analysis.projection.actor_projection` for those).
    """
    from partnergraph.graph.analysis.projection import gc_paused

    with gc_paused():
        H = slice_as_of(G, as_of) if as_of else G
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
    import multiprocessing
    import pickle
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

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
        import igraph  # noqa: F401
    except ImportError:
        return False
    return True


#: The engine each measure runs on with ``engine="auto"`` (betweenness and closeness fall back to networkx without igraph).
ENGINES = {"degree": "scipy", "weighted_degree": "scipy", "betweenness": "igraph", "closeness": "igraph",
           "eigenvector": "scipy ARPACK", "pagerank": "scipy"}


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
    from partnergraph.graph.analysis.projection import gc_paused

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


# --- why ------------------------------------------------------------------------------


def _short(G, node, lang="en") -> str:
    attrs = G.nodes[node]
    if lang == "en" and attrs.get("short_name") and attrs.get("family") == "instrument":
        return attrs["short_name"]
    return display_name(attrs, lang)


def families(G: nx.MultiDiGraph) -> dict:
    """``{node: family}``: one pass, then plain dict look-ups (the node views cost ~20x more per look-up)."""
    return dict(G.nodes(data="family"))


def instruments_of(G: nx.MultiDiGraph, actor: str, family: dict | None = None) -> set[str]:
    """Instruments linked to ``actor`` by an edge in either direction (``family``: see :func:`families`)."""
    fam = family if family is not None else G.nodes.data("family")
    return {m for m in nx.all_neighbors(G, actor) if fam[m] == "instrument"}


def partners(G: nx.MultiDiGraph, actor: str, family: dict | None = None) -> dict[str, set[str]]:
    """Actors sharing an instrument with ``actor``, each with the instruments shared."""
    fam = family if family is not None else G.nodes.data("family")
    out: dict[str, set[str]] = {}
    for inst in instruments_of(G, actor, fam):
        for other in nx.all_neighbors(G, inst):
            if other != actor and fam[other] == "actor":
                out.setdefault(other, set()).add(inst)
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _plural_label(n: int, label: str) -> str:
    """'1 agreement', '2 missions or operations', '2 policies or frameworks'."""
    if n == 1:
        return f"1 {label}"

    def plural(word: str) -> str:
        return word[:-1] + "ies" if word.endswith("y") else word + "s"

    return f"{n} " + " or ".join(plural(part) for part in label.split(" or "))


def _kinds_phrase(G, instruments) -> str:
    schema = get_schema()
    counts = Counter(G.nodes[i]["kind"] for i in instruments)
    parts = [_plural_label(c, schema.kind_label(k).lower()) for k, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


#: How many of a hub's partners (the most linked) are searched for a bridged pair.
BRIDGE_SEARCH = 30


def best_bridge(G: nx.MultiDiGraph, actor: str, shared: dict[str, set[str]] | None = None, family: dict | None = None):
    """Two partners of ``actor`` that share no instrument with each other, linked through ``actor``.

    Picks the pair whose weaker link is strongest, then whose shared instruments have most kinds in
    common (e.g. both through an agreement), then by name. Returns (a, b, instruments) or None.
    """
    shared = shared if shared is not None else partners(G, actor, family)
    top = sorted(shared, key=lambda p: (-len(shared[p]), p))[:BRIDGE_SEARCH]
    own = {p: instruments_of(G, p, family) for p in top}
    kind = G.nodes.data("kind")
    best, best_key = None, None
    for i, a in enumerate(top):
        for b in top[i + 1:]:
            if own[a] & own[b]:
                continue
            common = {kind[x] for x in shared[a]} & {kind[x] for x in shared[b]}
            key = (-min(len(shared[a]), len(shared[b])), -len(common), -len(shared[a]) - len(shared[b]), a, b)
            if best_key is None or key < best_key:
                via = sorted(x for x in shared[a] | shared[b] if kind[x] in common) or sorted(shared[a] | shared[b])
                best, best_key = (a, b, via), key
    return best


def why(G: nx.MultiDiGraph, node: str, measure: str, projection: str | None = None, family: dict | None = None) -> str:
    """One sentence, from the data, saying why ``node`` scores as it does (``family``: see :func:`families`)."""
    attrs = G.nodes[node]
    if attrs.get("family") == "instrument":
        members = sorted({display_name(G.nodes[m]) for m in nx.all_neighbors(G, node) if G.nodes[m]["family"] == "actor"})
        linked = sum(1 for m in set(nx.all_neighbors(G, node)) if G.nodes[m]["family"] == "instrument")
        text = f"joins {_plural(len(members), 'actor')}"
        text += f" ({', '.join(members[:4])}{', …' if len(members) > 4 else ''})" if members else ""
        return text + (f" and {_plural(linked, 'linked instrument')}" if linked else "")
    if measure in ("degree", "weighted_degree") and projection != "actors":
        types = Counter(d["type"] for *_, d in list(G.out_edges(node, data=True)) + list(G.in_edges(node, data=True)))
        label = get_schema().edge_label
        return f"{_plural(sum(types.values()), 'relation')}: " + ", ".join(
            f"{label(t)} ×{c}" for t, c in sorted(types.items(), key=lambda kv: (-kv[1], kv[0])))
    shared = partners(G, node, family)
    total = len(set().union(*shared.values())) if shared else 0
    if not shared:
        return "shares no instrument with another actor"
    strongest = max(shared, key=lambda p: (len(shared[p]), p))
    base = (f"shares {_plural(total, 'instrument')} with {_plural(len(shared), 'actor')}; "
            f"most with {display_name(G.nodes[strongest])} ({len(shared[strongest])})")
    if measure in ("degree", "weighted_degree"):
        return base
    bridge = best_bridge(G, node, shared, family)
    if bridge is None:
        return base + "; its partners also share instruments directly"
    a, b, via = bridge
    a, b = sorted((a, b), key=lambda n: display_name(G.nodes[n]))
    names = ", ".join(_short(G, x) for x in via[:3]) + (", …" if len(via) > 3 else "")
    return (f"bridges {display_name(G.nodes[a])} and {display_name(G.nodes[b])} (no direct link) "
            f"through {_kinds_phrase(G, via)} ({names}); {base}")


# --- the ranked answer ----------------------------------------------------------------


def centrality(
    G: nx.MultiDiGraph,
    measure: str = "pagerank",
    *,
    projection: str | None = None,
    kind: list[str] | None = None,
    as_of=None,
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
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    from partnergraph.graph.analysis.projection import gc_paused

    with gc_paused():
        H = slice_as_of(G, as_of) if as_of else G
        U = graph if graph is not None else compact_graph(H, projection)
        values = scores(U, measure, sample=sample, seed=seed, engine=engine, progress=progress)
        return _ranked(H, U, values, measure, projection, kind, as_of, top, sample, seed, explain, engine, lang)


def _ranked(H, U, values, measure, projection, kind, as_of, top, sample, seed, explain, engine, lang) -> dict:
    sampled = measure == "betweenness" and sample is not None and sample < U.number_of_nodes()
    kinds = get_schema().expand(kind) if kind else None
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
            "why": why(H, node, measure, projection, family) if rank <= explain else "",
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
