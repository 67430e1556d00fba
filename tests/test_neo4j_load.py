"""Loading the dataset into a real Neo4j server: everything arrives, twice is once, wipe is selective."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from partnergraph.cli.main import cli
from partnergraph.graph.stores import neo4j_store as nb
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.model.propgraph import edge_properties, node_labels, node_properties, source_properties

pytestmark = pytest.mark.neo4j


def as_settings(s) -> nb.Neo4jSettings:
    get = (lambda k: s[k]) if isinstance(s, dict) else (lambda k: getattr(s, k))
    return nb.Neo4jSettings(uri=get("uri"), username=get("username"), password=get("password"), database=get("database"))


def cli_env(settings: nb.Neo4jSettings) -> dict:
    env = {"NEO4J_URI": settings.uri, "NEO4J_USERNAME": settings.username, "NEO4J_PASSWORD": settings.password}
    if settings.database:
        env["NEO4J_DATABASE"] = settings.database
    return env


def native(value):
    """Driver values as Python ones (neo4j.time.Date -> datetime.date)."""
    if hasattr(value, "to_native"):
        return value.to_native()
    if isinstance(value, list):
        return [native(v) for v in value]
    return value


def dump(driver, database) -> dict:
    """Everything partnergraph put in the database, by id, in comparable form."""
    with driver.session(database=database) as session:
        nodes = {
            r["id"]: (sorted(r["labels"]), {k: native(v) for k, v in r["props"].items()})
            for r in session.run("MATCH (n:PartnerGraph) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props")
        }
        rels = sorted(
            (r["a"], r["type"], r["b"], json.dumps({k: str(native(v)) for k, v in r["props"].items()}, sort_keys=True))
            for r in session.run(
                "MATCH (a:PartnerGraph)-[r]->(b:PartnerGraph) RETURN a.id AS a, type(r) AS type, b.id AS b, properties(r) AS props"
            )
        )
    return {"nodes": nodes, "relationships": rels}


@pytest.fixture(scope="module")
def seed():
    return load_graph()


@pytest.fixture(scope="module")
def loaded(neo4j_settings, seed):
    settings = as_settings(neo4j_settings)
    report = nb.load(settings, seed, wipe_first=True, batch_size=7)  # small batches: several per statement
    return settings, report


def test_report_counts_what_was_sent(loaded, seed):
    _, report = loaded
    assert (report.nodes, report.relationships, report.sources) == (33, 50, 2)
    assert report.evidence_links == sum(len(a["evidence"]) for _, a in seed.nodes(data=True))
    assert report.batches > report.statements  # batch_size=7 splits the larger statements
    assert report.transactions < report.batches  # ... and small batches share a transaction (<= 7 rows each)


def test_every_node_arrives_with_its_labels_and_properties(loaded, seed, neo4j_driver):
    settings, _ = loaded
    nodes = dump(neo4j_driver, settings.database)["nodes"]
    for node_id, attrs in seed.nodes(data=True):
        labels, props = nodes[node_id]
        assert labels == sorted(node_labels(attrs) + ["PartnerGraph"])
        assert props == node_properties(node_id, attrs)
    fpa = nodes["eu-viet-nam-fpa"][1]
    assert str(fpa["start"]) == "2019-10-17" and fpa["start_precision"] == "day"


def test_every_source_arrives(loaded, seed, neo4j_driver):
    settings, _ = loaded
    nodes = dump(neo4j_driver, settings.database)["nodes"]
    for sid, record in seed.graph["sources"].items():
        labels, props = nodes[sid]
        assert labels == ["PartnerGraph", "Source"]
        assert props == source_properties(record)
    assert len(nodes) == 33 + 2


def test_every_relationship_arrives_with_its_type_and_properties(loaded, seed, neo4j_driver):
    settings, _ = loaded
    with neo4j_driver.session(database=settings.database) as session:
        rels = {
            r["id"]: (r["a"], r["type"], r["b"], {k: native(v) for k, v in r["props"].items()})
            for r in session.run(
                "MATCH (a:PartnerGraph)-[r]->(b:PartnerGraph) WHERE type(r) <> 'EVIDENCED_BY' "
                "RETURN r.id AS id, a.id AS a, type(r) AS type, b.id AS b, properties(r) AS props"
            )
        }
    assert len(rels) == seed.number_of_edges() == 50
    for u, v, key, data in seed.edges(keys=True, data=True):
        assert rels[key] == (u, data["type"].upper(), v, edge_properties(key, data))


def test_every_evidence_quote_can_be_asked_for(loaded, seed, neo4j_driver):
    settings, _ = loaded
    with neo4j_driver.session(database=settings.database) as session:
        node_evidence = {}
        for r in session.run(
            "MATCH (n:PartnerGraph)-[e:EVIDENCED_BY]->(s:Source) RETURN n.id AS id, e.position AS i, s.id AS source, e.quote AS quote"
        ):
            node_evidence.setdefault(r["id"], {})[r["i"]] = {"source": r["source"], "quote": r["quote"]}
        # a relationship's evidence: its parallel lists, joined to the :Source nodes
        rel_evidence = {}
        for r in session.run(
            "MATCH (:PartnerGraph)-[r]->(:PartnerGraph) WHERE type(r) <> 'EVIDENCED_BY' "
            "UNWIND range(0, size(r.evidence_quotes) - 1) AS i "
            "MATCH (s:Source {id: r.evidence_sources[i]}) RETURN r.id AS id, i, s.title AS title, r.evidence_quotes[i] AS quote"
        ):
            rel_evidence.setdefault(r["id"], []).append((r["i"], r["title"], r["quote"]))
    for node_id, attrs in seed.nodes(data=True):
        got = node_evidence[node_id]
        assert [got[i] for i in sorted(got)] == attrs["evidence"]
    titles = {sid: rec["title"] for sid, rec in seed.graph["sources"].items()}
    for _, _, key, data in seed.edges(keys=True, data=True):
        assert sorted(rel_evidence[key]) == [(i, titles[e["source"]], e["quote"]) for i, e in enumerate(data["evidence"])]
    assert len(rel_evidence) == 50


def test_constraints_on_ids_exist(loaded, neo4j_driver):
    settings, _ = loaded
    with neo4j_driver.session(database=settings.database) as session:
        rows = {r["name"]: (r["labelsOrTypes"], r["properties"], r["type"]) for r in session.run("SHOW CONSTRAINTS")}
    for label in ("Actor", "Instrument", "Source"):
        assert rows[f"partnergraph_{label.lower()}_id"] == ([label], ["id"], "UNIQUENESS")


def test_loading_twice_through_the_cli_changes_nothing(loaded, neo4j_driver):
    settings, _ = loaded
    before = dump(neo4j_driver, settings.database)
    result = CliRunner().invoke(cli, ["neo4j", "load"], env=cli_env(settings))
    assert result.exit_code == 0, result.output
    assert "Loaded 33 nodes, 50 relationships, 2 sources" in result.output
    assert settings.password not in result.output
    assert dump(neo4j_driver, settings.database) == before


def test_a_changed_kind_replaces_the_old_kind_label(loaded, seed, neo4j_driver):
    settings, _ = loaded
    changed = seed.copy()
    changed.nodes["japan"]["kind"] = "union"
    nb.load(settings, changed)
    with neo4j_driver.session(database=settings.database) as session:
        assert sorted(session.run("MATCH (n {id: 'japan'}) RETURN labels(n) AS l").single()["l"]) == ["Actor", "PartnerGraph", "Union"]
    nb.load(settings, seed)
    with neo4j_driver.session(database=settings.database) as session:
        assert sorted(session.run("MATCH (n {id: 'japan'}) RETURN labels(n) AS l").single()["l"]) == ["Actor", "PartnerGraph", "State"]


def test_a_bad_dataset_writes_nothing(loaded, neo4j_driver, tmp_path):
    settings, _ = loaded
    before = dump(neo4j_driver, settings.database)
    bad = tmp_path / "bad.yaml"
    bad.write_text("actors:\n  - id: x\n    kind: spaceship\n    name: X\n    evidence: []\n", "utf-8")
    result = CliRunner().invoke(cli, ["neo4j", "load", "--data", str(bad), "--wipe"], env=cli_env(settings))
    assert result.exit_code == 1
    assert "problem(s)" in result.output and "bad.yaml" in result.output
    assert dump(neo4j_driver, settings.database) == before


def test_status_compares_the_database_with_the_dataset(loaded, neo4j_driver):
    settings, _ = loaded
    runner = CliRunner()
    result = runner.invoke(cli, ["neo4j", "status", "--check"], env=cli_env(settings))
    assert result.exit_code == 0, result.output
    assert "Neo4j 5.26" in result.output and "database 'neo4j'" in result.output
    assert "In sync with the dataset." in result.output
    with neo4j_driver.session(database=settings.database) as session:
        session.run("MATCH ()-[r {id: 'eu--party_to--eu-rok-fpa'}]->() DELETE r").consume()
        session.run("CREATE (:PartnerGraph:Actor:State {id: 'atlantis', name: 'Atlantis'})").consume()
    result = runner.invoke(cli, ["neo4j", "status", "--check", "--format", "json"], env=cli_env(settings))
    assert result.exit_code == 1
    st = json.loads(result.output)
    assert st["missing_relationships"] == ["eu--party_to--eu-rok-fpa"]
    assert st["extra_nodes"] == ["atlantis"]
    party_to = sum(d["type"] == "party_to" for _, _, d in load_graph().edges(data=True))
    assert {"name": "PARTY_TO", "in_neo4j": party_to - 1, "in_dataset": party_to} in st["types"]
    assert st["server"]["edition"] == "community" and st["in_sync"] is False
    nb.load(settings, load_graph(), wipe_first=True)
    assert nb.status(settings, load_graph()).in_sync


def test_wipe_removes_only_what_partnergraph_loaded(loaded, seed, neo4j_driver):
    settings, _ = loaded
    with neo4j_driver.session(database=settings.database) as session:
        session.run("CREATE (:Mine {id: 'm1'})-[:LIKES]->(:Mine {id: 'm2'})").consume()
        result = CliRunner().invoke(cli, ["neo4j", "wipe", "--yes"], env=cli_env(settings))
        assert result.exit_code == 0, result.output
        assert "Deleted 35 nodes" in result.output
        assert session.run("MATCH (n:PartnerGraph) RETURN count(n) AS c").single()["c"] == 0
        assert session.run("MATCH (:Mine)-[:LIKES]->(:Mine) RETURN count(*) AS c").single()["c"] == 1
        session.run("MATCH (n:Mine) DETACH DELETE n").consume()
    nb.load(settings, seed)
    assert nb.status(settings, seed).in_sync


def test_connection_problems_are_clear(loaded):
    settings, _ = loaded
    wrong = nb.Neo4jSettings(settings.uri, settings.username, "not-the-password", settings.database)
    with pytest.raises(nb.Neo4jBackendError, match="refused the credentials of user 'neo4j'"):
        nb.check_connection(wrong)
    missing = nb.Neo4jSettings(settings.uri, settings.username, settings.password, "nosuchdb")
    with pytest.raises(nb.Neo4jBackendError, match="database 'nosuchdb' does not exist"):
        nb.check_connection(missing)
    result = CliRunner().invoke(cli, ["neo4j", "status", "--uri", "bolt://127.0.0.1:9"], env={**cli_env(settings), "NEO4J_URI": ""})
    assert result.exit_code == 1
    assert "cannot reach a Neo4j server at bolt://127.0.0.1:9" in result.output
    assert "Traceback" not in result.output


def test_changed_evidence_replaces_the_evidence_links(loaded, seed, neo4j_driver):
    settings, _ = loaded
    first, second = seed.nodes["viet-nam"]["evidence"]
    changed = seed.copy()
    changed.nodes["viet-nam"]["evidence"] = [second]  # one link fewer, and the other one moves to position 0
    query = ("MATCH (n {id: 'viet-nam'})-[e:EVIDENCED_BY]->(s:Source) "
             "RETURN e.position AS i, s.id AS source, e.quote AS quote ORDER BY i")
    try:
        nb.load(settings, changed, batch_size=3, transaction_size=10)
        with neo4j_driver.session(database=settings.database) as session:
            assert [dict(r) for r in session.run(query)] == [{"i": 0, **second}]
    finally:
        nb.load(settings, seed)
    with neo4j_driver.session(database=settings.database) as session:
        assert [dict(r) for r in session.run(query)] == [{"i": 0, **first}, {"i": 1, **second}]
    assert nb.status(settings, seed).in_sync


def test_batch_and_transaction_sizes_give_the_same_graph(loaded, seed, neo4j_driver):
    settings, _ = loaded
    nb.load(settings, seed, wipe_first=True)
    reference = dump(neo4j_driver, settings.database)
    seen = []
    for batch_size, transaction_size in ((1, 1), (4, 50), (10_000, 10_000)):
        rows = []
        report = nb.load(settings, seed, wipe_first=True, batch_size=batch_size, transaction_size=transaction_size,
                         progress=rows.append)
        assert dump(neo4j_driver, settings.database) == reference
        assert sum(rows) == nb.plan_size(seed) and len(rows) == report.transactions
        assert max(rows) <= transaction_size
        seen.append(report.transactions)
    assert seen[0] == nb.plan_size(seed) and seen[0] > seen[1] > seen[2] == 1


def test_bad_batch_sizes_are_refused_before_connecting(seed):
    unreachable = nb.Neo4jSettings("bolt://127.0.0.1:9", "neo4j", "x")
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        nb.load(unreachable, seed, batch_size=0)
    with pytest.raises(ValueError, match="transaction_size must be at least 1"):
        nb.load(unreachable, seed, transaction_size=0)
