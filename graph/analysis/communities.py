"""Groups of actors more tied to each other than to the rest, and what holds each group together.

The groups are Louvain communities (networkx ``louvain_communities``, weight = the actor
projection's ``weight``: shared instruments plus direct relations, see
:mod:`partnergraph.graph.analysis.projection`), seeded so the same data gives the same groups.
For each group the answer lists the instruments shared inside it and the direct relations
between its members — what holds it together — most shared first. Ties in place only by default
(``status``), as every analysis.

>>> from partnergraph.graph.model.build import load_graph
>>> answer = communities(load_graph())
>>> answer["method"]
'Louvain (networkx louvain_communities, weight, resolution 1.0, seed 0)'
>>> group = next(g for g in answer["groups"] if "Viet Nam" in g["members"])
>>> group["members"][0], "Association of Southeast Asian Nations" in group["members"], answer["isolated"]
('Viet Nam', True, ['Japan'])
"""

from __future__ import annotations

from collections import Counter

import networkx as nx

from partnergraph.graph.analysis.filters import scope
from partnergraph.graph.analysis.projection import actor_projection
from partnergraph.graph.model.i18n import t
from partnergraph.graph.model.names import display_name
from partnergraph.graph.model.schema import get_schema


def communities(G: nx.MultiDiGraph, *, status="in-place", as_of=None, seed: int = 0, resolution: float = 1.0,
                lang: str = "en") -> dict:
    """Louvain groups of the actor projection, largest first, each with what holds it together.

    Each group: ``members`` (names, strongest inside first), ``ids``, ``instruments`` (shared by
    two or more members: id, name, kind, how many members), ``relations`` (direct ones inside the
    group, by type), ``internal_weight`` and ``external_weight`` (sum of link weights inside / to
    other groups). Isolated actors form groups of one and are listed in ``isolated``.
    """
    H, meta = scope(G, status, as_of, lang=lang)
    P = actor_projection(H)
    groups = nx.community.louvain_communities(P, weight="weight", resolution=resolution, seed=seed) if P.number_of_edges() else [
        {n} for n in P]
    label = get_schema().edge_label
    out = []
    for members in groups:
        inside = P.subgraph(members)
        strength = dict(inside.degree(weight="weight"))
        ordered = sorted(members, key=lambda n: (-strength[n], display_name(H.nodes[n], lang)))
        shared: Counter = Counter()
        relations: Counter = Counter()
        for _, _, d in inside.edges(data=True):
            shared.update(d.get("instruments", ()))
            relations.update(d.get("relations", ()))
        # an instrument shared by k members appears on k(k-1)/2 links: count members instead
        holders = {i: sum(1 for m in members if H.has_edge(m, i) or H.has_edge(i, m)) for i in shared}
        instruments = [{"id": i, "name": display_name(H.nodes[i], lang), "kind": H.nodes[i]["kind"], "members": holders[i]}
                       for i in sorted(shared, key=lambda i: (-holders[i], display_name(H.nodes[i], lang)))]
        external = sum(d["weight"] for u, v, d in P.edges(ordered, data=True) if (u in members) != (v in members))
        out.append({
            "size": len(members), "ids": ordered, "members": [display_name(H.nodes[n], lang) for n in ordered],
            "instruments": instruments,
            "relations": [{"type": r, "label": label(r, lang), "count": c} for r, c in sorted(relations.items(), key=lambda kv: (-kv[1], kv[0]))],
            "internal_weight": int(inside.size(weight="weight")), "external_weight": int(external),
        })
    out.sort(key=lambda g: (-g["size"], -g["internal_weight"], g["members"]))
    for number, g in enumerate(out, 1):
        g["group"] = number
    return {
        "counted": meta, "method": t("louvain_method", lang, resolution=resolution, seed=seed),
        "modularity": round(nx.community.modularity(P, [set(g["ids"]) for g in out], weight="weight"), 4) if P.number_of_edges() else 0.0,
        "groups": [g for g in out if g["size"] > 1],
        "isolated": [g["members"][0] for g in out if g["size"] == 1],
    }


def group_of(answer: dict) -> dict[str, int]:
    """``{actor id: group number}`` (for colouring a picture of the projection)."""
    return {n: g["group"] for g in answer["groups"] for n in g["ids"]}


def community_rows(answer: dict, lang: str = "en") -> list[dict]:
    """Flat rows of :func:`communities` for a table or CSV: each group, its members and what holds it together."""
    held = t("held_together_by", lang)
    return [{"group": g["group"], "size": g["size"], "members": g["members"],
             held: [t("instrument_members", lang, name=i["name"], n=i["members"]) for i in g["instruments"]]
             + [f"{r['label']} ×{r['count']}" for r in g["relations"]]} for g in answer["groups"]]
