"""The Neo4j store: the partnergraph model in a Neo4j server, over the official driver.

Modules (import the one you need; this package imports nothing, so that
``scripts/neo4j-local`` can use :mod:`.server` without loading networkx):

* :mod:`.model` — the labels, relationship types and marker names, in one place;
* :mod:`.connection` — settings (URI parsing, password never shown), errors, one driver per use;
* :mod:`.load` — the load plan, loading, pruning what a dataset no longer has, wiping in batches;
* :mod:`.query` — Cypher with server-side read/write classification, interrupts, timeouts;
* :mod:`.read` — reading the graph back and shortest paths on the server;
* :mod:`.status` — server information and the comparison with a dataset (counts and checksums);
* :mod:`.store` — :class:`~.store.Neo4jStore`, the store protocol over all of the above;
* :mod:`.server` / :mod:`.fetch` — a local Neo4j Community server for development and tests.
"""
