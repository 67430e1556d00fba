"""A Neo4j Community runtime from Maven Central, cached outside the repository; Java and Maven checks.

Neo4j is resolved from Maven Central (org.neo4j:neo4j, newest 5.26.x LTS patch that
resolves) into ``${PARTNERGRAPH_CACHE:-~/.cache/partnergraph}/neo4j-<version>/lib``.
Used by ``scripts/neo4j-local fetch`` (which ``scripts/test`` runs) and by
:mod:`.server` / :mod:`.start`. Standard library only.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

SERIES = "5.26"  # the Neo4j 5 LTS line
GROUP = "org.neo4j"
ARTIFACTS = ("neo4j", "neo4j-command-line", "neo4j-import-tool")
# Used only when Maven metadata cannot be read; newest first.
KNOWN_VERSIONS = ("5.26.30", "5.26.29", "5.26.28", "5.26.26", "5.26.25")
MAX_CANDIDATES = 4  # how many versions, newest first, `fetch` tries
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

SERVER_MAIN = "org.neo4j.server.CommunityEntryPoint"
ADMIN_MAIN = "org.neo4j.cli.AdminTool"
REQUIRED_CLASSES = {
    SERVER_MAIN: "org/neo4j/server/CommunityEntryPoint.class",
    ADMIN_MAIN: "org/neo4j/cli/AdminTool.class",
    "neo4j-admin database import": "org/neo4j/importer/ImportCommand.class",
    "neo4j-admin dbms set-initial-password":
        "org/neo4j/commandline/admin/security/SetInitialPasswordCommand.class",
}

EXIT_ERROR = 1
EXIT_NOT_RUNNING = 3
EXIT_PREREQUISITE = 4  # Java or Maven missing: callers may treat this as "cannot run here"

PROG = "neo4j-local"
LOG = logging.getLogger("partnergraph.neo4j_local")

# --- errors, paths, files ---------------------------------------------------------------


class Failure(Exception):
    """An error reported to the user as one clear message (no traceback)."""

    def __init__(self, message: str, hint: str | None = None, code: int = EXIT_ERROR):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code


def info(msg: str) -> None:
    """Progress for the person waiting (the script prints it on stderr as 'neo4j-local: ...')."""
    LOG.info(msg)



def cache_root() -> Path:
    raw = os.environ.get("PARTNERGRAPH_CACHE") or "~/.cache/partnergraph"
    return Path(raw).expanduser().resolve()


def dist_dir(version: str) -> Path:
    return cache_root() / f"neo4j-{version}"


def lib_dir(version: str) -> Path:
    return dist_dir(version) / "lib"


def maven_repo() -> Path:
    return Path(os.environ.get("PARTNERGRAPH_MAVEN_REPO") or cache_root() / "m2").expanduser()


@contextlib.contextmanager
def locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def write_private(path: Path, text: str) -> None:
    """Write a file readable only by the owner (0600), atomically."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


# --- prerequisites -------------------------------------------------------------------------


def java_command() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        raise Failure(
            "Java was not found (no `java` on PATH and no usable JAVA_HOME).",
            "install Java 17 or 21, e.g. `apt-get install openjdk-17-jre-headless`, "
            "or set JAVA_HOME; or point NEO4J_URI at a Neo4j server of your own",
            EXIT_PREREQUISITE,
        )
    return found


def java_feature_version(java: str) -> int:
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Failure(f"could not run `{java} -version`: {exc}", code=EXIT_PREREQUISITE) from None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        raise Failure(f"could not read the Java version from `{java} -version`", code=EXIT_PREREQUISITE)
    major = int(match.group(1))
    if major == 1 and match.group(2):
        major = int(match.group(2))
    return major


def java_identity(java: str) -> str:
    """A short key for this exact JVM build (class-data archives are only valid for it)."""
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
        text = out.stderr + out.stdout
    except (OSError, subprocess.TimeoutExpired):
        text = ""
    return hashlib.sha1((os.path.realpath(java) + "\n" + text).encode()).hexdigest()[:12]


def checked_java() -> str:
    java = java_command()
    major = java_feature_version(java)
    if major < 17:
        raise Failure(
            f"Neo4j {SERIES} needs Java 17 or 21, but `{java}` is Java {major}.",
            "install Java 17 (`apt-get install openjdk-17-jre-headless`) or set JAVA_HOME to one",
            EXIT_PREREQUISITE,
        )
    if major not in (17, 21):
        info(f"warning: Neo4j {SERIES} supports Java 17 and 21; trying Java {major} anyway")
    return java


def maven_command() -> str:
    found = shutil.which("mvn")
    if not found:
        raise Failure(
            "Maven (`mvn`) was not found; it is needed once, to resolve Neo4j from Maven Central.",
            "install Maven, e.g. `apt-get install maven`, then run `scripts/neo4j-local fetch`",
            EXIT_PREREQUISITE,
        )
    return found




# --- fetch -----------------------------------------------------------------------------------


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def is_complete(version: str) -> bool:
    marker = dist_dir(version) / ".complete"
    return marker.is_file() and lib_dir(version).is_dir()


def cached_versions() -> list[str]:
    root = cache_root()
    found = []
    if root.is_dir():
        for entry in root.iterdir():
            match = re.fullmatch(r"neo4j-(\d+\.\d+\.\d+)", entry.name)
            if match and match.group(1).startswith(SERIES + ".") and is_complete(match.group(1)):
                found.append(match.group(1))
    return sorted(found, key=version_key, reverse=True)


def run_maven(args: list[str], log: Path, cwd: Path) -> subprocess.CompletedProcess:
    cmd = [maven_command(), "-B", "--no-transfer-progress", f"-Dmaven.repo.local={maven_repo()}", *args]
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as fh:
        fh.write("$ " + " ".join(cmd) + "\n")
        fh.flush()
        proc = subprocess.run(cmd, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    return proc


def maven_errors(log: Path, limit: int = 12) -> str:
    try:
        lines = log.read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return ""
    boilerplate = ("[ERROR] To see the full", "[ERROR] Re-run Maven", "[ERROR] For more information",
                   "[ERROR] [Help")
    errors = [line for line in lines
              if line.startswith("[ERROR]") and line.strip() != "[ERROR]" and not line.startswith(boilerplate)]
    picked = (errors or lines)[:limit]
    return "\n".join("    " + line for line in picked)


def available_versions(work: Path) -> list[str]:
    """5.26.x versions listed in Maven Central's metadata for org.neo4j:neo4j, newest first."""
    log = work / "metadata.log"
    proc = run_maven(
        [f"{DEPENDENCY_PLUGIN}:get", f"-Dartifact={GROUP}:neo4j:RELEASE:pom", "-Dtransitive=false"],
        log,
        work,
    )
    versions: set[str] = set()
    for meta in (maven_repo() / "org" / "neo4j" / "neo4j").glob("maven-metadata-*.xml"):
        try:
            root = ET.parse(meta).getroot()
        except ET.ParseError:
            continue
        for node in root.iter("version"):
            text = (node.text or "").strip()
            if re.fullmatch(re.escape(SERIES) + r"\.\d+", text):
                versions.add(text)
    if not versions:
        detail = maven_errors(log) if proc.returncode else ""
        info("could not read the version list from Maven metadata; trying known versions"
             + (f":\n{detail}" if detail else ""))
        return list(KNOWN_VERSIONS)
    return sorted(versions, key=version_key, reverse=True)


POM_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<!-- generated by scripts/neo4j-local: resolves Neo4j {version} with its runtime dependencies -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.partnergraph</groupId>
  <artifactId>neo4j-runtime</artifactId>
  <version>{version}</version>
  <packaging>pom</packaging>
  <dependencies>
{dependencies}
  </dependencies>
</project>
"""


def missing_classes(lib: Path) -> list[str]:
    wanted = dict(REQUIRED_CLASSES)
    for jar in sorted(lib.glob("*.jar")):
        if not wanted:
            break
        try:
            with zipfile.ZipFile(jar) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            continue
        for key, cls in list(wanted.items()):
            if cls in names:
                del wanted[key]
    return sorted(wanted)


def resolve_version(version: str) -> None:
    work = cache_root() / "maven" / f"neo4j-{version}"
    work.mkdir(parents=True, exist_ok=True)
    deps = "\n".join(
        f"    <dependency><groupId>{GROUP}</groupId><artifactId>{artifact}</artifactId>"
        f"<version>{version}</version></dependency>"
        for artifact in ARTIFACTS
    )
    (work / "pom.xml").write_text(POM_TEMPLATE.format(version=version, dependencies=deps))
    dist = dist_dir(version)
    partial = dist / "lib.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    log = work / "resolve.log"
    proc = run_maven(
        [
            "-f", str(work / "pom.xml"),
            "-U",  # retry artifacts whose earlier failure Maven cached
            f"{DEPENDENCY_PLUGIN}:copy-dependencies",
            f"-DoutputDirectory={partial}",
            "-DincludeScope=runtime",
        ],
        log,
        work,
    )
    if proc.returncode != 0:
        shutil.rmtree(dist, ignore_errors=True)
        raise Failure(f"Maven could not resolve Neo4j {version}:\n{maven_errors(log)}\n    (full log: {log})")
    missing = missing_classes(partial)
    if missing:
        shutil.rmtree(dist, ignore_errors=True)
        raise Failure(f"Neo4j {version} resolved, but classes are missing for: {', '.join(missing)}")
    final = lib_dir(version)
    shutil.rmtree(final, ignore_errors=True)
    partial.rename(final)
    jars = sorted(p.name for p in final.glob("*.jar"))
    (dist / ".complete").write_text(
        json.dumps({"version": version, "jars": len(jars), "fetched_at": time.time()}, indent=2) + "\n"
    )


def fetch(requested: str | None = None, refresh: bool = False) -> str:
    """Make sure a Neo4j 5.26.x runtime is in the cache; return its version."""
    if requested:
        if not re.fullmatch(r"\d+\.\d+\.\d+", requested):
            raise Failure(f"invalid Neo4j version {requested!r}", "use e.g. --neo4j-version 5.26.30")
        if is_complete(requested):
            return requested
    elif not refresh:
        cached = cached_versions()
        if cached:
            return cached[0]
    with locked(cache_root() / ".fetch.lock"):
        if requested and is_complete(requested):
            return requested
        if not requested and not refresh and cached_versions():
            return cached_versions()[0]
        maven_command()  # fail early with a clear message
        work = cache_root() / "maven"
        work.mkdir(parents=True, exist_ok=True)
        if requested:
            candidates = [requested]
        else:
            info(f"looking up Neo4j {SERIES}.x versions on Maven Central ...")
            candidates = available_versions(work)[:MAX_CANDIDATES]
        errors = []
        for index, version in enumerate(candidates):
            if is_complete(version):
                return version
            info(f"resolving org.neo4j:neo4j:{version} and its runtime dependencies into {lib_dir(version)} ...")
            started = time.monotonic()
            try:
                resolve_version(version)
            except Failure as exc:
                errors.append(exc.message)
                if index + 1 < len(candidates):
                    info(f"could not resolve Neo4j {version}; trying {candidates[index + 1]}")
                continue
            info(f"Neo4j {version} fetched in {time.monotonic() - started:.1f} s")
            return version
        raise Failure(
            "\n".join(errors) if len(errors) == 1 else "no Neo4j version could be resolved:\n" + "\n".join(errors),
            "check that Maven Central is reachable (`mvn -v`, proxy settings in ~/.m2/settings.xml), "
            "or pin a version with --neo4j-version",
        )
