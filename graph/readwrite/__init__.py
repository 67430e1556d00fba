"""Readers and writers of file formats (GraphML, GEXF, DOT, CSV, Cypher, ...)."""
