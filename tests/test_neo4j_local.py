"""scripts/neo4j-local's pieces, importable and tested without starting a server (the fixture's tests start one)."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from partnergraph.graph.stores.neo4j import fetch, server

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "neo4j-local"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PARTNERGRAPH_CACHE", str(tmp_path))
    return tmp_path


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def test_instance_names_are_checked(cache):
    assert server.Instance("pytest").dir == cache / "instances" / "pytest"
    for bad in ("../x", "", "a b", "-x", "x" * 65):
        with pytest.raises(fetch.Failure, match="invalid instance name"):
            server.Instance(bad)


def test_the_configuration_is_loopback_only_with_auth(cache):
    inst = server.Instance("conf-test")
    inst.prepare_dirs()
    assert stat.S_IMODE(inst.dir.stat().st_mode) == 0o700
    port = server.free_port()
    server.write_conf(inst, port, server.ServerOptions(conf=["db.memory.transaction.max=16m"], jvm_opt=["-Dx=1"]))
    settings, jvm = server.read_conf(inst)
    assert settings["server.default_listen_address"] == "127.0.0.1"
    assert settings["server.bolt.listen_address"] == f"127.0.0.1:{port}"
    assert settings["server.http.enabled"] == settings["server.https.enabled"] == "false"
    assert settings["dbms.security.auth_enabled"] == "true"
    assert settings["db.memory.transaction.max"] == "16m"
    assert "-Dx=1" in jvm and "-XX:+UseSerialGC" in jvm
    with pytest.raises(fetch.Failure, match="--conf expects KEY=VALUE"):
        server.write_conf(inst, port, server.ServerOptions(conf=["nonsense"]))


def test_a_free_port_is_free():
    port = server.free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_private_files_and_the_env_file(cache):
    path = cache / "secret.json"
    fetch.write_private(path, json.dumps({"password": "p"}))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and fetch.read_json(path) == {"password": "p"}
    assert fetch.read_json(cache / "missing.json") is None
    text = server.env_file_text("bolt://127.0.0.1:1", "a'b")
    assert "export NEO4J_PASSWORD='a'\"'\"'b'" in text


def test_status_of_an_instance_that_is_not_running(cache):
    report = server.status("nothing-here")
    assert report["running"] is False and report["pid"] is None and report["uri"] is None
    proc = run("status", "--name", "nothing-here", "--json", env={"PARTNERGRAPH_CACHE": str(cache)})
    assert proc.returncode == 3 and json.loads(proc.stdout)["running"] is False
    proc = run("env", "--name", "nothing-here", env={"PARTNERGRAPH_CACHE": str(cache)})
    assert proc.returncode == 3
    assert proc.stderr.splitlines()[0] == "neo4j-local: error: Neo4j instance 'nothing-here' is not running, so it has no env file"
    proc = run("stop", "--name", "nothing-here", env={"PARTNERGRAPH_CACHE": str(cache)})
    assert proc.returncode == 0 and "does not exist; nothing to stop" in proc.stdout


def test_the_script_is_a_click_command_line():
    proc = run("--help")
    assert proc.returncode == 0
    for command in ("fetch", "start", "stop", "status", "env", "admin"):
        assert command in proc.stdout
    assert run("start", "--help").returncode == 0 and "--owner" in run("start", "--help").stdout
    bad = run("status", "--name", "../x")
    assert bad.returncode == 1 and "invalid instance name" in bad.stderr and "Traceback" not in bad.stderr


def test_no_hand_written_bolt_client_is_left():
    for path in [SCRIPT, *Path(server.__file__).parent.glob("*.py")]:
        text = path.read_text()
        assert "PackStream" not in text.replace("no PackStream", "") and "struct.pack" not in text, path
