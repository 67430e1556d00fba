"""Actor mentions that are something else, by category (the words are rules.yaml's; see each function).

Run after the rules and the parser layers have proposed actors, before instruments take their parties:
ships, an organisation named as the author in a convention's title, pieces of an instrument's name or of a
person's title taken for bodies, a title taken for an organisation, and a place phrase taken for one. A
person's name that opens with a form of address ("Ms Lindenau") loses it, so that it is the person named before.
"""

from __future__ import annotations

from functools import cache

from partnergraph.graph.model.names import fold
from partnergraph.graph.ingest.mentions import Mention, _between
from partnergraph.graph.ingest.rules import get_rules
from partnergraph.graph.ingest.text import Sentence

POLITIES = ("state", "union", "regional_organisation", "international_organisation")


@cache
def _words(lang: str) -> dict:
    rules = get_rules()
    return {
        "vessel_words": {w.lower() for w in rules["vessels"]["words"].get(lang, [])},
        "hull_prefixes": set(rules["vessels"]["prefixes"]),
        "authored": [fold(c) for c in rules["authored_titles"].get(lang, [])],
        "titles": {fold(t) for t in rules["person_titles"][lang]},
        "portfolio_links": {w.lower() for w in rules["office_links"].get(lang, [])},
        "place_markers": {w.lower() for w in rules["place_markers"][lang]},
        "honorifics": set(rules["honorifics"]),
    }


def not_actors(sentence: Sentence, actors: list[Mention], instruments: list[Mention], tables: dict, lang: str) -> list[Mention]:
    """``actors`` without the mentions that name something else (an owner they held is kept as an actor)."""
    words = _words(lang)
    authors = _authors(sentence, actors, instruments, words)
    kept = []
    for m in actors:
        if id(m) in authors or _vessel(sentence, m, tables, words):
            continue
        if _new_body(m) and (_inside_instrument(m, instruments) or _title_piece(sentence, m, tables, words)):
            if m.owner is not None and not any(m.owner is k for k in actors + kept):
                kept.append(m.owner)  # "Minister for Home Affairs of Fiji": Fiji stays
            continue
        _drop_honorific(sentence, m, words)
        kept.append(m)
    return kept


def _new_body(m: Mention) -> bool:
    return m.kind not in ("state", "person") and not m.node_id


def _vessel(sentence: Sentence, m: Mention, tables: dict, words: dict) -> bool:
    """A ship's name ("the frigate ESPS Rayo", "ITS Carlo Bergamini", "tàu Prairial"), not an organisation or
    a person; a body by its head after the word is the ship's owner ("tàu Hải quân Pháp")."""
    toks = sentence.tokens
    if m.node_id or m.kind == "state" or _starts_with_head(sentence, m, tables):
        return False
    before = toks[m.i - 1] if m.i > 0 else None
    return toks[m.i].text in words["hull_prefixes"] or (
        before is not None and (before.lower in words["vessel_words"] or before.text in words["hull_prefixes"]))


def _authors(sentence: Sentence, actors: list[Mention], instruments: list[Mention], words: dict) -> set[int]:
    """Ids of international and regional organisations named in, or right before, a convention's or charter's title ("United Nations
    Convention on the Law of the Sea", "Công ước Liên hợp quốc về Luật Biển"): its author, not an actor."""
    found = set()
    for inst in instruments:
        if not inst.named or not any(c in fold(inst.text) for c in words["authored"]):
            continue
        for a in actors:
            inside = inst.i <= a.i and a.j <= inst.j
            before = a.j == inst.i and not _between(sentence, a.j - 1, inst.i).strip()
            if a.kind in ("international_organisation", "regional_organisation") and (inside or before):
                found.add(id(a))
    return found


def _inside_instrument(m: Mention, instruments: list[Mention]) -> bool:
    """An unknown body inside a named instrument ("EU–Singapore Security and Defence Dialogue"): a piece of its
    name (a body the dataset or rules.yaml knows stays: "the EU Naval Force Operation Atalanta")."""
    return m.entry is None and any(inst.named and inst.i <= m.i and m.j <= inst.j and (inst.i, inst.j) != (m.i, m.j) for inst in instruments)


def _title_piece(sentence: Sentence, m: Mention, tables: dict, words: dict) -> bool:
    """A new body that is a title ("the High Representative"), a place phrase ("In Port Moresby"), or a
    portfolio after a title's "for" ("Minister for Home Affairs and Immigration of Fiji"; not a body by its head)."""
    toks = sentence.tokens
    if fold(m.text).removeprefix("the ") in words["titles"] or toks[m.i].lower in words["place_markers"]:
        return True
    after_for = m.i > 0 and toks[m.i - 1].lower in words["portfolio_links"]
    return after_for and not _starts_with_head(sentence, m, tables)


def _starts_with_head(sentence: Sentence, m: Mention, tables: dict) -> bool:
    toks = sentence.tokens
    heads = [h for hs in tables["heads"].values() for h in hs]
    return any(tuple(t.text for t in toks[m.i:m.i + len(h)]) == h for h in heads)


def _drop_honorific(sentence: Sentence, m: Mention, words: dict) -> None:
    """'Ms Lindenau' (a parser span): the name without the form of address, which becomes its title."""
    toks = sentence.tokens
    if m.kind == "person" and not m.node_id and m.j - m.i >= 2 and toks[m.i].text.rstrip(".") in {h.rstrip(".") for h in words["honorifics"]}:
        m.title = m.title or toks[m.i].text
        m.i += 1
        m.text = sentence.span_text(m.i, m.j)
