"""Who are X's partners, through what, since when, on whose word.

A *partner* of X is an actor tied to X **directly** (an edge between the two: member of, part of,
holds office in, accredited to, supports) or **through an instrument** both are tied to (the EU
and Viet Nam are both parties to the EU–Viet Nam FPA). :func:`partners` gives one row per
partner: the instruments and relations that tie them (kind, status, dates), since when the tie
is known, and the evidence — quote and source — of every edge involved.

What counts follows the rules of every analysis: ties in place by default (``status``, see
:mod:`partnergraph.graph.analysis.filters`); with ``as_of`` the ties known on that day, plus
those only not attested yet, which are kept and flagged (``strict=True`` leaves them out).

>>> from partnergraph.graph.model.build import load_graph
>>> G = load_graph()
>>> rows = {r["id"]: r for r in partners(G, "viet-nam")["rows"]}
>>> [t["name"] for t in rows["eu"]["through"]]
['EU–Viet Nam Framework Participation Agreement', 'EU–Viet Nam defence and security cooperation partnership']
>>> rows["asean"]["direct"][0]["label"], [t["id"] for t in rows["united-nations"]["through"]]
('member of', ['un-peacekeeping'])
"""

from __future__ import annotations

from datetime import date

import networkx as nx

from partnergraph.graph.analysis.filters import scope, tie_status
from partnergraph.graph.model.dates import format_date
from partnergraph.graph.model.i18n import t as msg
from partnergraph.graph.model.names import display_name
from partnergraph.graph.model.schema import UnknownKind, get_schema
from partnergraph.graph.model.timeslice import KNOWN, NOT_ATTESTED, effective_start, known_start, standing


BadKind = UnknownKind  # the name callers of partners() know

def _edges_between(G: nx.MultiDiGraph, a: str, b: str):
    for u, v in ((a, b), (b, a)):
        if G.has_edge(u, v):
            for k, d in G[u][v].items():
                yield u, v, k, d


def partner_ties(G: nx.MultiDiGraph, x: str) -> dict[str, dict]:
    """``{partner: {"direct": [(u, v, key)], "through": {instrument: ([x-side edges], [partner-side edges])}}}``."""
    family = G.nodes.data("family")
    out: dict[str, dict] = {}

    def entry(p):
        return out.setdefault(p, {"direct": [], "through": {}})

    for other in set(nx.all_neighbors(G, x)):
        if family[other] == "actor" and other != x:
            entry(other)["direct"] += [(u, v, k) for u, v, k, _ in _edges_between(G, x, other)]
        elif family[other] == "instrument":
            mine = [(u, v, k) for u, v, k, _ in _edges_between(G, x, other)]
            for p in set(nx.all_neighbors(G, other)):
                if p != x and family[p] == "actor":
                    theirs = [(u, v, k) for u, v, k, _ in _edges_between(G, other, p)]
                    entry(p)["through"][other] = (mine, theirs)
    return out


def _dates(attrs: dict) -> dict:
    return {f: attrs[f] for f in get_schema().date_fields if attrs.get(f)}


_DATE_MESSAGE = {"start": "date_plain", "end": "date_until", "mentioned": "date_mentioned"}


def _dates_text(attrs: dict, lang: str = "en") -> str:
    return ", ".join(msg(_DATE_MESSAGE[f], lang, date=format_date(v, lang)) for f, v in _dates(attrs).items())


def _evidence(G, attrs: dict) -> list[dict]:
    sources = G.graph.get("sources", {})
    return [{"quote": e["quote"], "source": e["source"], "published": sources.get(e["source"], {}).get("published")}
            for e in attrs.get("evidence", ())]


def _time_flag(G, items: list[dict], day: date | None, lang: str = "en") -> tuple[str, str | None]:
    """(state, flag text) of a tie made of ``items`` (attribute dicts) on ``day``."""
    if day is None:
        return KNOWN, None
    states = [standing(G, a, day) for a in items]
    pending = [s for s in states if s.state == NOT_ATTESTED]
    if not pending:
        return KNOWN, None
    first = max((s.attested for s in pending if s.attested), default=None)
    if first is None:
        return NOT_ATTESTED, msg("no_usable_date", lang)
    return NOT_ATTESTED, msg("not_attested_before", lang, date=format_date(first.isoformat(), lang))


def _since(G, items: list[dict]) -> tuple[date | None, str]:
    starts = [(effective_start(G, a), known_start(a) is not None) for a in items]
    starts = [s for s in starts if s[0]]
    if not starts:
        return None, ""
    day = max(d for d, _ in starts)  # a tie holds once all its parts do
    basis = "start" if any(known and d == day for d, known in starts) else "first attested"
    return day, basis


def _instrument_row(G, x, p, inst, mine, theirs, day, lang) -> dict:
    schema = get_schema()
    attrs = G.nodes[inst]
    edges = [(e, G.edges[e]) for e in mine + theirs]
    statuses = [tie_status(G, u, v, d) for (u, v, _), d in edges] + [attrs.get("status")]
    tentative = [s for s in statuses if s and not schema.in_place(s)]
    status = tentative[0] if tentative else attrs.get("status") or next((s for s in statuses if s), None)
    state, flag = _time_flag(G, [attrs] + [d for _, d in edges], day, lang)
    since, basis = _since(G, [attrs] + [d for _, d in edges])
    return {
        "id": inst, "name": display_name(attrs, lang), "kind": attrs["kind"], "kind_label": schema.kind_label(attrs["kind"], lang),
        "status": status, "status_label": schema.status_label(status, lang) if status else "",
        "in_place": schema.in_place(status), "dates": _dates(attrs), "dates_text": _dates_text(attrs, lang),
        "relations": [f"{display_name(G.nodes[u], lang)} —{schema.edge_label(d['type'], lang)}→ {display_name(G.nodes[v], lang)}"
                      for (u, v, _), d in edges],
        "since": since.isoformat() if since else None, "since_basis": basis, "time": state, "flag": flag,
        "evidence": [ev for _, d in edges for ev in _evidence(G, d)] or _evidence(G, attrs),
    }


def _direct_row(G, u, v, k, day, lang) -> dict:
    schema = get_schema()
    d = G.edges[u, v, k]
    status = d.get("status")
    state, flag = _time_flag(G, [d], day, lang)
    since, basis = _since(G, [d])
    return {
        "id": k, "type": d["type"], "label": schema.edge_label(d["type"], lang),
        "text": f"{display_name(G.nodes[u], lang)} —{schema.edge_label(d['type'], lang)}→ {display_name(G.nodes[v], lang)}",
        "role": d.get("role_vi" if lang == "vi" else "role") or d.get("role"),
        "status": status, "status_label": schema.status_label(status, lang) if status else "", "in_place": schema.in_place(status),
        "dates": _dates(d), "dates_text": _dates_text(d, lang), "since": since.isoformat() if since else None, "since_basis": basis,
        "time": state, "flag": flag, "evidence": _evidence(G, d),
    }


def _kinds(kind) -> tuple[frozenset | None, frozenset | None]:
    """(partner kinds, instrument kinds) named by ``kind`` (kinds or groups); None = no limit."""
    if not kind:
        return None, None
    schema = get_schema()
    kinds = schema.kinds_named(kind)
    actors = frozenset(k for k in kinds if schema.family(k) == "actor")
    instruments = frozenset(kinds - actors)
    return actors or None, instruments or None


class NotAnActor(ValueError):
    """A question about an actor's partners asked of an instrument."""


def require_actor(G: nx.MultiDiGraph, node: str, lang: str = "en") -> None:
    """Raise :class:`NotAnActor` (naming the node and its kind, in ``lang``) unless ``node`` is an actor."""
    attrs = G.nodes[node]
    if attrs["family"] != "actor":
        kind = attrs["kind"] if lang == "en" else get_schema().kind_label(attrs["kind"], lang)
        raise NotAnActor(msg("not_an_actor", lang, name=display_name(attrs, lang), kind=kind))


def partners(G: nx.MultiDiGraph, x: str, *, status="in-place", as_of=None, strict: bool = False,
             kind=None, lang: str = "en") -> dict:
    """X's partners, one row each, strongest first (see the module docstring).

    ``kind``: node kinds or groups; actor kinds limit the partners (``state``), instrument kinds
    the instruments through which (``agreement``: no direct relations then). Rows are ordered by
    the number of ties in place, then of all ties, then by name. Raises LookupError when ``x``
    is not known on ``as_of``, :class:`BadKind` for an unknown kind, :class:`NotAnActor` for an instrument.
    """
    require_actor(G, x, lang)
    partner_kinds, instrument_kinds = _kinds(kind)
    H, meta = scope(G, status, as_of, include_unattested=not strict, lang=lang)
    if x not in H:
        raise LookupError(msg("nopath_unknown", lang, name=display_name(G.nodes[x], lang), date=format_date(meta["as_of"], lang)))
    day = H.graph.get("as_of")
    rows = []
    for p, ties in partner_ties(H, x).items():
        if partner_kinds and H.nodes[p]["kind"] not in partner_kinds:
            continue
        through = [_instrument_row(H, x, p, i, mine, theirs, day, lang) for i, (mine, theirs) in ties["through"].items()
                   if not instrument_kinds or H.nodes[i]["kind"] in instrument_kinds]
        direct = [] if instrument_kinds else [_direct_row(H, u, v, k, day, lang) for u, v, k in ties["direct"]]
        if not through and not direct:
            continue
        through.sort(key=lambda t: (not t["in_place"], t["since"] or "9999", t["name"]))
        direct.sort(key=lambda t: (not t["in_place"], t["type"], t["id"]))
        every = through + direct
        sinces = [t["since"] for t in every if t["since"]]
        rows.append({
            "id": p, "name": display_name(H.nodes[p], lang), "kind": H.nodes[p]["kind"],
            "through": through, "direct": direct,
            "ties": len(every), "ties_in_place": sum(t["in_place"] for t in every),
            "tentative": not any(t["in_place"] for t in every),
            "since": min(sinces) if sinces else None,
            "flags": sorted({f"{t['name'] if 'name' in t else t['text']}: {t['flag']}" for t in every if t["flag"]}),
            "sources": sorted({e["source"] for t in every for e in t["evidence"]}),
        })
    rows.sort(key=lambda r: (-r["ties_in_place"], -r["ties"], r["name"]))
    return {"actor": display_name(G.nodes[x], lang), "id": x, "counted": meta, "rows": rows}


def partner_rows(result: dict, lang: str = "en") -> list[dict]:
    """Flat rows for a table or CSV: one per partner, ties and quotes joined."""
    out, stated = [], msg("status_stated", lang)
    for r in result["rows"]:
        ties = [f"{t['name']} ({t['kind_label']}; {t['status_label'] or stated}"
                f"{'; ' + t['dates_text'] if t['dates_text'] else ''})" for t in r["through"]]
        ties += [f"{t['text']}{' (' + t['role'] + ')' if t.get('role') else ''}"
                 f"{' (' + t['status_label'] + ')' if t['status_label'] else ''}" for t in r["direct"]]
        quotes = list(dict.fromkeys(f"“{e['quote']}” [{e['source']}]" for t in r["through"] + r["direct"] for e in t["evidence"]))
        first = min((t for t in r["through"] + r["direct"] if t["since"]), key=lambda t: t["since"], default=None)
        since = format_date(r["since"], lang) if r["since"] else ""
        if first and first["since_basis"] != "start":
            since += msg("first_attested", lang)
        out.append({"partner": r["name"], "kind": r["kind"], "through": ties, "since": since,
                    "tentative": msg("only_tentative", lang) if r["tentative"] else "", "flags": r["flags"], "evidence": quotes,
                    "sources": r["sources"]})
    return out
