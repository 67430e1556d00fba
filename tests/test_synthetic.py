"""The synthetic dataset generator: seeded, schema-valid, hub-shaped, loadable by the real loader and CLI."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from collections import Counter

import pytest
from click.testing import CliRunner

from partnergraph.cli.main import cli
from partnergraph.graph.model.build import build_graph
from partnergraph.graph.model.dataset import load_dataset
from partnergraph.graph.model.dates import parse_date
from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.model.synthetic import SIZES, generate, write_dataset


@pytest.fixture(scope="module")
def small():
    return generate(*SIZES["small"], seed=0)


@pytest.fixture(scope="module")
def small_folder(tmp_path_factory, small):
    folder = tmp_path_factory.mktemp("synthetic-small")
    write_dataset(small, folder)
    return folder


def test_same_seed_same_dataset_other_seed_other_dataset():
    first = generate(*SIZES["tiny"], seed=7)
    assert generate(*SIZES["tiny"], seed=7) == first
    assert generate(*SIZES["tiny"], seed=8) != first


def test_sizes_are_as_asked(small):
    assert len(small["actors"]) == 200
    assert len(small["instruments"]) == 2000
    assert len(small["relations"]) > 2 * 2000
    assert SIZES["medium"] == (2000, 50000) and SIZES["large"] == (20000, 500000)


def test_written_files_load_and_validate_with_the_real_loader(small_folder, small):
    dataset = load_dataset([small_folder])
    assert sorted(dataset.files) == sorted(str(small_folder / f"{s}.json") for s in small)
    G = build_graph(dataset)
    assert G.number_of_nodes() == 2200
    assert G.number_of_edges() == len(small["relations"])
    assert set(G.graph["sources"]) == {s["id"] for s in small["sources"]}


def test_every_edge_has_allowed_endpoint_kinds_and_evidence(small):
    schema = get_schema()
    kinds = {r["id"]: r["kind"] for r in small["actors"] + small["instruments"]}
    sources = {s["id"] for s in small["sources"]}
    for rel in small["relations"]:
        assert schema.edge_allowed(kinds[rel["from"]], rel["type"], kinds[rel["to"]]), rel
    for record in small["actors"] + small["instruments"] + small["relations"]:
        assert record["evidence"] and all(e["source"] in sources and e["quote"] for e in record["evidence"])
    assert not any("file" in s for s in small["sources"])


def test_a_few_hubs_and_a_long_tail(small):
    degree = Counter()
    for rel in small["relations"]:
        degree[rel["from"]] += 1
        degree[rel["to"]] += 1
    actor_degrees = [degree[a["id"]] for a in small["actors"]]
    assert max(actor_degrees) >= 20 * statistics.median(actor_degrees)
    top = sorted(actor_degrees, reverse=True)
    assert sum(top[:10]) > 0.3 * sum(top)  # 5% of the actors take part in a third of everything


def test_kinds_are_realistic(small):
    actor_kinds = Counter(a["kind"] for a in small["actors"])
    assert actor_kinds.most_common(1)[0][0] == "state"
    assert {"union", "regional_organisation", "government_body", "person"} <= set(actor_kinds)
    instrument_kinds = Counter(i["kind"] for i in small["instruments"])
    assert set(instrument_kinds) == set(get_schema().kinds_of("instrument"))
    assert len({r["type"] for r in small["relations"]}) >= 10


def test_dates_mix_precisions_and_some_have_no_year_or_an_end(small):
    dated = [r for r in small["instruments"] if "start" in r]
    precisions = Counter(parse_date(r["start"]).precision for r in dated)
    assert {"day", "month", "year"} <= set(precisions)
    assert any(not parse_date(r["start"]).year_known for r in dated)
    assert any("end" in r for r in small["instruments"])
    assert any("start" not in r for r in small["instruments"])
    years = [parse_date(r["start"]).lower.year for r in dated if parse_date(r["start"]).year_known]
    assert 1990 <= min(years) and max(years) <= 2025


def test_cli_validates_and_summarises_a_synthetic_folder(small_folder):
    result = CliRunner().invoke(cli, ["validate", str(small_folder)])
    assert result.exit_code == 0, result.output
    assert "200 actors, 2000 instruments" in result.output
    info = CliRunner().invoke(cli, ["info", "--data", str(small_folder), "--format", "json"])
    assert info.exit_code == 0, info.output
    assert json.loads(info.output)["nodes"] == 2200


def test_module_entry_point_writes_a_loadable_folder(tmp_path):
    out = tmp_path / "tiny"
    done = subprocess.run(
        [sys.executable, "-m", "partnergraph.graph.model.synthetic", "--size", "tiny", "--seed", "3", "--out", str(out)],
        capture_output=True, text=True, check=True,
    )
    assert "30 actors, 120 instruments" in done.stdout
    assert len(load_dataset([out]).nodes) == 150
    assert load_dataset([out]).relations == load_dataset([out]).relations


def test_module_entry_point_rejects_too_small_sizes_and_writes_nothing(tmp_path):
    out = tmp_path / "bad"
    done = subprocess.run(
        [sys.executable, "-m", "partnergraph.graph.model.synthetic", "--actors", "2", "--out", str(out)],
        capture_output=True, text=True,
    )
    assert done.returncode == 2
    assert "at least 5 actors" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


def test_loader_fast_schema_check_gives_the_same_verdict_as_jsonschema(small):
    """The loader pre-checks records with fastjsonschema; on mutated records it must agree with jsonschema."""
    import copy
    import random

    from jsonschema import Draft202012Validator

    from partnergraph.graph.model.dataset import _RECORD_DEFS, _Validator
    from partnergraph.graph.model.fileschema import dataset_json_schema

    defs = dataset_json_schema(get_schema())["$defs"]
    loader = _Validator(get_schema())
    values = [None, True, 0, 1, 1.0, 2.5, "", "x", "abc\n", "AB", "VN", "2019-10-17", [], {}, ["a"], [""], [1],
              [{"source": "s"}], [{"source": "s", "quote": "q", "extra": 1}], ["security_and_defence"], ["nope"]]
    keys = ["id", "kind", "name", "evidence", "from", "to", "type", "status", "iso", "language", "domains", "bogus"]
    rng = random.Random(0)
    checked = disagreements = 0
    for section, name in _RECORD_DEFS.items():
        reference = Draft202012Validator(defs[name])
        for record in small[section][:300]:
            record = copy.deepcopy(record)
            target = rng.choice([record, *(e for e in record.get("evidence", []))])
            target[rng.choice(keys + list(target))] = copy.deepcopy(rng.choice(values))
            loader_valid = not loader._schema_errors(section, record) if not loader.quick_checks[section](record) else True
            disagreements += loader_valid != reference.is_valid(record)
            checked += 1
    assert checked == 8 + 200 + 300 + 300 and disagreements == 0
