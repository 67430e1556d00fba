"""The shape of the network: neighbourhoods, components, brokers and common partners.

Components, brokers (articulation points) and bridges are taken on the actor
projection (:mod:`partnergraph.graph.analysis.projection`): who is connected to whom
through shared instruments or direct relations, and whose removal would cut some actors off.
Every function counts ties in place by default (``status``; see
:mod:`partnergraph.graph.analysis.filters`) and, with ``as_of``, what was known on that day;
each answer's ``counted`` says both.

>>> from partnergraph.graph.model.build import load_graph
>>> G = load_graph()
>>> [b["name"] for b in structure(G)["brokers"]]
['European Union', 'Ministry of Public Security of Viet Nam']
>>> structure(G)["isolated"]
['Japan']
>>> [p["name"] for p in common_partners(G, "republic-of-korea", "viet-nam")["partners"]]
['European Union']
"""

from __future__ import annotations

import networkx as nx

from partnergraph.graph.analysis.centrality.explanations import listed
from partnergraph.graph.analysis.filters import scope, tie_status
from partnergraph.graph.analysis.partners import partner_ties, require_actor
from partnergraph.graph.analysis.paths import edge_rank
from partnergraph.graph.analysis.projection import actor_projection
from partnergraph.graph.model.dates import format_date
from partnergraph.graph.model.i18n import t
from partnergraph.graph.model.names import display_name
from partnergraph.graph.model.schema import get_schema


def neighbours(G: nx.MultiDiGraph, node: str, depth: int = 1, *, as_of=None, status="in-place", lang: str = "en") -> list[dict]:
    """The rows of :func:`neighbourhood`."""
    return neighbourhood(G, node, depth, as_of=as_of, status=status, lang=lang)["rows"]


def neighbourhood(G: nx.MultiDiGraph, node: str, depth: int = 1, *, as_of=None, status="in-place",
                  lang: str = "en") -> dict:
    """Nodes within ``depth`` hops of ``node`` (direction ignored), nearest first, each with how it is reached.

    Returns ``{"counted": ..., "rows": [...]}``; the doctest shows the rows.

    >>> from partnergraph.graph.model.build import load_graph
    >>> rows = neighbourhood(load_graph(), "republic-of-korea", status="all")["rows"]
    >>> [(r["distance"], r["name"], r["via"]) for r in rows]   # doctest: +NORMALIZE_WHITESPACE
    [(1, 'EU–Republic of Korea Framework Participation Agreement', 'Republic of Korea —party to→ EU–Republic of Korea Framework Participation Agreement'),
     (1, 'EU–Republic of Korea security and defence partnership', 'Republic of Korea —party to→ EU–Republic of Korea security and defence partnership')]
    """
    if depth < 1:
        raise ValueError("depth must be at least 1")
    H, meta = scope(G, status, as_of, lang=lang)
    if node not in H:
        return {"counted": meta, "rows": []}
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
        u, v, data = min(candidates, key=lambda c: (edge_rank(H, c[2]), display_name(H.nodes[c[0]]), display_name(H.nodes[c[1]])))
        via = f"{display_name(H.nodes[u], lang)} —{label(data['type'], lang)}→ {display_name(H.nodes[v], lang)}"
        attrs = H.nodes[other]
        rows.append({"id": other, "name": display_name(attrs, lang), "kind": attrs["kind"], "distance": d,
                     "via": via, "status": tie_status(H, u, v, data) or ""})
    return {"counted": meta, "rows": sorted(rows, key=lambda r: (r["distance"], r["kind"], r["name"]))}


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
            "why": t("broker_why", lang, name=display_name(G.nodes[v], lang), n=len(pieces), cut=listed(cut, 6),
                     rest=listed([display_name(G.nodes[n], lang) for n in pieces[0]], 3)),
        })
    return sorted(rows, key=lambda r: (-len(r["cut_off"]), r["name"]))


def structure(G: nx.MultiDiGraph, *, as_of=None, status="in-place", lang: str = "en") -> dict:
    """Components, brokers (articulation points) and bridges (single links) of the actor projection."""
    H, meta = scope(G, status, as_of, lang=lang)
    P = actor_projection(H)
    comps = components(P)
    return {
        "counted": meta,
        "actors": P.number_of_nodes(),
        "links": P.number_of_edges(),
        "components": [
            {"size": len(c), "members": [display_name(H.nodes[n], lang) for n in c], "ids": c} for c in comps
        ],
        "isolated": [display_name(H.nodes[c[0]], lang) for c in comps if len(c) == 1],
        "brokers": brokers(H, P, lang),
        "bridges": [
            {"from": display_name(H.nodes[u], lang), "to": display_name(H.nodes[v], lang),
             "instruments": P.edges[u, v]["instruments"], "relations": P.edges[u, v]["relations"]}
            for u, v in sorted(tuple(sorted(e)) for e in nx.bridges(P))
        ],
    }


def common_partners(G: nx.MultiDiGraph, a: str, b: str, *, as_of=None, status="in-place", lang: str = "en") -> dict:
    """Actors tied to both ``a`` and ``b`` (through an instrument or directly), and the instruments ``a`` and ``b`` share.

    ``with_a`` / ``with_b`` list, for each common partner, the instruments and direct relations
    (``relation:member_of``) tying it to ``a`` and to ``b``. Raises :class:`NotAnActor` for an instrument.
    """
    for n in (a, b):
        require_actor(G, n, lang)
    H, meta = scope(G, status, as_of, lang=lang)
    for n in (a, b):
        if n not in H:
            raise LookupError(t("nopath_unknown", lang, name=display_name(G.nodes[n], lang), date=format_date(meta["as_of"], lang)))
    label = get_schema().edge_label

    def ties(x):
        out = {}
        for p, t in partner_ties(H, x).items():
            out[p] = sorted(t["through"]) + sorted({f"relation:{H.edges[e]['type']}" for e in t["direct"]})
        return out

    def names(items):
        return [label(i.split(":", 1)[1], lang) if i.startswith("relation:") else display_name(H.nodes[i], lang) for i in items]

    pa, pb = ties(a), ties(b)
    rows = [
        {"id": p, "name": display_name(H.nodes[p], lang), "kind": H.nodes[p]["kind"],
         "with_a": pa[p], "with_b": pb[p], "with_a_names": names(pa[p]), "with_b_names": names(pb[p])}
        for p in sorted(set(pa) & set(pb) - {a, b}, key=lambda p: (-len(pa[p]) - len(pb[p]), p))
    ]
    direct = [i for i in pa.get(b, []) if not i.startswith("relation:")]
    return {"counted": meta, "a": display_name(H.nodes[a], lang), "b": display_name(H.nodes[b], lang), "partners": rows,
            "shared_directly": [display_name(H.nodes[i], lang) for i in direct],
            "related_directly": names([i for i in pa.get(b, []) if i.startswith("relation:")])}


def common_columns(result: dict, lang: str = "en") -> list[str]:
    """The columns of :func:`common_rows`: partner, kind, then 'with A' and 'with B' in the reader's language."""
    return ["partner", "kind", t("with_actor", lang, name=result["a"]), t("with_actor", lang, name=result["b"])]


def common_rows(result: dict, lang: str = "en") -> list[dict]:
    """Flat rows of :func:`common_partners` for a table or CSV: the partner, its kind, its ties with each actor."""
    a, b = common_columns(result, lang)[2:]
    return [{"partner": p["name"], "kind": p["kind"], a: p["with_a_names"], b: p["with_b_names"]} for p in result["partners"]]
