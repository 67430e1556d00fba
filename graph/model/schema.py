"""The schema (node kinds, edge types, vocabularies), read from ``schema.yaml``.

The schema is data: this module only reads it and answers questions about it.

>>> s = get_schema()
>>> s.family("state"), s.family("agreement")
('actor', 'instrument')
>>> s.edge_allowed("person", "funds", "state")
False
>>> s.edge_allowed("union", "funds", "project")
True
>>> s.in_place("signed"), s.in_place("sought"), s.in_place(None)
(True, False, True)
>>> sorted(s.tentative_statuses)
['interested', 'not_yet', 'proposed', 'sought']
>>> s.kind_style("state").colour, s.edge_style("party_to").colour
('#1f77b4', '#d62728')
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
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
    from_names: tuple[str, ...] = ()  # as schema.yaml writes them: kinds or kind groups
    to_names: tuple[str, ...] = ()

    @property
    def neo4j_type(self) -> str:
        """The Neo4j relationship type, e.g. PARTY_TO."""
        return self.name.upper()


@dataclass(frozen=True)
class KindStyle:
    """How a node kind is drawn: a matplotlib marker, a colour, a vis-network/sigma shape."""

    marker: str
    colour: str
    shape: str


@dataclass(frozen=True)
class EdgeStyle:
    colour: str


class UnknownKind(ValueError):
    """A kind filter naming no node kind, kind group or family (the message lists the choices)."""


def _block(key: str) -> property:
    return property(lambda self: self.raw[key], doc=f"The {key} block of schema.yaml (name -> spec).")


def _label(block: dict[str, dict], name: str, lang: str) -> str:
    """The English or Vietnamese label of an entry of a block; its own name when it has none."""
    return block.get(name, {}).get("label_vi" if lang == "vi" else "label", name)


@dataclass(frozen=True, eq=False)
class Schema:
    raw: dict[str, Any]

    # schema.yaml's top-level blocks, read as they are (name -> spec)
    node_kinds = _block("node_kinds")
    families = _block("families")
    statuses = _block("statuses")
    domains = _block("domains")

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

    def kinds_named(self, names) -> frozenset[str]:
        """The kinds named directly, through a kind group (organisation, event) or a family (actor,
        instrument); :class:`UnknownKind` for a name that is none of these (never an empty filter)."""
        names = list(names)
        unknown = [n for n in names if n not in self.node_kinds and n not in self.kind_groups and n not in self.families]
        if unknown:
            groups = sorted(set(self.kind_groups) | set(self.families))
            raise UnknownKind(f"unknown kind {unknown[0]!r}; choose kinds ({', '.join(self.node_kinds)}) "
                              f"or groups ({', '.join(groups)})")
        kinds = set(self.expand([n for n in names if n not in self.families or n in self.kind_groups]))
        for family in (n for n in names if n in self.families and n not in self.kind_groups):
            kinds |= set(self.kinds_of(family))
        return frozenset(kinds)

    def edge_allowed(self, from_kind: str, edge_type: str, to_kind: str) -> bool:
        et = self.edge_types.get(edge_type)
        return bool(et) and from_kind in et.from_kinds and to_kind in et.to_kinds

    def kind_label(self, kind: str, lang: str = "en") -> str:
        return _label(self.node_kinds, kind, lang)

    def kind_label_for(self, kind: str, n: int, lang: str = "en") -> str:
        """The label of ``n`` nodes of a kind: English uses ``label_plural`` (schema.yaml) when n is not 1."""
        plural = self.node_kinds.get(kind, {}).get("label_plural")
        return plural if plural and n != 1 and lang != "vi" else self.kind_label(kind, lang)

    def edge_label(self, edge_type: str, lang: str = "en") -> str:
        et = self.edge_types.get(edge_type)
        if et is None:
            return edge_type
        return et.label_vi if lang == "vi" else et.label

    def status_label(self, status: str, lang: str = "en") -> str:
        return _label(self.statuses, status, lang)

    def domain_label(self, domain: str, lang: str = "en") -> str:
        return _label(self.domains, domain, lang)

    def family_label(self, family: str, lang: str = "en") -> str:
        return _label(self.families, family, lang)

    def in_place(self, status: str | None) -> bool:
        """Whether a tie of this status exists (signed, ongoing, ...) rather than being tentative.

        A tie without a status is stated as a fact, so it is in place; an unknown status is not.
        """
        if status is None:
            return True
        return bool(self.statuses.get(status, {}).get("in_place", False))

    @cached_property
    def in_place_statuses(self) -> frozenset[str]:
        return frozenset(s for s in self.statuses if self.in_place(s))

    @cached_property
    def tentative_statuses(self) -> frozenset[str]:
        """Statuses of ties only proposed, sought, of interest or not yet taken up."""
        return frozenset(self.statuses) - self.in_place_statuses

    def status_dash(self, status: str | None) -> str:
        """'solid' for a tie in place, 'dashed' for a tentative one."""
        meaning = "in_place" if self.in_place(status) else "tentative"
        return self.raw["status_styles"][meaning]["dash"]

    def kind_style(self, kind: str) -> KindStyle:
        spec = self.node_kinds.get(kind, {}).get("style") or self.raw["fallback_style"]
        return KindStyle(marker=spec["marker"], colour=spec["colour"], shape=spec["shape"])

    def edge_style(self, edge_type: str) -> EdgeStyle:
        spec = self.raw["edge_types"].get(edge_type, {}).get("style") or self.raw["fallback_style"]
        return EdgeStyle(colour=spec["colour"])

    @property
    def kind_groups(self) -> dict[str, frozenset[str]]:
        """Named groups of kinds (actor, organisation, event, ...)."""
        return {name: frozenset(kinds) for name, kinds in self.raw.get("kind_groups", {}).items()}

    def kind_group(self, name: str) -> frozenset[str]:
        return self.kind_groups[name]

    @property
    def date_fields(self) -> tuple[str, ...]:
        """The date attributes of a node or edge (start, end, mentioned), in schema order."""
        return tuple(self.raw["date_fields"])

    def date_field_meaning(self, field: str) -> str:
        return self.raw["date_fields"][field]

    def attributes(self, record_type: str) -> dict[str, "Attribute"]:
        """The attributes of a record type (source, node, relation, evidence, count, statement), in file order."""
        return _attributes(self, record_type)

    @property
    def record_types(self) -> tuple[str, ...]:
        return tuple(self.raw["attributes"])

    def neo4j_labels(self, kind: str) -> list[str]:
        """Labels for a node of this kind: its family then its kind, e.g. ['Actor', 'State']."""
        family = self.families[self.family(kind)]["label"]
        return [family, "".join(part.capitalize() for part in kind.split("_"))]


@dataclass(frozen=True)
class Attribute:
    """One attribute of a record type: its name, type (see schema.yaml's attributes block), whether required."""

    name: str
    type: str
    required: bool
    description: str


@cache
def _attributes(schema: Schema, record_type: str) -> dict[str, Attribute]:
    return {name: Attribute(name, spec["type"], bool(spec.get("required")), spec.get("description", ""))
            for name, spec in schema.raw["attributes"][record_type].items()}


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
            from_names=tuple(spec["from"]),
            to_names=tuple(spec["to"]),
        )
        for name, spec in schema.raw["edge_types"].items()
    }


SCHEMA_ENV = "PARTNERGRAPH_SCHEMA"


@cache
def get_schema() -> Schema:
    """The schema in force: ``$PARTNERGRAPH_SCHEMA`` when set (a copy extended with a kind or
    edge type), else the one shipped with partnergraph (graph/schema.yaml)."""
    override = os.environ.get(SCHEMA_ENV)
    if override:
        return load_schema(override)
    text = resources.files("partnergraph.graph").joinpath("schema.yaml").read_text("utf-8")
    return Schema(yaml.load(text, Loader=SafeLoader))


def load_schema(path: str | Path) -> Schema:
    """A schema read from a file of the same layout as graph/schema.yaml."""
    return Schema(yaml.load(Path(path).read_text("utf-8"), Loader=SafeLoader))
