"""Who sits at the centre, and who brokers between otherwise separate partners.

:func:`centrality` scores every node of the full actor–instrument graph (direction
ignored, parallel edges counted as ``weight``) or of the actor projection
(:mod:`partnergraph.graph.projection`, ``weight`` = shared instruments) with one
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

Betweenness runs on igraph when it is installed (``engine="auto"``): igraph's
subset betweenness from the same seeded sources networkx would draw, rescaled
exactly as networkx does, so the scores equal
``nx.betweenness_centrality(U, k=sample, seed=seed)`` (a test checks it) at a
fraction of the time on large graphs (figures in docs/analysis.md).

>>> from partnergraph.graph.build import load_graph
>>> result = centrality(load_graph(), "betweenness", projection="actors", top=3)
>>> [(r["rank"], r["name"]) for r in result["rows"]]
[(1, 'European Union'), (2, 'Viet Nam'), (3, 'Association of Southeast Asian Nations')]
>>> result["method"]
'exact'
"""

from __future__ import annotations

import random
from collections import Counter

import networkx as nx

from .names import display_name
from .schema import get_schema
from .timeslice import as_of as slice_as_of

MEASURES = ("degree", "weighted_degree", "betweenness", "closeness", "eigenvector", "pagerank")


def undirected_weighted(G: nx.MultiDiGraph) -> nx.Graph:
    """The simple undirected graph of ``G``: ``weight`` = number of relations between the two nodes.

    >>> M = nx.MultiDiGraph([(1, 2), (2, 1), (2, 3)])
    >>> sorted(undirected_weighted(M).edges(data="weight"))
    [(1, 2, 2), (2, 3, 1)]
    """
    counts = Counter((u, v) if str(u) <= str(v) else (v, u) for u, v in G.edges())
    U = nx.Graph()
    U.add_nodes_from(G.nodes(data=True))
    U.add_weighted_edges_from((u, v, w) for (u, v), w in counts.items())
    return U


def analysis_graph(G: nx.MultiDiGraph, projection: str | None = None, as_of=None) -> nx.Graph:
    """The graph a measure runs on: ``G`` as of a day, full (undirected, weighted) or projected on actors."""
    H = slice_as_of(G, as_of) if as_of else G
    if projection in (None, "full", "none"):
        return undirected_weighted(H)
    if projection == "actors":
        from .projection import actor_projection

        return actor_projection(H, with_instruments=False)
    raise ValueError(f"projection must be 'full' or 'actors', not {projection!r}")


# --- scores -------------------------------------------------------------------------


def sampled_sources(U: nx.Graph, k: int, seed: int) -> list:
    """The ``k`` source nodes networkx's sampled betweenness draws with this ``seed``."""
    return random.Random(seed).sample(list(U.nodes()), k)


def _betweenness_igraph(U: nx.Graph, sample: int | None, seed: int) -> dict:
    """igraph subset betweenness, rescaled like networkx >= 3.5 (normalised, endpoints excluded)."""
    import igraph as ig

    nodes = list(U)
    index = {n: i for i, n in enumerate(nodes)}
    g = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in U.edges()])
    sources = None if sample is None else sampled_sources(U, sample, seed)
    raw = g.betweenness(directed=False, sources=None if sources is None else [index[s] for s in sources])
    n = len(nodes)
    N = n - 1  # endpoints are excluded
    if N < 2:
        return dict.fromkeys(nodes, 0.0)
    # igraph counts each unordered pair once; networkx counts ordered (s, t) pairs: factor 2.
    if sources is None:
        scale = {True: 2 / (N * (N - 1))}
        is_source = dict.fromkeys(nodes, True)
    else:
        k = len(sources)
        scale = {True: 2 / ((k - 1) * (N - 1)) if k > 1 else float("nan"), False: 2 / (k * (N - 1))}
        chosen = set(sources)
        is_source = {v: v in chosen for v in nodes}
    return {v: raw[i] * scale[is_source[v]] for i, v in enumerate(nodes)}


def _has_igraph() -> bool:
    try:
        import igraph  # noqa: F401
    except ImportError:
        return False
    return True


def scores(U: nx.Graph, measure: str, *, sample: int | None = None, seed: int = 0, engine: str = "auto") -> dict:
    """Score every node of ``U`` with ``measure`` (see the module table)."""
    if measure == "degree":
        return dict(U.degree())
    if measure == "weighted_degree":
        return dict(U.degree(weight="weight"))
    if measure == "betweenness":
        if sample is not None and sample >= U.number_of_nodes():
            sample = None
        if engine == "igraph" or (engine == "auto" and _has_igraph()):
            return _betweenness_igraph(U, sample, seed)
        return nx.betweenness_centrality(U, k=sample, seed=seed if sample else None)
    if measure == "closeness":
        return nx.closeness_centrality(U)
    if measure == "eigenvector":
        return eigenvector_largest_component(U)
    if measure == "pagerank":
        return nx.pagerank(U, weight="weight")
    raise ValueError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")


def eigenvector_largest_component(U: nx.Graph) -> dict:
    """Eigenvector centrality (``weight``) of the largest connected component; 0 elsewhere.

    networkx refuses disconnected graphs (the answer is ambiguous there), so the measure is taken
    where it is defined: on the largest component, the one every hub is in.
    """
    values = dict.fromkeys(U, 0.0)
    if U.number_of_edges() == 0:
        return values
    largest = max(nx.connected_components(U), key=len)
    values.update(nx.eigenvector_centrality_numpy(U.subgraph(largest), weight="weight"))
    return values


# --- why ------------------------------------------------------------------------------


def _short(G, node, lang="en") -> str:
    attrs = G.nodes[node]
    if lang == "en" and attrs.get("short_name") and attrs.get("family") == "instrument":
        return attrs["short_name"]
    return display_name(attrs, lang)


def instruments_of(G: nx.MultiDiGraph, actor: str) -> set[str]:
    """Instruments linked to ``actor`` by an edge in either direction."""
    fam = G.nodes.data("family")
    return {m for m in nx.all_neighbors(G, actor) if fam[m] == "instrument"}


def partners(G: nx.MultiDiGraph, actor: str) -> dict[str, set[str]]:
    """Actors sharing an instrument with ``actor``, each with the instruments shared."""
    fam = G.nodes.data("family")
    out: dict[str, set[str]] = {}
    for inst in instruments_of(G, actor):
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


def best_bridge(G: nx.MultiDiGraph, actor: str, shared: dict[str, set[str]] | None = None):
    """Two partners of ``actor`` that share no instrument with each other, linked through ``actor``.

    Picks the pair whose weaker link is strongest, then whose shared instruments have most kinds in
    common (e.g. both through an agreement), then by name. Returns (a, b, instruments) or None.
    """
    shared = shared if shared is not None else partners(G, actor)
    top = sorted(shared, key=lambda p: (-len(shared[p]), p))[:BRIDGE_SEARCH]
    own = {p: instruments_of(G, p) for p in top}
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


def why(G: nx.MultiDiGraph, node: str, measure: str, projection: str | None = None) -> str:
    """One sentence, from the data, saying why ``node`` scores as it does."""
    attrs = G.nodes[node]
    if attrs.get("family") == "instrument":
        members = sorted({display_name(G.nodes[m]) for m in nx.all_neighbors(G, node) if G.nodes[m]["family"] == "actor"})
        linked = sum(1 for m in set(nx.all_neighbors(G, node)) if G.nodes[m]["family"] == "instrument")
        text = f"joins {_plural(len(members), 'actor')}"
        text += f" ({', '.join(members[:4])}{', …' if len(members) > 4 else ''})" if members else ""
        return text + (f" and {_plural(linked, 'linked instrument')}" if linked else "")
    shared = partners(G, node)
    total = len(set().union(*shared.values())) if shared else 0
    if measure in ("degree", "weighted_degree") and projection != "actors":
        types = Counter(d["type"] for *_, d in list(G.out_edges(node, data=True)) + list(G.in_edges(node, data=True)))
        label = get_schema().edge_label
        return f"{_plural(sum(types.values()), 'relation')}: " + ", ".join(
            f"{label(t)} ×{c}" for t, c in sorted(types.items(), key=lambda kv: (-kv[1], kv[0])))
    if not shared:
        return "shares no instrument with another actor"
    strongest = max(shared, key=lambda p: (len(shared[p]), p))
    base = (f"shares {_plural(total, 'instrument')} with {_plural(len(shared), 'actor')}; "
            f"most with {display_name(G.nodes[strongest])} ({len(shared[strongest])})")
    if measure in ("degree", "weighted_degree"):
        return base
    bridge = best_bridge(G, node, shared)
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
) -> dict:
    """Rank nodes by ``measure``; the first ``explain`` rows get a ``why``.

    ``kind`` (node kinds or groups such as ``state`` or ``actor``) filters the *listing*, not the
    graph the scores are computed on. ``graph`` lets a caller pass a prepared analysis graph
    (see :func:`analysis_graph`) to score several measures without rebuilding it.
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    H = slice_as_of(G, as_of) if as_of else G
    U = graph if graph is not None else analysis_graph(H, projection)
    values = scores(U, measure, sample=sample, seed=seed, engine=engine)
    sampled = measure == "betweenness" and sample is not None and sample < U.number_of_nodes()
    kinds = get_schema().expand(kind) if kind else None
    listed = [n for n in U if kinds is None or H.nodes[n]["kind"] in kinds]
    listed.sort(key=lambda n: (-values[n], n))
    rows = []
    for rank, node in enumerate(listed[:top] if top else listed, 1):
        attrs = H.nodes[node]
        rows.append({
            "rank": rank, "id": node, "name": display_name(attrs, lang), "kind": attrs["kind"],
            "score": round(float(values[node]), 6),
            "why": why(H, node, measure, projection) if rank <= explain else "",
        })
    return {
        "measure": measure,
        "graph": "actor projection" if projection == "actors" else "full graph",
        "as_of": str(as_of) if as_of else None,
        "nodes": U.number_of_nodes(),
        "edges": U.number_of_edges(),
        "method": f"sampled: {sample} seeded sources (seed {seed})" if sampled else "exact",
        "engine": "igraph" if measure == "betweenness" and (engine == "igraph" or (engine == "auto" and _has_igraph())) else "networkx",
        "rows": rows,
    }
