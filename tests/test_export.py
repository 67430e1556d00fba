"""Exports: read back with networkx and independent readers; Cypher and CSV loaded into a real Neo4j."""

from __future__ import annotations

import functools
import http.server
import io
import os
import shlex
import threading
import xml.etree.ElementTree as ET
from collections import Counter

import networkx as nx
import pytest
from click.testing import CliRunner
from neo4j import GraphDatabase
from neo4j_fixture import EXIT_PREREQUISITE, _unavailable, neo4j_local

from partnergraph.cli.main import cli
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.readwrite.formats import (
    ARRAY_DELIMITER, READABLE, cypher_script, load_csv_statements, read_graph, script_statements, to_string, write_neo4j_csv,
)

PREFIX = "exporttest-"


@pytest.mark.parametrize("fmt", READABLE)
def test_round_trip_keeps_every_node_edge_and_attribute(G, fmt):
    H = read_graph(io.BytesIO(to_string(G, fmt).encode("utf-8")), fmt)
    assert (H.number_of_nodes(), H.number_of_edges()) == (33, 50)
    assert all(H.nodes[n] == G.nodes[n] for n in G)
    assert all(H.edges[u, v, k] == d for u, v, k, d in G.edges(keys=True, data=True))


def test_graphml_reads_in_igraph_with_counts_and_attributes(G, tmp_path):
    import igraph

    path = tmp_path / "g.graphml"
    assert CliRunner().invoke(cli, ["export", "-f", "graphml", "-o", str(path)]).exit_code == 0
    g = igraph.Graph.Read_GraphML(str(path))
    assert (g.vcount(), g.ecount()) == (33, 50) and g.is_directed()
    vn = g.vs.find(id="viet-nam")
    assert vn["name_vi"] == "Việt Nam" and vn["kind"] == "state"
    assert Counter(g.es["type"]) == Counter(d["type"] for *_, d in G.edges(data=True))


def test_gexf_is_valid_gexf_xml_with_every_node_and_edge(G, tmp_path):
    root = ET.fromstring(to_string(G, "gexf").encode("utf-8"))
    ns = {"g": root.tag.split("}")[0].strip("{")}
    nodes = root.findall(".//g:nodes/g:node", ns)
    edges = root.findall(".//g:edges/g:edge", ns)
    assert (len(nodes), len(edges)) == (33, 50)
    assert {e.get("id") for e in edges} == {k for *_, k in G.edges(keys=True)}


def test_dot_is_read_by_graphviz(G, tmp_path):
    import shutil
    import subprocess

    if not shutil.which("dot"):
        pytest.fail("Graphviz 'dot' is missing; run scripts/install-test-deps")
    proc = subprocess.run(["dot", "-Tsvg"], input=to_string(G, "dot").encode(), capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    svg = ET.fromstring(proc.stdout)
    assert sum(1 for el in svg.iter() if el.get("class") == "node") == 33


def test_cytoscape_json_has_elements(G):
    import json

    data = json.loads(to_string(G, "cytoscape"))
    assert len(data["elements"]["nodes"]) == 33 and len(data["elements"]["edges"]) == 50


def _prefixed(G):
    """The seed with every id prefixed, so these tests never touch other tests' nodes in the shared server."""
    H = nx.relabel_nodes(G, {n: PREFIX + n for n in G})
    for n, a in H.nodes(data=True):
        a["id"] = n
    M = nx.MultiDiGraph()
    M.graph = {"sources": {PREFIX + k: {**v, "id": PREFIX + k} for k, v in G.graph["sources"].items()}}
    M.add_nodes_from((n, {**a, "evidence": [{**e, "source": PREFIX + e["source"]} for e in a.get("evidence", [])]})
                     for n, a in H.nodes(data=True))
    M.add_edges_from((u, v, PREFIX + k, {**d, "id": PREFIX + k}) for u, v, k, d in H.edges(keys=True, data=True))
    return M


def _counts(session, prefix=PREFIX):
    nodes = session.run("MATCH (n:PartnerGraph) WHERE n.id STARTS WITH $p RETURN count(n) AS c", p=prefix).single()["c"]
    rels = {r["t"]: r["c"] for r in session.run(
        "MATCH (a:PartnerGraph)-[r]->(b:PartnerGraph) WHERE a.id STARTS WITH $p RETURN type(r) AS t, count(r) AS c", p=prefix)}
    vn = session.run("MATCH (n:State {id: $id}) RETURN n.name_vi AS vi, n.aliases AS aliases", id=prefix + "viet-nam").single()
    fpa = session.run("MATCH (n:Agreement {id: $id}) RETURN n.start AS start", id=prefix + "eu-viet-nam-fpa").single()
    return nodes, rels, vn, fpa


def _wipe(session):
    session.run("MATCH (n:PartnerGraph) WHERE n.id STARTS WITH $p DETACH DELETE n", p=PREFIX).consume()


def _expected(M):
    types = Counter(d["type"].upper() for *_, d in M.edges(data=True))
    types["EVIDENCED_BY"] = sum(len(a["evidence"]) for _, a in M.nodes(data=True))
    return M.number_of_nodes() + len(M.graph["sources"]), dict(types)


def _check(session, M, prefix=PREFIX):
    nodes, rels, vn, fpa = _counts(session, prefix)
    assert (nodes, rels) == _expected(M)
    assert vn["vi"] == "Việt Nam" and "Vietnam" in vn["aliases"]
    assert fpa["start"].iso_format() == "2019-10-17"


def test_cypher_script_loads_into_neo4j_with_the_same_counts(neo4j_driver):
    M = _prefixed(load_graph())
    params = {}
    with neo4j_driver.session() as session:
        _wipe(session)
        try:
            for _ in range(2):  # MERGE: running the script twice changes nothing
                for kind, text in script_statements(cypher_script(M)):
                    if kind == "param":  # what cypher-shell does with ":param name => expr"
                        name, _, expr = text.partition(" => ")
                        params[name.strip()] = session.run(f"RETURN {expr} AS value").single()["value"]
                    else:
                        session.run(text, params).consume()
                _check(session, M)
        finally:
            _wipe(session)


def test_csv_export_loads_with_load_csv_with_the_same_counts(neo4j_driver, tmp_path):
    M = _prefixed(load_graph())
    write_neo4j_csv(M, tmp_path)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with neo4j_driver.session() as session:
            _wipe(session)
            try:
                for cypher, params in load_csv_statements(tmp_path, f"http://127.0.0.1:{server.server_port}"):
                    session.run(cypher, params).consume()
                _check(session, M)
            finally:
                _wipe(session)
    finally:
        server.shutdown()


def _instance_env(name: str) -> dict:
    """NEO4J_* variables of a scripts/neo4j-local instance, read from its env file (mode 600)."""
    path = neo4j_local("env", "--name", name).stdout.strip()
    env = {}
    for line in open(path, encoding="utf-8"):
        key, _, value = line.removeprefix("export ").strip().partition("=")
        env[key] = shlex.split(value)[0] if value else ""
    return env


@pytest.mark.neo4j
def test_csv_export_imports_with_neo4j_admin_with_the_same_counts(tmp_path):
    """The neo4j-admin command that `export -f csv` prints, run as printed (file names made absolute:
    scripts/neo4j-local runs the tool from the instance's home) into a fresh local instance of its own
    (the test server, local or NEO4J_URI, is untouched), which is then started and counted."""
    folder = tmp_path / "csv"
    result = CliRunner().invoke(cli, ["export", "-f", "csv", "-o", f"{folder}/"])
    assert result.exit_code == 0, result.output
    hint = shlex.split(result.output.splitlines()[-1])  # as a shell would
    assert hint[:5] == ["neo4j-admin", "database", "import", "full", "neo4j"]
    args = [a.replace("=", f"={folder}/", 1) if a.startswith(("--nodes=", "--relationships=")) else a
            for a in hint[1:]]
    name = f"pytest-admin-import-{os.getpid()}"
    try:
        imported = neo4j_local("admin", "--name", name, "--", *args)
        if imported.returncode == EXIT_PREREQUISITE:  # no Java: fails in CI, skips elsewhere (as the fixture does)
            _unavailable(imported.stderr.strip(), prerequisite_missing=True)
        assert imported.returncode == 0, imported.stdout[-2000:] + imported.stderr[-2000:]
        assert "IMPORT DONE" in imported.stdout
        started = neo4j_local("start", "--name", name, "--heap-max", "512m", "--pagecache", "64m")
        assert started.returncode == 0, started.stdout[-2000:] + started.stderr[-2000:]
        env = _instance_env(name)
        with GraphDatabase.driver(env["NEO4J_URI"], auth=(env["NEO4J_USERNAME"], env["NEO4J_PASSWORD"])) as driver:
            with driver.session() as session:
                _check(session, load_graph(), prefix="")
    finally:
        neo4j_local("stop", "--name", name, "--purge")

def test_csv_headers_are_in_neo4j_admin_format(G, tmp_path):
    import csv

    files = {p.name: p for p in write_neo4j_csv(G, tmp_path)}
    with open(files["nodes.csv"], encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    assert header[:2] == ["id:ID(Node)", ":LABEL"]
    assert {"start:date", "aliases:string[]", "evidence_quotes:string[]"} <= set(header)
    vn = next(r for r in rows if r["id:ID(Node)"] == "viet-nam")
    assert vn[":LABEL"].split(ARRAY_DELIMITER) == ["Actor", "State", "PartnerGraph"]
    assert vn["aliases:string[]"].split(ARRAY_DELIMITER)[0] == "Vietnam"
    with open(files["relationships.csv"], encoding="utf-8") as handle:
        rels = list(csv.DictReader(handle))
    assert len(rels) == 50 and list(rels[0])[:3] == [":START_ID(Node)", ":END_ID(Node)", ":TYPE"]


def test_export_cli_errors_are_clear(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "-f", "csv"])
    assert result.exit_code == 1 and "give a folder" in result.output
    result = runner.invoke(cli, ["export", "-f", "graphml", "-o", str(tmp_path / "missing" / "g.graphml")])
    assert result.exit_code == 1 and "does not exist" in result.output and "Traceback" not in result.output
    result = runner.invoke(cli, ["export", "-f", "cypher"])
    assert result.exit_code == 0 and ":param rows => [" in result.output and "MERGE" in result.output


def test_gexf_labels_are_names_and_dates_are_on_gephis_timeline(G):
    """Gephi reads GEXF 1.2 start/end with timeformat="date" as ISO dates; a date without a year stays
    off the timeline, its text kept as an attribute."""
    root = ET.fromstring(to_string(G, "gexf").encode("utf-8"))
    ns = {"g": root.tag.split("}")[0].strip("{")}
    graph = root.find("g:graph", ns)
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    titles = {a.get("id"): a.get("title") for a in root.iter(f"{{{ns['g']}}}attribute")}
    nodes = {n.get("id"): n for n in root.iter(f"{{{ns['g']}}}node")}
    assert nodes["viet-nam"].get("label") == "Viet Nam"
    fpa = nodes["eu-viet-nam-fpa"]
    assert fpa.get("start") == "2019-10-17"
    exercise = nodes["eu-indonesia-naval-exercise"]
    assert exercise.get("start") is None and exercise.get("end") is None
    values = {titles[v.get("for")]: v.get("value") for v in exercise.iter(f"{{{ns['g']}}}attvalue")}
    assert values["edtf_start"] == "XXXX-08-14" and values["edtf_end"] == "XXXX-08-15"
    import datetime

    for element in root.iter():
        for name in ("start", "end"):
            if element.get(name) and element.tag.endswith(("node", "edge")):
                datetime.date.fromisoformat(element.get(name))  # every timeline date is an ISO date
    raw = nx.read_gexf(io.BytesIO(to_string(G, "gexf").encode("utf-8")))  # networkx, without our reader
    assert raw.nodes["eu-viet-nam-fpa"]["start"] == "2019-10-17" and raw.nodes["viet-nam"]["label"] == "Viet Nam"


def test_sheets_csv_with_bom_keeps_vietnamese_for_excel(tmp_path):
    import csv

    result = CliRunner().invoke(cli, ["export", "-f", "sheets", "--bom", "-o", str(tmp_path / "sheets")])
    assert result.exit_code == 0, result.output
    raw = (tmp_path / "sheets" / "actors.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "Việt Nam".encode("utf-8") in raw
    rows = list(csv.DictReader(open(tmp_path / "sheets" / "actors.csv", encoding="utf-8-sig")))
    assert next(r for r in rows if r["id"] == "viet-nam")["name_vi"] == "Việt Nam"
    assert CliRunner().invoke(cli, ["export", "-f", "graphml", "--bom"]).exit_code == 1


HOSTILE_NAMES = ['say "hi"', "back\\slash", "end\\", "new\nline", "cr\rhere", "tab\there", "<script>alert(1)</script>",
                 "&amp; &", "Việt Nam", "emoji 🚢", "'single'", "{json: [1]}", "a;b|c", "-- comment", '\\"mixed\\"',
                 " lead and trail ", "=1+1", "\\n literal", "node", "graph", "123", "a,b=c"]


def _hostile_graph(names):
    H = nx.MultiDiGraph(sources={})
    for i, n in enumerate(names):
        H.add_node(f"n{i}", id=f"n{i}", name=n, kind="state", family="actor", aliases=[n, n + "2"],
                   evidence=[{"source": "s", "quote": n}])
    for i in range(len(names) - 1):
        H.add_edge(f"n{i}", f"n{i + 1}", key=f"e{i}", id=f"e{i}", type="supports", role=names[i],
                   evidence=[{"source": "s", "quote": names[i]}])
    return H


@pytest.mark.parametrize("fmt", READABLE)
def test_hostile_names_round_trip_through_every_readable_format(fmt):
    H = _hostile_graph(HOSTILE_NAMES)
    back = read_graph(io.BytesIO(to_string(H, fmt).encode("utf-8")), fmt)
    assert all(back.nodes[n] == H.nodes[n] for n in H), fmt
    assert all(back.edges[u, v, k] == d for u, v, k, d in H.edges(keys=True, data=True)), fmt


def test_dot_with_hostile_names_is_read_by_graphviz():
    import shutil
    import subprocess

    if not shutil.which("dot"):
        pytest.fail("Graphviz 'dot' is missing; run scripts/install-test-deps")
    proc = subprocess.run(["dot", "-Tsvg"], input=to_string(_hostile_graph(HOSTILE_NAMES), "dot").encode(),
                          capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert sum(1 for el in ET.fromstring(proc.stdout).iter() if el.get("class") == "node") == len(HOSTILE_NAMES)
