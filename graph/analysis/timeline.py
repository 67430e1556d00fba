"""Dated events in order, each date kept at the precision the source gives.

Every ``start``, ``end`` and ``mentioned`` date of a node or an edge is an
event. An edge whose date repeats the date of the instrument it points to (the
EU and Viet Nam are parties to the FPA from the day it was signed) is folded
into that instrument's event as one of its ``parties`` rather than listed again.

How events sort
---------------
* By the date's earliest day; a month (``2019-08``) or year (``2019``) thus
  sorts at its start, and before a day-precise event on that first day.
* A date whose **year the source omits** (``XXXX-08-14``) sorts as if it fell
  in the **first year its source covers** (the news items published
  ``2023/2024`` → 2023): month and day are kept, so "14–15 Aug (year not
  stated)" sits between July and September of that year. It is shown with
  "(year not stated)" and ``year_assumed_for_sorting`` says which year placed it.
* Ties: starts before mentions before ends, then by name.

What is listed
--------------
The events of the ties counted (in place by default: ``status``, see
:mod:`partnergraph.graph.analysis.filters`). ``start``/``end`` select a window: an event is
*in* it when every day its date can mean lies inside (``2019-08`` is in 2019 but not in
15 Aug – 31 Dec 2019); an event that may or may not fall inside — a year-less date from a
source published 2023/2024 asked about 2023 — is listed apart as *uncertain*
(:func:`timeline_answer`), never silently in or out.

>>> from partnergraph.graph.model.build import load_graph
>>> rows = timeline(load_graph())
>>> [(r["date"], r["what"]) for r in rows][:2]
[('Aug 2019', 'Visit of the HR/VP to Hanoi (August 2019) (start)'), ('17 Oct 2019', 'EU–Viet Nam Framework Participation Agreement (start)')]
>>> [r["date"] for r in rows if not r["year_known"]][:1]
['14–15 Aug (year not stated)']
"""

from __future__ import annotations

from datetime import date

import networkx as nx

from partnergraph.graph.analysis.filters import scope
from partnergraph.graph.model.dates import as_date, format_date, parse_date
from partnergraph.graph.model.i18n import t
from partnergraph.graph.model.names import display_name
from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.model.timeslice import in_window, possible_days

_FIELD_ORDER = {"start": 0, "mentioned": 1, "end": 2}


def _first_source_year(G: nx.MultiDiGraph, attrs: dict) -> int | None:
    sources = G.graph.get("sources", {})
    years = []
    for e in attrs.get("evidence", ()):
        published = sources.get(e.get("source"), {}).get("published")
        if published:
            parsed = parse_date(str(published))
            if parsed.year_known:
                years.append(parsed.lower.year)
    return min(years) if years else None


def _words(lang: str) -> dict[str, str]:
    return {field: t(f"field_{field}", lang) for field in ("start", "mentioned", "end", "range")}


def _sort_day(G, attrs: dict, text: str) -> tuple[date | None, int | None]:
    parsed = parse_date(text)
    if parsed.year_known:
        return parsed.lower, None
    year = _first_source_year(G, attrs)
    if year is None:
        return None, None
    point = parsed.start
    day = min(point.day or 1, 28 if point.month == 2 else 31) if point.month else 1
    try:
        return date(year, point.month or 1, day), year
    except ValueError:
        return date(year, point.month or 1, 28), year


def _event(G, attrs, field, what, kind, item, lang) -> dict:
    text = attrs[field]
    parsed = parse_date(text)
    sort_day, assumed = _sort_day(G, attrs, text)
    return {
        "date": format_date(parsed, lang), "edtf": text, "precision": parsed.precision, "year_known": parsed.year_known,
        "year_assumed_for_sorting": assumed, "field": field, "what": what, "kind": kind, "item": item,
        "status": attrs.get("status") or "", "involves": [],
        "sources": sorted({e["source"] for e in attrs.get("evidence", ())}),
        "_key": (sort_day or date.max, parsed.sort_key()[:3], _FIELD_ORDER[field]),
        "_days": possible_days(G, attrs, text),
    }


def _item_events(G, item, attrs, kind, name, lang):
    """A node's events; a start and end with the same year-knowledge become one range event."""
    start, end = attrs.get("start"), attrs.get("end")
    if start and end and parse_date(start).year_known == parse_date(end).year_known and "/" not in start + end:
        merged = dict(attrs, start=f"{start}/{end}")
        event = _event(G, merged, "start", f"{name} ({_words(lang)['range']})", kind, item, lang)
        yield (item, "start", start), event
        yield (item, "end", end), event
        fields = ("mentioned",)
    else:
        fields = tuple(_FIELD_ORDER)
    for field in fields:
        if attrs.get(field):
            yield (item, field, attrs[field]), _event(G, attrs, field, f"{name} ({_words(lang)[field]})", kind, item, lang)


def timeline(G: nx.MultiDiGraph, node: str | None = None, *, status="in-place", start=None, end=None,
             lang: str = "en") -> list[dict]:
    """Dated events of the whole graph, or of ``node``, the instruments it is linked to and their relations.

    The rows of :func:`timeline_answer` (the events surely in the window ``start``..``end``).
    """
    return timeline_answer(G, node, status=status, start=start, end=end, lang=lang)["rows"]


def timeline_answer(G: nx.MultiDiGraph, node: str | None = None, *, status="in-place", start=None, end=None,
                    lang: str = "en") -> dict:
    """``{"counted", "from", "to", "rows", "uncertain"}``: the events in the window and those that may be.

    >>> from partnergraph.graph.model.build import load_graph
    >>> answer = timeline_answer(load_graph(), start="2023-01-01", end="2023-12-31")
    >>> [r["what"] for r in answer["rows"]]
    ['International Conference on the East Sea (2023) (mentioned)']
    >>> sorted({r["date"] for r in answer["uncertain"]})
    ['14–15 Aug (year not stated)', '16 Aug (year not stated)', '27 Sep (year not stated)']
    """
    lo, hi = window_bounds(start, end)
    H, meta = scope(G, status, lang=lang)
    rows = _events(H, node, lang) if node is None or node in H else []
    places = [in_window(*r["_days"], lo, hi) for r in rows]
    for r in rows:
        del r["_days"]
    return {"counted": meta, "from": lo.isoformat() if lo else None, "to": hi.isoformat() if hi else None,
            "rows": [r for r, p in zip(rows, places) if p == "in"],
            "uncertain": [r for r, p in zip(rows, places) if p == "maybe"] if (lo or hi) else []}


def window_bounds(start, end) -> tuple[date | None, date | None]:
    """The first and last day of a window (either may be None); a month or year means its first / last day."""
    lo, hi = _window_day(start, first=True), _window_day(end, first=False)
    if lo and hi and lo > hi:
        raise ValueError(f"the window starts ({lo.isoformat()}) after it ends ({hi.isoformat()})")
    return lo, hi


def _window_day(value, first: bool) -> date | None:
    """A window's end: a day; a month or year as given means its first (start) or last (end) day."""
    if value is None:
        return None
    if isinstance(value, date):
        return value
    parsed = parse_date(str(value))
    if not parsed.year_known or parsed.is_range:
        return as_date(value)  # raises the DateError that says what to write
    return parsed.lower if first else parsed.upper


def _events(G: nx.MultiDiGraph, node: str | None, lang: str) -> list[dict]:
    label = get_schema().edge_label
    if node is None:
        nodes, edges = list(G.nodes), list(G.edges(keys=True))
    else:
        around = set(nx.all_neighbors(G, node)) | {node}
        nodes = [n for n in around if n == node or G.nodes[n]["family"] == "instrument"]
        edges = list(dict.fromkeys(e for n in nodes for e in list(G.out_edges(n, keys=True)) + list(G.in_edges(n, keys=True))))
    events: dict[tuple, dict] = {}
    for n in nodes:
        for key, event in _item_events(G, n, G.nodes[n], G.nodes[n]["kind"], display_name(G.nodes[n], lang), lang):
            events[key] = event
    for u, v, k in edges:
        data = G.edges[u, v, k]
        for field in _FIELD_ORDER:
            if not data.get(field):
                continue
            for here, other in ((v, u), (u, v)):
                folded = events.get((here, field, data[field]))
                if folded is not None:  # the edge repeats a node's date: name the other end as involved
                    folded["involves"].append(display_name(G.nodes[other], lang))
                    folded["sources"] = sorted(set(folded["sources"]) | {e["source"] for e in data.get("evidence", ())})
                    break
            if folded is not None:
                continue
            what = f"{display_name(G.nodes[u], lang)} —{label(data['type'], lang)}→ {display_name(G.nodes[v], lang)}"
            if field != "start":
                what += f" ({_words(lang)[field]})"
            events[(k, field, data[field])] = _event(G, data, field, what, data["type"], k, lang)
    unique = list({id(e): e for e in events.values()}.values())
    rows = sorted(unique, key=lambda r: (r["_key"], r["what"]))
    for r in rows:
        del r["_key"]
        r["involves"] = sorted(set(r["involves"]))
    return rows
