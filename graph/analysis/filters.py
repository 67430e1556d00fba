"""Which ties an analysis counts: the one status filter every analysis and ``list`` use.

A *tie* is an edge. Its status is its own ``status`` when the source gives one; an edge without a
status takes the status of the instrument it joins (a party to a partnership only *sought* is
itself only sought); an edge with neither is stated as a fact and counts as **in place**.
What each status means is data: ``graph/schema.yaml`` says for each whether it is in place
(signed, in force, ongoing, held, completed) or tentative (proposed, sought, interested, not yet).

A filter is written as text, the same everywhere:

==================  =================================================================
``in-place``        ties in place, and ties without a status (the default)
``all``             every tie, tentative ones included
``tentative``       ties only proposed, sought, of interest or not yet taken up
``sought,signed``   a comma list of statuses; ``in-place`` and ``tentative`` may be
                    listed too (``in-place,sought``)
==================  =================================================================

:func:`counted` gives the graph an analysis runs on: every actor, every tie the filter keeps, and
every instrument whose own status it keeps or that a kept tie reaches (an instrument only sought,
with no tie the filter keeps, leaves the graph: the EU–Japan partnership counts in no score,
path or component by default).

>>> f = parse_status("in-place")
>>> f.keeps("signed"), f.keeps(None), f.keeps("sought")
(True, True, False)
>>> parse_status("all").keeps("sought"), parse_status("sought,signed").keeps(None)
(True, False)
>>> from partnergraph.graph.model.build import load_graph
>>> G = load_graph()
>>> H = counted(G)
>>> "eu-japan-security-defence-partnership" in H, H.has_edge("viet-nam", "csdp-missions")
(False, False)
>>> counted(G, "all") is G
True
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import networkx as nx

from partnergraph.graph.model.dates import as_date, format_date
from partnergraph.graph.model.i18n import t
from partnergraph.graph.model.names import display_name
from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.model.timeslice import as_of as slice_as_of, not_attested

IN_PLACE = "in-place"
ALL = "all"
TENTATIVE = "tentative"
#: The words a filter may use besides status names.
SPECIAL = (IN_PLACE, ALL, TENTATIVE)
#: Stands for "no status stated" inside a filter's set of statuses.
UNSTATED = None


class BadStatus(ValueError):
    """A status filter naming no known status."""


@dataclass(frozen=True)
class StatusFilter:
    """The statuses counted (``None`` in the set stands for a tie with no status) and how it was written."""

    statuses: frozenset
    text: str

    @property
    def everything(self) -> bool:
        schema = get_schema()
        return self.statuses >= set(schema.statuses) | {UNSTATED}

    def keeps(self, status: str | None) -> bool:
        return status in self.statuses

    def describe(self, lang: str = "en") -> str:
        """The ties counted, in words: 'ties in place (signed, in force, ...; or no status stated)'."""
        schema = get_schema()
        if self.everything:
            return t("ties_every", lang)
        labels = [schema.status_label(s, lang) for s in schema.statuses if s in self.statuses]
        unstated = UNSTATED in self.statuses
        if set(self.statuses) == set(schema.in_place_statuses) | {UNSTATED}:
            head = t("ties_in_place", lang)
        else:
            head = t("ties_with_status", lang)
        tail = t("ties_or_unstated", lang) if unstated else ""
        return f"{head} ({', '.join(labels)}{tail})"

    def as_dict(self, lang: str = "en") -> dict:
        """What every output carries: ``{"status": "in-place", "statuses": [...], "counted": "ties in place (...)"}``."""
        schema = get_schema()
        listed = [s for s in schema.statuses if s in self.statuses]
        return {"status": self.text, "statuses": listed + (["(none stated)"] if UNSTATED in self.statuses else []),
                "counted": self.describe(lang)}


def parse_status(value: "str | StatusFilter | None" = IN_PLACE) -> StatusFilter:
    """Read a filter written as ``in-place``, ``all``, ``tentative`` or a comma list of statuses.

    >>> sorted(s or "" for s in parse_status("tentative").statuses)
    ['interested', 'not_yet', 'proposed', 'sought']
    >>> parse_status("soughtt")
    Traceback (most recent call last):
    ...
    partnergraph.graph.analysis.filters.BadStatus: unknown status 'soughtt'; use in-place, all, tentative or a comma list of: proposed, sought, interested, signed, in_force, ongoing, held, completed, not_yet
    """
    if isinstance(value, StatusFilter):
        return value
    schema = get_schema()
    text = (IN_PLACE if value is None else value).strip().lower()
    statuses: set = set()
    for token in (t.strip().replace("-", "_").replace(" ", "_") for t in text.split(",")):
        if not token:
            continue
        if token == "in_place":
            statuses |= set(schema.in_place_statuses) | {UNSTATED}
        elif token == "all":
            statuses |= set(schema.statuses) | {UNSTATED}
        elif token == "tentative":
            statuses |= set(schema.tentative_statuses)
        elif token in schema.statuses:
            statuses.add(token)
        else:
            raise BadStatus(f"unknown status {token!r}; use {', '.join(SPECIAL)} or a comma list of: "
                            f"{', '.join(schema.statuses)}")
    if not statuses:
        raise BadStatus(f"empty status filter {value!r}; use {', '.join(SPECIAL)} or a comma list of statuses")
    return StatusFilter(frozenset(statuses), text)


def tie_status(G: nx.MultiDiGraph, u: str, v: str, data: dict) -> str | None:
    """A tie's status: its own, else that of the instrument it joins (a tentative one first), else None."""
    own = data.get("status")
    if own:
        return own
    nodes = G.nodes
    found = [nodes[n].get("status") for n in (u, v) if nodes[n].get("family") == "instrument" and nodes[n].get("status")]
    tentative = get_schema().tentative_statuses
    return next((s for s in found if s in tentative), found[0] if found else None)


def tie_in_place(G: nx.MultiDiGraph, u: str, v: str, data: dict) -> bool:
    """Whether a tie counts under the default filter (see the module docstring)."""
    return get_schema().in_place(tie_status(G, u, v, data))


def node_kept(attrs: dict, f: StatusFilter) -> bool:
    """Whether a node stays whatever its ties: every actor; an instrument whose own status the filter keeps."""
    return attrs.get("family") != "instrument" or f.keeps(attrs.get("status") or UNSTATED)


def counted(G: nx.MultiDiGraph, status: "str | StatusFilter | None" = IN_PLACE) -> nx.MultiDiGraph:
    """The graph of the ties ``status`` counts (see the module docstring); ``G`` itself when it keeps everything
    or when nothing in ``G`` is left out.

    The result is shared (cached, see :data:`_COUNTED`): treat it as read-only. Attribute dicts are shared with ``G`` (as in
    :func:`partnergraph.graph.model.timeslice.as_of`); the result's ``graph`` dict is a copy of
    ``G.graph`` with ``status`` set to the filter. The copy is made at the level of networkx's
    adjacency dicts (one dict per kept node pair), not edge by edge: ~5x faster than
    ``add_edges_from`` on the synthetic graphs.
    """
    f = parse_status(status)
    if f.everything:
        return G
    size = (G.number_of_nodes(), G.number_of_edges())
    cached = _COUNTED.get(G, {}).get(f.statuses)
    if cached is not None and cached[0] == size:
        return cached[1]
    H = _counted(G, f)
    if H is not G:
        try:
            _COUNTED.setdefault(G, {})[f.statuses] = (size, H)
        except TypeError:  # a graph view cannot be weakly referenced: not cached
            pass
    return H


#: The graphs :func:`counted` made, per source graph and set of statuses: the report and the pictures ask
#: for the same filtered graph several times (one copy of the medium synthetic graph, 188k relations,
#: costs ~4 s on the shared machine). Valid while ``G`` keeps its node and edge counts: a graph edited in
#: place (a status changed) must be loaded again, as for the path search's igraph copy.
_COUNTED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _counted(G: nx.MultiDiGraph, f: StatusFilter) -> nx.MultiDiGraph:
    tentative = get_schema().tentative_statuses
    instrument_status = {n: a.get("status") for n, a in G._node.items() if a.get("family") == "instrument"}
    keeps = f.statuses.__contains__

    def status_of(u, v, d):  # tie_status, inlined for the pass over every edge
        own = d.get("status")
        if own:
            return own
        su, sv = instrument_status.get(u), instrument_status.get(v)
        if su and sv:
            return su if su in tentative else sv if sv in tentative else su
        return su or sv

    succ: dict = {}
    reached: set = set()
    dropped = False
    directed, multi = G.is_directed(), G.is_multigraph()
    adjacency = G._succ if directed else G._adj
    for u, nbrs in adjacency.items():
        row = {}
        for v, keydict in nbrs.items():
            if multi:
                kept = {k: d for k, d in keydict.items() if keeps(status_of(u, v, d))}
                dropped = dropped or len(kept) != len(keydict)
            else:
                kept = keydict if keeps(status_of(u, v, keydict)) else None
                dropped = dropped or kept is None
            if kept or (not multi and kept is not None):  # a simple graph's edge may carry no attributes
                row[v] = kept
                reached.add(u)
                reached.add(v)
        succ[u] = row
    nodes = {n: a for n, a in G._node.items() if n in reached or node_kept(a, f)}
    if not dropped and len(nodes) == len(G._node):
        return G
    H = G.__class__()
    H.graph = dict(G.graph, status=f)
    H._node = nodes
    if directed:
        pred: dict = {n: {} for n in nodes}
        H._succ = H._adj = {n: succ[n] for n in nodes}
        for u, row in H._succ.items():
            for v, kept in row.items():
                pred[v][u] = kept  # the same key dict from both ends, as networkx keeps it
        H._pred = pred
    else:
        H._adj = {n: succ[n] for n in nodes}
    return H


def counted_by(G: nx.MultiDiGraph) -> StatusFilter:
    """The filter a graph made by :func:`counted` was made with (``all`` for any other graph)."""
    return G.graph.get("status") or parse_status(ALL)


def left_out(G: nx.MultiDiGraph, status: "str | StatusFilter | None" = IN_PLACE) -> list[tuple]:
    """The ties a filter leaves out, as ``(u, v, key, status)``, sorted (for 'not counted: ...' lines)."""
    f = parse_status(status)
    return sorted((u, v, k, tie_status(G, u, v, d) or "") for u, v, k, d in G.edges(keys=True, data=True)
                  if not f.keeps(tie_status(G, u, v, d)))


def _tie_text(G: nx.MultiDiGraph, u: str, v: str, data: dict, lang: str) -> str:
    return f"{display_name(G.nodes[u], lang)} —{get_schema().edge_label(data['type'], lang)}→ {display_name(G.nodes[v], lang)}"


def scope(G: nx.MultiDiGraph, status: "str | StatusFilter | None" = IN_PLACE, as_of=None, *,
          include_unattested: bool = False, lang: str = "en") -> tuple[nx.MultiDiGraph, dict]:
    """The graph an analysis runs on and what it counted: the ties ``status`` keeps, as known on ``as_of``.

    Returns ``(H, counted)``; ``counted`` is what every output carries: ``status``, ``statuses``,
    ``counted`` (in words), ``as_of`` (ISO day or None) and ``not_attested`` — the facts only not
    attested yet on that day, left out (or, with ``include_unattested``, kept and to be flagged),
    as ``[{"id", "what", "attested"}]``.

    >>> from partnergraph.graph.model.build import load_graph
    >>> H, meta = scope(load_graph(), as_of="2019-01-01")
    >>> meta["counted"], meta["as_of"], len(meta["not_attested"]) > 0
    ('ties in place (signed, in force, ongoing, held, completed, or no status stated)', '2019-01-01', True)
    """
    f = parse_status(status)
    H = counted(G, f)
    meta = {**f.as_dict(lang), "as_of": None, "not_attested": []}
    if as_of is None:
        return H, meta
    day = as_date(as_of)
    pending = not_attested(H, day)
    rows = [{"id": n, "what": display_name(H.nodes[n], lang), "attested": st.attested.isoformat() if st.attested else None}
            for n, st in sorted(pending["nodes"].items())]
    rows += [{"id": k, "what": _tie_text(H, u, v, H.edges[u, v, k], lang),
              "attested": st.attested.isoformat() if st.attested else None}
             for (u, v, k), st in sorted(pending["edges"].items(), key=lambda kv: str(kv[0]))]
    meta.update(as_of=day.isoformat(), not_attested=rows, unattested_included=include_unattested)
    return slice_as_of(H, day, include_unattested=include_unattested), meta


def describe_scope(status: "str | StatusFilter | None" = IN_PLACE, as_of=None, *, include_unattested: bool = False,
                   not_attested_items: list | None = None, lang: str = "en") -> dict:
    """The ``counted`` record of an answer computed elsewhere (a path search): as :func:`scope` gives."""
    f = parse_status(status)
    return {**f.as_dict(lang), "as_of": as_date(as_of).isoformat() if as_of else None,
            "not_attested": list(not_attested_items or []), "unattested_included": include_unattested}


def counted_line(meta: dict, lang: str = "en") -> str:
    """One line for a table's header: 'Counted: ties in place (...); as of 1 Jan 2019 (3 facts not attested yet left out).'"""
    text = t("counted_head", lang, counted=meta["counted"])
    if meta.get("as_of"):
        text += t("counted_as_of", lang, date=format_date(meta["as_of"], lang))
        n = len(meta.get("not_attested", ()))
        if n:
            kept = "counted_unattested_kept" if meta.get("unattested_included") else "counted_unattested_left_out"
            text += t(kept, lang, n=n)
    return text + "."
