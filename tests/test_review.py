"""partnergraph review: driven by scripted input, resumable, and its output is what merge takes."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from partnergraph.cli.main import cli
from partnergraph.graph.ingest.review_session import ReviewSession, highlight
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.model.dataset import load_dataset, seed_path

ARTICLE = ("Title: Talks\nDate: 2024-03-05\nPublisher: Example\n\n"
           "The European Union and Thailand signed a Framework Participation Agreement in Brussels on 5 March 2024.\n")


def _candidates(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text(ARTICLE, "utf-8")
    cand = tmp_path / "cand.yaml"
    assert CliRunner().invoke(cli, ["ingest", str(tmp_path / "a.txt"), "-o", str(cand)]).exit_code == 0
    return cand


def test_review_accept_reject_edit_link_then_merge(tmp_path):
    cand = _candidates(tmp_path)
    items = [i.key for i in ReviewSession(cand).items]
    assert [k.split(":")[0] for k in items] == ["actors", "actors", "instruments", "relations", "relations"]
    runner = CliRunner()
    # 1 EU: link to the seed's eu by name; 2 Thailand: edit; then quit
    first = runner.invoke(cli, ["review", str(cand)], input="l\nEuropean Union\ne\nname=Kingdom of Thailand\naliases=Thailand|Thai\n\nq\n")
    assert first.exit_code == 0, first.output
    assert "«European Union»" in first.output and "«Thailand»" in first.output  # the names, highlighted
    assert "linked to eu (European Union)" in first.output and "Progress saved (2 of 5 reviewed)" in first.output
    saved = json.loads((tmp_path / "cand.review.json").read_text("utf-8"))
    assert len(saved["decisions"]) == 2
    # resume: accept the agreement, reject the EU's party_to, accept Thailand's
    second = runner.invoke(cli, ["review", str(cand)], input="a\nr\na\n")
    assert second.exit_code == 0, second.output
    assert "Resuming: 2 of 5 record(s) already reviewed." in second.output
    assert "[1/5]" not in second.output and "[3/5]" in second.output
    assert "2 accepted, 1 edited, 1 linked, 1 rejected" in second.output
    reviewed = yaml.safe_load((tmp_path / "cand.reviewed.yaml").read_text("utf-8"))
    thailand = next(a for a in reviewed["actors"] if a["id"] == "thailand")
    assert thailand["name"] == "Kingdom of Thailand" and thailand["aliases"] == ["Thailand", "Thai"]
    assert next(a for a in reviewed["actors"] if a["id"] == "eu")["review"]["links_to"] == "eu"
    assert [(r["from"], r["type"]) for r in reviewed["relations"]] == [("thailand", "party_to")]
    merged = runner.invoke(cli, ["merge", str(tmp_path / "cand.reviewed.yaml"), "--into", str(tmp_path / "mine"),
                                 "--base", "seed"])
    assert merged.exit_code == 0, merged.output
    ds = load_dataset([seed_path(), tmp_path / "mine"])
    assert ds.nodes["thailand"]["name"] == "Kingdom of Thailand"
    assert not any(r["from"] == "eu" and "thailand" in r["to"] for r in ds.relations)


def test_rejecting_a_node_drops_the_relations_that_need_it(tmp_path):
    cand = _candidates(tmp_path)
    result = CliRunner().invoke(cli, ["review", str(cand)], input="a\nr\na\na\na\n")
    assert result.exit_code == 0, result.output
    assert "1 relation(s) dropped with them" in result.output
    reviewed = yaml.safe_load((tmp_path / "cand.reviewed.yaml").read_text("utf-8"))
    assert all("thailand" not in (r["from"], r["to"]) for r in reviewed["relations"])


def test_review_refuses_bad_input_clearly_and_keeps_going(tmp_path):
    cand = _candidates(tmp_path)
    result = CliRunner().invoke(cli, ["review", str(cand)],
                                input="x\nl\nNo Such Place\ne\nnot a change\nevidence=x\n\ns\nq\n")
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert "no actor or instrument is called 'No Such Place'" in result.output
    assert "write field=value" in result.output and "cannot be edited here" in result.output
    # a changed candidates file is not resumed with stale decisions
    CliRunner().invoke(cli, ["review", str(cand)], input="a\nq\n")
    cand.write_text(cand.read_text("utf-8") + "\n# edited\n", "utf-8")
    stale = CliRunner().invoke(cli, ["review", str(cand)], input="q\n")
    assert stale.exit_code == 1 and "changed since this review was saved" in stale.output
    assert CliRunner().invoke(cli, ["review", str(cand), "--restart"], input="q\n").exit_code == 0


def test_highlight_finds_names_without_case_or_diacritics():
    parts = highlight("Bộ Công an Việt Nam và EU ký kết; viet nam cũng vậy.", ["Viet Nam", "EU"])
    assert [p for p, hit in parts if hit] == ["Việt Nam", "EU", "viet nam"]
    assert [p for p, hit in highlight("EUROPEAN and EUR", ["EU"]) if hit] == []  # whole words only


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=60), st.lists(st.text(min_size=1, max_size=8), max_size=4))
def test_highlight_never_loses_or_changes_text(text, names):
    parts = highlight(text, names)
    assert "".join(p for p, _ in parts) == text
    assert all(p for p, _ in parts)


def test_the_session_uses_the_graph_for_names_of_existing_nodes(tmp_path):
    cand = _candidates(tmp_path)
    session = ReviewSession(cand, load_graph())
    relation = next(i for i in session.items if i.section == "relations")
    assert "European Union" in session.names_for(relation)
