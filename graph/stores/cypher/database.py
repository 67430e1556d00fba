"""The property graph the local Cypher engine evaluates queries over, as Neo4j holds it.

The same model as :mod:`partnergraph.graph.stores.neo4j_store` loads into Neo4j: every
node carries its labels from :mod:`propgraph` plus ``:PartnerGraph``; every source is a
``:Source:PartnerGraph`` node; every evidence item of a node is an
``(n)-[:EVIDENCED_BY {quote, position}]->(:Source)`` relationship; relationship types and
properties as :mod:`propgraph` maps them. Names are case-sensitive, as in Neo4j.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from partnergraph.graph.model import propgraph

if TYPE_CHECKING:  # networkx is not imported on the warm path of `partnergraph query`
    import networkx as nx

MARKER_LABEL = "PartnerGraph"
SOURCE_LABEL = "Source"
EVIDENCE_TYPE = "EVIDENCED_BY"


class Node:
    __slots__ = ("idx", "labels", "props")

    def __init__(self, idx: int, labels: tuple[str, ...], props: dict):
        self.idx, self.labels, self.props = idx, labels, props

    def __repr__(self) -> str:
        return f"Node({self.props.get('id')!r})"


class Rel:
    __slots__ = ("idx", "type", "start", "end", "props")

    def __init__(self, idx: int, rtype: str, start: Node, end: Node, props: dict):
        self.idx, self.type, self.start, self.end, self.props = idx, rtype, start, end, props

    def other(self, node: Node) -> Node:
        return self.end if self.start is node else self.start

    def __repr__(self) -> str:
        return f"Rel({self.type}, {self.props.get('id')!r})"


class Path:
    __slots__ = ("nodes", "rels")

    def __init__(self, nodes: tuple, rels: tuple):
        self.nodes, self.rels = nodes, rels


@dataclass
class PropertyGraph:
    nodes: list[Node] = field(default_factory=list)
    rels: list[Rel] = field(default_factory=list)
    out: dict[int, list[Rel]] = field(default_factory=dict)
    inc: dict[int, list[Rel]] = field(default_factory=dict)
    by_label: dict[str, list[Node]] = field(default_factory=dict)
    rel_types: set[str] = field(default_factory=set)
    node_keys: set[str] = field(default_factory=set)
    rel_keys: set[str] = field(default_factory=set)

    def add_node(self, labels: list[str], props: dict) -> Node:
        node = Node(len(self.nodes), tuple(labels), {k: v for k, v in props.items() if v is not None})
        self.nodes.append(node)
        self.out[node.idx], self.inc[node.idx] = [], []
        for label in labels:
            self.by_label.setdefault(label, []).append(node)
        self.node_keys.update(node.props)
        return node

    def add_rel(self, rtype: str, start: Node, end: Node, props: dict) -> Rel:
        rel = Rel(len(self.rels), rtype, start, end, {k: v for k, v in props.items() if v is not None})
        self.rels.append(rel)
        self.out[start.idx].append(rel)
        self.inc[end.idx].append(rel)
        self.rel_types.add(rtype)
        self.rel_keys.update(rel.props)
        return rel

    @property
    def labels(self) -> set[str]:
        return set(self.by_label)


def build(G: nx.MultiDiGraph) -> PropertyGraph:
    """The property graph of G, exactly as :func:`neo4j_store.load` writes it."""
    pg = PropertyGraph()
    by_id: dict[str, Node] = {}
    sources: dict[str, Node] = {}
    for sid, record in G.graph.get("sources", {}).items():
        sources[sid] = pg.add_node([SOURCE_LABEL, MARKER_LABEL], propgraph.source_properties(record))
    for n, attrs in G.nodes(data=True):
        by_id[n] = pg.add_node([*propgraph.node_labels(attrs), MARKER_LABEL], propgraph.node_properties(n, attrs))
    for u, v, k, d in G.edges(keys=True, data=True):
        pg.add_rel(propgraph.relationship_type(d), by_id[u], by_id[v], propgraph.edge_properties(k, d))
    for n, attrs in G.nodes(data=True):
        for position, item in enumerate(attrs.get("evidence", [])):
            if item["source"] in sources:
                pg.add_rel(EVIDENCE_TYPE, by_id[n], sources[item["source"]],
                           {"quote": item["quote"], "position": position})
    return pg
