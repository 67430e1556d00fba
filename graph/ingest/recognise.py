"""Mentions in one sentence: actors, instruments, places, dates, statuses, domains and relation cues.

>>> from partnergraph.graph.model.build import load_graph
>>> from partnergraph.graph.ingest.lexicon import Lexicon
>>> from partnergraph.graph.ingest.text import parse_article, sentences
>>> art = parse_article("Bộ trưởng Tô Lâm gặp Đại sứ Pháp tại Hà Nội.", lang="vi")
>>> found = recognise(sentences(art)[0], Lexicon.build(load_graph()), "vi")
>>> [(m.text, m.entry.node_id if m.entry else m.kind) for m in found.actors]
[('Tô Lâm', 'to-lam'), ('Pháp', None)]
>>> [m.entry.name for m in found.places]
['Hanoi']
"""

from __future__ import annotations

from functools import cache

from partnergraph.graph.ingest.dates import FoundDate, find_dates
from partnergraph.graph.ingest.lexicon import Lexicon, cue_table, match_phrases
from partnergraph.graph.ingest.rules import get_rules
from partnergraph.graph.ingest.text import Sentence

from partnergraph.graph.ingest.parse import Parse, parse, refine_actors, verb_events
from partnergraph.graph.ingest import vi_parse
from partnergraph.graph.ingest.kinds import EVENT_KINDS
from partnergraph.graph.ingest.layers import enabled
from partnergraph.graph.ingest.mentions import Found, Mention, _token_at
from partnergraph.graph.ingest.find_actors import (
    _bare_acronyms,
    _bodies,
    _known_acronyms,
    _known_names,
    _named_bodies,
    _names_inside_bodies,
    _new_acronyms,
    _paren_acronyms,
    _prefixed_names,
    _titled_people,
)
from partnergraph.graph.ingest.find_instruments import _cue_instruments
from partnergraph.graph.ingest.actor_checks import not_actors

__all__ = ["Found", "Mention", "recognise"]


@cache
def _tables(lang: str) -> dict:
    rules = get_rules()
    by_lang = lambda section: {k: v.get(lang, []) for k, v in rules[section].items()}  # noqa: E731
    return {
        "instruments": {**cue_table(by_lang("qualified_cues")), **cue_table(by_lang("instrument_cues"))},
        "qualified": set(cue_table(by_lang("qualified_cues"))),
        "compound_head": rules["compound_head"][lang],
        "ordinals": cue_table({"ordinal": rules["comparatives"]["ordinals"][lang]}),
        "after": {p.lower() for p in rules["comparatives"]["after"][lang]},
        "within": {p.lower() for p in rules["comparatives"]["within"][lang]},
        "destinations": {p.lower() for p in rules["destination_markers"][lang]},
        "statuses": cue_table(by_lang("status_cues")),
        "status_order": list(rules["status_cues"]),
        "domains": cue_table(by_lang("domain_cues")),
        "relations": cue_table({k: v.get(lang, []) for k, v in rules["relation_cues"].items()}),
        "titles": cue_table({"title": rules["person_titles"][lang]}),
        "titles_first": {t.split()[0].lower() for t in rules["person_titles"][lang]},
        "title_last": {t.split()[-1].lower() for t in rules["person_titles"][lang]},
        "office_links": {w.lower() for w in rules["office_links"].get(lang, [])},
        "heads": {kind: [tuple(h.split()) for h in v.get(lang, [])] for kind, v in rules["body_heads"].items()},
        "boundaries": {w for p in rules["phrase_boundaries"][lang] for w in [p.lower()]},
        "anaphora": {p.lower() for p in rules["anaphora"][lang]},
        "generic": {p.lower() for p in rules["generic_markers"][lang]},
        "verbs": {p.lower() for p in rules["verb_markers"][lang]},
        "partners": {p.lower() for p in rules["partner_words"][lang]},
        "place_markers": {p.lower() for p in rules["place_markers"][lang]},
        "family_names": set(rules["vi_family_names"]),
        "body_tails": {w for w in rules["body_tails"].get(lang, [])},
        "demonyms": rules["demonyms"].get(lang, {}),
        "accreditation": {w.lower() for w in rules["accreditation_words"].get(lang, [])},
        "posted_heads": set(rules["posted_heads"].get(lang, [])),
        "owner_after": {w.lower() for w in rules["owner_relation"]["after"].get(lang, []) + rules["owner_relation"].get("after_generic", {}).get(lang, [])},
        "acronym_markers": {w.lower() for w in rules["acronym_instruments"]["after"].get(lang, [])},
        "acronym_kind": rules["acronym_instruments"]["kind"],
        "title_prefixes": set(rules["title_prefixes"].get(lang, [])),
        "title_links": {w.lower() for w in rules["title_links"].get(lang, [])},
        "determiners": {w.lower() for w in rules["apposition_determiners"].get(lang, [])},
        "name_prefixes": cue_table(rules.get("name_prefixes", {})),
        "not_after": {k: {w.lower() for w in v.get("not_after", {}).get(lang, [])} for k, v in rules["relation_cues"].items()},
    }


def recognise(sentence: Sentence, lex: Lexicon, lang: str, year: int | None = None, doc: Parse | None = None,
              dates: list[FoundDate] | None = None) -> Found:
    """Every mention in the sentence (see the module example). ``doc``: its Parse when already parsed
    (parse.parsed, in batches), else it is parsed here when the parser layer is on; ``dates``: its
    dates when already found (workers.analysed), else they are found here."""
    tables = _tables(lang)
    toks = sentence.tokens
    taken: list[Mention] = []
    parens = _paren_acronyms(sentence)
    taken += _known_names(sentence, lex, parens)
    taken += _known_acronyms(sentence, lex, taken)
    taken = _named_bodies(sentence, lex, tables, taken, lang)
    people = _titled_people(sentence, lex, tables, taken, lang)
    taken = [m for m in taken if not any(p.i <= m.i and m.j <= p.j for p in people)] + people
    taken += _names_inside_bodies(sentence, lex, tables, taken)
    taken += _new_acronyms(sentence, lex, tables, taken, parens)
    taken += _bodies(sentence, lex, tables, taken, lang)
    taken += _bare_acronyms(sentence, tables, taken, lang)
    taken += _prefixed_names(sentence, lex, tables, taken)
    if doc is None and lang == "en" and enabled("parser"):
        doc = parse(sentence)
    if doc is not None:
        taken = refine_actors(sentence, taken, lex, tables, doc)
    if lang == "vi" and enabled("vi_parser"):
        more_bodies = lambda kept: _bodies(sentence, lex, tables, kept, lang)  # noqa: E731
        taken = vi_parse.refine_actors(sentence, taken, tables, more_bodies)
    instruments = [m for m in taken if m.family == "instrument"] + _cue_instruments(sentence, lex, tables, taken, lang)
    if doc is not None and enabled("verb_events"):
        instruments += verb_events(sentence, doc, instruments, EVENT_KINDS)
    instruments.sort(key=lambda m: m.i)
    actors = not_actors(sentence, [m for m in taken if m.family == "actor"], instruments, tables, lang)
    for inst in instruments:
        inst.inside = [a for a in actors if inst.i <= a.i and a.j <= inst.j]
    lower = lambda table: match_phrases(toks, table, "lower")  # noqa: E731
    statuses = [(i, v) for i, _, v in lower(tables["statuses"])]
    return Found(
        sentence=sentence,
        actors=actors,
        instruments=instruments,
        places=[m for m in taken if m.family == "place"],
        dates=[(_token_at(sentence, d.start), d) for d in (find_dates(sentence.text, lang, year) if dates is None else dates)],
        statuses=statuses,
        domains=[(i, v) for i, _, v in lower(tables["domains"])],
        relation_cues=[(i, j, v) for i, j, v in lower(tables["relations"])
                       if not (i > 0 and toks[i - 1].lower in tables["not_after"].get(v, set()))],
        partner_at=[k for k, t in enumerate(toks) if t.lower in tables["partners"]],
        place_marker_at=[k for k, t in enumerate(toks) if t.lower in tables["place_markers"]],
        destination_at=[k for k, t in enumerate(toks) if t.lower in tables["destinations"]],
        ordinal_at=[(i, j) for i, j, _ in match_phrases(toks, tables["ordinals"], "lower")],
        after_at=[k for k, t in enumerate(toks) if t.lower in tables["after"]],
        within_at=[k for k, t in enumerate(toks) if t.lower in tables["within"]],
    )
