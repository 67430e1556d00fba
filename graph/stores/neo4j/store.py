"""The Neo4j server as a store: one driver for the store's life, every operation over it.

>>> from partnergraph.graph.stores.base import GraphStore
>>> sorted(m for m in vars(GraphStore) if not m.startswith("_") and not hasattr(Neo4jStore, m))   # the protocol, whole
[]
"""

from __future__ import annotations

import networkx as nx

from partnergraph.graph.analysis.paths import NoPath, Path
from partnergraph.graph.model.i18n import t
from partnergraph.graph.model.names import display_name
from partnergraph.graph.stores.base import PathQuery, native_path_query
from partnergraph.graph.stores.memory import search_paths
from partnergraph.graph.stores.neo4j.connection import Neo4jConnection, Neo4jSettings, connect
from partnergraph.graph.stores.neo4j.load import LoadReport, load, wipe
from partnergraph.graph.stores.neo4j.model import MARKER_LABEL, SOURCE_LABEL, quoted
from partnergraph.graph.stores.neo4j.query import run_cypher
from partnergraph.graph.stores.neo4j.read import _record_from_properties, fetch_graph, neo4j_shortest_paths
from partnergraph.graph.stores.neo4j.status import Status, server_info, status


class Neo4jStore:
    """A Neo4j server holding a partnergraph load. ``Neo4jStore.open(settings)`` connects (and checks) once."""

    name = "neo4j"

    def __init__(self, connection: Neo4jConnection):
        self.connection = connection
        self._graph: nx.MultiDiGraph | None = None

    @classmethod
    def open(cls, settings: Neo4jSettings) -> "Neo4jStore":
        return cls(connect(settings))

    @property
    def settings(self) -> Neo4jSettings:
        return self.connection.settings

    def __enter__(self) -> "Neo4jStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()

    # --- the protocol ---------------------------------------------------------------------

    def load(self, G: nx.MultiDiGraph, **kwargs) -> LoadReport:
        """Load ``G`` (keyword arguments as :func:`partnergraph.graph.stores.neo4j.load.load`)."""
        self._graph = None
        return load(self.connection, G, **kwargs)

    def graph(self) -> nx.MultiDiGraph:
        """The loaded graph read back (once per store; :meth:`load` forgets it)."""
        if self._graph is None:
            self._graph = fetch_graph(self.connection)
        return self._graph

    def node(self, node_id: str) -> dict | None:
        marker, source = quoted(MARKER_LABEL), quoted(SOURCE_LABEL)
        with self.connection.errors(), self.connection.session() as session:
            record = session.run(
                f"MATCH (n:{marker} {{id: $id}}) WHERE NOT n:{source} RETURN properties(n) AS p LIMIT 1", id=node_id
            ).single()
        return _record_from_properties(record["p"]) if record else None

    def edge(self, edge_id: str) -> tuple[str, str, dict] | None:
        marker = quoted(MARKER_LABEL)
        with self.connection.errors(), self.connection.session() as session:
            record = session.run(
                f"MATCH (a:{marker})-[r {{id: $id}}]->(b:{marker}) RETURN a.id AS a, b.id AS b, type(r) AS type, "
                "properties(r) AS p LIMIT 1", id=edge_id,
            ).single()
        if not record:
            return None
        data = _record_from_properties(record["p"])
        data["type"] = record["type"].lower()
        return record["a"], record["b"], data

    def shortest_paths(self, source: str, target: str, query: PathQuery) -> list[Path]:
        """On the server (allShortestPaths) when that is the same answer, else the networkx search on the graph read back.
        No path is :class:`NoPath`, as from every store."""
        if not native_path_query(query):
            return search_paths(self.graph(), source, target, query)
        paths = neo4j_shortest_paths(self.connection, source, target, all_paths=query.all_paths,
                                     max_hops=query.max_hops, directed=query.directed)
        if not paths:
            a, b = (display_name(attrs, query.lang) if attrs and attrs.get("name") else n
                    for n, attrs in ((n, self.node(n)) for n in (source, target)))
            within = t("nopath_within", query.lang, n=query.max_hops) if query.max_hops else ""
            raise NoPath(t("nopath_neo4j", query.lang, a=a, b=b, within=within))
        return paths

    def cypher(self, query: str, params: dict | None = None, *, write: bool = False,
               timeout: float | None = None) -> tuple[list[str], list[list]]:
        return run_cypher(self.connection, query, params, write=write, timeout=timeout)

    # --- maintenance ------------------------------------------------------------------------

    def wipe(self) -> int:
        self._graph = None
        return wipe(self.connection)

    def status(self, G: nx.MultiDiGraph) -> Status:
        return status(self.connection, G)

    def server_info(self):
        return server_info(self.connection)
