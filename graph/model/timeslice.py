"""What was known on a given day: the ``--as-of DATE`` filter of every query.

Three values, not two
---------------------

On day D every node and every edge (a relation) is in one of three states:

* **known** — it has a *known start* on or before D (its ``start`` date, read as its
  **earliest** day: ``2019-08`` counts from 1 Aug 2019), or, with no known start, it is
  *attested* on or before D; and it had not ended before D (no ``end``, or
  ``end.upper >= D``: an ``end`` of ``2020`` still holds on 31 Dec 2020);
* **not attested yet** — it has no known start and is first attested *after* D: the
  sources do not say it did not exist then, only that nothing dated mentions it before
  (the EU–Republic of Korea FPA is undated; the press release of 17 Oct 2019 says Viet
  Nam signs "after the Republic of Korea");
* **absent** — it has a known start after D, or it ended before D.

An item is *attested* from the first of: its ``mentioned`` date (earliest day) and the
**first day each of its evidence sources could have been published** (``2023/2024`` →
1 Jan 2023, never 31 Dec 2024) consistent with the item's own dates: a source cannot tell
of a conference of 26 Oct 2023 before that day, and a date whose *year the source omits*
(``XXXX-08-14``) moves that first day to the first such day inside the source's span (a
2023/2024 item about 14 Aug attests from 14 Aug 2023). A ``start`` or ``end`` whose year is unknown
is no known start or end.

Actors (states, organisations, people) with none of ``start``, ``end`` and
``mentioned`` are **always known**: the sources do not date states. An edge takes the
worst state of itself and its two endpoints (absent > not attested yet > known).

:func:`as_of` keeps the known items (``include_unattested=True`` keeps the not attested
ones too and lists them in ``H.graph["not_attested"]``); :func:`standing` says which
state an item is in, and why.

>>> from partnergraph.graph.model.build import load_graph
>>> G = load_graph()
>>> effective_start(G, G.nodes["eu-rok-fpa"])   # undated: attested by the press release
datetime.date(2019, 10, 17)
>>> effective_start(G, G.nodes["hrvp-visit-hanoi-2019"])   # "2019-08": its first day
datetime.date(2019, 8, 1)
>>> standing(G, G.nodes["eu-rok-fpa"], "2019-01-01").state, standing(G, G.nodes["eu-viet-nam-fpa"], "2019-01-01").state
('not_attested', 'absent')
>>> H = as_of(G, "2019-01-01")
>>> "eu-viet-nam-fpa" in H, "eu-rok-fpa" in H, "viet-nam" in H
(False, False, True)
>>> "eu-rok-fpa" in as_of(G, "2019-01-01", include_unattested=True)
True
>>> first_attested(G, G.nodes["eu-indonesia-naval-exercise"])   # XXXX-08-14 in a 2023/2024 source
datetime.date(2023, 8, 14)
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import networkx as nx

from partnergraph.graph.model.dates import as_date, parse_date

_DATE_FIELDS = ("start", "end", "mentioned")

KNOWN, NOT_ATTESTED, ABSENT = "known", "not_attested", "absent"
_WORST = {KNOWN: 0, NOT_ATTESTED: 1, ABSENT: 2}


@dataclass(frozen=True)
class Standing:
    """An item's state on a day, and the dates that decide it."""

    state: str  # known | not_attested | absent
    start: date | None  # its known start
    attested: date | None  # the first day it is attested (a mention or a source)
    end: date | None  # its known end (last day)
    sources: tuple = ()  # the evidence sources that attest it first


@lru_cache(maxsize=256)
def _published_lower(text: str) -> date | None:
    parsed = parse_date(text)
    return parsed.lower if parsed.year_known else None


def _first_day_in(span_start: date, text: str) -> date | None:
    """The first day on or after ``span_start`` that a year-less date (XXXX-MM-DD, XXXX-MM) can mean."""
    point = parse_date(text).start
    if not point.month:
        return None
    for year in (span_start.year, span_start.year + 1):
        try:
            candidate = date(year, point.month, point.day or 1)
        except ValueError:  # 29 Feb of a common year
            candidate = date(year, point.month, 28)
        if candidate >= span_start:
            return candidate
    return None


def _source_days(G: nx.MultiDiGraph, attrs: dict) -> list[tuple[date, str]]:
    """(first possible day, source id) for each evidence source with a publication date.

    The first day is the source's earliest publication day, moved later when the item's own
    ``start`` or ``mentioned`` date says it cannot have been told of before (a source of 2023/2024
    about a conference of 26 Oct 2023 attests it from 26 Oct 2023).
    """
    sources = G.graph.get("sources", {})
    own = [attrs[f] for f in ("start", "mentioned") if attrs.get(f)]
    out = []
    for e in attrs.get("evidence", ()):
        published = sources.get(e.get("source"), {}).get("published")
        day = _published_lower(str(published)) if published else None
        if day is None:
            continue
        for text in own:  # the item happened by the time the source told of it
            parsed = parse_date(text)
            first = parsed.lower if parsed.year_known else _first_day_in(day, text.split("/")[0])
            day = max(day, first) if first else day
        out.append((day, e["source"]))
    return out


def known_start(attrs: dict) -> date | None:
    """The earliest day of a ``start`` whose year is known, else None."""
    text = attrs.get("start")
    if text:
        parsed = parse_date(text)
        if parsed.year_known:
            return parsed.lower
    return None


def first_attested(G: nx.MultiDiGraph, attrs: dict) -> date | None:
    """The first day an item is attested: its ``mentioned`` date or the first day a source could tell of it."""
    days = [d for d, _ in _source_days(G, attrs)]
    text = attrs.get("mentioned")
    if text and parse_date(text).year_known:
        days.append(parse_date(text).lower)
    return min(days) if days else None


def effective_start(G: nx.MultiDiGraph, attrs: dict) -> date | None:
    """The day from which an item is known: its known start, else its first attestation; None if undatable."""
    return known_start(attrs) or first_attested(G, attrs)


def effective_end(attrs: dict) -> date | None:
    """The last day an item exists, or None when it has no end with a known year."""
    text = attrs.get("end")
    if not text:
        return None
    parsed = parse_date(text)
    return parsed.upper if parsed.year_known else None


def _is_undated_actor(attrs: dict) -> bool:
    return attrs.get("family") == "actor" and not any(attrs.get(f) for f in _DATE_FIELDS)


def standing(G: nx.MultiDiGraph, attrs: dict, day: date | str, *, undated_always: bool = False) -> Standing:
    """An item's own state on ``day`` (see the module docstring); its endpoints are not looked at.

    ``undated_always``: an item without any date is known (undated actors always are).
    """
    day = as_date(day)
    start, end = known_start(attrs), effective_end(attrs)
    attested_by = _source_days(G, attrs)
    attested = first_attested(G, attrs)
    first_sources = tuple(sorted({s for d, s in attested_by if d == attested}))
    if _is_undated_actor(attrs) or (undated_always and not any(attrs.get(f) for f in _DATE_FIELDS)):
        return Standing(KNOWN, start, attested, end, first_sources)
    if end is not None and end < day:
        state = ABSENT
    elif start is not None:
        state = KNOWN if start <= day else ABSENT
    elif attested is not None and attested <= day:
        state = KNOWN
    else:
        state = NOT_ATTESTED
    return Standing(state, start, attested, end, first_sources)


def node_standing(G: nx.MultiDiGraph, node: str, day: date | str) -> Standing:
    return standing(G, G.nodes[node], day)


def edge_state(G: nx.MultiDiGraph, u: str, v: str, key, day: date | str) -> str:
    """The worst state of the edge and its two endpoints on ``day``."""
    states = (standing(G, G.edges[u, v, key], day).state, node_standing(G, u, day).state, node_standing(G, v, day).state)
    return max(states, key=_WORST.__getitem__)


def item_exists(G: nx.MultiDiGraph, attrs: dict, day: date, *, undated_always: bool = False) -> bool:
    """Whether a node or edge with these attributes is known on ``day`` (its own dates only)."""
    return standing(G, attrs, day, undated_always=undated_always).state == KNOWN


def node_exists(G: nx.MultiDiGraph, node: str, day: date) -> bool:
    """Whether ``node`` is known on ``day``: undated actors always are, the rest follow the rule."""
    return node_standing(G, node, day).state == KNOWN


def existing_nodes(G: nx.MultiDiGraph, day: date | str) -> set[str]:
    """Ids of the nodes known on ``day``."""
    day = as_date(day)
    return {n for n in G if node_exists(G, n, day)}


def as_of(G: nx.MultiDiGraph, day: date | str | None, *, include_unattested: bool = False) -> nx.MultiDiGraph:
    """A new graph holding what was known on ``day`` (``G`` itself when ``day`` is None).

    ``include_unattested`` keeps what is only not attested yet too, listed in
    ``H.graph["not_attested"]`` (``{"nodes": {id: Standing}, "edges": {(u, v, key): state}}``).
    Attribute dicts are shallow copies; ``H.graph`` is a copy of ``G.graph`` (the sources are shared).
    """
    if day is None:
        return G
    day = as_date(day)
    allowed = {KNOWN, NOT_ATTESTED} if include_unattested else {KNOWN}
    node_state = {n: node_standing(G, n, day) for n in G}
    keep = {n for n, st in node_state.items() if st.state in allowed}
    H = G.__class__()
    H.graph = dict(G.graph, as_of=day)
    H.add_nodes_from((n, G.nodes[n]) for n in G if n in keep)
    pending_edges, edges = {}, []
    for u, v, k, d in G.edges(keys=True, data=True):
        if u not in keep or v not in keep:
            continue
        own = standing(G, d, day).state
        if own not in allowed:
            continue
        edges.append((u, v, k, d))
        worst = max((own, node_state[u].state, node_state[v].state), key=_WORST.__getitem__)
        if worst == NOT_ATTESTED:
            pending_edges[(u, v, k)] = worst
    H.add_edges_from(edges)
    H.graph["not_attested"] = {"nodes": {n: st for n, st in node_state.items() if n in keep and st.state == NOT_ATTESTED},
                               "edges": pending_edges}
    return H


def not_attested(G: nx.MultiDiGraph, day: date | str) -> dict:
    """What is only not attested yet on ``day``: ``{"nodes": {id: Standing}, "edges": {(u, v, key): Standing}}``."""
    day = as_date(day)
    nodes = {n: st for n in G if (st := node_standing(G, n, day)).state == NOT_ATTESTED}
    edges = {}
    for u, v, k, d in G.edges(keys=True, data=True):
        own = standing(G, d, day)
        if own.state != ABSENT and edge_state(G, u, v, k, day) == NOT_ATTESTED:
            edges[(u, v, k)] = own
    return {"nodes": nodes, "edges": edges}


def as_of_view(G: nx.MultiDiGraph, day: date | str, *, include_unattested: bool = False) -> nx.MultiDiGraph:
    """A lazy read-only view of ``G`` on ``day``: each node and edge is tested only when a search reaches it.

    Cheaper than :func:`as_of` for one path query on a large graph.
    """
    day = as_date(day)
    allowed = {KNOWN, NOT_ATTESTED} if include_unattested else {KNOWN}
    node_ok = lru_cache(maxsize=None)(lambda n: node_standing(G, n, day).state in allowed)

    def edge_ok(u, v, k):
        return node_ok(u) and node_ok(v) and standing(G, G.edges[u, v, k], day).state in allowed

    return nx.subgraph_view(G, filter_node=node_ok, filter_edge=edge_ok)


def why_absent(G: nx.MultiDiGraph, items: list[tuple], day: date | str) -> list[dict]:
    """For nodes (ids) and edges ((u, v, key)) not known on ``day``: their state and the dates that decide it.

    >>> from partnergraph.graph.model.build import load_graph
    >>> row = why_absent(load_graph(), ["eu-viet-nam-fpa"], "2019-01-01")[0]
    >>> row["from"], row["state"]
    (datetime.date(2019, 10, 17), 'absent')
    """
    day = as_date(day)
    out = []
    for item in items:
        attrs = G.edges[item] if isinstance(item, tuple) else G.nodes[item]
        st = standing(G, attrs, day)
        if st.state != KNOWN:
            out.append({"item": item, "state": st.state, "from": st.start or st.attested, "until": st.end,
                        "known_start": st.start, "attested": st.attested, "sources": list(st.sources),
                        "date_note": attrs.get("date_note")})
    return out


def possible_days(G: nx.MultiDiGraph, attrs: dict, text: str) -> tuple[date | None, date | None]:
    """The first and last day a date of an item can mean; a year-less date is placed inside its sources' span.

    ``XXXX-08-14`` from a source published ``2023/2024`` can mean 14 Aug 2023 to 14 Aug 2024;
    (None, None) when nothing places it.

    >>> from partnergraph.graph.model.build import load_graph
    >>> G = load_graph()
    >>> possible_days(G, G.nodes["eu-indonesia-naval-exercise"], "XXXX-08-14")
    (datetime.date(2023, 8, 14), datetime.date(2024, 8, 14))
    >>> possible_days(G, G.nodes["hrvp-visit-hanoi-2019"], "2019-08")
    (datetime.date(2019, 8, 1), datetime.date(2019, 8, 31))
    """
    parsed = parse_date(text)
    if parsed.year_known:
        return parsed.lower, parsed.upper
    sources = G.graph.get("sources", {})
    spans = [parse_date(str(sources[e["source"]]["published"])) for e in attrs.get("evidence", ())
             if sources.get(e.get("source"), {}).get("published")]
    spans = [s for s in spans if s.year_known]
    if not spans:
        return None, None
    first_year, last_year = min(s.lower.year for s in spans), max(s.upper.year for s in spans)
    start, end = parsed.start, parsed.end
    try:
        lo = date(first_year, start.month, start.day or 1)
        hi_month = end.month or 12
        hi = date(last_year, hi_month, end.day or calendar.monthrange(last_year, hi_month)[1])
    except ValueError:  # 29 Feb in a common year
        return date(first_year, start.month, 28), date(last_year, end.month or 12, 28)
    return lo, hi


def in_window(lo: date | None, hi: date | None, start: date | None, end: date | None) -> str:
    """'in' when every day ``lo``..``hi`` lies in the window ``start``..``end`` (either open), 'maybe' when
    some do, 'out' when none do; 'maybe' when the item's days are unknown."""
    if lo is None or hi is None:
        return "maybe"
    after, before = start or date.min, end or date.max
    if lo >= after and hi <= before:
        return "in"
    if hi < after or lo > before:
        return "out"
    return "maybe"
