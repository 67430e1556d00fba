"""How is A connected to B? Shortest paths, explained hop by hop with evidence.

A :class:`Path` is plain data: the node ids along the way and, for every hop,
the key (relation id) of the edge taken. Paths found on the actor projection
(``actors_only=True``) give, for every hop, the id of an instrument the two
actors share (or of their direct relation) instead. Both the networkx search
here and the Neo4j store (``graph/stores/neo4j_store.py``) return these
objects, and :func:`partnergraph.graph.analysis.explain.explain_path` turns one
into words.

Direction is ignored by default (a partnership connects both ways);
``directed=True`` follows edges only from their ``from`` to their ``to``.

What a path may use: ties in place by default (``status``; see
:mod:`partnergraph.graph.analysis.filters`). With ``as_of`` a day, the facts known
then **and** those only not attested yet (no known start, first attested later:
the EU–Republic of Korea FPA is undated and first attested on 17 Oct 2019),
the latter flagged hop by hop and avoided when an equally short path does
without them; facts absent then (a known start after the day, or ended) are
never used. ``strict=True`` uses the known facts only.

>>> from partnergraph.graph.model.build import load_graph
>>> G = load_graph()
>>> [p] = find_paths(G, "republic-of-korea", "viet-nam")
>>> p.nodes
['republic-of-korea', 'eu-rok-fpa', 'eu', 'eu-viet-nam-fpa', 'viet-nam']
>>> explain_path(G, p)["chain"].split(" ←")[0]
'Republic of Korea —party to→ EU–Republic of Korea Framework Participation Agreement'
>>> [early] = find_paths(G, "republic-of-korea", "viet-nam", as_of="2019-01-01")
>>> early.nodes[1], explain_path(G, early)["flags"][0]
('eu-rok-fpa', 'Republic of Korea —party to→ EU–Republic of Korea Framework Participation Agreement: not attested before 17 Oct 2019; the data notes: Signed before the EU–Viet Nam FPA of 17 Oct 2019; the source gives no date.')
>>> find_paths(G, "republic-of-korea", "viet-nam", as_of="2019-01-01", strict=True)
Traceback (most recent call last):
...
partnergraph.graph.analysis.paths.NoPath: no path between Republic of Korea and Viet Nam known on 1 Jan 2019 ...
>>> find_paths(G, "japan", "viet-nam")
Traceback (most recent call last):
...
partnergraph.graph.analysis.paths.NoPath: no path between Japan and Viet Nam counting ties in place ...
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

import networkx as nx

from partnergraph.graph.analysis.explain import _day, _name, _tentative, explain_path, path_rows, status_label
from partnergraph.graph.analysis.filters import IN_PLACE, StatusFilter, counted, parse_status, tie_status
from partnergraph.graph.analysis.projection import actor_projection
from partnergraph.graph.model.dates import as_date
from partnergraph.graph.model.i18n import t
from partnergraph.graph.model.names import resolve
from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.model.timeslice import (
    NOT_ATTESTED,
)
from partnergraph.graph.model.timeslice import as_of as slice_as_of
from partnergraph.graph.model.timeslice import as_of_view, edge_state, effective_start, node_standing, why_absent

__all__ = ["BadFilter", "Filters", "NoPath", "Path", "TIE_LIMIT", "explain_path", "find_paths", "parse_filters",
           "path_rows", "path_strength", "status_label"]


@dataclass
class Path:
    """A path: node ids in order, and for each hop the key of the edge taken (len(edges) == len(nodes) - 1)."""

    nodes: list[str]
    edges: list[str]
    as_of: date | None = field(default=None, compare=False)  # the day it was searched on: its hops are explained and flagged for that day
    status: StatusFilter | None = field(default=None, compare=False)  # the ties it was searched on (None: every tie)

    def __len__(self) -> int:
        return len(self.edges)


class NoPath(LookupError):
    """No path with the requested constraints; ``reasons`` says what was missing (e.g. not yet signed)."""

    def __init__(self, message: str, reasons: list[str] | None = None):
        self.reasons = reasons or []
        super().__init__(message + ("" if not self.reasons else "\n" + "\n".join(f"  {r}" for r in self.reasons)))


class BadFilter(ValueError):
    """A --via/--avoid value that is no node kind, kind group, family, edge type or node name."""


@dataclass(frozen=True)
class Filters:
    """What a path may go through. Kinds apply to intermediate nodes only, never to the two ends."""

    via_kinds: frozenset[str] = frozenset()
    via_types: frozenset[str] = frozenset()
    avoid_kinds: frozenset[str] = frozenset()
    avoid_types: frozenset[str] = frozenset()
    avoid_nodes: frozenset[str] = field(default_factory=frozenset)

    def __bool__(self) -> bool:
        return any((self.via_kinds, self.via_types, self.avoid_kinds, self.avoid_types, self.avoid_nodes))

    def node_ok(self, attrs: dict, schema=None) -> bool:
        kind = attrs.get("kind")
        if kind in self.avoid_kinds:
            return False
        if self.via_kinds:
            schema = schema or get_schema()
            # --via restricts each family it names: "agreement" limits instruments, leaves actors free.
            same_family = {k for k in self.via_kinds if schema.family(k) == attrs.get("family")}
            if same_family and kind not in same_family:
                return False
        return True

    def edge_ok(self, data: dict) -> bool:
        t = data.get("type")
        return t not in self.avoid_types and (not self.via_types or t in self.via_types)


def parse_filters(G: nx.MultiDiGraph | None, via: list[str] = (), avoid: list[str] = ()) -> Filters:
    """Read --via/--avoid values: node kinds, kind groups (event, polity...), families, edge types, or (avoid) node names.

    >>> f = parse_filters(None, via=["agreement"], avoid=["person", "member_of"])
    >>> sorted(f.via_kinds), sorted(f.avoid_kinds), sorted(f.avoid_types)
    (['agreement'], ['person'], ['member_of'])
    """
    schema = get_schema()
    groups = set(schema.raw.get("kind_groups", {})) | set(schema.families)
    out: dict[str, set] = {"via_kinds": set(), "via_types": set(), "avoid_kinds": set(), "avoid_types": set(), "avoid_nodes": set()}
    for side, values in (("via", via), ("avoid", avoid)):
        for value in values or ():
            token = value.strip().lower().replace("-", "_").replace(" ", "_")
            if token in schema.node_kinds or token in groups:
                kinds = schema.expand([token]) if token in schema.raw.get("kind_groups", {}) else (
                    frozenset(schema.kinds_of(token)) if token in schema.families else {token})
                out[f"{side}_kinds"].update(kinds)
            elif token in schema.edge_types:
                out[f"{side}_types"].add(token)
            elif side == "avoid" and G is not None:
                try:
                    out["avoid_nodes"].add(resolve(G, value))
                except LookupError as exc:
                    raise BadFilter(f"--avoid {value!r} is no node kind, edge type or node name ({exc})") from None
            else:
                raise BadFilter(
                    f"--{side} {value!r} is no node kind or edge type; use one of: "
                    f"{', '.join(sorted(schema.node_kinds))}, groups {', '.join(sorted(groups))}, "
                    f"or edge types {', '.join(sorted(schema.edge_types))}"
                )
    return Filters(**{k: frozenset(v) for k, v in out.items()})


# --- the search ------------------------------------------------------------------


def _search_view(G: nx.MultiDiGraph, ends: tuple[str, str], filters: Filters, directed: bool, as_of: date | None,
                 status: StatusFilter, strict: bool = False):
    """A lazy view of G restricted by status, date and filters: nothing is copied, so a query costs only what it explores.

    The status filter acts on edges only: an instrument no counted tie reaches cannot be reached.
    """
    H = as_of_view(G, as_of, include_unattested=not strict) if as_of else G
    edges = G.edges
    schema = get_schema()
    nodes = G.nodes

    def node_ok(n):
        return n in ends or (n not in filters.avoid_nodes and filters.node_ok(nodes[n], schema))

    def edge_ok(u, v, k):
        data = edges[u, v, k]
        return filters.edge_ok(data) and (status.everything or status.keeps(tie_status(G, u, v, data)))

    if filters or not status.everything:
        H = nx.subgraph_view(H, filter_node=node_ok if filters else nx.filters.no_filter, filter_edge=edge_ok)
    return H if directed else H.to_undirected(as_view=True)


def edge_rank(G: nx.MultiDiGraph, data: dict) -> tuple:
    """Prefer links in place over sought/proposed ones, then the earliest dated."""
    start = effective_start(G, data)
    return (_tentative(data.get("status")), start or date.max)


_edge_rank = edge_rank  # the name the Neo4j store used


def _hop_keys(G: nx.MultiDiGraph, H, nodes: list[str], directed: bool) -> list[str]:
    """For each consecutive pair, the key of the best edge the view allows between them."""
    keys = []
    for u, v in zip(nodes, nodes[1:]):
        candidates = []
        for a, b in ((u, v),) if directed else ((u, v), (v, u)):
            if G.has_edge(a, b):
                candidates += [(k, d) for k, d in G[a][b].items() if H.has_edge(a, b, k) or H.has_edge(b, a, k)]
        k, _ = min(candidates, key=lambda kd: (edge_rank(G, kd[1]), kd[0]))
        keys.append(k)
    return keys


def find_paths(
    G: nx.MultiDiGraph,
    source: str,
    target: str,
    *,
    all_paths: bool = False,
    k: int | None = None,
    max_hops: int | None = None,
    via: list[str] = (),
    avoid: list[str] = (),
    as_of: str | date | None = None,
    strict: bool = False,
    status: "str | StatusFilter" = IN_PLACE,
    actors_only: bool = False,
    directed: bool = False,
    lang: str = "en",
) -> list[Path]:
    """Shortest path(s) from ``source`` to ``target`` (node ids).

    One shortest path by default; ``all_paths`` gives every shortest path, ``k``
    the ``k`` shortest simple paths (Yen's algorithm, networkx
    ``shortest_simple_paths``). ``max_hops`` drops longer paths. ``via``/``avoid``
    take node kinds, kind groups, families or edge types (see
    :func:`parse_filters`). ``status`` says which ties count (in place by default).
    ``as_of`` uses what was known on that day and what was only not attested yet
    (flagged; ``strict`` leaves it out; see :mod:`partnergraph.graph.model.timeslice`).
    ``actors_only`` searches the actor projection (actors linked by shared
    instruments or direct relations). Raises :class:`NoPath`.
    """
    day = as_date(as_of) if as_of is not None else None
    filters = parse_filters(G, via, avoid)
    f = parse_status(status)
    if actors_only:
        return _projection_paths(G, source, target, filters, day, strict, f, all_paths, k, max_hops, lang)
    for end in (source, target):
        if day and node_standing(G, end, day).state not in (("known",) if strict else ("known", NOT_ATTESTED)):
            raise NoPath(t("nopath_unknown", lang, name=_name(G, end, lang), date=_day(day, lang)), _absent(G, [end], day, lang))
    H = _search_view(G, (source, target), filters, directed, day, f, strict)
    if not (filters or day or k) and G.number_of_nodes() > FAST_NODES and _igraph_available():
        node_paths = _igraph_node_paths(G, source, target, all_paths, max_hops, directed, f)
    else:
        node_paths = _node_paths(H, source, target, all_paths, k, max_hops)
    if not node_paths:
        raise _no_path(G, source, target, day, strict, f, filters, max_hops, directed, lang)
    paths = sorted((Path(p, _hop_keys(G, H, p, directed), day, f) for p in node_paths), key=lambda p: path_strength(G, p, day))
    return paths if all_paths else paths[: k or 1]


#: Above this many nodes, plain path queries run on a cached igraph copy of the graph (C breadth-first
#: search) instead of networkx views: on the 2k-actor/50k-instrument synthetic graph a query drops from
#: ~2 s to milliseconds. There, one shortest path is returned without comparing equally short ones.
FAST_NODES = 20_000

_IGRAPH_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # G -> {(directed, statuses): (size, g, nodes, index)}


def _igraph_available() -> bool:
    # igraph is optional (the 'fast' extra) and costs ~0.05 s to import: only large graphs need it
    try:
        # lazy: igraph costs ~892 ms to import (measured); only this path needs it
        import igraph  # noqa: F401
    except ImportError:
        return False
    return True


def _igraph_index(G: nx.MultiDiGraph, directed: bool, status: StatusFilter):
    # lazy: igraph costs ~892 ms to import (measured); only this path needs it
    import igraph as ig  # see _igraph_available

    size = G.number_of_nodes()  # O(1); counting a multigraph's edges is O(N), so a mutated G must be re-loaded
    key = (directed, status.statuses)
    cached = _IGRAPH_CACHE.get(G, {}).get(key)
    if cached and cached[0] == size:
        return cached[1:]
    H = counted(G, status)
    nodes = list(G)
    index = {n: i for i, n in enumerate(nodes)}
    g = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in H.edges()], directed=directed)
    g.simplify()
    _IGRAPH_CACHE.setdefault(G, {})[key] = (size, g, nodes, index)
    return g, nodes, index


def _igraph_node_paths(G, source, target, all_paths, max_hops, directed, status) -> list[list[str]]:
    g, nodes, index = _igraph_index(G, directed, status)
    mode = "out" if directed else "all"
    if all_paths:
        found = g.get_all_shortest_paths(index[source], to=index[target], mode=mode)
    else:
        found = [p for p in g.get_shortest_paths(index[source], to=index[target], mode=mode, output="vpath") if p]
    paths = [[nodes[i] for i in p] for p in found]
    if max_hops is not None:
        paths = [p for p in paths if len(p) - 1 <= max_hops]
    return paths


#: How many equally short paths are compared to pick the best-attested one (bounds the work on hub-heavy graphs).
TIE_LIMIT = 200


def path_strength(G: nx.MultiDiGraph, path: Path, day: date | None = None) -> tuple:
    """Sort key putting the best-attested of equally short paths first.

    Shorter first; then (on a day) fewest hops only not attested yet, then the soonest attested;
    then fewest links only sought/proposed/of interest/not yet; then most links with a status in
    place (signed, in force, ongoing, held, completed); then most links with a stated date; then
    by node ids (stable output).
    """
    hops = list(zip(path.nodes, path.nodes[1:], path.edges))
    datas = [G.edges[_edge_tuple(G, u, v, k)] if _is_edge(G, u, v, k) else G.nodes[k] for u, v, k in hops]
    pending, latest = 0, date.min
    if day is not None:
        for (u, v, k), d in zip(hops, datas):
            if _is_edge(G, u, v, k) and edge_state(G, *_edge_tuple(G, u, v, k), day) == NOT_ATTESTED:
                pending += 1
                latest = max(latest, effective_start(G, d) or date.max)
    return (
        len(path.edges),
        pending,
        latest,
        sum(_tentative(d.get("status")) for d in datas),
        -sum(d.get("status") in get_schema().in_place_statuses for d in datas),
        -sum(bool(d.get("start") or d.get("mentioned")) for d in datas),
        path.nodes,
    )


def _is_edge(G, u, v, key) -> bool:
    return G.has_edge(u, v, key) or G.has_edge(v, u, key)


def _node_paths(H, source, target, all_paths, k, max_hops) -> list[list[str]]:
    try:
        if k:
            simple = nx.DiGraph(H) if H.is_directed() else nx.Graph(H)
            found = []  # the k shortest, plus equally long ones so the best-attested of a length come first
            for p in islice(nx.shortest_simple_paths(simple, source, target), k + TIE_LIMIT):
                if len(found) >= k and len(p) > len(found[k - 1]):
                    break
                found.append(p)
        elif all_paths:
            found = list(nx.all_shortest_paths(H, source, target))
        else:  # equally short candidates, ranked by path_strength afterwards
            found = list(islice(nx.all_shortest_paths(H, source, target), TIE_LIMIT))
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return []
    if max_hops is not None:
        found = [p for p in found if len(p) - 1 <= max_hops]
    return found


def _projection_paths(G, source, target, filters, day, strict, status, all_paths, k, max_hops, lang="en") -> list[Path]:
    for end in (source, target):
        if G.nodes[end].get("family") != "actor":
            raise NoPath(t("nopath_needs_actors", lang, name=_name(G, end, lang), kind=G.nodes[end]["kind"]))
    base = counted(G, status)
    base = slice_as_of(base, day, include_unattested=not strict) if day else base
    P = actor_projection(base, instrument_filter=filters)
    keep = [n for n in P if n in (source, target) or (n not in filters.avoid_nodes and filters.node_ok(G.nodes[n]))]
    P = P.subgraph(keep)
    node_paths = _node_paths(P, source, target, all_paths, k, max_hops) if source in P and target in P else []
    if not node_paths:
        why = t("nopath_on", lang, date=_day(day, lang)) if day else ""
        raise NoPath(t("nopath_no_chain", lang, a=_name(G, source, lang), b=_name(G, target, lang), on=why,
                       counted=status.describe(lang)))

    def hop(u, v):
        data = P.edges[u, v]
        if data["instruments"]:
            return data["instruments"][0]
        return min((kk for a, b in ((u, v), (v, u)) if base.has_edge(a, b) for kk in base[a][b]), key=str)

    paths = sorted((Path(p, [hop(u, v) for u, v in zip(p, p[1:])], day, status) for p in node_paths),
                   key=lambda p: (len(p.edges), [-P.edges[u, v]["weight"] for u, v in zip(p.nodes, p.nodes[1:])], p.nodes))
    return paths if all_paths else paths[: k or 1]


def _absent(G, items, day, lang="en") -> list[str]:
    lines = []
    for row in why_absent(G, items, day):
        item = row["item"]
        what = _name(G, item, lang) if not isinstance(item, tuple) else (
            f"{_name(G, item[0], lang)} —{get_schema().edge_label(G.edges[item]['type'], lang)}→ {_name(G, item[1], lang)}")
        if row["state"] == NOT_ATTESTED:
            why = t("not_attested_before", lang, date=_day(row["attested"], lang)) if row["attested"] else t("no_usable_date", lang)
            lines.append(f"{what}: {why}" + (t("data_notes", lang, notes=row["date_note"]) if row["date_note"] else ""))
        elif row["known_start"] and row["known_start"] > day:
            lines.append(f"{what}: {t('nopath_only_from', lang, date=_day(row['known_start'], lang))}")
        elif row["until"] and row["until"] < day:
            lines.append(f"{what}: {t('nopath_ended', lang, date=_day(row['until'], lang))}")
        else:
            lines.append(f"{what}: {t('no_usable_date', lang)}")
    return lines


def _no_path(G, source, target, day, strict, status, filters, max_hops, directed, lang="en") -> NoPath:
    where = t("nopath_known_on" if strict else "nopath_on", lang, date=_day(day, lang)) if day else ""
    message = t("nopath_between", lang, a=_name(G, source, lang), b=_name(G, target, lang), on=where)
    if not status.everything:
        message += t("nopath_counting", lang, counted=status.describe(lang))
    if filters:
        message += t("nopath_filters", lang)
    if directed:
        message += t("nopath_directed", lang)
    reasons = []
    ref = None
    if day or max_hops is not None or not status.everything:
        try:  # what the undated, unlimited graph of every status would give: say which hops are missing and why
            [ref] = find_paths(G, source, target, via=_list(filters, "via"), avoid=_list(filters, "avoid"),
                               directed=directed, status=status if (day or max_hops) else "all")
        except NoPath:
            try:
                [ref] = find_paths(G, source, target, via=_list(filters, "via"), avoid=_list(filters, "avoid"),
                                   directed=directed, status="all")
            except NoPath:
                ref = None
    if ref is not None and max_hops is not None and len(ref) > max_hops:
        reasons.append(t("nopath_too_long", lang, n=len(ref), max=max_hops))
    if ref is not None:
        edges = [_edge_tuple(G, u, v, k) for u, v, k in zip(ref.nodes, ref.nodes[1:], ref.edges)]
        uncounted = [f"{_name(G, u, lang)} —{get_schema().edge_label(G.edges[u, v, k]['type'], lang)}→ {_name(G, v, lang)}: "
                     + t("nopath_not_counted", lang, status=status_label(tie_status(G, u, v, G.edges[u, v, k]), lang))
                     for u, v, k in edges if not status.keeps(tie_status(G, u, v, G.edges[u, v, k]))]
        if uncounted:
            reasons.append(t("nopath_every_status", lang))
            reasons += [f"  {line}" for line in uncounted]
        if day:
            missing_nodes = {r["item"] for r in why_absent(G, ref.nodes, day)}
            items = ref.nodes + [e for e in edges if not {e[0], e[1]} & missing_nodes]
            lines = _absent(G, items, day, lang)
            if lines:
                reasons.append(t("nopath_undated_strict" if strict else "nopath_undated", lang))
                reasons += [f"  {line}" for line in lines]
    return NoPath(message, reasons)


def _list(filters: Filters, side: str) -> list[str]:
    return sorted(getattr(filters, f"{side}_kinds") | getattr(filters, f"{side}_types") | (
        filters.avoid_nodes if side == "avoid" else frozenset()))


def _edge_tuple(G, u, v, key) -> tuple:
    return (u, v, key) if G.has_edge(u, v, key) else (v, u, key)


def hop_keys(G: nx.MultiDiGraph, H, nodes: list[str], directed: bool) -> list[str]:
    """The edge chosen for each hop of the node sequence ``nodes`` (the best-attested one), by this module's rules.

    Public for the stores that find node sequences themselves (Neo4j's allShortestPaths)
    and must pick the hop edges exactly as :func:`find_paths` does.
    """
    return _hop_keys(G, H, nodes, directed)
