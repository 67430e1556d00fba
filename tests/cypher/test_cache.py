"""The on-disk cache of the embedded database: reused, rebuilt when the data change, never trusted when damaged."""

from __future__ import annotations

import json
import os
import shutil
import time

import pytest
from click.testing import CliRunner
from harness import dataset_graph, difference, load_suite

from partnergraph.cli.main import cli
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.stores.cypher.cache import DATABASE, MARKER, cache_key, cache_root, cached_engine
from partnergraph.graph.stores.cypher.engine import EmbeddedCypher

QUERY = ("MATCH (a)-[:PARTY_TO]->(i)<-[:PARTY_TO]-(b) WHERE a.short_name = 'EU' "
         "RETURN b.name, i.name ORDER BY b.name, i.name")


@pytest.fixture(scope="module")
def seed():
    return load_graph()


@pytest.fixture(scope="module")
def expected(seed):
    engine = EmbeddedCypher(seed)
    rows = engine.query(QUERY).rows
    engine.close()
    return rows


@pytest.fixture(scope="module")
def built(seed, tmp_path_factory):
    """A cache folder holding the seed's entry, built once for the module."""
    folder = tmp_path_factory.mktemp("built")
    assert cached_engine(seed, folder)[1] == "built"
    return folder


@pytest.fixture
def warm(built, tmp_path):
    """A private copy of the built cache folder."""
    shutil.copytree(built, tmp_path, dirs_exist_ok=True)
    return tmp_path


def answer(G, folder):
    engine, how = cached_engine(G, folder)
    try:
        return engine.query(QUERY).rows, how
    finally:
        engine.close()


def entries(folder):
    root = cache_root(folder)
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_built_once_then_reused(seed, expected, tmp_path):
    assert answer(seed, tmp_path) == (expected, "built")
    assert answer(seed, tmp_path) == (expected, "cached")
    assert entries(tmp_path) == [cache_key(seed)]
    entry = cache_root(tmp_path) / cache_key(seed)
    assert sorted(p.name for p in entry.iterdir()) == [MARKER, DATABASE]  # no leftovers (WAL, temp files)


def test_changed_data_builds_a_new_database(seed, expected, warm):
    tmp_path = warm
    changed = seed.copy()
    changed.nodes["republic-of-korea"]["name"] = "Korea (Republic of)"
    rows, how = answer(changed, tmp_path)
    names = {row[0] for row in rows}
    assert how == "built" and "Korea (Republic of)" in names and "Republic of Korea" not in names
    assert "Republic of Korea" in {row[0] for row in expected}
    assert len(entries(tmp_path)) == 2
    assert answer(seed, tmp_path) == (expected, "cached")  # the first entry is still valid


@pytest.mark.parametrize("damage", ["truncate", "flip a byte", "no marker", "marker of another key", "garbage marker"])
def test_a_damaged_entry_is_never_used(seed, expected, warm, damage):
    tmp_path = warm
    entry = cache_root(tmp_path) / cache_key(seed)
    database, marker = entry / DATABASE, entry / MARKER
    if damage == "truncate":
        database.write_bytes(database.read_bytes()[: database.stat().st_size // 2])
    elif damage == "flip a byte":
        data = bytearray(database.read_bytes())
        data[len(data) // 3] ^= 0xFF
        database.write_bytes(bytes(data))
    elif damage == "no marker":  # what a build killed before its last step would leave, were it not renamed
        marker.unlink()
    elif damage == "marker of another key":
        content = json.loads(marker.read_text())
        marker.write_text(json.dumps({**content, "key": "0" * 64}))
    else:
        marker.write_text("{not json")
    assert answer(seed, tmp_path) == (expected, "built")
    assert answer(seed, tmp_path) == (expected, "cached")


def test_stale_build_folders_are_cleaned_fresh_ones_left_alone(seed, tmp_path):
    root = cache_root(tmp_path)
    root.mkdir(parents=True)  # (cleaning happens when an entry is built)
    stale, fresh = root / ".build-crashed", root / ".build-running"
    stale.mkdir()
    fresh.mkdir()
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    answer(seed, tmp_path)
    assert entries(tmp_path) == [".build-running", cache_key(seed)]


def test_unusable_cache_folder_falls_back_to_memory(seed, expected, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    assert answer(seed, blocker) == (expected, "memory")


def test_cached_database_is_opened_read_only(seed, warm):
    engine, how = cached_engine(seed, warm)
    assert how == "cached"
    with pytest.raises(RuntimeError, match="(?i)read.only"):
        engine._conn.execute("CREATE (:State {id: 'x'})")
    engine.close()


def test_cli_uses_the_cache_unless_told_not_to(tmp_path):
    env = {"PARTNERGRAPH_CACHE": str(tmp_path)}
    first = CliRunner().invoke(cli, ["query", QUERY, "-f", "json"], env=env)
    second = CliRunner().invoke(cli, ["query", QUERY, "-f", "json"], env=env)
    assert first.exit_code == 0 and first.output == second.output
    assert len(entries(tmp_path)) == 1
    other = tmp_path / "other"
    uncached = CliRunner().invoke(cli, ["query", QUERY, "-f", "json", "--no-cache"], env={"PARTNERGRAPH_CACHE": str(other)})
    assert uncached.output == first.output and not other.exists()


@pytest.mark.parametrize("dataset", ["seed", "synthetic"])
def test_cached_engine_answers_every_supported_query_as_the_in_memory_one(dataset, tmp_path):
    """The conformance suite checks the cached engine against Neo4j; this pins memory == cached without a server."""
    G = dataset_graph(dataset)
    memory = EmbeddedCypher(G)
    cached, how = cached_engine(G, tmp_path)
    assert how == "built"
    compared = 0
    for query in (q for q in load_suite() if q.dataset == dataset and q.supported and not q.write):
        a, b = memory.query(query.cypher, query.params), cached.query(query.cypher, query.params)
        assert difference(query, (a.columns, a.rows), (b.columns, b.rows)) == "", query.name
        compared += 1
    assert compared >= 5
    memory.close()
    cached.close()
