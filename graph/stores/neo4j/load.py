"""Loading a graph into Neo4j, replacing what a dataset no longer has, wiping at any size.

Uniqueness constraints on ``id`` exist for ``:Actor``, ``:Instrument`` and
``:Source``. Loading MERGEs on those ids, so loading twice gives the same
graph.

``load(..., wipe_first=True)`` (``partnergraph neo4j load --wipe``) never
empties the database first: it loads (MERGE, in place) and only then deletes
the ``:PartnerGraph`` nodes and relationships the dataset does not have, by
their element ids, in small transactions. So a load cut short at any instant
(Ctrl-C, a crash, a killed server) leaves the old graph partly updated, never
an empty database; ``status`` then reports it out of sync, and running the
same load again finishes the job.

:func:`wipe` removes every ``:PartnerGraph`` node and its relationships and
nothing else, with ``CALL { … } IN TRANSACTIONS`` in an auto-commit
transaction, so it works whatever the size of the graph and the server's
transaction memory limits (relationships first, then nodes).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import networkx as nx

from partnergraph.graph.stores.neo4j.connection import Neo4jConnection, Neo4jSettings, connected
from partnergraph.graph.stores.neo4j.model import (
    EVIDENCE_TYPE, MARKER_LABEL, SOURCE_LABEL, constraint_statements, family_labels, quoted,
)
from partnergraph.graph.stores.neo4j.plan import (
    DEFAULT_BATCH_SIZE, Statement, _checked_sizes, load_plan, transaction_plan,
)

Progress = Callable[[int], None]
WIPE_ROWS = 1000  # nodes per inner transaction of a wipe (each with all its relationships)
PRUNE_ROWS = 1000  # element ids per transaction when deleting what a dataset no longer has


@dataclass
class LoadReport:
    """What a load did."""

    sources: int
    nodes: int
    relationships: int
    evidence_links: int
    statements: int
    transactions: int
    wiped_nodes: int  # nodes deleted because the dataset no longer has them (with wipe_first)
    seconds: float
    batches: int = 0  # UNWIND statements run (several may share a transaction)
    wiped_relationships: int = 0  # relationships deleted because the dataset no longer has them


def _run_batches(tx, batches: list[tuple[Statement, list[dict]]]) -> None:
    for statement, rows in batches:
        tx.run(statement.cypher, rows=rows).consume()


def _create_constraints(session) -> None:
    for cypher in constraint_statements():
        session.run(cypher).consume()


def expected_keys(plan: list[Statement]) -> tuple[set[tuple[str, str]], set[tuple[str, str, str, str]]]:
    """What a database loaded with ``plan`` holds: {(family label, id)} and {(id, type, from id, to id)}."""
    nodes: set[tuple[str, str]] = set()
    rels: set[tuple[str, str, str, str]] = set()
    for statement in plan:
        if statement.what == "sources":
            nodes.update((SOURCE_LABEL, row["id"]) for row in statement.rows)
        elif statement.what.startswith("nodes :"):
            family = statement.what[len("nodes :"):].split(":")[0]
            nodes.update((family, row["id"]) for row in statement.rows)
        else:
            rel_type = statement.what[len("relationships :"):].split(" ")[0]
            rels.update((row["id"], rel_type, row["from"], row["to"]) for row in statement.rows)
    return nodes, rels


def _stale(session, plan: list[Statement]) -> tuple[list[str], list[str]]:
    """Element ids of the :PartnerGraph nodes and relationships that ``plan`` does not have."""
    want_nodes, want_rels = expected_keys(plan)
    families = set(family_labels())
    marker = quoted(MARKER_LABEL)
    nodes = []
    for r in session.run(f"MATCH (n:{marker}) RETURN elementId(n) AS e, n.id AS id, labels(n) AS labels"):
        family = next((label for label in r["labels"] if label in families), None)
        if (family, r["id"]) not in want_nodes:
            nodes.append(r["e"])
    rels = []
    for r in session.run(
        f"MATCH (a:{marker})-[r]->(b:{marker}) WHERE type(r) <> $evidence "
        "RETURN elementId(r) AS e, r.id AS id, type(r) AS type, a.id AS a, b.id AS b",
        evidence=EVIDENCE_TYPE,
    ):
        if (r["id"], r["type"], r["a"], r["b"]) not in want_rels:
            rels.append(r["e"])
    return nodes, rels


def _delete_by_element_id(session, cypher: str, ids: list[str]) -> None:
    for start in range(0, len(ids), PRUNE_ROWS):
        chunk = ids[start : start + PRUNE_ROWS]
        session.execute_write(lambda tx: tx.run(cypher, ids=chunk).consume())


def prune(target: Neo4jSettings | Neo4jConnection, plan: list[Statement]) -> tuple[int, int]:
    """Delete the :PartnerGraph nodes and relationships ``plan`` does not load; return (nodes, relationships)."""
    with connected(target) as conn, conn.errors(), conn.session(write=True) as session:
        return _prune(session, plan)


def _prune(session, plan: list[Statement]) -> tuple[int, int]:
    nodes, rels = _stale(session, plan)
    _delete_by_element_id(session, "UNWIND $ids AS e MATCH ()-[r]->() WHERE elementId(r) = e DELETE r", rels)
    _delete_by_element_id(session, "UNWIND $ids AS e MATCH (n) WHERE elementId(n) = e DETACH DELETE n", nodes)
    return len(nodes), len(rels)


_MARKER = quoted(MARKER_LABEL)
WIPE_STEPS = (  # relationships first: a :Source node can hold hundreds of thousands of EVIDENCED_BY links
    f"MATCH (:{_MARKER})-[r]->() WITH r LIMIT $rows CALL {{ WITH r DELETE r }} IN TRANSACTIONS OF $rows ROWS "
    "RETURN count(*) AS deleted",
    f"MATCH ()-[r]->(:{_MARKER}) WITH r LIMIT $rows CALL {{ WITH r DELETE r }} IN TRANSACTIONS OF $rows ROWS "
    "RETURN count(*) AS deleted",
    f"MATCH (n:{_MARKER}) WITH n LIMIT $rows CALL {{ WITH n DETACH DELETE n }} IN TRANSACTIONS OF $rows ROWS "
    "RETURN count(*) AS deleted",
)


def wipe(target: Neo4jSettings | Neo4jConnection, *, batch_size: int = WIPE_ROWS) -> int:
    """Delete every ``:PartnerGraph`` node with its relationships, in batches; return how many nodes went.

    Nothing without the marker label is touched; the constraints stay. The
    relationships go first, then the nodes, ``batch_size`` at a time, each
    batch its own inner transaction (``CALL { … } IN TRANSACTIONS``, which
    needs an auto-commit transaction) and each auto-commit query one batch
    (the outer transaction also holds memory for what it passes on): so
    neither the size of the graph nor a node with very many relationships (a
    :Source) meets the server's transaction memory limits (tested under a
    16 MiB per-transaction limit). A wipe cut short has deleted whole batches
    and can simply be run again.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    with connected(target) as conn, conn.errors(), conn.session(write=True) as session:
        for step in WIPE_STEPS:
            total = 0
            while True:
                record = session.run(step, rows=batch_size).single()
                deleted = record["deleted"] if record else 0
                total += deleted
                if deleted < batch_size:
                    break
        return total  # the nodes: the last step's count


def load(
    target: Neo4jSettings | Neo4jConnection,
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

    With ``wipe_first`` the database ends up holding exactly ``G``: after the
    load, the :PartnerGraph nodes and relationships ``G`` does not have are
    deleted (see the module's docstring: the database is never emptied first).
    """
    _checked_sizes(batch_size, transaction_size)  # before the (long, on big graphs) plan
    plan = load_plan(G)
    transactions = transaction_plan(plan, batch_size, transaction_size)
    started = time.perf_counter()
    with connected(target) as conn, conn.errors(), conn.session(write=True) as session:
        _create_constraints(session)
        for batches in transactions:
            session.execute_write(_run_batches, batches)
            if progress:
                progress(sum(len(rows) for _, rows in batches))
        wiped_nodes, wiped_rels = _prune(session, plan) if wipe_first else (0, 0)
    return LoadReport(
        sources=len(G.graph.get("sources", {})),
        nodes=G.number_of_nodes(),
        relationships=G.number_of_edges(),
        evidence_links=sum(len(a.get("evidence", [])) for _, a in G.nodes(data=True)),
        statements=len(plan),
        transactions=len(transactions),
        wiped_nodes=wiped_nodes,
        seconds=time.perf_counter() - started,
        batches=sum(len(t) for t in transactions),
        wiped_relationships=wiped_rels,
    )
