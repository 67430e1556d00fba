"""Starting a local Neo4j instance and waiting until it answers, with the official driver.

Neo4j is started the way the packaged ``neo4j`` launcher starts it: ``java -cp
'<lib>/*' <jvm options> org.neo4j.server.CommunityEntryPoint --home-dir=<home>
--config-dir=<conf>``, after ``neo4j-admin dbms set-initial-password`` for a
new instance (the password in a 0600 java @argfile, never on a command line).
Ready means: the official ``neo4j`` driver logs in and ``RETURN 1`` answers.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import secrets
import shutil
import subprocess
import time
from pathlib import Path

import neo4j
import neo4j.exceptions as ne

from partnergraph.graph.stores.neo4j.fetch import ADMIN_MAIN, SERVER_MAIN, Failure, checked_java, dist_dir, fetch, info, java_identity, write_private
from partnergraph.graph.stores.neo4j.server import (
    DATABASE, DEFAULT_START_TIMEOUT, USERNAME, Instance, ServerOptions, admin_env, base_java_command,
    finish_cds_dump, free_port, load_credentials, locked, proc_cmdline, read_conf, read_json, rss_kib,
    running_pid, save_state, server_env, terminate, write_conf,
)

def cds_options(version: str, java: str) -> tuple[list[str], str | None]:
    """AppCDS: the first server run of a JVM build dumps the loaded classes into an archive
    when it stops (-XX:ArchiveClassesAtExit); later starts map it (-XX:SharedArchiveFile),
    which roughly halves the start time.  A missing or unusable archive only costs speed."""
    folder = dist_dir(version) / "cds"
    folder.mkdir(parents=True, exist_ok=True)
    key = java_identity(java)
    archive = folder / f"server-{key}.jsa"
    if archive.is_file() and archive.stat().st_size > 0:
        return [f"-XX:SharedArchiveFile={archive}"], None
    for old in folder.glob("*.jsa.tmp-*"):  # dumps of servers that were killed or adopted
        with contextlib.suppress(OSError):
            if time.time() - old.stat().st_mtime > 3600:
                old.unlink()
    pending = folder / f"server-{key}.jsa.tmp-{secrets.token_hex(4)}"
    return [f"-XX:ArchiveClassesAtExit={pending}"], str(pending)


def set_initial_password(inst: Instance, version: str, java: str, password: str) -> None:
    """`neo4j-admin dbms set-initial-password`, with the password in a 0600 java @argfile
    so that it appears neither on a command line (ps) nor in any output."""
    argfile = inst.dir / ".initial-password.args"
    write_private(argfile, f"{ADMIN_MAIN}\ndbms\nset-initial-password\n{password}\n")
    cmd = base_java_command(inst, version, java, ADMIN_MAIN, admin=True)
    cmd[-1] = "@" + str(argfile)  # main class and its arguments come from the argfile
    try:
        proc = subprocess.run(cmd, env=admin_env(inst), capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=300)
    finally:
        with contextlib.suppress(FileNotFoundError):
            argfile.unlink()
    if proc.returncode != 0:
        output = (proc.stdout + proc.stderr).replace(password, "********")
        tail = "\n".join("    " + line for line in output.strip().splitlines()[-15:])
        raise Failure(f"`neo4j-admin dbms set-initial-password` failed (exit {proc.returncode}):\n{tail}")


def log_tail(path: Path, lines: int, since: int = 0) -> list[str]:
    """The last `lines` lines of `path`, reading only what was written after byte offset `since`."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            if size < since:  # rotated or truncated
                since = 0
            fh.seek(max(since, size - 64 * 1024))
            text = fh.read().decode(errors="replace")
    except OSError:
        return []
    return text.splitlines()[-lines:]


def log_files(inst: Instance) -> list[Path]:
    return [inst.console_log, inst.logs / "neo4j.log", inst.logs / "debug.log"]


def log_offsets(inst: Instance) -> dict[Path, int]:
    offsets = {}
    for path in log_files(inst):
        try:
            offsets[path] = path.stat().st_size
        except OSError:
            offsets[path] = 0
    return offsets


def logs_report(inst: Instance, since: dict[Path, int] | None = None, lines: int = 25,
                secret: str | None = None) -> str:
    """Last log lines written since `since` (the offsets when the server was launched)."""
    parts = []
    for path in log_files(inst):
        tail = [line for line in log_tail(path, lines, (since or {}).get(path, 0)) if line.strip()]
        if tail:
            if secret:
                tail = [line.replace(secret, "********") for line in tail]
            parts.append(f"--- last {len(tail)} lines of {path} ---\n" + "\n".join(tail))
    return "\n".join(parts) if parts else f"(nothing was logged under {inst.logs})"

# --- readiness -------------------------------------------------------------------------------


def bolt_ready(port: int, password: str) -> None:
    """Log in as neo4j with the official driver and run RETURN 1 on the default database. Raises on any problem."""
    with neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=(USERNAME, password), connection_timeout=10,
                                    connection_acquisition_timeout=15, max_transaction_retry_time=0,
                                    user_agent="partnergraph-neo4j-local/2") as driver:
        driver.verify_connectivity()
        records, _, _ = driver.execute_query("RETURN 1 AS ready", database_=DATABASE)
        if [r["ready"] for r in records] != [1]:
            raise Failure(f"RETURN 1 gave {records!r}")


def tcp_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0):
            return True
    except OSError:
        return False


FATAL_CODES = ("Security.Unauthorized", "Security.AuthenticationRateLimit", "Security.CredentialsExpired")


def wait_ready(proc: subprocess.Popen, port: int, password: str, timeout: float) -> tuple[bool, str]:
    """Wait until the server answers an authenticated RETURN 1; (ready?, what happened)."""
    started = time.monotonic()
    deadline = started + timeout
    last = "bolt port not open yet"
    port_open_at = None
    while time.monotonic() < deadline:
        code = proc.poll()
        if code is not None:
            return False, f"the server process exited with code {code}"
        if tcp_open(port):
            if port_open_at is None:
                port_open_at = time.monotonic() - started
            try:
                bolt_ready(port, password)
                return True, (f"port open after {port_open_at:.1f} s, ready after "
                              f"{time.monotonic() - started:.1f} s (driver login + RETURN 1)")
            except ne.AuthError as exc:
                return False, f"the driver could not log in: {exc.code or type(exc).__name__}"
            except ne.Neo4jError as exc:
                if any(tag in (exc.code or "") for tag in FATAL_CODES):
                    return False, f"the driver check failed: {exc.code}"
                last = f"{exc.code}: {(exc.message or '').strip()[:200]}"
            except (ne.DriverError, OSError) as exc:  # not accepting connections yet
                last = f"{type(exc).__name__}: {str(exc)[:200]}"
        time.sleep(0.5)
    return False, f"not ready after {timeout:.0f} s (last: {last})"


# --- start -----------------------------------------------------------------------------------


def adopt_orphan(inst: Instance, pid: int) -> dict | None:
    """A server of this instance runs without a state file (its `start` was interrupted):
    take it over if it answers with the stored credentials on the configured port."""
    creds = load_credentials(inst)
    if not creds or not inst.conf.exists():
        return None
    settings, _ = read_conf(inst)
    match = re.fullmatch(r"127\.0\.0\.1:(\d+)", settings.get("server.bolt.listen_address", ""))
    version = next((m.group(1) for part in proc_cmdline(pid)
                    if (m := re.search(r"neo4j-(\d+\.\d+\.\d+)/lib/", part))), None)
    if not match or not version:
        return None
    try:
        bolt_ready(int(match.group(1)), creds["password"])
    except (OSError, ValueError, ne.Neo4jError, ne.DriverError):
        return None
    return save_state(inst, pid, int(match.group(1)), version, creds["password"], None)


def start(name: str = "default", opts: ServerOptions | None = None, *, timeout: float = DEFAULT_START_TIMEOUT,
          fresh: bool = False, owner: str | None = None, neo4j_version: str | None = None) -> list[str]:
    """Start the instance (fetching Neo4j first if needed) and wait until an authenticated query answers.

    Returns the lines to show (URI, env file; never the password). A running
    instance is left as it is; one running without a state file (an
    interrupted start) is adopted when it answers with the stored credentials.
    """
    opts = opts or ServerOptions()
    inst = Instance(name)
    inst.prepare_dirs()
    out: list[str] = []
    with locked(inst.lock_file):
        state = read_json(inst.state_file)
        pid = running_pid(inst, state)
        if pid is not None:
            if fresh:
                raise Failure(f"instance '{inst.name}' is running (pid {pid}); stop it before --fresh",
                              f"scripts/neo4j-local stop --name {inst.name}")
            if state and state.get("pid") == pid:
                out.append(f"Neo4j {state.get('version')} (instance '{inst.name}') is already running at "
                      f"{state.get('uri')} (pid {pid})")
                out.append(f"Credentials: source {inst.env_file}")
                return out
            adopted = adopt_orphan(inst, pid)
            if adopted:
                out.append(f"Neo4j {adopted['version']} (instance '{inst.name}') was running without a state file; "
                      f"adopted it at {adopted['uri']} (pid {pid})")
                out.append(f"Credentials: source {inst.env_file}")
                return out
            raise Failure(f"a server for instance '{inst.name}' runs (pid {pid}) but its state file is missing",
                          f"stop it with `scripts/neo4j-local stop --name {inst.name}` and start again")
        for stale in (inst.state_file, inst.env_file):
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()

        started = time.monotonic()
        java = checked_java()
        version = fetch(neo4j_version)
        if fresh:
            info(f"--fresh: deleting the data and credentials of instance '{inst.name}'")
            for sub in ("data", "logs", "run"):
                shutil.rmtree(inst.dir / sub, ignore_errors=True)
            with contextlib.suppress(FileNotFoundError):
                inst.credentials_file.unlink()
            inst.prepare_dirs()

        creds = load_credentials(inst)
        first_port = free_port()
        write_conf(inst, first_port, opts)
        if creds is None:
            if inst.initialized():
                raise Failure(
                    f"instance '{inst.name}' has a database but no stored credentials ({inst.credentials_file})",
                    f"start it afresh (deletes its data): scripts/neo4j-local start --name {inst.name} --fresh",
                )
            # A letter first: neo4j-admin reads an argument that starts with '-' as an option (about 1 start in 64).
            password = "p" + secrets.token_urlsafe(24)
            info(f"new instance '{inst.name}': setting a random initial password for user '{USERNAME}'")
            set_initial_password(inst, version, java, password)
            creds = {"username": USERNAME, "password": password, "created_at": time.time(), "version": version}
            write_private(inst.credentials_file, json.dumps(creds, indent=2) + "\n")
        password = creds["password"]

        proc = None
        reason = ""
        for attempt in range(3):
            port = first_port if attempt == 0 else free_port()
            write_conf(inst, port, opts)
            cmd = base_java_command(inst, version, java, SERVER_MAIN)
            cds, cds_dump = cds_options(version, java) if opts.cds else ([], None)
            cmd[-1:-1] = cds  # JVM options go before the main class
            cmd += [f"--home-dir={inst.home}", f"--config-dir={inst.conf_dir}"]
            inst.logs.mkdir(exist_ok=True)
            offsets = log_offsets(inst)
            with open(inst.console_log, "a") as console:
                console.write(f"\n===== {time.strftime('%Y-%m-%d %H:%M:%S')} start of Neo4j {version} "
                              f"on 127.0.0.1:{port} =====\n")
                console.flush()
                proc = subprocess.Popen(
                    cmd, cwd=inst.home, stdin=subprocess.DEVNULL, stdout=console, stderr=subprocess.STDOUT,
                    start_new_session=True, close_fds=True, env=server_env(inst),
                )
            info(f"starting Neo4j {version} (pid {proc.pid}) on 127.0.0.1:{port}, logs in {inst.logs}")
            try:
                ok, reason = wait_ready(proc, port, password, timeout)
            except BaseException:  # interrupted: do not leave a server behind without a state file
                terminate(proc.pid, 20)
                finish_cds_dump(cds_dump, clean_exit=False)
                raise
            if ok:
                info(reason)
                break
            if proc.poll() is None:
                terminate(proc.pid, 20)
            finish_cds_dump(cds_dump, clean_exit=False)
            recent = "\n".join(log_tail(inst.logs / "debug.log", 200, offsets[inst.logs / "debug.log"])
                               + log_tail(inst.console_log, 50, offsets[inst.console_log]))
            if re.search(r"[Aa]ddress already in use|BindException", recent) and attempt < 2:
                info(f"port {port} was taken meanwhile; retrying with another port")
                continue
            raise Failure(
                f"Neo4j did not become ready: {reason}\n{logs_report(inst, offsets, secret=password)}",
                f"full logs: {inst.logs}",
            )
        assert proc is not None
        state = save_state(inst, proc.pid, port, version, password, owner, cds_dump)
        uri = state["uri"]
        elapsed = time.monotonic() - started
        rss = rss_kib(proc.pid)
        rss_text = f", RSS {rss / 1024:.0f} MiB" if rss else ""
        out.append(f"Neo4j {version} (instance '{inst.name}') is ready at {uri} "
              f"(pid {proc.pid}, {elapsed:.1f} s{rss_text})")
        out.append(f"Credentials: source {inst.env_file}")
        return out
