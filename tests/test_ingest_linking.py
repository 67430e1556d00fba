"""Merges that keep facts apart (issue 15, item 3): before ingest links a candidate to an existing node or
edge it compares kind, parties, place, date and status; what tells them apart makes a new node (with the
reason in the candidates file), a different status of the same fact is proposed as a conflict."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from partnergraph.cli.main import cli
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.model.dataset import seed_path
from partnergraph.graph.ingest import ingest_files

ROOT = Path(__file__).parents[1]
FACTS = ROOT / "tests" / "data" / "ingest_facts"  # the seed plus an EU–Viet Nam dialogue in Brussels, September 2023

PHILIPPINES = """Title: EU and the Philippines hold Security and Defence Dialogue
Date: 2024-05-14

The European Union and the Philippines held their first Security and Defence Dialogue in Manila on 14 May 2024.
"""

NOT_YET = """Title: Viet Nam and EU training missions
Date: 2024-01-10

Viet Nam has not yet taken part in the EU training missions in Africa.
"""

SOUTH_CHINA_SEA = """Title: Naval exercise
Date: 2024-06-02

The European Union and Japan held a joint naval exercise in the South China Sea on 2 June 2024.
"""


@pytest.fixture(scope="module")
def G():
    return load_graph([seed_path(), FACTS])


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_a_dialogue_elsewhere_with_other_parties_is_a_new_node_and_says_why(G, tmp_path):
    c = ingest_files([_write(tmp_path, "ph.txt", PHILIPPINES)], G)
    dialogue = next(r for r in c["instruments"] if r["kind"] == "dialogue")
    assert dialogue["id"] != "eu-viet-nam-security-defence-dialogue"
    assert "links_to" not in dialogue["review"]
    assert dialogue["places"] == ["Manila"] and dialogue["start"] == "2024-05-14"
    why = dialogue["review"]["not_linked"]
    assert [w["node"] for w in why] == ["eu-viet-nam-security-defence-dialogue"]
    assert "place Manila, not Brussels" in why[0]["because"]
    assert "year 2024, not 2023" in why[0]["because"]
    assert "Philippines is not a party" in why[0]["because"]
    parties = {r["from"] for r in c["relations"] if r["to"] == dialogue["id"] and r["type"] == "party_to"}
    assert parties == {"eu", "philippines"}


def test_a_status_change_of_a_known_relation_is_a_conflict_keeping_both(G, tmp_path):
    c = ingest_files([_write(tmp_path, "vn.txt", NOT_YET)], G)
    rel = next(r for r in c["relations"] if (r["from"], r["type"], r["to"]) ==
               ("viet-nam", "participates_in", "eu-training-missions-africa"))
    assert rel["status"] == "not_yet"
    assert rel["review"]["links_to"] == "viet-nam--participates_in--eu-training-missions-africa"
    (conflict,) = rel["review"]["conflicts"]
    assert conflict["field"] == "status" and conflict["keep"] == "both"
    assert (conflict["dataset"], conflict["candidate"]) == ("interested", "not_yet")
    assert conflict["dataset_sources"] == ["eu-press-2019-10-17"]


def test_a_place_keeps_the_sources_own_name(G, tmp_path):
    c = ingest_files([_write(tmp_path, "scs.txt", SOUTH_CHINA_SEA)], G)
    exercise = next(r for r in c["instruments"] if r["kind"] == "exercise")
    assert exercise["places"] == ["South China Sea"]
    assert "East Sea" not in yaml.safe_dump(c, allow_unicode=True)


def test_the_seeds_own_text_gives_no_new_node_and_flags_only_its_status_misreading(G):
    """Re-reading the seed's press release links everything; the only conflicts are the two partnership edges
    whose status the rules read as 'signed' (the sentence's signing is the FPA's) where the seed says 'ongoing':
    flagged for review with both statements, never overwritten."""
    c = ingest_files([next((ROOT / "seed" / "texts").glob("000_*.txt"))], G)
    assert not [r for r in c["instruments"] if r["review"].get("not_linked") or "links_to" not in r["review"]]
    flagged = {(r["from"], r["to"]): r["review"]["conflicts"] for r in c["relations"] if r["review"].get("conflicts")}
    assert set(flagged) == {("eu", "eu-viet-nam-security-defence-partnership"),
                            ("viet-nam", "eu-viet-nam-security-defence-partnership")}
    for (conflict,) in flagged.values():
        assert (conflict["dataset"], conflict["candidate"], conflict["keep"]) == ("ongoing", "signed", "both")


def test_cli_writes_the_reasons_and_conflicts_into_the_candidates_file(tmp_path):
    out = tmp_path / "cand.yaml"
    result = CliRunner().invoke(cli, ["ingest", str(_write(tmp_path, "ph.txt", PHILIPPINES)),
                                      str(_write(tmp_path, "vn.txt", NOT_YET)), "-o", str(out),
                                      "--data", str(seed_path()), "--data", str(FACTS)])
    assert result.exit_code == 0, result.output
    written = yaml.safe_load(out.read_text("utf-8"))
    assert any(r["review"].get("not_linked") for r in written["instruments"])
    assert any(r["review"].get("conflicts") for r in written["relations"])


def test_after_ingest_and_merge_the_status_change_keeps_both_statements(tmp_path):
    """End to end: an article says 'not yet' where the dataset says 'interest expressed'; ingest proposes a
    conflict, merge keeps the record's own statement and adds the new one to its history with its source."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(seed_path(), data, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    article = _write(tmp_path, "vn.txt", NOT_YET)
    candidates = tmp_path / "candidates.yaml"
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", str(article), "-o", str(candidates), "--data", str(data)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["merge", str(candidates), "--into", str(data)])
    assert result.exit_code == 0, result.output
    after = load_graph([data])
    edge = after.edges["viet-nam", "eu-training-missions-africa", "viet-nam--participates_in--eu-training-missions-africa"]
    assert edge["status"] == "interested"  # never overwritten
    statements = [h for h in edge.get("history", []) if h.get("field") == "status"]
    assert [h["value"] for h in statements] == ["not_yet"], edge.get("history")
    assert "not yet taken part" in statements[0]["quote"]
