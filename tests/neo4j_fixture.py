"""pytest plugin: a real Neo4j server for the tests (registered in conftest.py).

Fixtures
--------
``neo4j_settings`` (session)
    A :class:`Neo4jSettings` with ``uri, username, password, database`` (plus
    ``source`` and ``home``).  When ``NEO4J_URI`` is set, the server it names is
    used (your own server or Aura) with ``NEO4J_USERNAME`` (default ``neo4j``),
    ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE`` (default ``neo4j``).  Otherwise a
    local Neo4j Community server is started with
    ``scripts/neo4j-local start --name pytest`` and stopped at the end of the
    session, unless it was already running before the session (then it is left
    running).  pytest sessions running at the same time (several terminals,
    pytest-xdist workers) share that server; the last one to finish stops it,
    and only if a pytest session started it, never one you started by hand.

``neo4j_driver`` (session)
    An official ``neo4j`` driver connected to that server, closed at the end.

Tests that use either fixture get the ``neo4j`` marker automatically, so
``pytest -m neo4j`` runs only them and ``pytest -m "not neo4j"`` skips them.

When Neo4j cannot be had: with ``CI=true`` the tests FAIL with the reason and the
last server log lines; elsewhere, with neither Java nor ``NEO4J_URI``, they are
skipped with one line saying how to enable them.  The local server keeps its data
between sessions: tests should create and delete their own nodes.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
NEO4J_LOCAL = REPO_ROOT / "scripts" / "neo4j-local"
LOCAL_INSTANCE = "pytest"
EXIT_PREREQUISITE = 4  # scripts/neo4j-local: Java or Maven missing
NEO4J_FIXTURES = ("neo4j_settings", "neo4j_driver")

HOW_TO_ENABLE = (
    "Neo4j tests skipped: {why}. To run them, install Java 17 and Maven "
    "(e.g. `apt-get install openjdk-17-jre-headless maven`; scripts/neo4j-local then fetches "
    "Neo4j from Maven Central), or set NEO4J_URI, NEO4J_USERNAME and NEO4J_PASSWORD "
    "(optionally NEO4J_DATABASE) to use a server of your own."
)


@dataclass(frozen=True)
class Neo4jSettings:
    uri: str
    username: str
    password: str = field(repr=False)
    database: str = "neo4j"
    source: str = "local"  # "local": started by scripts/neo4j-local; "env": from NEO4J_* variables
    home: str | None = None  # NEO4J_HOME of the local instance (None for "env")

    @property
    def auth(self) -> tuple[str, str] | None:
        return (self.username, self.password) if self.password else None


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def neo4j_local(*args: str, timeout: float = 1800) -> subprocess.CompletedProcess:
    """Run scripts/neo4j-local with this interpreter (so the neo4j driver is importable)."""
    return subprocess.run(
        [sys.executable, str(NEO4J_LOCAL), *args],
        capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )


def local_status(name: str = LOCAL_INSTANCE) -> dict:
    proc = neo4j_local("status", "--name", name, "--json", timeout=120)
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError:
        return {"running": False, "error": (proc.stdout + proc.stderr).strip()}


def _unavailable(reason: str, prerequisite_missing: bool, skip_message: str | None = None) -> None:
    """Fail in CI; outside CI skip when a prerequisite is missing, else fail."""
    if in_ci():
        pytest.fail(f"Neo4j is required in CI but could not be used: {reason}", pytrace=False)
    if prerequisite_missing:
        pytest.skip(skip_message or HOW_TO_ENABLE.format(why=reason))
    pytest.fail(f"Neo4j could not be started: {reason}", pytrace=False)


def _java_available() -> bool:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return True
    return shutil.which("java") is not None


def _settings_from_env() -> Neo4jSettings:
    return Neo4jSettings(
        uri=os.environ["NEO4J_URI"],
        username=os.environ.get("NEO4J_USERNAME") or "neo4j",
        password=os.environ.get("NEO4J_PASSWORD") or "",
        database=os.environ.get("NEO4J_DATABASE") or "neo4j",
        source="env",
    )


FIXTURE_OWNER = "pytest-fixture"


@contextlib.contextmanager
def _leases(home: Path):
    """Lock the instance's lease folder: pytest sessions running at once share one server,
    and the last one out stops it (only if a pytest session started it)."""
    folder = home / "leases"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _live_leases(folder: Path) -> list[Path]:
    live = []
    for lease in folder.glob("pid-*"):
        try:
            os.kill(int(lease.name[4:]), 0)
        except ProcessLookupError:
            lease.unlink(missing_ok=True)  # left by a session that died
            continue
        except (ValueError, PermissionError):
            pass
        live.append(lease)
    return live


def _start_local(request: pytest.FixtureRequest) -> dict:
    before = local_status()
    home = Path(before.get("home") or "")
    if not before.get("home"):
        _unavailable(f"`scripts/neo4j-local status` failed: {before.get('error')}", prerequisite_missing=False)
    with _leases(home) as folder:
        try:
            proc = neo4j_local("start", "--name", LOCAL_INSTANCE, "--owner", FIXTURE_OWNER)
        except subprocess.TimeoutExpired:
            _unavailable("`scripts/neo4j-local start` timed out", prerequisite_missing=False)
        if proc.returncode != 0:
            detail = proc.stderr.strip() or proc.stdout.strip()
            _unavailable(
                f"`scripts/neo4j-local start --name {LOCAL_INSTANCE}` exited {proc.returncode}:\n{detail}",
                prerequisite_missing=proc.returncode == EXIT_PREREQUISITE,
            )
        status = local_status()
        lease = folder / f"pid-{os.getpid()}"
        lease.touch()

    def release() -> None:
        with _leases(home) as folder:
            lease.unlink(missing_ok=True)
            if _live_leases(folder):
                return  # another pytest session still uses the server
            now = local_status()
            # Stop only a server that a pytest session started: one that was started by
            # hand before the session (no owner) is left running.
            if now.get("running") and now.get("owner") == FIXTURE_OWNER:
                neo4j_local("stop", "--name", LOCAL_INSTANCE, timeout=300)

    request.addfinalizer(release)
    state = json.loads(Path(status["state_file"]).read_text()) if status.get("state_file") else None
    if not state:
        _unavailable(f"the server started but its state could not be read: {status}", prerequisite_missing=False)
    return state


@pytest.fixture(scope="session")
def neo4j_settings(request: pytest.FixtureRequest) -> Neo4jSettings:
    if os.environ.get("NEO4J_URI"):
        return _settings_from_env()
    if not _java_available():
        _unavailable("no Java found and NEO4J_URI is not set", prerequisite_missing=True)
    state = _start_local(request)
    return Neo4jSettings(
        uri=state["uri"],
        username=state["username"],
        password=state["password"],
        database=state.get("database") or "neo4j",
        source="local",
        home=state.get("home"),
    )


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_settings: Neo4jSettings):
    try:
        import neo4j
    except ImportError:
        _unavailable("the `neo4j` Python driver is not installed", prerequisite_missing=True,
                     skip_message="Neo4j tests skipped: the `neo4j` Python driver is not installed "
                                  "(pip install neo4j, or pip install -e '.[test]').")
    driver = neo4j.GraphDatabase.driver(neo4j_settings.uri, auth=neo4j_settings.auth)
    try:
        driver.verify_connectivity()
    except Exception as exc:  # noqa: BLE001 - reported as a test failure/skip with the reason
        driver.close()
        _unavailable(f"cannot connect to {neo4j_settings.uri}: {type(exc).__name__}: {exc}",
                     prerequisite_missing=False)
    yield driver
    driver.close()


SKIP_PREFIX = "Neo4j tests skipped:"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    """Report all 'Neo4j unavailable' skips at one location, so `-ra` folds them into ONE line."""
    outcome = yield
    report = outcome.get_result()
    longrepr = report.longrepr
    if report.skipped and isinstance(longrepr, tuple) and len(longrepr) == 3:
        reason = str(longrepr[2])
        if reason.startswith(("Skipped: " + SKIP_PREFIX, SKIP_PREFIX)):
            report.longrepr = (__file__, _unavailable.__code__.co_firstlineno, reason)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "neo4j: needs a real Neo4j server (the neo4j_settings / neo4j_driver fixtures); "
        "select with -m neo4j, leave out with -m 'not neo4j'",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if any(name in getattr(item, "fixturenames", ()) for name in NEO4J_FIXTURES):
            item.add_marker(pytest.mark.neo4j)
