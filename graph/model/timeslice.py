"""What existed on a given day: the ``--as-of DATE`` filter of every query.

The rule, applied to every node and every edge (a relation)
------------------------------------------------------------

An item *exists on day D* when **both** hold:

1. **It had begun by D.** Its *effective start* is on or before D, where the
   effective start is the first of these that is known, in order:

   a. its ``start`` date, read as its **earliest** day (``2019-08`` counts from
      1 Aug 2019, ``2019`` from 1 Jan 2019);
   b. its ``mentioned`` date (the day a source mentions it), earliest day;
   c. the **publication date of its evidence sources**, read as the
      **latest** day the publication can mean (``2023/2024`` → 31 Dec 2024):
      the source proves the item existed by then, not earlier. With several
      evidence sources the earliest such day is taken.

   A ``start`` or ``mentioned`` date whose *year is unknown*
   (``XXXX-08-14``) cannot be placed on a calendar, so it is skipped and the
   rule falls through to the next step, normally (c).
2. **It had not ended before D**: there is no ``end`` date, or
   ``end.upper >= D`` (an ``end`` of ``2020`` still exists on 31 Dec 2020).
   An ``end`` whose year is unknown is ignored (it cannot be placed after
   the publication-date start it then has).

Actors (states, organisations, people) with none of ``start``, ``end`` and
``mentioned`` **always exist**: the sources do not date states. Instruments
always need a date by the rule above (every record has evidence, so step (c)
always gives one).

An **edge** exists only when its own dates pass the rule **and both of its
endpoints exist**.

>>> from partnergraph.graph.model.build import load_graph
>>> G = load_graph()
>>> effective_start(G, G.nodes["eu-rok-fpa"])   # undated: the press release's day
datetime.date(2019, 10, 17)
>>> effective_start(G, G.nodes["hrvp-visit-hanoi-2019"])   # "2019-08": its first day
datetime.date(2019, 8, 1)
>>> H = as_of(G, "2019-01-01")
>>> "eu-viet-nam-fpa" in H, "viet-nam" in H
(False, True)
>>> "eu-viet-nam-fpa" in as_of(G, "2019-10-17")
True
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import networkx as nx

from partnergraph.graph.model.dates import as_date, parse_date

_DATE_FIELDS = ("start", "end", "mentioned")


@lru_cache(maxsize=256)
def _published_upper(text: str) -> date | None:
    parsed = parse_date(text)
    return parsed.upper if parsed.year_known else None


def _source_day(G: nx.MultiDiGraph, attrs: dict) -> date | None:
    sources = G.graph.get("sources", {})
    days = [
        _published_upper(str(sources[e["source"]]["published"]))
        for e in attrs.get("evidence", ())
        if e.get("source") in sources and sources[e["source"]].get("published")
    ]
    days = [d for d in days if d is not None]
    return min(days) if days else None


def effective_start(G: nx.MultiDiGraph, attrs: dict) -> date | None:
    """The day from which an item counts as existing (see the module docstring), or None if undatable."""
    for field in ("start", "mentioned"):
        text = attrs.get(field)
        if text:
            parsed = parse_date(text)
            if parsed.year_known:
                return parsed.lower
    return _source_day(G, attrs)


def effective_end(attrs: dict) -> date | None:
    """The last day an item exists, or None when it has no end with a known year."""
    text = attrs.get("end")
    if not text:
        return None
    parsed = parse_date(text)
    return parsed.upper if parsed.year_known else None


def _is_undated_actor(attrs: dict) -> bool:
    return attrs.get("family") == "actor" and not any(attrs.get(f) for f in _DATE_FIELDS)


def item_exists(G: nx.MultiDiGraph, attrs: dict, day: date, *, undated_always: bool = False) -> bool:
    """Whether a node or edge with these attributes exists on ``day`` (its own dates only)."""
    if undated_always and not any(attrs.get(f) for f in _DATE_FIELDS):
        return True
    start = effective_start(G, attrs)
    if start is None or start > day:
        return False
    end = effective_end(attrs)
    return end is None or end >= day


def node_exists(G: nx.MultiDiGraph, node: str, day: date) -> bool:
    """Whether ``node`` exists on ``day``: undated actors always do, the rest follow the rule."""
    attrs = G.nodes[node]
    if _is_undated_actor(attrs):
        return True
    return item_exists(G, attrs, day)


def existing_nodes(G: nx.MultiDiGraph, day: date | str) -> set[str]:
    """Ids of the nodes that exist on ``day``."""
    day = as_date(day)
    return {n for n in G if node_exists(G, n, day)}


def as_of(G: nx.MultiDiGraph, day: date | str | None) -> nx.MultiDiGraph:
    """A new graph holding only what existed on ``day`` (``G`` itself when ``day`` is None).

    Attribute dicts are shallow copies; ``H.graph`` is shared with ``G`` (sources).
    """
    if day is None:
        return G
    day = as_date(day)
    keep = existing_nodes(G, day)
    H = G.__class__()
    H.graph = G.graph
    H.add_nodes_from((n, G.nodes[n]) for n in G if n in keep)
    H.add_edges_from(
        (u, v, k, d)
        for u, v, k, d in G.edges(keys=True, data=True)
        if u in keep and v in keep and item_exists(G, d, day)
    )
    return H


def as_of_view(G: nx.MultiDiGraph, day: date | str) -> nx.MultiDiGraph:
    """A lazy read-only view of ``G`` on ``day``: each node and edge is tested only when a search reaches it.

    Cheaper than :func:`as_of` for one path query on a large graph.
    """
    day = as_date(day)
    node_ok = lru_cache(maxsize=None)(lambda n: node_exists(G, n, day))

    def edge_ok(u, v, k):
        return node_ok(u) and node_ok(v) and item_exists(G, G.edges[u, v, k], day)

    return nx.subgraph_view(G, filter_node=node_ok, filter_edge=edge_ok)


def why_absent(G: nx.MultiDiGraph, items: list[tuple], day: date | str) -> list[dict]:
    """For nodes (ids) and edges ((u, v, key)) that do not exist on ``day``: from when, or until when, they do.

    >>> from partnergraph.graph.model.build import load_graph
    >>> why_absent(load_graph(), ["eu-viet-nam-fpa"], "2019-01-01")[0]["from"]
    datetime.date(2019, 10, 17)
    """
    day = as_date(day)
    out = []
    for item in items:
        if isinstance(item, tuple):
            attrs, exists = G.edges[item], item_exists(G, G.edges[item], day)
        else:
            attrs, exists = G.nodes[item], node_exists(G, item, day)
        if not exists:
            out.append({"item": item, "from": effective_start(G, attrs), "until": effective_end(attrs)})
    return out
