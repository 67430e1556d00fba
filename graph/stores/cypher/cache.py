"""The embedded Cypher database, built once per dataset and kept on disk.

Building the LadybugDB copy of a graph takes seconds; opening a copy built before takes a
fraction of that. :func:`cached_engine` keeps one database per dataset content under
``${PARTNERGRAPH_CACHE:-~/.cache/partnergraph}/ladybug/<key>/``:

* the key is a SHA-256 over the graph's content (nodes, relations, sources, in load order)
  and the mapping version (this package's schema.yaml, propgraph.py, cypher_embedded.py and
  this file, and the LadybugDB version): any change to the data or to how it is mapped
  builds a new database, never reuses an old one;
* a database is built in a private temporary folder next to the entries, checkpointed,
  closed, described by a marker file (``complete.json``: key, size and SHA-256 of the
  database file, the translation context) written last, and then renamed into place in one
  step, so an entry is either complete or absent;
* an entry is used only after its marker is read and the database file's size and SHA-256
  match it; anything else (a half-written, truncated or altered entry) is deleted and
  rebuilt; the database is opened read-only;
* when the cache folder cannot be written, the engine is built in memory as without cache.

>>> import tempfile
>>> from partnergraph.graph.model.build import load_graph
>>> folder = tempfile.mkdtemp()
>>> G = load_graph()
>>> engine, how = cached_engine(G, folder)
>>> how
'built'
>>> engine.query("MATCH (u:Union) RETURN u.name").rows
[['European Union']]
>>> engine.close()
>>> engine, how = cached_engine(G, folder)
>>> how
'cached'
>>> engine.close()
>>> import shutil; shutil.rmtree(folder)
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from importlib import metadata
from pathlib import Path

import networkx as nx

from partnergraph.graph.stores.cypher.engine import EmbeddedCypher, _Context, build_database

#: Bump to invalidate every cache entry when the layout of an entry changes.
FORMAT = 1
MARKER = "complete.json"
DATABASE = "graph.lbdb"
STALE_BUILD_SECONDS = 3600  # a temporary build folder older than this is from a crashed build
# The rows of a cached database depend on the schema, the whole data model (dates, names,
# property mapping) and the engine's own code: the key covers every one of those files.
_GRAPH_ROOT = Path(__file__).resolve().parents[2]
_MAPPING_GLOBS = ("schema.yaml", "model/*.py", "stores/cypher/*.py")


def cache_root(folder: str | Path | None = None) -> Path:
    """Where entries live: ``folder``, else ``$PARTNERGRAPH_CACHE``, else ``~/.cache/partnergraph``; plus ``ladybug``."""
    base = folder or os.environ.get("PARTNERGRAPH_CACHE") or Path.home() / ".cache" / "partnergraph"
    return Path(base).expanduser() / "ladybug"


def _mapping_version(module: str) -> bytes:
    digest = hashlib.sha256(f"format {FORMAT}; {module} {metadata.version(module)}".encode())
    for pattern in _MAPPING_GLOBS:
        for path in sorted(_GRAPH_ROOT.glob(pattern)):
            digest.update(path.relative_to(_GRAPH_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()


def cache_key(G: nx.MultiDiGraph, module: str = "ladybug") -> str:
    """SHA-256 (hex) of the graph's content and the mapping version.

    >>> from partnergraph.graph.model.build import load_graph
    >>> G = load_graph()
    >>> cache_key(G) == cache_key(load_graph())
    True
    >>> H = G.copy(); H.nodes["eu"]["name"] = "E.U."
    >>> cache_key(H) == cache_key(G)
    False
    """
    digest = hashlib.sha256(_mapping_version(module))
    content = {
        "nodes": list(G.nodes(data=True)),
        "edges": list(G.edges(keys=True, data=True)),
        "sources": G.graph.get("sources", {}),
    }
    digest.update(json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode())
    return digest.hexdigest()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _context_json(context: _Context) -> dict:
    return {"label_tables": {k: sorted(v) for k, v in sorted(context.label_tables.items())},
            "max_trail": context.max_trail, "max_shortest": context.max_shortest}


def _context(data: dict) -> _Context:
    return _Context({k: set(v) for k, v in data["label_tables"].items()},
                    max_trail=int(data["max_trail"]), max_shortest=int(data["max_shortest"]))


def verified_marker(entry: Path, key: str) -> dict | None:
    """The entry's marker when the entry is complete and its database file unaltered, else None."""
    try:
        marker = json.loads((entry / MARKER).read_text("utf-8"))
        database = entry / DATABASE
        if (marker.get("format") != FORMAT or marker.get("key") != key
                or database.stat().st_size != marker["size"] or _file_sha256(database) != marker["sha256"]):
            return None
        _context(marker["context"])
        return marker
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _build_entry(G: nx.MultiDiGraph, root: Path, key: str, module: str) -> Path:
    """Build the entry in a temporary folder and rename it into place; the entry's path."""
    import importlib

    lb = importlib.import_module(module)
    tmp = Path(tempfile.mkdtemp(prefix=f".build-{key[:16]}-", dir=root))
    try:
        # No checkpoint after every COPY (5x slower on the seed, measured): one at the end.
        db = lb.Database(str(tmp / DATABASE), auto_checkpoint=False)
        conn = lb.Connection(db)
        context = build_database(conn, G)
        conn.execute("CHECKPOINT")
        conn.close()
        db.close()
        leftovers = sorted(p.name for p in tmp.iterdir() if p.name != DATABASE)
        if leftovers:  # e.g. a write-ahead log: the file alone would not be the whole database
            raise OSError(f"unexpected files after closing the database: {leftovers}")
        database = tmp / DATABASE
        marker = {"format": FORMAT, "key": key, "size": database.stat().st_size,
                  "sha256": _file_sha256(database), "context": _context_json(context),
                  "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "nodes": G.number_of_nodes(),
                  "relationships": G.number_of_edges()}
        with (tmp / MARKER).open("w", encoding="utf-8") as f:
            json.dump(marker, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        entry = root / key
        try:
            os.rename(tmp, entry)  # atomic; fails if another process put a complete entry there first
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
        return entry
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _remove_stale_builds(root: Path) -> None:
    for path in root.glob(".build-*"):
        try:
            if time.time() - path.stat().st_mtime > STALE_BUILD_SECONDS:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            pass


def cached_engine(G: nx.MultiDiGraph, folder: str | Path | None = None,
                  module: str = "ladybug") -> tuple[EmbeddedCypher, str]:
    """The engine over G from the cache: ``(engine, how)``, how = 'cached', 'built' or 'memory'.

    'memory' means the cache folder could not be used and the engine was built in memory.
    """
    root = cache_root(folder)
    key = cache_key(G, module)
    entry = root / key
    marker = verified_marker(entry, key)
    how = "cached"
    if marker is None:
        try:
            root.mkdir(parents=True, exist_ok=True)
            if entry.exists():  # incomplete or altered: never used, rebuilt
                shutil.rmtree(entry)
            _remove_stale_builds(root)
            entry = _build_entry(G, root, key, module)
        except OSError:
            return EmbeddedCypher(G, module), "memory"
        marker = verified_marker(entry, key)
        how = "built"
        if marker is None:
            return EmbeddedCypher(G, module), "memory"
    try:
        return EmbeddedCypher.open(entry / DATABASE, _context(marker["context"]), module), how
    except RuntimeError:  # the engine refused the file after all (e.g. removed meanwhile)
        return EmbeddedCypher(G, module), "memory"

