"""A small picture of the schema: the two families with their kinds, and the edge types between them.

Built from ``graph/schema.yaml`` (the picture follows the schema) and laid out by Graphviz
through pydot; ``partnergraph schema -o schema.svg`` writes it.

>>> from partnergraph.graph.model.schema import get_schema
>>> family_links(get_schema())[("actor", "instrument")][:3]
['party to', 'funds', 'participates in']
>>> family_links(get_schema())[("instrument", "actor")]
['held in', 'part of']
"""

from __future__ import annotations

import html
import os
import tempfile
from pathlib import Path

import pydot

from partnergraph.graph.model.schema import Schema, get_schema
from partnergraph.graph.present.style import FONT, kind_colour  # the colours of the network pictures

FORMATS = ("svg", "png", "pdf")
FAMILY_COLOURS = {"actor": "#deebf7", "instrument": "#fde0dd"}


class SchemaDiagramError(ValueError):
    """The diagram cannot be written (unknown format, Graphviz missing, unwritable file)."""


def family_links(schema: Schema, lang: str = "en") -> dict[tuple[str, str], list[str]]:
    """Edge-type labels by (from family, to family), in the schema's order."""
    links: dict[tuple[str, str], list[str]] = {}
    for name, edge in schema.edge_types.items():
        pairs = {(schema.family(a), schema.family(b)) for a in edge.from_kinds for b in edge.to_kinds}
        for pair in sorted(pairs):
            links.setdefault(pair, []).append(schema.edge_label(name, lang))
    return links


def _family_label(schema: Schema, family: str, lang: str) -> str:
    """An HTML-like Graphviz label: the family's name over its kinds, each with its marker colour."""
    title = schema.family_label(family, lang)
    rows = "".join(
        f'<TR><TD ALIGN="LEFT"><FONT COLOR="{kind_colour(kind)}">■</FONT> '
        f"{html.escape(schema.kind_label(kind, lang))}</TD></TR>"
        for kind in schema.kinds_of(family)
    )
    return f'<<TABLE BORDER="0" CELLSPACING="2"><TR><TD><B>{html.escape(title)}</B></TD></TR>{rows}</TABLE>>'


def schema_dot(schema: Schema | None = None, lang: str = "en"):
    """The schema as a pydot graph: one node per family, one edge per family pair listing the edge types."""

    schema = schema or get_schema()
    dot = pydot.Dot(graph_type="digraph", rankdir="LR", nodesep="0.8", ranksep="1.6", pad="0.3")
    dot.set_node_defaults(fontname=FONT, fontsize="11", shape="box", style="rounded,filled")
    dot.set_edge_defaults(fontname=FONT, fontsize="10", color="#555555")
    for family in schema.families:
        dot.add_node(pydot.Node(family, label=_family_label(schema, family, lang),
                                fillcolor=FAMILY_COLOURS.get(family, "#eeeeee")))
    for (source, target), labels in family_links(schema, lang).items():
        dot.add_edge(pydot.Edge(source, target, label='"' + "\\l".join(labels) + '\\l"'))
    return dot


def write_schema_diagram(path: str | Path, lang: str = "en") -> Path:
    """Draw the schema to ``path`` (.svg, .png or .pdf); the file appears whole or not at all."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise SchemaDiagramError(f"{path}: end the file name with .svg, .png or .pdf")
    if not path.resolve().parent.is_dir():
        raise SchemaDiagramError(f"{path.parent} does not exist; create it or choose another folder")
    try:
        data = schema_dot(lang=lang).create(prog="dot", format=fmt)
    except FileNotFoundError as exc:
        raise SchemaDiagramError("the schema diagram needs Graphviz's `dot` (e.g. `apt-get install graphviz`); "
                                 "`partnergraph schema` prints the same as a table") from exc
    handle, tmp = tempfile.mkstemp(dir=path.resolve().parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
