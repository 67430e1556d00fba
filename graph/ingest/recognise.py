"""Mentions in one sentence: actors, instruments, places, dates, statuses, domains and relation cues.

>>> from partnergraph.graph.build import load_graph
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

from .dates import FoundDate, find_dates
from .lexicon import Entry, Lexicon, cue_table, is_acronym, match_phrases
from .rules import get_rules
from .text import Sentence, phrase_key

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
    owner: "Mention | None" = None  # bodies: the state or union in their name
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
        "heads": {kind: [tuple(h.split()) for h in v.get(lang, [])] for kind, v in rules["body_heads"].items()},
        "boundaries": {w for p in rules["phrase_boundaries"][lang] for w in [p.lower()]},
        "anaphora": {p.lower() for p in rules["anaphora"][lang]},
        "generic": {p.lower() for p in rules["generic_markers"][lang]},
        "verbs": {p.lower() for p in rules["verb_markers"][lang]},
        "partners": {p.lower() for p in rules["partner_words"][lang]},
        "place_markers": {p.lower() for p in rules["place_markers"][lang]},
        "family_names": set(rules["vi_family_names"]),
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
    taken += _titled_people(sentence, lex, tables, taken, lang)
    taken += _new_acronyms(sentence, lex, tables, taken, parens)
    taken += _bodies(sentence, lex, tables, taken, lang)
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
    toks, found = sentence.tokens, []
    for i, j, _ in match_phrases(toks, tables["titles"], "lower"):
        title = sentence.span_text(i, j)
        known = [m for m in taken if m.family == "actor" and m.kind == "person" and j <= m.i <= j + 14
                 and not re.search(r"[,;.]", sentence.text[toks[j - 1].end - sentence.start:toks[m.i].start - sentence.start])]
        if known:
            known[0].title = known[0].title or title
            continue
        start, end = _person_name(sentence, j, tables, lang, taken + found)
        before = [m for m in taken + found if m.kind == "person" and 0 < m.j <= i
                  and _between(sentence, m.j - 1, i).strip() == ","]
        if end == start and before:  # "Julien Guerrier, Đại sứ, ..." names the office after the name
            before[0].title = title
            continue
        if end - start < (2 if lang == "vi" and not toks[i].is_upper_initial else 1):
            continue
        entries = [e for e in lex.names.get(tuple(t.folded for t in toks[start:end]), []) if e.kind == "person"]
        entry = entries[0] if entries else None
        found.append(Mention("actor", start, end, sentence.span_text(start, end), "person", entry, title=title,
                             confidence=0.75, reason=f"a name after the title {title!r}"))
    return found


def _person_name(sentence: Sentence, j: int, tables: dict, lang: str, taken: list[Mention]) -> tuple[int, int]:
    toks = sentence.tokens
    cap = lambda k: toks[k].is_upper_initial and _free(taken, k, k + 1) and not toks[k].text.isupper()  # noqa: E731
    if lang == "vi":
        for k in range(j, min(j + 6, len(toks))):
            if toks[k].text in tables["family_names"] and cap(k):
                end = _run(sentence, k, 4, cap)
                if end - k >= 2:
                    return k, end
        foreign = lambda k: cap(k) and not _VI_ONLY.search(toks[k].text)  # noqa: E731
        if j < len(toks) and _between(sentence, j - 1, j).strip() == "" and foreign(j):
            return j, _run(sentence, j, 4, foreign)
        for k in range(j, min(j + 6, len(toks))):  # after a portfolio: Bộ trưởng Quốc phòng Nhật Bản Kihara Minoru
            if re.search(r"[,;.]", _between(sentence, k - 1, k)):
                break
            end = _run(sentence, k, 4, foreign) if foreign(k) else k
            if end - k >= 2:
                return k, end
        return j, j
    if j < len(toks) and _between(sentence, j - 1, j).strip() in ("", "."):
        return j, _run(sentence, j, 4, cap)
    return j, j


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
                return "instrument", tables["instruments"][key], start
            for kind, heads in tables["heads"].items():
                if tuple(t.text for t in toks[start:start + n]) in heads:
                    return "actor", kind, start
    return None


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
                    found.append(mention)
    return found


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
        if i > 0 and (toks[i - 1].lower in tables["generic"] or (i > 1 and f"{toks[i-2].lower} {toks[i-1].lower}" in tables["generic"])):
            continue
        start, end, named = _instrument_span(sentence, i, j, tables, taken, lang)
        if qualified and not _domain_follows(sentence, start, end, tables):
            continue
        if found and not found[-1].anaphoric and start <= found[-1].j and _between(sentence, found[-1].j - 1, i).strip() == "":
            _merge_compound(sentence, found[-1], start, end, kind, tables["compound_head"])
            continue
        text = sentence.span_text(start, end)
        definite = (lang == "en" and start > 0 and toks[start - 1].lower == "the") or (lang == "vi" and end == j)
        entries = [e for e in lex.lookup(text) if e.family == "instrument"] if named else []
        entry = entries[0] if entries else None
        reason = f"the cue word {sentence.span_text(i, j)!r}" + (" in a proper name" if named else "")
        found.append(Mention("instrument", start, end, text, kind, entry, named=named, definite=definite and not named,
                             confidence=0.8 if named else 0.6, reason=reason))
    return found


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
    joined = lambda k: _between(sentence, k - 1, k).strip() in ("", "-")  # noqa: E731
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
