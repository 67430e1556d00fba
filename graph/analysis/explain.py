"""A path in words: every hop with names, relation, arrow, dates, status, evidence and, on a day, its time.

:func:`explain_path` turns a :class:`partnergraph.graph.analysis.paths.Path` into plain data (the
JSON the CLI prints, the rows of the report); :func:`path_rows` into one flat row per hop. A path
found ``as_of`` a day flags each hop that is only *not attested yet* then ("not attested before
17 Oct 2019"), with what the data notes about its date.
"""

from __future__ import annotations

from datetime import date

import networkx as nx

from partnergraph.graph.analysis.filters import tie_status
from partnergraph.graph.model.dates import format_date
from partnergraph.graph.model.i18n import t, tn
from partnergraph.graph.model.names import display_name
from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.model.timeslice import NOT_ATTESTED, effective_start, standing


def _tentative(status: str | None) -> bool:
    return not get_schema().in_place(status)


def _name(G, node, lang="en") -> str:
    return display_name(G.nodes[node], lang)


def _day(day: date, lang: str = "en") -> str:
    return format_date(day.isoformat(), lang)


# --- explaining ------------------------------------------------------------------


def _hop_date(G, data: dict, lang: str = "en") -> str:
    parts = [format_date(data[f], lang) if f != "mentioned" else t("date_mentioned", lang, date=format_date(data[f], lang))
             for f in ("start", "mentioned") if data.get(f)]
    if data.get("end"):
        parts.append(t("date_until", lang, date=format_date(data["end"], lang)))
    if parts:
        return ", ".join(parts)
    start = effective_start(G, data)
    return t("date_reported", lang, date=_day(start, lang)) if start else t("date_none", lang)


def status_label(status: str | None, lang: str = "en") -> str | None:
    """The words for a status code ('sought' -> 'sought'; 'not_yet' -> 'not yet'), in English or Vietnamese."""
    if not status:
        return None
    return get_schema().status_label(status, lang)


def _evidence(G, items: list[dict]) -> list[dict]:
    sources = G.graph.get("sources", {})
    return [
        {
            "source": e["source"],
            "title": sources.get(e["source"], {}).get("title"),
            "published": sources.get(e["source"], {}).get("published"),
            "quote": e["quote"],
        }
        for e in items
    ]


def _edge_hop(G, u, v, key, lang) -> dict:
    schema = get_schema()
    forward = G.has_edge(u, v, key)
    data = G.edges[u, v, key] if forward else G.edges[v, u, key]
    label = schema.edge_label(data["type"], lang)
    a, b = _name(G, u, lang), _name(G, v, lang)
    text = f"{a} —{label}→ {b}" if forward else f"{a} ←{label}— {b}"
    return {
        "from_id": u, "from": a, "to_id": v, "to": b, "edge": key, "type": data["type"], "label": label,
        "arrow": "→" if forward else "←", "text": text, "status": data.get("status"),
        "date": _hop_date(G, data, lang), "status_label": status_label(data.get("status"), lang),
        "dates": {f: data[f] for f in ("start", "end", "mentioned") if data.get(f)},
        "evidence": _evidence(G, data.get("evidence", [])),
    }


def shared_instruments(G: nx.MultiDiGraph, a: str, b: str, status=None) -> list[str]:
    """Instruments linked (either direction) to both ``a`` and ``b``, in place ones first, then by id.

    ``status`` (a :class:`partnergraph.graph.analysis.filters.StatusFilter`) keeps only the links it counts.
    """
    def kept(n, m):
        if status is None or status.everything:
            return True
        return any(status.keeps(tie_status(G, x, y, d)) for x, y in ((n, m), (m, n)) if G.has_edge(x, y)
                   for d in G[x][y].values())

    def instruments(n):
        return {m for m in nx.all_neighbors(G, n) if G.nodes[m].get("family") == "instrument" and kept(n, m)}

    shared = instruments(a) & instruments(b)
    return sorted(shared, key=lambda i: (_tentative(G.nodes[i].get("status")), i))


def _shared_hop(G, u, v, instrument, lang, status=None) -> dict:
    shared = shared_instruments(G, u, v, status) or [instrument]
    a, b = _name(G, u, lang), _name(G, v, lang)
    names = "; ".join(_name(G, i, lang) for i in shared)
    label = t("shares", lang)
    attrs = G.nodes[instrument]
    return {
        "from_id": u, "from": a, "to_id": v, "to": b, "edge": instrument, "type": "shares_instrument",
        "label": label, "arrow": "—", "text": f"{a} —{label} {names}— {b}", "instruments": shared,
        "status": attrs.get("status"), "date": _hop_date(G, attrs, lang), "status_label": status_label(attrs.get("status"), lang),
        "dates": {f: attrs[f] for f in ("start", "end", "mentioned") if attrs.get(f)},
        "evidence": _evidence(G, attrs.get("evidence", [])),
    }


def _chain(hops: list[dict]) -> str:
    if not hops:
        return ""
    parts = [hops[0]["from"]]
    for hop in hops:
        parts.append(hop["text"][len(hop["from"]) + 1:])
    return " ".join(parts)


def explain_path(G: nx.MultiDiGraph, path, lang: str = "en", as_of: date | None = None) -> dict:
    """A path in words: every hop with names, label, arrow, dates, status and evidence, plus a chain and a sentence.

    >>> from partnergraph.graph.model.build import load_graph
    >>> from partnergraph.graph.analysis.paths import find_paths
    >>> G = load_graph()
    >>> [p] = find_paths(G, "japan", "republic-of-korea", status="all")
    >>> e = explain_path(G, p)
    >>> e["hops"][0]["text"], e["hops"][0]["status"]
    ('Japan —party to→ EU–Japan security and defence partnership', 'sought')
    >>> e["sentence"]
    'Japan and Republic of Korea are 4 hops apart, linked through EU–Japan security and defence partnership, European Union and EU–Republic of Korea Framework Participation Agreement (a link only sought, proposed or not yet taken up).'
    """
    day = as_of or getattr(path, "as_of", None)
    hops = []
    for u, v, key in zip(path.nodes, path.nodes[1:], path.edges):
        if G.has_edge(u, v, key) or G.has_edge(v, u, key):
            hop = _edge_hop(G, u, v, key, lang)
            items = [G.edges[u, v, key] if G.has_edge(u, v, key) else G.edges[v, u, key], G.nodes[u], G.nodes[v]]
        else:
            hop = _shared_hop(G, u, v, key, lang, getattr(path, "status", None))
            items = [G.nodes[key], G.nodes[u], G.nodes[v]]
        hop["time"], hop["flag"] = _time_flag(G, items, day, lang) if day else ("known", None)
        hops.append(hop)
    first, last = _name(G, path.nodes[0], lang), _name(G, path.nodes[-1], lang)
    middle = [_name(G, n, lang) for n in path.nodes[1:-1]]
    weak = any(_tentative(h["status"]) for h in hops)
    flags = [f"{h['text']}: {h['flag']}" for h in hops if h["flag"]]
    sentence = _sentence(first, last, middle, len(hops), weak, lang)
    if flags:
        sentence += " " + tn("links_not_attested", len(flags), lang, date=_day(day, lang))
    return {
        "source_id": path.nodes[0], "target_id": path.nodes[-1], "source": first, "target": last,
        "length": len(path.edges), "nodes": list(path.nodes), "edges": list(path.edges),
        "as_of": day.isoformat() if day else None, "hops": hops, "chain": _chain(hops), "sentence": sentence,
        "flags": flags, "sources": sorted({e["source"] for h in hops for e in h["evidence"]}),
    }


def _time_flag(G, items: list[dict], day: date, lang: str) -> tuple[str, str | None]:
    """A hop's state on ``day`` and, when it is only not attested yet, the flag saying so and what the data notes."""
    pending = [(a, st) for a in items if (st := standing(G, a, day)).state == NOT_ATTESTED]
    if not pending:
        return "known", None
    first = max((st.attested for _, st in pending if st.attested), default=None)
    text = t("not_attested_before", lang, date=_day(first, lang)) if first else t("no_usable_date", lang)
    notes = list(dict.fromkeys(a["date_note"] for a in items if a.get("date_note")))
    if notes:
        text += t("data_notes", lang, notes=" ".join(notes))
    return NOT_ATTESTED, text


def _join(names: list[str], lang: str) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {t('and', lang)} {names[-1]}"


def _sentence(first: str, last: str, middle: list[str], n: int, weak: bool, lang: str) -> str:
    text = tn("hops_apart", n, lang, a=first, b=last)
    text += t("linked_through", lang, names=_join(middle, lang)) if middle else t("linked_directly", lang)
    return text + (t("weak_link", lang) if weak else "") + "."


def path_rows(G: nx.MultiDiGraph, paths: list, lang: str = "en") -> list[dict]:
    """One flat row per hop (for CSV and tables): path number, hop number, from, relation, to, date, status, sources."""
    rows = []
    for i, path in enumerate(paths, 1):
        for j, hop in enumerate(explain_path(G, path, lang)["hops"], 1):
            rows.append({
                "path": i, "hop": j, "from": hop["from"], "relation": f"{hop['arrow']}{hop['label']}" if hop["arrow"] == "←" else f"{hop['label']}{hop['arrow']}",
                "to": hop["to"], "date": hop["date"], "status": hop["status"] or "",
                "sources": sorted({e["source"] for e in hop["evidence"]}), "edge": hop["edge"], "flag": hop["flag"] or "",
            })
    return rows
