"""Neo4j settings and backend choice, no server needed: URIs, passwords never shown, --backend aliases, the store protocol."""

from __future__ import annotations

import random
import string

import pytest
from click.testing import CliRunner

from partnergraph.cli.main import cli
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.stores.base import BACKEND_ALIASES, BACKENDS, GraphStore, PathQuery, backend_name, native_path_query
from partnergraph.graph.stores.neo4j.settings import BadURI, Neo4jSettings, parse_uri, redact_uri
from partnergraph.graph.stores.routing import open_store

SECRET = "Sup3r-s3cret-pw"
UNREACHABLE = f"bolt://neo4j:{SECRET}@127.0.0.1:9"


def test_a_password_in_the_uri_is_used_and_never_shown():
    s = Neo4jSettings(UNREACHABLE)
    assert (s.uri, s.username, s.password) == ("bolt://127.0.0.1:9", "neo4j", SECRET)
    assert SECRET not in repr(s) and SECRET not in s.where()
    assert redact_uri(UNREACHABLE) == "bolt://neo4j:***@127.0.0.1:9"


@pytest.mark.parametrize("command", [["neo4j", "status"], ["neo4j", "load"], ["neo4j", "wipe", "--yes"],
                                     ["path", "ROK", "VN", "--backend", "neo4j"], ["query", "RETURN 1", "--backend", "neo4j"]])
def test_the_cli_never_echoes_a_password_from_neo4j_uri(command):
    result = CliRunner().invoke(cli, command, env={"NEO4J_URI": UNREACHABLE, "NEO4J_PASSWORD": None})
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines() == [result.output.strip()]  # one line: no driver log on stderr
    assert "cannot reach a Neo4j server at bolt://127.0.0.1:9" in result.output
    assert SECRET not in result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


MALFORMED = ["bolt://[::1", "bolt://host:99999", "bolt://host:port", "http://host:7687", "localhost:7687", "bolt://",
             "bolt:///path", f"neo4j://u:{SECRET}@[bad", f"bolt://u:{SECRET}@host:70000", "bolt://ho st:7687",
             "bolt://host\n:7687"]


@pytest.mark.parametrize("uri", MALFORMED)
def test_a_malformed_uri_is_one_line_exit_1(uri):
    """(An empty --uri means the default one.)"""
    with pytest.raises(BadURI):
        parse_uri(uri)
    result = CliRunner().invoke(cli, ["neo4j", "status", "--uri", uri], env={"NEO4J_PASSWORD": "x"})
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: --uri / NEO4J_URI:"), result.output
    assert SECRET not in result.output


def test_generated_uris_never_raise_anything_but_bad_uri_and_never_leak_the_password():
    """Random URI-like strings (seeded): parse_uri accepts them or raises BadURI whose message hides the password."""
    rng = random.Random(20261202)
    alphabet = string.ascii_letters + string.digits + ":/@[]?#%.+-_ \t\n\x00é\u202e"
    schemes = ["bolt", "neo4j", "bolt+s", "neo4j+ssc", "http", "", "BOLT"]
    for _ in range(2000):
        host = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        port = rng.choice(["", ":7687", ":0", ":-1", ":99999", ":x", ":"])
        user = rng.choice(["", "neo4j:" + SECRET + "@", "u@", ":" + SECRET + "@"])
        uri = f"{rng.choice(schemes)}://{user}{host}{port}" if rng.random() < 0.9 else host
        try:
            clean, _, _ = parse_uri(uri)
        except BadURI as exc:
            assert SECRET not in str(exc), uri
        else:
            assert SECRET not in clean


def test_a_bad_neo4j_uri_does_not_stop_a_local_command():
    result = CliRunner().invoke(cli, ["path", "ROK", "VN"], env={"NEO4J_URI": "http://nonsense"})
    assert result.exit_code == 0, result.output


def test_backend_names_and_old_spellings():
    assert BACKENDS == ("local", "neo4j")
    assert {backend_name(a) for a in BACKEND_ALIASES} == {"local"}
    with pytest.raises(ValueError, match="unknown backend 'graphx'"):
        backend_name("graphx")


@pytest.mark.parametrize("old", ["networkx", "embedded"])
def test_old_backend_names_still_work_with_one_note(old):
    runner = CliRunner()
    new = runner.invoke(cli, ["path", "ROK", "VN", "--backend", "local", "-f", "json"])
    legacy = runner.invoke(cli, ["path", "ROK", "VN", "--backend", old, "-f", "json"])
    assert new.exit_code == legacy.exit_code == 0, legacy.output
    assert legacy.stdout == new.stdout
    assert legacy.stderr.strip().splitlines() == [
        f"Note: --backend {old} is now --backend local; the old name goes in the next release."]
    assert new.stderr == ""


def test_centrality_takes_the_same_backend_option():
    result = CliRunner().invoke(cli, ["centrality", "--top", "3", "--backend", "networkx", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert "--backend networkx is now --backend local" in result.stderr
    assert "local|neo4j" in CliRunner().invoke(cli, ["centrality", "--help"]).output


def test_the_neo4j_commands_batch_size_default_is_the_librarys():
    from partnergraph.cli.neo4j_cmds import DEFAULT_BATCH_SIZE
    from partnergraph.graph.stores.neo4j.plan import DEFAULT_BATCH_SIZE as LIBRARY

    assert DEFAULT_BATCH_SIZE == LIBRARY


def test_routing_of_path_questions():
    from datetime import date

    from partnergraph.graph.analysis.filters import parse_status

    every = parse_status("all")
    assert native_path_query(PathQuery(all_paths=True, max_hops=3, directed=True, status=every))
    # Neo4j's allShortestPaths counts every tie: with ties in place only (the default), the fetched graph answers
    assert not native_path_query(PathQuery(all_paths=True, max_hops=3, directed=True))
    for question in (PathQuery(k=2, status=every), PathQuery(via=("agreement",), status=every),
                     PathQuery(avoid=("person",), status=every), PathQuery(actors_only=True, status=every),
                     PathQuery(as_of=date(2019, 1, 1), status=every)):
        assert not native_path_query(question)


def test_memory_and_embedded_stores_follow_the_protocol():
    G = load_graph()
    memory = open_store("local", graph=G)
    embedded = open_store("local", graph=G, cypher=True, cache=False)
    try:
        for store in (memory, embedded):
            assert isinstance(store, GraphStore)
            assert store.node("viet-nam")["name"] == "Viet Nam" and store.node("atlantis") is None
            u, v, data = store.edge("eu--party_to--eu-rok-fpa")
            assert (u, v, data["type"]) == ("eu", "eu-rok-fpa", "party_to")
            assert store.edge("nope") is None
            [path] = store.shortest_paths("republic-of-korea", "viet-nam", PathQuery())
            assert (path.nodes[0], path.nodes[-1], len(path.edges)) == ("republic-of-korea", "viet-nam", 4)
            columns, rows = store.cypher("MATCH (s:State) WHERE s.id = $id RETURN s.name AS name", {"id": "viet-nam"})
            assert (columns, rows) == (["name"], [["Viet Nam"]])
    finally:
        memory.close()
        embedded.close()
