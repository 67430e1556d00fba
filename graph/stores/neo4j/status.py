"""What the server is, and whether the database holds exactly a dataset.

:func:`status` compares three things, so that a load cut short (or a graph
edited by hand) is always reported out of sync:

* counts per label and per relationship type;
* the ids: nodes, sources and relationships missing or extra;
* the contents: a SHA-256 digest of every node (labels, properties, evidence
  links) and relationship (type, endpoints, properties), on both sides, and
  one checksum over all of them. A load of a changed dataset stopped halfway
  has the same ids and counts as the dataset, but not the same checksum.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime

import networkx as nx
import neo4j.exceptions as ne

from partnergraph.graph.model.propgraph import node_labels, relationship_type
from partnergraph.graph.stores.neo4j.connection import Neo4jConnection, Neo4jSettings, connected
from partnergraph.graph.stores.neo4j.model import EVIDENCE_TYPE, MARKER_LABEL, SOURCE_LABEL, quoted
from partnergraph.graph.stores.neo4j.plan import Statement, load_plan


@dataclass
class ServerInfo:
    address: str
    version: str
    edition: str
    database: str
    gds_version: str | None


def gds_version(session) -> str | None:
    """The Graph Data Science plugin's version, or None when the server has no GDS."""
    try:
        return session.run("RETURN gds.version() AS v").single()["v"]
    except ne.ClientError:
        return None


def server_info(target: Neo4jSettings | Neo4jConnection) -> ServerInfo:
    with connected(target) as conn, conn.errors(), conn.session() as session:
        result = session.run("CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition")
        components = list(result)
        summary = result.consume()
        kernel = next((c for c in components if c["name"] == "Neo4j Kernel"), components[0])
        return ServerInfo(
            address=str(summary.server.address),
            version=kernel["versions"][0],
            edition=kernel["edition"],
            database=summary.database or "",
            gds_version=gds_version(session),
        )


@dataclass
class Count:
    name: str
    in_neo4j: int
    in_dataset: int

    @property
    def difference(self) -> int:
        return self.in_neo4j - self.in_dataset


@dataclass
class Status:
    """The server, and what the database holds compared with a dataset."""

    server: ServerInfo
    labels: list[Count]
    types: list[Count]
    missing_nodes: list[str]
    extra_nodes: list[str]
    missing_relationships: list[str]
    extra_relationships: list[str]
    changed_nodes: list[str] = field(default_factory=list)  # same id, other labels, properties or evidence links
    changed_relationships: list[str] = field(default_factory=list)  # same id, other type, endpoints or properties
    checksum_neo4j: str = ""  # SHA-256 over every node's and relationship's digest
    checksum_dataset: str = ""

    @property
    def in_sync(self) -> bool:
        differences = (self.missing_nodes, self.extra_nodes, self.missing_relationships, self.extra_relationships,
                       self.changed_nodes, self.changed_relationships)
        return (not any(differences) and self.checksum_neo4j == self.checksum_dataset
                and all(c.difference == 0 for c in self.labels + self.types))


def expected_counts(G: nx.MultiDiGraph) -> tuple[Counter, Counter]:
    """Counts by label and by relationship type that a load of ``G`` produces."""
    labels: Counter = Counter()
    for _, attrs in G.nodes(data=True):
        labels.update(node_labels(attrs) + [MARKER_LABEL])
    sources = len(G.graph.get("sources", {}))
    labels.update({SOURCE_LABEL: sources, MARKER_LABEL: sources})
    types = Counter(relationship_type(d) for _, _, d in G.edges(data=True))
    types[EVIDENCE_TYPE] = sum(len(a.get("evidence", [])) for _, a in G.nodes(data=True))
    return labels, types


# --- digests ---------------------------------------------------------------------------------


def _plain(value):
    """Driver and Python values in one comparable form (dates as ISO text, lists as lists).

    >>> _plain([date(2019, 10, 17), 3, 1.5, "x"])
    [{'$date': '2019-10-17'}, 3, 1.5, 'x']
    """
    if hasattr(value, "to_native"):
        value = value.to_native()
    if isinstance(value, (date, datetime, dtime)):
        return {"$date": value.isoformat()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def digest(*parts) -> str:
    """SHA-256 of the canonical JSON of ``parts`` (keys sorted, dates as ISO text)."""
    text = json.dumps([_plain(p) if not isinstance(p, dict) else {k: _plain(v) for k, v in p.items()} for p in parts],
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _checksum(nodes: dict[str, list[str]], rels: dict[str, list[str]]) -> str:
    items = sorted(["n", k, d] for k, ds in nodes.items() for d in ds) + sorted(["r", k, d] for k, ds in rels.items() for d in ds)
    return hashlib.sha256(json.dumps(items, ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()


def _evidence_links(props: dict) -> list:
    return [[i, s, q] for i, (s, q) in enumerate(zip(props.get("evidence_sources", []), props.get("evidence_quotes", [])))]


def dataset_digests(plan: list[Statement]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """id -> digests of the nodes (sources included) and relationships a load of ``plan`` makes."""
    nodes: dict[str, list[str]] = defaultdict(list)
    rels: dict[str, list[str]] = defaultdict(list)
    for statement in plan:
        if statement.what == "sources":
            for row in statement.rows:
                nodes[row["id"]].append(digest(sorted([SOURCE_LABEL, MARKER_LABEL]), row["props"], []))
        elif statement.what.startswith("nodes :"):
            labels = sorted(statement.what[len("nodes :"):].split(":") + [MARKER_LABEL])
            for row in statement.rows:
                nodes[row["id"]].append(digest(labels, row["props"], _evidence_links(row["props"])))
        else:
            rel_type = statement.what[len("relationships :"):].split(" ")[0]
            for row in statement.rows:
                rels[row["id"]].append(digest(rel_type, row["from"], row["to"], row["props"]))
    return nodes, rels


def database_digests(session) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The same digests, computed from what the database holds under :PartnerGraph."""
    marker = quoted(MARKER_LABEL)
    links: dict[str, list] = defaultdict(list)
    for r in session.run(
        f"MATCH (n:{marker})-[e:{quoted(EVIDENCE_TYPE)}]->(s:{marker}:{quoted(SOURCE_LABEL)}) "
        "RETURN elementId(n) AS n, e.position AS i, s.id AS source, e.quote AS quote"
    ):
        links[r["n"]].append([r["i"], r["source"], r["quote"]])
    nodes: dict[str, list[str]] = defaultdict(list)
    for r in session.run(f"MATCH (n:{marker}) RETURN elementId(n) AS e, n.id AS id, labels(n) AS labels, properties(n) AS p"):
        evidence = sorted(links.get(r["e"], []), key=lambda x: (x[0] if isinstance(x[0], int) else -1, str(x[1]), str(x[2])))
        nodes[r["id"]].append(digest(sorted(r["labels"]), dict(r["p"]), evidence))
    rels: dict[str, list[str]] = defaultdict(list)
    for r in session.run(
        f"MATCH (a:{marker})-[r]->(b:{marker}) WHERE type(r) <> $evidence "
        "RETURN r.id AS id, type(r) AS type, a.id AS a, b.id AS b, properties(r) AS p",
        evidence=EVIDENCE_TYPE,
    ):
        rels[r["id"]].append(digest(r["type"], r["a"], r["b"], dict(r["p"])))
    return nodes, rels


def _changed(have: dict[str, list[str]], want: dict[str, list[str]]) -> list[str]:
    return sorted(k for k in set(have) & set(want) if sorted(have[k]) != sorted(want[k]))


def status(target: Neo4jSettings | Neo4jConnection, G: nx.MultiDiGraph) -> Status:
    """Server version/edition/database and what the database holds, compared with ``G`` (counts, ids, contents)."""
    plan = load_plan(G)
    marker = quoted(MARKER_LABEL)
    with connected(target) as conn:
        info = server_info(conn)
        with conn.errors(), conn.session() as session:
            labels = {r["label"]: r["n"] for r in session.run(f"MATCH (n:{marker}) UNWIND labels(n) AS label RETURN label, count(*) AS n")}
            types = {r["type"]: r["n"] for r in session.run(f"MATCH (:{marker})-[r]->(:{marker}) RETURN type(r) AS type, count(*) AS n")}
            have_nodes, have_rels = database_digests(session)
    want_nodes, want_rels = dataset_digests(plan)
    want_labels, want_types = expected_counts(G)
    return Status(
        server=info,
        labels=[Count(n, labels.get(n, 0), want_labels.get(n, 0)) for n in sorted(set(labels) | set(want_labels))],
        types=[Count(n, types.get(n, 0), want_types.get(n, 0)) for n in sorted(set(types) | set(want_types))],
        missing_nodes=sorted(set(want_nodes) - set(have_nodes)),
        extra_nodes=sorted(set(have_nodes) - set(want_nodes), key=str),
        missing_relationships=sorted(set(want_rels) - set(have_rels)),
        extra_relationships=sorted(set(have_rels) - set(want_rels), key=str),
        changed_nodes=_changed(have_nodes, want_nodes),
        changed_relationships=_changed(have_rels, want_rels),
        checksum_neo4j=_checksum(have_nodes, have_rels),
        checksum_dataset=_checksum(want_nodes, want_rels),
    )
