"""Centrality and the actor projection, checked against networkx's reference functions."""

import json
from collections import Counter

import networkx as nx
import pytest
from click.testing import CliRunner
from networkx.algorithms import bipartite

from partnergraph.cli.main import cli
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.analysis.centrality import MEASURES, REGISTRY, analysis_graph, centrality, scores
from partnergraph.graph.analysis.filters import counted
from partnergraph.graph.analysis.projection import actor_projection, bipartite_links
from partnergraph.graph.model.synthetic import SIZES, generate, write_dataset


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synthetic")
    write_dataset(generate(*SIZES["tiny"], seed=5), folder)
    return load_graph([folder])


def _same_projection(P1, P2):
    assert set(P1.nodes) == set(P2.nodes)
    assert {frozenset(e) for e in P1.edges} == {frozenset(e) for e in P2.edges}
    for u, v, d in P1.edges(data=True):
        assert d == P2.edges[u, v]


@pytest.mark.parametrize("graph", ["G", "synthetic"])
def test_sparse_and_networkx_projections_are_the_same_graph(graph, request):
    H = request.getfixturevalue(graph)
    _same_projection(actor_projection(H, method="networkx"), actor_projection(H, method="sparse"))


def test_projection_weights_are_the_shared_instrument_counts(synthetic):
    B = bipartite_links(synthetic)
    actors = [n for n, s in B.nodes.data("bipartite") if s == 0]
    reference = bipartite.weighted_projected_graph(B, actors)
    P = actor_projection(synthetic)
    for u, v, d in P.edges(data=True):
        direct = [e["type"] for a, b in ((u, v), (v, u)) if synthetic.has_edge(a, b) for e in synthetic[a][b].values()]
        shared = reference.edges[u, v]["weight"] if reference.has_edge(u, v) else 0
        assert d["weight"] == shared + len(direct) and len(d["instruments"]) == shared == sum(d["by_kind"].values())
        assert d["relations"] == sorted(set(direct))
        assert set(d["instruments"]) == set(B[u]) & set(B[v])
        assert d["by_kind"] == dict(Counter(synthetic.nodes[i]["kind"] for i in d["instruments"]))
    pairs = {frozenset((u, v)) for u, v in synthetic.edges() if u != v
             and synthetic.nodes[u]["family"] == synthetic.nodes[v]["family"] == "actor"}
    assert pairs and pairs <= {frozenset(e) for e in P.edges}  # every direct relation is a link


def test_seed_projection_lists_the_shared_instruments_and_direct_relations(G):
    P = actor_projection(G)  # the projection of the graph given: every tie
    assert P.edges["eu", "viet-nam"]["instruments"][:2] == ["csdp-missions", "eu-viet-nam-fpa"]
    assert not P.has_edge("republic-of-korea", "viet-nam")
    assert P.edges["eu", "eu-delegation-to-viet-nam"]["relations"] == ["part_of"]
    assert P.edges["julien-guerrier", "viet-nam"] == {"weight": 1, "by_kind": {}, "relations": ["supports"], "instruments": []}
    Q = actor_projection(counted(G))  # as analyses take it: ties in place
    assert Q.edges["eu", "viet-nam"]["instruments"] == ["eu-viet-nam-fpa", "eu-viet-nam-security-defence-partnership"]
    assert Q.degree("japan") == 0 and P.has_edge("eu", "japan")
    assert all(Q.degree(a) > 0 for a in ("eu-delegation-to-viet-nam", "julien-guerrier", "to-lam"))


@pytest.mark.parametrize("projection", ["full", "actors"])
def test_scores_match_networkx_reference_functions(synthetic, projection):
    U = analysis_graph(synthetic, projection)
    reference = {
        "degree": dict(U.degree()),
        "weighted_degree": dict(U.degree(weight="weight")),
        "betweenness": nx.betweenness_centrality(U),
        "closeness": nx.closeness_centrality(U),
        "pagerank": nx.pagerank(U, weight="weight"),
    }
    for measure, expected in reference.items():
        got = scores(U, measure)
        assert got == pytest.approx(expected, abs=1e-9), measure
    largest = U.subgraph(max(nx.connected_components(U), key=len))
    eig = scores(U, "eigenvector")
    assert {n: eig[n] for n in largest} == pytest.approx(nx.eigenvector_centrality_numpy(largest, weight="weight"), abs=1e-9)


@pytest.mark.parametrize("engine", ["networkx", "igraph"])
def test_sampled_betweenness_matches_networkx_and_is_reproducible(synthetic, engine):
    U = analysis_graph(synthetic)
    expected = nx.betweenness_centrality(U, k=20, seed=7)
    got = scores(U, "betweenness", sample=20, seed=7, engine=engine)
    assert got == pytest.approx(expected, abs=1e-12)
    assert scores(U, "betweenness", sample=20, seed=7, engine=engine) == got
    assert scores(U, "betweenness", sample=20, seed=8, engine=engine) != got


def test_exact_igraph_betweenness_equals_networkx(synthetic):
    U = analysis_graph(synthetic, "actors")
    assert scores(U, "betweenness", engine="igraph") == pytest.approx(nx.betweenness_centrality(U), abs=1e-12)


def test_eu_ranks_first_on_actor_betweenness_and_the_why_comes_from_the_data(G):
    result = centrality(G, "betweenness", projection="actors")
    first = result["rows"][0]
    assert first["name"] == "European Union" and result["method"] == "exact"
    assert first["why"].startswith("bridges India and Viet Nam (no direct link) through 1 agreement, 1 cooperation")
    assert result["counted"]["status"] == "in-place"
    assert first["score"] == pytest.approx(nx.betweenness_centrality(analysis_graph(G, "actors"))["eu"], abs=1e-6)


def test_viet_nam_does_not_bridge_through_a_tie_not_yet_taken_up(G):
    rows = centrality(G, "betweenness", projection="actors", top=None, explain=20)["rows"]
    vn = next(r for r in rows if r["id"] == "viet-nam")
    assert "CSDP" not in vn["why"] and "United Nations" not in vn["why"].split(";")[0]
    every = centrality(G, "betweenness", projection="actors", top=None, explain=20, status="all")["rows"]
    assert "CSDP missions" in next(r for r in every if r["id"] == "viet-nam")["why"]  # counted only with --status all
    japan = next(r for r in rows if r["id"] == "japan")
    assert japan["score"] == 0 and japan["why"].startswith("shares no instrument")
    full = {r["id"] for r in centrality(G, "pagerank", top=None)["rows"]}
    assert "eu-japan-security-defence-partnership" not in full
    assert "eu-japan-security-defence-partnership" in {r["id"] for r in centrality(G, "pagerank", top=None, status="all")["rows"]}


def test_kind_filters_the_listing_and_as_of_the_graph(G):
    rows = centrality(G, "degree", kind=["state"], top=None)["rows"]
    assert {r["kind"] for r in rows} == {"state"} and len(rows) == 5
    early = centrality(G, "degree", as_of="2019-09-01", top=None)
    assert "eu-viet-nam-fpa" not in {r["id"] for r in early["rows"]}


def run(*args, code=0):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_cli_centrality_betweenness_on_actors():
    out = run("centrality", "--measure", "betweenness", "--projection", "actors")
    assert out.splitlines()[0].startswith("betweenness on the actor projection (14 nodes, 19 links); exact")
    assert out.splitlines()[1] == "Counted: ties in place (signed, in force, ongoing, held, completed, or no status stated)."
    assert out.splitlines()[4].split()[1:3] == ["European", "Union"]
    assert "(14 nodes, 20 links)" in run("centrality", "-m", "betweenness", "--projection", "actors", "--status", "all")


def test_cli_centrality_sampled_says_so_and_json():
    data = json.loads(run("centrality", "-m", "betweenness", "--sample", "5", "--seed", "3", "--format", "json"))
    assert data["method"] == "sampled: 5 seeded sources (seed 3)"
    again = json.loads(run("centrality", "-m", "betweenness", "--sample", "5", "--seed", "3", "--format", "json"))
    assert again["rows"] == data["rows"]


@pytest.mark.parametrize("measure", MEASURES)
def test_cli_every_measure_runs(measure):
    assert "European Union" in run("centrality", "-m", measure, "--projection", "actors", "--top", "3")


def test_cli_measure_choice_is_the_registry():
    from partnergraph.cli.analysis import centrality as command

    [option] = [p for p in command.params if p.name == "measure"]
    assert tuple(option.type.choices) == MEASURES == tuple(REGISTRY)


def test_cli_centrality_bad_kind():
    assert "--kind: unknown kind 'planet'" in run("centrality", "--kind", "planet", code=1)


def test_cli_structure_and_common():
    out = run("structure")
    assert "Brokers (articulation points)" in out and "European Union" in out
    out = run("common", "Republic of Korea", "Viet Nam")
    assert out.splitlines()[1] == "Republic of Korea and Viet Nam share nothing directly; 1 common partner(s)."
    assert "EU–Republic of Korea Framework Participation Agreement" in out
    assert "is an instrument" in run("common", "ESIWA", "VN", code=1)
