"""From an article to candidate records in the dataset's own format, for review.

Each sentence's mentions (``recognise``) become actors, instruments and
relations; every record carries the sentence as evidence and a ``review``
block: ``confidence`` (0..1), ``reason`` and, when it is a node or edge the
dataset already has, ``links_to``. Nothing here writes to a dataset.

>>> from partnergraph.graph.model.build import load_graph
>>> from partnergraph.graph.ingest.text import parse_article
>>> art = parse_article("Từ 14-15/8, Liên minh châu Âu (EU) và Indonesia đã tiến hành cuộc tập trận hải quân chung đầu tiên trên biển Arab.", "a.txt")
>>> c = ingest_article(art, load_graph())
>>> ex = c["instruments"][0]
>>> ex["id"], ex["start"], ex["end"], ex["places"], ex["review"]["links_to"]
('eu-indonesia-naval-exercise', 'XXXX-08-14', 'XXXX-08-15', ['Arabian Sea'], 'eu-indonesia-naval-exercise')
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import networkx as nx

from partnergraph.graph.model.names import fold, names_of
from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.ingest.lexicon import Entry, Lexicon
from partnergraph.graph.ingest.recognise import Found, Mention, recognise
from partnergraph.graph.ingest.rules import get_rules
from partnergraph.graph.ingest.text import Article, read_article, sentences

EVENT_KINDS = {"exercise", "visit", "meeting", "conference", "dialogue"}
ORGANISATIONS = {"state", "union", "regional_organisation", "international_organisation", "government_body"}
COMPATIBLE = {"cooperation": {"partnership"}, "partnership": {"cooperation"}}
MAX_EVIDENCE = 3


@dataclass
class Cand:
    """A candidate node: linked to an existing one (``node_id``) or new."""

    family: str
    kind: str
    name: str
    node_id: str | None = None
    name_vi: str | None = None
    short_name: str | None = None
    iso: str | None = None
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


class _Document:
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
        self.pending: list[tuple] = []  # "this Agreement" before any agreement is named: resolved at the end

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
        if cand is None:
            cand = self._new_actor(m, key)
            self.actors[key] = cand
        cand.add_evidence(quote)
        if m.short_name and not cand.short_name and not cand.node_id:
            cand.short_name = m.short_name
        return cand

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
        kinds = {kind} | COMPATIBLE.get(kind, set())
        return next((c for c in reversed(self.instruments) if c.kind in kinds and not c.background), None)

    def _named(self, m: Mention) -> Cand:
        e = m.entry
        key = e.node_id if e is not None and e.node_id else f"new:{m.kind}:{fold(m.text)}"
        for cand in self.instruments:
            if cand.key == key or (m.short_name and cand.short_name == m.short_name):
                return cand
        if e is not None and e.node_id:
            cand = Cand("instrument", e.kind, e.name, e.node_id, e.name_vi, e.short_name, key=key,
                        confidence=m.confidence, reason=m.reason)
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

    def _comparison(self, f: Found, free: list[Mention], actors: dict, quote: str) -> tuple[list, list]:
        """'the second ... after C' -> [C]; '... the first in ORG' -> [ORG], with subject member_of ORG."""
        if not f.ordinal_at:
            return [], []
        toks = f.sentence.tokens
        earlier: list[Mention] = []
        for k in f.after_at:
            start = k + 1 + (k + 1 < len(toks) and toks[k + 1].lower == "the")
            first = next((a for a in free if a.i == start), None)
            if first is not None:
                earlier += _conjoined_after(f, free, first)
        members = []
        for i, j in f.ordinal_at:
            for k in (w for w in f.within_at if j <= w <= j + 3):
                start = k + 1 + (k + 1 < len(toks) and toks[k + 1].lower == "the")
                org = next((a for a in free if a.i == start and a.kind in ("union", "regional_organisation",
                                                                           "international_organisation")), None)
                if org is not None:
                    members.append(org)
        nouns = [tuple(w.lower().split()) for w in self.rules["comparatives"]["member_nouns"].get(self.lang, [])]
        classed = []  # "the third ASEAN member state, after A and B": A and B are members too
        for i, j in f.ordinal_at:
            org = next((a for a in free if j <= a.i <= j + 1 and a.kind in ("union", "regional_organisation",
                                                                             "international_organisation")), None)
            if org is not None and any(tuple(t.lower for t in toks[org.j:org.j + len(n)]) == n for n in nouns):
                members.append(org)
                classed.append(org)
        earlier = _same_actors(self, free, earlier)
        members = _same_actors(self, free, members)
        subject = next((a for a in free if a.j <= f.ordinal_at[0][0] and a not in earlier), None)
        for org in members:
            joined = [subject] + (earlier if any(_key_of(self, org) == _key_of(self, c) for c in classed) else [])
            for who in joined:
                if who is not None and actors[id(who)].kind == "state":
                    self.relate(actors[id(who)], "member_of", actors[id(org)], quote, None, 0.6,
                                f"'{f.sentence.span_text(*f.ordinal_at[0])} ... {org.text}'")
        return earlier, members

    def _earlier_instrument(self, f: Found, m: Mention, scope: list[Cand], earlier: list[Cand], quote: str) -> None:
        """'A ... the second to sign X with B, after C': C's own X with B (the partners after 'with')."""
        partner_from = next((k for k in f.partner_at if k >= m.j), None)
        if partner_from is None:
            return
        partners = [c for c in scope if any(a.i > partner_from and _key_of(self, a) == c.key for a in f.actors)]
        for c in earlier:
            parties = [c] + [p for p in partners if p is not c]
            if len(parties) < 2:
                continue
            inst = self._generic(m, parties)
            inst.background = True
            inst.add_evidence(quote)
            status = _status(f, m, _clauses(f), self.rules)
            inst.status = inst.status or status
            default = self.rules["default_relation"].get(inst.kind, "participates_in")
            for actor in parties:
                self.relate(actor, default, inst, quote, status, 0.5,
                            f"{actor.name}: named in a comparison ('after ...') with the {inst.kind}")

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
            kinds = {m.kind} | COMPATIBLE.get(m.kind, set())
            inst = next((c for c in self.instruments if c.kind in kinds and not c.background), None)
            if inst is not None:
                self._apply(inst, f, m, scope, actors, agents, venues, clause, quote)

    def _apply(self, inst, f, m, scope, actors, agents, venues, clause, quote) -> None:
        """Evidence, status, dates, places, domains and the actors' relations of one instrument."""
        inst.add_evidence(quote)
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

    def _titles(self, f: Found, actors: dict, quote: str) -> tuple[set[int], dict[int, Mention]]:
        """holds_office_in from a titled person to the body the title names; the ids of those bodies' mentions
        (and of the places a post is accredited to), and each person's office mention by the person's id."""
        offices, office_of = set(), {}
        honorifics = set(self.rules.get("honorifics", []))
        for p in f.actors:
            if p.kind != "person" or not p.title or p.title in honorifics:
                continue
            org, posted = _office(f, p, self.rules, self.lang)
            offices |= {id(a) for a in posted}
            if org is None:
                continue
            role = {"role_vi" if self.lang == "vi" else "role": p.title}
            self.relate(actors[id(p)], "holds_office_in", actors[id(org)], quote, None, 0.6,
                        f"the title {p.title!r} next to {org.text!r}", role=role)
            offices.add(id(org))
            office_of[id(p)] = org
        return offices, office_of

    def _owners(self, f: Found, actors: dict, quote: str) -> None:
        """part_of from a body to the state or union in its name, or to the ministry named after it
        ('Cục An ninh mạng, Bộ Công an'); accredited_to the state a delegation's name places it in."""
        for body in f.actors:
            if body.owner is not None and id(body.owner) in actors:
                self.relate(actors[id(body)], "part_of", actors[id(body.owner)], quote, None, 0.7,
                            f"{body.owner.text!r} is part of the body's name")
            if body.posted_to is not None and id(body.posted_to) in actors:
                self.relate(actors[id(body)], "accredited_to", actors[id(body.posted_to)], quote, None, 0.7,
                            f"the body's name places it in {body.posted_to.text!r}")
        parents = {tuple(h.lower().split()) for h in self.rules["parent_heads"].get(self.lang, [])}
        bodies = sorted((a for a in f.actors if a.kind == "government_body"), key=lambda a: a.i)
        for a, b in itertools.pairwise(bodies):
            head = lambda m: tuple(t.lower for t in f.sentence.tokens[m.i:m.i + 2])  # noqa: E731
            is_parent = lambda m: any(head(m)[:len(p)] == p for p in parents)  # noqa: E731
            if _gap(f, a.j - 1, b.i) == "," and is_parent(b) and not is_parent(a):
                self.relate(actors[id(a)], "part_of", actors[id(b)], quote, None, 0.6,
                            f"{a.text!r} followed by {b.text!r}")

    def _hyphen_verbs(self, f: Found, actors: dict, mentions: list[Mention]) -> dict:
        """'the EU-led exercise': the actor before the hyphen leads (funds, hosts) the instrument after it."""
        verbs, toks, agents = self.rules.get("hyphen_verbs", {}).get(self.lang, {}), f.sentence.tokens, {}
        for a in f.actors:
            if a.j < len(toks) and toks[a.j].lower in verbs and _gap(f, a.j - 1, a.j) == "-" and id(a) in actors:
                target = next((m for m in mentions if a.j <= m.i <= a.j + 3 or m.i <= a.i < m.j), None)
                if target is not None:
                    rtype = verbs[toks[a.j].lower]
                    rtype = "leads" if rtype == "hosts" and target.kind not in EVENT_KINDS else rtype
                    key = actors[id(a)].key
                    agents[(key, id(target))] = (key, target, rtype, f"'{a.text}-{toks[a.j].text}'")
        return agents

    def _delegation(self, f: Found, actors: dict, free: list[Mention], mentions: list[Mention], quote: str,
                    aside: set) -> dict | None:
        """'The EU delegation was led by X': X leads the visit or takes part in the event (see the rules)."""
        toks = f.sentence.tokens
        words = {tuple(w.lower().split()) for w in self.rules["delegation_words"].get(self.lang, [])}
        cues = [(i, j) for i, j, rtype in f.relation_cues if rtype == "leads"]
        if not cues or not any(tuple(t.lower for t in toks[k:k + len(w)]) == w for k in range(len(toks)) for w in words):
            return None
        people = [a for a in free if a.kind == "person" and id(a) not in aside]
        events = [m for m in mentions if m.kind in EVENT_KINDS]
        agents = {}
        for p in people:
            if events:
                target = min(events, key=lambda m: min(abs(m.j - cues[0][0]), abs(m.i - cues[0][1])))
                rtype = "participates_in"  # the schema has people take part in instruments, not lead them
                agents[(actors[id(p)].key, id(target))] = (actors[id(p)].key, target, rtype, "leads the delegation")
            else:
                last = next((c for c in reversed(self.instruments) if c.kind in EVENT_KINDS), None)
                if last is not None:
                    self.relate(actors[id(p)], "participates_in", last, quote,
                                None, 0.6, "leads the delegation to the event named before")
        return agents

    def _verb_relations(self, f: Found, actors: dict, free: list[Mention], mentions: list[Mention], quote: str,
                        office_of: dict | None = None, skip_leads: bool = False) -> dict:
        """funds/hosts/leads (the organisation nearest to the verb, and those joined to it by 'and'; a person
        stands for the body of their title), supports and member_of (before -> after)."""
        agents: dict = {}
        office_of = office_of or {}
        for i, j, rtype in f.relation_cues:
            if rtype == "leads" and skip_leads:
                continue
            spec = self.rules["relation_cues"][rtype]
            if spec.get("agent") == "nearest" and mentions:
                units = _agent_units(f, free, office_of, actors)
                if not units:
                    continue
                target = min(mentions, key=lambda m: min(abs(m.j - i), abs(m.i - j)))
                if not _passive_ok(f, i, j, units, spec, self.lang):
                    continue
                group = _agent_group(f, units, i, j, self.rules, self.lang)
                if rtype == "hosts" and target.kind not in EVENT_KINDS and spec.get("otherwise"):
                    rtype_here = spec["otherwise"]
                else:
                    rtype_here = rtype
                for unit in group:
                    agent = actors[id(unit[2])]
                    agents[(agent.key, id(target))] = (agent.key, target, rtype_here,
                                                       f"the verb {f.sentence.span_text(i, j)!r}")
            elif spec.get("agent") == "before":
                subjects = _conjoined_before(f, free, i)
                # what is supported follows the verb closely (not "support the position of A, on the basis of X")
                close = lambda x: x.i >= j and x.i - j <= 2  # noqa: E731
                objects = [self._resolved(m) for m in mentions if close(m)][:1] or [actors[id(a)] for a in sorted(free, key=lambda a: a.i) if close(a)]
                for s in subjects:
                    for o in objects[:1] if rtype == "member_of" else objects:
                        if o is not None:
                            self.relate(actors[id(s)], rtype, o, quote, None, 0.6,
                                        f"the verb {f.sentence.span_text(i, j)!r}")
        return agents

    def _resolved(self, m: Mention) -> Cand | None:
        """The candidate of a named instrument mention (created if need be), for verbs such as 'supports'."""
        return self._named(m) if m.named else None

    def _dates(self, f: Found, m: Mention, inst: Cand) -> None:
        if not f.dates:
            return
        k, date = min(f.dates, key=lambda d: abs(d[0] - m.i))
        if inst.dates and ("/" not in date.edtf or any("/" in v for v in inst.dates.values()) or len(inst.dates) > 1):
            return
        if "/" in date.edtf and inst.kind in EVENT_KINDS | {"mission"}:
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
        if inst.kind not in EVENT_KINDS | {"mission"}:
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


def _key_of(doc: _Document, m: Mention) -> str:
    e = m.entry
    if e is not None and e.node_id:
        return e.node_id
    return f"new:{(e.kind if e else m.kind)}:{fold(e.name if e else m.text)}"


def _coordinated(f: Found, mentions: list[Mention], rules: dict, lang: str) -> dict[int, set[int]]:
    """Mentions joined by 'and' ('held a joint exercise and a Security Dialogue'), by id: the ids joined to each."""
    joins = {w.lower() for w in rules["instrument_conjunctions"].get(lang, [])}
    determiners = {w.lower() for w in rules["apposition_determiners"].get(lang, [])} | {"các", "một"}
    shared: dict[int, set[int]] = {}
    for a, b in itertools.pairwise(mentions):
        words = [w for w in re.findall(r"\w+", _gap_text(f, a.j - 1, b.i).lower()) if w not in determiners]
        if a.j <= b.i and " ".join(words) in joins:
            shared.setdefault(id(a), set()).add(id(b))
            shared.setdefault(id(b), set()).add(id(a))
    return shared


def _indefinite_name(f: Found, m: Mention, rules: dict) -> bool:
    """'a Maritime Security Dialogue': a named kind of instrument, not one instrument (each pair has its own)."""
    toks = f.sentence.tokens
    return m.named and m.kind in rules["bilateral_kinds"] and m.i > 0 and toks[m.i - 1].lower in ("a", "an")


def _appositives(f: Found, mentions: list[Mention], rules: dict, lang: str) -> dict[int, Mention]:
    """Unnamed cue phrases in apposition to a named instrument of the same kind, by id: the named one."""
    found = {}
    determiners = {w.lower() for w in rules["apposition_determiners"].get(lang, [])}
    for a, b in itertools.pairwise(mentions):
        if not a.named or b.named or b.anaphoric or b.kind != a.kind:
            continue
        gap = _gap_text(f, a.j - 1, b.i).strip()
        if not gap.startswith(","):
            continue
        words = [w for w in re.findall(r"\w+", re.sub(r"[’']s\b", "", gap)) if w.lower() not in determiners]
        between = [x for x in f.actors if a.j <= x.i and x.j <= b.i]
        named = " ".join(x.text for x in between)
        if all(w in named for w in words):
            found[id(b)] = a
    return found


def _within_actors(f: Found) -> set[int]:
    """Ids of actors named inside another actor's name (the state in 'Ministry of Defence of Japan')."""
    return {id(a) for a in f.actors for b in f.actors
            if a is not b and b.i <= a.i and a.j <= b.j and (b.j - b.i) > (a.j - a.i)}


def _office(f: Found, p: Mention, rules: dict, lang: str) -> tuple[Mention | None, list[Mention]]:
    """The organisation a person's title names, and the actors the post is accredited to.

    Next to the title: right before it ("EU Ambassador"), between it and the name ("Thứ trưởng Bộ Quốc phòng
    X"), or after it when the name comes first ("X, Ambassador of the EU to ASEAN", "X, Cục trưởng Cục Y").
    Failing these, the nearest organisation in the person's clause that is not reported speech."""
    ti, tj = p.title_at or (p.i, p.i)
    orgs = [a for a in f.actors if a.kind in ORGANISATIONS and id(a) not in _within_actors(f)]
    links = {w.lower() for w in rules["accreditation_words"].get(lang, [])}
    toks = f.sentence.tokens
    posted = [a for a in orgs if a.i > 0 and toks[a.i - 1].lower in links | {"the"}
              and (toks[a.i - 1].lower in links or (a.i > 1 and toks[a.i - 2].lower in links))
              and (tj <= a.i <= tj + 9 or p.j <= a.i <= p.j + 3)]
    candidates = [a for a in orgs if a not in posted]
    before = [a for a in candidates if a.j == ti and _gap(f, a.j - 1, ti) in ("", "’s", "'s")]
    if before:
        return before[0], posted
    between = [a for a in candidates if tj <= a.i and a.j <= p.i]
    if between:
        return between[0], posted
    if p.j <= ti:
        clause = _clauses(f)
        after = [a for a in candidates if ti < a.i <= tj + 8 and clause[a.i] == clause[min(tj, len(clause) - 1)]]
        if after:
            return after[0], posted
    named_by = [a for a in candidates if p.j <= a.i <= p.j + 3
                and re.fullmatch(r"(,|of|of the|của)?", _gap(f, p.j - 1, a.i).lower())]  # "X of the EU", "X, Bộ Y"
    return (named_by[0] if named_by else None), posted


def _agent_units(f: Found, free: list[Mention], office_of: dict, actors: dict) -> list[tuple[int, int, Mention]]:
    """Who may do a verb: organisations, and titled people standing for their office (span: title to name)."""
    units = []
    offices = {id(o) for o in office_of.values()}
    for a in free:
        if a.kind == "person" and id(a) in office_of:
            org = office_of[id(a)]
            start = min(a.i, org.i, (a.title_at or (a.i, a.i))[0])
            units.append((start, max(a.j, org.j), org))
        elif actors[id(a)].kind in ORGANISATIONS and id(a) not in offices:
            units.append((a.i, a.j, a))
    units = [u for u in units if not any(v is not u and v[0] <= u[0] and u[1] <= v[1] and v[1] - v[0] > u[1] - u[0] for v in units)]
    return sorted(units, key=lambda u: u[0])


def _agent_group(f: Found, units: list, i: int, j: int, rules: dict, lang: str) -> list:
    """The unit nearest the verb and those joined to it ('A and B', 'A phối hợp với B') on the same side."""
    nearest = min(units, key=lambda u: min(abs(u[1] - i), abs(u[0] - j)))
    joins = {w.lower() for w in rules["agent_conjunctions"].get(lang, [])}
    joined = lambda a, b: re.sub(r"^[,\s]*|\b(the)\b|[,\s]*$", "", _gap_text(f, a[1] - 1, b[0]).lower()).strip() in joins | {""}  # noqa: E731
    # "A, the ASEAN Chair, and B": an apposition between commas does not break the join
    joined_past_apposition = lambda a, b: re.sub(r"^\s*,[^,]{1,80},\s*|\b(the)\b", "", _gap_text(f, a[1] - 1, b[0]).lower()).strip() in joins  # noqa: E731
    group = [nearest]
    side = [u for u in units if u[0] >= nearest[1]] if nearest[0] >= j else [u for u in units if u[1] <= nearest[0]][::-1]
    for u in side:
        a, b = (group[-1], u) if nearest[0] >= j else (u, group[-1])
        if nearest[0] >= j and _inside_apposition(f, group[-1], u):
            continue  # "co-chaired by A, the ASEAN Chair, and B": the apposition's actors are not agents
        if a[1] <= b[0] and (joined(a, b) or joined_past_apposition(a, b)) and not (nearest[0] >= j and u[0] >= j + 12):
            group.append(u)
        else:
            break
    return group


def _inside_apposition(f: Found, a: tuple, u: tuple) -> bool:
    """Unit u lies in a ', ... ,' apposition right after unit a (one comma before it, another within five words)."""
    toks = f.sentence.tokens
    before = _gap_text(f, a[1] - 1, u[0])
    closing = any("," in _gap_text(f, x - 1, x) for x in range(u[1], min(u[1] + 5, len(toks))))
    return a[1] <= u[0] and before.lstrip().startswith(",") and before.count(",") == 1 and closing


def _gap_text(f: Found, a: int, b: int) -> str:
    toks, start = f.sentence.tokens, f.sentence.start
    return f.sentence.text[toks[a].end - start:toks[b].start - start]


def _passive_ok(f: Found, i: int, j: int, units: list, spec: dict, lang: str) -> bool:
    """A cue listed under ``passive_only`` counts only after 'do <agent>' ('do A tổ chức': organised by A)."""
    cue = tuple(t.lower for t in f.sentence.tokens[i:j])
    only = {tuple(c.lower().split()) for c in spec.get("passive_only", {}).get(lang, [])}
    if cue not in only:
        return True
    markers = {w.lower() for w in spec.get("passive_markers", {}).get(lang, [])}
    toks = f.sentence.tokens
    return any(toks[k].lower in markers and any(k < u[0] and u[1] <= i for u in units) for k in range(max(0, i - 20), i))


def _same_actors(doc: "_Document", free: list[Mention], chosen: list[Mention]) -> list[Mention]:
    """Every mention of the chosen actors ('Association of Southeast Asian Nations (ASEAN)' is two)."""
    keys = {_key_of(doc, a) for a in chosen}
    return [a for a in free if _key_of(doc, a) in keys]


def _gap(f: Found, a: int, b: int) -> str:
    """The text between token a's end and token b's start, stripped."""
    toks, start = f.sentence.tokens, f.sentence.start
    return f.sentence.text[toks[a].end - start:toks[b].start - start].strip()


def _conjoined_after(f: Found, free: list[Mention], first: Mention) -> list[Mention]:
    """``first`` and the actors joined to it by 'and'/'và'/commas after it, in the same clause."""
    group = [first]
    for a in sorted((a for a in free if a.i >= first.j), key=lambda a: a.i):
        if re.fullmatch(r",?\s*(and|và)?", _gap(f, group[-1].j - 1, a.i)):
            group.append(a)
        else:
            break
    return group


def _speakers(f: Found, rules: dict, lang: str) -> dict[int, int]:
    """Ids of people followed by a verb of speech, with the verb's index: they report the events after it,
    they do not take part in them."""
    toks = f.sentence.tokens
    verbs = [tuple(v.lower().split()) for v in rules["speech_verbs"][lang]]
    found = {}
    for a in f.actors:
        if a.kind != "person":
            continue
        k = a.j
        if k < len(toks) and _gap(f, k - 1, k) == ",":  # "NAME, TITLE OF BODY, said": skip the apposition
            k = next((x for x in range(k + 1, min(k + 15, len(toks))) if _gap(f, x - 1, x) == ","), k)
        at = next((x for x in (a.j, k) for v in verbs if tuple(t.lower for t in toks[x:x + len(v)]) == v), None)
        if at is not None:
            found[id(a)] = at
    return found


def _after_place_word(f: Found, a: Mention, rules: dict, lang: str, premises_only: bool = False) -> bool:
    """A place word right before the actor ('in Japan'), or one and a premises word ('tại trụ sở EU')."""
    toks = f.sentence.tokens
    k = a.i - (a.i > 0 and toks[a.i - 1].lower == "the")
    if not premises_only and k > 0 and (k - 1) in f.place_marker_at:
        return True
    for w in rules["premises_words"].get(lang, []):
        n = len(w.split())
        k2 = k - n - (k - n > 0 and toks[k - n - 1].lower == "the")
        if k - n > 0 and " ".join(t.lower for t in toks[k - n:k]) == w.lower() and (k2 - 1) in f.place_marker_at:
            return True
    return False


def _place_gloss(f: Found, a: Mention) -> bool:
    """'Viêng Chăn (Lào)', 'Bali (Indonesia)': a state in brackets right after a place names the place's state."""
    if a.i == 0 or a.j >= len(f.sentence.tokens) or not _gap(f, a.j - 1, a.j).startswith(")") or _gap(f, a.i - 1, a.i) != "(":
        return False
    return any(p.j == a.i for p in f.places)


def _cited(f: Found, m: Mention, rules: dict, lang: str) -> bool:
    """'on the basis of X', 'trên cơ sở X': X is referred to, not taken part in."""
    toks = f.sentence.tokens
    k = m.i - (m.i > 0 and toks[m.i - 1].lower == "the")
    return any(" ".join(t.lower for t in toks[max(0, k - len(w.split())):k]) == w.lower()
               for w in rules["citation_markers"].get(lang, []))


def _destination(f: Found, a: Mention, mentions: list[Mention]) -> bool:
    """A state right after a visit ('thăm chính thức Bỉ', 'visit to Japan'): where it goes, not who goes."""
    toks = f.sentence.tokens
    k = a.i - 1 if a.i > 0 and (a.i - 1) in f.destination_at else a.i
    return any(m.kind == "visit" and m.j == k for m in mentions)


def _future(f: Found, m: Mention, rules: dict, lang: str) -> bool:
    """A future marker in the four words before a mention ('the next round of the Consultations')."""
    toks = f.sentence.tokens
    before = " ".join(t.lower for t in toks[max(0, m.i - 4):m.i])
    after = " ".join(t.lower for t in toks[m.j:m.j + 2])
    markers = [w.lower() for w in rules["future_markers"].get(lang, [])]
    return any(re.search(rf"\b{re.escape(w)}\b", before if lang == "en" else after) for w in markers)


def _speaker_owns(f: Found, m: Mention, rules: dict, lang: str) -> bool:
    """'my last visit' / 'chuyến thăm của tôi': the quoted speaker's event."""
    if m.kind not in EVENT_KINDS:
        return False
    toks = f.sentence.tokens
    for phrase in rules["speaker_possessives"][lang]:
        words = phrase.lower().split()
        n = len(words)
        if [t.lower for t in toks[max(0, m.i - n):m.i]] == words or [t.lower for t in toks[m.j:m.j + n]] == words:
            return True
    return False


_STOP = {"the", "and", "of", "in", "with", "for", "on", "to", "or", "va", "cua", "voi", "ve", "tai", "cac"}


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", fold(text)) if len(w) > 1 and w not in _STOP}


def _names_words(names) -> set[str]:
    return set().union(*(_content_words(n) for n in names if n)) if names else set()


def _words_in(text: str, cand: "Cand") -> bool:
    """Every content word of a mention is in one of the candidate's names ('missions' in 'CSDP missions')."""
    return _content_words(text) <= _names_words([cand.name, cand.name_vi, cand.short_name])


def _conjoined_before(f: Found, free: list[Mention], i: int) -> list[Mention]:
    """The actor nearest before token i and those joined to it by 'and'/'và'/commas."""
    before = sorted((a for a in free if a.j <= i), key=lambda a: a.i, reverse=True)
    if not before:
        return []
    group = [before[0]]
    for a in before[1:]:
        gap = f.sentence.text[f.sentence.tokens[a.j - 1].end - f.sentence.start:f.sentence.tokens[group[-1].i].start - f.sentence.start]
        if re.fullmatch(r"[\s,()A-Z]*(and|và)?[\s,()A-Z]*", gap):
            group.append(a)
        else:
            break
    return group


def _main_instruments(f: Found) -> list[Mention]:
    """Named and anaphoric mentions, and cue words unless a clause names an instrument of their kind already."""
    clause = _clauses(f)
    named = [m for m in f.instruments if m.named or m.anaphoric]
    busy = {(clause[m.i], m.kind) for m in named}
    chosen = list(named)
    for m in f.instruments:
        if not (m.named or m.anaphoric) and (clause[m.i], m.kind) not in busy:
            chosen.append(m)
            busy.add((clause[m.i], m.kind))
    return sorted(chosen, key=lambda m: m.i)


def _nearest(actor: Mention, mentions: list[Mention], clause: list[int] | None = None) -> Mention | None:
    if not mentions:
        return None
    if clause:
        here = [m for m in mentions if clause[m.i] == clause[min(actor.i, len(clause) - 1)]]
        mentions = here or mentions
    return min(mentions, key=lambda m: (min(abs(actor.i - m.j), abs(m.i - actor.j)), m.i < actor.i))


def _clauses(f: Found) -> list[int]:
    """The clause number of each token (clauses end at , ; :)."""
    toks, numbers, n = f.sentence.tokens, [], 0
    for k in range(len(toks)):
        if k and re.search(r"[,;:]", f.sentence.text[toks[k - 1].end - f.sentence.start:toks[k].start - f.sentence.start]):
            n += 1
        numbers.append(n)
    return numbers


def _status(f: Found, m: Mention, clause: list[int], rules: dict) -> str | None:
    if not clause:
        return None
    here = clause[min(m.i, len(clause) - 1)]
    found = {s for k, s in f.statuses if clause[k] == here}
    return next((s for s in rules["status_cues"] if s in found), None)


# --- linking and output ---------------------------------------------------------------------


def _link_instruments(doc: _Document) -> None:
    """Link unnamed (or unknown named) instruments to existing ones with the same kind and parties."""
    G = doc.G
    for cand in doc.instruments:
        if cand.node_id or not cand.parties or any(p.startswith("new:") for p in cand.parties):
            continue
        parties = set(cand.parties)
        words = _names_words([cand.name, cand.name_vi, cand.short_name])
        matches = []
        for kinds, confidence in (({cand.kind}, 0.7), (COMPATIBLE.get(cand.kind, set()), 0.5)):
            for node, attrs in G.nodes(data=True):
                if attrs.get("family") != "instrument" or attrs["kind"] not in kinds:
                    continue
                if cand.named and not _content_words(cand.name) <= _names_words(names_of(attrs)):
                    continue  # a name: every word of it in the node's names ("an ninh và quốc phòng" ~ "an ninh, quốc phòng")
                if _conflicts(cand, attrs):
                    continue
                neighbours = set(G.predecessors(node)) | set(G.successors(node))
                if parties <= neighbours:
                    # the same parties; then the same places, more words of the name in common, fewer other parties
                    places = len(set(cand.places) & set(attrs.get("places", [])))
                    shared = len(words & _names_words(names_of(attrs)))
                    matches.append(((-places, -shared, len(neighbours - parties)), node, confidence))
            if matches:
                break
        matches.sort()
        if matches and (len(matches) == 1 or matches[0][0] < matches[1][0]):
            _, node, confidence = matches[0]
            attrs = G.nodes[node]
            old = cand.key
            cand.node_id, cand.key, cand.kind = node, node, attrs["kind"]
            cand.name, cand.name_vi, cand.short_name = attrs["name"], attrs.get("name_vi"), attrs.get("short_name")
            cand.confidence = confidence
            cand.reason += f"; same kind and parties ({', '.join(sorted(parties))}) as {node}"
            for rel in list(doc.relations.values()):
                rel.source = node if rel.source == old else rel.source
                rel.target = node if rel.target == old else rel.target


def _conflicts(cand: Cand, attrs: dict) -> bool:
    """Different places, or different known years: not the same instrument (a visit to Jakarta is not one to Hanoi)."""
    if cand.places and attrs.get("places") and not set(cand.places) & set(attrs["places"]):
        return True
    years = {str(v)[:4] for v in cand.dates.values() if str(v)[:4].isdigit()}
    known = {str(attrs[k])[:4] for k in ("start", "end", "mentioned") if attrs.get(k) and str(attrs[k])[:4].isdigit()}
    return bool(years and known and not years & known)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:60] or "node"


def _assign_ids(doc: _Document, taken: set[str]) -> dict[str, str]:
    ids = {}
    for cand in list(doc.actors.values()) + doc.instruments:
        if cand.key in ids:
            cand.id = ids[cand.key]
            continue
        if cand.node_id:
            cand.id = cand.node_id
        else:
            base = _slug(cand.short_name or cand.name) if cand.family == "actor" else _slug(cand.name)
            cand.id, n = base, 1
            while cand.id in taken:
                n += 1
                cand.id = f"{base}-{n}"
        taken.add(cand.id)
        ids[cand.key] = cand.id
    return ids


def _node_record(cand: Cand, source_id: str, G: nx.MultiDiGraph) -> dict:
    record = {"id": cand.id, "kind": cand.kind, "name": cand.name}
    for field_name in ("short_name", "name_vi", "iso"):
        if getattr(cand, field_name):
            record[field_name] = getattr(cand, field_name)
    if cand.family == "instrument":
        if cand.status:
            record["status"] = cand.status
        record.update(cand.dates)
        if cand.date_note and cand.dates:
            record["date_note"] = cand.date_note
        if cand.places:
            record["places"] = list(cand.places)
        if cand.domains:
            record["domains"] = list(cand.domains)
    record["evidence"] = [{"source": source_id, "quote": q} for q in cand.evidence]
    review = {"confidence": round(cand.confidence, 2), "reason": cand.reason}
    if cand.node_id:
        review["links_to"] = cand.node_id
    record["review"] = review
    return record


def _relation_record(rel: Rel, ids: dict[str, str], source_id: str, G: nx.MultiDiGraph) -> dict:
    a, b = ids[rel.source], ids[rel.target]
    record = {"from": a, "type": rel.type, "to": b}
    if rel.role:
        record.update(rel.role)
    if rel.status:
        record["status"] = rel.status
    record["evidence"] = [{"source": source_id, "quote": q} for q in rel.evidence]
    review = {"confidence": rel.confidence, "reason": rel.reason}
    existing = [k for k, d in G.get_edge_data(a, b, default={}).items() if d.get("type") == rel.type] if a in G and b in G else []
    if existing:
        review["links_to"] = existing[0]
    record["review"] = review
    return record


def _source_record(article: Article, G: nx.MultiDiGraph) -> dict:
    squash = lambda t: re.sub(r"\s+", " ", t).strip()  # noqa: E731
    text = squash(article.text)
    for source_id, record in G.graph.get("sources", {}).items():
        if record.get("file") and _source_text(G, record) == text:
            linked = {k: v for k, v in record.items() if k not in ("file",)}
            linked["file"] = str(Path(article.path).resolve())
            linked["review"] = {"confidence": 1.0, "reason": "the same text as this dataset source", "links_to": source_id}
            return linked
    title = article.title or _first_line(article) or Path(article.path).stem
    published, note = article.date, None
    if not published:
        years = re.findall(r"\b(?:19|20)\d\d\b", article.body)
        published = max(years) if years else None
        note = ("no date header: 'published' is the latest year the text mentions; check it" if years
                else "no date header and no year in the text: fill in 'published'")
    record = {"id": "src-" + _slug(title)[:40], "title": title, "publisher": article.publisher or "unknown (fill in)",
              "published": published or "1900", "language": article.lang}
    if article.url:
        record["url"] = article.url
    record["file"] = str(Path(article.path).resolve())
    record["review"] = {"confidence": 0.5 if note else 0.9, "reason": note or "from the article's header"}
    return record


def _source_text(G: nx.MultiDiGraph, record: dict) -> str | None:
    for folder in [Path(f).parent for f in G.graph.get("files", [])]:
        path = folder / record["file"]
        if path.is_file():
            return re.sub(r"\s+", " ", path.read_text("utf-8")).strip()
    return None


def _first_line(article: Article) -> str | None:
    line = article.body.strip().splitlines()[0].strip() if article.body.strip() else ""
    return line if 0 < len(line) <= 120 and not line.endswith(".") else None


def ingest_article(article: Article, G: nx.MultiDiGraph, lex: Lexicon | None = None, taken: set[str] | None = None) -> dict:
    """Candidate records (sources, actors, instruments, relations) for one article."""
    lex = lex or Lexicon.build(G)
    doc = _Document(article, G, lex)
    for sentence in sentences(article):
        found = recognise(sentence, lex, article.lang, doc.year)
        doc.read(found)
        if sentence.lead_in:
            people = [m for m in found.actors if m.kind == "person"]
            doc.speaker = doc.actors[_key_of(doc, people[-1])] if people else None
        elif not sentence.quoted:
            doc.speaker = None
    doc.resolve_pending()
    _link_instruments(doc)
    _prefer_known_types(doc)
    source = _source_record(article, G)
    ids = _assign_ids(doc, taken if taken is not None else set(G.nodes))
    return {
        "sources": [source],
        "actors": [_node_record(c, source["id"], G) for c in doc.actors.values() if c.evidence or _used(c, doc)],
        "instruments": [_node_record(c, source["id"], G) for c in _merged_instruments(doc)],
        "relations": [_relation_record(r, ids, source["id"], G) for r in _merged_relations(doc)],
    }


ACTOR_TO_INSTRUMENT = ("party_to", "participates_in", "leads", "funds", "hosts")


def _prefer_known_types(doc: _Document) -> None:
    """A default guess ('named with the mission') yields to the dataset's own edge between the same two nodes."""
    for rel in doc.relations.values():
        if not rel.default or rel.source not in doc.G or rel.target not in doc.G:
            continue
        known = [d["type"] for d in doc.G.get_edge_data(rel.source, rel.target, default={}).values()]
        if known and rel.type not in known:
            better = next((t for t in ACTOR_TO_INSTRUMENT if t in known), None)
            if better:
                rel.reason += f"; the dataset has this pair as '{better}', not '{rel.type}'"
                rel.type = better


def _merged_instruments(doc: _Document) -> list[Cand]:
    """One candidate per key: candidates linked to the same node pool their evidence and details."""
    merged: dict[str, Cand] = {}
    for cand in doc.instruments:
        first = merged.setdefault(cand.key, cand)
        if first is cand:
            continue
        for quote in cand.evidence:
            first.add_evidence(quote)
        first.status = first.status or cand.status
        first.dates = first.dates or cand.dates
        first.date_note = first.date_note or cand.date_note
        first.places += [p for p in cand.places if p not in first.places]
        first.domains += [d for d in cand.domains if d not in first.domains]
    return list(merged.values())


def _merged_relations(doc: _Document) -> list[Rel]:
    merged: dict[tuple, Rel] = {}
    for rel in doc.relations.values():
        first = merged.setdefault((rel.source, rel.type, rel.target), rel)
        if first is not rel:
            first.evidence += [q for q in rel.evidence if q not in first.evidence][:MAX_EVIDENCE - len(first.evidence)]
            first.status = first.status or rel.status
    return list(merged.values())


def _used(cand: Cand, doc: _Document) -> bool:
    return any(cand.key in (r.source, r.target) for r in doc.relations.values())


def ingest_files(paths: Iterable[str | Path], G: nx.MultiDiGraph, lang: str = "auto") -> dict:
    """Candidates for several articles, merged into one file's worth of records.

    Nodes seen in several articles are listed once, with the evidence of each.
    """
    lex = Lexicon.build(G)
    merged: dict[str, list] = {"sources": [], "actors": [], "instruments": [], "relations": []}
    index: dict[tuple, dict] = {}
    taken = set(G.nodes)
    for path in paths:
        result = ingest_article(read_article(path, lang), G, lex, taken)
        for section, records in result.items():
            for record in records:
                key = (section, record.get("id") or (record["from"], record["type"], record["to"]))
                if key in index:
                    index[key]["evidence"] = index[key].get("evidence", []) + record.get("evidence", [])
                    if section != "sources" and record.get("evidence"):
                        continue
                    continue
                index[key] = record
                merged[section].append(record)
    for section in ("actors", "instruments"):
        for record in merged[section]:
            if not record["evidence"]:
                record["evidence"] = []
    return merged
