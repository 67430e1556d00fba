"""The embedded Cypher database (LadybugDB) as a store: a thin adapter over
:mod:`partnergraph.graph.stores.cypher` (whose engine is its own package).

It answers read-only Cypher over a dataset without a server; everything else
(paths, node lookups) comes from the same graph in memory.
"""

from __future__ import annotations

import networkx as nx

from partnergraph.graph.analysis.paths import Path
from partnergraph.graph.stores.base import PathQuery, StoreUnsupported
from partnergraph.graph.stores.cypher.cache import cached_engine
from partnergraph.graph.stores.cypher.engine import EmbeddedCypher
from partnergraph.graph.stores.memory import MemoryStore


class EmbeddedStore:
    """Cypher on the embedded engine; ``cache`` reuses the database built before for the same data."""

    name = "embedded"

    def __init__(self, G: nx.MultiDiGraph, *, cache: bool = True):
        self._memory = MemoryStore(G)
        self._cache = cache
        self._engine = None

    def engine(self):
        """The :class:`EmbeddedCypher` engine (built, or opened from the cache, on first use)."""
        if self._engine is None:
            G = self._memory.graph()
            self._engine = cached_engine(G)[0] if self._cache else EmbeddedCypher(G)
        return self._engine

    def load(self, G: nx.MultiDiGraph) -> None:
        self._memory.load(G)
        self.close()

    def graph(self) -> nx.MultiDiGraph:
        return self._memory.graph()

    def node(self, node_id: str) -> dict | None:
        return self._memory.node(node_id)

    def edge(self, edge_id: str) -> tuple[str, str, dict] | None:
        return self._memory.edge(edge_id)

    def shortest_paths(self, source: str, target: str, query: PathQuery) -> list[Path]:
        return self._memory.shortest_paths(source, target, query)

    def cypher(self, query: str, params: dict | None = None, *, write: bool = False,
               timeout: float | None = None) -> tuple[list[str], list[list]]:
        """Columns and rows of ``query`` (the engine's errors as they are: UnsupportedQuery, QueryTimeout, ...)."""
        if write:
            raise StoreUnsupported("the embedded engine is read-only; write on a Neo4j server")
        result = self.engine().query(query, params or {}, timeout=timeout)
        return result.columns, result.rows

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None
