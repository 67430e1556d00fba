"""The names of the former single ``formats`` module, kept for code that imports them.

Each format now has its own module (graphml, gexf, dot, nodelink, cytoscape, cypher_script,
neo4j_csv, xlsx) and :mod:`partnergraph.graph.readwrite.registry` lists them.
"""

from partnergraph.graph.readwrite.cypher_script import cypher_literal, cypher_script, script_statements  # noqa: F401
from partnergraph.graph.readwrite.dot import DOT_NAME  # noqa: F401
from partnergraph.graph.readwrite.encoding import STRUCTURED  # noqa: F401
from partnergraph.graph.readwrite.gexf import GEXF_TYPE  # noqa: F401
from partnergraph.graph.readwrite.neo4j_csv import ARRAY_DELIMITER, ARRAY_DELIMITER_OPTION, load_csv_statements, write_neo4j_csv  # noqa: F401
from partnergraph.graph.readwrite.nodelink import node_link  # noqa: F401
from partnergraph.graph.readwrite.registry import (  # noqa: F401
    BINARY_FORMATS, FOLDER_FORMATS, FORMATS, READABLE, REGISTRY, read_graph, save_graph, to_string, write_folder, write_graph,
)
