"""partnergraph query: the same printed output on both backends, honest refusals, read-only, timeout, Ctrl-C."""

from __future__ import annotations

import json
import signal
import threading
import time

import pytest
from click.testing import CliRunner
from conftest import _as_backend_settings

from partnergraph.cli.main import cli
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.stores.cypher.engine import EmbeddedCypher, QueryInterrupted, ReadOnlyQuery

# Ordered on both columns: with ORDER BY b.name alone, rows of one b.name come in any order
# (neither engine promises one; the embedded engine's varies between runs with 2 threads).
ACCEPTANCE = ("MATCH (a)-[:PARTY_TO]->(i)<-[:PARTY_TO]-(b) WHERE a.short_name = 'EU' "
              "RETURN b.name, i.name ORDER BY b.name, i.name")
SLOW = "MATCH p = (a)-[*1..12]-(b) RETURN count(*)"


def run(*args, env=None):
    return CliRunner().invoke(cli, ["query", *args], env=env)


@pytest.fixture(scope="module")
def seed_on_neo4j(neo4j_settings):
    """The seed loaded into the test Neo4j, and the environment that points the CLI at it."""
    from partnergraph.graph.stores.neo4j_store import load

    load(_as_backend_settings(neo4j_settings), load_graph(), wipe_first=True)
    return {"NEO4J_URI": neo4j_settings.uri, "NEO4J_USERNAME": neo4j_settings.username,
            "NEO4J_PASSWORD": neo4j_settings.password, "NEO4J_DATABASE": neo4j_settings.database}


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_acceptance_query_prints_the_same_on_both_backends(seed_on_neo4j, fmt):
    embedded = run(ACCEPTANCE, "--format", fmt)
    server = run(ACCEPTANCE, "--format", fmt, "--backend", "neo4j", env=seed_on_neo4j)
    assert embedded.exit_code == 0 and server.exit_code == 0, embedded.output + server.output
    assert embedded.output == server.output
    assert "Republic of Korea" in embedded.output and "European Union" not in embedded.output


@pytest.mark.parametrize("cypher", [
    "MATCH p = (a {id: 'federica-mogherini'})-[:PARTICIPATES_IN]->(m)-[:ADDRESSES]->(x) RETURN p, m, relationships(p)[0] AS r0 ORDER BY m.id",
    "MATCH p = (a {id: 'federica-mogherini'})-[r:PARTICIPATES_IN]->(m)-[:ADDRESSES]->(x) RETURN p, m, r ORDER BY m.id",
])
def test_graph_values_render_the_same(seed_on_neo4j, cypher):
    server = run(cypher, "--format", "json", "--backend", "neo4j", env=seed_on_neo4j)
    embedded = run(cypher, "--format", "json")
    assert server.exit_code == 0 and embedded.exit_code == 0
    assert embedded.output == server.output
    row = json.loads(embedded.output)[0]
    rel = row["r"] if "r" in row else row["r0"]
    assert row["p"]["_type"] == "path" and row["m"]["_type"] == "node" and rel["_type"] == "relationship"
    assert rel["start"] == "federica-mogherini" and row["m"]["labels"] == ["Instrument", "Meeting", "PartnerGraph"]


def test_parameters_are_parameters():
    result = run("MATCH (n) WHERE n.name = $name RETURN n.id", "--param", "name=x' OR 1=1 OR n.name = 'y", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.output) == []
    result = run("MATCH (s:State) WHERE s.iso IN $codes RETURN s.name ORDER BY s.name", "-p", 'codes=["VN","JP"]', "--format", "csv")
    assert result.output == "s.name\nJapan\nViet Nam\n"


def test_bad_param_is_a_clear_error():
    result = run("RETURN 1", "--param", "oops")
    assert result.exit_code == 1 and "NAME=VALUE" in result.output and "Traceback" not in result.output


def test_unsupported_query_names_the_construct():
    result = run("MATCH (s:State) RETURN labels(s)")
    assert result.exit_code == 1
    assert "labels()" in result.output and "--backend neo4j" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_syntax_error_is_a_syntax_error_with_line_and_column():
    result = run("MATCH (n:State)\nWHRE n.iso = 'VN'\nRETURN n")
    assert result.exit_code == 1
    first, shown, caret = result.output.rstrip("\n").splitlines()
    assert first.startswith("Error: syntax error at line 2, column ") and "not supported" not in result.output
    assert shown.strip() == "WHRE n.iso = 'VN'" and caret.strip() == "^"
    typo = run("MATC (n) RETURN n")
    assert "syntax error at line 1, column 1" in typo.output and "--backend" not in typo.output


def test_unknown_name_gives_neo4j_answer_and_a_did_you_mean_warning():
    result = run("MATCH (a)-[:party_to]->(i) RETURN count(*) AS n", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == [{"n": 0}]
    assert "did you mean :PARTY_TO?" in result.stderr
    result = run("MATCH (s:State {iso: 'VN'}) RETURN s.Name AS n", "--format", "json")
    assert json.loads(result.stdout) == [{"n": None}] and "did you mean name?" in result.stderr


def test_engine_errors_never_show_internals():
    for cypher in ("RETURN 1 / 0", "MATCH (n) RETURN m", "RETURN trim(1)", "MATCH (n) WHERE n.name =~ '[' RETURN n"):
        result = run(cypher)
        assert result.exit_code == 1 and result.output.startswith("Error: ")
        for internal in ("Traceback", "codec", "_r1", "_r2", "AS `", "list_extract"):
            assert internal not in result.output, (cypher, result.output)


def test_file_of_statements_runs_each(tmp_path):
    path = tmp_path / "q.cypher"
    path.write_text("// counts\nMATCH (n:State) RETURN count(n) AS n;\nMATCH (u:Union)\nRETURN u.id AS id;\n", "utf-8")
    result = run("-f", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    assert "-- statement 2" in result.stderr
    chunks = [json.loads(c) for c in result.stdout.replace("]\n[", "]\x00[").split("\x00")]
    assert chunks == [[{"n": 5}], [{"id": "eu"}]]
    assert "--format json" in run("MATCH (n) RETURN n", "-f", "json").output


def test_shell_runs_multi_line_statements_with_the_same_format(tmp_path):
    text = "MATCH (u:Union)\nRETURN u.id AS id;\nMATC (x);\n:format csv\nRETURN 1 AS one;\n:quit\n"
    result = CliRunner().invoke(cli, ["shell", "--format", "json"], input=text, env={"PARTNERGRAPH_CACHE": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.split("one")[0]) == [{"id": "eu"}]
    assert result.stdout.endswith("one\n1\n")
    assert "syntax error at line 1, column 1" in result.stderr


def test_backend_embedded_is_an_alias_of_local():
    result = run("MATCH (u:Union) RETURN u.id", "--backend", "embedded", "--format", "csv")
    assert result.exit_code == 0 and result.stdout == "u.id\neu\n" and "--backend local" in result.stderr


@pytest.mark.parametrize("cypher", [
    "CREATE (n:Actor {id: 'x'})", "MATCH (n) DETACH DELETE n", "MATCH (n {id: 'eu'}) SET n.name = 'x'",
    "MERGE (n:Actor {id: 'x'})", "MATCH (n {id: 'eu'}) REMOVE n.name",
])
def test_embedded_is_read_only(cypher):
    result = run(cypher)
    assert result.exit_code == 1 and "read-only" in result.output
    with pytest.raises(ReadOnlyQuery):
        ENGINE.query(cypher)
    assert ENGINE.query("MATCH (n {id: 'eu'}) RETURN n.name").rows == [["European Union"]]


def test_write_flag_is_refused_on_the_embedded_engine():
    result = run("MATCH (n) RETURN count(n)", "--write")
    assert result.exit_code == 1 and "read-only" in result.output


def test_keywords_inside_strings_and_property_names_are_not_clauses():
    rows = ENGINE.query("MATCH (n) WHERE n.name CONTAINS 'CREATE' OR n.note = 'set' RETURN count(n) AS c").rows
    assert rows == [[0]]


def test_timeout():
    result = run(SLOW, "--timeout", "0.5")
    assert result.exit_code == 1 and "--timeout" in result.output


def test_ctrl_c_interrupts_a_running_query():
    """SIGINT (what Ctrl-C sends) during a long query: the engine stops it and says so."""
    timer = threading.Timer(1.0, signal.raise_signal, (signal.SIGINT,))
    started = time.perf_counter()
    timer.start()
    with pytest.raises(QueryInterrupted):
        ENGINE.query(SLOW)
    assert time.perf_counter() - started < 20
    assert ENGINE.query("MATCH (n:Union) RETURN n.id").rows == [["eu"]]  # the engine still answers


ENGINE = EmbeddedCypher(load_graph())


def test_neo4j_default_uri_matches_the_store():
    from partnergraph.cli.neo4j_options import DEFAULT_URI
    from partnergraph.graph.stores.neo4j_store import DEFAULT_URI as STORE_DEFAULT

    assert DEFAULT_URI == STORE_DEFAULT


def test_warm_local_query_does_not_import_networkx_or_the_driver(tmp_path):
    import subprocess
    import sys

    env = {"PARTNERGRAPH_CACHE": str(tmp_path), "PATH": "/usr/bin:/bin"}
    code = ("import sys; from partnergraph.cli.main import cli\n"
            "try: cli(['query', 'MATCH (n:State) RETURN n.name'])\n"
            "except SystemExit: pass\n"
            "print('NX', 'networkx' in sys.modules, 'neo4j' in sys.modules, file=sys.stderr)")
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)  # builds the cache
    warm = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    assert "Viet Nam" in warm.stdout
    assert "NX False False" in warm.stderr
