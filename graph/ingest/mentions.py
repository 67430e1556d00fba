"""Mentions found in a sentence (``Mention``, ``Found``), the word lists they use, and span helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from partnergraph.graph.ingest.dates import FoundDate
from partnergraph.graph.ingest.lexicon import Entry
from partnergraph.graph.ingest.rules import get_rules
from partnergraph.graph.ingest.text import Sentence

_VI_ONLY = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)
_RULES = get_rules()
EN_CONNECTORS = frozenset(_RULES["name_connectors"]["en"])
VI_CONNECTORS = frozenset(_RULES["name_connectors"]["vi"])
EN_TAIL_CONNECTORS = frozenset(_RULES["name_tail_connectors"]["en"])
EN_DETERMINERS = frozenset(_RULES["determiners"]["en"])



@dataclass
class Mention:
    family: str  # actor, instrument or place
    i: int  # token span [i, j)
    j: int
    text: str
    kind: str
    entry: Entry | None = None  # the known node or CLDR/rules record
    short_name: str | None = None
    title: str | None = None  # persons: the title before the name
    title_at: tuple[int, int] | None = None  # persons: the title's token span
    owner: "Mention | None" = None  # bodies: the state or union in their name
    posted_to: "Mention | None" = None  # delegations: the state their name says they are in
    named: bool = True  # instruments: a proper name (False: a cue word and its modifiers)
    anaphoric: bool = False  # "this programme"
    definite: bool = False  # "the workshop", "Cuộc tập trận" alone: may be one named before
    reason: str = ""
    confidence: float = 0.5
    inside: list = field(default_factory=list)  # actors named inside an instrument's name

    @property
    def node_id(self) -> str | None:
        return self.entry.node_id if self.entry else None


@dataclass
class Found:
    sentence: Sentence
    actors: list[Mention]
    instruments: list[Mention]
    places: list[Mention]
    dates: list[tuple[int, FoundDate]]  # (token index, date)
    statuses: list[tuple[int, str]]
    domains: list[tuple[int, str]]
    relation_cues: list[tuple[int, int, str]]
    partner_at: list[int]
    place_marker_at: list[int]
    destination_at: list[int] = field(default_factory=list)  # "to" before a visit's place
    ordinal_at: list[tuple[int, int]] = field(default_factory=list)  # "the second", "thứ hai"
    after_at: list[int] = field(default_factory=list)  # "after" (comparatives)
    within_at: list[int] = field(default_factory=list)  # "in" after an ordinal ("the first in ASEAN")


def _token_at(sentence: Sentence, offset: int) -> int:
    absolute = sentence.start + offset
    for k, t in enumerate(sentence.tokens):
        if t.end > absolute:
            return k
    return max(len(sentence.tokens) - 1, 0)


def _free(taken: list[Mention], i: int, j: int) -> bool:
    return all(j <= m.i or m.j <= i for m in taken)


def _between(sentence: Sentence, a: int, b: int) -> str:
    """The text between token a's end and token b's start."""
    toks = sentence.tokens
    return sentence.text[toks[a].end - sentence.start:toks[b].start - sentence.start]
