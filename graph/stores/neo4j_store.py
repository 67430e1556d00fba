"""The Neo4j backend: load a partnergraph into a Neo4j server, query it, read it back.

The mapping (labels, relationship types, properties) is the one of
:mod:`partnergraph.graph.model.propgraph`; this module only moves it over Bolt with
the official ``neo4j`` driver.

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

Uniqueness constraints on ``id`` exist for ``:Actor``, ``:Instrument`` and
``:Source``. Loading MERGEs on those ids, so loading twice gives the same
graph; :func:`wipe` removes every ``:PartnerGraph`` node and its relationships
and nothing else.

>>> Neo4jSettings("bolt://localhost:7687", "neo4j", "secret")   # the password never shows
Neo4jSettings(uri='bolt://localhost:7687', username='neo4j', database=None)
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

import gc
import json
import re
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Iterator

import networkx as nx

from partnergraph.graph.model.propgraph import (
    DATE_FIELDS,
    edge_properties,
    node_labels,
    relationship_type,
    source_properties,
)
from partnergraph.graph.model.schema import get_schema

MARKER_LABEL = "PartnerGraph"
SOURCE_LABEL = "Source"
EVIDENCE_TYPE = "EVIDENCED_BY"
DEFAULT_URI = "neo4j://localhost:7687"
DEFAULT_BATCH_SIZE = 5000  # rows per UNWIND and per transaction: best on small, within 3% of the best on
# medium (2000, 5000, 20000 and 5000 in 20000-row transactions, bench/bench_neo4j.py; bench/results/neo4j.json)
WRITE_QUERY_TYPES = ("w", "rw", "s")

Progress = Callable[[int], None]


# --- settings and errors ----------------------------------------------------------------


@dataclass(frozen=True)
class Neo4jSettings:
    """Where the server is and who we are; the password is kept out of repr()."""

    uri: str = DEFAULT_URI
    username: str = "neo4j"
    password: str = field(default="", repr=False)
    database: str | None = None  # None: the server's default database

    def where(self) -> str:
        db = f", database '{self.database}'" if self.database else ""
        return f"{self.uri} (user '{self.username}'{db})"


class Neo4jBackendError(Exception):
    """Something the user can fix: unreachable server, bad credentials, bad Cypher, ..."""


class WriteQueryRefused(Neo4jBackendError):
    """A query that would write, run without ``write=True``."""


def _client_error_message(exc, settings: Neo4jSettings) -> str:
    import neo4j.exceptions as ne

    code = exc.code or ""
    if isinstance(exc, ne.CypherSyntaxError):
        return f"Cypher syntax error: {exc.message.strip()}"
    if code.endswith("DatabaseNotFound"):
        name = settings.database or "(default)"
        return (
            f"the database '{name}' does not exist on {settings.uri}; check --database / NEO4J_DATABASE "
            "(Community Edition has only 'neo4j' and 'system')."
        )
    if code.endswith("ParameterMissing"):
        return f"{exc.message.strip()}: give it with --param NAME=VALUE."
    if isinstance(exc, ne.AuthError) or ".Security." in code:
        return (
            f"Neo4j refused the credentials of user '{settings.username}' at {settings.uri}: "
            "check NEO4J_USERNAME and NEO4J_PASSWORD (or --username)."
        )
    return f"Neo4j error {code}: {(exc.message or str(exc)).strip()}"


@contextmanager
def translated_errors(settings: Neo4jSettings) -> Iterator[None]:
    """Turn driver exceptions into :class:`Neo4jBackendError` with a message saying what to fix."""
    import neo4j.exceptions as ne

    try:
        yield
    except Neo4jBackendError:
        raise
    except ne.AuthError as exc:
        raise Neo4jBackendError(_client_error_message(exc, settings)) from None
    except ne.ServiceUnavailable as exc:
        raise Neo4jBackendError(
            f"cannot reach a Neo4j server at {settings.uri} ({exc}); is it running? "
            "Check --uri / NEO4J_URI (bolt://host:7687, neo4j://host:7687 or neo4j+s://<id>.databases.neo4j.io)."
        ) from None
    except ne.ConfigurationError as exc:
        raise Neo4jBackendError(f"bad Neo4j connection settings for {settings.uri}: {exc}") from None
    except ne.Neo4jError as exc:
        raise Neo4jBackendError(_client_error_message(exc, settings)) from None
    except ne.DriverError as exc:
        raise Neo4jBackendError(f"Neo4j driver error talking to {settings.uri}: {exc}") from None
    except ValueError as exc:  # the driver rejects malformed URIs with ValueError
        if "scheme" in str(exc).lower() or "uri" in str(exc).lower():
            raise Neo4jBackendError(
                f"bad Neo4j URI {settings.uri!r}: {exc}; use bolt://, neo4j://, bolt+s:// or neo4j+s://"
            ) from None
        raise


@contextmanager
def open_driver(settings: Neo4jSettings) -> Iterator[Any]:
    """A connected ``neo4j.Driver`` (connectivity checked), closed on exit; errors translated.

    Server notifications are turned off: they are hints for query authors, not for loads.
    """
    import neo4j

    with translated_errors(settings):
        driver = neo4j.GraphDatabase.driver(
            settings.uri,
            auth=(settings.username, settings.password),
            notifications_min_severity="OFF",
            user_agent="partnergraph",
        )
        try:
            driver.verify_connectivity()
            yield driver
        finally:
            driver.close()


def _session(driver, settings: Neo4jSettings, write: bool):
    import neo4j

    return driver.session(
        database=settings.database,
        default_access_mode=neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS,
    )


# --- names in Cypher ---------------------------------------------------------------------


def _schema_names() -> frozenset[str]:
    """Every label and relationship type the schema can produce: the only names put in Cypher text."""
    schema = get_schema()
    names = {MARKER_LABEL, SOURCE_LABEL, EVIDENCE_TYPE}
    for kind in schema.node_kinds:
        names.update(schema.neo4j_labels(kind))
    names.update(et.neo4j_type for et in schema.edge_types.values())
    return frozenset(names)


def _name(name: str) -> str:
    """A label or type from the schema, back-quoted; anything else is refused."""
    if name not in _schema_names() or not re.fullmatch(r"[A-Z][A-Za-z0-9_]*", name):
        raise ValueError(f"{name!r} is not a label or relationship type of the partnergraph schema")
    return f"`{name}`"


def family_labels() -> list[str]:
    """The labels that carry a uniqueness constraint on ``id``: ['Actor', 'Instrument', 'Source']."""
    schema = get_schema()
    return [spec["label"] for spec in schema.families.values()] + [SOURCE_LABEL]


def _kind_labels(family_label: str) -> list[str]:
    schema = get_schema()
    return sorted({schema.neo4j_labels(k)[1] for k in schema.node_kinds if schema.neo4j_labels(k)[0] == family_label})


def relationship_types() -> list[str]:
    """Every relationship type of the schema, EVIDENCED_BY excluded."""
    return sorted(et.neo4j_type for et in get_schema().edge_types.values())


# --- the load plan (pure: no server needed) ----------------------------------------------


@dataclass
class Statement:
    """One parameterised Cypher statement and the rows it is run with, batch by batch."""

    what: str
    cypher: str
    rows: list[dict]


def _constraint_statements() -> list[str]:
    return [
        f"CREATE CONSTRAINT partnergraph_{label.lower()}_id IF NOT EXISTS "
        f"FOR (n:{_name(label)}) REQUIRE n.id IS UNIQUE"
        for label in family_labels()
    ] + [f"CREATE INDEX partnergraph_id IF NOT EXISTS FOR (n:{_name(MARKER_LABEL)}) ON (n.id)"]


def _source_statement(G: nx.MultiDiGraph) -> Statement:
    rows = [{"id": sid, "props": source_properties(rec)} for sid, rec in G.graph.get("sources", {}).items()]
    cypher = (
        "UNWIND $rows AS row\n"
        f"MERGE (s:{_name(SOURCE_LABEL)} {{id: row.id}})\n"
        f"SET s = row.props, s:{_name(MARKER_LABEL)}"
    )
    return Statement("sources", cypher, rows)


def _node_cypher(labels: list[str]) -> str:
    """MERGE the nodes of one label set and (re)link each to its sources, in one statement.

    The ``EVIDENCED_BY`` links are made from the node's own ``evidence_sources``
    and ``evidence_quotes`` (sent once, as properties); old links are deleted
    first, so a reload with changed evidence leaves exactly the new links.
    """
    family, kind = labels[0], labels[1]
    others = [k for k in _kind_labels(family) if k != kind]
    remove = f"\nREMOVE n:{':'.join(_name(k) for k in others)}" if others else ""
    return (
        "UNWIND $rows AS row\n"
        f"MERGE (n:{_name(family)} {{id: row.id}})\n"
        f"SET n = row.props, n:{_name(MARKER_LABEL)}:{_name(kind)}" + remove + "\n"
        "WITH n, row\n"
        f"OPTIONAL MATCH (n)-[old:{_name(EVIDENCE_TYPE)}]->(:{_name(SOURCE_LABEL)})\n"
        "DELETE old\n"
        "WITH DISTINCT n, row\n"
        "UNWIND range(0, size(row.props.evidence_quotes) - 1) AS i\n"
        f"MATCH (s:{_name(SOURCE_LABEL)} {{id: row.props.evidence_sources[i]}})\n"
        f"CREATE (n)-[:{_name(EVIDENCE_TYPE)} {{quote: row.props.evidence_quotes[i], position: i}}]->(s)"
    )


def _relationship_cypher(rel_type: str, from_label: str, to_label: str) -> str:
    return (
        "UNWIND $rows AS row\n"
        f"MATCH (a:{_name(from_label)} {{id: row.from}})\n"
        f"MATCH (b:{_name(to_label)} {{id: row.to}})\n"
        f"MERGE (a)-[r:{_name(rel_type)} {{id: row.id}}]->(b)\n"
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
    with _gc_paused():  # hundreds of thousands of small dicts: the cyclic GC would rescan them again and again
        return _load_plan(G)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (building rows makes no cycles; on medium graphs it halves the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    from partnergraph.graph.model.propgraph import node_properties

    props = node_properties(node_id, attrs)
    _check_storable(f"node {node_id}", props)
    return props


# --- loading ------------------------------------------------------------------------------


@dataclass
class LoadReport:
    """What a load did."""

    sources: int
    nodes: int
    relationships: int
    evidence_links: int
    statements: int
    transactions: int
    wiped_nodes: int
    seconds: float
    batches: int = 0  # UNWIND statements run (several may share a transaction)


def _run_batches(tx, batches: list[tuple[Statement, list[dict]]]) -> None:
    for statement, rows in batches:
        tx.run(statement.cypher, rows=rows).consume()


def _create_constraints(session) -> None:
    for cypher in _constraint_statements():
        session.run(cypher).consume()


def _wipe(session, batch_size: int) -> int:
    cypher = f"MATCH (n:{_name(MARKER_LABEL)}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted"
    total = 0
    while True:
        deleted = session.execute_write(lambda tx: tx.run(cypher, limit=batch_size).single()["deleted"])
        total += deleted
        if deleted < batch_size:
            return total


def check_connection(settings: Neo4jSettings) -> None:
    """Raise :class:`Neo4jBackendError` unless the server answers, accepts the credentials and has the database."""
    with open_driver(settings) as driver, _session(driver, settings, write=False) as session, translated_errors(settings):
        session.run("RETURN 1").consume()


def wipe(settings: Neo4jSettings, *, batch_size: int = 10_000) -> int:
    """Delete every ``:PartnerGraph`` node with its relationships, in batches; return how many nodes went.

    Nothing without the marker label is touched; the constraints stay.
    """
    with open_driver(settings) as driver, _session(driver, settings, write=True) as session, translated_errors(settings):
        return _wipe(session, batch_size)


def load(
    settings: Neo4jSettings,
    G: nx.MultiDiGraph,
    *,
    wipe_first: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    transaction_size: int | None = None,
    progress: Progress | None = None,
) -> LoadReport:
    """Load ``G`` (a graph from :func:`partnergraph.graph.model.build.load_graph`) into Neo4j.

    Constraints first, then every statement of :func:`load_plan` in batches of
    at most ``batch_size`` rows, grouped into managed write transactions (with
    the driver's retries) of at most ``transaction_size`` rows (default:
    ``batch_size``; see :func:`transaction_plan`). ``progress(n)`` is called
    after each committed transaction with its row count. The plan is built,
    and every property checked, before connecting.
    """
    _checked_sizes(batch_size, transaction_size)  # before the (long, on big graphs) plan
    plan = load_plan(G)
    transactions = transaction_plan(plan, batch_size, transaction_size)
    started = time.perf_counter()
    with open_driver(settings) as driver, _session(driver, settings, write=True) as session, translated_errors(settings):
        wiped = _wipe(session, 10_000) if wipe_first else 0
        _create_constraints(session)
        for batches in transactions:
            session.execute_write(_run_batches, batches)
            if progress:
                progress(sum(len(rows) for _, rows in batches))
    return LoadReport(
        sources=len(G.graph.get("sources", {})),
        nodes=G.number_of_nodes(),
        relationships=G.number_of_edges(),
        evidence_links=sum(len(a.get("evidence", [])) for _, a in G.nodes(data=True)),
        statements=len(plan),
        transactions=len(transactions),
        wiped_nodes=wiped,
        seconds=time.perf_counter() - started,
        batches=sum(len(t) for t in transactions),
    )


def plan_size(G: nx.MultiDiGraph) -> int:
    """How many rows a load of ``G`` sends (the length of a progress bar)."""
    return sum(len(s.rows) for s in load_plan(G))


# --- Cypher queries -------------------------------------------------------------------------


def query_type(settings: Neo4jSettings, cypher: str, params: dict | None = None) -> str:
    """The server's own classification of a query, from EXPLAIN: 'r', 'w', 'rw' or 's' (schema)."""
    text = cypher.strip()
    head = text.split(None, 1)
    if head and head[0].upper() in ("EXPLAIN", "PROFILE"):
        text = head[1] if len(head) > 1 else ""
    import neo4j.exceptions as ne

    with open_driver(settings) as driver, _session(driver, settings, write=False) as session, translated_errors(settings):
        try:
            return session.run("EXPLAIN " + text, params or {}).consume().query_type
        except ne.CypherSyntaxError:
            # Report the error at the user's own line and column: the text without EXPLAIN fails to
            # parse the same way, and in a READ transaction that is rolled back nothing could run.
            with session.begin_transaction() as tx:
                tx.run(cypher, params or {}).consume()
                tx.rollback()
            raise


def run_cypher(
    settings: Neo4jSettings,
    cypher: str,
    params: dict | None = None,
    *,
    write: bool = False,
    timeout: float | None = None,
) -> tuple[list[str], list[list]]:
    """Run one Cypher query; return its column names and its rows (driver values: Node, Relationship, Path, ...).

    Parameters go to the server as parameters. The session is in READ access
    mode (routed to readers on a cluster) unless ``write=True``; without it a
    query the server classifies as writing (EXPLAIN query type 'w', 'rw' or
    's') is refused with :class:`WriteQueryRefused` before it runs. Errors
    (syntax, credentials, unreachable server, missing database) raise
    :class:`Neo4jBackendError` with a message saying what to fix.
    """
    import neo4j

    params = params or {}
    if not write:
        kind = query_type(settings, cypher, params)
        if kind in WRITE_QUERY_TYPES:
            what = "changes the schema" if kind == "s" else "writes to the database"
            raise WriteQueryRefused(f"this query {what} (query type '{kind}'); add --write (write=True) to run it")
    with open_driver(settings) as driver, _session(driver, settings, write=write) as session, translated_errors(settings):
        result = session.run(neo4j.Query(cypher, timeout=timeout), params)
        rows = [list(record.values()) for record in result]
        columns = list(result.keys())
        result.consume()
        return columns, rows


# --- server information and status -----------------------------------------------------------


@dataclass
class ServerInfo:
    address: str
    version: str
    edition: str
    database: str
    gds_version: str | None


def gds_version(session) -> str | None:
    """The Graph Data Science plugin's version, or None when the server has no GDS."""
    import neo4j.exceptions as ne

    try:
        return session.run("RETURN gds.version() AS v").single()["v"]
    except ne.ClientError:
        return None


def server_info(settings: Neo4jSettings) -> ServerInfo:
    with open_driver(settings) as driver, _session(driver, settings, write=False) as session, translated_errors(settings):
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

    @property
    def in_sync(self) -> bool:
        return not (self.missing_nodes or self.extra_nodes or self.missing_relationships or self.extra_relationships) and all(
            c.difference == 0 for c in self.labels + self.types
        )


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


def status(settings: Neo4jSettings, G: nx.MultiDiGraph) -> Status:
    """Server version/edition/database and counts by label and type, compared with ``G``."""
    info = server_info(settings)
    marker = _name(MARKER_LABEL)
    with open_driver(settings) as driver, _session(driver, settings, write=False) as session, translated_errors(settings):
        labels = {r["label"]: r["n"] for r in session.run(f"MATCH (n:{marker}) UNWIND labels(n) AS label RETURN label, count(*) AS n")}
        types = {
            r["type"]: r["n"]
            for r in session.run(f"MATCH (:{marker})-[r]->(:{marker}) RETURN type(r) AS type, count(*) AS n")
        }
        node_ids = {r["id"] for r in session.run(f"MATCH (n:{marker}) WHERE NOT n:{_name(SOURCE_LABEL)} RETURN n.id AS id")}
        rel_ids = {
            r["id"]
            for r in session.run(
                f"MATCH (:{marker})-[r]->(:{marker}) WHERE type(r) <> $evidence RETURN r.id AS id", evidence=EVIDENCE_TYPE
            )
        }
    want_labels, want_types = expected_counts(G)
    want_nodes = set(G.nodes)
    want_rels = {k for _, _, k in G.edges(keys=True)}
    return Status(
        server=info,
        labels=[Count(n, labels.get(n, 0), want_labels.get(n, 0)) for n in sorted(set(labels) | set(want_labels))],
        types=[Count(n, types.get(n, 0), want_types.get(n, 0)) for n in sorted(set(types) | set(want_types))],
        missing_nodes=sorted(want_nodes - node_ids),
        extra_nodes=sorted(node_ids - want_nodes),
        missing_relationships=sorted(want_rels - rel_ids),
        extra_relationships=sorted(rel_ids - want_rels),
    )


# --- reading the graph back -------------------------------------------------------------------


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
    query = f"MATCH (s:{_name(SOURCE_LABEL)}:{_name(MARKER_LABEL)}) RETURN properties(s) AS p ORDER BY s.id"
    for r in session.run(query):
        record = dict(r["p"])
        record.pop("published_precision", None)
        record["published"] = record.pop("published_text")
        sources[record["id"]] = record
    return sources


def fetch_graph(settings: Neo4jSettings) -> nx.MultiDiGraph:
    """The loaded graph, streamed back into the structure :func:`partnergraph.graph.model.build.load_graph` makes.

    Nodes (sorted by id) carry their record fields and ``family``; edges are
    keyed by relation id and carry ``type``; ``G.graph["sources"]`` is the
    source registry. So the networkx algorithms (centrality, ...) run on it
    unchanged.
    """
    schema = get_schema()
    type_names = {et.neo4j_type: name for name, et in schema.edge_types.items()}
    marker, source = _name(MARKER_LABEL), _name(SOURCE_LABEL)
    G = nx.MultiDiGraph(sources={}, files=[], neo4j=settings.uri)
    with open_driver(settings) as driver, _session(driver, settings, write=False) as session, translated_errors(settings):
        G.graph["sources"] = _fetch_sources(session)
        for r in session.run(f"MATCH (n:{marker}) WHERE NOT n:{source} RETURN properties(n) AS p ORDER BY n.id"):
            record = _record_from_properties(r["p"])
            G.add_node(record["id"], **{**record, "family": schema.family(record["kind"])})
        types = relationship_types()
        pattern = "|".join(_name(t) for t in types)
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
    settings: Neo4jSettings,
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
    from partnergraph.graph.analysis.paths import TIE_LIMIT, Path, _hop_keys, path_strength

    if max_hops is not None and (not isinstance(max_hops, int) or max_hops < 1):
        raise ValueError("max_hops must be a positive integer")
    with open_driver(settings) as driver, _session(driver, settings, write=False) as session, translated_errors(settings):
        _check_ids(session, [source_id, target_id])
        if source_id == target_id:
            return [Path(nodes=[source_id], edges=[])]
        sequences = _node_sequences(session, source_id, target_id, max_hops, directed, None if all_paths else TIE_LIMIT)
        H = _hops_graph(session, sequences)
    view = H if directed else H.to_undirected(as_view=True)
    paths = sorted((Path(nodes, _hop_keys(H, view, nodes, directed)) for nodes in sequences), key=lambda p: path_strength(H, p))
    return paths if all_paths else paths[:1]


def _check_ids(session, ids: list[str]) -> None:
    marker = _name(MARKER_LABEL)
    found = {
        r["id"]
        for r in session.run(
            f"MATCH (n:{marker}) WHERE n.id IN $ids AND NOT n:{_name(SOURCE_LABEL)} RETURN n.id AS id", ids=ids
        )
    }
    for node_id in ids:
        if node_id not in found:
            raise Neo4jBackendError(f"no node with id {node_id!r} in the Neo4j database; load the dataset first")


def _node_sequences(session, source_id, target_id, max_hops, directed, limit) -> list[list[str]]:
    """The distinct node-id sequences of the shortest paths (several relationships between two nodes give one)."""
    marker = _name(MARKER_LABEL)
    hops = f"*..{int(max_hops)}" if max_hops else "*"
    rels = "|".join(_name(t) for t in relationship_types())
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
    type_names = {et.neo4j_type: name for name, et in schema.edge_types.items()}
    marker = _name(MARKER_LABEL)
    pairs = sorted({tuple(sorted(p)) for nodes in sequences for p in zip(nodes, nodes[1:])})
    ids = sorted({n for nodes in sequences for n in nodes})
    H = nx.MultiDiGraph(sources=_fetch_sources(session), files=[])
    for r in session.run(f"MATCH (n:{marker}) WHERE n.id IN $ids RETURN properties(n) AS p", ids=ids):
        record = _record_from_properties(r["p"])
        H.add_node(record["id"], **{**record, "family": schema.family(record["kind"])})
    rels = "|".join(_name(t) for t in relationship_types())
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
