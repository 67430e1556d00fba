"""The graph in memory (networkx): the dataset files, every analysis of partnergraph.graph.analysis.

>>> from partnergraph.graph.model.build import load_graph
>>> store = MemoryStore(load_graph())
>>> store.node("viet-nam")["name"]
'Viet Nam'
>>> [p.nodes for p in store.shortest_paths("republic-of-korea", "viet-nam", PathQuery())][0][0]
'republic-of-korea'
"""

from __future__ import annotations

import networkx as nx

from partnergraph.graph.analysis.paths import Path, find_paths
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.stores.base import PathQuery


class MemoryStore:
    """A dataset held as a networkx MultiDiGraph; Cypher goes to the embedded engine over it."""

    name = "local"

    def __init__(self, G: nx.MultiDiGraph | None = None, *, cache: bool = True):
        self._G = G
        self._cache = cache
        self._embedded = None

    @classmethod
    def from_paths(cls, paths: list[str] | None = None, **kwargs) -> "MemoryStore":
        """The dataset at ``paths`` (files or folders; None: the bundled seed), validated."""
        return cls(load_graph(paths or None, **kwargs))

    def load(self, G: nx.MultiDiGraph) -> None:
        self._G = G
        if self._embedded is not None:
            self._embedded.close()
            self._embedded = None

    def graph(self) -> nx.MultiDiGraph:
        if self._G is None:
            self._G = load_graph()
        return self._G

    def node(self, node_id: str) -> dict | None:
        G = self.graph()
        return dict(G.nodes[node_id]) if node_id in G else None

    def edge(self, edge_id: str) -> tuple[str, str, dict] | None:
        for u, v, key, data in self.graph().edges(keys=True, data=True):
            if key == edge_id:
                return u, v, dict(data)
        return None

    def shortest_paths(self, source: str, target: str, query: PathQuery) -> list[Path]:
        return search_paths(self.graph(), source, target, query)

    def cypher(self, query: str, params: dict | None = None, *, write: bool = False,
               timeout: float | None = None) -> tuple[list[str], list[list]]:
        if self._embedded is None:
            # Imported when first asked: the engine and LadybugDB add 1.3 s to a command's start on the busy test
            # machine (python -X importtime -c 'import partnergraph.graph.stores.cypher.engine'), and most never query.
            # lazy: the Cypher engine costs ~378 ms to import (measured); only this path needs it
            from partnergraph.graph.stores.embedded import EmbeddedStore

            self._embedded = EmbeddedStore(self.graph(), cache=self._cache)
        return self._embedded.cypher(query, params, write=write, timeout=timeout)

    def close(self) -> None:
        if self._embedded is not None:
            self._embedded.close()
            self._embedded = None


def search_paths(G: nx.MultiDiGraph, source: str, target: str, query: PathQuery) -> list[Path]:
    """The networkx search's answer to a path question (any store that has the graph in memory)."""
    return find_paths(
        G, source, target, all_paths=query.all_paths, k=query.k, max_hops=query.max_hops,
        via=list(query.via), avoid=list(query.avoid), as_of=query.as_of, actors_only=query.actors_only,
        directed=query.directed, status=query.status if query.status is not None else "in-place", strict=query.strict,
        lang=query.lang,
    )
