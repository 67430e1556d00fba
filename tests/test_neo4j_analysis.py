"""Paths and centrality on Neo4j give the networkx answers, on the seed and on a synthetic graph."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from partnergraph.graph.stores import neo4j_store as nb
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.analysis.centrality import MEASURES, centrality
from partnergraph.graph.analysis.paths import TIE_LIMIT, NoPath, find_paths
from partnergraph.graph.analysis.filters import parse_status
from partnergraph.graph.model.synthetic import SIZES, generate, write_dataset
from partnergraph.graph.stores.base import PathQuery, native_path_query
from partnergraph.graph.stores.routing import open_store

pytestmark = pytest.mark.neo4j


def as_settings(s) -> nb.Neo4jSettings:
    get = (lambda k: s[k]) if isinstance(s, dict) else (lambda k: getattr(s, k))
    return nb.Neo4jSettings(uri=get("uri"), username=get("username"), password=get("password"), database=get("database"))


def graph_data(G: nx.MultiDiGraph) -> tuple:
    nodes = {n: dict(a) for n, a in G.nodes(data=True)}
    edges = {k: (u, v, dict(d)) for u, v, k, d in G.edges(keys=True, data=True)}
    return nodes, edges, G.graph["sources"]


def networkx_paths(G, a, b, **kw) -> list:
    try:
        return find_paths(G, a, b, status="all", **kw)  # Neo4j's shortest paths count every tie
    except NoPath:
        return []


def assert_same_paths(G, settings, pairs) -> int:
    """Both backends agree on every pair, in every mode; return how many pairs had a path."""
    connected = 0
    for a, b in pairs:
        for directed in (False, True):
            every = networkx_paths(G, a, b, all_paths=True, directed=directed)
            got = nb.neo4j_shortest_paths(settings, a, b, all_paths=True, directed=directed)
            assert sorted(got, key=lambda p: p.nodes) == sorted(every, key=lambda p: p.nodes), (a, b, directed)
            if len(every) <= TIE_LIMIT:  # above it networkx ranks only the first TIE_LIMIT it meets
                assert nb.neo4j_shortest_paths(settings, a, b, directed=directed) == networkx_paths(G, a, b, directed=directed)
            connected += bool(every)
        if every:
            hops = len(every[0].edges)
            assert nb.neo4j_shortest_paths(settings, a, b, max_hops=hops - 1 or 1, all_paths=True) == (
                networkx_paths(G, a, b, max_hops=hops - 1 or 1, all_paths=True))
    return connected


def assert_same_centrality(G, H) -> None:
    """centrality() ranks the same nodes with the same scores on the built and the fetched graph."""
    for measure in MEASURES:
        for projection in (None, "actors"):
            want = centrality(G, measure, projection=projection, top=None, explain=3)
            got = centrality(H, measure, projection=projection, top=None, explain=3)
            assert (got["nodes"], got["edges"]) == (want["nodes"], want["edges"])
            # the same scores node by node; the order among exactly tied scores may differ by float noise
            assert {r["id"]: r["score"] for r in got["rows"]} == pytest.approx({r["id"]: r["score"] for r in want["rows"]}, abs=2e-6)
            whys = {r["id"]: r["why"] for r in want["rows"] if r["why"]}
            assert all(whys[r["id"]] == r["why"] for r in got["rows"] if r["why"] and r["id"] in whys)


@pytest.fixture(scope="class")
def seed_loaded(neo4j_settings):
    settings = as_settings(neo4j_settings)
    G = load_graph()
    nb.load(settings, G, wipe_first=True)
    return settings, G


@pytest.fixture(scope="class")
def synthetic_loaded(neo4j_settings, tmp_path_factory):
    settings = as_settings(neo4j_settings)
    folder = tmp_path_factory.mktemp("synthetic")
    write_dataset(generate(*SIZES["tiny"], seed=3), folder)
    G = load_graph([folder])
    nb.load(settings, G, wipe_first=True)
    yield settings, G
    nb.load(settings, load_graph(), wipe_first=True)  # leave the seed for whoever comes next


class TestSeed:
    @pytest.fixture
    def loaded(self, seed_loaded):
        return seed_loaded

    def test_fetch_graph_gives_back_the_built_graph(self, loaded):
        settings, G = loaded
        H = nb.fetch_graph(settings)
        assert graph_data(H) == graph_data(G)
        assert H.number_of_edges() == G.number_of_edges() == 50

    def test_the_korea_viet_nam_path(self, loaded):
        settings, G = loaded
        [p] = nb.neo4j_shortest_paths(settings, "republic-of-korea", "viet-nam")
        assert p.nodes == ["republic-of-korea", "eu-rok-fpa", "eu", "eu-viet-nam-fpa", "viet-nam"]
        assert p == find_paths(G, "republic-of-korea", "viet-nam")[0]
        assert all("evidence" not in n and not n.startswith("eu-press") for n in p.nodes)

    def test_paths_match_networkx_for_every_actor_pair(self, loaded):
        settings, G = loaded
        actors = sorted(n for n, a in G.nodes(data=True) if a["family"] == "actor")
        pairs = [(a, b) for i, a in enumerate(actors) for b in actors[i + 1 :]][::3]
        assert assert_same_paths(G, settings, pairs) > len(pairs) // 2

    def test_unknown_ids_and_same_ends(self, loaded):
        settings, _ = loaded
        with pytest.raises(nb.Neo4jBackendError, match="no node with id 'atlantis'"):
            nb.neo4j_shortest_paths(settings, "atlantis", "eu")
        with pytest.raises(nb.Neo4jBackendError, match="no node with id 'eu-press-2019-10-17'"):
            nb.neo4j_shortest_paths(settings, "eu", "eu-press-2019-10-17")  # sources are not on paths
        assert nb.neo4j_shortest_paths(settings, "eu", "eu")[0].nodes == ["eu"]

    def test_centrality_is_the_same(self, loaded):
        settings, G = loaded
        assert_same_centrality(G, nb.fetch_graph(settings))

    def test_no_path_is_nopath_from_the_neo4j_store_as_from_memory(self, loaded):
        settings, G = loaded
        question = PathQuery(max_hops=1, status=parse_status("all"))  # 4 hops apart: none within 1
        assert native_path_query(question)  # answered by the server, not the networkx search
        with pytest.raises(NoPath):
            open_store("local", graph=G).shortest_paths("republic-of-korea", "viet-nam", question)
        with open_store("neo4j", settings=settings) as server:
            with pytest.raises(NoPath, match="no path between Republic of Korea and Viet Nam in Neo4j within 1 hops"):
                server.shortest_paths("republic-of-korea", "viet-nam", question)
            assert server.shortest_paths("republic-of-korea", "viet-nam", PathQuery(status=parse_status("all")))

    def test_gds_is_detected_not_required(self, loaded):
        settings, _ = loaded
        assert nb.server_info(settings).gds_version is None  # the Community server of the tests has no plugin


class TestSynthetic:
    @pytest.fixture
    def loaded(self, synthetic_loaded):
        return synthetic_loaded

    def test_fetch_graph_gives_back_the_built_graph(self, loaded):
        settings, G = loaded
        assert graph_data(nb.fetch_graph(settings)) == graph_data(G)

    def test_paths_match_networkx(self, loaded):
        settings, G = loaded
        rng = random.Random(7)
        nodes = sorted(G.nodes)
        pairs = [tuple(rng.sample(nodes, 2)) for _ in range(25)]
        assert assert_same_paths(G, settings, pairs) >= 20

    def test_centrality_is_the_same(self, loaded):
        settings, G = loaded
        assert_same_centrality(G, nb.fetch_graph(settings))
