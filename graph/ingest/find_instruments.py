"""Instruments in a sentence: cue words and the phrase around them."""

from __future__ import annotations

import re

from partnergraph.graph.ingest.lexicon import Lexicon, match_phrases
from partnergraph.graph.ingest.text import Sentence
from partnergraph.graph.ingest.mentions import (
    EN_CONNECTORS,
    EN_DETERMINERS,
    EN_TAIL_CONNECTORS,
    Mention,
    VI_CONNECTORS,
    _between,
    _free,
)


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
        if _office_name(toks, start, i, tables):
            continue  # "Director for Security and Defence Policy", "Deputy Minister for Policy": an office's name
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
    right = VI_CONNECTORS if lang == "vi" else EN_TAIL_CONNECTORS
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
    # "Hiến chương ASEAN", "Công ước Liên hợp quốc về Luật Biển": in a Vietnamese title an organisation's name
    # after the capitalised cue is part of it (its author; actor_checks.py keeps it out of the actors)
    titled_org = lambda k: lang == "vi" and toks[i].is_upper_initial and any(  # noqa: E731
        m.i <= k < m.j and m.family == "actor" and m.kind in ("regional_organisation", "international_organisation")
        for m in taken)
    if toks[i].is_upper_initial or (start < i):
        k = end
        while k < len(toks) and joined(k) and (titled_org(k) or (
                (toks[k].is_upper_initial or toks[k].lower in right or second(k)) and _free(taken, k, k + 1))):
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


OFFICE_REACH = 4  # words between a title and its "for" ("Representative of the Union for")


def _office_name(toks, start: int, i: int, tables: dict) -> bool:
    """A cue phrase that is the end of an office's name: a title (or a deputy's word) shortly before a link word
    ('for') before the cue's words ("High Representative of the Union for Foreign Affairs and Security Policy",
    "Deputy for Cyber Security Operations")."""
    links = [k for k in range(max(0, start - 1), i) if toks[k].lower in tables["office_links"]]
    title_words = tables["title_last"] | {w.lower() for w in tables["title_prefixes"]}
    return any(toks[t].lower in title_words for k in links for t in range(max(0, k - OFFICE_REACH), k))
