"""The JSON Schema of a dataset file, generated from ``schema.yaml`` (its ``attributes`` block).

Each record type (source, node, relation, evidence, count, statement) lists its attributes
with a type and whether it is required; :data:`TYPES` turns each type into JSON Schema.
Editors validate dataset files with the committed copy ``dataset.schema.json``
(``partnergraph schema --json > graph/dataset.schema.json`` regenerates it;
a test keeps the two equal). The loader validates with the same schema.

>>> from partnergraph.graph.model.schema import get_schema
>>> s = dataset_json_schema(get_schema())
>>> s["$defs"]["relation"]["required"]
['from', 'type', 'to', 'evidence']
>>> s["$defs"]["actor"]["properties"]["aliases"]
{'type': 'array', 'items': {'type': 'string', 'minLength': 1}}
"""

from __future__ import annotations

from typing import Callable

from partnergraph.graph.model.schema import Schema

ID_PATTERN = "^[a-z0-9][a-z0-9._-]*$"
REVIEW_NOTE = "Left by 'partnergraph ingest' for the reviewer; 'merge' drops it."

_text = {"type": "string", "minLength": 1}
_texts = {"type": "array", "items": _text}


def _record(schema: Schema, record_type: str, family: str | None = None) -> dict:
    """The JSON Schema of one record type, from its attributes in schema.yaml."""
    attributes = schema.attributes(record_type)
    properties = {}
    for name, attribute in attributes.items():
        prop = dict(TYPES[attribute.type](schema, family))
        if attribute.description and "description" not in prop:
            prop["description"] = attribute.description
        properties[name] = prop
    return {
        "type": "object",
        "required": [name for name, a in attributes.items() if a.required],
        "additionalProperties": False,
        "properties": properties,
    }


def _list_of(record_type: str, min_items: int = 0) -> Callable[[Schema, str | None], dict]:
    def make(schema: Schema, family: str | None) -> dict:
        spec: dict = {"type": "array"}
        if min_items:
            spec["minItems"] = min_items
        spec["items"] = _record(schema, record_type)
        return spec

    return make


# type name (schema.yaml) -> JSON Schema of a value of that type
TYPES: dict[str, Callable[[Schema, str | None], dict]] = {
    "id": lambda s, f: {"type": "string", "pattern": ID_PATTERN},
    "text": lambda s, f: _text,
    "texts": lambda s, f: _texts,
    "text_or_texts": lambda s, f: {"anyOf": [_text, _texts]},
    "date": lambda s, f: _text,  # EDTF text; the loader parses it (file and line in its messages)
    "language": lambda s, f: {"type": "string", "pattern": "^[a-z]{2,3}$"},
    "iso2": lambda s, f: {"type": "string", "pattern": "^[A-Z]{2}$"},
    "integer": lambda s, f: {"type": "integer"},
    "kind": lambda s, f: {"enum": s.kinds_of(f) if f else sorted(s.node_kinds)},
    "edge_type": lambda s, f: {"enum": sorted(s.edge_types)},
    "status": lambda s, f: {"enum": sorted(s.statuses)},
    "domains": lambda s, f: {"type": "array", "items": {"enum": sorted(s.domains)}},
    "evidence": _list_of("evidence", min_items=1),
    "counts": _list_of("count"),
    "history": _list_of("statement"),
    "review": lambda s, f: {"type": "object", "description": REVIEW_NOTE},
}

def dataset_json_schema(schema: Schema) -> dict:
    """The JSON Schema (draft 2020-12) of one dataset file."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "partnergraph dataset file",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "sources": {"type": "array", "items": {"$ref": "#/$defs/source"}},
            "actors": {"type": "array", "items": {"$ref": "#/$defs/actor"}},
            "instruments": {"type": "array", "items": {"$ref": "#/$defs/instrument"}},
            "relations": {"type": "array", "items": {"$ref": "#/$defs/relation"}},
        },
        "$defs": {
            "source": _record(schema, "source"),
            "actor": _record(schema, "node", "actor"),
            "instrument": _record(schema, "node", "instrument"),
            "relation": _record(schema, "relation"),
        },
    }
