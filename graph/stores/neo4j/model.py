"""The names partnergraph puts in a Neo4j database, in ONE place.

Everything that writes or reads Cypher (the load, the status check, reading
back, the neo4j-admin CSV export, the embedded engine) takes its labels and
relationship types from here; the property mapping itself is
:mod:`partnergraph.graph.model.propgraph`.

>>> MARKER_LABEL, SOURCE_LABEL, EVIDENCE_TYPE
('PartnerGraph', 'Source', 'EVIDENCED_BY')
>>> family_labels()
['Actor', 'Instrument', 'Source']
>>> quoted("PARTY_TO")
'`PARTY_TO`'
>>> quoted("X`) DETACH DELETE n //")
Traceback (most recent call last):
...
ValueError: 'X`) DETACH DELETE n //' is not a label or relationship type of the partnergraph schema
"""

from __future__ import annotations

import re

from partnergraph.graph.model.schema import get_schema

MARKER_LABEL = "PartnerGraph"  # on every node a load creates: what `wipe` and `status` look at
SOURCE_LABEL = "Source"  # the source registry's nodes
EVIDENCE_TYPE = "EVIDENCED_BY"  # (node)-[:EVIDENCED_BY {quote, position}]->(:Source)
CONSTRAINT_PREFIX = "partnergraph_"  # names of the constraints and the index a load creates
ID_INDEX = "partnergraph_id"


def schema_names() -> frozenset[str]:
    """Every label and relationship type the schema can produce: the only names put in Cypher text."""
    schema = get_schema()
    names = {MARKER_LABEL, SOURCE_LABEL, EVIDENCE_TYPE}
    for kind in schema.node_kinds:
        names.update(schema.neo4j_labels(kind))
    names.update(et.neo4j_type for et in schema.edge_types.values())
    return frozenset(names)


def quoted(name: str) -> str:
    """A label or type from the schema, back-quoted; anything else is refused."""
    if name not in schema_names() or not re.fullmatch(r"[A-Z][A-Za-z0-9_]*", name):
        raise ValueError(f"{name!r} is not a label or relationship type of the partnergraph schema")
    return f"`{name}`"


def family_labels() -> list[str]:
    """The labels that carry a uniqueness constraint on ``id``: ['Actor', 'Instrument', 'Source']."""
    return [spec["label"] for spec in get_schema().families.values()] + [SOURCE_LABEL]


def node_family_labels() -> list[str]:
    """The family labels of dataset nodes (no :Source): ['Actor', 'Instrument']."""
    return [spec["label"] for spec in get_schema().families.values()]


def kind_labels(family_label: str) -> list[str]:
    """The kind labels under one family label: kind_labels('Instrument') -> ['Agreement', ...]."""
    schema = get_schema()
    return sorted({schema.neo4j_labels(k)[1] for k in schema.node_kinds if schema.neo4j_labels(k)[0] == family_label})


def relationship_types() -> list[str]:
    """Every relationship type of the schema, EVIDENCED_BY excluded."""
    return sorted(et.neo4j_type for et in get_schema().edge_types.values())


def edge_type_names() -> dict[str, str]:
    """Relationship type -> the dataset's edge type: {'PARTY_TO': 'party_to', ...}."""
    return {et.neo4j_type: name for name, et in get_schema().edge_types.items()}


def constraint_statements() -> list[str]:
    """The uniqueness constraints on ``id`` and the index a load creates first (idempotent)."""
    return [
        f"CREATE CONSTRAINT {CONSTRAINT_PREFIX}{label.lower()}_id IF NOT EXISTS "
        f"FOR (n:{quoted(label)}) REQUIRE n.id IS UNIQUE"
        for label in family_labels()
    ] + [f"CREATE INDEX {ID_INDEX} IF NOT EXISTS FOR (n:{quoted(MARKER_LABEL)}) ON (n.id)"]
