"""run_cypher against a real Neo4j: READ by default, writes refused by the server's own query type, clear errors."""

from __future__ import annotations

import pytest

from partnergraph.graph.stores import neo4j_store as nb
from partnergraph.graph.model.build import load_graph

pytestmark = pytest.mark.neo4j

ACCEPTANCE = (
    "MATCH (a:Actor)-[:PARTY_TO]->(i:Agreement)<-[:PARTY_TO]-(b:Actor) "
    "WHERE a.short_name = 'EU' RETURN b.name, i.name"
)


def as_settings(s) -> nb.Neo4jSettings:
    get = (lambda k: s[k]) if isinstance(s, dict) else (lambda k: getattr(s, k))
    return nb.Neo4jSettings(uri=get("uri"), username=get("username"), password=get("password"), database=get("database"))


@pytest.fixture(scope="module")
def settings(neo4j_settings):
    settings = as_settings(neo4j_settings)
    nb.load(settings, load_graph(), wipe_first=True)
    return settings


def count(settings, label: str) -> int:
    return nb.run_cypher(settings, f"MATCH (n:{label}) RETURN count(n) AS c")[1][0][0]


def test_the_eu_partners_and_their_fpas(settings):
    columns, rows = nb.run_cypher(settings, ACCEPTANCE)
    assert columns == ["b.name", "i.name"]
    assert sorted(map(tuple, rows)) == [
        ("Republic of Korea", "EU–Republic of Korea Framework Participation Agreement"),
        ("Viet Nam", "EU–Viet Nam Framework Participation Agreement"),
    ]


def test_parameters_are_driver_parameters(settings):
    injection = "Viet Nam' OR 1=1 OR n.name = '"
    _, rows = nb.run_cypher(settings, "MATCH (n:Actor) WHERE n.name = $name RETURN n.id", {"name": "Viet Nam"})
    assert rows == [["viet-nam"]]
    assert nb.run_cypher(settings, "MATCH (n:Actor) WHERE n.name = $name RETURN n.id", {"name": injection})[1] == []


def test_values_come_back_as_driver_objects(settings):
    _, rows = nb.run_cypher(
        settings, "MATCH p = (a:Actor {id: 'viet-nam'})-[r:PARTY_TO]->(i:Agreement) RETURN a, r, p, i.start AS start"
    )
    [[node, rel, path, start]] = rows
    assert set(node.labels) == {"Actor", "State", "PartnerGraph"} and node["name_vi"] == "Việt Nam"
    assert rel.type == "PARTY_TO" and rel["id"] == "viet-nam--party_to--eu-viet-nam-fpa"
    assert [n["id"] for n in path.nodes] == ["viet-nam", "eu-viet-nam-fpa"]
    assert start.iso_format() == "2019-10-17"


@pytest.mark.parametrize(
    "cypher, kind",
    [
        ("CREATE (n:Scratch {id: 'x'})", "w"),
        ("MATCH (n:Actor {id: 'eu'}) SET n.name = 'changed' RETURN n", "rw"),
        ("MERGE (n:Scratch {id: 'y'})", "w"),
        ("CREATE INDEX scratch_id IF NOT EXISTS FOR (n:Scratch) ON (n.id)", "s"),
        ("MATCH (n:Actor {id: 'eu'}) DETACH DELETE n", "w"),
    ],
)
def test_writes_are_refused_without_write(settings, cypher, kind):
    with pytest.raises(nb.WriteQueryRefused, match=rf"query type '{kind}'.*write=True"):
        nb.run_cypher(settings, cypher)
    assert count(settings, "Scratch") == 0
    assert nb.run_cypher(settings, "MATCH (n {id: 'eu'}) RETURN n.name")[1] == [["European Union"]]


def test_writes_run_with_write(settings):
    columns, rows = nb.run_cypher(settings, "CREATE (n:Scratch {id: $id}) RETURN n.id AS id", {"id": "s1"}, write=True)
    assert (columns, rows) == (["id"], [["s1"]])
    assert count(settings, "Scratch") == 1
    nb.run_cypher(settings, "MATCH (n:Scratch) DELETE n", write=True)
    assert count(settings, "Scratch") == 0


def test_explain_and_profile_prefixes_are_classified_too(settings):
    with pytest.raises(nb.WriteQueryRefused):
        nb.run_cypher(settings, "PROFILE CREATE (n:Scratch)")
    columns, _ = nb.run_cypher(settings, "EXPLAIN MATCH (n) RETURN n")
    assert columns == ["n"]


def test_syntax_errors_show_neo4j_message_and_position(settings):
    with pytest.raises(nb.Neo4jBackendError) as err:
        nb.run_cypher(settings, "MATCH (n:Actor RETURN n")
    message = str(err.value)
    assert message.startswith("Cypher syntax error:")
    assert "(line 1, column 16 (offset: 15))" in message and "\"MATCH (n:Actor RETURN n\"" in message


def test_a_missing_parameter_is_named(settings):
    with pytest.raises(nb.Neo4jBackendError, match=r"parameter.*name"):
        nb.run_cypher(settings, "MATCH (n) WHERE n.name = $name RETURN n")


def test_bad_credentials_unreachable_server_and_missing_database(settings):
    wrong = nb.Neo4jSettings(settings.uri, settings.username, "wrong-" + settings.password, settings.database)
    with pytest.raises(nb.Neo4jBackendError, match="refused the credentials") as err:
        nb.run_cypher(wrong, "RETURN 1")
    assert wrong.password not in str(err.value)
    with pytest.raises(nb.Neo4jBackendError, match="cannot reach a Neo4j server at bolt://127.0.0.1:9"):
        nb.run_cypher(nb.Neo4jSettings("bolt://127.0.0.1:9", "neo4j", "x"), "RETURN 1")
    with pytest.raises(nb.Neo4jBackendError, match="database 'nosuchdb' does not exist"):
        nb.run_cypher(nb.Neo4jSettings(settings.uri, settings.username, settings.password, "nosuchdb"), "RETURN 1")


def test_a_timeout_stops_a_long_query(settings):
    with pytest.raises(nb.Neo4jBackendError, match="(?i)timeout|terminated"):
        nb.run_cypher(settings, "UNWIND range(1, 100000000) AS i WITH i WHERE i % 7 = 99 RETURN count(i)", timeout=0.2)
