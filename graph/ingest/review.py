"""What candidates would change (diff), and merging a reviewed candidates file into a dataset.

``merge_candidates`` never duplicates a node: a candidate whose id or any name
(case and diacritics folded) is an existing node's becomes that node, and only
adds its evidence. It validates the merged dataset with the full loader before
writing anything, then replaces each changed file atomically (temp file +
``os.replace``); on any problem the files are left as they were. ``review``
blocks are dropped: the dataset keeps only the facts and their evidence.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from partnergraph.graph.model.dataset import DATA_SUFFIXES, DatasetError, data_files, load_dataset
from partnergraph.graph.model.names import fold, names_of

NODE_SECTIONS = ("actors", "instruments")


class MergeError(Exception):
    """The merge was refused; nothing was written. ``problems`` says why."""

    def __init__(self, message: str, problems: list | None = None):
        self.problems = problems or []
        super().__init__(message + ("".join(f"\n  {p}" for p in self.problems)))


# --- diff -------------------------------------------------------------------------------------


def diff_candidates(candidates: dict, G: nx.MultiDiGraph) -> list[dict]:
    """One row per candidate: change (new node, new edge, adds evidence, same), what, detail.

    >>> from partnergraph.graph.model.build import load_graph
    >>> G = load_graph()
    >>> rows = diff_candidates({"actors": [{"id": "eu", "kind": "union", "name": "European Union",
    ...     "evidence": [{"source": "s", "quote": "q"}]}]}, G)
    >>> rows[0]["change"]
    'adds evidence'
    """
    rows = []
    index = _name_index(G)
    for section in NODE_SECTIONS:
        for record in candidates.get(section) or []:
            existing = _existing_node(record, G, index)
            if existing is None:
                change, detail = "new node", record["kind"]
            else:
                added = _new_evidence(G.nodes[existing].get("evidence", []), record.get("evidence", []))
                change = "adds evidence" if added else "same"
                detail = f"= {existing}" + (f" (+{len(added)} quote)" if added else "")
            rows.append({"change": change, "section": section, "what": f"{record['name']} [{record['id']}]", "detail": detail})
    ids = {r["id"]: _existing_node(r, G, index) or r["id"] for s in NODE_SECTIONS for r in candidates.get(s) or []}
    for record in candidates.get("relations") or []:
        a, b = ids.get(record["from"], record["from"]), ids.get(record["to"], record["to"])
        match = _existing_edge(G, a, record["type"], b)
        what = f"{a} —{record['type']}→ {b}"
        if match is None:
            rows.append({"change": "new edge", "section": "relations", "what": what, "detail": record.get("status", "")})
        else:
            added = _new_evidence(G.edges[a, b, match].get("evidence", []), record.get("evidence", []))
            rows.append({"change": "adds evidence" if added else "same", "section": "relations", "what": what,
                         "detail": f"= {match}" + (f" (+{len(added)} quote)" if added else "")})
    return rows


def _name_index(G: nx.MultiDiGraph) -> dict[tuple[str, str], set[str]]:
    """(family, folded name) -> node ids."""
    index: dict[tuple[str, str], set[str]] = {}
    for node, attrs in G.nodes(data=True):
        for name in names_of(attrs):
            index.setdefault((attrs["family"], fold(name)), set()).add(node)
    return index


def _existing_node(record: dict, G: nx.MultiDiGraph, index: dict) -> str | None:
    """The existing node a candidate is: its links_to, its id, or a unique node with one of its names."""
    linked = (record.get("review") or {}).get("links_to")
    if linked in G:
        return linked
    family = "actor" if record.get("kind") in _actor_kinds() else "instrument"
    if record.get("id") in G and G.nodes[record["id"]]["family"] == family:
        return record["id"]
    found = set()
    for name in names_of(record):
        found |= index.get((family, fold(name)), set())
    return next(iter(found)) if len(found) == 1 else None


def _actor_kinds() -> set[str]:
    from partnergraph.graph.model.schema import get_schema

    return set(get_schema().kinds_of("actor"))


def _existing_edge(G: nx.MultiDiGraph, a: str, rtype: str, b: str) -> str | None:
    if a not in G or b not in G:
        return None
    return next((k for k, d in G.get_edge_data(a, b, default={}).items() if d.get("type") == rtype), None)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _new_evidence(have: list[dict], new: list[dict]) -> list[dict]:
    seen = {(e["source"], _squash(e["quote"])) for e in have}
    return [e for e in new if (e["source"], _squash(e["quote"])) not in seen]


# --- merge ------------------------------------------------------------------------------------


@dataclass
class _Target:
    """The dataset's files, read as round-trip YAML (comments and layout kept) or JSON."""

    root: Path  # the folder source `file` paths are relative to
    files: list[Path]
    data: dict[Path, dict] = field(default_factory=dict)
    changed: set[Path] = field(default_factory=set)
    copies: dict[Path, Path] = field(default_factory=dict)  # new text file -> its origin

    def file_for(self, section: str) -> Path:
        for path in self.files:
            if section in (self.data[path] or {}):
                return path
        if len(self.files) == 1:
            return self.files[0]
        path = self.root / f"{section}.yaml"
        if path not in self.data:
            self.files.append(path)
            self.data[path] = {}
        return path

    def records(self, section: str):
        for path in self.files:
            for record in (self.data[path] or {}).get(section) or []:
                yield path, record

    def append(self, section: str, record: dict) -> None:
        path = self.file_for(section)
        doc = self.data[path]
        if doc.get(section) is None:
            doc[section] = []
        doc[section].append(record)
        self.changed.add(path)


def _yaml():
    from ruamel.yaml import YAML

    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    y.allow_unicode = True
    return y


def _read_target(into: Path) -> _Target:
    if into.is_dir():
        files = data_files([into])
        root = into
    else:
        files, root = [into], into.parent
    target = _Target(root, list(files))
    for path in files:
        if not path.exists():
            target.data[path] = {}
            continue
        text = path.read_text("utf-8")
        target.data[path] = (json.loads(text) if path.suffix == ".json" else _yaml().load(text)) or {}
    return target


def _write(path: Path, data: dict) -> str:
    if path.suffix == ".json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    import io

    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def _plain(record: dict) -> dict:
    """A candidate record without its review block."""
    return {k: v for k, v in record.items() if k != "review"}


def _read_candidates(path: Path) -> dict:
    import yaml

    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except FileNotFoundError:
        raise MergeError(f"{path}: candidates file not found")
    except yaml.YAMLError as exc:
        raise MergeError(f"{path}: not valid YAML ({exc}); fix the file after review and merge again")
    if not isinstance(data, dict):
        raise MergeError(f"{path}: expected a mapping with sources, actors, instruments and relations")
    return data


def merge_candidates(candidates_path: str | Path, into: str | Path) -> dict:
    """Merge a reviewed candidates file into the dataset at ``into`` (a folder or one file).

    Returns counts of what was added. Raises MergeError (nothing written) when the
    merged dataset would not validate.
    """
    candidates_path, into = Path(candidates_path), Path(into)
    if not into.exists() and into.suffix not in DATA_SUFFIXES:
        raise MergeError(f"{into}: no such dataset folder or file")
    candidates = _read_candidates(candidates_path)
    try:
        G = _load_graph(into) if into.exists() else nx.MultiDiGraph(sources={})
    except DatasetError as exc:
        raise MergeError(f"{into}: the dataset does not validate before the merge; fix it first", exc.problems)
    target = _read_target(into)
    counts = _apply(candidates, candidates_path.parent, G, target)
    _validate_and_write(target, into)
    return counts


def _load_graph(into: Path) -> nx.MultiDiGraph:
    from partnergraph.graph.model.build import load_graph

    return load_graph([into])


def _apply(candidates: dict, base: Path, G: nx.MultiDiGraph, target: _Target) -> dict:
    counts = {"sources": 0, "nodes": 0, "relations": 0, "evidence": 0}
    for record in candidates.get("sources") or []:
        if record["id"] in G.graph.get("sources", {}):
            continue
        source = _plain(record)
        if source.get("file"):
            origin = (base / source["file"]).resolve()
            dest = target.root / "texts" / origin.name
            source["file"] = os.path.relpath(dest, target.file_for("sources").parent)
            target.copies[dest] = origin
        target.append("sources", source)
        counts["sources"] += 1
    ids = _merge_nodes(candidates, G, target, counts)
    _merge_relations(candidates, G, target, ids, counts)
    return counts


def _merge_nodes(candidates: dict, G: nx.MultiDiGraph, target: _Target, counts: dict) -> dict[str, str]:
    index, ids = _name_index(G), {}
    records = {rid: (path, r) for s in NODE_SECTIONS for path, r in target.records(s) for rid in [r.get("id")]}
    for section in NODE_SECTIONS:
        for record in candidates.get(section) or []:
            existing = _existing_node(record, G, index)
            if existing is not None:
                ids[record["id"]] = existing
                path, stored = records[existing]
                added = _new_evidence(stored.get("evidence", []), record.get("evidence", []))
                if added:
                    stored.setdefault("evidence", []).extend(_plain(e) for e in added)
                    target.changed.add(path)
                    counts["evidence"] += len(added)
                continue
            new = _plain(record)
            new_id, n = new["id"], 1
            while new_id in G or new_id in ids.values():
                n += 1
                new_id = f"{new['id']}-{n}"
            ids[record["id"]] = new["id"] = new_id
            target.append(section, new)
            counts["nodes"] += 1
    return ids


def _merge_relations(candidates: dict, G: nx.MultiDiGraph, target: _Target, ids: dict, counts: dict) -> None:
    stored = {(r["from"], r["type"], r["to"]): (path, r) for path, r in target.records("relations")}
    for record in candidates.get("relations") or []:
        rel = _plain(record)
        rel["from"], rel["to"] = ids.get(rel["from"], rel["from"]), ids.get(rel["to"], rel["to"])
        key = (rel["from"], rel["type"], rel["to"])
        if key in stored:
            path, existing = stored[key]
            added = _new_evidence(existing.get("evidence", []), rel.get("evidence", []))
            if added:
                existing.setdefault("evidence", []).extend(added)
                target.changed.add(path)
                counts["evidence"] += len(added)
            continue
        target.append("relations", rel)
        stored[key] = (target.file_for("relations"), rel)
        counts["relations"] += 1


def _validate_and_write(target: _Target, into: Path) -> None:
    """Validate the merged files in a scratch copy; then replace the real files one by one."""
    texts = {path: _write(path, target.data[path]) for path in target.changed}
    with tempfile.TemporaryDirectory(prefix="partnergraph-merge-") as scratch:
        scratch = Path(scratch)
        copy_root = scratch / "data"
        if into.is_dir():
            shutil.copytree(into, copy_root)
        else:
            copy_root.mkdir()
            if into.exists():
                shutil.copy2(into, copy_root / into.name)
            _copy_texts(target, into.parent, copy_root)
        for path, text in texts.items():
            (copy_root / path.relative_to(target.root)).parent.mkdir(parents=True, exist_ok=True)
            (copy_root / path.relative_to(target.root)).write_text(text, "utf-8")
        for dest, origin in target.copies.items():
            (copy_root / dest.relative_to(target.root)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(origin, copy_root / dest.relative_to(target.root))
        check = [copy_root] if into.is_dir() else [copy_root / into.name]
        try:
            load_dataset(check)
        except DatasetError as exc:
            raise MergeError("the merged dataset would not validate; nothing was written", exc.problems)
    for dest, origin in target.copies.items():
        if not dest.exists():
            _atomic_write(dest, origin.read_bytes())
    for path, text in texts.items():
        _atomic_write(path, text.encode("utf-8"))


def _copy_texts(target: _Target, folder: Path, copy_root: Path) -> None:
    """For a single-file dataset: the text files its sources name, next to the scratch copy."""
    for _, source in target.records("sources"):
        if source.get("file") and (folder / source["file"]).is_file():
            dest = copy_root / source["file"]
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / source["file"], dest)


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
