"""The shape of the network: neighbourhoods, components, brokers and common partners.

Components, brokers (articulation points) and bridges are taken on the actor
projection (:mod:`partnergraph.graph.analysis.projection`): who is connected to whom
through shared instruments, and whose removal would cut some actors off.

>>> from partnergraph.graph.model.build import load_graph
>>> G = load_graph()
>>> [b["name"] for b in structure(G)["brokers"]]
['European Union', 'Viet Nam']
>>> [p["name"] for p in common_partners(G, "republic-of-korea", "viet-nam")["partners"]]
['European Union']
"""

from __future__ import annotations

import networkx as nx

from partnergraph.graph.analysis.centrality import partners
from partnergraph.graph.model.names import display_name
from partnergraph.graph.analysis.paths import _edge_rank
from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.model.timeslice import as_of as slice_as_of


def neighbours(G: nx.MultiDiGraph, node: str, depth: int = 1, *, as_of=None, lang: str = "en") -> list[dict]:
    """Nodes within ``depth`` hops of ``node`` (direction ignored), nearest first, each with how it is reached.

    >>> from partnergraph.graph.model.build import load_graph
    >>> rows = neighbours(load_graph(), "republic-of-korea")
    >>> [(r["distance"], r["name"], r["via"]) for r in rows]   # doctest: +NORMALIZE_WHITESPACE
    [(1, 'EU–Republic of Korea Framework Participation Agreement', 'Republic of Korea —party to→ EU–Republic of Korea Framework Participation Agreement'),
     (1, 'EU–Republic of Korea security and defence partnership', 'Republic of Korea —party to→ EU–Republic of Korea security and defence partnership')]
    """
    if depth < 1:
        raise ValueError("depth must be at least 1")
    H = slice_as_of(G, as_of) if as_of else G
    if node not in H:
        return []
    U = H.to_undirected(as_view=True)
    distance = nx.single_source_shortest_path_length(U, node, cutoff=depth)
    label = get_schema().edge_label
    rows = []
    for other, d in distance.items():
        if other == node:
            continue
        # the best-attested edge from any node one step nearer (deterministic, not BFS order)
        candidates = [
            (a, b, data) for prev in set(nx.all_neighbors(H, other)) if distance.get(prev) == d - 1
            for a, b in ((prev, other), (other, prev)) if H.has_edge(a, b) for data in H[a][b].values()
        ]
        u, v, data = min(candidates, key=lambda c: (_edge_rank(H, c[2]), display_name(H.nodes[c[0]]), display_name(H.nodes[c[1]])))
        via = f"{display_name(H.nodes[u], lang)} —{label(data['type'], lang)}→ {display_name(H.nodes[v], lang)}"
        attrs = H.nodes[other]
        rows.append({"id": other, "name": display_name(attrs, lang), "kind": attrs["kind"], "distance": d,
                     "via": via, "status": data.get("status") or ""})
    return sorted(rows, key=lambda r: (r["distance"], r["kind"], r["name"]))


def _projection(G, as_of):
    from partnergraph.graph.analysis.projection import actor_projection

    H = slice_as_of(G, as_of) if as_of else G
    return H, actor_projection(H)


def components(P: nx.Graph) -> list[list[str]]:
    """Connected components of a projection, largest first, members sorted."""
    return sorted((sorted(c) for c in nx.connected_components(P)), key=lambda c: (-len(c), c))


def brokers(G: nx.MultiDiGraph, P: nx.Graph, lang: str = "en") -> list[dict]:
    """Articulation points of the projection P: actors whose removal splits their component, and what it cuts off."""
    rows = []
    for v in nx.articulation_points(P):
        component = nx.node_connected_component(P, v) - {v}
        pieces = sorted((sorted(c) for c in nx.connected_components(P.subgraph(component))), key=lambda c: (-len(c), c))
        cut = [display_name(G.nodes[n], lang) for piece in pieces[1:] for n in piece]
        rows.append({
            "id": v, "name": display_name(G.nodes[v], lang), "pieces": len(pieces),
            "cut_off": cut,
            "why": f"without {display_name(G.nodes[v], lang)}, its component splits into {len(pieces)} parts; "
                   f"{', '.join(cut[:6])}{', …' if len(cut) > 6 else ''} would lose every chain to "
                   f"{', '.join(display_name(G.nodes[n], lang) for n in pieces[0][:3])}{', …' if len(pieces[0]) > 3 else ''}",
        })
    return sorted(rows, key=lambda r: (-len(r["cut_off"]), r["name"]))


def structure(G: nx.MultiDiGraph, *, as_of=None, lang: str = "en") -> dict:
    """Components, brokers (articulation points) and bridges (single links) of the actor projection."""
    H, P = _projection(G, as_of)
    comps = components(P)
    return {
        "actors": P.number_of_nodes(),
        "links": P.number_of_edges(),
        "components": [
            {"size": len(c), "members": [display_name(H.nodes[n], lang) for n in c], "ids": c} for c in comps
        ],
        "isolated": [display_name(H.nodes[c[0]], lang) for c in comps if len(c) == 1],
        "brokers": brokers(H, P, lang),
        "bridges": [
            {"from": display_name(H.nodes[u], lang), "to": display_name(H.nodes[v], lang),
             "instruments": P.edges[u, v]["instruments"]}
            for u, v in sorted(tuple(sorted(e)) for e in nx.bridges(P))
        ],
    }


def common_partners(G: nx.MultiDiGraph, a: str, b: str, *, as_of=None, lang: str = "en") -> dict:
    """Actors that share an instrument with both ``a`` and ``b``, and the instruments ``a`` and ``b`` share directly."""
    H = slice_as_of(G, as_of) if as_of else G
    for n in (a, b):
        if n not in H:
            raise LookupError(f"{display_name(G.nodes[n], lang)} did not exist on {as_of}")
    pa, pb = partners(H, a), partners(H, b)
    rows = [
        {"id": p, "name": display_name(H.nodes[p], lang), "kind": H.nodes[p]["kind"],
         "with_a": sorted(pa[p]), "with_b": sorted(pb[p]),
         "with_a_names": [display_name(H.nodes[i], lang) for i in sorted(pa[p])],
         "with_b_names": [display_name(H.nodes[i], lang) for i in sorted(pb[p])]}
        for p in sorted(set(pa) & set(pb) - {a, b}, key=lambda p: (-len(pa[p]) - len(pb[p]), p))
    ]
    direct = sorted(pa.get(b, set()))
    return {"a": display_name(H.nodes[a], lang), "b": display_name(H.nodes[b], lang), "partners": rows,
            "shared_directly": [display_name(H.nodes[i], lang) for i in direct]}
