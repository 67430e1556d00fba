"""Analysis that respects what the sources say (issue 13): statuses, direct relations, three-valued time,
partners, communities and key findings — through the library and the CLI, on the seed and on generated graphs."""

import json
import random

import networkx as nx
import pytest
from click.testing import CliRunner

from partnergraph.cli.main import COMMANDS, cli
from partnergraph.graph.analysis.communities import communities, group_of
from partnergraph.graph.analysis.filters import BadStatus, counted, left_out, parse_status, tie_status
from partnergraph.graph.analysis.findings import RANKING_RULE, key_findings, rank_actors
from partnergraph.graph.analysis.partners import BadKind, partners
from partnergraph.graph.analysis.paths import NoPath, explain_path, find_paths
from partnergraph.graph.analysis.projection import actor_projection
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.model.timeslice import as_of, standing


def run(*args, code=0):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    return result


# --- the status filter ---------------------------------------------------------------------------


def test_status_meaning_comes_from_the_schema():
    schema = get_schema()
    f = parse_status("in-place")
    assert all(f.keeps(s) == schema.in_place(s) for s in schema.statuses) and f.keeps(None)
    assert parse_status("tentative").statuses == schema.tentative_statuses
    assert parse_status("in-place,sought").keeps("sought") and not parse_status("in-place,sought").keeps("not_yet")
    assert parse_status("ALL").everything and parse_status(" Not-Yet ").statuses == {"not_yet"}
    with pytest.raises(BadStatus, match="unknown status 'signd'"):
        parse_status("signed,signd")


def test_a_tie_without_status_takes_its_instruments(G):
    # "EU —party to→ EU–ASEAN cooperation" and the cooperation have no status: stated as facts, in place
    assert tie_status(G, "eu", "eu-asean-security-defence-cooperation", {"type": "party_to"}) is None
    # a status-less tie to an instrument only sought is only sought
    assert tie_status(G, "eu", "eu-japan-security-defence-partnership", {"type": "party_to"}) == "sought"


def test_counted_keeps_actors_and_drops_what_only_tentative_ties_reach(G):
    H = counted(G)
    assert {n for n, a in G.nodes(data=True) if a["family"] == "actor"} <= set(H)
    assert "eu-japan-security-defence-partnership" not in H and "eu-rok-security-defence-partnership" not in H
    assert "csdp-missions" in H and not H.has_edge("viet-nam", "csdp-missions")  # not yet: the tie goes, the mission stays
    assert {s for *_, s in left_out(G)} == {"sought", "not_yet", "interested"}
    assert counted(G, "sought").number_of_edges() == 4


def _random_graph(seed: int) -> nx.MultiDiGraph:
    """A small random graph of the seed's actors and instruments with random statuses (some unstated)."""
    rnd = random.Random(seed)
    base = load_graph()
    statuses = [None, *get_schema().statuses]
    G = nx.MultiDiGraph(sources=base.graph["sources"])
    actors = [n for n, a in base.nodes(data=True) if a["family"] == "actor"]
    instruments = [n for n, a in base.nodes(data=True) if a["family"] == "instrument"]
    for n in actors + instruments:
        attrs = dict(base.nodes[n])
        attrs.pop("status", None)
        if attrs["family"] == "instrument" and rnd.random() < 0.6:
            attrs["status"] = rnd.choice(statuses[1:])
        G.add_node(n, **attrs)
    for i in range(rnd.randint(5, 60)):
        u = rnd.choice(actors)
        v = rnd.choice(actors + instruments * 2)
        if u == v:
            continue
        data = {"type": "supports" if v in actors else "party_to", "evidence": base.nodes[u]["evidence"]}
        status = rnd.choice(statuses)
        if status:
            data["status"] = status
        G.add_edge(u, v, key=f"e{i}", **data)
    return G


@pytest.mark.parametrize("seed", range(25))
def test_generated_graphs_filter_and_project_consistently(seed):
    G = _random_graph(seed)
    text = random.Random(seed).choice(["in-place", "tentative", "sought,signed", "in-place,not_yet", "all"])
    f = parse_status(text)
    H = counted(G, f)
    assert all(f.keeps(tie_status(G, u, v, d)) for u, v, d in H.edges(data=True))
    assert H.number_of_edges() + len(left_out(G, f)) == G.number_of_edges()
    for n, a in G.nodes(data=True):  # actors always stay; instruments when kept or reached
        reached = any(f.keeps(tie_status(G, u, v, d)) for u, v, d in
                      list(G.in_edges(n, data=True)) + list(G.out_edges(n, data=True)))
        expected = a["family"] == "actor" or f.keeps(a.get("status")) or reached
        assert (n in H) == expected, n
    P1, P2 = actor_projection(H, method="networkx"), actor_projection(H, method="sparse")
    assert {frozenset(e): d for *e, d in ((u, v, d) for u, v, d in P1.edges(data=True))} == {
        frozenset(e): d for *e, d in ((u, v, d) for u, v, d in P2.edges(data=True))}
    for u, v in H.edges():  # every counted direct relation joins its actors in the projection
        if H.nodes[u]["family"] == H.nodes[v]["family"] == "actor":
            assert P1.has_edge(u, v) and "supports" in P1.edges[u, v]["relations"]
    a, b = sorted(n for n in G if G.nodes[n]["family"] == "actor")[:2]
    try:
        [p] = find_paths(G, a, b, status=f)
    except NoPath:
        assert not nx.has_path(H.to_undirected(), a, b)
    else:  # a path uses only counted ties and is as short as on the counted graph
        assert len(p) == nx.shortest_path_length(H.to_undirected(), a, b)
        for u, v, k in zip(p.nodes, p.nodes[1:], p.edges):
            data = G.edges[u, v, k] if G.has_edge(u, v, k) else G.edges[v, u, k]
            x, y = (u, v) if G.has_edge(u, v, k) else (v, u)
            assert f.keeps(tie_status(G, x, y, data))


# --- the seed's Done-when ------------------------------------------------------------------------


def test_every_analysis_command_has_the_same_status_option():
    for name in ("path", "centrality", "timeline", "neighbours", "structure", "common", "partners", "communities", "list"):
        command = cli.get_command(None, name)
        [option] = [p for p in command.params if p.name == "status"]
        assert option.opts == ["--status"] and option.default == "in-place", name
    assert {"partners", "communities"} <= set(COMMANDS)


def test_done_when_status_on_the_seed():
    out = run("centrality", "--measure", "betweenness", "--projection", "actors", "--explain", "14").output
    assert "CSDP" not in out and "Counted: ties in place" in out
    data = json.loads(run("structure", "--format", "json").output)
    assert data["isolated"] == ["Japan"] and data["counted"]["status"] == "in-place"
    for name in ("Delegation of the European Union to Viet Nam", "Julien Guerrier", "To Lam"):
        assert name in data["components"][0]["members"]
    assert "Japan" in json.loads(run("structure", "--status", "all", "--format", "json").output)["components"][0]["members"]
    assert run("path", "Japan", "EU", code=1).output.startswith("Error: no path between Japan and European Union counting ties in place")
    assert "EU–Japan security and defence partnership" in run("path", "Japan", "EU", "--status", "all").output


def test_done_when_path_as_of_and_strict():
    out = run("path", "ROK", "Viet Nam", "--as-of", "2019-01-01").output
    assert "EU–Republic of Korea Framework Participation Agreement" in out
    assert "⚑ not attested before 17 Oct 2019" in out and "Signed before the EU–Viet Nam FPA" in out
    data = json.loads(run("path", "ROK", "Viet Nam", "--as-of", "2019-01-01", "--format", "json").output)
    assert data["counted"]["as_of"] == "2019-01-01" and data["counted"]["not_attested"] == data["paths"][0]["flags"]
    err = run("path", "ROK", "Viet Nam", "--as-of", "2019-01-01", "--strict", code=1).output
    assert "no path between Republic of Korea and Viet Nam known on 1 Jan 2019" in err and "not attested before" in err


def test_a_range_dated_source_attests_from_its_first_possible_day(G):
    # the Delegation's accreditation comes from news items published "2023/2024": known from 1 Jan 2023, not 31 Dec 2024
    e = ("eu-delegation-to-viet-nam", "viet-nam", "eu-delegation-to-viet-nam--accredited_to--viet-nam")
    assert standing(G, G.edges[e], "2023-01-01").state == "known"
    assert standing(G, G.edges[e], "2022-12-31").state == "not_attested"
    assert as_of(G, "2023-06-30").has_edge(*e)


def test_done_when_timeline_window():
    out = run("timeline", "--from", "2023-01-01", "--to", "2023-12-31").output
    table = out.split("May fall in the window")[0]
    assert "International Conference on the East Sea (2023)" in table and "2019" not in out


# --- partners ------------------------------------------------------------------------------------


def test_partners_of_viet_nam(G):
    result = partners(G, "viet-nam")
    rows = {r["id"]: r for r in result["rows"]}
    assert result["counted"]["status"] == "in-place"
    eu = rows["eu"]
    assert [t["id"] for t in eu["through"]] == ["eu-viet-nam-fpa", "eu-viet-nam-security-defence-partnership"]
    assert eu["through"][0]["status"] == "signed" and eu["through"][0]["dates"] == {"start": "2019-10-17"}
    assert eu["since"] == "2019-10-17" and eu["sources"] == ["eu-press-2019-10-17"]
    assert rows["asean"]["direct"][0]["type"] == "member_of" and rows["asean"]["direct"][0]["evidence"][0]["quote"]
    assert [t["id"] for t in rows["united-nations"]["through"]] == ["un-peacekeeping"]
    assert all(t["evidence"] for r in rows.values() for t in r["through"] + r["direct"])
    assert "csdp-missions" not in [t["id"] for t in eu["through"]]  # not yet taken up
    assert "csdp-missions" in [t["id"] for t in {r["id"]: r for r in partners(G, "viet-nam", status="all")["rows"]}["eu"]["through"]]


def test_partners_of_the_eu_with_every_status(G):
    default = {r["id"] for r in partners(G, "eu")["rows"]}
    assert "japan" not in default and "republic-of-korea" in default
    rows = {r["id"]: r for r in partners(G, "eu", status="all")["rows"]}
    assert rows["japan"]["tentative"] and rows["japan"]["through"][0]["status"] == "sought"
    rok = {t["id"]: t for t in rows["republic-of-korea"]["through"]}
    assert rok["eu-rok-security-defence-partnership"]["status"] == "sought" and not rok["eu-rok-security-defence-partnership"]["in_place"]
    assert rok["eu-rok-fpa"]["in_place"] and not rows["republic-of-korea"]["tentative"]


def test_partners_kind_and_as_of(G):
    assert {r["kind"] for r in partners(G, "eu", kind=["state"])["rows"]} == {"state"}
    only = partners(G, "viet-nam", kind=["agreement"])["rows"]
    assert [r["id"] for r in only] == ["eu"] and not only[0]["direct"]
    with pytest.raises(BadKind):
        partners(G, "eu", kind=["planet"])
    early = {r["id"]: r for r in partners(G, "viet-nam", as_of="2019-01-01")["rows"]}
    assert "eu-viet-nam-fpa" not in [t["id"] for t in early["eu"]["through"]]  # signed later: absent
    assert early["eu"]["flags"] and all(t["time"] == "not_attested" for t in early["eu"]["through"])
    assert partners(G, "viet-nam", as_of="2019-01-01", strict=True)["rows"] == []


def test_cli_partners():
    out = run("partners", "Viet Nam").output
    assert out.startswith("Counted: ties in place")
    for text in ("European Union", "EU–Viet Nam Framework Participation Agreement (Agreement; signed; 17 Oct 2019)",
                 "EU–Viet Nam defence and security cooperation partnership", "Association of Southeast Asian Nations",
                 "Viet Nam —member of→ Association of Southeast Asian Nations", "United Nations peacekeeping",
                 "“Including the Agreement signed today with Viet Nam” [eu-press-2019-10-17]"):
        assert text in out, text
    out = run("partners", "EU", "--status", "all").output
    assert "Japan  (State)  [only tentative]" in out and "(Partnership; sought)" in out
    result = run("partners", "EU", "--format", "csv", "--kind", "state")
    assert result.stdout.splitlines()[0] == "partner,kind,through,since,tentative,flags,evidence,sources"
    rows = json.loads(run("partners", "VN", "--format", "json", "--lang", "vi").output)["rows"]
    assert rows[0]["name"] == "Liên minh châu Âu"
    assert "is an instrument" in run("partners", "ESIWA", code=1).output
    assert "--kind: unknown kind 'planet'" in run("partners", "EU", "--kind", "planet", code=1).output
    assert "--strict only applies with --as-of" in run("partners", "EU", "--strict", code=1).output


# --- communities and findings --------------------------------------------------------------------


def test_communities_are_seeded_and_say_what_holds_them(G):
    a, b = communities(G, seed=1), communities(G, seed=1)
    assert a == b and a["isolated"] == ["Japan"]
    members = {n for g in a["groups"] for n in g["ids"]}
    assert members | {"japan"} == {n for n, x in G.nodes(data=True) if x["family"] == "actor"}
    for g in a["groups"]:
        assert g["instruments"] or g["relations"]
        for i in g["instruments"]:
            assert i["members"] >= 2 and sum(1 for m in g["ids"] if G.has_edge(m, i["id"]) or G.has_edge(i["id"], m)) >= 2
    assert set(group_of(a)) == members
    assert communities(G, status="all")["isolated"] == []


def test_cli_communities():
    out = run("communities").output
    assert "Louvain (networkx louvain_communities" in out and "held together by" in out
    data = json.loads(run("communities", "--format", "json", "--seed", "2").output)
    assert data["counted"]["status"] == "in-place" and data["groups"]


def test_rank_actors_one_measure_and_a_meaningful_tie_break(G):
    rows = rank_actors(G)
    keys = [(-r["partners"], -r["sources"], r["name"]) for r in rows]
    assert keys == sorted(keys) and rows[0]["name"] == "European Union"
    assert "number of evidence sources" in RANKING_RULE
    # the EU Delegation (2 sources) ranks before ASEAN (1) and the Ministry (1): partners first, then sources
    order = [r["id"] for r in rows]
    assert order.index("eu-delegation-to-viet-nam") < order.index("vn-ministry-of-public-security")
    assert rows[-1]["id"] == "japan" and rows[-1]["partners"] == 0


def test_key_findings(G):
    f = key_findings(G, start="2023-01-01", end="2023-12-31")
    assert [r["name"] for r in f["most_central"]] == ["European Union", "Viet Nam", "Delegation of the European Union to Viet Nam"]
    assert all(r["why"] for r in f["most_central"])
    assert [n["what"] for n in f["new_ties"]] == ["International Conference on the East Sea (2023) (mentioned)"]
    assert {s["status"] for s in f["sought"]} == {"sought"} and len(f["sought"]) == 4
    assert {s["status"] for s in f["not_yet"]} == {"not_yet", "interested"}
    assert all(s["sources"] and s["quote"] for s in f["sought"] + f["not_yet"])
    assert key_findings(G)["new_ties"] == []  # no window, no "new"


def test_counted_on_simple_graphs_keeps_edges_without_attributes():
    D = nx.DiGraph()
    D.add_nodes_from(["a", "b"], family="actor")
    D.add_edge("a", "b")
    D.add_edge("b", "a", status="sought")
    H = counted(D)
    assert list(H.edges()) == [("a", "b")] and list(H.pred["b"]) == ["a"] and not H.has_edge("b", "a")
    U = nx.Graph()
    U.add_nodes_from(["a", "c"], family="actor")
    U.add_node("b", family="instrument", status="sought")
    U.add_edges_from([("a", "c"), ("a", "b")])
    H = counted(U)
    assert sorted(map(sorted, H.edges())) == [["a", "c"]] and "b" not in H
    assert counted(U, "all") is U


def test_counted_is_cached_while_the_graph_keeps_its_size():
    G = load_graph()
    H = counted(G)
    assert counted(G, "in-place") is H and counted(G, "tentative") is not H
    G.add_edge("japan", "eu-viet-nam-fpa", key="new", type="party_to", status="signed", evidence=[])
    H2 = counted(G)
    assert H2 is not H and H2.has_edge("japan", "eu-viet-nam-fpa", "new")
