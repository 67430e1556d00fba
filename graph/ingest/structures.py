"""Relations that a sentence's structure says: comparisons, titles and offices, bodies' owners,
delegations, "X-led" and verbs with their agents. A mixin of the article's ``_Document``."""

from __future__ import annotations

import itertools

from partnergraph.graph.ingest.candidates import BLOCS, Cand, EVENT_KINDS, _key_of
from partnergraph.graph.ingest.clauses import (
    _agent_group,
    _agent_units,
    _clauses,
    _conjoined_after,
    _conjoined_before,
    _gap,
    _office,
    _passive_ok,
    _same_actors,
    _status,
)
from partnergraph.graph.ingest.layers import enabled
from partnergraph.graph.ingest.recognise import Found, Mention


class Structures:
    """Relation finders of ``_Document`` (see document.py): they read ``self.actors``, ``self.rules`` ..."""

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
                org = next((a for a in free if a.i == start and a.kind in BLOCS), None)
                if org is not None:
                    members.append(org)
        nouns = [tuple(w.lower().split()) for w in self.rules["comparatives"]["member_nouns"].get(self.lang, [])]
        classed = []  # "the third ASEAN member state, after A and B": A and B are members too
        for i, j in f.ordinal_at:
            org = next((a for a in free if j <= a.i <= j + 1 and a.kind in BLOCS), None)
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
            if enabled("envoys") and p.title.lower() in self.rules["envoy_titles"].get(self.lang, []):
                for place in posted:  # "Ambassador of X to Y", "Đại sứ Việt Nam tại Hà Lan": the envoy is accredited to Y
                    self.relate(actors[id(p)], "accredited_to", actors[id(place)], quote, None, 0.65,
                                f"the title {p.title!r} with {place.text!r} after an accreditation word")
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
        marks = set(self.rules["parent_links"]["marks"])
        words = {w.lower() for w in self.rules["parent_links"]["words"].get(self.lang, [])}
        for a, b in itertools.pairwise(bodies):
            head = lambda m: tuple(t.lower for t in f.sentence.tokens[m.i:m.i + 2])  # noqa: E731
            is_parent = lambda m: any(head(m)[:len(p)] == p for p in parents)  # noqa: E731
            gap = _gap(f, a.j - 1, b.i)
            if (gap in marks and is_parent(b) and not is_parent(a)) or gap.lower() in words:
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
