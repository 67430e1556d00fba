"""The Neo4j backend's old single-module interface, kept for one release.

The code now lives in :mod:`partnergraph.graph.stores.neo4j` (model, connection,
plan, load, query, read, status, store); import from there. Every name this
module had is still here.
"""

from __future__ import annotations

from partnergraph.graph.stores.neo4j.connection import (  # noqa: F401
    DEFAULT_URI, BadURI, Neo4jBackendError, Neo4jConnection, Neo4jSettings, QueryInterrupted, QueryTimedOut,
    WriteQueryRefused, check_connection, client_error_message as _client_error_message, connect, connected,
    open_driver, translated_errors,
)
from partnergraph.graph.stores.neo4j.load import LoadReport, _create_constraints, load, prune, wipe  # noqa: F401
from partnergraph.graph.stores.neo4j.model import (  # noqa: F401
    EVIDENCE_TYPE, MARKER_LABEL, SOURCE_LABEL, family_labels, kind_labels as _kind_labels, quoted as _name,
    relationship_types, schema_names as _schema_names,
)
from partnergraph.graph.stores.neo4j.plan import (  # noqa: F401
    DEFAULT_BATCH_SIZE, Statement, load_plan, node_properties_checked, plan_size, transaction_plan,
)
from partnergraph.graph.stores.neo4j.query import WRITE_QUERY_TYPES, query_type, run_cypher  # noqa: F401
from partnergraph.graph.stores.neo4j.read import fetch_graph, neo4j_shortest_paths  # noqa: F401
from partnergraph.graph.stores.neo4j.status import (  # noqa: F401
    Count, ServerInfo, Status, expected_counts, gds_version, server_info, status,
)
