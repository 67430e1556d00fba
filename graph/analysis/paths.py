"""How is A connected to B? Shortest paths, explained hop by hop with evidence.

A :class:`Path` is plain data: the node ids along the way and, for every hop,
the key (relation id) of the edge taken. Paths found on the actor projection
(``actors_only=True``) give, for every hop, the id of an instrument the two
actors share instead of a relation id. Both the networkx search here and the
Neo4j backend (``graph/neo4j_backend.py``) return these objects, and
:func:`explain_path` turns one into words.

Direction is ignored by default (a partnership connects both ways);
``directed=True`` follows edges only from their ``from`` to their ``to``.

>>> from partnergraph.graph.model.build import load_graph
>>> G = load_graph()
>>> [p] = find_paths(G, "republic-of-korea", "viet-nam")
>>> p.nodes
['republic-of-korea', 'eu-rok-fpa', 'eu', 'eu-viet-nam-fpa', 'viet-nam']
>>> explain_path(G, p)["chain"].split(" ←")[0]
'Republic of Korea —party to→ EU–Republic of Korea Framework Participation Agreement'
>>> find_paths(G, "republic-of-korea", "viet-nam", as_of="2019-01-01")
Traceback (most recent call last):
...
partnergraph.graph.analysis.paths.NoPath: no path between Republic of Korea and Viet Nam as of 1 Jan 2019 ...
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import islice

import networkx as nx

from partnergraph.graph.model.dates import as_date, format_date, parse_date
from partnergraph.graph.model.names import display_name, resolve
from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.model.timeslice import as_of as slice_as_of, as_of_view, effective_start, why_absent

#: Statuses that say an instrument or a link is not (yet) in place.


@dataclass
class Path:
    """A path: node ids in order, and for each hop the key of the edge taken (len(edges) == len(nodes) - 1)."""

    nodes: list[str]
    edges: list[str]

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


def _tentative(status: str | None) -> bool:
    return not get_schema().in_place(status)


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


def _search_view(G: nx.MultiDiGraph, ends: tuple[str, str], filters: Filters, directed: bool, as_of: date | None):
    """A lazy view of G restricted by date and filters: nothing is copied, so a query costs only what it explores."""
    H = as_of_view(G, as_of) if as_of else G
    if filters:
        schema = get_schema()
        nodes = G.nodes

        def node_ok(n):
            return n in ends or (n not in filters.avoid_nodes and filters.node_ok(nodes[n], schema))

        def edge_ok(u, v, k):
            return filters.edge_ok(G.edges[u, v, k])

        H = nx.subgraph_view(H, filter_node=node_ok, filter_edge=edge_ok)
    return H if directed else H.to_undirected(as_view=True)


def _edge_rank(G: nx.MultiDiGraph, data: dict) -> tuple:
    """Prefer links in place over sought/proposed ones, then the earliest dated."""
    start = effective_start(G, data)
    return (_tentative(data.get("status")), start or date.max)


def _hop_keys(G: nx.MultiDiGraph, H, nodes: list[str], directed: bool) -> list[str]:
    """For each consecutive pair, the key of the best edge the view allows between them."""
    keys = []
    for u, v in zip(nodes, nodes[1:]):
        candidates = []
        for a, b in ((u, v),) if directed else ((u, v), (v, u)):
            if G.has_edge(a, b):
                candidates += [(k, d) for k, d in G[a][b].items() if H.has_edge(a, b, k) or H.has_edge(b, a, k)]
        k, _ = min(candidates, key=lambda kd: (_edge_rank(G, kd[1]), kd[0]))
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
    actors_only: bool = False,
    directed: bool = False,
) -> list[Path]:
    """Shortest path(s) from ``source`` to ``target`` (node ids).

    One shortest path by default; ``all_paths`` gives every shortest path, ``k``
    the ``k`` shortest simple paths (Yen's algorithm, networkx
    ``shortest_simple_paths``). ``max_hops`` drops longer paths. ``via``/``avoid``
    take node kinds, kind groups, families or edge types (see
    :func:`parse_filters`). ``as_of`` keeps what existed on that day (see
    :mod:`partnergraph.graph.model.timeslice`). ``actors_only`` searches the actor
    projection (actors linked by shared instruments). Raises :class:`NoPath`.
    """
    day = as_date(as_of) if as_of is not None else None
    filters = parse_filters(G, via, avoid)
    if actors_only:
        return _projection_paths(G, source, target, filters, day, all_paths, k, max_hops)
    for end in (source, target):
        if day and end not in slice_as_of_nodes(G, [end], day):
            raise NoPath(f"{_name(G, end)} did not exist on {_day(day)}", _absent(G, [end], day))
    H = _search_view(G, (source, target), filters, directed, day)
    if not (filters or day or k) and G.number_of_nodes() > FAST_NODES and _igraph_available():
        node_paths = _igraph_node_paths(G, source, target, all_paths, max_hops, directed)
    else:
        node_paths = _node_paths(H, source, target, all_paths, k, max_hops)
    if not node_paths:
        raise _no_path(G, source, target, day, filters, max_hops, directed)
    paths = sorted((Path(p, _hop_keys(G, H, p, directed)) for p in node_paths), key=lambda p: path_strength(G, p))
    return paths if all_paths else paths[: k or 1]


#: Above this many nodes, plain path queries run on a cached igraph copy of the graph (C breadth-first
#: search) instead of networkx views: on the 2k-actor/50k-instrument synthetic graph a query drops from
#: ~2 s to milliseconds. There, one shortest path is returned without comparing equally short ones.
FAST_NODES = 20_000

_IGRAPH_CACHE: "weakref.WeakKeyDictionary" = None  # G -> (size, directed, igraph.Graph, nodes, index)


def _igraph_available() -> bool:
    try:
        import igraph  # noqa: F401
    except ImportError:
        return False
    return True


def _igraph_index(G: nx.MultiDiGraph, directed: bool):
    import weakref

    import igraph as ig

    global _IGRAPH_CACHE
    if _IGRAPH_CACHE is None:
        _IGRAPH_CACHE = weakref.WeakKeyDictionary()
    size = G.number_of_nodes()  # O(1); counting a multigraph's edges is O(N), so a mutated G must be re-loaded
    cached = _IGRAPH_CACHE.get(G, {}).get(directed)
    if cached and cached[0] == size:
        return cached[1:]
    nodes = list(G)
    index = {n: i for i, n in enumerate(nodes)}
    g = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in G.edges()], directed=directed)
    g.simplify()
    _IGRAPH_CACHE.setdefault(G, {})[directed] = (size, g, nodes, index)
    return g, nodes, index


def _igraph_node_paths(G, source, target, all_paths, max_hops, directed) -> list[list[str]]:
    g, nodes, index = _igraph_index(G, directed)
    mode = "out" if directed else "all"
    if all_paths:
        found = g.get_all_shortest_paths(index[source], to=index[target], mode=mode)
    else:
        found = [p for p in g.get_shortest_paths(index[source], to=index[target], mode=mode, output="vpath") if p]
    paths = [[nodes[i] for i in p] for p in found]
    if max_hops is not None:
        paths = [p for p in paths if len(p) - 1 <= max_hops]
    return paths


def slice_as_of_nodes(G, nodes, day):
    from partnergraph.graph.model.timeslice import node_exists

    return [n for n in nodes if node_exists(G, n, day)]


#: How many equally short paths are compared to pick the best-attested one (bounds the work on hub-heavy graphs).
TIE_LIMIT = 200



def path_strength(G: nx.MultiDiGraph, path: Path) -> tuple:
    """Sort key putting the best-attested of equally short paths first.

    Shorter first; then fewest links only sought/proposed/of interest/not yet; then most links
    with a status in place (signed, in force, ongoing, held, completed); then most links with a
    stated date; then by node ids (stable output).
    """
    datas = [G.edges[_edge_tuple(G, u, v, k)] if _is_edge(G, u, v, k) else G.nodes[k]
             for u, v, k in zip(path.nodes, path.nodes[1:], path.edges)]
    return (
        len(path.edges),
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


def _projection_paths(G, source, target, filters, day, all_paths, k, max_hops) -> list[Path]:
    from partnergraph.graph.analysis.projection import actor_projection

    for end in (source, target):
        if G.nodes[end].get("family") != "actor":
            raise NoPath(f"--actors-only needs two actors; {_name(G, end)} is an instrument ({G.nodes[end]['kind']})")
    base = slice_as_of(G, day) if day else G
    P = actor_projection(base, instrument_filter=filters)
    keep = [n for n in P if n in (source, target) or (n not in filters.avoid_nodes and filters.node_ok(G.nodes[n]))]
    P = P.subgraph(keep)
    node_paths = _node_paths(P, source, target, all_paths, k, max_hops) if source in P and target in P else []
    if not node_paths:
        why = f" as of {_day(day)}" if day else ""
        raise NoPath(f"{_name(G, source)} and {_name(G, target)} share no chain of instruments{why}")
    paths = sorted((Path(p, [P.edges[u, v]["instruments"][0] for u, v in zip(p, p[1:])]) for p in node_paths),
                   key=lambda p: (len(p.edges), [-P.edges[u, v]["weight"] for u, v in zip(p.nodes, p.nodes[1:])], p.nodes))
    return paths if all_paths else paths[: k or 1]


def _name(G, node, lang="en") -> str:
    return display_name(G.nodes[node], lang)


def _day(day: date) -> str:
    return format_date(day.isoformat())


def _absent(G, items, day) -> list[str]:
    lines = []
    for row in why_absent(G, items, day):
        item = row["item"]
        what = _name(G, item) if not isinstance(item, tuple) else (
            f"{_name(G, item[0])} —{get_schema().edge_label(G.edges[item]['type'])}→ {_name(G, item[1])}")
        if row["from"] and row["from"] > day:
            lines.append(f"{what}: only from {_day(row['from'])}")
        elif row["until"] and row["until"] < day:
            lines.append(f"{what}: ended {_day(row['until'])}")
        else:
            lines.append(f"{what}: no usable date")
    return lines


def _no_path(G, source, target, day, filters, max_hops, directed) -> NoPath:
    where = f" as of {_day(day)}" if day else ""
    message = f"no path between {_name(G, source)} and {_name(G, target)}{where}"
    if filters:
        message += " with these --via/--avoid filters"
    if directed:
        message += " following edge directions (drop --directed to ignore them)"
    reasons = []
    if day or max_hops is not None:
        try:  # what the undated, unlimited graph would give: say which hops are missing and why
            [ref] = find_paths(G, source, target, via=_list(filters, "via"), avoid=_list(filters, "avoid"), directed=directed)
        except NoPath:
            ref = None
        if ref is not None and max_hops is not None and len(ref) > max_hops:
            reasons.append(f"the shortest path has {len(ref)} hops (more than --max-hops {max_hops})")
        if ref is not None and day:
            missing_nodes = {r["item"] for r in why_absent(G, ref.nodes, day)}
            edges = [_edge_tuple(G, u, v, k) for u, v, k in zip(ref.nodes, ref.nodes[1:], ref.edges)]
            items = ref.nodes + [e for e in edges if not {e[0], e[1]} & missing_nodes]
            lines = _absent(G, items, day)
            if lines:
                reasons.append("on the shortest path without --as-of:")
                reasons += [f"  {line}" for line in lines]
    return NoPath(message, reasons)


def _list(filters: Filters, side: str) -> list[str]:
    return sorted(getattr(filters, f"{side}_kinds") | getattr(filters, f"{side}_types") | (
        filters.avoid_nodes if side == "avoid" else frozenset()))


def _edge_tuple(G, u, v, key) -> tuple:
    return (u, v, key) if G.has_edge(u, v, key) else (v, u, key)


# --- explaining ------------------------------------------------------------------


_WORDS = {
    "en": {"mentioned": "mentioned", "until": "until", "none": "no date given", "reported": "no date given (reported by {})"},
    "vi": {"mentioned": "được nhắc đến", "until": "đến", "none": "không rõ ngày", "reported": "không rõ ngày (nguồn đưa tin {})"},
}


def _hop_date(G, data: dict, lang: str = "en") -> str:
    words = _WORDS.get(lang, _WORDS["en"])
    parts = [format_date(data[f]) if f != "mentioned" else f"{words['mentioned']} {format_date(data[f])}"
             for f in ("start", "mentioned") if data.get(f)]
    if data.get("end"):
        parts.append(f"{words['until']} {format_date(data['end'])}")
    if parts:
        return ", ".join(parts)
    start = effective_start(G, data)
    return words["reported"].format(_day(start)) if start else words["none"]


def status_label(status: str | None, lang: str = "en") -> str | None:
    """The words for a status code ('sought' -> 'sought'; 'not_yet' -> 'not yet'), in English or Vietnamese."""
    if not status:
        return None
    spec = get_schema().statuses.get(status, {})
    return spec.get("label_vi" if lang == "vi" else "label", status)


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


def shared_instruments(G: nx.MultiDiGraph, a: str, b: str) -> list[str]:
    """Instruments linked (either direction) to both ``a`` and ``b``, in place ones first, then by id."""
    def instruments(n):
        return {m for m in nx.all_neighbors(G, n) if G.nodes[m].get("family") == "instrument"}

    shared = instruments(a) & instruments(b)
    return sorted(shared, key=lambda i: (_tentative(G.nodes[i].get("status")), i))


def _shared_hop(G, u, v, instrument, lang) -> dict:
    shared = shared_instruments(G, u, v) or [instrument]
    a, b = _name(G, u, lang), _name(G, v, lang)
    names = "; ".join(_name(G, i, lang) for i in shared)
    label = "cùng tham gia" if lang == "vi" else "shares"
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


def explain_path(G: nx.MultiDiGraph, path: Path, lang: str = "en") -> dict:
    """A path in words: every hop with names, label, arrow, dates, status and evidence, plus a chain and a sentence.

    >>> from partnergraph.graph.model.build import load_graph
    >>> G = load_graph()
    >>> [p] = find_paths(G, "japan", "republic-of-korea")
    >>> e = explain_path(G, p)
    >>> e["hops"][0]["text"], e["hops"][0]["status"]
    ('Japan —party to→ EU–Japan security and defence partnership', 'sought')
    >>> e["sentence"]
    'Japan and Republic of Korea are 4 hops apart, linked through EU–Japan security and defence partnership, European Union and EU–Republic of Korea Framework Participation Agreement (a link only sought, proposed or not yet taken up).'
    """
    hops = []
    for u, v, key in zip(path.nodes, path.nodes[1:], path.edges):
        if G.has_edge(u, v, key) or G.has_edge(v, u, key):
            hops.append(_edge_hop(G, u, v, key, lang))
        else:
            hops.append(_shared_hop(G, u, v, key, lang))
    first, last = _name(G, path.nodes[0], lang), _name(G, path.nodes[-1], lang)
    middle = [_name(G, n, lang) for n in path.nodes[1:-1]]
    weak = any(_tentative(h["status"]) for h in hops)
    return {
        "source_id": path.nodes[0], "target_id": path.nodes[-1], "source": first, "target": last,
        "length": len(path.edges), "nodes": list(path.nodes), "edges": list(path.edges),
        "hops": hops, "chain": _chain(hops), "sentence": _sentence(first, last, middle, len(hops), weak, lang),
        "sources": sorted({e["source"] for h in hops for e in h["evidence"]}),
    }


def _join(names: list[str], lang: str) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {'và' if lang == 'vi' else 'and'} {names[-1]}"


def _sentence(first: str, last: str, middle: list[str], n: int, weak: bool, lang: str) -> str:
    if lang == "vi":
        text = f"{first} và {last} cách nhau {n} bước"
        text += f", kết nối qua {_join(middle, lang)}" if middle else ", liên kết trực tiếp"
        return text + (" (có liên kết mới chỉ được đề xuất hoặc đang tìm cách thiết lập)." if weak else ".")
    text = f"{first} and {last} are {n} hop{'s' if n != 1 else ''} apart"
    text += f", linked through {_join(middle, lang)}" if middle else ", linked directly"
    return text + (" (a link only sought, proposed or not yet taken up)." if weak else ".")


def path_rows(G: nx.MultiDiGraph, paths: list[Path], lang: str = "en") -> list[dict]:
    """One flat row per hop (for CSV and tables): path number, hop number, from, relation, to, date, status, sources."""
    rows = []
    for i, path in enumerate(paths, 1):
        for j, hop in enumerate(explain_path(G, path, lang)["hops"], 1):
            rows.append({
                "path": i, "hop": j, "from": hop["from"], "relation": f"{hop['arrow']}{hop['label']}" if hop["arrow"] == "←" else f"{hop['label']}{hop['arrow']}",
                "to": hop["to"], "date": hop["date"], "status": hop["status"] or "",
                "sources": sorted({e["source"] for e in hop["evidence"]}), "edge": hop["edge"],
            })
    return rows


def hop_keys(G: nx.MultiDiGraph, H, nodes: list[str], directed: bool) -> list[str]:
    """The edge chosen for each hop of the node sequence ``nodes`` (the best-attested one), by this module's rules.

    Public for the stores that find node sequences themselves (Neo4j's allShortestPaths)
    and must pick the hop edges exactly as :func:`find_paths` does.
    """
    return _hop_keys(G, H, nodes, directed)
