"""'Both sides', 'the two sides', 'hai bên': the two parties named before in the paragraph.

A phrase of rules.yaml's ``both_sides`` stands for the parties of the last instrument of the paragraph
that has two or more of them, else for the last two organisations the paragraph named. The sentence
then reads as if it named them where the phrase is ("Both sides agreed to hold a dialogue" -> the
dialogue's parties are those two).
"""

from __future__ import annotations

from partnergraph.graph.model.names import fold
from partnergraph.graph.ingest.kinds import ORGANISATIONS
from partnergraph.graph.ingest.lexicon import match_phrases
from partnergraph.graph.ingest.lexicon import cue_table
from partnergraph.graph.ingest.mentions import Found, Mention


def both_sides(doc, f: Found) -> None:
    """Add, at each 'both sides' phrase of the sentence, one actor mention per side (see the module)."""
    phrases = doc.rules.get("both_sides", {}).get(doc.lang, [])
    if not phrases or not doc.paragraph:
        return
    hits = match_phrases(f.sentence.tokens, cue_table({"sides": phrases}), "lower")
    if not hits:
        return
    sides = _sides(doc)
    if len(sides) < 2:
        return
    for i, j, _ in hits:
        if any(m.i < j and i < m.j for m in f.actors):
            continue
        phrase = f.sentence.span_text(i, j)
        for n, cand in enumerate(sides):
            key = f"new:{cand.kind}:{fold(phrase)} {n}"
            doc.aliases[key] = cand.key
            f.actors.append(Mention("actor", i, j, f"{phrase} {n}", cand.kind, confidence=0.55,
                                    reason=f"{phrase!r}: {cand.name}, named before in the paragraph"))
    f.actors.sort(key=lambda m: m.i)


def _sides(doc) -> list:
    in_paragraph = {id(c) for c in doc.paragraph}
    for inst in reversed(doc.instruments):
        parties = [doc.actors[k] for k in inst.parties if k in doc.actors]
        if len(parties) >= 2 and all(id(p) in in_paragraph for p in parties):
            return parties[:2] if len(parties) == 2 else []
    orgs = [c for c in doc.paragraph if c.kind in ORGANISATIONS]
    return orgs[-2:]
