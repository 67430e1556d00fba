"""A local Neo4j server instance: its folder, configuration, process, logs and state.

Each instance lives in ``${PARTNERGRAPH_CACHE:-~/.cache/partnergraph}/instances/<name>``
(NEO4J_HOME: conf/, data/, logs/, state.json, neo4j.env, credentials.json, all
private to you). The server listens on 127.0.0.1 only, on a free port, with
authentication on and a random password per new instance, which is never
printed: it is kept in files readable only by you (state.json and neo4j.env).

Starting is :mod:`.start` (it needs the official driver to check readiness);
this module (standard library only, quick to import) stops, reports and runs
neo4j-admin. ``scripts/neo4j-local`` is the command line over both.

>>> opts = ServerOptions()
>>> opts.heap_max, opts.jvm_profile, jvm_profile_options("dev")
('1g', 'dev', ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'])
>>> print(env_file_text("bolt://127.0.0.1:7999", "it's"), end="")
# Neo4j started by scripts/neo4j-local; use with: source THIS_FILE
export NEO4J_URI='bolt://127.0.0.1:7999'
export NEO4J_USERNAME='neo4j'
export NEO4J_PASSWORD='it'"'"'s'
export NEO4J_DATABASE='neo4j'
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from partnergraph.graph.stores.neo4j.fetch import (
    ADMIN_MAIN, EXIT_NOT_RUNNING, SERVER_MAIN, Failure, cache_root, cached_versions, checked_java, fetch, info,
    lib_dir, locked, read_json, write_private,
)

USERNAME = "neo4j"
DATABASE = "neo4j"
DEFAULT_HEAP_INITIAL = "512m"
DEFAULT_HEAP_MAX = "1g"
DEFAULT_PAGECACHE = "256m"
DEFAULT_START_TIMEOUT = 120.0
DEFAULT_STOP_TIMEOUT = 120.0

# JVM options of the packaged Neo4j 5.26 conf/neo4j.conf (server.jvm.additional),
# which the launcher puts before -Dfile.encoding=UTF-8 -Xms.. -Xmx.. and the main
# class.  Left out: -XX:+AlwaysPreTouch (touches the whole heap at start: slower
# start and a larger RSS on a small shared machine).  The garbage collector is
# chosen by the JVM profile (see jvm_profile_options).
PACKAGED_JVM_OPTIONS = (
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dlog4j.layout.jsonTemplate.maxStringLength=32768",
)


@dataclass
class ServerOptions:
    """How a server is configured (``start``/``admin`` options; the defaults read PARTNERGRAPH_NEO4J_* variables)."""

    heap_initial: str = field(default_factory=lambda: os.environ.get("PARTNERGRAPH_NEO4J_HEAP_INITIAL", DEFAULT_HEAP_INITIAL))
    heap_max: str = field(default_factory=lambda: os.environ.get("PARTNERGRAPH_NEO4J_HEAP_MAX", DEFAULT_HEAP_MAX))
    pagecache: str = field(default_factory=lambda: os.environ.get("PARTNERGRAPH_NEO4J_PAGECACHE", DEFAULT_PAGECACHE))
    jvm_profile: str = field(default_factory=lambda: os.environ.get("PARTNERGRAPH_NEO4J_JVM_PROFILE", "dev"))
    jvm_opt: list[str] = field(default_factory=list)
    cds: bool = field(default_factory=lambda: os.environ.get("PARTNERGRAPH_NEO4J_CDS", "1") not in ("0", "false", "no"))
    conf: list[str] = field(default_factory=list)


def instance_dir(name: str) -> Path:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", name):
        raise Failure(f"invalid instance name {name!r}", "use letters, digits, '.', '_' or '-'")
    return cache_root() / "instances" / name


class Instance:
    def __init__(self, name: str):
        self.name = name
        self.dir = instance_dir(name)
        self.home = self.dir  # NEO4J_HOME
        self.conf_dir = self.dir / "conf"
        self.conf = self.conf_dir / "neo4j.conf"
        self.data = self.dir / "data"
        self.logs = self.dir / "logs"
        self.console_log = self.logs / "console.log"
        self.state_file = self.dir / "state.json"
        self.env_file = self.dir / "neo4j.env"
        self.credentials_file = self.dir / "credentials.json"
        self.lock_file = self.dir / ".lock"

    def prepare_dirs(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.dir, 0o700)
        for sub in ("conf", "data", "logs", "run", "plugins", "import"):
            (self.dir / sub).mkdir(exist_ok=True)

    def initialized(self) -> bool:
        """True once the server has created its system database (auth is then fixed)."""
        return (self.data / "databases" / "system").exists()


# --- configuration ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def jvm_profile_options(profile: str) -> list[str]:
    if profile == "packaged":
        return ["-XX:+UseG1GC"]
    # "dev": faster start and less CPU on a small machine that also runs the tests;
    # C1-only JIT trades peak query speed, so benchmarks should use --jvm-profile packaged.
    return ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]


def write_conf(inst: Instance, port: int, opts: ServerOptions) -> None:
    jvm = jvm_profile_options(opts.jvm_profile) + list(PACKAGED_JVM_OPTIONS) + list(opts.jvm_opt or [])
    lines = [
        "# Generated by scripts/neo4j-local on every start; edits here are overwritten.",
        "# Add settings with `scripts/neo4j-local start --conf KEY=VALUE` instead.",
        "",
        "# Network: loopback only, Bolt on a free port, no HTTP/HTTPS.",
        "server.default_listen_address=127.0.0.1",
        "server.default_advertised_address=127.0.0.1",
        "server.bolt.enabled=true",
        f"server.bolt.listen_address=127.0.0.1:{port}",
        f"server.bolt.advertised_address=127.0.0.1:{port}",
        "server.bolt.tls_level=DISABLED",
        "server.http.enabled=false",
        "server.https.enabled=false",
        "",
        "# Security: authentication on; the initial password is set before the first start.",
        "dbms.security.auth_enabled=true",
        "server.directories.import=import",
        "dbms.usage_report.enabled=false",
        "",
        "# Memory: small, the machine runs tests alongside.",
        f"server.memory.heap.initial_size={opts.heap_initial}",
        f"server.memory.heap.max_size={opts.heap_max}",
        f"server.memory.pagecache.size={opts.pagecache}",
        "",
        "db.tx_log.rotation.retention_policy=2 days 512M",
        *([
            "# dev profile: no 256 MiB preallocated transaction log per database",
            "db.tx_log.preallocate=false",
            "db.tx_log.rotation.size=64M",
        ] if opts.jvm_profile == "dev" else []),
        "# Do not wait 2 x 5 s for Netty's quiet period when stopping.",
        "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",
        "",
        "# JVM options, read back by scripts/neo4j-local as the packaged launcher does.",
        *[f"server.jvm.additional={opt}" for opt in jvm],
    ]
    extra = list(opts.conf or [])
    if extra:
        lines += ["", "# From --conf"]
        for item in extra:
            if "=" not in item:
                raise Failure(f"--conf expects KEY=VALUE, got {item!r}")
            lines.append(item.strip())
    text = "\n".join(lines) + "\n"
    inst.conf_dir.mkdir(parents=True, exist_ok=True)
    inst.conf.write_text(text)


def read_conf(inst: Instance) -> tuple[dict[str, str], list[str]]:
    settings: dict[str, str] = {}
    jvm: list[str] = []
    for raw in inst.conf.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        key, value = key.strip(), value.strip()
        if key == "server.jvm.additional":
            jvm.append(value)
        else:
            settings[key] = value
    return settings, jvm


def base_java_command(inst: Instance, version: str, java: str, main: str, admin: bool = False) -> list[str]:
    """The command line the packaged launcher builds: java -cp plugins/*:conf/*:lib/* OPTS MAIN."""
    settings, jvm = read_conf(inst)
    classpath = ":".join([str(inst.home / "plugins" / "*"), str(inst.conf_dir / "*"), str(lib_dir(version) / "*")])
    cmd = [java, "-cp", classpath, *jvm, "-Dfile.encoding=UTF-8"]
    heap_env = os.environ.get("HEAP_SIZE")
    if heap_env:
        cmd += [f"-Xms{heap_env}", f"-Xmx{heap_env}"]
    else:
        if not admin and settings.get("server.memory.heap.initial_size"):
            cmd.append("-Xms" + settings["server.memory.heap.initial_size"])
        if settings.get("server.memory.heap.max_size"):
            cmd.append("-Xmx" + settings["server.memory.heap.max_size"])
    cmd.append(main)
    return cmd


def admin_env(inst: Instance) -> dict[str, str]:
    env = dict(os.environ)
    env["NEO4J_HOME"] = str(inst.home)
    env["NEO4J_CONF"] = str(inst.conf_dir)
    return env


def server_env(inst: Instance) -> dict[str, str]:
    """The server's environment: no credentials of another server (e.g. a sourced neo4j.env)."""
    env = admin_env(inst)
    for key in ("NEO4J_PASSWORD", "NEO4J_AUTH", "NEO4J_USERNAME", "NEO4J_URI"):
        env.pop(key, None)
    return env


# --- processes and logs ------------------------------------------------------------------


def proc_cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def is_our_server(pid: int, inst: Instance) -> bool:
    cmd = proc_cmdline(pid)
    return SERVER_MAIN in cmd and f"--home-dir={inst.home}" in cmd


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie child of ours counts as dead
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def find_server_pids(inst: Instance) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and is_our_server(int(entry.name), inst):
            pids.append(int(entry.name))
    return pids


def running_pid(inst: Instance, state: dict | None) -> int | None:
    if state and isinstance(state.get("pid"), int):
        pid = state["pid"]
        if pid_alive(pid) and is_our_server(pid, inst):
            return pid
    pids = [pid for pid in find_server_pids(inst) if pid_alive(pid)]
    return pids[0] if pids else None


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def terminate(pid: int, timeout: float) -> str:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return "already gone"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return "stopped"
        time.sleep(0.2)
    info(f"pid {pid} did not stop within {timeout:.0f} s after SIGTERM; sending SIGKILL")
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and pid_alive(pid):
        time.sleep(0.2)
    return "killed"


def finish_cds_dump(pending: str | None, clean_exit: bool) -> None:
    if not pending:
        return
    tmp = Path(pending)
    final = tmp.with_name(tmp.name.split(".tmp-")[0])
    if clean_exit and tmp.is_file() and tmp.stat().st_size > 0:
        os.replace(tmp, final)
        info(f"saved a class-data archive for quicker starts: {final}")
    else:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


# --- state ----------------------------------------------------------------------------------


def load_credentials(inst: Instance) -> dict | None:
    creds = read_json(inst.credentials_file)
    if creds and creds.get("password"):
        return creds
    return None


def env_file_text(uri: str, password: str) -> str:
    def q(value: str) -> str:
        return "'" + value.replace("'", "'\"'\"'") + "'"

    return (
        "# Neo4j started by scripts/neo4j-local; use with: source THIS_FILE\n"
        f"export NEO4J_URI={q(uri)}\n"
        f"export NEO4J_USERNAME={q(USERNAME)}\n"
        f"export NEO4J_PASSWORD={q(password)}\n"
        f"export NEO4J_DATABASE={q(DATABASE)}\n"
    )


def save_state(inst: Instance, pid: int, port: int, version: str, password: str, owner: str | None,
               cds_dump: str | None = None) -> dict:
    uri = f"bolt://127.0.0.1:{port}"
    state = {
        "name": inst.name,
        "pid": pid,
        "uri": uri,
        "host": "127.0.0.1",
        "port": port,
        "username": USERNAME,
        "password": password,
        "database": DATABASE,
        "version": version,
        "home": str(inst.home),
        "conf": str(inst.conf),
        "logs": str(inst.logs),
        "env_file": str(inst.env_file),
        "started_at": time.time(),
        "owner": owner,
        "cds_dump": cds_dump,
    }
    write_private(inst.state_file, json.dumps(state, indent=2) + "\n")
    write_private(inst.env_file, env_file_text(uri, password))
    return state


# --- stop, status, env, admin -------------------------------------------------------------


def stop(name: str, timeout: float = DEFAULT_STOP_TIMEOUT, purge: bool = False) -> list[str]:
    """Stop the instance's server (SIGTERM, wait, SIGKILL) and remove its state; the lines to show."""
    inst = Instance(name)
    out: list[str] = []
    if not inst.dir.exists():
        return [f"instance '{inst.name}' does not exist; nothing to stop"]
    with locked(inst.lock_file):
        state = read_json(inst.state_file)
        pids = []
        pid = running_pid(inst, state)
        if pid is not None:
            pids.append(pid)
        pids += [p for p in find_server_pids(inst) if p not in pids and pid_alive(p)]
        if not pids:
            out.append(f"Neo4j instance '{inst.name}' is not running")
        for pid in pids:
            started = time.monotonic()
            dumping = bool(state and state.get("pid") == pid and state.get("cds_dump"))
            if dumping:
                info("this first run also writes a class-data archive on exit (once per JVM): stopping takes longer")
            outcome = terminate(pid, timeout)
            out.append(f"Neo4j instance '{inst.name}' (pid {pid}) {outcome} in {time.monotonic() - started:.1f} s")
            if dumping:
                finish_cds_dump(state["cds_dump"], clean_exit=outcome == "stopped")
        for path in (inst.state_file, inst.env_file):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        if purge:
            shutil.rmtree(inst.dir, ignore_errors=True)
            out.append(f"deleted {inst.dir}")
    return out


def status(name: str) -> dict:
    """Running or not, uri, version, pid, owner (never the password)."""
    inst = Instance(name)
    state = read_json(inst.state_file) if inst.dir.exists() else None
    pid = running_pid(inst, state) if inst.dir.exists() else None
    running = pid is not None and bool(state) and state.get("pid") == pid
    report = {
        "name": inst.name,
        "running": running,
        "pid": pid,
        "uri": state.get("uri") if running else None,
        "version": state.get("version") if running else (cached_versions() or [None])[0],
        "home": str(inst.home),
        "state_file": str(inst.state_file) if running else None,
        "env_file": str(inst.env_file) if running else None,
        "rss_kib": rss_kib(pid) if pid else None,
        "owner": state.get("owner") if running else None,
    }
    if pid is not None and not running:
        report["note"] = "a server for this instance runs but its state file is missing; stop it"
    return report


def status_lines(report: dict) -> list[str]:
    """The status report for people."""
    lines = [f"instance: {report['name']}", f"status:   {'running' if report['running'] else 'not running'}"]
    if report["running"]:
        lines += [f"uri:      {report['uri']}", f"user:     {USERNAME}"]
    lines.append(f"version:  {report['version'] or '(not fetched)'}")
    if report["pid"] is not None:
        lines.append(f"pid:      {report['pid']}")
        if report["rss_kib"]:
            lines.append(f"rss:      {report['rss_kib'] / 1024:.0f} MiB")
    lines.append(f"home:     {report['home']}")
    if report["running"]:
        lines.append(f"env file: {report['env_file']}")
    if report.get("note"):
        lines.append(f"note:     {report['note']}")
    return lines


def env_file(name: str) -> Path:
    """The env file of a running instance (``source`` it for the NEO4J_* variables)."""
    inst = Instance(name)
    state = read_json(inst.state_file)
    if not state or running_pid(inst, state) != state.get("pid") or not inst.env_file.exists():
        raise Failure(f"Neo4j instance '{inst.name}' is not running, so it has no env file",
                      f"start it: scripts/neo4j-local start --name {inst.name}", EXIT_NOT_RUNNING)
    return inst.env_file


def admin(name: str, admin_args: list[str], opts: ServerOptions, neo4j_version: str | None = None) -> int:
    """Run neo4j-admin with the instance's home and conf; its exit status."""
    admin_args = list(admin_args or [])
    if admin_args and admin_args[0] == "--":
        admin_args = admin_args[1:]
    if not admin_args:
        admin_args = ["--help"]
    inst = Instance(name)
    inst.prepare_dirs()
    java = checked_java()
    version = fetch(neo4j_version)
    if not inst.conf.exists():
        write_conf(inst, free_port(), opts)
    cmd = base_java_command(inst, version, java, ADMIN_MAIN, admin=True) + admin_args
    proc = subprocess.run(cmd, env=admin_env(inst), cwd=inst.home)
    return proc.returncode
