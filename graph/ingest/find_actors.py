"""Actors in a sentence: known names, acronyms, titled people, bodies named by their heads."""

from __future__ import annotations

import re

from partnergraph.graph.ingest.lexicon import Entry, Lexicon, is_acronym, match_phrases
from partnergraph.graph.ingest.text import Sentence, phrase_key
from partnergraph.graph.ingest.mentions import (
    EN_CONNECTORS,
    EN_DETERMINERS,
    Mention,
    _VI_ONLY,
    _between,
    _free,
)


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
            if body.family == "actor" and not _tie_to_body(body, inner, toks[i - 1].lower in tables["accreditation"]):
                continue
            made.append(inner)  # an instrument's name ("EU missions and operations") gives its actors as they are
    return made


def _tie_to_body(body, inner, after_accreditation: bool) -> bool:
    """Tie a state or union named inside a body's name to it: the state it is posted to ('Delegation ... to
    Thailand') or its owner; False when the body already has an owner (the name is not taken again)."""
    if after_accreditation and inner.kind == "state":
        body.posted_to = body.posted_to or inner
    elif body.owner is None:
        body.owner = inner
    else:
        return False
    return True


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
        # "Ministry of Defence of Singapore (MINDEF)": a state that ends a longer name does not take its acronym
        covered = [m for m in taken if m.j == k and not (m.kind == "state" and m.i > 0
                                                          and sentence.tokens[m.i - 1].lower in ("of", "của"))]
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
        owner = next((m for m in taken if family == "actor" and start < m.i and m.j == k and m.kind in ("state", "union")), None)
        found.append(Mention(family, start, k + 1, name, kind, None, short_name=acr, owner=owner, confidence=0.8,
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
    words = [t.text for t in toks]
    for kind, heads in tables["heads"].items():
        for head in heads:
            n = len(head)
            for i in range(len(toks) - n + 1):
                if words[i] != head[0] or tuple(words[i:i + n]) != head or not _free(taken + found, i, i + n):
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
    if toks[end - 1].lower in EN_CONNECTORS and toks[end].lower == "the" and end + 1 < len(toks):
        end += 1  # "Delegation of the European Union"
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
    if end <= i + n:
        return None
    posted = _posted_to(sentence, tables, taken, toks[i:i + n], end) if owner is not None else None
    end = posted.j if posted is not None else end
    text = sentence.span_text(i, end)
    entry = _linked_body(lex, text, kind)
    reason = f"a {kind.replace('_', ' ')} named by its head word {' '.join(t.text for t in toks[i:i + n])!r}"
    return Mention("actor", i, end, text, kind, entry, owner=owner, posted_to=posted, confidence=0.7, reason=reason)


def _posted_to(sentence: Sentence, tables: dict, taken: list[Mention], head, end: int) -> Mention | None:
    """'Delegation of the European Union to Thailand': a delegation's name goes on with the state it is posted to."""
    toks = sentence.tokens
    if " ".join(t.text for t in head) not in tables["posted_heads"] or end >= len(toks) \
            or toks[end].lower not in tables["accreditation"] or _between(sentence, end - 1, end).strip():
        return None
    k = end + 1 + (end + 1 < len(toks) and toks[end + 1].lower == "the")
    return next((m for m in taken if m.i == k and m.family == "actor" and m.kind == "state"), None)


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
