"""Candidate nodes and relations of one article, before they become records."""

from __future__ import annotations

from dataclasses import dataclass, field

from partnergraph.graph.model.names import fold
from partnergraph.graph.ingest.recognise import Mention
from partnergraph.graph.ingest.lexicon import Referent
from partnergraph.graph.ingest.kinds import BLOCS, EVENT_KINDS, ORGANISATIONS, KindGroup, compatible, located

MAX_EVIDENCE = 3

__all__ = ["BLOCS", "EVENT_KINDS", "ORGANISATIONS", "KindGroup", "compatible", "located", "Cand", "Rel"]



@dataclass
class Cand(Referent):
    """A candidate node: linked to an existing one (``node_id``) or new."""

    evidence: list[str] = field(default_factory=list)
    confidence: float = 0.5
    reason: str = ""
    parties: list[str] = field(default_factory=list)  # instruments: keys of their actors
    named: bool = True
    status: str | None = None
    dates: dict = field(default_factory=dict)
    date_note: str | None = None
    places: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    key: str = ""
    id: str = ""
    written: str = ""  # the source's own words for it (kept when a link by name is undone)
    not_linked: list = field(default_factory=list)  # nodes it resembles but is not, and why
    conflicts: list = field(default_factory=list)  # what the linked node says otherwise (status, date, place)
    background: bool = False  # named only in a comparison ("after the Republic of Korea"): never "this X"

    def add_evidence(self, quote: str) -> None:
        if quote not in self.evidence and len(self.evidence) < MAX_EVIDENCE:
            self.evidence.append(quote)


@dataclass
class Rel:
    source: str
    type: str
    target: str
    evidence: list[str] = field(default_factory=list)
    status: str | None = None
    role: str | None = None
    confidence: float = 0.6
    reason: str = ""
    default: bool = False  # the kind's default relation, not one a verb or a structure says


def _key_of(doc, m: Mention) -> str:
    e = m.entry
    if e is not None and e.node_id:
        return e.node_id
    key = f"new:{(e.kind if e else m.kind)}:{fold(e.name if e else m.text)}"
    return doc.aliases.get(key, key)
