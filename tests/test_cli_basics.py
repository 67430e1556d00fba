"""The first commands a user runs, through CliRunner and once as a real installed program."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from partnergraph.cli.main import cli

DATA = Path(__file__).parent / "data"


def run(*args):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("name", ["vietnam", "VN", "Việt Nam", "việt nam", "Viet Nam", "viet-nam"])
def test_show_finds_viet_nam_by_any_name_and_prints_the_same_profile(name):
    reference = run("show", "Viet Nam")
    assert run("show", name) == reference
    assert "Việt Nam" in reference
    assert "“Viet Nam becomes the second partner country in Asia" in reference
    assert "—party to→ EU–Viet Nam Framework Participation Agreement" in reference
    assert "17 Oct 2019" in reference


def test_show_in_vietnamese_uses_vietnamese_names_and_labels():
    out = run("show", "ESIWA", "--lang", "vi")
    assert out.startswith("Dự án Tăng cường An ninh với châu Á và tại châu Á")
    assert "←tài trợ— Liên minh châu Âu" in out


def test_show_json_has_relations_with_evidence():
    p = json.loads(run("show", "eu-indonesia-naval-exercise", "--format", "json"))
    assert p["dates"]["start"]["text"] == "14 Aug (year not stated)"
    assert {r["other_id"] for r in p["relations"]} == {"eu", "indonesia"}
    assert all(r["evidence"][0]["quote"] for r in p["relations"])


def test_show_unknown_and_ambiguous_names_explain_what_to_do():
    result = CliRunner().invoke(cli, ["show", "Vietnm"])
    assert result.exit_code == 1 and "Did you mean: Vietnam" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(cli, ["show", "Framework Participation"])
    assert result.exit_code == 1
    assert "eu-rok-fpa" in result.output and "eu-viet-nam-fpa" in result.output


def test_list_filters_and_formats():
    rows = json.loads(run("list", "instruments", "--kind", "agreement", "--format", "json"))
    assert {r["id"] for r in rows} == {"eu-viet-nam-fpa", "eu-rok-fpa"}
    csv_out = run("list", "instruments", "--domain", "cybersecurity", "--format", "csv")
    assert csv_out.splitlines()[0] == "id,kind,name,name_vi,status,date,degree"
    assert {line.split(",")[0] for line in csv_out.splitlines()[1:]} == {"esiwa", "mps-eu-cybersecurity-cooperation"}
    table = run("list", "actors", "--search", "viet nam")
    assert "viet-nam" in table and "eu-delegation-to-viet-nam" in table
    result = CliRunner().invoke(cli, ["list", "instruments", "--kind", "treaty"])
    assert result.exit_code == 1 and "unknown kind 'treaty'" in result.output


def test_info_counts_and_sources():
    summary = json.loads(run("info", "--format", "json"))
    assert summary["nodes"] == 33 and summary["edges"] == 50
    assert summary["by_family"] == {"actor": 14, "instrument": 19}
    assert summary["date_range"]["first"] == "2019-08"
    assert "EU and Viet Nam step up security and defence cooperation" in run("info")


def test_export_node_link_contains_the_key_instruments_with_dates_places_and_evidence():
    data = json.loads(run("export", "--format", "node-link"))
    G = nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
    assert G.nodes["eu-viet-nam-fpa"]["start"] == "2019-10-17"
    assert G.nodes["east-sea-conference-2023"]["places"] == ["Ho Chi Minh City"]
    assert G.nodes["eu-indonesia-naval-exercise"]["places"] == ["Arabian Sea"]
    for instrument in ["eu-rok-fpa", "esiwa", "mps-eu-cybersecurity-cooperation"]:
        assert G.degree(instrument) >= 2 and G.nodes[instrument]["evidence"]
    assert all(d["evidence"] for *_, d in G.edges(data=True))


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_files_read_back_with_networkx(tmp_path, fmt):
    from partnergraph.graph.readwrite.formats import read_graph

    out = tmp_path / f"g.{fmt}"
    run("export", "--format", fmt, "-o", str(out))
    H = read_graph(str(out), fmt)
    assert H.number_of_nodes() == 33 and H.number_of_edges() == 50
    assert H.nodes["esiwa"]["domains"] == ["cybersecurity", "counter_terrorism", "maritime_security"]


def test_schema_lists_kinds_and_edges_and_the_json_schema_file_is_current():
    assert "holds_office_in" in run("schema")
    committed = Path(__file__).parents[1] / "graph" / "dataset.schema.json"
    assert json.loads(run("schema", "--json")) == json.loads(committed.read_text("utf-8"))


def test_dataset_files_validate_against_the_json_schema():
    import jsonschema
    import yaml

    from partnergraph.graph.model.dataset import seed_path

    schema = json.loads((Path(__file__).parents[1] / "graph" / "dataset.schema.json").read_text("utf-8"))
    for path in seed_path().glob("*.yaml"):
        jsonschema.validate(yaml.safe_load(path.read_text("utf-8")), schema)


def test_installed_program_runs_as_a_subprocess():
    exe = shutil.which("partnergraph") or str(Path(sys.executable).parent / "partnergraph")
    out = subprocess.run([exe, "show", "VN"], capture_output=True, text=True, check=True).stdout
    assert "Viet Nam" in out and "Evidence:" in out
    bad = subprocess.run([exe, "validate", str(DATA / "broken")], capture_output=True, text=True)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
