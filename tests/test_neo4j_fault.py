"""Tests on a Neo4j instance of their own (started and purged here with scripts/neo4j-local), so the shared
test server is never killed or reconfigured under other tests:

* the wipe at size: with a small per-transaction memory limit (``db.memory.transaction.max``, as the
  default server's limit met the medium graph of 52,000 nodes), one transaction deleting everything is
  refused, the batched wipe deletes everything;
* a fault test: the server is killed (SIGKILL) in the middle of `load --wipe`; after a restart the
  database is not empty, `status --check` says out of sync, and the same load again gives exactly the dataset.
"""

from __future__ import annotations

import json
import os
import signal
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from neo4j_fixture import neo4j_local
from partnergraph.cli.main import cli
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.model.synthetic import SIZES, generate, write_dataset
from partnergraph.graph.stores.neo4j.connection import Neo4jBackendError, Neo4jSettings
from partnergraph.graph.stores.neo4j.load import load, wipe
from partnergraph.graph.stores.neo4j.query import run_cypher
from partnergraph.graph.stores.neo4j.status import status

pytestmark = pytest.mark.neo4j


TX_MEMORY = "16m"


def _start(name: str) -> tuple[Neo4jSettings, dict]:
    proc = neo4j_local("start", "--name", name, "--heap-max", "512m", "--no-cds",
                       "--conf", f"db.memory.transaction.max={TX_MEMORY}", timeout=600)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(neo4j_local("status", "--name", name, "--json", timeout=120).stdout)
    state = json.loads(Path(report["state_file"]).read_text())
    return Neo4jSettings(state["uri"], state["username"], state["password"], state["database"]), state


@pytest.fixture(scope="module")
def own_server(neo4j_settings):
    if neo4j_settings.source != "local":
        pytest.skip("the fault test starts a local server of its own; NEO4J_URI points elsewhere")
    name = f"fault-{os.getpid()}"
    try:
        yield name
    finally:
        neo4j_local("stop", "--name", name, "--purge", "--timeout", "30", timeout=300)


@pytest.fixture(scope="module")
def small_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    write_dataset(generate(*SIZES["small"], seed=3), folder)
    return folder


def test_wipe_works_under_a_small_transaction_memory_limit(own_server, small_folder):
    small = load_graph([str(small_folder)])
    settings, _ = _start(own_server)
    load(settings, small, wipe_first=True, batch_size=100)
    total = small.number_of_nodes() + len(small.graph["sources"])
    with pytest.raises(Neo4jBackendError, match="(?i)memory"):  # one transaction for everything: refused
        run_cypher(settings, "MATCH (n:PartnerGraph) DETACH DELETE n", write=True)
    assert run_cypher(settings, "MATCH (n:PartnerGraph) RETURN count(n)")[1][0][0] == total  # nothing deleted
    assert wipe(settings, batch_size=50) == total  # in batches: everything
    assert run_cypher(settings, "MATCH (n:PartnerGraph) RETURN count(n)")[1][0][0] == 0


def test_killing_the_server_during_load_wipe_then_recovering(own_server, small_folder):
    seed = load_graph()
    folder = small_folder
    small = load_graph([str(folder)])

    settings, state = _start(own_server)
    load(settings, seed, wipe_first=True, batch_size=100)
    assert status(settings, seed).in_sync

    def kill_after_first(rows: int) -> None:
        os.kill(state["pid"], signal.SIGKILL)  # the server dies between two committed transactions

    with pytest.raises(Neo4jBackendError):
        load(settings, small, wipe_first=True, batch_size=100, progress=kill_after_first)

    settings, _ = _start(own_server)  # restarted: Neo4j recovers from its transaction log
    env = {"NEO4J_URI": settings.uri, "NEO4J_USERNAME": settings.username, "NEO4J_PASSWORD": settings.password}
    nodes = run_cypher(settings, "MATCH (n:PartnerGraph) RETURN count(n)")[1][0][0]
    assert nodes >= seed.number_of_nodes()  # never an empty database
    runner = CliRunner()
    with tempfile.TemporaryDirectory():
        check = runner.invoke(cli, ["neo4j", "status", "--check", "--data", str(folder)], env=env)
        assert check.exit_code == 1 and "Not in sync" in check.output, check.output
        again = runner.invoke(cli, ["neo4j", "load", "--wipe", "--batch-size", "100", "--data", str(folder)], env=env)
        assert again.exit_code == 0, again.output
        check = runner.invoke(cli, ["neo4j", "status", "--check", "--data", str(folder)], env=env)
        assert check.exit_code == 0 and "In sync with the dataset." in check.output, check.output
    duplicates = run_cypher(settings, "MATCH (n:PartnerGraph) WITH n.id AS id, count(*) AS c WHERE c > 1 RETURN count(id)")
    assert duplicates[1][0][0] == 0
    assert settings.password not in check.output + again.output
