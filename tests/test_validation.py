"""Bad input: every problem is listed with file and line, and nothing is loaded."""

import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnergraph.cli.main import cli
from partnergraph.graph.model.dataset import DatasetError, load_dataset, seed_path

DATA = Path(__file__).parent / "data"

VALID = """\
sources:
  - {id: note, title: A note, publisher: Desk, published: "2024-01-05", language: en}
actors:
  - id: alpha
    kind: state
    name: Alpha
    evidence: [{source: note, quote: "Alpha says."}]
  - id: bravo
    kind: union
    name: Bravo
    evidence: [{source: note, quote: "Bravo says."}]
instruments:
  - id: deal
    kind: agreement
    name: A deal
    start: "2019-10"
    evidence: [{source: note, quote: "A deal."}]
relations:
  - from: alpha
    type: party_to
    to: deal
    evidence: [{source: note, quote: "Alpha signs."}]
"""


def problems_for(tmp_path, text):
    path = tmp_path / "data.yaml"
    path.write_text(textwrap.dedent(text), "utf-8")
    with pytest.raises(DatasetError) as info:
        load_dataset([path])
    return info.value.problems


def test_the_valid_example_loads(tmp_path):
    (tmp_path / "data.yaml").write_text(VALID, "utf-8")
    ds = load_dataset([tmp_path])
    assert set(ds.nodes) == {"alpha", "bravo", "deal"}
    assert ds.relations[0]["id"] == "alpha--party_to--deal"


@pytest.mark.parametrize(
    "old, new, line, message",
    [
        ("kind: union", "kind: planet", 9, "'planet' is not one of"),
        ("to: deal", "to: nowhere", 21, "dangling reference"),
        ("id: bravo", "id: alpha", 8, "duplicate id 'alpha'"),
        ('start: "2019-10"', 'start: "2019-02-30"', 16, "day 30 is not in month 2"),
        ('    evidence: [{source: note, quote: "A deal."}]', "    evidence: []", 17, "evidence is empty"),
        ('    evidence: [{source: note, quote: "A deal."}]', "", 13, "'evidence' is required"),
        ('evidence: [{source: note, quote: "Bravo says."}]', 'evidence: [{source: memo, quote: "Bravo says."}]', 8, "unknown source 'memo'"),
        ("type: party_to", "type: funds", 20, "alpha (state) —funds→ deal (agreement) is not allowed"),
        ("name: A deal", "nmae: A deal", 15, "'nmae' was unexpected"),
        ("    kind: union", "    kind: union\n   name: Bravo", 10, "not valid YAML"),
    ],
)
def test_each_bad_input_is_reported_with_its_line(tmp_path, old, new, line, message):
    assert old in VALID
    problems = problems_for(tmp_path, VALID.replace(old, new, 1))
    assert any(message in p.message and p.line == line for p in problems), [str(p) for p in problems]
    assert all(p.file.endswith("data.yaml") for p in problems)


def test_broken_dataset_lists_every_problem_at_once():
    with pytest.raises(DatasetError) as info:
        load_dataset([DATA / "broken"])
    text = "\n".join(map(str, info.value.problems))
    for expected in [
        "actors.yaml:14: actors[1] (id beta): kind: 'planet' is not one of",
        "actors.yaml:18: actors[2] (id alpha): duplicate id 'alpha'",
        "actors.yaml:26: actors[3] (id gamma): evidence: evidence is empty",
        "unknown source 'nowhere'",
        "start: bad date '2019-13-01'",
        "to: no actor or instrument has id 'no-such-node'",
        "delta (person) —funds→ alpha (state) is not allowed",
        "bad.yaml:5: not valid YAML",
    ]:
        assert expected in text
    assert len(info.value.problems) == 8


def test_validate_cli_lists_problems_and_exits_non_zero():
    result = CliRunner().invoke(cli, ["validate", str(DATA / "broken")])
    assert result.exit_code == 1
    assert "8 problem(s) found; nothing was loaded." in result.output
    assert "Traceback" not in result.output
    assert "actors.yaml:46: relations[1]" in result.output


def test_validate_json_output_is_machine_readable():
    import json

    result = CliRunner().invoke(cli, ["validate", str(DATA / "broken"), "--format", "json"])
    rows = json.loads(result.stdout)
    assert result.exit_code == 1 and len(rows) == 8
    assert {"file", "line", "column", "where", "problem"} == set(rows[0])


def test_commands_refuse_a_broken_dataset_without_traceback():
    result = CliRunner().invoke(cli, ["show", "Alpha", "--data", str(DATA / "broken")])
    assert result.exit_code == 1
    assert "the dataset has 8 problem(s)" in result.output and "Traceback" not in result.output


def test_quotes_must_appear_in_the_source_text(tmp_path):
    shutil.copytree(seed_path(), tmp_path / "seed")
    actors = tmp_path / "seed" / "actors.yaml"
    actors.write_text(actors.read_text("utf-8").replace("At the occasion Federica Mogherini said", "Federica Mogherini wrote"), "utf-8")
    with pytest.raises(DatasetError) as info:
        load_dataset([tmp_path / "seed"])
    assert "evidence quote not found in the text of source 'eu-press-2019-10-17'" in str(info.value)


def test_user_data_merges_with_the_seed():
    ds = load_dataset([seed_path(), DATA / "good"])
    assert "example-state" in ds.nodes and "viet-nam" in ds.nodes
    assert any(r["from"] == "example-state" for r in ds.relations)


def test_missing_file_is_a_clear_problem(tmp_path):
    with pytest.raises(DatasetError) as info:
        load_dataset([tmp_path / "nope.yaml"])
    assert "file not found" in str(info.value)


def test_large_datasets_report_progress_by_bytes_checked(monkeypatch):
    from partnergraph.graph.model import dataset as module

    files = module.data_files([seed_path()])
    total = sum(f.stat().st_size for f in files)
    calls = []
    load_dataset(progress=lambda done, whole: calls.append((done, whole)))
    assert calls == []  # the seed is small: no progress
    monkeypatch.setattr(module, "LONG_LOAD_BYTES", 0)
    monkeypatch.setattr(module, "PROGRESS_EVERY", 10)
    load_dataset(progress=lambda done, whole: calls.append((done, whole)))
    assert len(calls) > len(files) and calls[-1] == (total, total)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_cli_shows_a_progress_bar_only_for_large_datasets(monkeypatch):
    from partnergraph.graph.model import dataset as module

    quick = CliRunner().invoke(cli, ["info"])
    assert quick.exit_code == 0 and "Checking the dataset" not in quick.stderr
    monkeypatch.setattr(module, "LONG_LOAD_BYTES", 0)
    for args in (["info"], ["validate"]):
        slow = CliRunner().invoke(cli, args)
        assert slow.exit_code == 0 and "Checking the dataset" in slow.stderr, args
    assert CliRunner().invoke(cli, ["info"]).stdout == quick.stdout


# --- the seed as a named base, layers, validate --base --------------------------------------------


def test_an_overlay_validates_against_the_base_it_extends():
    alone = CliRunner().invoke(cli, ["validate", str(DATA / "good")])
    assert alone.exit_code == 1 and "dangling reference" in alone.stderr
    assert f"partnergraph validate {DATA / 'good'} --base seed" in alone.stderr  # the hint
    layered = CliRunner().invoke(cli, ["validate", str(DATA / "good"), "--base", "seed"])
    assert layered.exit_code == 0 and layered.output.startswith("OK (on base seed)"), layered.output
    same = CliRunner().invoke(cli, ["validate", "--data", "seed", "--data", str(DATA / "good")])
    assert same.exit_code == 0, same.output


def test_validate_base_problems_have_file_and_line(tmp_path):
    (tmp_path / "mine.yaml").write_text(
        "relations:\n  - from: viet-nam\n    type: party_to\n    to: no-such-deal\n"
        "    evidence: [{source: eu-press-2019-10-17, quote: Viet Nam}]\n", "utf-8")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path), "--base", "seed", "-f", "json"])
    import json

    rows = json.loads(result.stdout)
    assert result.exit_code == 1 and rows[0]["file"].endswith("mine.yaml") and rows[0]["line"] == 4


def test_seed_names_the_bundled_seed_unless_a_seed_folder_is_here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bundled = CliRunner().invoke(cli, ["info", "--data", "seed", "-f", "json"])
    assert bundled.exit_code == 0 and "Note:" not in bundled.stderr
    shutil.copytree(seed_path(), tmp_path / "seed", ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    actors = tmp_path / "seed" / "actors.yaml"
    actors.write_text(actors.read_text("utf-8").replace("name: Viet Nam\n", "name: Local Viet Nam\n", 1), "utf-8")
    local = CliRunner().invoke(cli, ["show", "viet-nam", "--data", "seed", "-f", "json"])
    assert local.exit_code == 0 and "Local Viet Nam" in local.stdout
    assert "'seed' is the folder" in local.stderr and str(seed_path()) in local.stderr
    default = CliRunner().invoke(cli, ["show", "viet-nam", "-f", "json"])  # nothing named: the bundled seed
    assert default.exit_code == 0 and "Local Viet Nam" not in default.stdout and "Note:" not in default.stderr
    monkeypatch.setenv("PARTNERGRAPH_DATA", "seed")
    env = CliRunner().invoke(cli, ["show", "viet-nam", "-f", "json"])
    assert env.exit_code == 0 and "Local Viet Nam" in env.stdout


def test_base_environment_variable_and_layers_on_every_data_command(monkeypatch):
    monkeypatch.setenv("PARTNERGRAPH_BASE", "seed")
    result = CliRunner().invoke(cli, ["list", "actors", "--data", str(DATA / "good"), "-f", "csv"])
    assert result.exit_code == 0 and "example-state" in result.output and "viet-nam" in result.output
    monkeypatch.delenv("PARTNERGRAPH_BASE")
    for command in (["info"], ["list", "actors"], ["show", "Exampleland"], ["export", "-f", "node-link"],
                    ["timeline"], ["centrality"], ["report"]):
        result = CliRunner().invoke(cli, [*command, "--data", str(DATA / "good"), "--base", "seed"])
        assert result.exit_code == 0, (command, result.output)


@pytest.mark.parametrize("name", sorted(p.name for p in seed_path().glob("*.yaml")))
def test_an_unreadable_file_is_named_as_the_problem_to_fix_first(tmp_path, name):
    """A reference into a file that cannot be read is not called dangling (nor is --base suggested): each
    such line names the unreadable file as the one to fix first."""
    data = tmp_path / "data"
    shutil.copytree(seed_path(), data)
    broken = data / name
    broken.write_text(broken.read_text("utf-8") + "\n  - [unclosed\n", "utf-8")
    result = CliRunner().invoke(cli, ["validate", str(data)])
    assert result.exit_code == 1 and f"{broken}:" in result.stderr, result.output
    assert "dangling reference" not in result.stderr and "--base seed" not in result.stderr, result.stderr
    for line in result.stderr.splitlines():
        if "in the files that could be read" in line:
            assert f"it may be in {name}, which could not be read" in line
    vi = CliRunner().invoke(cli, ["validate", str(data), "--lang", "vi"])
    assert vi.exit_code == 1 and "tham chiếu treo" not in vi.stderr
