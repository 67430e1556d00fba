"""The schema (node kinds, edge types, vocabularies), read from ``schema.yaml``.

The schema is data: this module only reads it and answers questions about it.

>>> s = get_schema()
>>> s.family("state"), s.family("agreement")
('actor', 'instrument')
>>> s.edge_allowed("person", "funds", "state")
False
>>> s.edge_allowed("union", "funds", "project")
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class EdgeType:
    name: str
    label: str
    label_vi: str
    description: str
    from_kinds: frozenset[str]
    to_kinds: frozenset[str]

    @property
    def neo4j_type(self) -> str:
        """The Neo4j relationship type, e.g. PARTY_TO."""
        return self.name.upper()


@dataclass(frozen=True, eq=False)
class Schema:
    raw: dict[str, Any]

    @property
    def node_kinds(self) -> dict[str, dict]:
        return self.raw["node_kinds"]

    @property
    def families(self) -> dict[str, dict]:
        return self.raw["families"]

    @property
    def statuses(self) -> dict[str, dict]:
        return self.raw["statuses"]

    @property
    def domains(self) -> dict[str, dict]:
        return self.raw["domains"]

    @property
    def edge_types(self) -> dict[str, EdgeType]:
        return _edge_types(self)

    def family(self, kind: str) -> str:
        return self.node_kinds[kind]["family"]

    def kinds_of(self, family: str) -> list[str]:
        return [k for k, v in self.node_kinds.items() if v["family"] == family]

    def expand(self, names: list[str]) -> frozenset[str]:
        """Kinds named directly or through a kind group."""
        groups = self.raw.get("kind_groups", {})
        kinds: set[str] = set()
        for name in names:
            kinds.update(groups.get(name, [name]))
        return frozenset(kinds)

    def edge_allowed(self, from_kind: str, edge_type: str, to_kind: str) -> bool:
        et = self.edge_types.get(edge_type)
        return bool(et) and from_kind in et.from_kinds and to_kind in et.to_kinds

    def kind_label(self, kind: str, lang: str = "en") -> str:
        spec = self.node_kinds.get(kind, {})
        return spec.get("label_vi" if lang == "vi" else "label", kind)

    def edge_label(self, edge_type: str, lang: str = "en") -> str:
        et = self.edge_types.get(edge_type)
        if et is None:
            return edge_type
        return et.label_vi if lang == "vi" else et.label

    def neo4j_labels(self, kind: str) -> list[str]:
        """Labels for a node of this kind: its family then its kind, e.g. ['Actor', 'State']."""
        family = self.families[self.family(kind)]["label"]
        return [family, "".join(part.capitalize() for part in kind.split("_"))]


@cache
def _edge_types(schema: Schema) -> dict[str, EdgeType]:
    return {
        name: EdgeType(
            name=name,
            label=spec["label"],
            label_vi=spec.get("label_vi", spec["label"]),
            description=spec.get("description", ""),
            from_kinds=schema.expand(spec["from"]),
            to_kinds=schema.expand(spec["to"]),
        )
        for name, spec in schema.raw["edge_types"].items()
    }


@cache
def get_schema() -> Schema:
    """The schema shipped with partnergraph (graph/schema.yaml)."""
    text = resources.files("partnergraph.graph").joinpath("schema.yaml").read_text("utf-8")
    return Schema(yaml.load(text, Loader=SafeLoader))
