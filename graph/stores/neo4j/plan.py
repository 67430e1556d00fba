"""What a load sends, built and checked before connecting (pure: no server needed).

What a load puts in the database (the model a Cypher user sees):

* every node has its family label and its kind label (``:Actor:State``,
  ``:Instrument:Agreement``) plus the marker label ``:PartnerGraph``; its
  properties are ``propgraph.node_properties`` (``id``, ``name``, ...,
  ``start`` as a Neo4j ``date`` with ``start_text``/``start_precision``);
* every relation is a relationship of type ``propgraph.relationship_type``
  (``PARTY_TO``) whose ``id`` property is the relation id;
* every source is a ``:Source:PartnerGraph`` node;
* evidence is kept twice, so that any fact can be asked for its evidence:
  every node and relationship carries the parallel lists ``evidence_sources``
  and ``evidence_quotes``; every node also has one
  ``(n)-[:EVIDENCED_BY {quote, position}]->(:Source)`` per evidence item
  (``position`` is the index in ``evidence_quotes``). Relationships cannot
  point at nodes, so for them the lists are the evidence.

>>> from partnergraph.graph.model.build import load_graph
>>> plan = load_plan(load_graph())          # what a load sends, built and checked before connecting
>>> [s.what for s in plan][:3]
['sources', 'nodes :Actor:GovernmentBody', 'nodes :Actor:InternationalOrganisation']
>>> print(plan[1].cypher)
UNWIND $rows AS row
MERGE (n:`Actor` {id: row.id})
SET n = row.props, n:`PartnerGraph`:`GovernmentBody`
REMOVE n:`InternationalOrganisation`:`Person`:`RegionalOrganisation`:`State`:`Union`
WITH n, row
OPTIONAL MATCH (n)-[old:`EVIDENCED_BY`]->(:`Source`)
DELETE old
WITH DISTINCT n, row
UNWIND range(0, size(row.props.evidence_quotes) - 1) AS i
MATCH (s:`Source` {id: row.props.evidence_sources[i]})
CREATE (n)-[:`EVIDENCED_BY` {quote: row.props.evidence_quotes[i], position: i}]->(s)
>>> [len(tx) for tx in transaction_plan(plan, batch_size=20)]    # batches per write transaction
[9, 11, 5, 1, 2, 2]
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import networkx as nx

from partnergraph.graph.model.dataset import without_gc
from partnergraph.graph.model.propgraph import edge_properties, node_labels, node_properties, relationship_type, source_properties
from partnergraph.graph.stores.neo4j.model import EVIDENCE_TYPE, MARKER_LABEL, SOURCE_LABEL, kind_labels, quoted

DEFAULT_BATCH_SIZE = 5000  # rows per UNWIND and per transaction: best on small, within 3% of the best on
# medium (2000, 5000, 20000 and 5000 in 20000-row transactions, bench/bench_neo4j.py; bench/results/neo4j.json)


@dataclass
class Statement:
    """One parameterised Cypher statement and the rows it is run with, batch by batch."""

    what: str
    cypher: str
    rows: list[dict]


def _source_statement(G: nx.MultiDiGraph) -> Statement:
    rows = [{"id": sid, "props": source_properties(rec)} for sid, rec in G.graph.get("sources", {}).items()]
    cypher = (
        "UNWIND $rows AS row\n"
        f"MERGE (s:{quoted(SOURCE_LABEL)} {{id: row.id}})\n"
        f"SET s = row.props, s:{quoted(MARKER_LABEL)}"
    )
    return Statement("sources", cypher, rows)


def _node_cypher(labels: list[str]) -> str:
    """MERGE the nodes of one label set and (re)link each to its sources, in one statement.

    The ``EVIDENCED_BY`` links are made from the node's own ``evidence_sources``
    and ``evidence_quotes`` (sent once, as properties); old links are deleted
    first, so a reload with changed evidence leaves exactly the new links.
    """
    family, kind = labels[0], labels[1]
    others = [k for k in kind_labels(family) if k != kind]
    remove = f"\nREMOVE n:{':'.join(quoted(k) for k in others)}" if others else ""
    return (
        "UNWIND $rows AS row\n"
        f"MERGE (n:{quoted(family)} {{id: row.id}})\n"
        f"SET n = row.props, n:{quoted(MARKER_LABEL)}:{quoted(kind)}" + remove + "\n"
        "WITH n, row\n"
        f"OPTIONAL MATCH (n)-[old:{quoted(EVIDENCE_TYPE)}]->(:{quoted(SOURCE_LABEL)})\n"
        "DELETE old\n"
        "WITH DISTINCT n, row\n"
        "UNWIND range(0, size(row.props.evidence_quotes) - 1) AS i\n"
        f"MATCH (s:{quoted(SOURCE_LABEL)} {{id: row.props.evidence_sources[i]}})\n"
        f"CREATE (n)-[:{quoted(EVIDENCE_TYPE)} {{quote: row.props.evidence_quotes[i], position: i}}]->(s)"
    )


def _relationship_cypher(rel_type: str, from_label: str, to_label: str) -> str:
    return (
        "UNWIND $rows AS row\n"
        f"MATCH (a:{quoted(from_label)} {{id: row.from}})\n"
        f"MATCH (b:{quoted(to_label)} {{id: row.to}})\n"
        f"MERGE (a)-[r:{quoted(rel_type)} {{id: row.id}}]->(b)\n"
        "SET r = row.props"
    )


_SCALAR_TYPES = frozenset({str, int, float, bool, date, datetime})


def _storable(value) -> bool:
    """A scalar Neo4j stores, or a list of scalars of one type (exact types first: this runs per property)."""
    kind = type(value)
    if kind in _SCALAR_TYPES:
        return True
    if kind is list:
        kinds = set(map(type, value))
        if kinds <= _SCALAR_TYPES:
            return len(kinds) <= 1
    scalar = (str, int, float, bool, date)
    return isinstance(value, scalar) or (
        isinstance(value, list) and all(isinstance(v, scalar) for v in value) and len({type(v) for v in value}) <= 1
    )


def _check_storable(where: str, props: dict) -> None:
    """Neo4j stores scalars and homogeneous lists of scalars only; say which property is not one."""
    for key, value in props.items():
        if not _storable(value):
            raise ValueError(f"{where}: property {key!r} = {value!r} cannot be stored in Neo4j (not a scalar or a list of one type)")


def load_plan(G: nx.MultiDiGraph) -> list[Statement]:
    """The statements that load ``G``, in order: sources, nodes (with their evidence links) by label set, relationships.

    Checks every property before anything is sent, so a graph that cannot be stored fails here.

    >>> from partnergraph.graph.model.build import load_graph
    >>> plan = load_plan(load_graph())
    >>> sum(len(s.rows) for s in plan if s.what.startswith("relationships"))
    50
    """
    with without_gc():  # hundreds of thousands of small dicts: the cyclic GC would rescan them again and again
        return _load_plan(G)




def _load_plan(G: nx.MultiDiGraph) -> list[Statement]:
    labels_of_kind: dict[str, list[str]] = {}  # node_labels per kind, computed once
    family_of = {}
    nodes: dict[tuple[str, ...], list[dict]] = defaultdict(list)
    for node_id, attrs in G.nodes(data=True):
        kind = attrs.get("kind")
        labels = labels_of_kind.get(kind) or labels_of_kind.setdefault(kind, node_labels(attrs))
        family_of[node_id] = labels[0]
        nodes[tuple(labels)].append({"id": node_id, "props": node_properties_checked(node_id, attrs)})
    rels: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for u, v, key, data in G.edges(keys=True, data=True):
        props = edge_properties(key, data)
        _check_storable(f"relation {key}", props)
        rels[(relationship_type(data), family_of[u], family_of[v])].append({"id": key, "from": u, "to": v, "props": props})
    sources = _source_statement(G)
    for row in sources.rows:
        _check_storable("source " + row["id"], row["props"])

    plan = [sources]
    plan += [Statement(f"nodes :{':'.join(labels)}", _node_cypher(list(labels)), rows) for labels, rows in sorted(nodes.items())]
    plan += [
        Statement(f"relationships :{t} (:{a})->(:{b})", _relationship_cypher(t, a, b), rows)
        for (t, a, b), rows in sorted(rels.items())
    ]
    return plan


def _checked_sizes(batch_size: int, transaction_size: int | None) -> int:
    """The rows per transaction; a clear error for sizes below 1."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    limit = batch_size if transaction_size is None else transaction_size
    if limit < 1:
        raise ValueError("transaction_size must be at least 1")
    return limit


def transaction_plan(
    plan: list[Statement], batch_size: int = DEFAULT_BATCH_SIZE, transaction_size: int | None = None
) -> list[list[tuple[Statement, list[dict]]]]:
    """How a load sends ``plan``: transactions, each a list of (statement, batch of rows).

    Every statement runs on batches of at most ``batch_size`` rows; consecutive
    batches share a transaction while it holds at most ``transaction_size``
    rows (default: ``batch_size``), so the many small statements of a small
    graph do not each pay for a commit.

    >>> plan = [Statement("a", "A", [{}] * 5), Statement("b", "B", [{}] * 2), Statement("c", "C", [{}] * 4)]
    >>> [[(s.what, len(rows)) for s, rows in tx] for tx in transaction_plan(plan, batch_size=3, transaction_size=6)]
    [[('a', 3), ('a', 2)], [('b', 2), ('c', 3), ('c', 1)]]
    """
    limit = _checked_sizes(batch_size, transaction_size)
    transactions: list[list[tuple[Statement, list[dict]]]] = []
    current: list[tuple[Statement, list[dict]]] = []
    held = 0
    for statement in plan:
        for start in range(0, len(statement.rows), batch_size):
            chunk = statement.rows[start : start + batch_size]
            if current and held + len(chunk) > limit:
                transactions.append(current)
                current, held = [], 0
            current.append((statement, chunk))
            held += len(chunk)
    if current:
        transactions.append(current)
    return transactions


def node_properties_checked(node_id: str, attrs: dict) -> dict:
    props = node_properties(node_id, attrs)
    _check_storable(f"node {node_id}", props)
    return props


def plan_size(G: nx.MultiDiGraph) -> int:
    """How many rows a load of ``G`` sends (the length of a progress bar)."""
    return sum(len(s.rows) for s in load_plan(G))
