"""The Neo4j server behind the neo4j_settings / neo4j_driver fixtures is real and locked down."""

from __future__ import annotations

import ipaddress
import secrets
import stat
from pathlib import Path

import pytest

from neo4j_fixture import Neo4jSettings, neo4j_local

pytestmark = pytest.mark.neo4j


def require_local(settings: Neo4jSettings) -> Path:
    if settings.source != "local" or not settings.home:
        pytest.skip("checks the server started by scripts/neo4j-local; NEO4J_URI points elsewhere")
    return Path(settings.home)


def test_answers_return_1(neo4j_driver, neo4j_settings):
    records, _, _ = neo4j_driver.execute_query("RETURN 1 AS one", database_=neo4j_settings.database)
    assert [record["one"] for record in records] == [1]


def test_is_community_edition_5_26(neo4j_driver, neo4j_settings):
    require_local(neo4j_settings)
    records, _, _ = neo4j_driver.execute_query(
        "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition",
        database_="system",
    )
    kernel = [record for record in records if record["name"] == "Neo4j Kernel"]
    assert len(kernel) == 1, records
    assert kernel[0]["edition"] == "community"
    assert kernel[0]["versions"][0].startswith("5.26."), kernel[0]["versions"]


def test_authentication_is_on(neo4j_settings):
    import neo4j
    from neo4j.exceptions import AuthError

    wrong = "wrong-" + secrets.token_urlsafe(12)
    with neo4j.GraphDatabase.driver(neo4j_settings.uri, auth=(neo4j_settings.username, wrong)) as driver:
        with pytest.raises(AuthError):
            driver.verify_connectivity()


def _listening_addresses(port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """Local addresses of the LISTEN sockets on `port`, from /proc/net/tcp and tcp6."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state = fields[1], fields[3]
            address_hex, port_hex = local.split(":")
            if state != "0A" or int(port_hex, 16) != port:  # 0A = LISTEN
                continue
            raw = bytes.fromhex(address_hex)
            # the kernel prints each 32-bit word in host (little-endian) order
            packed = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
            found.append(ipaddress.ip_address(packed))
    return found


def test_listens_on_loopback_only(neo4j_settings):
    home = require_local(neo4j_settings)
    conf = {}
    for line in (home / "conf" / "neo4j.conf").read_text().splitlines():
        if line.strip() and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            conf[key.strip()] = value.strip()
    port = int(neo4j_settings.uri.rsplit(":", 1)[1])
    assert neo4j_settings.uri == f"bolt://127.0.0.1:{port}"
    assert conf["server.default_listen_address"] == "127.0.0.1"
    assert conf["server.bolt.listen_address"] == f"127.0.0.1:{port}"
    assert conf["server.http.enabled"] == "false"
    assert conf["server.https.enabled"] == "false"
    assert conf["dbms.security.auth_enabled"] == "true"

    addresses = _listening_addresses(port)
    if not addresses and not Path("/proc/net/tcp").exists():
        pytest.skip("no /proc/net/tcp to check the bound address")
    assert addresses, f"nothing listens on port {port}"
    for address in addresses:
        mapped = getattr(address, "ipv4_mapped", None)
        assert (mapped or address).is_loopback, f"port {port} is bound to {address}"


def test_status_and_env_do_not_print_the_password(neo4j_settings):
    home = require_local(neo4j_settings)
    name = home.name
    password = neo4j_settings.password
    assert len(password) >= 16

    status = neo4j_local("status", "--name", name, timeout=120)
    assert status.returncode == 0, status.stderr
    assert "running" in status.stdout
    assert neo4j_settings.uri in status.stdout
    assert "5.26." in status.stdout

    outputs = [status]
    outputs.append(neo4j_local("status", "--name", name, "--json", timeout=120))
    outputs.append(neo4j_local("env", "--name", name, timeout=120))
    for proc in outputs:
        assert password not in proc.stdout
        assert password not in proc.stderr
    env_file = Path(outputs[-1].stdout.strip())
    text = env_file.read_text()
    assert f"export NEO4J_URI='{neo4j_settings.uri}'" in text
    assert "export NEO4J_PASSWORD=" in text


def test_secrets_are_private_and_not_logged(neo4j_settings):
    home = require_local(neo4j_settings)
    for name in ("state.json", "neo4j.env", "credentials.json"):
        mode = stat.S_IMODE((home / name).stat().st_mode)
        assert mode == 0o600, f"{name} has mode {oct(mode)}"
    for folder in ("logs", "conf"):
        for path in (home / folder).rglob("*"):
            if path.is_file():
                assert neo4j_settings.password not in path.read_text(errors="replace"), path
