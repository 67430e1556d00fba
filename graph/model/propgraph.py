"""The property-graph view of partnergraph: labels, relationship types, properties.

One mapping, used wherever the graph leaves networkx (Neo4j, embedded Cypher,
Cypher and CSV exports), so a query written for one runs on the others:

* labels: family then kind, ``:Actor:State``, ``:Instrument:Agreement``;
* relationship types: the edge type in upper case, ``PARTY_TO``;
* properties: every scalar attribute and every list of scalars as it is;
  EDTF dates become a ``datetime.date`` in ``start``/``end``/``mentioned``
  (the lower bound; ``None`` when the year is unknown), with the EDTF text in
  ``<field>_text`` and the precision in ``<field>_precision``;
  evidence becomes the parallel lists ``evidence_sources`` and
  ``evidence_quotes``; ``counts`` become JSON text in ``counts_json``.

>>> from partnergraph.graph.model.build import load_graph
>>> G = load_graph()
>>> p = node_properties("eu-viet-nam-fpa", G.nodes["eu-viet-nam-fpa"])
>>> p["start"], p["start_precision"], node_labels(G.nodes["eu-viet-nam-fpa"])
(datetime.date(2019, 10, 17), 'day', ['Instrument', 'Agreement'])
"""

from __future__ import annotations

import json
from datetime import date

from partnergraph.graph.model.dates import parse_date
from partnergraph.graph.model.schema import get_schema

DATE_FIELDS = ("start", "end", "mentioned")
# Attributes that are not copied as they are.
_SPECIAL = {"evidence", "counts", *DATE_FIELDS}


def _dates(attrs: dict, props: dict) -> None:
    for name in DATE_FIELDS:
        if attrs.get(name):
            parsed = parse_date(attrs[name])
            props[name] = parsed.lower  # None when the year is unknown
            props[f"{name}_text"] = parsed.text
            props[f"{name}_precision"] = parsed.precision


def _common(attrs: dict) -> dict:
    props = {k: v for k, v in attrs.items() if k not in _SPECIAL and v is not None}
    _dates(attrs, props)
    evidence = attrs.get("evidence", [])
    props["evidence_sources"] = [e["source"] for e in evidence]
    props["evidence_quotes"] = [e["quote"] for e in evidence]
    if attrs.get("counts"):
        props["counts_json"] = json.dumps(attrs["counts"], ensure_ascii=False)
    return {k: v for k, v in props.items() if v is not None}


def node_labels(attrs: dict) -> list[str]:
    return get_schema().neo4j_labels(attrs["kind"])


def node_properties(node_id: str, attrs: dict) -> dict:
    """Neo4j-ready properties of a node (``id`` included)."""
    props = _common(attrs)
    props["id"] = node_id
    return props


def relationship_type(data: dict) -> str:
    return data["type"].upper()


def edge_properties(key: str, data: dict) -> dict:
    """Neo4j-ready properties of an edge (``id`` is the relation id; ``type`` is dropped)."""
    props = _common(data)
    props.pop("type", None)
    props["id"] = key
    return props


def source_properties(record: dict) -> dict:
    """Properties of a :Source node: the registry record, ``published`` as text and dates."""
    props = {k: v for k, v in record.items() if v is not None}
    parsed = parse_date(record["published"])
    props["published_text"] = parsed.text
    props["published"] = parsed.lower
    props["published_precision"] = parsed.precision
    return props


def to_python(value):
    """Plain JSON-ready value: dates as ISO text, everything else as it is."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [to_python(v) for v in value]
    return value
