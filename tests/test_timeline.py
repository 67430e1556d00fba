"""Timeline, neighbours and structure: the library and the CLI."""

import json

import pytest
from click.testing import CliRunner

from partnergraph.cli.main import cli
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.analysis.structure import common_partners, neighbours, structure
from partnergraph.graph.analysis.timeline import timeline


@pytest.fixture(scope="module")
def G():
    return load_graph()


def run(*args, code=0):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_timeline_keeps_precision_and_orders_events(G):
    rows = timeline(G)
    dates = [r["date"] for r in rows]
    assert dates[0] == "Aug 2019"                              # month precision, shown as such
    assert "14–15 Aug (year not stated)" in dates             # a range without a year
    # unknown years sort inside the first year their source covers (2023), before 26 Oct 2023
    assert dates.index("14–15 Aug (year not stated)") < dates.index("26 Oct 2023")
    assert dates.index("17 Oct 2019") < dates.index("14–15 Aug (year not stated)")
    exercise = next(r for r in rows if r["item"] == "eu-indonesia-naval-exercise")
    assert exercise["year_assumed_for_sorting"] == 2023 and not exercise["year_known"]
    fpa = next(r for r in rows if r["item"] == "eu-viet-nam-fpa")
    assert {"European Union", "Viet Nam"} <= set(fpa["involves"])   # party edges folded in, not repeated


def test_timeline_of_one_node(G):
    rows = timeline(G, "viet-nam")
    known = [r["edtf"] for r in rows if r["year_known"]]
    assert known == sorted(known) and known[0] == "2019-08"
    assert {r["item"] for r in rows} >= {"eu-viet-nam-fpa", "hrvp-visit-hanoi-2019"}
    assert all(r["item"] != "eu-indonesia-naval-exercise" for r in rows)


def test_neighbours_depth(G):
    one = neighbours(G, "republic-of-korea")
    two = neighbours(G, "republic-of-korea", 2)
    assert {r["id"] for r in one} == {"eu-rok-fpa", "eu-rok-security-defence-partnership"}
    assert {r["id"] for r in two} - {r["id"] for r in one} == {"eu", "csdp"}
    assert all(r["distance"] == 2 for r in two if r["id"] in ("eu", "csdp"))


def test_structure_brokers_and_components(G):
    s = structure(G)
    assert [b["id"] for b in s["brokers"]] == ["eu", "viet-nam"]
    assert "Republic of Korea" in s["brokers"][0]["cut_off"]
    assert s["components"][0]["size"] == 10 and "To Lam" in s["isolated"]
    early = structure(G, as_of="2019-10-17")
    assert early["links"] < s["links"]


def test_common_partners(G):
    result = common_partners(G, "republic-of-korea", "japan")
    assert [p["id"] for p in result["partners"]] == ["eu"]
    assert result["partners"][0]["with_b"] == ["eu-japan-security-defence-partnership"]
    assert common_partners(G, "eu", "viet-nam")["shared_directly"][:1] == ["EU CSDP missions and operations"]


def test_cli_timeline_and_neighbours():
    out = run("timeline")
    assert "14–15 Aug (year not stated)" in out and "Aug 2019" in out
    data = json.loads(run("timeline", "Viet Nam", "--format", "json"))
    assert data[0]["precision"] == "month"
    out = run("neighbours", "ROK", "--depth", "2", "--format", "csv")
    assert "European Union —party to→ EU–Republic of Korea Framework Participation Agreement" in out
    assert "Error" in run("neighbours", "ROK", "--depth", "0", code=2)
