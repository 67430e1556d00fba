"""The export formats: one registry, read by ``partnergraph export`` and by :func:`write_graph`/:func:`read_graph`.

==============  ==========================================  =====================================
format          for                                         how attributes are kept
==============  ==========================================  =====================================
``node-link``   Python, D3, anything JSON                   every attribute as it is
``graphml``     yEd, Cytoscape, Gephi, igraph               lists and mappings as JSON text
``gexf``        Gephi                                       lists and mappings as JSON text
``cytoscape``   Cytoscape (File > Import > Network, JSON)   every attribute as it is
``dot``         Graphviz (``dot -Tsvg``), yEd               lists and mappings as JSON text
``cypher``      Neo4j: ``cypher-shell -f``, the Browser     the Neo4j mapping of propgraph
``csv``         ``neo4j-admin database import``, LOAD CSV   typed header columns, arrays with ``;``
``xlsx``        Excel, LibreOffice, Kumu-style sheets       the spreadsheet layout (import reads it)
``sheets``      the same layout as CSV files, one per sheet  ``|`` between several values
==============  ==========================================  =====================================

Each module of this package handles one format; a :class:`Format` says how it is written
(``stream``: one file or standard output; ``file``: one binary file, never a terminal;
``folder``: several files) and whether it reads back.

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
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable

import networkx as nx

from partnergraph.graph.model.dataset import Dataset
from partnergraph.graph.readwrite import cypher_script, cytoscape, dot, gexf, graphml, neo4j_csv, nodelink
from partnergraph.graph.readwrite.importing import dataset_of, export_csv_sheets, export_workbook
from partnergraph.graph.readwrite.output import open_output


@dataclass(frozen=True)
class Format:
    name: str
    summary: str  # one line for --help
    kind: str  # "stream", "file" or "folder"
    write: Callable  # (G, out stream) for stream/file formats, (G, folder, **options) -> [paths] for folders
    read: Callable | None = None  # (stream or path) -> graph
    records: bool = False  # written from the dataset's records (file order kept), not from the graph


def _records(data):
    """A Dataset as it is, or the records of a graph (relations then in the graph's order)."""
    return data if isinstance(data, Dataset) else dataset_of(data)


def _xlsx(data, out: IO[bytes]) -> None:
    export_workbook(_records(data), out)


def _sheets(data, folder, bom: bool = False) -> list[Path]:
    return export_csv_sheets(_records(data), folder, bom=bom)


def _neo4j_csv(G: nx.MultiDiGraph, folder, bom: bool = False) -> list[Path]:
    return neo4j_csv.write_neo4j_csv(G, folder)


REGISTRY: dict[str, Format] = {f.name: f for f in (
    Format("node-link", "JSON, every attribute as it is (Python, D3)", "stream", nodelink.write, nodelink.read),
    Format("graphml", "yEd, Cytoscape, Gephi, igraph (lists and evidence as JSON text)", "stream", graphml.write, graphml.read),
    Format("gexf", "Gephi (lists and evidence as JSON text)", "stream", gexf.write, gexf.read),
    Format("cytoscape", "Cytoscape JSON (File > Import > Network from File)", "stream", cytoscape.write, cytoscape.read),
    Format("dot", "Graphviz: partnergraph export -f dot | dot -Tsvg > graph.svg", "stream", dot.write, dot.read),
    Format("cypher", "a cypher-shell script: cypher-shell -f graph.cypher", "stream",
           lambda G, out: out.write(cypher_script.cypher_script(G).encode("utf-8"))),
    Format("csv", "a folder of neo4j-admin import files (nodes, sources, relationships, evidence)", "folder", _neo4j_csv),
    Format("xlsx", "an Excel/LibreOffice workbook in the spreadsheet layout ('partnergraph import' reads it)", "file", _xlsx, records=True),
    Format("sheets", "the spreadsheet layout as CSV files, one per sheet (sources.csv, actors.csv, ...)", "folder", _sheets, records=True),
)}

FORMATS = tuple(REGISTRY)
READABLE = tuple(name for name, f in REGISTRY.items() if f.read)
FOLDER_FORMATS = tuple(name for name, f in REGISTRY.items() if f.kind == "folder")
BINARY_FORMATS = tuple(name for name, f in REGISTRY.items() if f.kind == "file")


def get_format(name: str) -> Format:
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown export format {name!r}; choose one of {', '.join(FORMATS)}") from None


RECORD_FORMATS = tuple(name for name, f in REGISTRY.items() if f.records)


def write_graph(G, fmt: str, out: IO[bytes]) -> None:
    """Write ``G`` (a graph, or a Dataset for RECORD_FORMATS) in a one-file format to a binary stream."""
    f = get_format(fmt)
    if f.kind == "folder":
        raise ValueError(f"{fmt} export writes several files: give a folder (write_folder)")
    f.write(G, out)


def write_folder(G, fmt: str, folder, **options) -> list:
    """Write a several-file format into ``folder``; return the paths written."""
    f = get_format(fmt)
    if f.kind != "folder":
        raise ValueError(f"{fmt} is written to one file, not a folder")
    return f.write(G, folder, **options)


def save_graph(G, fmt: str, path=None) -> int:
    """Write ``G`` in a one-file format to ``path`` (None: standard output) through the output helper:
    atomically, or an :class:`~partnergraph.graph.readwrite.output.OutputError`. Returns the bytes written."""
    buffer = io.BytesIO()
    write_graph(G, fmt, buffer)  # a ValueError (data the format cannot hold) leaves the target untouched
    with open_output(path) as out:
        out.write(buffer.getvalue())
    return buffer.tell()


def to_string(G: nx.MultiDiGraph, fmt: str) -> str:
    buffer = io.BytesIO()
    write_graph(G, fmt, buffer)
    return buffer.getvalue().decode("utf-8")


def read_graph(source: IO[bytes] | str, fmt: str) -> nx.MultiDiGraph:
    """Read a file written by :func:`write_graph` back into a partnergraph graph."""
    f = REGISTRY.get(fmt)
    if f is None or f.read is None:
        raise ValueError(f"cannot read {fmt!r}; partnergraph reads {', '.join(READABLE)}")
    return f.read(source)
