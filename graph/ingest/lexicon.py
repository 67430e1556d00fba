"""What ingest knows names of: the dataset's nodes, CLDR countries, the rules' organisations and places.

Names are keyed by their folded words (case and diacritics ignored, as
``names.fold``); acronyms (short all-capital names) only match as written, so
"IN" (India's ISO code) never matches the word "in".

>>> from partnergraph.graph.model.build import load_graph
>>> lex = Lexicon.build(load_graph())
>>> [e.node_id for e in lex.names[phrase_key("Liên minh Châu Âu")]]
['eu']
>>> lex.names[phrase_key("Hàn Quốc")][0].node_id, lex.names[phrase_key("Pháp")][0].name
('republic-of-korea', 'France')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Iterable

import networkx as nx
from babel import Locale

from partnergraph.graph.ingest.rules import get_rules
from partnergraph.graph.ingest.text import Token, phrase_key
from partnergraph.graph.model.names import fold, names_of

MAX_NAME_WORDS = 16


@dataclass
class Referent:
    """What a name refers to: an existing node (``node_id``) or what a new node would be."""

    family: str  # actor, instrument or place
    kind: str
    name: str
    node_id: str | None = None
    name_vi: str | None = None
    short_name: str | None = None
    iso: str | None = None


@dataclass
class Entry(Referent):
    """A name the lexicon knows, and where it knows it from."""

    origin: str = "dataset"  # dataset, cldr, rules
    extra: dict = field(default_factory=dict)


def is_acronym(name: str) -> bool:
    return 2 <= len(name) <= 8 and name.replace("-", "").isalnum() and name.upper() == name and not name.isdigit()


@dataclass
class Lexicon:
    names: dict[tuple, list[Entry]] = field(default_factory=dict)
    acronyms: dict[str, list[Entry]] = field(default_factory=dict)
    lower_initial: set[tuple] = field(default_factory=set)  # names written with a small first letter
    spellings: dict[tuple, set[tuple]] = field(default_factory=dict)  # folded key -> keys with diacritics
    by_id: dict[str, Entry] = field(default_factory=dict)
    by_iso: dict[str, Entry] = field(default_factory=dict)

    def add(self, name: str, entry: Entry) -> None:
        if not name or not name.strip():
            return
        if is_acronym(name):
            bucket = self.acronyms.setdefault(name, [])
        else:
            key = phrase_key(name)
            if not key or len(key) > MAX_NAME_WORDS:
                return
            if name[:1].islower():
                self.lower_initial.add(key)
            self.spellings.setdefault(key, set()).add(phrase_key(name, folded=False))
            bucket = self.names.setdefault(key, [])
        if all(e is not entry for e in bucket):
            bucket.append(entry)

    @classmethod
    def build(cls, G: nx.MultiDiGraph) -> "Lexicon":
        lex = cls()
        for node_id, attrs in G.nodes(data=True):
            entry = Entry(attrs["family"], attrs["kind"], attrs["name"], node_id, attrs.get("name_vi"),
                          attrs.get("short_name"), attrs.get("iso"))
            lex.by_id[node_id] = entry
            if entry.iso:
                lex.by_iso[entry.iso] = entry
            for name in names_of(attrs):
                if name != attrs.get("iso"):
                    lex.add(name, entry)
        for entry, names in _cldr_entries(lex.by_iso, lex.by_id):
            for name in names:
                lex.add(name, entry)
        rules = get_rules()
        for org in rules.get("organisations", []):
            entry = _existing(lex, org) or Entry("actor", org["kind"], org["name"], None, org.get("name_vi"),
                                                 org.get("short_name"), origin="rules")
            for name in (org["name"], org.get("name_vi"), org.get("short_name"), *org.get("aliases", [])):
                lex.add(name, entry)
        for place in rules.get("places", []):
            entry = Entry("place", "place", place["name"], iso=place.get("iso"), origin="rules")
            for name in place["names"]:
                lex.add(name, entry)
        return lex

    def lookup(self, name: str) -> list[Entry]:
        """Entries answering to ``name`` (exact folded match, or the acronym as written)."""
        if is_acronym(name) and name in self.acronyms:
            return self.acronyms[name]
        return self.names.get(phrase_key(name), [])


def _existing(lex: Lexicon, record: dict) -> Entry | None:
    for name in (record.get("short_name"), record.get("name"), record.get("name_vi")):
        for entry in lex.lookup(name or "") if name else []:
            if entry.node_id and entry.family == "actor":
                return entry
    return None


def _cldr_entries(by_iso: dict[str, Entry], by_id: dict[str, Entry]) -> Iterable[tuple[Entry, list[str]]]:
    """CLDR territories (Babel) in English and Vietnamese; linked to dataset nodes by ISO code or name."""
    special = get_rules().get("territory_kinds", {})
    en, vi = _territories()
    for code, name_en in en.items():
        kind = special.get(code, "state")
        if kind == "skip" or code not in vi:
            continue
        names = [name_en, vi[code]]
        if "&" in name_en:  # CLDR writes "Bosnia & Herzegovina"; news writes "and"
            name_en = name_en.replace("&", "and")
            names.append(name_en)
        entry = by_iso.get(code) if kind == "state" else None
        if entry is None:
            entry = _by_name(by_id, names)
        if entry is None:
            entry = Entry("actor", kind, name_en, None, vi[code], iso=code if kind == "state" else None, origin="cldr")
        yield entry, names


def _by_name(by_id: dict[str, Entry], names: list[str]) -> Entry | None:
    wanted = {fold(n) for n in names}
    for entry in by_id.values():
        if entry.family == "actor" and {fold(n) for n in (entry.name, entry.name_vi or "", entry.short_name or "")} & wanted:
            return entry
    return None


@cache
def _territories() -> tuple[dict[str, str], dict[str, str]]:
    def alpha(locale: str) -> dict[str, str]:
        return {k: v for k, v in Locale(locale).territories.items() if len(k) == 2 and k.isalpha()}

    return alpha("en"), alpha("vi")


# --- matching phrases in token lists --------------------------------------------------------


def match_phrases(tokens: list[Token], table: dict[tuple, object], attr: str = "folded", max_len: int = MAX_NAME_WORDS):
    """Longest non-overlapping matches of the table's keys, left to right: [(i, j, value)]."""
    words = [getattr(t, attr) for t in tokens]
    found, i = [], 0
    lengths, first_words = _key_shape(table)
    while i < len(words):
        if words[i] not in first_words:  # no key starts here: spare building a tuple for each length
            i += 1
            continue
        for n in lengths:
            if n <= max_len and i + n <= len(words) and tuple(words[i:i + n]) in table:
                found.append((i, i + n, table[tuple(words[i:i + n])]))
                i += n
                break
        else:
            i += 1
    return found


# The key lengths of each table (longest first) and the words its keys begin with. Worked out once per
# table, not on every call (a few per cent of ingest's CPU): a table is only read once built; one of another
# size is worked out again.
_SHAPES: dict[int, tuple[dict, int, list[int], frozenset]] = {}


def _key_shape(table: dict[tuple, object]) -> tuple[list[int], frozenset]:
    known = _SHAPES.get(id(table))
    if known is None or known[0] is not table or known[1] != len(table):
        if len(_SHAPES) > 256:  # tables made on the fly (sides.py) must not pile up
            _SHAPES.clear()
        lengths = sorted({len(k) for k in table}, reverse=True)
        known = _SHAPES[id(table)] = (table, len(table), lengths, frozenset(k[0] for k in table if k))
    return known[2], known[3]


def cue_table(phrases_by_value: dict[str, Iterable[str]]) -> dict[tuple, str]:
    """{lower-case key: value} from {value: [phrases]}; longer phrases are matched first anyway."""
    table: dict[tuple, str] = {}
    for value, phrases in phrases_by_value.items():
        for phrase in phrases or []:
            key = phrase_key(phrase, folded=False)
            table.setdefault(key, value)
            if key and key[-1].isascii() and not key[-1].endswith("s"):  # English plurals: missions, visits
                table.setdefault(key[:-1] + (key[-1] + "s",), value)
    return table
