"""Paths between nodes: the library (find_paths, explain_path) and `partnergraph path`."""

import json
from datetime import date

import networkx as nx
import pytest
from click.testing import CliRunner

from partnergraph.cli.main import cli
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.analysis.paths import BadFilter, NoPath, Path, explain_path, find_paths, parse_filters
from partnergraph.graph.model.timeslice import as_of, effective_start, node_exists

FPA_CHAIN = ("Republic of Korea —party to→ EU–Republic of Korea Framework Participation Agreement ←party to— "
             "European Union —party to→ EU–Viet Nam Framework Participation Agreement ←party to— Viet Nam")


@pytest.fixture(scope="module")
def G():
    return load_graph()


def run(*args, code=0):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_rok_to_viet_nam_goes_through_the_two_fpas(G):
    [p] = find_paths(G, "republic-of-korea", "viet-nam")
    assert p == Path(["republic-of-korea", "eu-rok-fpa", "eu", "eu-viet-nam-fpa", "viet-nam"],
                     ["republic-of-korea--party_to--eu-rok-fpa", "eu--party_to--eu-rok-fpa",
                      "eu--party_to--eu-viet-nam-fpa", "viet-nam--party_to--eu-viet-nam-fpa"])
    e = explain_path(G, p)
    assert e["chain"] == FPA_CHAIN
    assert [h["arrow"] for h in e["hops"]] == ["→", "←", "→", "←"]
    assert [h["date"] for h in e["hops"]][2:] == ["17 Oct 2019", "17 Oct 2019"]
    assert e["hops"][0]["date"] == "no date given (reported by 17 Oct 2019)"
    assert all(h["evidence"] and h["evidence"][0]["source"] == "eu-press-2019-10-17" for h in e["hops"])
    assert e["sentence"].startswith("Republic of Korea and Viet Nam are 4 hops apart")


def test_the_chosen_path_is_one_of_networkx_shortest_paths(G):
    U = nx.Graph(G.to_undirected())
    [p] = find_paths(G, "japan", "india")
    assert p.nodes in list(nx.all_shortest_paths(U, "japan", "india"))
    assert len(find_paths(G, "japan", "india", all_paths=True)) == len(list(nx.all_shortest_paths(U, "japan", "india")))


def test_as_of_before_the_fpa_there_is_no_path_and_the_reason_is_given(G):
    with pytest.raises(NoPath) as info:
        find_paths(G, "republic-of-korea", "viet-nam", as_of="2019-01-01")
    assert "EU–Viet Nam Framework Participation Agreement: only from 17 Oct 2019" in str(info.value)
    [p] = find_paths(G, "republic-of-korea", "viet-nam", as_of="2019-10-17")
    assert "eu-viet-nam-fpa" in p.nodes


def test_timeslice_rules(G):
    assert effective_start(G, G.nodes["hrvp-visit-hanoi-2019"]).isoformat() == "2019-08-01"      # month: first day
    assert effective_start(G, G.nodes["eu-rok-fpa"]).isoformat() == "2019-10-17"                 # undated: source
    assert effective_start(G, G.nodes["eu-indonesia-naval-exercise"]).isoformat() == "2024-12-31"  # no year: source upper
    assert node_exists(G, "viet-nam", date(1900, 1, 1))  # undated actors always exist
    H = as_of(G, "2019-09-01")
    assert "hrvp-visit-hanoi-2019" in H and "eu-viet-nam-fpa" not in H
    assert all(u in H and v in H for u, v in H.edges())


def test_k_shortest_and_max_hops(G):
    paths = find_paths(G, "republic-of-korea", "viet-nam", k=3)
    assert len(paths) == 3 and paths[0].nodes[2] == "eu"
    assert [len(p) for p in paths] == sorted(len(p) for p in paths)
    with pytest.raises(NoPath, match="more than --max-hops 3"):
        find_paths(G, "republic-of-korea", "viet-nam", max_hops=3)


def test_via_and_avoid(G):
    [p] = find_paths(G, "republic-of-korea", "viet-nam", via=["agreement"])
    assert all(G.nodes[n]["kind"] == "agreement" for n in p.nodes if G.nodes[n]["family"] == "instrument")
    for p in find_paths(G, "japan", "viet-nam", all_paths=True, avoid=["eu-viet-nam-fpa", "person"]):
        assert "eu-viet-nam-fpa" not in p.nodes
        assert all(G.nodes[n]["kind"] != "person" for n in p.nodes)
    [p] = find_paths(G, "republic-of-korea", "viet-nam", avoid=["European Union"])
    assert "eu" not in p.nodes and "csdp" in p.nodes  # then only CSDP links them
    with pytest.raises(NoPath):
        find_paths(G, "japan", "viet-nam", avoid=["eu"])
    with pytest.raises(BadFilter):
        parse_filters(G, via=["not-a-kind"])


def test_directed_and_actors_only(G):
    with pytest.raises(NoPath, match="following edge directions"):
        find_paths(G, "republic-of-korea", "viet-nam", directed=True)
    [p] = find_paths(G, "republic-of-korea", "india", actors_only=True)
    assert p.nodes == ["republic-of-korea", "eu", "india"]
    hops = explain_path(G, p)["hops"]
    assert hops[0]["instruments"] == ["eu-rok-fpa", "eu-rok-security-defence-partnership"]


def test_cli_path_prints_the_chain_dates_and_sources():
    out = run("path", "Republic of Korea", "Viet Nam")
    assert FPA_CHAIN in out
    assert "17 Oct 2019" in out and "eu-press-2019-10-17: “" in out


def test_cli_path_as_of_2019_fails_cleanly():
    result = CliRunner().invoke(cli, ["path", "Republic of Korea", "Viet Nam", "--as-of", "2019-01-01"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: no path between Republic of Korea and Viet Nam as of 1 Jan 2019")
    assert "Traceback" not in result.output


def test_cli_path_json_csv_and_vietnamese():
    data = json.loads(run("path", "ROK", "VN", "--all", "--format", "json"))
    assert data[0]["chain"] == FPA_CHAIN and len(data) > 1
    csv_out = run("path", "ROK", "VN", "--format", "csv").splitlines()
    assert csv_out[0] == "path,hop,from,relation,to,date,status,sources,edge" and len(csv_out) == 5
    assert "Hàn Quốc —là bên của→" in run("path", "ROK", "VN", "--lang", "vi")


@pytest.mark.parametrize("args, message", [
    (["path", "ROK", "Atlantis"], "no actor or instrument is called 'Atlantis'"),
    (["path", "ROK", "VN", "--as-of", "yesterday"], "--as-of: bad date"),
    (["path", "ROK", "VN", "--via", "spaceship"], "--via 'spaceship' is no node kind"),
    (["path", "ROK", "ROK"], "are the same node"),
])
def test_cli_path_bad_input(args, message):
    out = run(*args, code=1)
    assert message in out and "Traceback" not in out
