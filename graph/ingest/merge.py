"""Merge a reviewed candidates file into a dataset: never a duplicate node, never a half-written dataset.

``merge_candidates(candidates, into, base=...)``:

* ``into`` is the dataset written: a folder (created when missing) or one YAML/JSON file. With a
  ``base`` (e.g. the bundled seed) ``into`` is an *overlay*: it receives only the new records;
  the base is read (candidates link to its nodes) and never written. Evidence or conflicts for a
  record that lives in the base are not written (an overlay holds additions only) and are counted
  in ``base_evidence`` / ``base_conflicts`` so the caller can say so.
* A candidate whose id, ``review.links_to`` or any name (case and diacritics folded) is an
  existing node's becomes that node and only adds its evidence.
* A ``conflicts`` record (``of`` an existing node or relation id, a ``field`` among status, start,
  end, mentioned, places, the ``value`` a new source states, and its ``evidence``) never overwrites
  the record: the statement is appended to the record's ``history`` with its source and quote, and
  the record's own value stays until a person changes it.
* A source's ``file`` must lie inside the folder of the candidates file; it is copied into the
  dataset's ``texts/``. A file elsewhere (``../secret.txt``, an absolute path, a symlink out) is refused.
* The merged dataset is validated in full before anything is written, then the folder is replaced in
  one step (:mod:`partnergraph.graph.readwrite.dataset_swap`), file modes kept. ``review`` blocks
  are dropped.
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import yaml
from ruamel.yaml import YAML  # round-trip YAML, only for merging (keeps comments and layout)

from partnergraph.graph.ingest.review import (
    DIFFERENCE_FIELDS,
    NODE_SECTIONS,
    _existing_edge,
    _existing_node,
    _name_index,
    _new_evidence,
)
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.model.dataset import DATA_SUFFIXES, DatasetError, data_files, load_dataset
from partnergraph.graph.readwrite.dataset_swap import recover, replace_file, replace_folder

CONFLICT_FIELDS = DIFFERENCE_FIELDS
_REQUIRED = {
    "sources": ("id",),
    "actors": ("id", "kind", "name"),
    "instruments": ("id", "kind", "name"),
    "relations": ("from", "type", "to"),
    "conflicts": ("of", "field", "value", "evidence"),
}


class MergeError(Exception):
    """The merge was refused; nothing was written. ``problems`` says why."""

    def __init__(self, message: str, problems: list | None = None):
        self.problems = problems or []
        super().__init__(message + ("".join(f"\n  {p}" for p in self.problems)))


@dataclass
class _Target:
    """The dataset's files, read as round-trip YAML (comments and layout kept) or JSON."""

    root: Path  # the folder source `file` paths are relative to
    files: list[Path]
    data: dict[Path, dict] = field(default_factory=dict)
    changed: set[Path] = field(default_factory=set)
    copies: dict[Path, Path] = field(default_factory=dict)  # new text file -> its origin
    single: bool = False  # the dataset was one file: everything goes into it

    def file_for(self, section: str) -> Path:
        for path in self.files:
            if section in (self.data[path] or {}):
                return path
        if self.single:
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
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    y.allow_unicode = True
    return y


def _read_target(into: Path, is_folder: bool) -> _Target:
    files = data_files([into]) if is_folder and into.is_dir() else ([] if is_folder else [into])
    target = _Target(into if is_folder else into.parent, list(files), single=len(files) == 1)
    for path in files:
        if not path.exists():
            target.data[path] = {}
            continue
        text = path.read_text("utf-8")
        target.data[path] = (json.loads(text) if path.suffix == ".json" else _yaml().load(text)) or {}
    return target


def _serialise(path: Path, data: dict) -> bytes:
    if path.suffix == ".json":
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue().encode("utf-8")


def _plain(record: dict) -> dict:
    """A candidate record without its review block."""
    return {k: v for k, v in record.items() if k != "review"}


def read_candidates(path: Path) -> dict:
    """The candidates file as a mapping, its shape checked: every record names what merge needs."""

    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except FileNotFoundError:
        raise MergeError(f"{path}: candidates file not found")
    except (OSError, UnicodeDecodeError) as exc:
        raise MergeError(f"{path}: cannot read the candidates file ({exc}); it must be UTF-8 text")
    except yaml.YAMLError as exc:
        raise MergeError(f"{path}: not valid YAML ({exc}); fix the file after review and merge again")
    except RecursionError:
        raise MergeError(f"{path}: nested too deeply to be a candidates file")
    if not isinstance(data, dict):
        raise MergeError(f"{path}: expected a mapping with sources, actors, instruments and relations")
    problems = []
    for key in data:
        if key not in _REQUIRED:
            problems.append(f"unknown section {key!r}; expected {', '.join(_REQUIRED)}")
    for section, keys in _REQUIRED.items():
        records = data.get(section) or []
        if not isinstance(records, list):
            problems.append(f"{section}: must be a list of records")
            continue
        for i, record in enumerate(records):
            where = f"{section}[{i}]"
            if not isinstance(record, dict):
                problems.append(f"{where}: must be a mapping (a record), not {type(record).__name__}")
                continue
            missing = [k for k in keys if k not in record or record[k] in (None, "")]
            if missing:
                problems.append(f"{where}: missing {', '.join(missing)}; every {section[:-1]} needs {', '.join(keys)}")
            if not isinstance(record.get("review") or {}, dict):
                problems.append(f"{where}: review must be a mapping (confidence, reason, links_to)")
            evidence = record.get("evidence") or []
            if not isinstance(evidence, list) or not all(isinstance(e, dict) and e.get("source") and e.get("quote")
                                                         for e in evidence):
                problems.append(f"{where}: evidence must be a list of {{source, quote}} mappings")
            if section == "conflicts" and record.get("field") not in CONFLICT_FIELDS:
                problems.append(f"{where}: field must be one of {', '.join(CONFLICT_FIELDS)}")
    if problems:
        raise MergeError(f"{path}: the candidates file is not in the expected shape; nothing was written", problems)
    return data


def merge_candidates(candidates_path: str | Path, into: str | Path, base: list | tuple = (), steps=None,
                     text_roots: list | tuple = ()) -> dict:
    """Merge a reviewed candidates file into the dataset at ``into`` (a folder or one file), over ``base``.

    Source text files are copied only from the candidates file's folder or one of ``text_roots``.
    Returns counts of what was added. Raises MergeError (nothing written) when the candidates are
    malformed or the merged dataset would not validate.
    """
    candidates_path, into = Path(candidates_path), Path(into)
    is_folder = into.suffix not in DATA_SUFFIXES or into.is_dir()
    if not is_folder and not into.parent.is_dir():
        raise MergeError(f"{into}: folder {into.parent} does not exist")
    recover(into)
    candidates = read_candidates(candidates_path)
    base = [Path(b) for b in base]
    if any(b.resolve() == into.resolve() for b in base):
        raise MergeError(f"{into} is also a base; merge into an overlay folder of your own")
    layers = [*base, into] if into.exists() else base
    try:
        G = load_graph(layers) if layers else nx.MultiDiGraph(sources={})
    except DatasetError as exc:
        raise MergeError(f"{', '.join(map(str, layers))}: the dataset does not validate before the merge; fix it first",
                         exc.problems)
    target = _read_target(into, is_folder)
    counts = _apply(candidates, candidates_path.parent, G, target, [Path(r) for r in text_roots])
    _validate_and_write(target, into, is_folder, base, steps)
    return counts


def _apply(candidates: dict, folder: Path, G: nx.MultiDiGraph, target: _Target, roots: list[Path]) -> dict:
    counts = {"sources": 0, "nodes": 0, "relations": 0, "evidence": 0, "conflicts": 0,
              "base_evidence": 0, "base_conflicts": 0}
    for record in candidates.get("sources") or []:
        if record["id"] in G.graph.get("sources", {}):
            continue
        source = _plain(record)
        if source.get("file"):
            origin = _contained(folder, source["file"], record["id"], roots)
            dest = target.root / "texts" / origin.name
            source["file"] = os.path.relpath(dest, target.file_for("sources").parent)
            target.copies[dest] = origin
        target.append("sources", source)
        counts["sources"] += 1
    ids = _merge_nodes(candidates, G, target, counts)
    _merge_relations(candidates, G, target, ids, counts)
    _merge_conflicts(candidates, target, ids, counts)
    return counts


def _contained(folder: Path, name: str, source_id: str, roots: list[Path]) -> Path:
    """The source text ``name`` (relative to ``folder``) when it lies inside ``folder`` or an allowed root."""
    root = folder.resolve()
    origin = (folder / name).resolve()
    allowed = [root, *(r.resolve() for r in roots)]
    if not any(origin.is_relative_to(r) for r in allowed):
        raise MergeError(f"source {source_id}: file {name!r} is outside the folder of the candidates file ({root}); "
                         "only text files inside that folder (or an allowed root) are copied into the dataset. "
                         "Move the text there, or allow its folder explicitly.")
    if not origin.is_file():
        raise MergeError(f"source {source_id}: file {name!r} is not a regular file inside {root}")
    return origin


def _merge_nodes(candidates: dict, G: nx.MultiDiGraph, target: _Target, counts: dict) -> dict[str, str]:
    index, ids = _name_index(G), {}
    records = {r.get("id"): (path, r) for s in NODE_SECTIONS for path, r in target.records(s)}
    for section in NODE_SECTIONS:
        for record in candidates.get(section) or []:
            existing = _existing_node(record, G, index)
            if existing is not None:
                ids[record["id"]] = existing
                have = records.get(existing)
                stored = have[1] if have else G.nodes[existing]
                added = _new_evidence(stored.get("evidence", []), record.get("evidence", []))
                if added and have:
                    have[1].setdefault("evidence", []).extend(_plain(e) for e in added)
                    target.changed.add(have[0])
                    counts["evidence"] += len(added)
                elif added:
                    counts["base_evidence"] += len(added)
                _keep_differences(record, stored, have[0] if have else None, target, counts)
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
            _keep_differences(rel, existing, path, target, counts)
            continue
        in_base = _existing_edge(G, rel["from"], rel["type"], rel["to"])
        if in_base is not None:
            edge = G.edges[rel["from"], rel["to"], in_base]
            counts["base_evidence"] += len(_new_evidence(edge.get("evidence", []), rel.get("evidence", [])))
            _keep_differences(rel, edge, None, target, counts)
            continue
        target.append("relations", rel)
        stored[key] = (target.file_for("relations"), rel)
        counts["relations"] += 1


def _keep_differences(candidate: dict, stored: dict, path: Path | None, target: _Target, counts: dict) -> None:
    """Where a candidate linked to an existing record states another status, date or place, keep its
    statement in the record's history (with the candidate's evidence); the record's value stays.

    This covers ingest's ``review.conflicts`` notes and any edit a reviewer made: a difference is
    never dropped, and never written over the record."""
    statements = []
    for name in CONFLICT_FIELDS:
        value = candidate.get(name)
        if value in (None, "", []) or value == stored.get(name):
            continue
        if name == "places" and set(value) <= set(stored.get("places") or []):
            continue
        for evidence in candidate.get("evidence") or []:
            statements.append({"field": name, "value": value, "source": evidence["source"], "quote": evidence["quote"]})
    if not statements:
        return
    if path is None:  # a record of the base: an overlay cannot change it
        counts["base_conflicts"] += len({s["field"] for s in statements})
        return
    history = stored.setdefault("history", [])
    for statement in statements:
        if statement not in [dict(h) for h in history]:
            history.append(statement)
            target.changed.add(path)
            counts["conflicts"] += 1


def _merge_conflicts(candidates: dict, target: _Target, ids: dict, counts: dict) -> None:
    """Each conflict becomes a statement in the record's ``history``; the record's own value is kept."""
    by_id = {}
    for section in (*NODE_SECTIONS, "relations"):
        for path, record in target.records(section):
            rid = record.get("id") or f"{record['from']}--{record['type']}--{record['to']}"
            by_id.setdefault(rid, (path, record))
    for conflict in candidates.get("conflicts") or []:
        of = ids.get(conflict["of"], conflict["of"])
        if of not in by_id:
            counts["base_conflicts"] += 1
            continue
        path, record = by_id[of]
        history = record.setdefault("history", [])
        added = _new_evidence(record.get("evidence", []), conflict["evidence"])
        if added:  # the statement's quote is evidence too: the loader checks it against the source's text
            record.setdefault("evidence", []).extend(_plain(e) for e in added)
            target.changed.add(path)
            counts["evidence"] += len(added)
        for evidence in conflict["evidence"]:
            statement = {"field": conflict["field"], "value": conflict["value"],
                         "source": evidence["source"], "quote": evidence["quote"]}
            if conflict.get("note"):
                statement["note"] = conflict["note"]
            if statement not in [dict(h) for h in history]:
                history.append(statement)
                target.changed.add(path)
                counts["conflicts"] += 1


def _validate_and_write(target: _Target, into: Path, is_folder: bool, base: list[Path], steps) -> None:
    """Validate the merged dataset (over its base) in the new folder; then swap it in, in one step."""

    def check(new_path: Path) -> None:
        try:
            load_dataset([*base, new_path])
        except DatasetError as exc:
            raise MergeError("the merged dataset would not validate; nothing was written", exc.problems)

    texts = {path: _serialise(path, target.data[path]) for path in target.changed}
    copies = {dest.relative_to(target.root): origin for dest, origin in target.copies.items() if not dest.exists()}
    if not texts and not copies:
        return  # nothing new: the dataset is left untouched
    if is_folder:
        replace_folder(into, {p.relative_to(into): data for p, data in texts.items()}, check, copies, steps)
    elif texts or copies:
        replace_file(into, texts.get(into, into.read_bytes() if into.exists() else b""), check, copies, steps)
