"""The store protocol: "the graph, wherever it lives", and the backend names.

Three stores implement :class:`GraphStore`:

* :class:`partnergraph.graph.stores.memory.MemoryStore` — the dataset in memory
  (networkx), every analysis of :mod:`partnergraph.graph.analysis`; its Cypher
  is the embedded engine's;
* :class:`partnergraph.graph.stores.embedded.EmbeddedStore` — the embedded Cypher
  database (LadybugDB) over a dataset: read-only Cypher, no server;
* :class:`partnergraph.graph.stores.neo4j.store.Neo4jStore` — a Neo4j server,
  one driver for the store's life.

:func:`partnergraph.graph.stores.routing.open_store` picks one from a backend
name; :meth:`GraphStore.shortest_paths` decides itself whether it can answer a
path question natively (Neo4j's ``allShortestPaths``) or must run the networkx
search on the graph it fetches (:func:`native_path_query`).

This module imports nothing heavy, so the command line can use its names.

>>> from partnergraph.graph.analysis.filters import parse_status
>>> native_path_query(PathQuery(status=parse_status("all")))
True
>>> native_path_query(PathQuery())  # ties in place only: Neo4j's search would count tentative ones too
False
>>> native_path_query(PathQuery(status=parse_status("all"), via=("agreement",)))
False
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:  # typing only: networkx and the analysis are imported by the stores themselves
    import networkx as nx

    from partnergraph.graph.analysis.paths import Path

BACKENDS = ("local", "neo4j")  # the names users give (--backend)
BACKEND_ALIASES = {"networkx": "local", "embedded": "local"}  # old spellings, accepted for one release


def backend_name(name: str) -> str:
    """The current backend name for ``name`` (old spellings mapped); ValueError for an unknown one.

    >>> backend_name("networkx"), backend_name("neo4j")
    ('local', 'neo4j')
    """
    name = BACKEND_ALIASES.get(name, name)
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; use one of {', '.join(BACKENDS)}")
    return name


class StoreUnsupported(Exception):
    """An operation a store cannot do (e.g. writing Cypher on the embedded engine)."""


@dataclass(frozen=True)
class PathQuery:
    """A path question: which filters it has decides which store can answer it natively."""

    all_paths: bool = False
    k: int | None = None
    max_hops: int | None = None
    via: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    as_of: date | None = None
    actors_only: bool = False
    directed: bool = False
    status: Any = None  # a StatusFilter (graph/analysis/filters.py); None: ties in place
    strict: bool = False  # with as_of: known facts only (not also those only not attested yet)
    lang: str = "en"  # the language of a refusal's words (NoPath); the answer itself is the same
    extra: dict[str, Any] = field(default_factory=dict)


def native_path_query(query: PathQuery) -> bool:
    """True when Cypher's ``allShortestPaths`` gives the networkx answer exactly: no k-shortest,
    no node/edge filters, no date, no projection, every tie counted (those run on the fetched graph)."""
    every_tie = query.status is not None and getattr(query.status, "everything", False)
    return every_tie and not (query.k or query.via or query.avoid or query.as_of or query.actors_only or query.extra)


@runtime_checkable
class GraphStore(Protocol):
    """The graph, wherever it lives. Node and edge ids are the dataset's."""

    name: str  # "local", "embedded", "neo4j"

    def load(self, G: "nx.MultiDiGraph") -> Any:
        """Put ``G`` in the store (what it does and returns depends on the store)."""

    def graph(self) -> "nx.MultiDiGraph":
        """The whole graph as networkx data (for centrality, names, explanations)."""

    def node(self, node_id: str) -> dict | None:
        """The record of one node, or None."""

    def edge(self, edge_id: str) -> tuple[str, str, dict] | None:
        """(from id, to id, record) of one relation, or None."""

    def shortest_paths(self, source: str, target: str, query: PathQuery) -> list["Path"]:
        """The shortest path(s) between two node ids, as :func:`partnergraph.graph.analysis.paths.find_paths` gives."""

    def cypher(self, query: str, params: dict | None = None, *, write: bool = False,
               timeout: float | None = None) -> tuple[list[str], list[list]]:
        """Column names and rows of a Cypher query (:class:`StoreUnsupported` where there is none)."""

    def close(self) -> None:
        """Release what the store holds (a driver, a database)."""
