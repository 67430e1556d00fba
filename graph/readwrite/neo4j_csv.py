"""neo4j-admin CSV: a folder of import files in the header format of ``neo4j-admin database import``."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import networkx as nx

from partnergraph.graph.model.propgraph import (
    edge_properties,
    node_labels,
    node_properties,
    relationship_type,
    source_properties,
)
from partnergraph.graph.readwrite.output import make_folder, open_output
from partnergraph.graph.stores.neo4j.model import EVIDENCE_TYPE, MARKER_LABEL, SOURCE_LABEL

# --- neo4j-admin CSV -------------------------------------------------------------------------------
#
# Files in the header format of ``neo4j-admin database import full``: nodes.csv
# (``id:ID(Node)``, ``:LABEL``), sources.csv (``id:ID(Source)``), relationships.csv
# and evidence.csv (``:START_ID``, ``:END_ID``, ``:TYPE``). Columns carry their type
# (``start:date``, ``position:long``, ``aliases:string[]``); arrays use U+001F between
# elements. The properties are those of the Neo4j backend (propgraph).

# U+001F (unit separator) between array elements: a control character, which the loader refuses in any
# text, so no element can contain it and every alias or place round-trips (";" could be in a name).
ARRAY_DELIMITER = "\x1f"
ARRAY_DELIMITER_OPTION = "--array-delimiter=U+001F"  # how neo4j-admin is told
_CSV_TYPES = {bool: "boolean", int: "long", float: "double"}


def _csv_type(values: list) -> str:
    kinds = set()
    for v in values:
        if isinstance(v, list):
            kinds.add(("array", _csv_type(v) if v else "string"))
        elif isinstance(v, date):
            kinds.add(("scalar", "date"))
        else:
            kinds.add(("scalar", _CSV_TYPES.get(type(v), "string")))
    if len(kinds) > 1:
        raise ValueError(f"a column mixes types {sorted(kinds)}; it cannot be typed for neo4j-admin")
    shape, name = kinds.pop() if kinds else ("scalar", "string")
    return name + "[]" if shape == "array" else name


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        parts = [_csv_cell(v) for v in value]
        if any(ARRAY_DELIMITER in p for p in parts):
            raise ValueError(f"an array element contains {ARRAY_DELIMITER!r}: {value!r}")
        return ARRAY_DELIMITER.join(parts)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _write_table(path, fixed: list[tuple[str, str]], rows: list[tuple[list, dict]]) -> None:
    """Write a CSV with fixed leading columns (header, values per row) and typed property columns."""

    names = sorted({k for _, props in rows for k in props})
    typed = []
    for name in names:
        kind = _csv_type([props[name] for _, props in rows if name in props])
        typed.append(name if kind == "string" else f"{name}:{kind}")
    with open_output(path, text=True, newline="") as handle:  # whole or not at all
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([h for h, _ in fixed] + typed)
        for lead, props in rows:
            writer.writerow([_csv_cell(v) for v in lead] + [_csv_cell(props.get(n)) for n in names])


def write_neo4j_csv(G: nx.MultiDiGraph, folder) -> list:
    """Write nodes.csv, sources.csv, relationships.csv and evidence.csv for ``neo4j-admin database import``.

    Load with::
        neo4j-admin database import full neo4j --array-delimiter=U+001F --multiline-fields=true \\
            --nodes=nodes.csv --nodes=sources.csv --relationships=relationships.csv \\
            --relationships=evidence.csv
    """

    folder = make_folder(folder)  # created if missing (not its parents): OutputError otherwise
    nodes, evidence = [], []
    for n, a in sorted(G.nodes(data=True)):
        props = node_properties(n, a)
        props.pop("id")
        nodes.append(([n, ARRAY_DELIMITER.join(node_labels(a) + [MARKER_LABEL])], props))
        evidence += [([n, e["source"], EVIDENCE_TYPE], {"quote": e["quote"], "position": i})
                     for i, e in enumerate(a.get("evidence", []))]
    sources = []
    for sid, record in sorted(G.graph.get("sources", {}).items()):
        props = source_properties(record)
        props.pop("id", None)
        sources.append(([sid, ARRAY_DELIMITER.join([SOURCE_LABEL, MARKER_LABEL])], props))
    rels = []
    for u, v, key, d in sorted(G.edges(keys=True, data=True), key=lambda e: e[2]):
        rels.append(([u, v, relationship_type(d)], edge_properties(key, d)))
    files = {
        "nodes.csv": ([("id:ID(Node)", ""), (":LABEL", "")], nodes),
        "sources.csv": ([("id:ID(Source)", ""), (":LABEL", "")], sources),
        "relationships.csv": ([(":START_ID(Node)", ""), (":END_ID(Node)", ""), (":TYPE", "")], rels),
        "evidence.csv": ([(":START_ID(Node)", ""), (":END_ID(Source)", ""), (":TYPE", "")], evidence),
    }
    written = []
    for name, (fixed, rows) in files.items():
        _write_table(folder / name, fixed, rows)
        written.append(folder / name)
    return written


def load_csv_statements(folder, base_url: str) -> list[tuple[str, dict]]:
    """LOAD CSV statements (with parameters) that load the files of :func:`write_neo4j_csv` from ``base_url``.

    For servers where ``neo4j-admin import`` cannot be used (a running database, Aura):
    serve the folder over HTTP, or put the files in the server's import folder and pass
    ``file:///``. Types come from the header; labels and types from the rows.
    """
    folder = Path(folder)
    statements = []

    def header(name: str) -> list[str]:
        with open(folder / name, encoding="utf-8", newline="") as handle:
            return next(csv.reader(handle))

    def values(name: str, column: str) -> list[str]:
        with open(folder / name, encoding="utf-8", newline="") as handle:
            return sorted({row[column] for row in csv.DictReader(handle)})

    def props(columns: list[str]) -> str:
        parts = []
        for col in columns:
            if col.startswith(":") or ":ID" in col or col.startswith(":START") or col.startswith(":END"):
                continue
            name, _, kind = col.partition(":")
            cell = f"row.`{col}`"
            parts.append(f"`{name}`: {_convert(cell, kind or 'string')}")
        return "{" + ", ".join(parts) + "}"

    for name, id_col in (("sources.csv", "id:ID(Source)"), ("nodes.csv", "id:ID(Node)")):
        columns = header(name)
        for labels in values(name, ":LABEL"):
            label_text = ":".join(f"`{x}`" for x in labels.split(ARRAY_DELIMITER))
            statements.append((
                f"LOAD CSV WITH HEADERS FROM $url AS row WITH row WHERE row.`:LABEL` = $labels "
                f"CREATE (n:{label_text}) SET n = {props(columns)}, n.id = row.`{id_col}`",
                {"url": f"{base_url.rstrip('/')}/{name}", "labels": labels},
            ))
    for name, start, end in (("relationships.csv", "Node", "Node"), ("evidence.csv", "Node", "Source")):
        columns = header(name)
        for rel_type in values(name, ":TYPE"):
            statements.append((
                "LOAD CSV WITH HEADERS FROM $url AS row WITH row WHERE row.`:TYPE` = $type "
                f"MATCH (a:`PartnerGraph` {{id: row.`:START_ID({start})`}}) "
                f"MATCH (b:`PartnerGraph` {{id: row.`:END_ID({end})`}}) "
                f"CREATE (a)-[r:`{rel_type}`]->(b) SET r = {props(columns)}",
                {"url": f"{base_url.rstrip('/')}/{name}", "type": rel_type},
            ))
    return statements


def _convert(cell: str, kind: str) -> str:
    array = kind.endswith("[]")
    base = kind.removesuffix("[]")
    function = {"long": "toInteger", "int": "toInteger", "double": "toFloat", "float": "toFloat",
                "boolean": "toBoolean", "date": "date"}.get(base)
    if array:
        item = f"{function}(x)" if function else "x"
        return f"CASE WHEN {cell} IS NULL THEN null ELSE [x IN split({cell}, '\\u{ord(ARRAY_DELIMITER):04x}') | {item}] END"
    return f"{function}({cell})" if function else cell
