"""Key findings computed from the data, for the report (and any script): plain data, no wording by hand.

* :func:`rank_actors` — actors ranked by **one** measure, their number of partners on the actor
  projection (degree: actors tied to them through a shared instrument or directly), ties broken
  by a rule that means something: more partners first, then more evidence sources behind the
  actor's counted ties, then name. The same rows feed a table and a chart.
* :func:`key_findings` — the most central actors and why, the new ties in a period (started or
  first attested between two days), the ties only sought or proposed, and what is not yet in
  place (not yet taken up, interest only); each item with its evidence source.

What is counted follows every analysis: ties in place by default (``status``), as known on
``as_of``. The tentative ties are listed whatever ``status`` says: they are the point of the
"only sought" and "not yet in place" findings.

>>> from partnergraph.graph.model.build import load_graph
>>> G = load_graph()
>>> [(r["rank"], r["name"], r["partners"]) for r in rank_actors(G)[:3]]
[(1, 'European Union', 10), (2, 'Viet Nam', 7), (3, 'Delegation of the European Union to Viet Nam', 3)]
>>> f = key_findings(G, start="2023-01-01", end="2023-12-31")
>>> [s["what"] for s in f["sought"]][:1]
['European Union —party to→ EU–Japan security and defence partnership']
>>> sorted(s["status"] for s in f["not_yet"])
['interested', 'not_yet']
"""

from __future__ import annotations

import networkx as nx

from partnergraph.graph.analysis.centrality.explanations import families, why
from partnergraph.graph.analysis.describe import list_answer
from partnergraph.graph.analysis.filters import scope, tie_status
from partnergraph.graph.analysis.projection import actor_projection
from partnergraph.graph.analysis.timeline import timeline_answer
from partnergraph.graph.model.names import display_name, fold
from partnergraph.graph.model.schema import get_schema

#: The ranking rule, as the report states it.
RANKING_RULE = ("actors ranked by their number of partners on the actor projection (actors tied to them through a shared "
                "instrument or directly); ties broken by the number of evidence sources behind their counted ties, then by name")

#: Tentative statuses of a tie only sought or proposed; the others (not yet, interest) are "not yet in place".
SOUGHT = ("sought", "proposed")


def _sources_of(H: nx.MultiDiGraph, actor: str) -> set[str]:
    edges = list(H.out_edges(actor, data=True)) + list(H.in_edges(actor, data=True))
    return {e["source"] for *_, d in edges for e in d.get("evidence", ())}


def rank_actors(G: nx.MultiDiGraph, *, status="in-place", as_of=None, top: int | None = None, explain: int = 5,
                lang: str = "en") -> list[dict]:
    """Actors by number of partners, then number of sources, then name (see :data:`RANKING_RULE`).

    Each row: ``rank``, ``id``, ``name``, ``kind``, ``partners`` (degree on the projection),
    ``weight`` (shared instruments + direct relations), ``sources`` (count), ``why`` (first
    ``explain`` rows).
    """
    H, _ = scope(G, status, as_of, lang=lang)
    P = actor_projection(H, with_instruments=False)
    sources = {a: _sources_of(H, a) for a in P}
    order = sorted(P, key=lambda a: (-P.degree(a), -len(sources[a]), fold(display_name(H.nodes[a], lang))))
    family = families(H)
    rows = []
    for rank, a in enumerate(order[:top] if top else order, 1):
        rows.append({"rank": rank, "id": a, "name": display_name(H.nodes[a], lang), "kind": H.nodes[a]["kind"],
                     "partners": P.degree(a), "weight": int(P.degree(a, weight="weight")), "sources": len(sources[a]),
                     "why": why(H, a, "betweenness", "actors", family, lang) if rank <= explain else ""})
    return rows


def _tie(G, u, v, k, d, lang) -> dict:
    schema = get_schema()
    status = tie_status(G, u, v, d)
    return {"id": k, "what": f"{display_name(G.nodes[u], lang)} —{schema.edge_label(d['type'], lang)}→ {display_name(G.nodes[v], lang)}",
            "status": status, "status_label": schema.status_label(status, lang) if status else "",
            "quote": d["evidence"][0]["quote"] if d.get("evidence") else "",
            "sources": sorted({e["source"] for e in d.get("evidence", ())}), "note": d.get("note")}


def tentative_ties(G: nx.MultiDiGraph, lang: str = "en") -> list[dict]:
    """Every tie whose status is tentative (its own, or its instrument's), by status then text."""
    tentative = get_schema().tentative_statuses
    rows = [_tie(G, u, v, k, d, lang) for u, v, k, d in G.edges(keys=True, data=True) if tie_status(G, u, v, d) in tentative]
    return sorted(rows, key=lambda r: (r["status"], fold(r["what"])))


def key_findings(G: nx.MultiDiGraph, *, status="in-place", as_of=None, start=None, end=None, top: int = 3,
                 lang: str = "en") -> dict:
    """The report's opening: ``{"counted", "ranking_rule", "most_central", "new_ties", "new_uncertain", "sought",
    "not_yet", "window"}`` (see the module docstring). ``new_ties`` needs a window (``start``/``end``)."""
    H, meta = scope(G, status, as_of, lang=lang)
    central = rank_actors(G, status=status, as_of=as_of, top=top, explain=top, lang=lang)
    new, uncertain = [], []
    if start or end:
        events = timeline_answer(H, status="all", start=start, end=end, lang=lang)
        listed = list_answer(H, status="all", start=start, end=end)
        new = [{"date": r["date"], "what": r["what"], "sources": r["sources"]} for r in events["rows"]
               if r["field"] != "end"]
        dated = {r["item"] for r in events["rows"]}
        new += [{"date": "", "what": f"{r['name']} (first attested)", "sources": []} for r in listed["rows"] if r["id"] not in dated]
        uncertain = [{"date": r["date"], "what": r["what"], "sources": r["sources"]} for r in events["uncertain"]]
    gaps = tentative_ties(G, lang)
    return {
        "counted": meta, "ranking_rule": RANKING_RULE, "window": {"from": start, "to": end},
        "most_central": central, "new_ties": new, "new_uncertain": uncertain,
        "sought": [g for g in gaps if g["status"] in SOUGHT],
        "not_yet": [g for g in gaps if g["status"] not in SOUGHT],
    }
