"""What a picture shows: the graph cut to some kinds, some statuses and a date, and a line saying so.

>>> from partnergraph.graph.model.build import load_graph
>>> G = load_graph()
>>> H, said = select(G, status="in-place")
>>> all(get_schema().in_place(d.get("status")) for *_, d in H.edges(data=True)), said
(True, 'ties in place only (tentative ties left out)')
>>> sorted(select(G, kinds=["state"])[0])
['india', 'indonesia', 'japan', 'republic-of-korea', 'viet-nam']
"""

from __future__ import annotations

import networkx as nx

from partnergraph.graph.model.schema import UnknownKind, get_schema
from partnergraph.graph.model.timeslice import as_of as slice_as_of
from partnergraph.graph.model.i18n import t


class SelectError(ValueError):
    """A kind or status that the schema does not know (the message lists the choices)."""


def kinds_named(names: list[str]) -> frozenset[str]:
    """Kinds named directly, through a kind group (organisation, event) or a family (actor, instrument)."""
    try:
        return get_schema().kinds_named(names)
    except UnknownKind as exc:
        raise SelectError(str(exc)) from None


def statuses_named(status: str | list[str] | None) -> frozenset[str] | None:
    """The statuses an edge may have to be kept (None: all). ``in-place``, ``tentative``, ``all`` or a list."""
    schema = get_schema()
    if status in (None, "all", ["all"]):
        return None
    if status in ("in-place", ["in-place"]):
        return frozenset(schema.in_place_statuses) | {None}
    if status in ("tentative", ["tentative"]):
        return frozenset(schema.tentative_statuses)
    names = [s.strip() for s in (status.split(",") if isinstance(status, str) else status) if s.strip()]
    unknown = [s for s in names if s not in schema.statuses]
    if unknown or not names:
        raise SelectError(f"unknown status {(unknown or [status])[0]!r}; choose all, in-place, tentative "
                          f"or statuses ({', '.join(schema.statuses)})")
    return frozenset(names)


def counted_text(status, kinds: list[str] | None, lang: str) -> str:
    """What the selection kept, in one phrase for the subtitle."""
    parts = []
    if status in (None, "all", ["all"]):
        parts.append(t("counted_all", lang))
    elif status in ("in-place", ["in-place"]):
        parts.append(t("counted_in_place", lang))
    elif status in ("tentative", ["tentative"]):
        parts.append(t("counted_tentative", lang))
    else:
        names = status.split(",") if isinstance(status, str) else list(status)
        parts.append(t("counted_statuses", lang, statuses=", ".join(get_schema().status_label(s.strip(), lang) for s in names)))
    if kinds:
        parts.append(t("counted_kinds", lang, kinds=", ".join(kinds)))
    return " · ".join(parts)


def select(G: nx.MultiDiGraph, kinds: list[str] | None = None, status=None, as_of: str | None = None,
           lang: str = "en") -> tuple[nx.MultiDiGraph, str]:
    """The graph as of a day, cut to ``kinds`` and to edges of ``status``; with the phrase saying what was kept.

    A node whose own status is left out goes too; a node that only had edges left out goes with them.
    """
    H = slice_as_of(G, as_of) if as_of else G
    keep_kinds = kinds_named(kinds) if kinds else None
    keep_status = statuses_named(status)
    if keep_kinds is None and keep_status is None:
        return H, counted_text(status, kinds, lang)
    schema = get_schema()
    in_place_only = status in ("in-place", ["in-place"])
    nodes = [n for n, a in H.nodes(data=True)
             if (keep_kinds is None or a.get("kind") in keep_kinds)
             and not (in_place_only and not schema.in_place(a.get("status")))]
    S = H.subgraph(nodes)
    edges = [(u, v, k) for u, v, k, d in S.edges(keys=True, data=True)
             if keep_status is None or d.get("status") in keep_status]
    E = nx.MultiDiGraph(S.edge_subgraph(edges))
    E.graph.update(H.graph)
    for n in nodes:  # a node stays when it keeps an edge, never had one, or its own status was asked for
        own = H.nodes[n].get("status")
        if n not in E and (keep_status is None or H.degree(n) == 0 or (own is not None and own in keep_status)):
            E.add_node(n, **H.nodes[n])
    return E, counted_text(status, kinds, lang)
