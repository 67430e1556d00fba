"""Reading the loaded graph back from Neo4j, and shortest paths found on the server.

The inverse of the load: :func:`fetch_graph` streams the ``:PartnerGraph``
nodes and relationships back into the structure
:func:`partnergraph.graph.model.build.load_graph` makes, so every networkx
algorithm runs on it unchanged; :func:`neo4j_shortest_paths` lets Cypher's
``allShortestPaths`` find the node sequences and fetches only the few
relationships involved.
"""

from __future__ import annotations

import json

import networkx as nx

from partnergraph.graph.analysis.paths import TIE_LIMIT, Path, hop_keys, path_strength
from partnergraph.graph.model.propgraph import DATE_FIELDS
from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.stores.neo4j.connection import Neo4jBackendError, Neo4jConnection, Neo4jSettings, connected
from partnergraph.graph.stores.neo4j.model import MARKER_LABEL, SOURCE_LABEL, edge_type_names, quoted, relationship_types


def _record_from_properties(props: dict) -> dict:
    """The dataset record fields behind ``propgraph`` properties (the inverse of its mapping)."""
    record = dict(props)
    for name in DATE_FIELDS:
        record.pop(name, None)
        record.pop(f"{name}_precision", None)
        if f"{name}_text" in record:
            record[name] = record.pop(f"{name}_text")
    sources = record.pop("evidence_sources", [])
    quotes = record.pop("evidence_quotes", [])
    record["evidence"] = [{"source": s, "quote": q} for s, q in zip(sources, quotes)]
    if "counts_json" in record:
        record["counts"] = json.loads(record.pop("counts_json"))
    return record


def _fetch_sources(session) -> dict[str, dict]:
    """The source registry from the :Source nodes (the inverse of ``propgraph.source_properties``)."""
    sources = {}
    query = f"MATCH (s:{quoted(SOURCE_LABEL)}:{quoted(MARKER_LABEL)}) RETURN properties(s) AS p ORDER BY s.id"
    for r in session.run(query):
        record = dict(r["p"])
        record.pop("published_precision", None)
        record["published"] = record.pop("published_text")
        sources[record["id"]] = record
    return sources


def fetch_graph(target: Neo4jSettings | Neo4jConnection) -> nx.MultiDiGraph:
    """The loaded graph, streamed back into the structure :func:`partnergraph.graph.model.build.load_graph` makes.

    Nodes (sorted by id) carry their record fields and ``family``; edges are
    keyed by relation id and carry ``type``; ``G.graph["sources"]`` is the
    source registry. So the networkx algorithms (centrality, ...) run on it
    unchanged.
    """
    schema = get_schema()
    type_names = edge_type_names()
    marker, source = quoted(MARKER_LABEL), quoted(SOURCE_LABEL)
    with connected(target) as conn, conn.errors(), conn.session() as session:
        G = nx.MultiDiGraph(sources={}, files=[], neo4j=conn.settings.uri)
        G.graph["sources"] = _fetch_sources(session)
        for r in session.run(f"MATCH (n:{marker}) WHERE NOT n:{source} RETURN properties(n) AS p ORDER BY n.id"):
            record = _record_from_properties(r["p"])
            G.add_node(record["id"], **{**record, "family": schema.family(record["kind"])})
        types = relationship_types()
        pattern = "|".join(quoted(t) for t in types)
        for r in session.run(
            f"MATCH (a:{marker})-[r:{pattern}]->(b:{marker}) "
            "RETURN a.id AS a, b.id AS b, type(r) AS type, properties(r) AS p ORDER BY r.id"
        ):
            record = _record_from_properties(r["p"])
            record["type"] = type_names[r["type"]]
            G.add_edge(r["a"], r["b"], key=record["id"], **record)
    return G


# --- paths -------------------------------------------------------------------------------------


def neo4j_shortest_paths(
    target: Neo4jSettings | Neo4jConnection,
    source_id: str,
    target_id: str,
    *,
    all_paths: bool = False,
    max_hops: int | None = None,
    directed: bool = False,
) -> list:
    """Shortest paths between two node ids, found by Cypher's ``allShortestPaths`` on the server.

    The same answer as :func:`partnergraph.graph.analysis.paths.find_paths` without
    filters: Neo4j finds the equally short node sequences (following only the
    schema's relationship types, so ``:Source`` nodes and ``EVIDENCED_BY`` never
    appear), then the hop edges and the order are chosen with the networkx
    code's own rules on the few relationships involved (the best-attested edge
    per hop, the best-attested path first). One path unless ``all_paths``; an
    empty list when there is none. Returns :class:`partnergraph.graph.analysis.paths.Path`
    objects; raises :class:`Neo4jBackendError` when an id is not in the database.
    """
    if max_hops is not None and (not isinstance(max_hops, int) or max_hops < 1):
        raise ValueError("max_hops must be a positive integer")
    with connected(target) as conn, conn.errors(), conn.session() as session:
        _check_ids(session, [source_id, target_id])
        if source_id == target_id:
            return [Path(nodes=[source_id], edges=[])]
        sequences = _node_sequences(session, source_id, target_id, max_hops, directed, None if all_paths else TIE_LIMIT)
        H = _hops_graph(session, sequences)
    view = H if directed else H.to_undirected(as_view=True)
    paths = sorted((Path(nodes, hop_keys(H, view, nodes, directed)) for nodes in sequences), key=lambda p: path_strength(H, p))
    return paths if all_paths else paths[:1]


def _check_ids(session, ids: list[str]) -> None:
    marker = quoted(MARKER_LABEL)
    found = {
        r["id"]
        for r in session.run(
            f"MATCH (n:{marker}) WHERE n.id IN $ids AND NOT n:{quoted(SOURCE_LABEL)} RETURN n.id AS id", ids=ids
        )
    }
    for node_id in ids:
        if node_id not in found:
            raise Neo4jBackendError(f"no node with id {node_id!r} in the Neo4j database; load the dataset first")


def _node_sequences(session, source_id, target_id, max_hops, directed, limit) -> list[list[str]]:
    """The distinct node-id sequences of the shortest paths (several relationships between two nodes give one)."""
    marker = quoted(MARKER_LABEL)
    hops = f"*..{int(max_hops)}" if max_hops else "*"
    rels = "|".join(quoted(t) for t in relationship_types())
    arrow = "->" if directed else "-"
    cypher = (
        f"MATCH (a:{marker} {{id: $a}}), (b:{marker} {{id: $b}})\n"
        f"MATCH p = allShortestPaths((a)-[:{rels}{hops}]{arrow}(b))\n"
        "WITH DISTINCT [n IN nodes(p) | n.id] AS nodes\n"
        "RETURN nodes ORDER BY nodes" + (" LIMIT $limit" if limit else "")
    )
    return [list(r["nodes"]) for r in session.run(cypher, a=source_id, b=target_id, limit=limit)]


def _hops_graph(session, sequences: list[list[str]]) -> nx.MultiDiGraph:
    """The nodes of the paths and every relationship between consecutive ones, as networkx data."""
    schema = get_schema()
    type_names = edge_type_names()
    marker = quoted(MARKER_LABEL)
    pairs = sorted({tuple(sorted(p)) for nodes in sequences for p in zip(nodes, nodes[1:])})
    ids = sorted({n for nodes in sequences for n in nodes})
    H = nx.MultiDiGraph(sources=_fetch_sources(session), files=[])
    for r in session.run(f"MATCH (n:{marker}) WHERE n.id IN $ids RETURN properties(n) AS p", ids=ids):
        record = _record_from_properties(r["p"])
        H.add_node(record["id"], **{**record, "family": schema.family(record["kind"])})
    rels = "|".join(quoted(t) for t in relationship_types())
    cypher = (
        "UNWIND $pairs AS pair\n"
        f"MATCH (a:{marker} {{id: pair[0]}})-[r:{rels}]-(b:{marker} {{id: pair[1]}})\n"
        "RETURN DISTINCT startNode(r).id AS a, endNode(r).id AS b, type(r) AS type, properties(r) AS p"
    )
    for r in session.run(cypher, pairs=[list(p) for p in pairs]):
        record = _record_from_properties(r["p"])
        record["type"] = type_names[r["type"]]
        H.add_edge(r["a"], r["b"], key=record["id"], **record)
    return H
