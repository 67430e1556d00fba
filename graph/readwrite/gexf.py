"""GEXF (Gephi): node labels are names; dates in a form Gephi's timeline reads.

* ``label`` is the node's name (the id stays the GEXF node id), an edge's label its relation type.
* ``start``/``end`` become the element's GEXF ``start``/``end`` (ISO dates, ``timeformat="date"``,
  so Gephi's timeline works): a start is the first day it can mean (``2019-10`` -> 2019-10-01),
  an end the last (``2019`` -> 2019-12-31); a date whose year is unknown (``XXXX-08-14``) is left
  out of the timeline. The source's own text is kept as the attributes ``edtf_start``/``edtf_end``,
  which :func:`read` restores, so nothing is lost.
* The file is valid against the official GEXF 1.2draft XML Schema (gexf.net; tests/data/gexf-1.2draft).
* Lists and mappings are JSON text; the edge attribute ``type`` travels as ``relation_type``
  (GEXF's own edge ``type`` means directed/undirected).
"""

from __future__ import annotations

from typing import IO

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from partnergraph.graph.model.dates import DateError, parse_date
from partnergraph.graph.readwrite.encoding import decoded, encoded, with_ids

GEXF_TYPE = "relation_type"  # the edge attribute `type` in GEXF (GEXF reserves `type`)
TEXT_PREFIX = "edtf_"  # the original date text, beside Gephi's start/end


def _timeline(attrs: dict) -> dict:
    """Gephi's start/end for an element, its original date texts kept as edtf_start/edtf_end."""
    out = {k: v for k, v in attrs.items() if k not in ("start", "end")}
    parsed = {}
    for name in ("start", "end"):
        if attrs.get(name):
            out[TEXT_PREFIX + name] = attrs[name]
            try:
                parsed[name] = parse_date(attrs[name])
            except DateError:
                pass
    start, end = parsed.get("start"), parsed.get("end")
    if start is not None and start.year_known:
        out["start"] = start.lower.isoformat()
        if end is None and start.is_range:
            out["end"] = start.upper.isoformat()
    if end is not None and end.year_known and "start" in out:
        out["end"] = end.upper.isoformat()
    return out


def write(G: nx.MultiDiGraph, out: IO[bytes]) -> None:
    H = encoded(G)
    M = nx.MultiDiGraph(**H.graph)
    for n, a in H.nodes(data=True):
        M.add_node(n, **{"label": a.get("name", n), **_timeline(a)})
    for u, v, k, d in H.edges(keys=True, data=True):
        d = _timeline(d)
        if "type" in d:  # GEXF's own edge `type` means directed/undirected
            d[GEXF_TYPE] = d.pop("type")
            d.setdefault("label", d[GEXF_TYPE])
        M.add_edge(u, v, key=k, **d)
    writer = GEXFWriter(encoding="utf-8")
    writer.add_graph(M)
    del writer.graph_element.attrib["name"]  # networkx writes name="", which the GEXF 1.2 schema does not allow
    writer.write(out)


def read(source) -> nx.MultiDiGraph:
    H = _gexf_keyed(nx.read_gexf(source))
    for element in [a for _, a in H.nodes(data=True)] + [d for *_, d in H.edges(data=True)]:
        element.pop("start", None), element.pop("end", None)
        for name in ("start", "end"):
            if TEXT_PREFIX + name in element:
                element[name] = element.pop(TEXT_PREFIX + name)
    for n, a in H.nodes(data=True):
        if a.get("label") in (n, a.get("name")):
            del a["label"]  # the writer's copy of the name
    for *_, d in H.edges(data=True):
        if d.get("label") == d.get("type"):
            del d["label"]
    return with_ids(decoded(nx.MultiDiGraph(H)))


def _gexf_keyed(H: nx.Graph) -> nx.MultiDiGraph:
    """GEXF keeps an edge's key as its ``id``; give it back as the key."""
    M = nx.MultiDiGraph(**H.graph)
    M.add_nodes_from(H.nodes(data=True))
    edges = H.edges(keys=True, data=True) if H.is_multigraph() else ((u, v, None, d) for u, v, d in H.edges(data=True))
    for u, v, key, d in edges:
        d = dict(d)
        d.pop("type", None)  # GEXF's directed/undirected
        if GEXF_TYPE in d:
            d["type"] = d.pop(GEXF_TYPE)
        M.add_edge(u, v, key=d.get("id", key), **d)
    return M
