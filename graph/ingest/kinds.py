"""Kind groups as ingest uses them: read from the schema in force, and the few kind rules of rules.yaml."""

from __future__ import annotations

from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.ingest.rules import get_rules


class KindGroup:
    """A kind group of the schema in force (``get_schema().kind_group(name)``), read each time it is used,
    so that a schema extended with a kind (``$PARTNERGRAPH_SCHEMA``) is what ingest sees.

    >>> "dialogue" in EVENT_KINDS, "mission" in EVENT_KINDS, "mission" in EVENT_KINDS | {"mission"}
    (True, False, True)
    """

    def __init__(self, name: str, minus: tuple[str, ...] = ()):
        self.name, self.minus = name, frozenset(minus)

    def kinds(self) -> frozenset[str]:
        return get_schema().kind_group(self.name) - self.minus

    def __contains__(self, kind: object) -> bool:
        return kind in self.kinds()

    def __iter__(self):
        return iter(self.kinds())

    def __or__(self, other) -> frozenset[str]:
        return self.kinds() | frozenset(other)


EVENT_KINDS = KindGroup("event")
ORGANISATIONS = KindGroup("organisation")
BLOCS = KindGroup("polity", minus=("state",))  # unions, regional and international organisations


def compatible(kind: str) -> set[str]:
    """Kinds an antecedent of this kind may be (rules.yaml: compatible_kinds)."""
    return set(get_rules()["compatible_kinds"].get(kind, []))


def located(kind: str) -> bool:
    """Whether instruments of this kind have places and date spans: events and rules.yaml's located_kinds."""
    return kind in EVENT_KINDS or kind in get_rules()["located_kinds"]
