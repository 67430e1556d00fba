"""Neo4j maintenance that holds at size and under faults: batched wipe, load --wipe that never empties,
a status check that cannot lie, writes and administration refused by the server's classification,
Ctrl-C and --timeout that leave nothing running on the server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time

import pytest
from click.testing import CliRunner

from partnergraph.cli.main import cli
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.model.synthetic import SIZES, generate, write_dataset
from partnergraph.graph.stores.base import GraphStore, PathQuery
from partnergraph.graph.stores.neo4j.connection import Neo4jSettings, WriteQueryRefused
from partnergraph.graph.stores.neo4j.load import load
from partnergraph.graph.stores.neo4j.query import run_cypher
from partnergraph.graph.stores.neo4j.status import status
from partnergraph.graph.stores.neo4j.store import Neo4jStore

pytestmark = pytest.mark.neo4j

LONG_QUERY = "UNWIND range(1, 4000000000) AS i WITH i WHERE i % 7 = 99 RETURN count(i) AS n"


def as_settings(s) -> Neo4jSettings:
    return Neo4jSettings(uri=s.uri, username=s.username, password=s.password, database=s.database)


def cli_env(settings: Neo4jSettings) -> dict:
    return {"NEO4J_URI": settings.uri, "NEO4J_USERNAME": settings.username, "NEO4J_PASSWORD": settings.password,
            "NEO4J_DATABASE": settings.database or "neo4j"}


@pytest.fixture(scope="module")
def settings(neo4j_settings):
    return as_settings(neo4j_settings)


@pytest.fixture(scope="module")
def seed():
    return load_graph()


@pytest.fixture(scope="module")
def small():
    """The small synthetic dataset (2,200 nodes, 7,703 relationships)."""
    with tempfile.TemporaryDirectory() as folder:
        write_dataset(generate(*SIZES["small"], seed=1), folder)
        return load_graph([folder])


def count(settings: Neo4jSettings, cypher: str = "MATCH (n:PartnerGraph) RETURN count(n)") -> int:
    return run_cypher(settings, cypher)[1][0][0]


class Stop(Exception):
    """Raised by a progress callback to cut a load short after some transactions."""


def cut_after(transactions: int):
    seen = []

    def progress(rows: int) -> None:
        seen.append(rows)
        if len(seen) >= transactions:
            raise Stop()

    return progress


def renamed(G):
    """G with every node's name changed: the same ids, labels and counts, other contents."""
    H = G.copy()
    for _, attrs in H.nodes(data=True):
        attrs["name"] = attrs["name"] + " (v2)"
    return H


# --- wipe at size ---------------------------------------------------------------------------


def test_wipe_through_the_cli_counts_and_spares_other_nodes(settings, seed):
    load(settings, seed, wipe_first=True)
    run_cypher(settings, "CREATE (:Mine {id: 'm1'})-[:LIKES]->(:Mine {id: 'm2'})", write=True)
    try:
        result = CliRunner().invoke(cli, ["neo4j", "wipe", "--yes"], env=cli_env(settings))
        assert result.exit_code == 0, result.output
        assert "Deleted 35 nodes" in result.output
        assert count(settings) == 0
        assert count(settings, "MATCH (:Mine)-[:LIKES]->(:Mine) RETURN count(*)") == 1
    finally:
        run_cypher(settings, "MATCH (n:Mine) DETACH DELETE n", write=True)


# --- load --wipe never empties; status cannot lie --------------------------------------------


def test_load_wipe_cut_short_never_leaves_an_empty_database(settings, seed, small):
    load(settings, seed, wipe_first=True)
    with pytest.raises(Stop):
        load(settings, small, wipe_first=True, batch_size=500, progress=cut_after(2))
    assert count(settings) >= seed.number_of_nodes()  # the old graph is still there (partly updated)
    assert not status(settings, small).in_sync and not status(settings, seed).in_sync
    report = load(settings, small, wipe_first=True)  # the same load again finishes the job
    assert report.wiped_nodes == seed.number_of_nodes() + len(seed.graph["sources"])
    st = status(settings, small)
    assert st.in_sync, (st.missing_nodes[:3], st.extra_nodes[:3], st.changed_nodes[:3])
    load(settings, seed, wipe_first=True)
    assert status(settings, seed).in_sync


def test_a_load_cut_short_with_the_same_ids_is_out_of_sync(settings, seed):
    """Counts and ids agree with the dataset; only the checksum of the contents can tell."""
    load(settings, seed, wipe_first=True)
    v2 = renamed(seed)
    with pytest.raises(Stop):
        load(settings, v2, batch_size=5, progress=cut_after(2))
    st = status(settings, v2)
    assert all(c.difference == 0 for c in st.labels + st.types)
    assert not (st.missing_nodes or st.extra_nodes or st.missing_relationships or st.extra_relationships)
    assert st.changed_nodes and st.checksum_neo4j != st.checksum_dataset and not st.in_sync
    load(settings, v2)
    assert status(settings, v2).in_sync
    load(settings, seed)
    assert status(settings, seed).in_sync


@pytest.mark.parametrize("edit, field", [
    ("MATCH (n:PartnerGraph {id: 'viet-nam'}) SET n.name = 'Vietnam!'", "changed_nodes"),
    ("MATCH (n {id: 'viet-nam'})-[e:EVIDENCED_BY]->() WITH e LIMIT 1 SET e.quote = 'forged'", "changed_nodes"),
    ("MATCH ()-[r {id: 'eu--party_to--eu-rok-fpa'}]->() SET r.status = 'proposed'", "changed_relationships"),
    ("MATCH (n:PartnerGraph {id: 'viet-nam'}) SET n:Person", "changed_nodes"),
])
def test_status_check_sees_a_changed_content(settings, seed, edit, field):
    load(settings, seed, wipe_first=True)
    run_cypher(settings, edit, write=True)
    try:
        st = status(settings, seed)
        assert getattr(st, field) and not st.in_sync
        result = CliRunner().invoke(cli, ["neo4j", "status", "--check"], env=cli_env(settings))
        assert result.exit_code == 1 and "Not in sync" in result.output and "(differ)" in result.output
    finally:
        run_cypher(settings, "MATCH (n:PartnerGraph {id: 'viet-nam'}) REMOVE n:Person", write=True)
        load(settings, seed, wipe_first=True)
    assert status(settings, seed).in_sync


def test_load_wipe_through_the_cli_says_what_it_deleted(settings, seed):
    load(settings, seed)
    run_cypher(settings, "CREATE (:PartnerGraph:Actor:State {id: 'atlantis', name: 'Atlantis'})", write=True)
    result = CliRunner().invoke(cli, ["neo4j", "load", "--wipe"], env=cli_env(settings))
    assert result.exit_code == 0, result.output
    assert "Deleted 1 nodes and 0 relationships the dataset no longer has." in result.output
    assert status(settings, seed).in_sync


# --- classification by the server -----------------------------------------------------------


@pytest.mark.parametrize("cypher", ["TERMINATE TRANSACTIONS 'neo4j-transaction-999999'",
                                    "CALL db.createLabel('Zzz')", "CREATE USER x IF NOT EXISTS SET PASSWORD 'abcdefghijk'"])
def test_administration_and_writes_are_refused_without_write(settings, cypher):
    with pytest.raises(WriteQueryRefused):
        run_cypher(settings, cypher)
    result = CliRunner().invoke(cli, ["query", cypher, "--backend", "neo4j"], env=cli_env(settings))
    assert result.exit_code == 1 and "add --write" in result.output, result.output


def test_reads_of_the_server_state_run_and_terminate_runs_with_write(settings):
    columns, rows = run_cypher(settings, "SHOW TRANSACTIONS YIELD transactionId RETURN count(*) AS n")
    assert columns == ["n"] and rows[0][0] >= 1
    columns, rows = run_cypher(settings, "TERMINATE TRANSACTIONS 'neo4j-transaction-999999'", write=True)
    assert "transactionId" in columns and rows[0][columns.index("message")] == "Transaction not found."


# --- Ctrl-C and --timeout end the server transaction ------------------------------------------


def _running(settings, text: str) -> list:
    return [r for r in run_cypher(settings, "SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery")[1]
            if text in (r[0] or "") and "SHOW TRANSACTIONS" not in r[0]]


def _query_process(settings, *extra: str) -> subprocess.Popen:
    env = {**os.environ, **cli_env(settings)}
    return subprocess.Popen([sys.executable, "-m", "partnergraph.cli.main", "query", LONG_QUERY, "--backend", "neo4j", *extra],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_ctrl_c_ends_the_server_transaction_and_exits_130(settings):
    proc = _query_process(settings)
    try:
        deadline = time.monotonic() + 60
        while not _running(settings, "4000000000"):
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.2)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, (out, err)
    assert err.strip().splitlines() == ["Error: the query was interrupted (Ctrl-C); its transaction on the server "
                                        "was terminated"], err
    assert took < 10
    assert not _running(settings, "4000000000")


def test_timeout_ends_the_server_transaction_and_exits_1(settings):
    proc = _query_process(settings, "--timeout", "1")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, (out, err)
    assert err.strip().splitlines() == ["Error: the query ran past its timeout and the server stopped it."], err
    assert not _running(settings, "4000000000")


# --- the store --------------------------------------------------------------------------------


def test_the_neo4j_store_follows_the_protocol_with_one_driver(settings, seed):
    with Neo4jStore.open(settings) as store:
        assert isinstance(store, GraphStore)
        store.load(seed, wipe_first=True)
        assert store.node("viet-nam")["name"] == "Viet Nam" and store.node("nope") is None
        u, v, data = store.edge("eu--party_to--eu-rok-fpa")
        assert (u, v, data["type"]) == ("eu", "eu-rok-fpa", "party_to")
        native = store.shortest_paths("republic-of-korea", "viet-nam", PathQuery())
        fetched = store.shortest_paths("republic-of-korea", "viet-nam", PathQuery(avoid=("person",)))
        assert [p.nodes for p in native] == [p.nodes for p in fetched]
        assert store.cypher("MATCH (n:State {id: $id}) RETURN n.name", {"id": "viet-nam"})[1] == [["Viet Nam"]]
        assert store.status(seed).in_sync
        driver = store.connection.driver
        assert all(store.connection.driver is driver for _ in range(2))
