"""DOT (Graphviz, yEd): lists and mappings as JSON text; a ``label`` is added for drawing, and the node
attribute ``name`` travels as ``pg_name`` (pydot uses ``name`` for the node id)."""

from __future__ import annotations

import re
from typing import IO

import networkx as nx
import pydot

from partnergraph.graph.readwrite.encoding import decoded, encoded, read_text

DOT_NAME = "pg_name"  # the node attribute `name` in DOT (pydot reserves `name` for the node id)


def write(G: nx.MultiDiGraph, out: IO[bytes]) -> None:
    out.write(_pydot(G).to_string().encode("utf-8"))


def read(source) -> nx.MultiDiGraph:
    return _from_dot(read_text(source))


def _pydot(G: nx.MultiDiGraph):
    """The graph as a pydot graph: JSON text for structured values, a ``label`` for Graphviz to draw."""
    H = encoded(G)
    H.graph = {"graph": {"rankdir": "LR"}, "node": {"shape": "box", "fontname": "DejaVu Sans"}}  # drawing defaults
    for n, a in H.nodes(data=True):
        if "name" in a:  # pydot.Node takes its id as `name`: the attribute travels as DOT_NAME
            a[DOT_NAME] = a.pop("name")
        a["label"] = a.get(DOT_NAME, n)
    for *_, d in H.edges(data=True):
        d["label"] = d.get("type", "")
    for attrs in [a for _, a in H.nodes(data=True)] + [d for *_, d in H.edges(data=True)]:
        for k, v in attrs.items():
            if isinstance(v, str):
                attrs[k] = _quoted(v)
    return nx.nx_pydot.to_pydot(H)


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {"\\": "\\", '"': '"', "n": "\n", "r": "\r"}


def _quoted(text: str) -> str:
    """A DOT double-quoted string with backslash, quote, newline and CR escaped (pydot escapes only some:
    a backslash before a quote would end the string early)."""
    return '"' + "".join(_ESCAPES.get(c, c) for c in text) + '"'



def _from_dot(text: str) -> nx.MultiDiGraph:
    [P] = pydot.graph_from_dot_data(text)
    H = nx.MultiDiGraph()
    for node in P.get_nodes():
        name = _unquote(node.get_name())
        if name in ("node", "edge", "graph"):
            continue
        attrs = {k: _dot_value(v) for k, v in node.get_attributes().items() if k != "label"}
        if DOT_NAME in attrs:
            attrs["name"] = attrs.pop(DOT_NAME)
        H.add_node(name, **attrs)
    for edge in P.get_edges():
        attrs = {k: _dot_value(v) for k, v in edge.get_attributes().items() if k != "label"}
        key = attrs.pop("key", None)
        H.add_edge(_unquote(edge.get_source()), _unquote(edge.get_destination()), key=key, **attrs)
    return decoded(H)


def _unquote(text: str) -> str:
    """The value of a DOT double-quoted string written by :func:`_quoted` (other text as it is)."""
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return re.sub(r'\\(.)', lambda m: _UNESCAPES.get(m.group(1), m.group(0)), text[1:-1], flags=re.DOTALL)
    return text


def _dot_value(text: str):
    value = _unquote(text)
    return value
