"""Shared pytest fixtures. The real Neo4j server fixture lives in neo4j_fixture.py."""

pytest_plugins = ["neo4j_fixture"]
