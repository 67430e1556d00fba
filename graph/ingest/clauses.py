"""What one sentence says about its mentions: clauses, gaps, appositions, speakers, offices, agents.

Pure functions of a recognised sentence (``Found``) and the rules; no state of the article.
"""

from __future__ import annotations

import itertools
import re
from functools import cache

from partnergraph.graph.model.names import fold
from partnergraph.graph.ingest.candidates import Cand, EVENT_KINDS, ORGANISATIONS, _key_of
from partnergraph.graph.ingest.recognise import Found, Mention
from partnergraph.graph.ingest.rules import get_rules


def _coordinated(f: Found, mentions: list[Mention], rules: dict, lang: str) -> dict[int, set[int]]:
    """Mentions joined by 'and' ('held a joint exercise and a Security Dialogue'), by id: the ids joined to each."""
    joins = {w.lower() for w in rules["instrument_conjunctions"].get(lang, [])}
    determiners = {w.lower() for w in rules["apposition_determiners"].get(lang, []) + rules["coordination_determiners"].get(lang, [])}
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
    return m.named and m.kind in rules["bilateral_kinds"] and m.i > 0 and toks[m.i - 1].lower in rules["indefinite_articles"]["en"]


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


def _same_actors(doc, free: list[Mention], chosen: list[Mention]) -> list[Mention]:
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




@cache
def _stopwords() -> frozenset[str]:
    return frozenset(get_rules()["name_stopwords"])


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", fold(text)) if len(w) > 1 and w not in _stopwords()}


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
