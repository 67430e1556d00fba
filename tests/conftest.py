"""Shared pytest fixtures. The real Neo4j server fixture lives in neo4j_fixture.py."""

import pytest

from partnergraph.graph.model.build import load_graph

pytest_plugins = ["neo4j_fixture"]


@pytest.fixture(scope="session")
def seed_graph():
    """The bundled seed as a graph, loaded once per session: read it, never change it (use ``G``)."""
    return load_graph()


@pytest.fixture(scope="module")
def G(seed_graph):
    """The seed graph for one test module: a copy, so what a module changes stays in that module."""
    return seed_graph.copy()
