"""One rendering of Cypher values for every backend.

Whatever ran the query (the Neo4j driver or the embedded engine), a value
leaves partnergraph in the same JSON-ready form, so a script can switch
backends without changing its parser:

* node: ``{"_type": "node", "id": <dataset id>, "labels": [...], "properties": {...}}``
* relationship: ``{"_type": "relationship", "id": <relation id>, "type": "PARTY_TO",
  "start": <dataset id of its start node>, "end": <dataset id of its end node>, "properties": {...}}``
* path: ``{"_type": "path", "nodes": [...], "relationships": [...]}``
* dates as ISO text, whole-number decimals as integers, lists and maps recursively.

Labels come family first (``["Actor", "State"]``), as :func:`propgraph.node_labels` gives them;
properties are sorted by name, and absent (null) properties are left out, as Neo4j never stores nulls.

>>> from datetime import date
>>> render([date(2019, 10, 17), {"b": 1, "a": None}])
['2019-10-17', {'a': None, 'b': 1}]
>>> render_node("eu", ["Union", "Actor"], {"name": "European Union", "id": "eu", "short_name": None})
{'_type': 'node', 'id': 'eu', 'labels': ['Actor', 'Union'], 'properties': {'id': 'eu', 'name': 'European Union'}}
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable

#: Labels that name a family (they come first in a node's label list).
FAMILY_LABELS = ("Actor", "Instrument", "Source")


def sorted_labels(labels: Iterable[str]) -> list[str]:
    """Family label first, then the others by name: ``['Actor', 'State']``."""
    return sorted(labels, key=lambda label: (label not in FAMILY_LABELS, label))


def _properties(props: dict) -> dict:
    return {k: render(v) for k, v in sorted(props.items()) if v is not None}


def render_node(node_id: Any, labels: Iterable[str], props: dict) -> dict:
    """The common form of a node."""
    return {"_type": "node", "id": node_id, "labels": sorted_labels(labels), "properties": _properties(props)}


def render_relationship(rel_id: Any, rel_type: str, start: Any, end: Any, props: dict) -> dict:
    """The common form of a relationship; ``start``/``end`` are dataset ids of its nodes."""
    return {"_type": "relationship", "id": rel_id, "type": rel_type, "start": start, "end": end,
            "properties": _properties(props)}


def render_path(nodes: list[dict], relationships: list[dict]) -> dict:
    """The common form of a path from already rendered nodes and relationships."""
    return {"_type": "path", "nodes": nodes, "relationships": relationships}


def render(value: Any) -> Any:
    """A plain value (not a graph entity) in its JSON-ready form."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (list, tuple)):
        return [render(v) for v in value]
    if isinstance(value, dict):
        return {k: render(v) for k, v in sorted(value.items())}
    if hasattr(value, "iso_format"):  # neo4j.time.Date / DateTime / Duration
        return value.iso_format()
    return value


# --- the Neo4j driver's values -------------------------------------------------------------

def neo4j_element_ids(values: Iterable[Any]) -> set[str]:
    """Element ids of relationship endpoints whose ``id`` property the driver did not send.

    The driver hydrates a relationship's start and end nodes without properties; the caller
    looks their dataset ids up in one query and passes them to :func:`render_neo4j`.
    """
    # lazy: the Neo4j driver costs ~390 ms to import (measured); only this path needs it
    from neo4j.graph import Node, Path, Relationship

    found: set[str] = set()

    def visit(value):
        if isinstance(value, Relationship):
            for node in (value.start_node, value.end_node):
                if node is not None and "id" not in node:
                    found.add(node.element_id)
        elif isinstance(value, Path):
            for rel in value.relationships:
                visit(rel)
        elif isinstance(value, (list, tuple)):
            for v in value:
                visit(v)
        elif isinstance(value, dict):
            for v in value.values():
                visit(v)
        elif isinstance(value, Node):
            pass

    for v in values:
        visit(v)
    return found


def render_neo4j(value: Any, ids: dict[str, Any] | None = None) -> Any:
    """A value from the Neo4j driver in the common form.

    ``ids`` maps element ids to dataset ids for endpoints the driver sent without properties.
    """
    # lazy: the Neo4j driver costs ~390 ms to import (measured); only this path needs it
    from neo4j.graph import Node, Path, Relationship

    ids = ids or {}

    def node_id(node):
        return node["id"] if "id" in node else ids.get(node.element_id)

    if isinstance(value, Node):
        return render_node(value.get("id"), value.labels, dict(value))
    if isinstance(value, Relationship):
        return render_relationship(value.get("id"), value.type, node_id(value.start_node),
                                   node_id(value.end_node), dict(value))
    if isinstance(value, Path):
        return render_path([render_neo4j(n, ids) for n in value.nodes],
                           [render_neo4j(r, ids) for r in value.relationships])
    if isinstance(value, (list, tuple)):
        return [render_neo4j(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: render_neo4j(v, ids) for k, v in sorted(value.items())}
    return render(value)


# --- the embedded engine's values (LadybugDB / Kùzu) ---------------------------------------

#: Hidden column of the embedded node tables holding a node's Neo4j labels.
LABELS_COLUMN = "_labels"


def _internal(value: dict) -> tuple[int, int]:
    return value["table"], value["offset"]


def render_embedded(value: Any, ids: dict[tuple[int, int], Any]) -> Any:
    """A value from the embedded engine in the common form.

    Nodes and relationships arrive as dicts with ``_ID``/``_LABEL`` (plus ``_SRC``/``_DST`` for
    relationships, ``_NODES``/``_RELS`` for paths); ``ids`` maps internal node ids to dataset ids.
    """
    if isinstance(value, dict) and "_NODES" in value and "_RELS" in value:
        return render_path([render_embedded(n, ids) for n in value["_NODES"]],
                           [render_embedded(r, ids) for r in value["_RELS"]])
    if isinstance(value, dict) and "_SRC" in value and "_DST" in value:
        props = {k: v for k, v in value.items() if not k.startswith("_")}
        return render_relationship(props.get("id"), value["_LABEL"], ids.get(_internal(value["_SRC"])),
                                   ids.get(_internal(value["_DST"])), props)
    if isinstance(value, dict) and "_ID" in value and "_LABEL" in value:
        props = {k: v for k, v in value.items() if not k.startswith("_")}
        return render_node(props.get("id"), value.get(LABELS_COLUMN) or [value["_LABEL"]], props)
    if isinstance(value, (list, tuple)):
        return [render_embedded(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: render_embedded(v, ids) for k, v in sorted(value.items())}
    return render(value)


def neo4j_query(settings, cypher: str, params: dict | None = None, *, write: bool = False,
                timeout: float | None = None) -> tuple[list[str], list[list[Any]]]:
    """Run a query on Neo4j (:func:`neo4j_backend.run_cypher`); rows in the common form.

    Relationship endpoints the driver sent without properties are looked up in one more
    (read) query, so ``start``/``end`` are dataset ids as on the embedded engine.
    """
    # lazy: the Neo4j store (and driver) costs ~771 ms to import (measured); only this path needs it
    from partnergraph.graph.stores.neo4j_store import run_cypher

    columns, rows = run_cypher(settings, cypher, params or {}, write=write, timeout=timeout)
    missing = neo4j_element_ids(v for row in rows for v in row)
    ids = {}
    if missing:
        _, found = run_cypher(settings, "MATCH (n) WHERE elementId(n) IN $ids RETURN elementId(n), n.id",
                              {"ids": sorted(missing)}, timeout=timeout)
        ids = dict(found)
    return columns, [[render_neo4j(v, ids) for v in row] for row in rows]
