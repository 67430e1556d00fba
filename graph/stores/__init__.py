"""Where the graph lives: in memory (networkx), Neo4j, or the embedded Cypher database."""
