"""Paths between nodes: the library (find_paths, explain_path) and `partnergraph path`."""

import json
from datetime import date

import networkx as nx
import pytest
from click.testing import CliRunner

from partnergraph.cli.main import cli
from partnergraph.graph.analysis.paths import BadFilter, NoPath, Path, explain_path, find_paths, parse_filters
from partnergraph.graph.analysis.filters import counted
from partnergraph.graph.model.timeslice import as_of, effective_start, node_exists, standing

FPA_CHAIN = ("Republic of Korea —party to→ EU–Republic of Korea Framework Participation Agreement ←party to— "
             "European Union —party to→ EU–Viet Nam Framework Participation Agreement ←party to— Viet Nam")


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
    U = nx.Graph(counted(G, "all").to_undirected())
    [p] = find_paths(G, "japan", "india", status="all")
    assert p.nodes in list(nx.all_shortest_paths(U, "japan", "india"))
    assert len(find_paths(G, "japan", "india", all_paths=True, status="all")) == len(list(nx.all_shortest_paths(U, "japan", "india")))
    I = nx.Graph(counted(G).to_undirected())  # by default only ties in place: the same rule, on fewer ties
    [p] = find_paths(G, "republic-of-korea", "india")
    assert p.nodes in list(nx.all_shortest_paths(I, "republic-of-korea", "india"))


def test_a_tie_only_sought_counts_in_no_path_by_default(G):
    with pytest.raises(NoPath) as info:
        find_paths(G, "japan", "viet-nam")
    message = str(info.value)
    assert message.startswith("no path between Japan and Viet Nam counting ties in place")
    assert "Japan —party to→ EU–Japan security and defence partnership: sought (not counted)" in message
    [p] = find_paths(G, "japan", "viet-nam", status="all")
    assert "eu-japan-security-defence-partnership" in p.nodes
    [p] = find_paths(G, "japan", "viet-nam", status="in-place,sought")
    assert "eu-japan-security-defence-partnership" in p.nodes
    with pytest.raises(NoPath):  # not_yet alone does not join Japan to anyone
        find_paths(G, "japan", "viet-nam", status="not_yet")


def test_as_of_before_the_press_release_the_path_is_flagged_not_denied(G):
    [p] = find_paths(G, "republic-of-korea", "viet-nam", as_of="2019-01-01")
    assert p.nodes[:3] == ["republic-of-korea", "eu-rok-fpa", "eu"]
    # the EU–Viet Nam FPA has a known start (17 Oct 2019): absent on 1 Jan 2019, never used then
    assert "eu-viet-nam-fpa" not in p.nodes
    e = explain_path(G, p)
    assert e["as_of"] == "2019-01-01" and len(e["flags"]) == 4
    assert e["hops"][0]["flag"] == ("not attested before 17 Oct 2019; the data notes: Signed before the EU–Viet Nam FPA of "
                                    "17 Oct 2019; the source gives no date.")
    assert all(h["time"] == "not_attested" for h in e["hops"])
    assert "not attested by 1 Jan 2019" in e["sentence"]
    [later] = find_paths(G, "republic-of-korea", "viet-nam", as_of="2019-10-17")
    assert "eu-viet-nam-fpa" in later.nodes and not explain_path(G, later)["flags"]


def test_strict_as_of_gives_no_path_and_says_why(G):
    with pytest.raises(NoPath) as info:
        find_paths(G, "republic-of-korea", "viet-nam", as_of="2019-01-01", strict=True)
    message = str(info.value)
    assert message.startswith("no path between Republic of Korea and Viet Nam known on 1 Jan 2019")
    assert "EU–Republic of Korea Framework Participation Agreement: not attested before 17 Oct 2019" in message
    assert "EU–Viet Nam Framework Participation Agreement: only from 17 Oct 2019" in message


def test_timeslice_rules(G):
    assert effective_start(G, G.nodes["hrvp-visit-hanoi-2019"]).isoformat() == "2019-08-01"      # month: first day
    assert effective_start(G, G.nodes["eu-rok-fpa"]).isoformat() == "2019-10-17"                 # undated: source
    # no year, source "2023/2024": the first day consistent with both, never the last
    assert effective_start(G, G.nodes["eu-indonesia-naval-exercise"]).isoformat() == "2023-08-14"
    assert effective_start(G, G.nodes["csdp-missions"]).isoformat() == "2019-10-17"  # the earliest of two sources
    assert node_exists(G, "viet-nam", date(1900, 1, 1))  # undated actors always exist
    H = as_of(G, "2019-09-01")
    assert "hrvp-visit-hanoi-2019" in H and "eu-viet-nam-fpa" not in H
    assert all(u in H and v in H for u, v in H.edges())
    assert standing(G, G.nodes["eu-rok-fpa"], "2019-01-01").state == "not_attested"
    assert standing(G, G.nodes["eu-viet-nam-fpa"], "2019-01-01").state == "absent"
    assert standing(G, G.nodes["eu-viet-nam-fpa"], "2019-10-17").state == "known"
    assert standing(G, G.nodes["east-sea-conference-2023"], "2023-01-01").state == "not_attested"  # mentioned 26 Oct 2023
    assert "eu-rok-fpa" in as_of(G, "2019-01-01", include_unattested=True)
    assert "eu-viet-nam-fpa" not in as_of(G, "2019-01-01", include_unattested=True)


def test_k_shortest_and_max_hops(G):
    paths = find_paths(G, "republic-of-korea", "viet-nam", k=3)
    assert len(paths) == 3 and paths[0].nodes[2] == "eu"
    assert [len(p) for p in paths] == sorted(len(p) for p in paths)
    with pytest.raises(NoPath, match="more than the 3 allowed"):
        find_paths(G, "republic-of-korea", "viet-nam", max_hops=3)


def test_via_and_avoid(G):
    [p] = find_paths(G, "republic-of-korea", "viet-nam", via=["agreement"])
    assert all(G.nodes[n]["kind"] == "agreement" for n in p.nodes if G.nodes[n]["family"] == "instrument")
    for p in find_paths(G, "japan", "viet-nam", all_paths=True, avoid=["eu-viet-nam-fpa", "person"], status="all"):
        assert "eu-viet-nam-fpa" not in p.nodes
        assert all(G.nodes[n]["kind"] != "person" for n in p.nodes)
    [p] = find_paths(G, "republic-of-korea", "viet-nam", avoid=["European Union"])
    assert "eu" not in p.nodes and "csdp" in p.nodes  # then only CSDP links them
    with pytest.raises(NoPath):
        find_paths(G, "japan", "viet-nam", avoid=["eu"], status="all")
    with pytest.raises(BadFilter):
        parse_filters(G, via=["not-a-kind"])


def test_directed_and_actors_only(G):
    with pytest.raises(NoPath, match="following edge directions"):
        find_paths(G, "republic-of-korea", "viet-nam", directed=True)
    [p] = find_paths(G, "republic-of-korea", "india", actors_only=True)
    assert p.nodes == ["republic-of-korea", "eu", "india"]
    hops = explain_path(G, p)["hops"]
    assert hops[0]["instruments"] == ["eu-rok-fpa"]  # the partnership only sought does not count
    [p] = find_paths(G, "to-lam", "eu", actors_only=True)  # direct relations count on the projection
    assert p.nodes == ["to-lam", "vn-ministry-of-public-security", "eu"]
    assert explain_path(G, p)["hops"][0]["type"] == "holds_office_in"


def test_cli_path_prints_the_chain_dates_and_sources():
    out = run("path", "Republic of Korea", "Viet Nam")
    assert FPA_CHAIN in out
    assert "17 Oct 2019" in out and "eu-press-2019-10-17: “" in out


def test_cli_path_as_of_2019_is_flagged_and_strict_fails_cleanly():
    out = run("path", "Republic of Korea", "Viet Nam", "--as-of", "2019-01-01")
    assert out.splitlines()[0].startswith("Counted: ties in place (signed, in force, ongoing, held, completed, or no status stated); "
                                          "as of 1 Jan 2019 (4 facts not attested yet by then, kept and flagged)")
    assert "⚑ not attested before 17 Oct 2019; the data notes: Signed before the EU–Viet Nam FPA" in out
    result = CliRunner().invoke(cli, ["path", "Republic of Korea", "Viet Nam", "--as-of", "2019-01-01", "--strict"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: no path between Republic of Korea and Viet Nam known on 1 Jan 2019")
    assert "not attested before 17 Oct 2019" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(cli, ["path", "ROK", "VN", "--strict"])  # an option the command cannot honour
    assert result.exit_code == 1 and "--strict only applies with --as-of" in result.output


def test_cli_path_status_option():
    result = CliRunner().invoke(cli, ["path", "Japan", "VN"])
    assert result.exit_code == 1 and "sought (not counted)" in result.output
    out = run("path", "Japan", "VN", "--status", "all")
    assert out.startswith("Counted: every tie, tentative ones included.") and "EU–Japan security and defence partnership" in out
    result = CliRunner().invoke(cli, ["path", "Japan", "VN", "--status", "maybe"])
    assert result.exit_code == 2 and "unknown status 'maybe'" in result.output and "Traceback" not in result.output


def test_cli_path_json_csv_and_vietnamese():
    data = json.loads(run("path", "ROK", "VN", "--all", "--format", "json"))
    assert data["counted"]["status"] == "in-place" and data["counted"]["statuses"][-1] == "(none stated)"
    assert data["paths"][0]["chain"] == FPA_CHAIN and len(data["paths"]) > 1
    result = CliRunner().invoke(cli, ["path", "ROK", "VN", "--format", "csv"])
    csv_out = result.stdout.splitlines()
    assert csv_out[0] == "path,hop,from,relation,to,date,status,sources,edge,flag" and len(csv_out) == 5
    assert result.stderr.startswith("Counted: ties in place")
    assert "Hàn Quốc —là bên của→" in run("path", "ROK", "VN", "--lang", "vi")


@pytest.mark.parametrize("args, message", [
    (["path", "ROK", "Atlantis"], "no actor or instrument is called 'Atlantis'"),
    (["path", "ROK", "VN", "--via", "spaceship"], "--via 'spaceship' is no node kind"),
    (["path", "ROK", "ROK"], "are the same node"),
])
def test_cli_path_bad_input(args, message):
    out = run(*args, code=1)
    assert message in out and "Traceback" not in out


@pytest.mark.parametrize("args, message", [
    (["path", "ROK", "VN", "--as-of", "yesterday"], "Invalid value for '--as-of': bad date"),
    (["path", "ROK", "VN", "--status", ""], "empty status filter"),
])
def test_cli_path_bad_option_values(args, message):
    out = run(*args, code=2)
    assert message in out and "Traceback" not in out
