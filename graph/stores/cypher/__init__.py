"""The embedded Cypher engine: translation, the on-disk database and its cache, values."""
