"""Cypher without a server: Neo4j-dialect read queries answered exactly as Neo4j 5 would, or refused.

:class:`EmbeddedCypher` (also :class:`LocalCypher`) holds the graph as Neo4j holds it
(:mod:`database`) and answers a query in four steps, none of which rewrites query text:

1. parse it with an established parser (:mod:`parse`, ``cypherast``): a syntax error is
   a :class:`CypherSyntaxError` with line, column and a caret;
2. refuse anything off the allow-list (:mod:`allow`), naming the construct as written;
3. check labels, relationship types and property keys against the graph (:mod:`check`):
   an unknown name gives Neo4j's answer (no rows / null) plus a did-you-mean warning;
4. evaluate the tree over the graph (:mod:`execute`) with Neo4j's semantics (:mod:`semantics`).

>>> from partnergraph.graph.model.build import load_graph
>>> engine = EmbeddedCypher(load_graph())
>>> result = engine.query("MATCH (s:State) WHERE s.iso IN $codes RETURN s.name ORDER BY s.name",
...                       {"codes": ["VN", "JP"]})
>>> result.columns, result.rows
(['s.name'], [['Japan'], ['Viet Nam']])
>>> engine.query("MATCH (s:State)-[:party_to]->(i) RETURN count(*)").warnings
['unknown relationship type :party_to (did you mean :PARTY_TO?)']
>>> engine.query("MATCH (n) SET n.name = 'x'")
Traceback (most recent call last):
  ...
partnergraph.graph.stores.cypher.allow.ReadOnlyQuery: SET: the local engine is read-only; write on a Neo4j server
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from partnergraph.graph.stores.cypher import allow
from partnergraph.graph.stores.cypher.allow import ReadOnlyQuery, UnsupportedQuery
from partnergraph.graph.stores.cypher.check import (
    Names, StaticTypeError, UndefinedVariable, check_scope, warnings as name_warnings,
)
from partnergraph.graph.stores.cypher.database import Node, Path, PropertyGraph, Rel, build
from partnergraph.graph.stores.cypher.evaluate import QueryTimeout
from partnergraph.graph.stores.cypher.execute import Runner
from partnergraph.graph.stores.cypher.match import TooExpensive
from partnergraph.graph.stores.cypher.parse import CypherSyntaxError, Statement, parse, split_statements
from partnergraph.graph.stores.cypher.semantics import CypherRuntimeError, RegexRefused
from partnergraph.graph.stores.cypher.values import render, render_node, render_path, render_relationship

if TYPE_CHECKING:  # networkx is not imported on the warm path of `partnergraph query`
    import networkx as nx

__all__ = ["EmbeddedCypher", "LocalCypher", "QueryResult", "UnsupportedQuery", "ReadOnlyQuery", "QueryTimeout",
           "QueryInterrupted", "CypherSyntaxError", "CypherRuntimeError", "split_statements"]


class QueryInterrupted(RuntimeError):
    """The query was interrupted (Ctrl-C)."""


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]  # values in the common form of :mod:`values`
    warnings: list[str] = field(default_factory=list)


def output(value: Any) -> Any:
    """A value of the engine in the common form both backends print."""
    if isinstance(value, Node):
        return render_node(value.props.get("id"), value.labels, value.props)
    if isinstance(value, Rel):
        return render_relationship(value.props.get("id"), value.type, value.start.props.get("id"),
                                   value.end.props.get("id"), value.props)
    if isinstance(value, Path):
        return render_path([output(n) for n in value.nodes], [output(r) for r in value.rels])
    if isinstance(value, list):
        return [output(v) for v in value]
    if isinstance(value, dict):
        return {k: output(v) for k, v in sorted(value.items())}
    if isinstance(value, date):
        return value.isoformat()
    return render(value)


class EmbeddedCypher:
    """Read-only Cypher over a graph, answered as Neo4j would or refused.

    ``EmbeddedCypher(G)`` from a networkx graph; :meth:`over` from a :class:`PropertyGraph`
    (e.g. one read from the cache by :mod:`cache`).
    """

    def __init__(self, G: nx.MultiDiGraph | None = None, *, graph: PropertyGraph | None = None):
        self.graph = graph if graph is not None else build(G)
        g = self.graph
        self.names = Names(labels=frozenset(g.by_label), types=frozenset(g.rel_types),
                           keys=frozenset(g.node_keys | g.rel_keys))

    @classmethod
    def over(cls, graph: PropertyGraph) -> "EmbeddedCypher":
        return cls(graph=graph)

    def close(self) -> None:
        """Nothing to release (kept for callers written for a database-backed engine)."""

    def prepare(self, cypher: str) -> tuple[Statement, list[str]]:
        """Parse and check a query: its statement and name warnings, or the error."""
        statement = parse(cypher)
        allow.check(statement.tree)
        try:
            check_scope(statement.tree)
        except (UndefinedVariable, StaticTypeError) as exc:
            raise CypherRuntimeError(str(exc)) from None
        return statement, name_warnings(statement.tree, self.names)

    def query(self, cypher: str, params: dict | None = None, timeout: float | None = None) -> QueryResult:
        """Run one read query; rows in the common form of :mod:`values`.

        Raises :class:`CypherSyntaxError` (not Cypher), :class:`UnsupportedQuery` /
        :class:`ReadOnlyQuery` (off the allow-list, before running anything),
        :class:`CypherRuntimeError` (the query fails as it would on Neo4j),
        :class:`QueryTimeout` after ``timeout`` seconds, :class:`QueryInterrupted` on Ctrl-C.
        """
        statement, warnings = self.prepare(cypher)
        deadline = time.monotonic() + timeout if timeout else None
        runner = Runner(self.graph, params or {}, deadline)
        try:
            columns, rows = runner.run(statement.tree)
        except RegexRefused as exc:
            raise UnsupportedQuery("this regular expression", f"{exc} has another meaning in Python than in Neo4j's Java") from None
        except TooExpensive as exc:
            raise UnsupportedQuery("this pattern search", str(exc)) from None
        except QueryTimeout:
            raise QueryTimeout(f"the query ran longer than {timeout:g} s") from None
        except RecursionError:
            raise UnsupportedQuery("this query", "it nests too deeply for the local engine") from None
        except KeyboardInterrupt:
            raise QueryInterrupted("the query was interrupted") from None
        return QueryResult(columns, [[output(v) for v in row] for row in rows],
                           list(dict.fromkeys(warnings + runner.warnings)))


LocalCypher = EmbeddedCypher
