"""Write the graph to files other tools read, and read them back.

==============  ==========================================  =====================================
format          for                                         how attributes are kept
==============  ==========================================  =====================================
``node-link``   Python, D3, anything JSON                   every attribute as it is
``graphml``     yEd, Cytoscape, Gephi, igraph               lists and mappings as JSON text
``gexf``        Gephi                                       lists and mappings as JSON text
``cytoscape``   Cytoscape (File > Import > Network, JSON)   every attribute as it is (networkx
                                                            ``cytoscape_data``)
``dot``         Graphviz (``dot -Tsvg``), yEd               lists and mappings as JSON text;
                                                            ``label`` added for drawing
``cypher``      Neo4j: ``cypher-shell -f``, the Browser     the Neo4j mapping of
                                                            :mod:`partnergraph.graph.model.propgraph`
``csv``         ``neo4j-admin database import``, LOAD CSV   typed header columns, arrays with ``;``
==============  ==========================================  =====================================

:func:`read_graph` reads node-link, GraphML, GEXF, cytoscape and dot back
(JSON text decoded again), so a round trip gives back the same graph.

>>> import io
>>> from partnergraph.graph.model.build import load_graph
>>> G = load_graph()
>>> text = to_string(G, "graphml")
>>> H = read_graph(io.BytesIO(text.encode()), "graphml")
>>> H.nodes["esiwa"]["domains"] == G.nodes["esiwa"]["domains"]
True
"""

from __future__ import annotations

import io
import json
import re
from typing import IO

import networkx as nx

from partnergraph.graph.readwrite.output import make_folder, open_output

FORMATS = ("node-link", "graphml", "gexf", "cytoscape", "dot", "cypher", "csv")
READABLE = ("node-link", "graphml", "gexf", "cytoscape", "dot")
GEXF_TYPE = "relation_type"  # the edge attribute `type` in GEXF (GEXF reserves `type`)
DOT_NAME = "pg_name"  # the node attribute `name` in DOT (pydot reserves `name` for the node id)
# Written to a folder of several files rather than one stream.
FOLDER_FORMATS = ("csv",)
# Attributes holding lists or mappings, encoded as JSON text in GraphML and GEXF.
STRUCTURED = {"aliases", "domains", "places", "counts", "evidence", "sources", "files"}


def node_link(G: nx.MultiDiGraph) -> dict:
    """The graph as a node-link JSON-ready dict (networkx's own format)."""
    return nx.node_link_data(G, edges="edges")


def _encoded(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    def enc(attrs: dict) -> dict:
        return {k: json.dumps(v, ensure_ascii=False) if k in STRUCTURED or isinstance(v, (list, dict)) else v
                for k, v in attrs.items() if v is not None}

    H = nx.MultiDiGraph(**enc(G.graph))
    H.add_nodes_from((n, enc(a)) for n, a in G.nodes(data=True))
    H.add_edges_from((u, v, k, enc(d)) for u, v, k, d in G.edges(keys=True, data=True))
    return H


def _decoded(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    def dec(attrs: dict) -> dict:
        return {k: json.loads(v) if k in STRUCTURED and isinstance(v, str) else v for k, v in attrs.items()}

    H = nx.MultiDiGraph(**dec(G.graph))
    H.add_nodes_from((n, dec(a)) for n, a in G.nodes(data=True))
    H.add_edges_from((u, v, k, dec(d)) for u, v, k, d in G.edges(keys=True, data=True))
    return H


def save_graph(G: nx.MultiDiGraph, fmt: str, path=None) -> int:
    """Write ``G`` in one of FORMATS to ``path`` (None: standard output) through the output helper:
    atomically, or an :class:`~partnergraph.graph.readwrite.output.OutputError`. Returns the bytes written."""
    buffer = io.BytesIO()
    write_graph(G, fmt, buffer)  # a ValueError (data the format cannot hold) leaves the target untouched
    with open_output(path) as out:
        out.write(buffer.getvalue())
    return buffer.tell()


def write_graph(G: nx.MultiDiGraph, fmt: str, out: IO[bytes]) -> None:
    """Write ``G`` in one of FORMATS to a binary stream."""
    if fmt == "node-link":
        out.write(json.dumps(node_link(G), ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
    elif fmt == "graphml":
        nx.write_graphml(_encoded(G), out, encoding="utf-8")
    elif fmt == "gexf":
        H = _encoded(G)
        for *_, d in H.edges(data=True):  # GEXF's own edge `type` means directed/undirected
            if "type" in d:
                d[GEXF_TYPE] = d.pop("type")
        nx.write_gexf(H, out, encoding="utf-8")
    elif fmt == "cytoscape":
        data = nx.cytoscape_data(G)
        out.write(json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8") + b"\n")
    elif fmt == "dot":
        out.write(_pydot(G).to_string().encode("utf-8"))
    elif fmt == "cypher":
        out.write(cypher_script(G).encode("utf-8"))
    elif fmt in FOLDER_FORMATS:
        raise ValueError(f"{fmt} export writes several files: give a folder (write_folder)")
    else:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def write_folder(G: nx.MultiDiGraph, fmt: str, folder) -> list:
    """Write a several-file format (csv) into ``folder``; return the paths written."""
    if fmt != "csv":
        raise ValueError(f"{fmt} is written to one file, not a folder")
    return write_neo4j_csv(G, folder)


def _pydot(G: nx.MultiDiGraph):
    """The graph as a pydot graph: JSON text for structured values, a ``label`` for Graphviz to draw."""
    H = _encoded(G)
    H.graph = {"graph": {"rankdir": "LR"}, "node": {"shape": "box", "fontname": "DejaVu Sans"}}  # drawing defaults
    for n, a in H.nodes(data=True):
        if "name" in a:  # pydot.Node takes its id as `name`: the attribute travels as DOT_NAME
            a[DOT_NAME] = a.pop("name")
        a["label"] = a.get(DOT_NAME, n)
        a.update({k: _dot_quote(v) for k, v in a.items() if isinstance(v, str)})
    for *_, d in H.edges(data=True):
        d["label"] = d.get("type", "")
        d.update({k: _dot_quote(v) for k, v in d.items() if isinstance(v, str)})
    return nx.nx_pydot.to_pydot(H)


def _dot_quote(text: str) -> str:
    r"""A DOT quoted string that :func:`_unquote` reads back exactly (pydot leaves quoted strings alone).

    DOT itself escapes only ``\"``; backslashes and line breaks are escaped too (``\\``, ``\n``, the
    same meaning as in a Graphviz label), so that any text, a final backslash included, survives.

    >>> _unquote(_dot_quote('say "hi" \\ \n end\\')) == 'say "hi" \\ \n end\\'
    True
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def to_string(G: nx.MultiDiGraph, fmt: str) -> str:
    buffer = io.BytesIO()
    write_graph(G, fmt, buffer)
    return buffer.getvalue().decode("utf-8")


def _read_text(source: IO[bytes] | str) -> str:
    if isinstance(source, str):
        with open(source, encoding="utf-8") as handle:
            return handle.read()
    data = source.read()
    return data.decode("utf-8") if isinstance(data, bytes) else data


def read_graph(source: IO[bytes] | str, fmt: str) -> nx.MultiDiGraph:
    """Read a file written by :func:`write_graph` back into a partnergraph graph."""
    if fmt == "node-link":
        data = json.loads(_read_text(source))
        return _with_ids(nx.node_link_graph(data, directed=True, multigraph=True, edges="edges"))
    if fmt == "cytoscape":
        H = nx.cytoscape_graph(json.loads(_read_text(source)))
        for _, a in H.nodes(data=True):
            a.pop("value", None)  # added by cytoscape_data; id and name are our own attributes
        for *_, d in H.edges(data=True):
            d.pop("source", None), d.pop("target", None), d.pop("key", None)
        return H
    if fmt == "dot":
        return _from_dot(_read_text(source))
    if fmt == "graphml":
        H = nx.read_graphml(source, force_multigraph=True)
    elif fmt == "gexf":
        H = _gexf_keyed(nx.read_gexf(source))
    else:
        raise ValueError(f"cannot read {fmt!r}; partnergraph reads {', '.join(READABLE)}")
    return _with_ids(_decoded(nx.MultiDiGraph(H)))


def _with_ids(H: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Node-link and GEXF hold a node's ``id`` attribute as the node itself: put it back."""
    for n, a in H.nodes(data=True):
        a.setdefault("id", n)
    return H


def _gexf_keyed(H: nx.Graph) -> nx.MultiDiGraph:
    """GEXF keeps an edge's key as its ``id``; give it back as the key."""
    M = nx.MultiDiGraph(**H.graph)
    M.add_nodes_from(H.nodes(data=True))
    edges = H.edges(keys=True, data=True) if H.is_multigraph() else ((u, v, None, d) for u, v, d in H.edges(data=True))
    for u, v, key, d in edges:
        d = dict(d)
        d.pop("type", None)  # GEXF's directed/undirected
        if GEXF_TYPE in d:
            d["type"] = d.pop(GEXF_TYPE)
        M.add_edge(u, v, key=d.get("id", key), **d)
    for n, a in M.nodes(data=True):
        if a.get("label") == n:
            del a["label"]  # the writer's copy of the id
    return M


def _from_dot(text: str) -> nx.MultiDiGraph:
    import pydot

    [P] = pydot.graph_from_dot_data(text)
    H = nx.MultiDiGraph()
    for node in P.get_nodes():
        if node.get_name() in ("node", "edge", "graph"):  # default attributes (a node with that id is quoted)
            continue
        name = _unquote(node.get_name())
        attrs = {k: _dot_value(v) for k, v in node.get_attributes().items() if k != "label"}
        if DOT_NAME in attrs:
            attrs["name"] = attrs.pop(DOT_NAME)
        H.add_node(name, **attrs)
    for edge in P.get_edges():
        attrs = {k: _dot_value(v) for k, v in edge.get_attributes().items() if k != "label"}
        key = attrs.pop("key", None)
        H.add_edge(_unquote(edge.get_source()), _unquote(edge.get_destination()), key=key, **attrs)
    return _decoded(H)


_DOT_ESCAPE = {"\\": "\\", '"': '"', "n": "\n"}


def _unquote(text: str) -> str:
    """The text of a DOT quoted string written by :func:`_dot_quote` (other escapes kept as they are)."""
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return re.sub(r'\\(.)', lambda m: _DOT_ESCAPE.get(m.group(1), m.group()), text[1:-1], flags=re.DOTALL)
    return text


def _dot_value(text: str):
    value = _unquote(text)
    return value


# --- Cypher script ---------------------------------------------------------------------------------
#
# The script holds the same parameterised statements the Neo4j backend sends
# (neo4j_backend.load_plan), each preceded by a ``:param rows => [...]`` block.
# cypher-shell and the Neo4j Browser evaluate the block and run the statement
# with ``$rows``; the query text never contains data. The values in the blocks are
# Cypher literals written by :func:`cypher_literal`: strings through ``json.dumps``
# (Cypher's string escapes are a superset of JSON's), dates as ``date('...')``,
# map keys in backticks.


def cypher_literal(value) -> str:
    r"""A Cypher literal for a parameter value.

    >>> from datetime import date
    >>> print(cypher_literal({"q": 'say "hi"\n', "day": date(2019, 10, 17), "n": [1, 2.5, None, True]}))
    {`q`: "say \"hi\"\n", `day`: date("2019-10-17"), `n`: [1, 2.5, null, true]}
    """
    from datetime import date

    if value is None or isinstance(value, (bool, int, float, str)):
        if isinstance(value, float) and value != value:
            raise ValueError("NaN cannot be written as a Cypher literal")
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, date):
        return f'date("{value.isoformat()}")'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"`{str(k).replace('`', '``')}`: {cypher_literal(v)}" for k, v in value.items()) + "}"
    raise ValueError(f"cannot write {value!r} as a Cypher literal")


def cypher_script(G: nx.MultiDiGraph, batch_size: int = 500) -> str:
    """A cypher-shell script that loads ``G`` as the Neo4j backend does (constraints, MERGE by id)."""
    from partnergraph.graph.stores.neo4j_store import family_labels, load_plan

    lines = ["// partnergraph export: run with  cypher-shell -f graph.cypher  (or paste into the Neo4j Browser)",
             f"// {G.number_of_nodes()} nodes, {G.number_of_edges()} relations, {len(G.graph.get('sources', {}))} sources;"
             " MERGE on id, so running it twice changes nothing."]
    for label in family_labels():
        lines.append(f"CREATE CONSTRAINT partnergraph_{label.lower()}_id IF NOT EXISTS "
                     f"FOR (n:`{label}`) REQUIRE n.id IS UNIQUE;")
    for statement in load_plan(G):
        for start in range(0, len(statement.rows), batch_size):
            rows = statement.rows[start:start + batch_size]
            lines.append(f"// {statement.what}")
            lines.append(f":param rows => {cypher_literal(rows)};")
            lines.append(" ".join(statement.cypher.split("\n")) + ";")
    return "\n".join(lines) + "\n"


def script_statements(text: str) -> list[tuple[str, str]]:
    """The script as (kind, text) pairs: ("param", "name => expr") or ("cypher", statement); one per line."""
    items = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        line = line.removesuffix(";")
        items.append(("param", line[len(":param "):]) if line.startswith(":param ") else ("cypher", line))
    return items


# --- neo4j-admin CSV -------------------------------------------------------------------------------
#
# Files in the header format of ``neo4j-admin database import full``: nodes.csv
# (``id:ID(Node)``, ``:LABEL``), sources.csv (``id:ID(Source)``), relationships.csv
# and evidence.csv (``:START_ID``, ``:END_ID``, ``:TYPE``). Columns carry their type
# (``start:date``, ``position:long``, ``aliases:string[]``); arrays use ``;`` between
# elements. The properties are those of the Neo4j backend (propgraph).

# U+001F (unit separator) between array elements: a control character, which the loader refuses in any
# text, so no element can contain it and every alias or place round-trips (";" could be in a name).
ARRAY_DELIMITER = "\x1f"
ARRAY_DELIMITER_OPTION = "--array-delimiter=U+001F"  # how neo4j-admin is told
_CSV_TYPES = {bool: "boolean", int: "long", float: "double"}


def _csv_type(values: list) -> str:
    from datetime import date

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
    from datetime import date

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
    import csv

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
    from pathlib import Path

    from partnergraph.graph.stores.neo4j_store import EVIDENCE_TYPE, MARKER_LABEL, SOURCE_LABEL
    from partnergraph.graph.model.propgraph import edge_properties, node_labels, node_properties, relationship_type, source_properties

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
    import csv
    from pathlib import Path

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
