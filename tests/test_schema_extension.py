"""Adding a node kind and an edge type is one edit to schema.yaml.

A temporary copy of the schema gains a kind (``task_force``, an actor) and an edge type
(``commands``: a person commands a task force). With ``PARTNERGRAPH_SCHEMA`` pointing at the
copy, and nothing else changed, a dataset using both validates, the JSON Schema offers them,
the picture draws them in their own colour, every export carries them, the embedded Cypher
engine answers on them and ingest links an article's mention to the new node.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NEW_COLOUR = "#123456"

SOURCE_TEXT = "Admiral Vera Lind commands the Northern Sea Task Force, the EU said.\n"


@pytest.fixture(scope="module")
def extended(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("schema-extension")
    schema = yaml.safe_load((ROOT / "graph" / "schema.yaml").read_text("utf-8"))
    schema["node_kinds"]["task_force"] = {
        "family": "actor", "label": "Task force", "label_vi": "Lực lượng đặc nhiệm",
        "style": {"marker": "v", "colour": NEW_COLOUR, "shape": "triangleDown"},
    }
    for group in ("actor", "organisation"):
        schema["kind_groups"][group].append("task_force")
    schema["edge_types"]["commands"] = {
        "label": "commands", "label_vi": "chỉ huy", "style": {"colour": "#654321"},
        "from": ["person"], "to": ["task_force"],
    }
    (tmp / "schema.yaml").write_text(yaml.safe_dump(schema, allow_unicode=True, sort_keys=False), "utf-8")
    data = tmp / "mine"
    data.mkdir()
    (data / "note.txt").write_text(SOURCE_TEXT, "utf-8")
    quote = "Admiral Vera Lind commands the Northern Sea Task Force"
    (data / "extra.yaml").write_text(textwrap.dedent(f"""\
        sources:
          - {{id: note, title: A note, publisher: A desk, published: "2024-05", language: en, file: note.txt}}
        actors:
          - id: northern-sea-task-force
            kind: task_force
            name: Northern Sea Task Force
            evidence: [{{source: note, quote: "{quote}"}}]
          - id: vera-lind
            kind: person
            name: Vera Lind
            evidence: [{{source: note, quote: "{quote}"}}]
        relations:
          - from: vera-lind
            type: commands
            to: northern-sea-task-force
            evidence: [{{source: note, quote: "{quote}"}}]
        """), "utf-8")
    env = {**os.environ, "PARTNERGRAPH_SCHEMA": str(tmp / "schema.yaml"), "PARTNERGRAPH_CACHE": str(tmp / "cache")}
    return tmp, data, env


def run(env, *args, cwd=None):
    result = subprocess.run([sys.executable, "-m", "partnergraph.cli.main", *args], env=env, cwd=cwd,
                            capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, f"{args}: {result.stdout[-2000:]}{result.stderr[-2000:]}"
    return result.stdout


def test_validates_and_json_schema_offers_the_new_names(extended):
    tmp, data, env = extended
    run(env, "validate", str(ROOT / "seed"), str(data))
    json_schema = json.loads(run(env, "schema", "--json"))
    assert "task_force" in json.dumps(json_schema["$defs"]["actor"])
    assert "commands" in json.dumps(json_schema["$defs"]["relation"])


def test_drawn_in_its_own_style(extended):
    tmp, data, env = extended
    out = tmp / "overview.svg"
    run(env, "render", "-o", str(out), "--data", str(ROOT / "seed"), "--data", str(data))
    svg = out.read_text("utf-8")
    assert NEW_COLOUR in svg, "the new kind is not drawn in the colour schema.yaml gives it"


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "node-link", "dot", "cypher"])
def test_every_export_carries_them(extended, fmt):
    tmp, data, env = extended
    out = tmp / f"export.{fmt}"
    run(env, "export", "-f", fmt, "-o", str(out), "--data", str(ROOT / "seed"), "--data", str(data))
    text = out.read_text("utf-8")
    assert "Northern Sea Task Force" in text
    assert "commands" in text.lower()


def test_the_embedded_engine_answers_on_them(extended):
    tmp, data, env = extended
    out = run(env, "query", "MATCH (p:Person)-[:COMMANDS]->(t:TaskForce) RETURN p.name AS p, t.name AS t",
              "--format", "json", "--data", str(ROOT / "seed"), "--data", str(data))
    assert json.loads(out) == [{"p": "Vera Lind", "t": "Northern Sea Task Force"}]


def test_ingest_links_a_mention_to_the_new_node(extended):
    tmp, data, env = extended
    article = tmp / "article.txt"
    article.write_text("The Northern Sea Task Force joined a naval exercise with Viet Nam in 2024.\n", "utf-8")
    out = tmp / "candidates.yaml"
    run(env, "ingest", str(article), "-o", str(out), "--data", str(ROOT / "seed"), "--data", str(data))
    candidates = yaml.safe_load(out.read_text("utf-8"))
    linked = [a for a in candidates.get("actors", []) if a.get("review", {}).get("links_to") == "northern-sea-task-force"]
    assert linked, f"ingest did not link the task force: {candidates.get('actors')}"
