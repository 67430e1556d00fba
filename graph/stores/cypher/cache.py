"""The local engine's graph, built once per dataset and kept on disk as JSON.

``partnergraph query`` with a warm cache does not load or validate the dataset: the key
is a SHA-256 over the dataset files' bytes (names and content, in load order) and the
mapping version (schema.yaml, graph/model/*.py, graph/stores/cypher/*.py, the parser's
version). Only when no entry matches is the dataset loaded, validated and built, and the
entry written atomically (temporary file, then one rename) under
``${PARTNERGRAPH_CACHE:-~/.cache/partnergraph}/cypher/<key>.json``. An entry that does
not read back as a graph (truncated, altered) is deleted and rebuilt; a cache folder that
cannot be written means the graph is built in memory as without cache.

>>> import tempfile
>>> from partnergraph.graph.model.build import load_graph
>>> folder = tempfile.mkdtemp()
>>> graph, how = cached_graph(None, load_graph, folder)
>>> how, len(graph.nodes) > 30
('built', True)
>>> cached_graph(None, load_graph, folder)[1]
'cached'
>>> import shutil; shutil.rmtree(folder)
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from partnergraph.graph.model.dataset import data_files, seed_path
from partnergraph.graph.stores.cypher.database import PropertyGraph, build
from partnergraph.graph.stores.cypher.engine import EmbeddedCypher

if TYPE_CHECKING:  # networkx is not imported on the warm path of `partnergraph query`
    import networkx as nx

FORMAT = 2
_GRAPH_ROOT = Path(__file__).resolve().parents[2]
_MAPPING_GLOBS = ("schema.yaml", "model/*.py", "stores/cypher/*.py")


def cache_root(folder: str | Path | None = None) -> Path:
    """``folder``, else ``$PARTNERGRAPH_CACHE``, else ``~/.cache/partnergraph``; plus ``cypher``."""
    base = folder or os.environ.get("PARTNERGRAPH_CACHE") or Path.home() / ".cache" / "partnergraph"
    return Path(base).expanduser() / "cypher"


def _mapping_version() -> bytes:
    digest = hashlib.sha256(f"format {FORMAT}; cypherast {metadata.version('cypherast')}".encode())
    for pattern in _MAPPING_GLOBS:
        for path in sorted(_GRAPH_ROOT.glob(pattern)):
            digest.update(path.relative_to(_GRAPH_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()


def files_key(paths: Iterable[str | Path] | None) -> str:
    """SHA-256 (hex) of the dataset files (the seed when none) and the mapping version."""
    paths = list(paths or [])
    files = data_files(paths) if paths else data_files([seed_path()])
    digest = hashlib.sha256(_mapping_version())
    for path in files:
        digest.update(str(path.resolve()).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _encode(v):
    if isinstance(v, date):
        return {"$date": v.isoformat()}
    if isinstance(v, list):
        return [_encode(x) for x in v]
    if isinstance(v, dict):
        return {"$map": {k: _encode(x) for k, x in v.items()}}
    return v


def _decode(v):
    if isinstance(v, dict):
        if "$date" in v:
            return date.fromisoformat(v["$date"])
        return {k: _decode(x) for k, x in v["$map"].items()}
    if isinstance(v, list):
        return [_decode(x) for x in v]
    return v


def dump(graph: PropertyGraph) -> dict:
    return {"format": FORMAT,
            "nodes": [[list(n.labels), {k: _encode(v) for k, v in n.props.items()}] for n in graph.nodes],
            "rels": [[r.type, r.start.idx, r.end.idx, {k: _encode(v) for k, v in r.props.items()}] for r in graph.rels]}


def undump(data: dict) -> PropertyGraph:
    if data.get("format") != FORMAT:
        raise ValueError("another format")
    pg = PropertyGraph()
    for labels, props in data["nodes"]:
        pg.add_node(list(labels), {k: _decode(v) for k, v in props.items()})
    for rtype, start, end, props in data["rels"]:
        pg.add_rel(rtype, pg.nodes[start], pg.nodes[end], {k: _decode(v) for k, v in props.items()})
    return pg


def cached_graph(paths: Iterable[str | Path] | None, load: Callable[..., nx.MultiDiGraph],
                 folder: str | Path | None = None) -> tuple[PropertyGraph, str]:
    """The property graph of the dataset: ``(graph, how)``, how = 'cached', 'built' or 'memory'.

    ``load(paths)`` loads and validates the dataset; it is called only when building.
    """
    paths = list(paths or [])
    root = cache_root(folder)
    try:
        key = files_key(paths)
    except OSError:
        return build(load(paths or None)), "memory"
    entry = root / f"{key}.json"
    try:
        with entry.open(encoding="utf-8") as f:
            return undump(json.load(f)), "cached"
    except (FileNotFoundError, NotADirectoryError):
        pass
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        try:
            entry.unlink(missing_ok=True)  # damaged: never used, rebuilt
        except OSError:
            pass
    graph = build(load(paths or None))
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".build-", suffix=".json", dir=root)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(dump(graph), f, ensure_ascii=False)
        os.replace(tmp, entry)
    except OSError:
        return graph, "memory"
    return graph, "built"


def cached_engine(paths, load: Callable[..., nx.MultiDiGraph] | None = None,
                  folder: str | Path | None = None) -> tuple[EmbeddedCypher, str]:
    """The engine over the dataset from the cache: ``(engine, how)`` as :func:`cached_graph`.

    Also accepts a graph already loaded (``cached_engine(G)``, the earlier signature): the
    engine is then built from it in memory (milliseconds on the seed), how = 'memory'.
    """
    if hasattr(paths, "nodes") and hasattr(paths, "edges"):  # a graph already loaded
        return EmbeddedCypher(paths), "memory"
    if load is None:
        # lazy: the dataset loader (networkx, jsonschema) costs ~191 ms to import (measured); only this path needs it
        from partnergraph.graph.model.build import load_graph as load  # noqa: PLC0415 - only when building
    graph, how = cached_graph(paths, load, folder)
    return EmbeddedCypher.over(graph), how
