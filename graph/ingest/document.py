"""The candidates of one article while its sentences are read (``_Document``)."""

from __future__ import annotations

import itertools

import networkx as nx

from partnergraph.graph.model.names import fold
from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.ingest.candidates import (
    compatible,
    located,
    Cand,
    EVENT_KINDS,
    MAX_EVIDENCE,
    ORGANISATIONS,
    Rel,
    _key_of,
)
from partnergraph.graph.ingest.clauses import (
    _after_place_word,
    _appositives,
    _cited,
    _clauses,
    _coordinated,
    _destination,
    _future,
    _gap,
    _indefinite_name,
    _main_instruments,
    _nearest,
    _place_gloss,
    _speaker_owns,
    _speakers,
    _status,
    _within_actors,
    _words_in,
)
from partnergraph.graph.ingest.instrument_links import focus_event, relate_instruments
from partnergraph.graph.ingest.layers import enabled
from partnergraph.graph.ingest.lexicon import Entry, Lexicon
from partnergraph.graph.ingest.recognise import Found, Mention
from partnergraph.graph.ingest.rules import get_rules
from partnergraph.graph.ingest.structures import Structures
from partnergraph.graph.ingest.text import Article


class _Document(Structures):
    """Candidates of one article while its sentences are read."""

    def __init__(self, article: Article, G: nx.MultiDiGraph, lex: Lexicon):
        self.article, self.G, self.lex = article, G, lex
        self.lang = article.lang
        self.year = int(article.date[:4]) if article.date and article.date[:4].isdigit() else None
        self.actors: dict[str, Cand] = {}
        self.instruments: list[Cand] = []
        self.relations: dict[tuple, Rel] = {}
        self.schema = get_schema()
        self.rules = get_rules()
        self.speaker: Cand | None = None  # the person whose quotation is being read
        self.aliases: dict[str, str] = {}  # key of a mention -> key of the candidate it names ("Fontaine")
        self.pending: list[tuple] = []
        self.seen: list[tuple] = []  # the sentence being read: (mention, candidate) of each instrument
        self.focus: Cand | None = None  # the event the article was last about (for "Both sides reviewed X")
        self.paragraph: list[Cand] = []  # the actors of the paragraph being read, in order of mention
        self.last_end = article.body_start  # "this Agreement" before any agreement is named: resolved at the end

    # --- actors -------------------------------------------------------------------------
    def actor(self, m: Mention, quote: str) -> Cand:
        e = m.entry
        if e is not None and e.node_id:
            key = e.node_id
        elif e is not None:
            key = f"new:{e.kind}:{fold(e.name)}"
        else:
            key = f"new:{m.kind}:{fold(m.text)}"
        cand = self.actors.get(key)
        if cand is None and key.startswith("new:government_body:"):
            # "Bộ Quốc phòng" after "Bộ Quốc phòng Việt Nam": the body named in full before, without its owner
            longer = [c for k, c in self.actors.items() if k.startswith(key + " ")]
            cand = longer[-1] if longer else None
        if cand is None and key in self.aliases:
            cand = self.actors[self.aliases[key]]
        if cand is None and key.startswith("new:person:") and enabled("surnames"):
            cand = self._same_person(m, key)
        if cand is None:
            cand = self._new_actor(m, key)
            self.actors[key] = cand
        cand.add_evidence(quote)
        if m.short_name and not cand.short_name and not cand.node_id:
            cand.short_name = m.short_name
        return cand

    def note_paragraph(self, f: Found) -> None:
        """Remember the paragraph's actors in order (for "both sides"); a new paragraph starts afresh."""
        start = f.sentence.start
        if "\n" in self.article.text[self.last_end:start]:
            self.paragraph = []
        self.last_end = f.sentence.end
        for m in f.actors:
            cand = self.actors.get(_key_of(self, m))
            if cand is not None:
                self.paragraph = [c for c in self.paragraph if c is not cand] + [cand]

    def _same_person(self, m: Mention, key: str) -> Cand | None:
        """'Fontaine' after 'Clara Fontaine', 'Bae' after 'Bae Jun-seok': one word that begins or ends the name
        of exactly one person named before is that person (the key is kept as an alias)."""
        word = fold(m.text).split()
        if len(word) != 1:
            return None
        same = [c for c in self.actors.values() if c.kind == "person" and len(fold(c.name).split()) > 1
                and word[0] in (fold(c.name).split()[0], fold(c.name).split()[-1])]
        same = list({id(c): c for c in same}.values())
        if len(same) != 1:
            return None
        self.aliases[key] = same[0].key
        return same[0]

    def _new_actor(self, m: Mention, key: str) -> Cand:
        e = m.entry
        if e is not None:
            return Cand("actor", e.kind, e.name, e.node_id, e.name_vi, e.short_name, e.iso, key=key,
                        confidence=m.confidence, reason=m.reason)
        name_vi = m.text if self.lang == "vi" else None
        return Cand("actor", m.kind, m.text, None, name_vi, m.short_name, key=key, confidence=m.confidence, reason=m.reason)

    # --- instruments --------------------------------------------------------------------
    def instrument_for(self, m: Mention, scope: list[Cand], quote: str, alone: bool = True) -> list[Cand]:
        """The candidate(s) a mention stands for (several when 'A ... with B and C' splits it)."""
        if m.anaphoric:
            previous = self._antecedent(m.kind)
            return [previous] if previous else []
        if m.named:
            return [self._named(m)]
        if not scope:
            previous = self._last(m.kind)
            return [previous] if previous and alone else []
        previous = self._last(m.kind)
        if m.definite and previous is None and m.kind in EVENT_KINDS and self.lang == "en":  # "The meeting was co-chaired":
            previous = next((c for c in reversed(self.instruments) if c.kind in EVENT_KINDS), None)  # the event just named
        if m.definite and previous is not None:
            return [previous]
        keys = {a.key for a in scope}
        wider = [c for c in self.instruments if c.kind == m.kind and keys < set(c.parties) and _words_in(m.text, c)]
        return wider or [self._generic(m, scope)]

    def _last(self, kind: str | None) -> Cand | None:
        return next((c for c in reversed(self.instruments) if kind is None or c.kind == kind), None)

    def _antecedent(self, kind: str) -> Cand | None:
        """What "this <kind>" refers to: the last instrument of that (or a compatible) kind named before."""
        kinds = {kind} | compatible(kind)
        return next((c for c in reversed(self.instruments) if c.kind in kinds and not c.background), None)

    def _named(self, m: Mention) -> Cand:
        e = m.entry
        key = e.node_id if e is not None and e.node_id else f"new:{m.kind}:{fold(m.text)}"
        for cand in self.instruments:
            if cand.key == key or (m.short_name and cand.short_name == m.short_name):
                return cand
        if e is not None and e.node_id:
            cand = Cand("instrument", e.kind, e.name, e.node_id, e.name_vi, e.short_name, key=key,
                        confidence=m.confidence, reason=m.reason, written=m.text)
        else:
            cand = Cand("instrument", m.kind, m.text, None, m.text if self.lang == "vi" else None, m.short_name,
                        key=key, confidence=m.confidence, reason=m.reason)
        self.instruments.append(cand)
        return cand

    def _generic(self, m: Mention, scope: list[Cand]) -> Cand:
        parties = sorted({a.key for a in scope})
        for cand in self.instruments:
            if cand.kind == m.kind and not cand.named and sorted(cand.parties) == parties:
                return cand
        names = [self._display(a) for a in scope]
        joined = "–".join(dict.fromkeys(names))
        phrase = m.text
        if self.lang == "vi":
            label = self.schema.kind_label(m.kind).lower()
            en_names = "–".join(dict.fromkeys(a.short_name or a.name for a in scope))
            name, name_vi = f"{en_names} {label}", f"{phrase[:1].upper()}{phrase[1:]} {joined}"
        else:
            name, name_vi = f"{joined} {phrase}", None
        cand = Cand("instrument", m.kind, name, None, name_vi, key=f"new:{m.kind}:{fold(name)}", named=False,
                    confidence=m.confidence, reason=m.reason)
        self.instruments.append(cand)
        return cand

    def _display(self, a: Cand) -> str:
        if self.lang == "vi":
            return a.name_vi or a.short_name or a.name
        return a.short_name or a.name

    # --- relations ----------------------------------------------------------------------
    def relate(self, a: Cand, rtype: str, b: Cand, quote: str, status=None, confidence=0.6, reason="", role=None) -> None:
        if a is b or not self.schema.edge_allowed(a.kind, rtype, b.kind):
            return
        key = (a.key, rtype, b.key)
        rel = self.relations.get(key)
        if rel is None:
            rel = self.relations[key] = Rel(a.key, rtype, b.key, confidence=confidence, reason=reason, role=role)
        if quote not in rel.evidence and len(rel.evidence) < MAX_EVIDENCE:
            rel.evidence.append(quote)
        rel.status = rel.status or status
        if b.family == "instrument" and rtype in ("party_to", "participates_in", "funds", "leads", "hosts") and a.key not in b.parties:
            b.parties.append(a.key)

    # --- one sentence -------------------------------------------------------------------
    def read(self, f: Found) -> None:
        quote = f.sentence.text
        self.seen = []  # (mention, candidate) of the sentence's instruments, for relations between them
        actors = {id(m): self.actor(m, quote) for m in f.actors}
        clause = _clauses(f)
        offices, office_of = self._titles(f, actors, quote)
        self._owners(f, actors, quote)
        mentions = _main_instruments(f)
        inside = {id(a) for m in f.instruments for a in m.inside} | _within_actors(f)
        free = [m for m in f.actors if id(m) not in inside]
        venues = {id(a) for a in free if a.kind == "state" and (_after_place_word(f, a, self.rules, self.lang)
                                                                 or _place_gloss(f, a))}
        # "tại trụ sở Liên minh châu Âu": an organisation named as the premises is not a participant either
        premises = {id(a) for a in free if a.kind != "state" and _after_place_word(f, a, self.rules, self.lang, True)}
        earlier, members = self._comparison(f, free, actors, quote)
        speakers = _speakers(f, self.rules, self.lang)  # id -> where the reported speech starts
        aside = {id(a) for a in earlier + members} | set(speakers)
        venues |= {id(a) for a in free if a.kind == "state" and _destination(f, a, mentions)}
        delegated = self._delegation(f, actors, free, mentions, quote, aside)
        agents = self._verb_relations(f, actors, free, mentions, quote, office_of, skip_leads=delegated is not None)
        agents.update(delegated or {})
        agents.update(self._hyphen_verbs(f, actors, mentions))
        appositives = _appositives(f, mentions, self.rules, self.lang)
        # an actor goes with the nearest instrument of its own clause if there is one; people take part in events only
        nearest = {id(a): _nearest(a, [m for m in mentions if a.kind != "person" or m.kind in EVENT_KINDS], clause)
                   for a in free}
        shared = _coordinated(f, mentions, self.rules, self.lang)  # "A and B held X and Y": X's actors are Y's
        for m in mentions:
            # a speaker takes part in what precedes the verb ("Speaking at the launch, X said ...")
            near = [a for a in free if id(a) not in venues | offices | (aside - {k for k, v in speakers.items() if m.j <= v})
                    and id(a) not in premises
                    and (nearest[id(a)] is m or (nearest[id(a)] is not None and id(nearest[id(a)]) in shared.get(id(m), ())))]
            scope = [actors[id(a)] for a in near if actors[id(a)].kind in ORGANISATIONS or m.kind in EVENT_KINDS]
            scope += [actors[id(a)] for a in m.inside if m.entry is None or not m.entry.node_id
                      or _key_of(self, a) in set(self.G.predecessors(m.entry.node_id))]
            if self.speaker is not None and f.sentence.quoted and _speaker_owns(f, m, self.rules, self.lang):
                scope.append(self.speaker)
            if _cited(f, m, self.rules, self.lang):
                scope = []
            if id(m) in appositives:  # "Operation Atalanta, the EU's counter-piracy operation": the same one
                self._apply(self._named(appositives[id(m)]), f, m, scope, actors, agents, venues, clause, quote)
                continue
            parts = self._split(m, scope, f, mentions) if self._bilateral(m) else [(m, scope)]
            for mention, part in parts:
                self._attach(f, m, mention, part, actors, agents, venues, clause, quote)
            if earlier and (self._bilateral(m) or _indefinite_name(f, m, self.rules)):
                self._earlier_instrument(f, m, scope, [actors[id(a)] for a in earlier], quote)
        if enabled("instrument_links"):
            relate_instruments(self, f, self.seen, quote, self.focus)
            self.focus = focus_event(self.seen, self.focus)

    def _bilateral(self, m: Mention) -> bool:
        return not m.named and not m.anaphoric and m.kind in self.rules["bilateral_kinds"]

    def _split(self, m: Mention, scope: list[Cand], f: Found, mentions: list[Mention]):
        pairs = self._pairs(f, m, mentions)
        if pairs:
            return [(m, pair) for pair in pairs]
        after = [k for k in f.partner_at if k >= m.j]
        if not after:
            return [(m, scope)]
        keys = {a.key for a in scope}
        partners = list({_key_of(self, a): self.actors[_key_of(self, a)] for a in f.actors
                         if a.i > after[0] and _key_of(self, a) in keys}.values())
        subjects = [a for a in scope if a not in partners]
        if len(partners) < 2 or not subjects:
            return [(m, scope)]
        return [(m, subjects + [p]) for p in partners]

    def _pairs(self, f: Found, m: Mention, mentions: list[Mention]) -> list[list[Cand]]:
        """Dash-joined actor pairs between the previous instrument mention and this one ('EU-ASEAN ... cooperation')."""
        since = max((x.j for x in mentions if x.j <= m.i), default=0)
        dashes = set(self.rules["pair_dashes"])
        found = []
        before = sorted((a for a in f.actors if since <= a.i and a.j <= m.i), key=lambda a: a.i)
        for a, b in itertools.pairwise(before):
            if b.i == a.j and _gap(f, a.j - 1, b.i) in dashes:
                pair = [self.actors[_key_of(self, a)], self.actors[_key_of(self, b)]]
                if pair[0] is not pair[1] and pair not in found:
                    found.append(pair)
        return found

    def _attach(self, f, m, mention, scope, actors, agents, venues, clause, quote) -> None:
        found = self.instrument_for(mention, scope, quote, len(_main_instruments(f)) == 1)
        if not found and mention.anaphoric:
            self.pending.append((f, m, scope, actors, agents, venues, clause, quote))
        for inst in found:
            self._apply(inst, f, m, scope, actors, agents, venues, clause, quote)

    def resolve_pending(self) -> None:
        """"This Agreement" read before any agreement was named: the first one the article names after it."""
        for f, m, scope, actors, agents, venues, clause, quote in self.pending:
            kinds = {m.kind} | compatible(m.kind)
            inst = next((c for c in self.instruments if c.kind in kinds and not c.background), None)
            if inst is not None:
                self._apply(inst, f, m, scope, actors, agents, venues, clause, quote)

    def _apply(self, inst, f, m, scope, actors, agents, venues, clause, quote) -> None:
        """Evidence, status, dates, places, domains and the actors' relations of one instrument."""
        inst.add_evidence(quote)
        self.seen.append((m, inst))
        status = _status(f, m, clause, self.rules)
        if status and not inst.status:
            inst.status = status
        if m.named or not _future(f, m, self.rules, self.lang):  # not "the next round of X in Brussels"
            self._dates(f, m, inst)
            self._places(f, m, inst, actors, venues, quote)
        for _, domain in f.domains:
            if domain not in inst.domains and domain in self.schema.domains:
                inst.domains.append(domain)
        default = self.rules["default_relation"].get(inst.kind, "participates_in")
        owners = self._owners_of(f, m, inst)
        for actor in scope:
            if (actor.key, id(m)) in agents:
                continue
            rtype = default if actor.kind != "person" or default == "participates_in" else "participates_in"
            if actor.key in owners:
                rtype = self.rules["owner_relation"]["type"]
            if actor.kind == "person" and inst.kind not in EVENT_KINDS:
                continue
            self.relate(actor, rtype, inst, quote, status, 0.6, f"{actor.name} is named with the {inst.kind} in the sentence")
            if rtype == default and (actor.key, rtype, inst.key) in self.relations:
                self.relations[(actor.key, rtype, inst.key)].default = True
        for actor_key, inst_mention, rtype, reason in agents.values():
            if inst_mention is m:
                self.relate(self.actors[actor_key], rtype, inst, quote, status, 0.75, reason)

    def _owners_of(self, f: Found, m: Mention, inst: Cand) -> set[str]:
        """Keys of the actors written as the instrument's owner, right before or after its mention."""
        spec = self.rules["owner_relation"]
        if inst.kind not in spec["kinds"]:
            return set()
        before, after = set(spec["before"][self.lang]), set(spec["after"][self.lang])
        owners = {_key_of(self, a) for a in m.inside if a.i == m.i and a.j < m.j  # "EU missions and operations",
                  and _gap(f, a.j - 1, a.j) not in self.rules["pair_dashes"]}  # not "EU–ASEAN Programme" (two parties)
        for a in f.actors:
            if (a.j <= m.i and _gap(f, a.j - 1, m.i) in before) or (a.i >= m.j and _gap(f, m.j - 1, a.i) in after):
                owners.add(_key_of(self, a))
        return owners

    def _dates(self, f: Found, m: Mention, inst: Cand) -> None:
        if not f.dates:
            return
        k, date = min(f.dates, key=lambda d: abs(d[0] - m.i))
        if inst.dates and ("/" not in date.edtf or any("/" in v for v in inst.dates.values()) or len(inst.dates) > 1):
            return
        if "/" in date.edtf and located(inst.kind):
            start, end = date.edtf.split("/")
            inst.dates = {"start": start, "end": end}
        elif inst.kind in EVENT_KINDS or inst.status == "signed":
            inst.dates = {"start": date.edtf.split("/")[0]}
        else:
            inst.dates = {"mentioned": date.edtf.split("/")[0]}
        if date.year_from_article:
            inst.date_note = "The year is the article's (from its date header); the text gives day and month."
        elif "XXXX" in date.edtf:
            inst.date_note = f"The source gives {date.text.strip()} without a year."

    def _places(self, f: Found, m: Mention, inst: Cand, actors: dict, venues: set, quote: str) -> None:
        if not located(inst.kind):
            return
        for place in f.places:
            toks = f.sentence.tokens
            markers = set(f.place_marker_at) | (set(f.destination_at) if inst.kind == "visit" else set())
            if (place.i - 1) not in markers and not (
                    place.i > 1 and toks[place.i - 1].lower == "the" and (place.i - 2) in markers):
                continue
            if place.entry.name not in inst.places:
                inst.places.append(place.entry.name)
            state = self._state_of(place.entry)
            if state is not None:
                state.add_evidence(quote)
                self.relate(inst, "held_in", state, quote, None, 0.6, f"held in {place.text!r}")
        mentions = _main_instruments(f)
        for a in f.actors:  # a venue is the place of the instrument named last before it
            if id(a) in venues and max((x for x in mentions if x.j <= a.i), key=lambda x: x.j, default=m) is m:
                self.relate(inst, "held_in", actors[id(a)], quote, None, 0.6, f"'{a.text}' follows a place word")

    def _state_of(self, place: Entry) -> Cand | None:
        if not place.iso:
            return None
        entry = self.lex.by_iso.get(place.iso)
        if entry is None:
            entry = next((e for es in self.lex.names.values() for e in es if e.iso == place.iso and e.kind == "state"), None)
        if entry is None:
            return None
        key = entry.node_id or f"new:state:{fold(entry.name)}"
        if key not in self.actors:
            self.actors[key] = Cand("actor", "state", entry.name, entry.node_id, entry.name_vi, entry.short_name,
                                    entry.iso, key=key, confidence=0.6, reason="the state a place named in the text is in")
        return self.actors[key]
