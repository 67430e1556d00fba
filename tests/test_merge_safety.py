"""merge: overlays over a base, malformed candidates, texts from outside, file modes, conflicts, and
dataset-level atomicity proved by stopping the process after every one of its steps."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from partnergraph.cli.main import cli
from partnergraph.graph.ingest import MergeError, merge_candidates
from partnergraph.graph.model.dataset import load_dataset, seed_path
from partnergraph.graph.readwrite.dataset_swap import NO_EXCHANGE_ENV, STOP_ENV, STOP_STATUS, recover

ARTICLE = ("Title: Talks\nDate: 2024-03-05\nPublisher: Example\n\n"
           "The European Union and Thailand signed a Framework Participation Agreement in Brussels on 5 March 2024.\n")


def _seed_copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(seed_path(), data, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    return data


def _candidates(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    (folder / "a.txt").write_text(ARTICLE, "utf-8")
    cand = folder / "cand.yaml"
    result = CliRunner().invoke(cli, ["ingest", str(folder / "a.txt"), "-o", str(cand)])
    assert result.exit_code == 0, result.output
    return cand


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder``: its bytes and mode."""
    return {str(p.relative_to(folder)): (p.read_bytes(), stat.S_IMODE(p.stat().st_mode))
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_merge_into_a_new_overlay_writes_only_the_additions(tmp_path):
    cand = _candidates(tmp_path)
    mine = tmp_path / "mine"
    seed_before = _snapshot(seed_path())
    result = CliRunner().invoke(cli, ["merge", str(cand), "--into", str(mine), "--base", "seed"])
    assert result.exit_code == 0, result.output
    assert "2 new node(s)" in result.output and "Not written: 1 evidence quote(s)" in result.stderr
    overlay = load_dataset([seed_path(), mine])
    alone = yaml.safe_load((mine / "actors.yaml").read_text("utf-8"))["actors"]
    assert [a["id"] for a in alone] == ["thailand"]  # the EU is the seed's: not copied into the overlay
    assert "thailand" in overlay.nodes and "eu" in overlay.nodes
    assert _snapshot(seed_path()) == seed_before
    assert {p.name for p in mine.iterdir()} == {"actors.yaml", "instruments.yaml", "relations.yaml", "sources.yaml", "texts"}
    ok = CliRunner().invoke(cli, ["validate", str(mine), "--base", "seed"])
    assert ok.exit_code == 0 and ok.output.startswith("OK (on base seed)")
    listed = CliRunner().invoke(cli, ["list", "actors", "--data", "seed", "--data", str(mine), "-f", "csv"])
    assert "thailand," in listed.output and "viet-nam," in listed.output


def test_merge_refuses_candidates_without_id_kind_or_type(tmp_path):
    data = _seed_copy(tmp_path)
    cand = tmp_path / "cand.yaml"
    cand.write_text(yaml.safe_dump({
        "actors": [{"name": "No id", "kind": "state", "evidence": []}, {"id": "x", "name": "No kind"}],
        "relations": [{"from": "eu", "to": "viet-nam"}, "just text"],
    }), "utf-8")
    before = _snapshot(data)
    result = CliRunner().invoke(cli, ["merge", str(cand), "--into", str(data)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    for expected in ("actors[0]: missing id", "actors[1]: missing kind", "relations[0]: missing type",
                     "relations[1]: must be a mapping", "nothing was written"):
        assert expected in result.output
    assert _snapshot(data) == before


def test_merge_never_copies_a_text_from_outside_the_candidates_folder(tmp_path):
    data = _seed_copy(tmp_path)
    (tmp_path / "secret-outside.txt").write_text("The European Union and Thailand signed a deal.", "utf-8")
    cand = _candidates(tmp_path)
    records = yaml.safe_load(cand.read_text("utf-8"))
    records["sources"][0]["file"] = "../secret-outside.txt"
    cand.write_text(yaml.safe_dump(records, allow_unicode=True), "utf-8")
    before = _snapshot(data)
    with pytest.raises(MergeError, match="outside the folder of the candidates file"):
        merge_candidates(cand, data)
    records["sources"][0]["file"] = str(tmp_path / "secret-outside.txt")  # absolute: refused too
    cand.write_text(yaml.safe_dump(records, allow_unicode=True), "utf-8")
    result = CliRunner().invoke(cli, ["merge", str(cand), "--into", str(data)])
    assert result.exit_code == 1 and "outside the folder" in result.output
    (cand.parent / "link.txt").symlink_to(tmp_path / "secret-outside.txt")  # a symlink out: refused
    records["sources"][0]["file"] = "link.txt"
    cand.write_text(yaml.safe_dump(records, allow_unicode=True), "utf-8")
    with pytest.raises(MergeError, match="outside the folder"):
        merge_candidates(cand, data)
    assert _snapshot(data) == before and not (data / "texts" / "secret-outside.txt").exists()


def test_merge_keeps_file_and_folder_modes(tmp_path):
    data = _seed_copy(tmp_path)
    for path in data.rglob("*"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    os.chmod(data / "sources.yaml", 0o640)  # an unusual mode is kept as it is
    os.chmod(data, 0o750)
    merge_candidates(_candidates(tmp_path), data)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in data.iterdir() if p.is_file()}
    assert modes == {"actors.yaml": 0o644, "instruments.yaml": 0o644, "relations.yaml": 0o644, "sources.yaml": 0o640}
    assert stat.S_IMODE((data / "texts" / "a.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE(data.stat().st_mode) == 0o750
    assert not [p for p in tmp_path.iterdir() if ".partnergraph-new" in p.name or ".partnergraph-old" in p.name]


NEW_QUOTE = {"source": "new-report", "quote": "has not yet taken part"}


def _status_change(tmp_path: Path, statement) -> tuple[Path, dict, Path]:
    """A seed copy, its 'interested' relation and a candidate file from a new source that says 'not yet':
    ``statement(rel)`` gives the candidate's blocks (besides its source) that say so."""
    data = _seed_copy(tmp_path)
    rel = next(r for r in load_dataset([data]).relations if r.get("status") == "interested")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "b.txt").write_text("Viet Nam has not yet taken part in such missions.", "utf-8")
    cand = folder / "cand.yaml"
    cand.write_text(yaml.safe_dump({
        "sources": [{"id": "new-report", "title": "A report", "publisher": "Desk", "published": "2024",
                     "language": "en", "file": "b.txt"}],
        **statement(rel),
    }), "utf-8")
    return data, rel, cand


def test_a_conflict_is_kept_beside_the_record_never_over_it(tmp_path):
    """The status-change case: a new source says 'not yet' where the record says 'interest expressed'."""
    data, rel, cand = _status_change(tmp_path, lambda rel: {
        "conflicts": [{"of": rel["id"], "field": "status", "value": "not_yet", "evidence": [NEW_QUOTE]}]})
    result = CliRunner().invoke(cli, ["merge", str(cand), "--into", str(data)])
    assert result.exit_code == 0 and "1 conflicting statement(s) kept in history" in result.output, result.output
    after = next(r for r in load_dataset([data]).relations if r["id"] == rel["id"])
    assert after["status"] == "interested"  # the record's own statement is not overwritten
    assert after["evidence"] == rel["evidence"] + [NEW_QUOTE]
    assert after["history"] == [{"field": "status", "value": "not_yet", **NEW_QUOTE}]


# --- atomicity: stop after every step -----------------------------------------------------------


def _merge_process(cand: Path, data: Path, env: dict) -> int:
    """Run merge in a forked child with ``env`` (the stop hook ends it like a kill); its exit status."""
    import multiprocessing

    def child() -> None:
        os.environ.update(env)
        try:
            merge_candidates(cand, data)
        except BaseException:  # noqa: BLE001 - any failure is a non-zero status for the parent to see
            os._exit(3)
        os._exit(0)

    process = multiprocessing.get_context("fork").Process(target=child)
    process.start()
    process.join(120)
    return process.exitcode


def test_the_stop_hook_works_through_the_cli(tmp_path):
    cand = _candidates(tmp_path)
    data = _seed_copy(tmp_path)
    before = _snapshot(data)
    proc = subprocess.run([sys.executable, "-m", "partnergraph.cli.main", "merge", str(cand), "--into", str(data)],
                          env={**os.environ, STOP_ENV: "3"}, capture_output=True, text=True, timeout=120)
    assert proc.returncode == STOP_STATUS and _snapshot(data) == before


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2-exchange", "journal"])
def test_merge_stopped_after_any_step_leaves_the_old_or_the_new_dataset(tmp_path, exchange):
    cand = _candidates(tmp_path)
    old_data = _seed_copy(tmp_path / "old")
    old = _snapshot(old_data)
    env = {} if exchange else {NO_EXCHANGE_ENV: "1"}
    full = tmp_path / "full" / "data"
    shutil.copytree(old_data, full)
    assert _merge_process(cand, full, env) == 0
    new = _snapshot(full)
    assert new != old
    seen, step = set(), 1
    while True:
        run = tmp_path / f"run{step}"
        data = run / "data"
        shutil.copytree(old_data, data)
        status = _merge_process(cand, data, {**env, STOP_ENV: str(step)})
        if status == 0:  # past the last step: the merge finished
            assert _snapshot(data) == new
            break
        assert status == STOP_STATUS, status
        if not data.exists():  # only the journal's swap, between its two renames
            assert not exchange
            shown = CliRunner().invoke(cli, ["info", "--data", str(data)])  # a reader completes it
            assert shown.exit_code == 0 and "completed an interrupted replacement" in shown.stderr
            seen.add("completed by a reader")
        recover(data, readers_only=True)
        state = _snapshot(data)
        assert state in (old, new), f"stopped after step {step}: a mixed dataset"
        load_dataset([data])  # and it validates
        seen.add("old" if state == old else "new")
        assert _merge_process(cand, data, env) == 0  # the next run recovers and merges (or finds nothing new)
        assert _snapshot(data) == new
        assert [p.name for p in run.iterdir()] == ["data"]  # no build folder, journal or lock file left
        step += 1
    # copy, a text, 4 files, swap, clean-up (the journal: 2 more); both outcomes seen
    assert step == (9 if exchange else 11), step
    assert seen == ({"old", "new"} if exchange else {"old", "new", "completed by a reader"}), seen


def test_a_linked_candidate_with_another_status_keeps_both_statements(tmp_path):
    """The status-change case as ingest writes it: a relation linked to an existing edge, with the new
    status on the candidate (and a review.conflicts note). Nothing is dropped, nothing overwritten."""
    data, rel, cand = _status_change(tmp_path, lambda rel: {"relations": [{
        "from": rel["from"], "type": rel["type"], "to": rel["to"], "status": "not_yet", "evidence": [NEW_QUOTE],
        "review": {"links_to": rel["id"],
                   "conflicts": [{"field": "status", "dataset": "interested", "candidate": "not_yet", "keep": "both"}]}}]})
    counts = merge_candidates(cand, data)
    assert counts["conflicts"] == 1 and counts["evidence"] == 1
    after = next(r for r in load_dataset([data]).relations if r["id"] == rel["id"])
    assert after["status"] == "interested"
    assert after["history"] == [{"field": "status", "value": "not_yet", **NEW_QUOTE}]
    assert NEW_QUOTE in after["evidence"]
    # onto an overlay, the base's record cannot change: counted and said, not silently dropped
    result = CliRunner().invoke(cli, ["merge", str(cand), "--into", str(tmp_path / "mine"), "--base", "seed"])
    assert result.exit_code == 0 and "1 conflict(s) about records of the base" in result.stderr, result.output


def test_diff_shows_what_merge_would_keep_as_history():
    from partnergraph.graph.ingest import diff_candidates
    from partnergraph.graph.model.build import load_graph

    G = load_graph()
    u, v, key, d = next((u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if d.get("status") == "interested")
    rows = diff_candidates({
        "relations": [{"from": u, "type": d["type"], "to": v, "status": "not_yet",
                       "evidence": [{"source": "x", "quote": "not yet"}]}],
        "conflicts": [{"of": "eu-viet-nam-fpa", "field": "start", "value": "2019-10-18", "evidence": []}],
    }, G)
    conflicts = [r for r in rows if r["change"] == "conflict"]
    assert any("status: dataset 'interested', this source 'not_yet'" in r["detail"] for r in conflicts)
    assert any(r["what"] == "eu-viet-nam-fpa" and r["detail"].startswith("start:") for r in conflicts)
