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

import re
from dataclasses import dataclass, field
from functools import cache

from partnergraph.graph.ingest.dates import FoundDate, find_dates
from partnergraph.graph.ingest.lexicon import Entry, Lexicon, cue_table, is_acronym, match_phrases
from partnergraph.graph.ingest.rules import get_rules
from partnergraph.graph.ingest.text import Sentence, phrase_key

_VI_ONLY = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)
EN_CONNECTORS = {"of", "and", "on", "the", "for", "in", "with", "between"}
VI_CONNECTORS = {"về", "và", "với", "tại", "của", "cho", "trong"}
EN_DETERMINERS = {"a", "an", "the", "this", "that", "their", "its", "our", "his", "her", "these", "those", "my", "your"}


@dataclass
class Mention:
    family: str  # actor, instrument or place
    i: int  # token span [i, j)
    j: int
    text: str
    kind: str
    entry: Entry | None = None  # the known node or CLDR/rules record
    short_name: str | None = None
    title: str | None = None  # persons: the title before the name
    title_at: tuple[int, int] | None = None  # persons: the title's token span
    owner: "Mention | None" = None  # bodies: the state or union in their name
    posted_to: "Mention | None" = None  # delegations: the state their name says they are in
    named: bool = True  # instruments: a proper name (False: a cue word and its modifiers)
    anaphoric: bool = False  # "this programme"
    definite: bool = False  # "the workshop", "Cuộc tập trận" alone: may be one named before
    reason: str = ""
    confidence: float = 0.5
    inside: list = field(default_factory=list)  # actors named inside an instrument's name

    @property
    def node_id(self) -> str | None:
        return self.entry.node_id if self.entry else None


@dataclass
class Found:
    sentence: Sentence
    actors: list[Mention]
    instruments: list[Mention]
    places: list[Mention]
    dates: list[tuple[int, FoundDate]]  # (token index, date)
    statuses: list[tuple[int, str]]
    domains: list[tuple[int, str]]
    relation_cues: list[tuple[int, int, str]]
    partner_at: list[int]
    place_marker_at: list[int]
    destination_at: list[int] = field(default_factory=list)  # "to" before a visit's place
    ordinal_at: list[tuple[int, int]] = field(default_factory=list)  # "the second", "thứ hai"
    after_at: list[int] = field(default_factory=list)  # "after" (comparatives)
    within_at: list[int] = field(default_factory=list)  # "in" after an ordinal ("the first in ASEAN")


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
        "owner_after": {w.lower() for w in rules["owner_relation"]["after"].get(lang, []) + rules["owner_relation"].get("after_generic", {}).get(lang, [])},
        "acronym_markers": {w.lower() for w in rules["acronym_instruments"]["after"].get(lang, [])},
        "acronym_kind": rules["acronym_instruments"]["kind"],
        "title_prefixes": set(rules["title_prefixes"].get(lang, [])),
        "title_links": {w.lower() for w in rules["title_links"].get(lang, [])},
        "determiners": {w.lower() for w in rules["apposition_determiners"].get(lang, [])},
        "name_prefixes": cue_table(rules.get("name_prefixes", {})),
        "not_after": {k: {w.lower() for w in v.get("not_after", {}).get(lang, [])} for k, v in rules["relation_cues"].items()},
    }


def recognise(sentence: Sentence, lex: Lexicon, lang: str, year: int | None = None) -> Found:
    """Every mention in the sentence (see the module example)."""
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
    instruments = [m for m in taken if m.family == "instrument"] + _cue_instruments(sentence, lex, tables, taken, lang)
    instruments.sort(key=lambda m: m.i)
    actors = [m for m in taken if m.family == "actor"]
    for inst in instruments:
        inst.inside = [a for a in actors if inst.i <= a.i and a.j <= inst.j]
    lower = lambda table: match_phrases(toks, table, "lower")  # noqa: E731
    statuses = [(i, v) for i, _, v in lower(tables["statuses"])]
    return Found(
        sentence=sentence,
        actors=actors,
        instruments=instruments,
        places=[m for m in taken if m.family == "place"],
        dates=[(_token_at(sentence, d.start), d) for d in find_dates(sentence.text, lang, year)],
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


def _token_at(sentence: Sentence, offset: int) -> int:
    absolute = sentence.start + offset
    for k, t in enumerate(sentence.tokens):
        if t.end > absolute:
            return k
    return max(len(sentence.tokens) - 1, 0)


def _free(taken: list[Mention], i: int, j: int) -> bool:
    return all(j <= m.i or m.j <= i for m in taken)


def _between(sentence: Sentence, a: int, b: int) -> str:
    """The text between token a's end and token b's start."""
    toks = sentence.tokens
    return sentence.text[toks[a].end - sentence.start:toks[b].start - sentence.start]


def _paren_acronyms(sentence: Sentence) -> set[int]:
    """Indexes of tokens written as '(ACR)'."""
    found = set()
    for k, t in enumerate(sentence.tokens):
        before = sentence.text[:t.start - sentence.start].rstrip()
        after = sentence.text[t.end - sentence.start:].lstrip()
        if is_acronym(t.text) and before.endswith("(") and after.startswith(")"):
            found.add(k)
    return found


def _pick(entries: list[Entry]) -> Entry:
    return next((e for e in entries if e.node_id), entries[0])


def _known_names(sentence: Sentence, lex: Lexicon, parens: set[int]) -> list[Mention]:
    """Known names (dataset, CLDR, rules), skipping an '(ACR)' inside them."""
    index = [k for k in range(len(sentence.tokens)) if k not in parens]
    alt = [sentence.tokens[k] for k in index]
    found = []
    for a, b, entries in match_phrases(alt, lex.names):
        i, j = index[a], index[b - 1] + 1
        key = tuple(t.folded for t in alt[a:b])
        if not _accept_name(alt[a:b], key, lex):
            continue
        entry = _pick(entries)
        reason = "known name of " + (f"node {entry.node_id}" if entry.node_id else f"{entry.origin} entry {entry.name}")
        found.append(Mention(entry.family, i, j, sentence.span_text(i, j), entry.kind, entry,
                             confidence=0.95 if entry.node_id else 0.9, reason=reason))
    return found


def _accept_name(tokens, key: tuple, lex: Lexicon) -> bool:
    """Proper nouns only: capitalised (unless the name itself is not); short names need their diacritics."""
    if len(key) <= 2:
        if not tokens[0].is_upper_initial and key not in lex.lower_initial:
            return False
        return tuple(t.lower for t in tokens) in lex.spellings.get(key, set()) or not any(_VI_ONLY.search(t.text) for t in tokens)
    return True


def _known_acronyms(sentence: Sentence, lex: Lexicon, taken: list[Mention]) -> list[Mention]:
    found = []
    for k, t in enumerate(sentence.tokens):
        if t.text in lex.acronyms and _free(taken + found, k, k + 1):
            entry = _pick(lex.acronyms[t.text])
            found.append(Mention(entry.family, k, k + 1, t.text, entry.kind, entry, confidence=0.9,
                                 reason=f"acronym of {entry.node_id or entry.name}"))
    return found


def _run(sentence: Sentence, start: int, limit: int, ok) -> int:
    """End of the run of tokens from ``start`` accepted by ok(k), joined by spaces only."""
    toks = sentence.tokens
    k = start
    while k < min(len(toks), start + limit) and ok(k) and (k == start or _between(sentence, k - 1, k).strip() in ("", "-")):
        k += 1
    return k


def _titled_people(sentence: Sentence, lex: Lexicon, tables: dict, taken: list[Mention], lang: str) -> list[Mention]:
    toks, found, dangling = sentence.tokens, [], None
    for i, j, _ in match_phrases(toks, tables["titles"], "lower"):
        if any(m.i <= i < m.j for m in found):  # a title word inside a name found already
            continue
        if i > 0 and toks[i - 1].text in tables["title_prefixes"] and _between(sentence, i - 1, i).strip() in ("", "-"):
            i -= 1  # "Phó Tổng thư ký", "Deputy Secretary-General"
        title = sentence.span_text(i, j)
        known = [m for m in taken if m.family == "actor" and m.kind == "person" and j <= m.i <= j + 14
                 and not re.search(r"[,;.]", sentence.text[toks[j - 1].end - sentence.start:toks[m.i].start - sentence.start])]
        if known:
            known[0].title = known[0].title or title
            known[0].title_at = known[0].title_at or (i, j)
            continue
        while True:  # titles in a row ("Operation Commander Vice Admiral NAME"): the name follows the last
            more = next(((a, b) for a, b, _ in match_phrases(toks[j:j + 4], tables["titles"], "lower") if a == 0), None)
            if more is None or _between(sentence, j - 1, j).strip():
                break
            j += more[1]
        start, end = _person_name(sentence, j, tables, lang, taken + found)
        if end == start:
            before = _name_before_title(sentence, i, tables, lang, taken + found)
            if isinstance(before, Mention):  # "Julien Guerrier, Đại sứ, ..." names the office after the name
                before.title, before.title_at = title, (i, j)
                continue
            if before is not None:  # "Marta Lindqvist, the EU Ambassador to ..." (a name not known yet)
                start, end = before
        if end - start < (2 if lang == "vi" and not toks[i].is_upper_initial else 1):
            dangling = (i, j, title)
            continue
        if dangling and _office_apposition(sentence, dangling[1], i):
            i, j, title = dangling  # "Tổng Giám đốc Bộ Tham mưu (EUMS), Trung tướng NAME": the office is the first title
        dangling = None
        entries = [e for e in lex.names.get(tuple(t.folded for t in toks[start:end]), []) if e.kind == "person"]
        entry = entries[0] if entries else None
        found.append(Mention("actor", start, end, sentence.span_text(start, end), "person", entry, title=title,
                             title_at=(i, j), confidence=0.75, reason=f"a name next to the title {title!r}"))
    return found


def _office_apposition(sentence: Sentence, a: int, b: int) -> bool:
    """Between tokens a-1 and b, a capitalised name (a body, with its '(ACR)') and one comma: 'TITLE BODY, RANK NAME'."""
    gap = _between(sentence, a - 1, b).strip()
    return bool(gap) and gap[0].isupper() and gap.endswith(",") and gap.count(",") == 1 and not re.search(r"[;.]", gap)


def _name_before_title(sentence: Sentence, i: int, tables: dict, lang: str, taken: list[Mention]):
    """The person named just before a title in apposition: 'NAME, [the] [ORG] Title'.

    A known person mention, or the span of two or three capitalised words not known as anything else."""
    toks = sentence.tokens
    k = i
    org = next((m for m in taken if m.family == "actor" and m.kind != "person" and m.j == k
                and _between(sentence, m.j - 1, k).strip() in ("", "’s", "'s")), None)
    if org is not None:
        k = org.i
    if k > 0 and toks[k - 1].lower in tables["determiners"] and _between(sentence, k - 1, k).strip() == "":
        k -= 1
    if k == 0 or _between(sentence, k - 1, k).strip() != ",":
        return None
    person = next((m for m in taken if m.kind == "person" and m.j == k), None)
    if person is not None:
        return person
    cap = lambda x: toks[x].is_upper_initial and not toks[x].text.isupper() and _free(taken, x, x + 1)  # noqa: E731
    start = k
    while start > 0 and k - start < 3 and cap(start - 1) and (start == k or _between(sentence, start - 1, start).strip() in ("", "-")):
        start -= 1
    if k - start < 2 or (start > 0 and _between(sentence, start - 1, start).strip() == "" and toks[start - 1].is_upper_initial):
        return None
    return start, k


def _person_name(sentence: Sentence, j: int, tables: dict, lang: str, taken: list[Mention]) -> tuple[int, int]:
    toks = sentence.tokens
    cap = lambda k: toks[k].is_upper_initial and _free(taken, k, k + 1) and not toks[k].text.isupper()  # noqa: E731
    if lang == "vi":
        # a syllable of a name may also be a country's name (Trần Minh Đức: Đức, Germany)
        syllable = lambda k: cap(k) or (toks[k].is_upper_initial and _single_state(taken, k))  # noqa: E731
        for k in range(j, min(j + 6, len(toks))):
            if toks[k].text in tables["family_names"] and cap(k):
                end = _run(sentence, k, 4, lambda x, k=k: cap(x) if x == k else syllable(x))
                if end - k >= 2:
                    return k, end
        foreign = lambda k: cap(k) and not _VI_ONLY.search(toks[k].text)  # noqa: E731
        if j < len(toks) and _between(sentence, j - 1, j).strip() == "" and foreign(j):
            return j, _run(sentence, j, 4, foreign)
        k = j
        while k < min(j + 14, len(toks)):  # after a portfolio or a body: Bộ trưởng Quốc phòng Nhật Bản Kihara Minoru
            if k > j and re.search(r"[,;.]", _between(sentence, k - 1, k)):
                break
            body = next((m for m in taken if m.i == k and m.family == "actor" and m.kind != "person"), None)
            if body is not None:
                k = body.j + (body.j < len(toks) and toks[body.j].text.isupper() and _between(sentence, body.j - 1, body.j).strip() == "(")
                continue
            end = _run(sentence, k, 4, foreign) if foreign(k) else k
            if end - k >= 2:
                return k, end
            k += 1
        return j, j
    k = j
    # "Ambassador to Japan Elena Marchetti", "Ambassador of the EU Anna Keller": skip the post's place or body
    if k < len(toks) and toks[k].lower in tables["title_links"]:
        k += 1 + (k + 1 < len(toks) and toks[k + 1].lower == "the")
        body = next((m for m in taken if m.i == k and m.family == "actor" and m.kind != "person"), None)
        if body is None:
            return j, j
        k = body.j
    if k < len(toks) and _between(sentence, k - 1, k).strip() in ("", ".") and cap(k):
        return k, _run(sentence, k, 4, cap)
    return j, j


def _names_inside_bodies(sentence: Sentence, lex: Lexicon, tables: dict, taken: list[Mention]) -> list[Mention]:
    """States and unions inside a known body's name ("Bộ Công an Việt Nam", "Phái đoàn Liên minh châu Âu (EU) tại
    Việt Nam"): the body's owner, or where it is posted after an accreditation word. Returns the new mentions."""
    toks, made = sentence.tokens, []
    for body in [m for m in taken if (m.kind == "government_body" and m.owner is None and m.j - m.i >= 3)
                 or (m.family == "instrument" and m.entry is not None)]:
        inner = toks[body.i + 1:body.j] if body.family == "actor" else toks[body.i:body.j]
        base = body.i + 1 if body.family == "actor" else body.i
        hits = _polity_names(inner, lex) + [(k, k + 1, lex.acronyms[x.text]) for k, x in enumerate(inner)
                                            if x.text in lex.acronyms]
        for a, b, entries in hits:
            entry = next((e for e in entries if e.family == "actor" and e.kind in ("state", "union")), None)
            i, j = base + a, base + b
            if entry is None or (j - i > 1 and not _accept_name(toks[i:j], tuple(t.folded for t in toks[i:j]), lex)):
                continue
            inner = Mention("actor", i, j, sentence.span_text(i, j), entry.kind, entry, confidence=0.8,
                            reason=f"named inside {body.text!r}")
            if body.family == "instrument":  # "EU missions and operations": the actors its name says
                pass
            elif toks[i - 1].lower in tables["accreditation"] and entry.kind == "state":
                body.posted_to = body.posted_to or inner
            elif body.owner is None:
                body.owner = inner
            else:
                continue
            made.append(inner)
    return made


def _polity_names(tokens: list, lex: Lexicon, longest: int = 6) -> list[tuple[int, int, list[Entry]]]:
    """Longest names of states and unions in a token list (other names are not looked for)."""
    found, a = [], 0
    while a < len(tokens):
        for b in range(min(len(tokens), a + longest), a, -1):
            entries = [e for e in lex.names.get(tuple(t.folded for t in tokens[a:b]), []) if e.kind in ("state", "union")]
            if entries:
                found.append((a, b, entries))
                a = b
                break
        else:
            a += 1
    return found


def _single_state(taken: list[Mention], k: int) -> bool:
    return any(m.i == k and m.j == k + 1 and m.kind == "state" for m in taken)


def _new_acronyms(sentence: Sentence, lex: Lexicon, tables: dict, taken: list[Mention], parens: set[int]) -> list[Mention]:
    """'Long name (ACR)' not known yet: an instrument or an organisation by the head word of the long name."""
    found = []
    for k in sorted(parens):
        if not _free(taken + found, k, k + 1):
            continue
        acr = sentence.tokens[k].text
        covered = [m for m in taken if m.j == k]
        if covered:  # "Long name (ACR)" where the long name is known: the acronym is the same node
            covered[0].short_name = covered[0].short_name or acr
            continue
        head = _head_before(sentence, k, tables, taken + found)
        if head is None:
            continue
        family, kind, start = head
        toks = sentence.tokens
        if family == "instrument" and not toks[start].is_upper_initial:  # "the Critical Maritime Routes project (CRIMARIO)"
            while start > 0 and toks[start - 1].is_upper_initial and _between(sentence, start - 1, start).strip() in ("", "-"):
                start -= 1
        name = sentence.span_text(start, k)
        found.append(Mention(family, start, k + 1, name, kind, None, short_name=acr, confidence=0.8,
                             reason=f"a name with its acronym ({acr})"))
    return found


def _head_before(sentence: Sentence, k: int, tables: dict, taken: list[Mention]):
    """The nearest instrument cue or body head within 15 tokens before token k, in the same clause."""
    toks = sentence.tokens
    for start in range(k - 1, max(-1, k - 16), -1):
        if start < k - 1 and re.search(r"[,;:()]", _between(sentence, start, start + 1)):
            return None
        if not _free(taken, start, start + 1):
            continue
        for n in (3, 2, 1):
            key = tuple(t.lower for t in toks[start:start + n])
            if key in tables["instruments"]:
                for kind, heads in tables["heads"].items():  # "Cục Hợp tác quốc tế (CHTQT)": the cue opens a body's name
                    head = next((h for h in heads if tuple(t.text for t in toks[max(0, start - len(h)):start]) == h), None)
                    if head is not None:
                        return "actor", kind, start - len(head)
                return "instrument", tables["instruments"][key], start
            for kind, heads in tables["heads"].items():
                if tuple(t.text for t in toks[start:start + n]) in heads:
                    return "actor", kind, start
    return None


def _bare_acronyms(sentence: Sentence, tables: dict, taken: list[Mention], lang: str) -> list[Mention]:
    """An unknown acronym after a word such as 'under' ("our work under CRIMARIO"): a programme's name."""
    toks, found = sentence.tokens, []
    for k, tok in enumerate(toks):
        if (k > 0 and toks[k - 1].lower in tables["acronym_markers"] and is_acronym(tok.text) and len(tok.text) >= 4
                and not tok.text.isdigit() and _free(taken, k, k + 1) and _between(sentence, k - 1, k).strip() == ""):
            found.append(Mention("instrument", k, k + 1, tok.text, tables["acronym_kind"], None, short_name=tok.text,
                                 confidence=0.5, reason=f"an unknown acronym after {toks[k - 1].text!r}"))
    return found


def _prefixed_names(sentence: Sentence, lex: Lexicon, tables: dict, taken: list[Mention]) -> list[Mention]:
    """'EUFOR Althea', 'EUCAP Sahel Niger': a name prefix of the rules and the capitalised words after it."""
    toks, found = sentence.tokens, []
    for i, j, kind in match_phrases(toks, tables["name_prefixes"], "lower"):
        if not _free(taken, i, j) or not toks[i].text.isupper():
            continue
        end = _run(sentence, j, 3, lambda k: toks[k].is_upper_initial and _free(taken, k, k + 1)) if j < len(toks) else j
        if end == j or _between(sentence, j - 1, j).strip():
            continue
        text = sentence.span_text(i, end)
        entry = next((e for e in lex.lookup(text) if e.family == "instrument"), None)
        found.append(Mention("instrument", i, end, text, kind, entry, confidence=0.75,
                             reason=f"a name opened by {sentence.span_text(i, j)!r}"))
    return found


def _bodies(sentence: Sentence, lex: Lexicon, tables: dict, taken: list[Mention], lang: str) -> list[Mention]:
    """Government bodies and organisations by their head word: Bộ Quốc phòng, Ministry of Defence of Japan."""
    toks, found = sentence.tokens, []
    for kind, heads in tables["heads"].items():
        for head in heads:
            n = len(head)
            for i in range(len(toks) - n + 1):
                if tuple(t.text for t in toks[i:i + n]) != head or not _free(taken + found, i, i + n):
                    continue
                mention = _body(sentence, lex, tables, taken, lang, kind, i, n)
                if mention:
                    found += _state_adjective(sentence, lex, tables, taken + found, mention)
                    found.append(mention)
    return found


def _state_adjective(sentence: Sentence, lex: Lexicon, tables: dict, taken: list[Mention], body: Mention) -> list[Mention]:
    """'Indonesian Ministry of Defence', 'Japan Coast Guard of ...': a state (or its adjective) right before the head
    owns the body, which then starts there. Returns the new owner mention, if one was made."""
    k = body.i - 1
    if k < 0 or body.owner is not None or _between(sentence, k, body.i).strip():
        return []
    toks = sentence.tokens
    state = next((m for m in taken if m.j == body.i and m.kind == "state"), None)
    made = []
    if state is None and toks[k].text in tables["demonyms"] and _free(taken, k, k + 1):
        state = _demonym(sentence, lex, tables, k)
        made = [state] if state else []
    if state is not None:
        body.owner, body.i = state, state.i
        body.text = sentence.span_text(body.i, body.j)
    return made


def _body(sentence, lex, tables, taken, lang, kind, i, n) -> Mention | None:
    toks = sentence.tokens
    end = i + n
    if end >= len(toks) or _between(sentence, end - 1, end).strip():
        return None
    owner = next((m for m in taken if m.i == end and m.family == "actor" and m.kind in ("state", "union")), None)
    if owner is None:
        if not toks[end].is_upper_initial:
            return None
        words = lambda k: (_free(taken, k, k + 1) and toks[k].lower not in tables["boundaries"]  # noqa: E731
                           and (lang == "vi" or toks[k].is_upper_initial or toks[k].lower in EN_CONNECTORS))
        end = _run(sentence, end, 4, words)
        while end > i + n and toks[end - 1].lower in EN_CONNECTORS:
            end -= 1
        owner = next((m for m in taken if m.i in (end, end + 1) and m.family == "actor" and m.kind in ("state", "union")
                      and (m.i == end or toks[end].lower in ("of", "của"))), None)
    if owner is not None:
        end = owner.j
    if end == i + n:
        return None
    text = sentence.span_text(i, end)
    entry = _linked_body(lex, text, kind)
    reason = f"a {kind.replace('_', ' ')} named by its head word {' '.join(t.text for t in toks[i:i + n])!r}"
    return Mention("actor", i, end, text, kind, entry, owner=owner, confidence=0.7, reason=reason)


def _named_bodies(sentence: Sentence, lex: Lexicon, tables: dict, taken: list[Mention], lang: str) -> list[Mention]:
    """Bodies named without a head word: capitalised words ending in a tail word ("Philippine Coast Guard",
    "Japan Maritime Self-Defense Force"), or ending in a state's name ("Expertise France").

    A state (or its adjective, from the rules' demonyms) opening the name is the body's owner.
    Returns ``taken`` without the states swallowed by such names, plus the bodies."""
    toks, bodies = sentence.tokens, []
    if lang != "en":
        return taken
    joined = lambda k: _between(sentence, k - 1, k).strip() in ("", "-")  # noqa: E731
    word = lambda k: (toks[k].is_upper_initial and _free(taken + bodies, k, k + 1)  # noqa: E731
                      and toks[k].lower not in EN_DETERMINERS and toks[k].lower not in tables["titles_first"])
    for k, tok in enumerate(toks):
        state_end = next((m for m in taken if m.j == k + 1 and m.kind == "state" and m.i > 0), None)
        if not ((tok.text in tables["body_tails"] and word(k)) or state_end is not None):
            continue
        last = k if state_end is None else state_end.i - 1
        if state_end is not None and not (word(last) and joined(state_end.i)):
            continue
        start = last
        while start > 0 and joined(start) and word(start - 1):
            start -= 1
        owner = None
        before = next((m for m in taken if m.j == start and m.kind in ("state", "union", "regional_organisation",
                                                                        "international_organisation")), None)
        if before is not None and state_end is None and _between(sentence, start - 1, start).strip() == "":
            owner, start = before, before.i
        elif toks[start].text in tables["demonyms"] and start < last:
            owner = _demonym(sentence, lex, tables, start)
        end = k + 1
        if end - start < 2 or (start == 0 and owner is None and state_end is None and end - start < 3):
            continue
        if state_end is not None and (start == 0 or toks[start - 1].is_upper_initial):
            continue  # "Yesterday France", a longer capitalised run: not a body's name
        short = None
        if end < len(toks) and toks[end].text.isupper() and _between(sentence, end - 1, end).strip() == "(":
            short = toks[end].text
        text = sentence.span_text(start, end)
        entry = next((e for e in lex.lookup(text) if e.family == "actor"), None)
        reason = ("a body's name ending in a state's name" if state_end is not None
                  else f"a body's name ending in {tok.text!r}")
        bodies.append(Mention("actor", start, end, text, entry.kind if entry else "government_body", entry,
                              short_name=short, owner=owner, confidence=0.65, reason=reason))
    swallowed = [m for m in taken if any(b.i <= m.i and m.j <= b.j and b.owner is not m for b in bodies)]
    owners = [b.owner for b in bodies if b.owner is not None and b.owner not in taken]
    return [m for m in taken if m not in swallowed] + owners + bodies


def _demonym(sentence: Sentence, lex: Lexicon, tables: dict, k: int) -> Mention | None:
    """The state an adjective names ("Philippine" -> the Philippines), as a mention of that word."""
    iso = tables["demonyms"][sentence.tokens[k].text]
    entry = lex.by_iso.get(iso) or next((e for es in lex.names.values() for e in es if e.iso == iso and e.kind == "state"), None)
    if entry is None:
        return None
    return Mention("actor", k, k + 1, sentence.tokens[k].text, "state", entry, confidence=0.7,
                   reason=f"the adjective {sentence.tokens[k].text!r} names {entry.name}")


def _linked_body(lex: Lexicon, text: str, kind: str) -> Entry | None:
    """An existing body whose name is this one, or starts with it (one only)."""
    exact = [e for e in lex.lookup(text) if e.node_id]
    if exact:
        return exact[0]
    key = phrase_key(text)
    starts = {id(e): e for k, es in lex.names.items() if k[:len(key)] == key for e in es if e.node_id and e.kind == kind}
    return next(iter(starts.values())) if len(starts) == 1 else None


def _cue_instruments(sentence: Sentence, lex: Lexicon, tables: dict, taken: list[Mention], lang: str) -> list[Mention]:
    toks, found = sentence.tokens, []
    listed_after = -9  # a cue listed right after one used as a verb is a verb too ("hợp tác, đối thoại")
    for i, j, kind in match_phrases(toks, tables["instruments"], "lower"):
        if not _free(taken + found, i, j):
            continue
        if i - 1 == listed_after or (i - 2 == listed_after and toks[i - 1].lower in ("và", "and")):
            listed_after = j - 1
            continue
        nxt = " ".join(t.lower for t in toks[j:j + 2])
        back = lang == "en" and i > 0 and toks[i - 1].lower in tables["anaphora"]
        if back or (lang == "vi" and j < len(toks) and (toks[j].lower in tables["anaphora"] or nxt in tables["anaphora"])):
            a, b = (i - 1, j) if back else (i, j + 1)
            found.append(Mention("instrument", a, b, sentence.span_text(a, b), kind, named=False, anaphoric=True,
                                 confidence=0.5, reason="refers back to an instrument named before"))
            continue
        key = tuple(t.lower for t in toks[i:j])
        qualified = key in tables["qualified"]
        if not qualified and i > 0 and (toks[i - 1].lower in tables["verbs"] or f"{toks[i-2].lower} {toks[i-1].lower}" in tables["verbs"]):
            listed_after = j - 1
            continue
        generic = i > 0 and (toks[i - 1].lower in tables["generic"] or (i > 1 and f"{toks[i-2].lower} {toks[i-1].lower}" in tables["generic"]))
        start, end, named = _instrument_span(sentence, i, j, tables, taken, lang)
        if generic and not _owner_follows(sentence, end, tables, taken):
            continue
        if qualified and not _domain_follows(sentence, start, end, tables):
            continue
        if found and not found[-1].anaphoric and start <= found[-1].j and _between(sentence, found[-1].j - 1, i).strip() == "":
            _merge_compound(sentence, found[-1], start, end, kind, tables["compound_head"])
            continue
        if any(p.title_at and start < p.title_at[1] and p.title_at[0] < end for p in taken if p.kind == "person"):
            continue  # "Director General of Defence Strategy", "Operation Commander": words of a title
        text = sentence.span_text(start, end)
        definite = (lang == "en" and _the_before(toks, start, taken)) or (lang == "vi" and end == j)
        entries = [e for e in lex.lookup(text) if e.family == "instrument"] if named else []
        entry = entries[0] if entries else None
        reason = f"the cue word {sentence.span_text(i, j)!r}" + (" in a proper name" if named else "")
        found.append(Mention("instrument", start, end, text, kind, entry, named=named, definite=definite and not named,
                             confidence=0.8 if named else 0.6, reason=reason))
    return found


def _the_before(toks, start: int, taken: list[Mention]) -> bool:
    """'the programme', 'the EUR 8 million programme': 'the' opens the phrase, before at most three modifiers."""
    for k in range(start - 1, max(-1, start - 5), -1):
        if toks[k].lower == "the":
            return True
        if (toks[k].lower in EN_DETERMINERS or toks[k].lower in EN_CONNECTORS or not _free(taken, k, k + 1)
                or not re.fullmatch(r"[\w.-]+", toks[k].text)):  # an actor's name is an owner, not a modifier
            return False
    return False


def _owner_follows(sentence: Sentence, end: int, tables: dict, taken: list[Mention]) -> bool:
    """An organisation written as the owner right after a phrase ('... của Liên hợp quốc', '... of the EU')."""
    toks = sentence.tokens
    if end >= len(toks) or toks[end].lower not in tables["owner_after"]:
        return False
    k = end + 1 + (end + 1 < len(toks) and toks[end + 1].lower == "the")
    return any(m.i == k and m.family == "actor" and m.kind != "person" for m in taken)


def _domain_follows(sentence: Sentence, start: int, end: int, tables: dict) -> bool:
    """A domain cue inside the phrase or in the few words after it, before any punctuation."""
    toks = sentence.tokens
    stop = end
    while stop < min(len(toks), end + 5) and not re.search(r"[,;:.()]", _between(sentence, stop - 1, stop)):
        stop += 1
    return bool(match_phrases(toks[start:stop], tables["domains"], "lower"))


def _merge_compound(sentence: Sentence, first: Mention, start: int, end: int, kind: str, head: str) -> None:
    """Two cue phrases in a row are one instrument ("cooperation partnership"); the head gives its kind."""
    first.i, first.j = min(first.i, start), max(first.j, end)
    first.text = sentence.span_text(first.i, first.j)
    if head == "last":
        first.kind = kind
    first.reason += f" (a compound: its kind is its {head} cue word's)"


def _instrument_span(sentence, i, j, tables, taken, lang) -> tuple[int, int, bool]:
    """The name around a cue: capitalised words (a proper name) or the cue and its modifiers."""
    toks = sentence.tokens
    connectors = VI_CONNECTORS if lang == "vi" else EN_CONNECTORS
    right = VI_CONNECTORS if lang == "vi" else {"of", "on", "for", "and", "the"}
    joined = lambda k: _between(sentence, k - 1, k).strip() in ("", "-", "–")  # noqa: E731  ("EU–ASEAN Programme")
    cap_or_conn = lambda k: toks[k].is_upper_initial or toks[k].lower in connectors  # noqa: E731
    # Vietnamese names capitalise a word's first syllable only: "An ninh Hàng hải"
    second = lambda k: lang == "vi" and k > 0 and toks[k - 1].is_upper_initial and toks[k].lower not in tables["boundaries"]  # noqa: E731
    start, end = i, j
    if toks[i].is_upper_initial and lang == "en":
        while start > 0 and joined(start) and cap_or_conn(start - 1) and toks[start - 1].lower not in EN_DETERMINERS:
            start -= 1
        while start < i and toks[start].lower in connectors:
            start += 1
    if toks[i].is_upper_initial or (start < i):
        k = end
        while k < len(toks) and joined(k) and (toks[k].is_upper_initial or toks[k].lower in right or second(k)) and _free(taken, k, k + 1):
            k += 1
        while k > end and toks[k - 1].lower in connectors:
            k -= 1
        if k > end and any(toks[x].is_upper_initial for x in range(end, k)):
            end = k
        if end > j or start < i:
            return start, end, True
    if lang == "vi":
        stop = lambda k: toks[k].lower in tables["boundaries"] or not _free(taken, k, k + 1) or not joined(k)  # noqa: E731
        k = j
        while k < len(toks) and k < j + 6 and not stop(k) and not toks[k].is_upper_initial:
            k += 1
        return i, k, False
    possessive = lambda k: toks[k].lower == "s" and k > 0 and _between(sentence, k - 1, k) in ("’", "'")  # noqa: E731
    k = i
    while k > 0 and k > i - 3 and joined(k) and toks[k - 1].lower not in tables["boundaries"] and not possessive(k - 1) \
            and toks[k - 1].lower not in EN_DETERMINERS and not toks[k - 1].is_upper_initial and _free(taken, k - 1, k):
        k -= 1
    return k, j, False
