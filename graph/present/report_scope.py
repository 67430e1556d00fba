"""What the report counts and its key findings — a STAND-IN for the analysis library.

The analysis branch adds ``graph/analysis/filters.py`` (``scope``, ``counted_line``) and
``graph/analysis/findings.py`` (``rank_actors``, ``key_findings``, ``RANKING_RULE``). Until they are
merged, this module gives the report the same names, arguments and row shapes, computed as
simply as possible; :mod:`partnergraph.graph.present.report` imports those when they exist and
this module otherwise, so at merge this file can be deleted.

The rules (the same as the analysis library's):

* **Which ties count.** A tie (edge) has its own status, else the status of the instrument it
  joins, else none (stated as a fact: in place). ``status`` is ``in-place`` (the default:
  statuses ``graph/schema.yaml`` marks as in place, or none stated), ``all``, ``tentative`` or a
  comma list of statuses. An instrument stays when its own status is kept or a kept tie
  reaches it; every actor stays.
* **Ranking.** One measure, the number of partners on the actor projection (degree; here the
  projection of this branch, through shared instruments only), ties broken
  by the number of evidence sources behind the actor's counted ties, then by name.

>>> from partnergraph.graph.model.build import load_graph
>>> G = load_graph()
>>> H, meta = scope(G)
>>> "eu-japan-security-defence-partnership" in H, meta["status"]
(False, 'in-place')
>>> [r["name"] for r in rank_actors(G)][:2]
['European Union', 'Viet Nam']
"""

from __future__ import annotations

import networkx as nx

from partnergraph.graph.analysis.centrality import analysis_graph, families, why
from partnergraph.graph.analysis.paths import NoPath, explain_path, find_paths
from partnergraph.graph.analysis.projection import actor_projection
from partnergraph.graph.analysis.structure import structure as _structure
from partnergraph.graph.analysis.timeline import timeline
from partnergraph.graph.model.dates import as_date, format_date, parse_date
from partnergraph.graph.model.names import display_name, fold
from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.model.timeslice import as_of as slice_as_of

# The analysis library's projection also links actors through direct relations and says so ("... or directly").
RANKING_RULE = ("actors ranked by their number of partners on the actor projection (actors sharing an instrument "
                "with them); ties broken by the number of evidence sources behind their counted ties, then by name")
SOUGHT = ("sought", "proposed")


class BadStatus(ValueError):
    """A status filter naming no known status."""


def parse_status(value) -> tuple[frozenset, str]:
    """``(statuses kept — None for 'no status stated', the text)`` of ``in-place``, ``all``, ``tentative`` or a list."""
    if not isinstance(value, (str, type(None))):   # the analysis library's StatusFilter
        return frozenset(value.statuses), value.text
    schema = get_schema()
    text = (value or "in-place").strip().lower()
    kept: set = set()
    for token in (t.strip().replace("-", "_").replace(" ", "_") for t in text.split(",") if t.strip()):
        if token == "in_place":
            kept |= set(schema.in_place_statuses) | {None}
        elif token == "all":
            kept |= set(schema.statuses) | {None}
        elif token == "tentative":
            kept |= set(schema.tentative_statuses)
        elif token in schema.statuses:
            kept.add(token)
        else:
            raise BadStatus(f"unknown status {token!r}; use in-place, all, tentative or a comma list of: "
                            f"{', '.join(schema.statuses)}")
    if not kept:
        raise BadStatus(f"empty status filter {value!r}")
    return frozenset(kept), text


def tie_status(G: nx.MultiDiGraph, u: str, v: str, data: dict) -> str | None:
    """A tie's status: its own, else that of the instrument it joins (a tentative one first), else None."""
    if data.get("status"):
        return data["status"]
    found = [G.nodes[n].get("status") for n in (u, v) if G.nodes[n].get("family") == "instrument" and G.nodes[n].get("status")]
    tentative = get_schema().tentative_statuses
    return next((s for s in found if s in tentative), found[0] if found else None)


def _describe(kept: frozenset, lang: str) -> str:
    schema, vi = get_schema(), lang == "vi"
    if kept >= set(schema.statuses) | {None}:
        return "mọi quan hệ, kể cả quan hệ chưa thành hiện thực" if vi else "every tie, tentative ones included"
    labels = [schema.status_label(s, lang) for s in schema.statuses if s in kept]
    head = ("quan hệ đã thành hiện thực" if vi else "ties in place") if kept == set(schema.in_place_statuses) | {None} \
        else ("quan hệ có trạng thái" if vi else "ties with status")
    tail = (", hoặc không nêu trạng thái" if vi else ", or no status stated") if None in kept else ""
    return f"{head} ({', '.join(labels)}{tail})"


def scope(G: nx.MultiDiGraph, status="in-place", as_of=None, *, lang: str = "en") -> tuple[nx.MultiDiGraph, dict]:
    """``(H, counted)``: the graph of the ties ``status`` keeps, as of ``as_of``, and what was counted."""
    kept, text = parse_status(status)
    edges = [(u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if tie_status(G, u, v, d) in kept]
    reached = {n for u, v, _, _ in edges for n in (u, v)}
    H = G.__class__()
    H.graph = dict(G.graph)
    H.add_nodes_from((n, a) for n, a in G.nodes(data=True)
                     if n in reached or a.get("family") != "instrument" or (a.get("status") or None) in kept)
    H.add_edges_from(edges)
    meta = {"status": text, "statuses": sorted(s or "(none stated)" for s in kept), "counted": _describe(kept, lang),
            "as_of": None, "not_attested": []}
    if as_of is not None:
        day = as_date(as_of)
        H = slice_as_of(H, day)
        meta["as_of"] = day.isoformat()
    return H, meta


def counted_line(meta: dict, lang: str = "en") -> str:
    """'Counted: ties in place (...); as of 1 Jan 2019.'"""
    vi = lang == "vi"
    text = f"{'Tính' if vi else 'Counted'}: {meta['counted']}"
    if meta.get("as_of"):
        text += f"; {'tại ngày' if vi else 'as of'} {format_date(meta['as_of'])}"
    return text + "."


def _sources_of(H: nx.MultiDiGraph, actor: str) -> set[str]:
    edges = list(H.out_edges(actor, data=True)) + list(H.in_edges(actor, data=True))
    return {e["source"] for *_, d in edges for e in d.get("evidence", ())}


def rank_actors(G: nx.MultiDiGraph, *, status="in-place", as_of=None, top: int | None = None, explain: int = 5,
                lang: str = "en") -> list[dict]:
    """Actors by number of partners, then number of sources, then name (:data:`RANKING_RULE`)."""
    H, _ = scope(G, status, as_of, lang=lang)
    P = analysis_graph(H, "actors")
    sources = {a: _sources_of(H, a) for a in P}
    order = sorted(P, key=lambda a: (-P.degree(a), -len(sources[a]), fold(display_name(H.nodes[a], lang))))
    family = families(H)
    return [{"rank": rank, "id": a, "name": display_name(H.nodes[a], lang), "kind": H.nodes[a]["kind"],
             "partners": P.degree(a), "weight": int(P.degree(a, weight="weight")), "sources": len(sources[a]),
             "why": why(H, a, "betweenness", "actors", family) if rank <= explain else ""}
            for rank, a in enumerate(order[:top] if top else order, 1)]


def tentative_ties(G: nx.MultiDiGraph, lang: str = "en") -> list[dict]:
    """Every tie whose status is tentative (its own, or its instrument's), by status then text."""
    schema = get_schema()
    rows = []
    for u, v, k, d in G.edges(keys=True, data=True):
        status = tie_status(G, u, v, d)
        if status in schema.tentative_statuses:
            rows.append({"id": k, "what": f"{display_name(G.nodes[u], lang)} —{schema.edge_label(d['type'], lang)}→ "
                                          f"{display_name(G.nodes[v], lang)}",
                         "status": status, "status_label": schema.status_label(status, lang),
                         "quote": d["evidence"][0]["quote"] if d.get("evidence") else "",
                         "sources": sorted({e["source"] for e in d.get("evidence", ())}), "note": d.get("note")})
    return sorted(rows, key=lambda r: (r["status"], fold(r["what"])))


def _in_window(row: dict, start, end) -> bool | None:
    """True inside the window, False outside, None when it cannot be said (the source gives no year)."""
    if not row["year_known"]:
        return None
    parsed = parse_date(row["edtf"])
    lo, hi = parse_date(str(start)).lower if start else None, parse_date(str(end)).upper if end else None
    return (lo is None or parsed.upper >= lo) and (hi is None or parsed.lower <= hi)


def key_findings(G: nx.MultiDiGraph, *, status="in-place", as_of=None, start=None, end=None, top: int = 3,
                 lang: str = "en") -> dict:
    """``{"counted", "ranking_rule", "window", "most_central", "new_ties", "new_uncertain", "sought", "not_yet"}``."""
    H, meta = scope(G, status, as_of, lang=lang)
    new = []
    if start or end:
        new = [{"date": r["date"], "what": r["what"], "sources": r["sources"]}
               for r in timeline(H, lang=lang) if r["field"] != "end" and _in_window(r, start, end)]
    gaps = tentative_ties(G, lang)
    return {"counted": meta, "ranking_rule": RANKING_RULE, "window": {"from": start, "to": end},
            "most_central": rank_actors(G, status=status, as_of=as_of, top=top, explain=top, lang=lang),
            "new_ties": new, "new_uncertain": [],
            "sought": [g for g in gaps if g["status"] in SOUGHT],
            "not_yet": [g for g in gaps if g["status"] not in SOUGHT]}


def timeline_answer(G: nx.MultiDiGraph, *, status="in-place", start=None, end=None, lang: str = "en") -> dict:
    """``{"counted", "from", "to", "rows", "uncertain"}``: the dated events of the counted ties in the window;
    ``uncertain``: events whose year the source omits, which may or may not fall in it."""
    H, meta = scope(G, status, lang=lang)
    rows = timeline(H, lang=lang)
    if not (start or end):
        return {"counted": meta, "from": None, "to": None, "rows": rows, "uncertain": []}
    place = [_in_window(r, start, end) for r in rows]
    return {"counted": meta, "from": str(parse_date(str(start)).lower) if start else None,
            "to": str(parse_date(str(end)).upper) if end else None,
            "rows": [r for r, p in zip(rows, place) if p], "uncertain": [r for r, p in zip(rows, place) if p is None]}


def structure(G: nx.MultiDiGraph, *, as_of=None, status="in-place", lang: str = "en") -> dict:
    """Components and brokers of the actor projection of the counted ties."""
    return _structure(scope(G, status, as_of, lang=lang)[0], lang=lang)


def shortest_path(G: nx.MultiDiGraph, a: str, b: str, *, as_of=None, status="in-place", lang: str = "en") -> dict | None:
    """The best-attested shortest path between two actors over the counted ties, explained; None when there is none."""
    H, _ = scope(G, status, as_of, lang=lang)
    try:
        [path] = find_paths(H, a, b)
    except NoPath:
        return None
    return explain_path(H, path, lang)


def communities(G: nx.MultiDiGraph, *, status="in-place", as_of=None, seed: int = 0, resolution: float = 1.0,
                lang: str = "en") -> dict:
    """Louvain groups (networkx, seeded) of the actor projection of the counted ties, largest first, each with the
    instruments two or more of its members share: ``{"counted", "method", "groups", "isolated"}``."""
    H, meta = scope(G, status, as_of, lang=lang)
    P = actor_projection(H)
    groups = (nx.community.louvain_communities(P, weight="weight", resolution=resolution, seed=seed)
              if P.number_of_edges() else [{n} for n in P])
    out = []
    for members in groups:
        inside = P.subgraph(members)
        strength = dict(inside.degree(weight="weight"))
        ordered = sorted(members, key=lambda n: (-strength[n], fold(display_name(H.nodes[n], lang))))
        shared = {i for *_, d in inside.edges(data=True) for i in d.get("instruments", ())}
        holders = {i: sum(1 for m in members if H.has_edge(m, i) or H.has_edge(i, m)) for i in shared}
        out.append({"size": len(members), "ids": ordered, "members": [display_name(H.nodes[n], lang) for n in ordered],
                    "instruments": [{"id": i, "name": display_name(H.nodes[i], lang), "kind": H.nodes[i]["kind"],
                                     "members": holders[i]}
                                    for i in sorted(shared, key=lambda i: (-holders[i], fold(display_name(H.nodes[i], lang))))],
                    "relations": [], "internal_weight": int(inside.size(weight="weight"))})
    out.sort(key=lambda g: (-g["size"], -g["internal_weight"], g["members"]))
    for number, g in enumerate(out, 1):
        g["group"] = number
    return {"counted": meta, "method": f"Louvain (networkx louvain_communities, weight, resolution {resolution}, seed {seed})",
            "groups": [g for g in out if g["size"] > 1], "isolated": [g["members"][0] for g in out if g["size"] == 1]}
