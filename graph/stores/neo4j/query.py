"""Cypher on Neo4j: read-only unless asked, classified by the server, stopped when interrupted.

A query runs in a READ access-mode session unless ``write=True``, and is
classified first by the server itself (``EXPLAIN``): its query type (``w``,
``rw`` or ``s`` for schema and administration) or an administration operator
in its plan (``TerminateTransactions``, which the server plans as a read)
refuses it with :class:`WriteQueryRefused`. The READ session is the second
fence: the server rejects any write attempted in it.

Every query carries a transaction metadata tag; on Ctrl-C the transaction
with that tag is terminated on the server (``TERMINATE TRANSACTIONS``, from a
second connection of the same driver) before the session is closed, so
nothing is left running (``SHOW TRANSACTIONS`` shows it) and the caller gets
:class:`QueryInterrupted` at once instead of waiting for the query to end.
A ``timeout`` is the transaction timeout the server enforces; past it the
server stops the query and :class:`QueryTimedOut` is raised.
"""

from __future__ import annotations

import logging
import secrets

import neo4j
import neo4j.exceptions as ne

from partnergraph.graph.stores.neo4j.connection import (
    Neo4jConnection, Neo4jSettings, QueryInterrupted, WriteQueryRefused, connected,
)

WRITE_QUERY_TYPES = ("w", "rw", "s")
# Plan operators of commands the server types as reads although they act on the server.
ADMIN_OPERATOR_PREFIXES = ("Terminate",)
TAG = "partnergraph_query"


def _operators(plan) -> list[str]:
    if not plan:
        return []
    names = [str(plan.get("operatorType", "")).split("@")[0]]
    for child in plan.get("children", []) or []:
        names += _operators(child)
    return names


def _strip_explain(cypher: str) -> str:
    text = cypher.strip()
    head = text.split(None, 1)
    if head and head[0].upper() in ("EXPLAIN", "PROFILE"):
        return head[1] if len(head) > 1 else ""
    return text


def classify(target: Neo4jSettings | Neo4jConnection, cypher: str, params: dict | None = None) -> tuple[str, list[str]]:
    """The server's classification of ``cypher`` without running it: (query type, plan operators).

    The query type is 'r', 'w', 'rw' or 's' (schema/administration); the
    operators are the plan's, e.g. ['ProduceResults', 'TerminateTransactions'].
    A syntax error is reported at the user's own line and column.
    """
    with connected(target) as conn, conn.errors(), conn.session() as session:
        try:
            summary = session.run("EXPLAIN " + _strip_explain(cypher), params or {}).consume()
        except ne.CypherSyntaxError:
            # The text without EXPLAIN fails to parse the same way (and, in a READ transaction
            # that is rolled back, nothing could run): the error then points at the user's text.
            with session.begin_transaction() as tx:
                tx.run(cypher, params or {}).consume()
                tx.rollback()
            raise
        return summary.query_type or "r", _operators(summary.plan)


def query_type(target: Neo4jSettings | Neo4jConnection, cypher: str, params: dict | None = None) -> str:
    """The server's own classification of a query, from EXPLAIN: 'r', 'w', 'rw' or 's' (schema)."""
    return classify(target, cypher, params)[0]


def refusal(kind: str, operators: list[str]) -> str | None:
    """Why a query of this type and plan needs ``write=True``, or None when it only reads.

    >>> refusal("r", ["ProduceResults", "AllNodesScan"]) is None
    True
    >>> refusal("r", ["ProduceResults", "TerminateTransactions"])
    'this query administers the server (TerminateTransactions); run it with write=True to allow it'
    >>> refusal("w", [])
    "this query writes to the database (query type 'w'); run it with write=True to allow it"
    """
    admin = [op for op in operators if op.startswith(ADMIN_OPERATOR_PREFIXES)]
    if admin:
        return f"this query administers the server ({', '.join(admin)}); run it with write=True to allow it"
    if kind in WRITE_QUERY_TYPES:
        what = "changes the schema or administers the server" if kind == "s" else "writes to the database"
        return f"this query {what} (query type '{kind}'); run it with write=True to allow it"
    return None


def _terminate_tagged(conn: Neo4jConnection, token: str) -> int:
    """Terminate the server transactions carrying our metadata tag; how many there were."""
    with conn.session(write=True) as session:
        ids = [
            r["id"]
            for r in session.run(
                "SHOW TRANSACTIONS YIELD transactionId AS id, metaData WHERE metaData[$key] = $token RETURN id",
                key=TAG, token=token,
            )
        ]
        if ids:
            session.run("TERMINATE TRANSACTIONS $ids", ids=ids).consume()
        return len(ids)


def run_cypher(
    target: Neo4jSettings | Neo4jConnection,
    cypher: str,
    params: dict | None = None,
    *,
    write: bool = False,
    timeout: float | None = None,
) -> tuple[list[str], list[list]]:
    """Run one Cypher query; return its column names and its rows (driver values: Node, Relationship, Path, ...).

    Parameters go to the server as parameters. Without ``write=True`` the
    query is classified by the server first (:func:`classify`, :func:`refusal`)
    and refused with :class:`WriteQueryRefused`, and it runs in a READ session.
    Ctrl-C terminates the server transaction and raises :class:`QueryInterrupted`;
    a query past ``timeout`` seconds is stopped by the server
    (:class:`QueryTimedOut`). Other errors (syntax, credentials, unreachable
    server, missing database) raise :class:`Neo4jBackendError` with a message
    saying what to fix.
    """
    params = params or {}
    with connected(target) as conn, conn.errors():
        if not write:
            why = refusal(*classify(conn, cypher, params))
            if why:
                raise WriteQueryRefused(why)
        token = secrets.token_hex(8)
        query = neo4j.Query(cypher, timeout=timeout, metadata={TAG: token})
        session = conn.session(write=write)
        try:
            result = session.run(query, params)
            rows = [list(record.values()) for record in result]
            columns = list(result.keys())
            result.consume()
        except KeyboardInterrupt:
            _interrupted(conn, session, token)
            raise QueryInterrupted(
                "the query was interrupted (Ctrl-C); its transaction on the server was terminated"
            ) from None
        session.close()
        return columns, rows


def _interrupted(conn: Neo4jConnection, session, token: str) -> None:
    """After Ctrl-C: end the server transaction first, then close the session (which then returns at once)."""
    try:
        _terminate_tagged(conn, token)
    except (ne.Neo4jError, ne.DriverError, OSError):
        pass  # the connection below is closed anyway, which also ends the transaction on the server
    driver_log = logging.getLogger("neo4j")
    level = driver_log.level
    driver_log.setLevel(logging.CRITICAL)  # the driver warns that the terminated result could not be consumed
    try:
        session.close()
    except (ne.Neo4jError, ne.DriverError, OSError):
        pass
    finally:
        driver_log.setLevel(level)
