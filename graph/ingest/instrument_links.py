"""Relations between two instruments of one sentence, from cue words in rules.yaml's ``instrument_relations``.

- ``addresses``: an event and a cue ("discussed", "reviewed", "thảo luận") before an instrument of another
  kind: the event discusses or covers that instrument ("The dialogue reviewed the FPA and ESIWA").
- ``part_of``: an instrument, a cue ("under", "as part of", "trong khuôn khổ") and right after it another
  instrument: the first belongs to the second ("a workshop under the ESIWA project").

The cues are data; the code only reads the order of mentions around them. Each relation's reason names its cue.
"""

from __future__ import annotations

from functools import cache

from partnergraph.graph.ingest.kinds import EVENT_KINDS
from partnergraph.graph.ingest.lexicon import cue_table, match_phrases
from partnergraph.graph.ingest.rules import get_rules

PART_OF_REACH = 3  # tokens between a part_of cue and the instrument it names ("under the EU-funded X")


@cache
def _cues(lang: str) -> dict:
    spec = get_rules()["instrument_relations"]
    return cue_table({rtype: spec[rtype].get(lang, []) for rtype in ("addresses", "part_of")})


def relate_instruments(doc, f, seen: list, quote: str, focus=None) -> None:
    """``seen``: (mention, candidate) of each instrument the sentence named, in the order they were read;
    ``focus``: the event the article was last about (earlier sentences), which a cue with no event before it
    in its sentence refers to ("Both sides reviewed X" after "A and B held the Dialogue")."""
    ordered = sorted(seen, key=lambda pair: pair[0].i)
    for i, j, rtype in match_phrases(f.sentence.tokens, _cues(doc.lang), "lower"):
        cue = f.sentence.span_text(i, j)
        if rtype == "addresses":
            _addresses(doc, ordered, i, j, cue, quote, focus)
        else:
            _part_of(doc, ordered, i, j, cue, quote)


def focus_event(seen: list, focus):
    """The event a sentence leaves the article about: its last event, else the one before."""
    events = [c for m, c in sorted(seen, key=lambda pair: pair[0].i) if c.kind in EVENT_KINDS]
    return events[-1] if events else focus


def _addresses(doc, ordered: list, i: int, j: int, cue: str, quote: str, focus) -> None:
    events = [c for m, c in ordered if m.j <= i and c.kind in EVENT_KINDS]
    event = events[-1] if events else focus
    if event is None:
        return
    for m, topic in ordered:
        if m.i >= j and topic is not event and topic.kind != event.kind:
            doc.relate(event, "addresses", topic, quote, None, 0.6, f"{cue!r} between the {event.kind} and the {topic.kind}")


def _part_of(doc, ordered: list, i: int, j: int, cue: str, quote: str) -> None:
    before = [(m, c) for m, c in ordered if m.j <= i]
    after = [(m, c) for m, c in ordered if j <= m.i <= j + PART_OF_REACH]
    if not before or not after:
        return
    part, whole = before[-1][1], after[0][1]
    if part is not whole:
        doc.relate(part, "part_of", whole, quote, None, 0.6, f"the {part.kind} {cue!r} the {whole.kind}")
