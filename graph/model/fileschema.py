"""The JSON Schema of a dataset file, generated from ``schema.yaml``.

Editors validate dataset files with the committed copy ``dataset.schema.json``
(``partnergraph schema --json > graph/dataset.schema.json`` regenerates it;
a test keeps the two equal). The loader validates with the same schema.
"""

from __future__ import annotations

from partnergraph.graph.model.schema import Schema

ID_PATTERN = "^[a-z0-9][a-z0-9._-]*$"

_text = {"type": "string", "minLength": 1}
_texts = {"type": "array", "items": _text}

EVIDENCE = {
    "type": "object",
    "required": ["source", "quote"],
    "additionalProperties": False,
    "properties": {"source": _text, "quote": _text, "note": _text},
}

SOURCE = {
    "type": "object",
    "required": ["id", "title", "publisher", "published", "language"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": ID_PATTERN},
        "title": _text,
        "publisher": _text,
        "kind": _text,
        "published": _text,
        "language": {"type": "string", "pattern": "^[a-z]{2,3}$"},
        "url": _text,
        "related_urls": _texts,
        "file": _text,
        "note": _text,
        "review": {"type": "object", "description": "Left by 'partnergraph ingest' for the reviewer; 'merge' drops it."},
    },
}


def _count(schema: Schema) -> dict:
    return {
        "type": "object",
        "required": ["what", "value", "source", "quote"],
        "additionalProperties": False,
        "properties": {
            "what": _text,
            "value": {"type": "integer"},
            "as_of": _text,
            "source": _text,
            "quote": _text,
            "note": _text,
        },
    }


def _dated(schema: Schema) -> dict:
    return {
        "status": {"enum": sorted(schema.statuses)},
        "start": _text,
        "end": _text,
        "mentioned": _text,
        "date_note": _text,
        "places": _texts,
        "domains": {"type": "array", "items": {"enum": sorted(schema.domains)}},
        "note": _text,
        "review": {"type": "object", "description": "Left by 'partnergraph ingest' for the reviewer; 'merge' drops it."},
        "evidence": {"type": "array", "minItems": 1, "items": EVIDENCE},
    }


def _node(schema: Schema, family: str) -> dict:
    return {
        "type": "object",
        "required": ["id", "kind", "name", "evidence"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": ID_PATTERN},
            "kind": {"enum": schema.kinds_of(family)},
            "name": _text,
            "short_name": _text,
            "name_vi": _text,
            "aliases": _texts,
            "iso": {"type": "string", "pattern": "^[A-Z]{2}$"},
            "description": _text,
            "counts": {"type": "array", "items": _count(schema)},
            **_dated(schema),
        },
    }


def _relation(schema: Schema) -> dict:
    return {
        "type": "object",
        "required": ["from", "type", "to", "evidence"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": ID_PATTERN},
            "from": _text,
            "type": {"enum": sorted(schema.edge_types)},
            "to": _text,
            "role": _text,
            "role_vi": _text,
            **_dated(schema),
        },
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
            "source": SOURCE,
            "actor": _node(schema, "actor"),
            "instrument": _node(schema, "instrument"),
            "relation": _relation(schema),
        },
    }
