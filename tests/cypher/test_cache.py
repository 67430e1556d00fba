"""The local engine's on-disk graph cache: keyed by the dataset files, never a stale or damaged entry."""

from __future__ import annotations

import json
import shutil
import time

import pytest
from click.testing import CliRunner
from harness import load_suite

from partnergraph.cli.main import cli
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.model.dataset import seed_path
from partnergraph.graph.stores.cypher.cache import cache_root, cached_engine, cached_graph, files_key
from partnergraph.graph.stores.cypher.engine import EmbeddedCypher

QUERY = "MATCH (s:State) RETURN s.name ORDER BY s.name"


class Loads:
    """load_graph, counting its calls (the warm path must not load or validate the dataset)."""

    def __init__(self):
        self.calls = 0

    def __call__(self, paths=None):
        self.calls += 1
        return load_graph(paths)


@pytest.fixture
def dataset(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(seed_path(), folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return folder


def test_built_once_then_reused_without_loading(dataset, tmp_path):
    loads = Loads()
    engine, how = cached_engine([dataset], loads, tmp_path / "c")
    assert how == "built" and loads.calls == 1
    expected = engine.query(QUERY).rows
    engine, how = cached_engine([dataset], loads, tmp_path / "c")
    assert how == "cached" and loads.calls == 1
    assert engine.query(QUERY).rows == expected == EmbeddedCypher(load_graph([dataset])).query(QUERY).rows


def test_changed_file_builds_a_new_graph(dataset, tmp_path):
    loads = Loads()
    cached_engine([dataset], loads, tmp_path / "c")
    before = files_key([dataset])
    target = next(p for p in sorted(dataset.iterdir()) if "Japan" in p.read_text("utf-8"))
    target.write_text(target.read_text("utf-8").replace("Japan", "Nippon"), "utf-8")
    assert files_key([dataset]) != before
    engine, how = cached_engine([dataset], loads, tmp_path / "c")
    assert how == "built" and loads.calls == 2
    assert ["Nippon"] in engine.query(QUERY).rows


@pytest.mark.parametrize("damage", ["truncate", "garbage", "wrong format"])
def test_a_damaged_entry_is_never_used(dataset, tmp_path, damage):
    loads = Loads()
    cached_engine([dataset], loads, tmp_path / "c")
    entry = cache_root(tmp_path / "c") / f"{files_key([dataset])}.json"
    text = entry.read_text("utf-8")
    if damage == "truncate":
        entry.write_text(text[: len(text) // 2], "utf-8")
    elif damage == "garbage":
        entry.write_bytes(b"\x00\xff" * 10)
    else:
        data = json.loads(text)
        data["format"] = -1
        entry.write_text(json.dumps(data), "utf-8")
    engine, how = cached_engine([dataset], loads, tmp_path / "c")
    assert how == "built" and loads.calls == 2
    assert len(engine.query(QUERY).rows) == 5


def test_unusable_cache_folder_falls_back_to_memory(dataset, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", "utf-8")
    engine, how = cached_engine([dataset], Loads(), blocker)
    assert how == "memory" and len(engine.query(QUERY).rows) == 5


def test_dates_and_lists_survive_the_cache(tmp_path):
    graph, _ = cached_graph(None, load_graph, tmp_path)
    again, how = cached_graph(None, load_graph, tmp_path)
    assert how == "cached"
    fresh = EmbeddedCypher(load_graph()).graph
    assert [(n.labels, n.props) for n in again.nodes] == [(n.labels, n.props) for n in fresh.nodes]
    assert [(r.type, r.start.idx, r.end.idx, r.props) for r in again.rels] == \
        [(r.type, r.start.idx, r.end.idx, r.props) for r in fresh.rels]


def test_cli_uses_the_cache_unless_told_not_to(tmp_path):
    env = {"PARTNERGRAPH_CACHE": str(tmp_path)}
    first = CliRunner().invoke(cli, ["query", QUERY, "--format", "json"], env=env)
    second = CliRunner().invoke(cli, ["query", QUERY, "--format", "json"], env=env)
    assert first.exit_code == 0 and first.output == second.output
    assert len(list((tmp_path / "cypher").glob("*.json"))) == 1
    other = tmp_path / "other"
    uncached = CliRunner().invoke(cli, ["query", QUERY, "--format", "json", "--no-cache"], env={"PARTNERGRAPH_CACHE": str(other)})
    assert uncached.output == first.output and not other.exists()


def test_cached_engine_answers_every_suite_query_as_the_in_memory_one(tmp_path):
    memory = EmbeddedCypher(load_graph())
    cached, _ = cached_engine(None, load_graph, tmp_path)
    cached, how = cached_engine(None, load_graph, tmp_path)
    assert how == "cached"
    for query in (q for q in load_suite() if q.dataset == "seed" and q.supported and not q.write):
        assert cached.query(query.cypher, query.params).rows == memory.query(query.cypher, query.params).rows, query.name


def test_warm_query_is_fast(tmp_path):
    cached_graph(None, load_graph, tmp_path)
    started = time.perf_counter()
    cached_engine(None, Loads(), tmp_path)[0].query(QUERY)
    assert time.perf_counter() - started < 2.0  # generous: a shared CI machine; typically ~20 ms
