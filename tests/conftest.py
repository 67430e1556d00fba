"""Shared pytest fixtures. The real Neo4j server fixture lives in neo4j_fixture.py."""

import subprocess
import sys

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


_OFFLINE_INGEST = (
    "import socket, sys\n"
    "def refuse(*a, **k):\n    raise OSError('network unreachable (test)')\n"
    "socket.socket.connect = refuse\nsocket.socket.connect_ex = refuse\n"
    "socket.create_connection = refuse\nsocket.getaddrinfo = refuse\n"
    "from partnergraph.graph.model.build import load_graph\n"
    "from partnergraph.graph.ingest import ingest_files\n"
    "c = ingest_files([sys.argv[1]], load_graph())\n"
    "print(sorted(r['name'] for r in c['actors']))\n"
)


@pytest.fixture
def ingest_offline():
    """Ingest of one file in a fresh interpreter whose sockets are refused: (return code, stdout, stderr)."""
    def run(path):
        done = subprocess.run([sys.executable, "-c", _OFFLINE_INGEST, str(path)], capture_output=True, text=True, timeout=300)
        return done.returncode, done.stdout, done.stderr

    return run
