"""The array engines behind centrality() and actor_projection() give networkx's reference answers.

The reference graphs here are built independently of graph/centrality.py (a plain loop over the
relations, networkx's bipartite projection), so the tests check the array construction too.
"""

from collections import Counter

import networkx as nx
import pytest
from networkx.algorithms import bipartite

from partnergraph.graph.model.build import load_graph
from partnergraph.graph.analysis.centrality import (
    MEASURES, CompactGraph, analysis_graph, centrality, compact_graph, sampled_sources, scores, undirected_weighted,
)
from partnergraph.graph.analysis.filters import counted
from partnergraph.graph.analysis.paths import parse_filters
from partnergraph.graph.analysis.projection import actor_projection, actor_weights, bipartite_links, edge_arrays
from partnergraph.graph.model.synthetic import SIZES, generate, write_dataset


def _synthetic(tmp_path_factory, size, seed):
    folder = tmp_path_factory.mktemp(f"synthetic-{size}")
    write_dataset(generate(*SIZES[size], seed=seed), folder)
    return load_graph([folder])


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return _synthetic(tmp_path_factory, "tiny", 11)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return _synthetic(tmp_path_factory, "small", 2)


def reference_full(G) -> nx.Graph:
    U = nx.Graph()
    U.add_nodes_from(G)
    for u, v in G.edges():
        w = U.edges[u, v]["weight"] + 1 if U.has_edge(u, v) else 1
        U.add_edge(u, v, weight=w)
    return U


def reference_actors(G) -> nx.Graph:
    B = bipartite_links(G)
    P = bipartite.weighted_projected_graph(B, sorted(n for n, s in B.nodes.data("bipartite") if s == 0))
    for u, v in G.edges():  # direct actor–actor relations weigh 1 each
        if u != v and G.nodes[u]["family"] == G.nodes[v]["family"] == "actor":
            w = P.edges[u, v]["weight"] + 1 if P.has_edge(u, v) else 1
            P.add_edge(u, v, weight=w)
    return P


def reference_scores(U: nx.Graph, measure: str, sample=None, seed=0) -> dict:
    """networkx's answer (the library's networkx engine, itself checked against networkx's functions below)."""
    return scores(U, measure, sample=sample, seed=seed, engine="networkx")


def _largest_component_eigenvector(U: nx.Graph) -> dict:
    largest = U.subgraph(max(nx.connected_components(U), key=len))
    return {**dict.fromkeys(U, 0.0), **nx.eigenvector_centrality_numpy(largest, weight="weight")}


#: Each measure as networkx computes it, called directly.
NETWORKX_CALLS = {
    "degree": lambda U: dict(U.degree()),
    "weighted_degree": lambda U: dict(U.degree(weight="weight")),
    "betweenness": nx.betweenness_centrality,
    "closeness": nx.closeness_centrality,
    "eigenvector": _largest_component_eigenvector,
    "pagerank": lambda U: nx.pagerank(U, weight="weight"),
}


def ranked_scores(result) -> dict:
    return {r["id"]: r["score"] for r in result["rows"]}


@pytest.mark.parametrize("projection", ["full", "actors"])
@pytest.mark.parametrize("measure", MEASURES)
def test_every_measure_equals_networkx_on_a_synthetic_graph(tiny, measure, projection):
    reference = (reference_full if projection == "full" else reference_actors)(counted(tiny))  # ties in place
    result = centrality(tiny, measure, projection=projection, top=None, explain=0)
    assert (result["nodes"], result["edges"]) == (reference.number_of_nodes(), reference.number_of_edges())
    expected = {n: round(s, 6) for n, s in reference_scores(reference, measure).items()}
    assert ranked_scores(result) == pytest.approx(expected, abs=2e-6)
    assert result["engine"] == {"betweenness": "igraph", "closeness": "igraph", "eigenvector": "scipy ARPACK"}.get(measure, "scipy")


@pytest.mark.parametrize("measure", ["pagerank", "eigenvector", "weighted_degree"])
def test_pagerank_and_eigenvector_on_the_small_synthetic_graph(small, measure):
    C = compact_graph(small)
    got = scores(C, measure)
    assert got == pytest.approx(reference_scores(reference_full(small), measure), abs=1e-9)


@pytest.mark.parametrize("projection", ["full", "actors"])
def test_sampled_betweenness_uses_networkx_sources_on_both_graphs(small, projection):
    reference = reference_full(small) if projection == "full" else reference_actors(small)
    got = scores(compact_graph(small, projection), "betweenness", sample=12, seed=4)
    assert got == pytest.approx(nx.betweenness_centrality(reference, k=12, seed=4), abs=1e-12)


def test_closeness_on_the_small_projection(small):
    reference = reference_actors(small)
    assert scores(compact_graph(small, "actors"), "closeness") == pytest.approx(nx.closeness_centrality(reference), abs=1e-12)


def awkward_graph() -> nx.Graph:
    """Weights, a self-loop, two components, an isolated node and a dangling pair: the edge cases of every measure."""
    U = nx.karate_club_graph()
    U.add_edge(0, 0, weight=3)
    U.add_edge("x", "y", weight=2)
    U.add_edge("y", "z")
    U.add_node("alone")
    return U


@pytest.mark.parametrize("measure", MEASURES)
def test_any_networkx_graph_is_converted_and_scored_like_networkx(measure):
    U = awkward_graph()
    expected = NETWORKX_CALLS[measure](U)
    assert scores(U, measure) == pytest.approx(expected, abs=1e-9)
    assert scores(U, measure, engine="networkx") == pytest.approx(expected, abs=1e-12)


def test_the_table_of_networkx_calls_covers_every_measure():
    assert set(NETWORKX_CALLS) == set(MEASURES)


def test_eigenvector_of_a_graph_without_links_is_zero_everywhere():
    U = nx.Graph()
    U.add_nodes_from("abc")
    assert scores(U, "eigenvector") == scores(U, "eigenvector", engine="networkx") == dict.fromkeys("abc", 0.0)


def test_analysis_graph_is_the_reference_graph_with_its_arrays_kept(tiny):
    U = analysis_graph(tiny)
    reference = reference_full(counted(tiny))  # analyses count ties in place by default
    assert list(U) == list(tiny) and dict(U.nodes["a00000"]) == dict(tiny.nodes["a00000"])
    assert {(frozenset((u, v)), w) for u, v, w in U.edges(data="weight")} == {
        (frozenset((u, v)), w) for u, v, w in reference.edges(data="weight")}
    P = analysis_graph(tiny, "actors")
    assert P.graph["projection"] == "actors" and P.nodes["a00000"]["kind"] == tiny.nodes["a00000"]["kind"]
    assert {frozenset(e) for e in P.edges} == {frozenset(e) for e in reference_actors(counted(tiny)).edges}
    U.add_edge("a00000", "a00001", weight=5)  # a changed graph is converted again, not scored from stale arrays
    assert scores(U, "weighted_degree")["a00000"] == reference_full(counted(tiny)).degree("a00000", weight="weight") + 5


def test_compact_and_networkx_graph_give_the_same_ranking(tiny):
    for measure in MEASURES:
        a = centrality(tiny, measure, projection="actors", top=8)
        b = centrality(tiny, measure, projection="actors", top=8, graph=analysis_graph(tiny, "actors"))
        c = centrality(tiny, measure, projection="actors", top=8, engine="networkx")
        assert a["rows"] == b["rows"]
        assert [r["id"] for r in a["rows"]] == [r["id"] for r in c["rows"]] or measure == "eigenvector"
        assert ranked_scores(a) == pytest.approx(ranked_scores(c), abs=2e-6)


def test_sampled_sources_are_drawn_from_the_node_order(tiny):
    C = compact_graph(tiny)
    assert isinstance(C, CompactGraph) and sampled_sources(C, 5, 1) == sampled_sources(analysis_graph(tiny), 5, 1)


def test_edge_arrays_count_parallel_edges_and_read_undirected_links_once():
    nodes, rows, cols, counts = edge_arrays(nx.MultiDiGraph([(1, 2), (1, 2), (2, 1), (3, 3)]))
    assert (nodes, rows.tolist(), cols.tolist(), counts.tolist()) == ([1, 2, 3], [0, 1, 2], [1, 0, 2], [2, 1, 1])
    nodes, rows, cols, counts = edge_arrays(nx.Graph([("a", "b"), ("b", "c"), ("c", "c")]))
    assert sorted(zip(rows.tolist(), cols.tolist())) == [(0, 1), (1, 2), (2, 2)] and counts.tolist() == [1, 1, 1]


def test_a_self_relation_is_one_link_of_its_own_weight():
    M = nx.MultiDiGraph([(1, 1), (1, 1), (1, 2), (2, 1)])
    assert sorted(undirected_weighted(M).edges(data="weight")) == [(1, 1, 2), (1, 2, 2)]
    assert scores(compact_graph(M), "weighted_degree") == dict(reference_full(M).degree(weight="weight")) == {1: 6, 2: 2}


def test_filtered_and_kind_restricted_projections_match_networkx(tiny):
    filters = parse_filters(tiny, via=["agreement"], avoid=["leads"])
    for kwargs in ({"instrument_filter": filters}, {"actor_kinds": {"state"}},
                   {"instrument_filter": filters, "actor_kinds": {"state", "union"}}):
        P1, P2 = actor_projection(tiny, method="networkx", **kwargs), actor_projection(tiny, method="sparse", **kwargs)
        assert list(P1.nodes(data=True)) == list(P2.nodes(data=True))
        assert {frozenset(e): d for *e, d in P1.edges(data=True)} == {frozenset(e): d for *e, d in P2.edges(data=True)}
        actors, W = actor_weights(tiny, **kwargs)
        assert actors == list(P2) and {(actors[i], actors[j]): int(W[i, j]) for i, j in zip(*W.nonzero()) if i < j} == {
            tuple(sorted((u, v))): w for u, v, w in P2.edges(data="weight")}


def test_projection_lists_are_ordered_in_place_first(tiny):
    P = actor_projection(tiny)
    weak = {"proposed", "sought", "interested", "not_yet"}
    for u, v, d in P.edges(data=True):
        keys = [(tiny.nodes[i].get("status") in weak, i) for i in d["instruments"]]
        assert keys == sorted(keys)
        assert d["by_kind"] == dict(sorted(Counter(tiny.nodes[i]["kind"] for i in d["instruments"]).items()))


def test_betweenness_and_closeness_split_over_worker_processes_give_the_same_scores(small, monkeypatch):
    from partnergraph.graph.analysis.centrality import engines as module

    C, P = compact_graph(small), compact_graph(small, "actors")
    alone = [scores(C, "betweenness", sample=16, seed=3), scores(P, "betweenness"), scores(P, "closeness")]
    monkeypatch.setattr(module, "PARALLEL_WORK", 0)  # split even these small jobs (when there are 2+ CPUs)
    split = [scores(C, "betweenness", sample=16, seed=3), scores(P, "betweenness"), scores(P, "closeness")]
    for a, b in zip(alone, split):
        assert b == pytest.approx(a, abs=1e-12)
    assert split[0] == pytest.approx(nx.betweenness_centrality(reference_full(small), k=16, seed=3), abs=1e-12)
    assert split[1] == pytest.approx(nx.betweenness_centrality(reference_actors(small)), abs=1e-12)
    assert split[2] == pytest.approx(nx.closeness_centrality(reference_actors(small)), abs=1e-12)


@pytest.mark.parametrize("processes", ["1", "2"])
def test_long_jobs_report_progress_in_pieces_and_keep_the_scores(tiny, monkeypatch, processes):
    from partnergraph.graph.analysis.centrality import engines as module

    monkeypatch.setattr(module, "PARALLEL_WORK", 0)  # every job counts as long: cut into pieces
    monkeypatch.setattr(module, "MIN_PIECE", 4)  # of 4 actors or more
    monkeypatch.setenv("PARTNERGRAPH_PROCESSES", processes)  # 1: pieces in this process; 2: in workers
    P = compact_graph(tiny, "actors")
    for measure, reference in (("betweenness", nx.betweenness_centrality), ("closeness", nx.closeness_centrality)):
        calls = []
        got = scores(P, measure, progress=lambda done, total: calls.append((done, total)))
        assert got == pytest.approx(reference(reference_actors(tiny)), abs=1e-12)
        n = P.number_of_nodes()
        assert len(calls) == n // 4 and calls[-1] == (n, n)
        assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_quick_jobs_report_no_progress(tiny):
    calls = []
    scores(compact_graph(tiny, "actors"), "betweenness", progress=lambda done, total: calls.append(done))
    assert calls == []


def test_cli_shows_a_progress_bar_only_for_long_jobs(monkeypatch):
    from click.testing import CliRunner

    from partnergraph.cli.main import cli
    from partnergraph.graph.analysis.centrality import engines as module

    args = ["centrality", "--measure", "betweenness", "--projection", "actors", "--top", "1"]
    quick = CliRunner().invoke(cli, args)
    assert quick.exit_code == 0 and "one search per node" not in quick.stderr
    monkeypatch.setattr(module, "PARALLEL_WORK", 0)
    long = CliRunner().invoke(cli, args)
    assert long.exit_code == 0, long.output
    assert "Exact betweenness: one search per node (--sample K is faster)" in long.stderr
    assert long.stdout == quick.stdout  # same ranking, same scores
