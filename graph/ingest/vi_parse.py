"""The Vietnamese parser layer: pyvi's word segmentation and part-of-speech tags where the rules run out.

The rules read Vietnamese syllable by syllable: a person's name after a title starts at the last family
name they know ("Khúc Văn Lâm" -> "Văn Lâm"), a body's name runs a fixed number of syllables after its
head ("Bộ Tư lệnh Vùng 4 Hải quân" -> "Bộ Tư lệnh"), and a piece of a title is taken for a name ("Phó Tư
lệnh Vùng 4" -> a person "Vùng"). pyvi (MIT; a CRF word segmenter and POS tagger whose models ship inside
its wheel, nothing downloads) groups syllables into words and tags proper nouns ``Np``:

- a person named after a title is the run of proper-noun words there ("Khúc/Np Văn_Lâm/Np",
  "Lưu_Văn_Thạnh/Np"); a "person" with no proper noun is a piece of a title and is dropped;
- a body's name runs over whole words: capitalised words, a number followed by one ("Vùng 4 Hải quân"),
  and "và" between capitalised words that are not the head of another body ("Bộ Tư pháp và An ninh");
- a head word that is only part of a longer word is no head ("Trường hợp", "Ban hành").

Kinds, statuses, dates, places and linking stay with the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from partnergraph.graph.ingest.mentions import Mention, _between, _free
from partnergraph.graph.ingest.rules import get_rules
from partnergraph.graph.ingest.text import Sentence

BODY_KINDS = ("government_body", "international_organisation", "regional_organisation")
MAX_NAME_SYLLABLES = 10  # a body's name after its head ("Bộ Chỉ huy Bộ đội Biên phòng tỉnh An Giang")


@dataclass(frozen=True)
class Word:
    i: int  # rule tokens [i, j) of the word's syllables
    j: int
    tag: str  # pyvi's POS tag: Np proper noun, N noun, V verb, M number, C conjunction, E preposition, ...


@cache
def _pyvi():
    """pyvi's tokenizer and tagger, loaded once per process."""
    # lazy: importing pyvi loads its CRF models (~1.3 s of CPU, measured); only Vietnamese ingest needs it
    from pyvi import ViPosTagger, ViTokenizer  # noqa: PLC0415 - measured start-up cost, see the comment

    return ViTokenizer, ViPosTagger


def available() -> bool:
    """Whether pyvi can be loaded (it ships as a dependency; False only in a broken install)."""
    try:
        _pyvi()
        return True
    except ImportError:
        return False


def words(sentence: Sentence) -> list[Word]:
    """pyvi's words of the sentence, each as the span of rule tokens its syllables cover."""
    tokenizer, tagger = _pyvi()
    pieces, tags = tagger.postagging(tokenizer.tokenize(sentence.text))
    starts = {t.start - sentence.start: k for k, t in enumerate(sentence.tokens)}
    ends = {t.end - sentence.start: k + 1 for k, t in enumerate(sentence.tokens)}
    found, at = [], 0
    for piece, tag in zip(pieces, tags):
        text = piece.replace("_", " ")
        start = sentence.text.find(text, at)
        if start < 0:  # pyvi rewrote the piece (rare): it covers no rule token
            continue
        at = start + len(text)
        if start in starts and at in ends and starts[start] < ends[at]:
            found.append(Word(starts[start], ends[at], str(tag)))
    return found


@cache
def _connectors() -> frozenset[str]:
    return frozenset(get_rules()["vi_parser"]["name_connectors"])


def refine_actors(sentence: Sentence, taken: list[Mention], tables: dict, find_bodies) -> list[Mention]:
    """``taken`` with people and bodies re-cut on pyvi's words; ``find_bodies(taken)`` is the rules' body finder,
    run again on the syllables a dropped piece of a title frees ("Tư lệnh Binh chủng Hóa học")."""
    ws = words(sentence)
    by_token = {k: w for w in ws for k in range(w.i, w.j)}
    kept = [m for m in taken if not _piece_of_title(m, ws)]
    kept = [m for m in kept if not _head_inside_word(m, by_token, tables)]
    if len(kept) < len(taken):
        kept += find_bodies(kept)
    kept = [m for m in kept if not _head_inside_word(m, by_token, tables)]
    absorbed: list[Mention] = []  # bare heads that turned out to end a longer name
    for m in kept:
        if any(m is a for a in absorbed):
            continue
        if m.family == "actor" and m.kind == "person" and m.title_at and not m.node_id:
            _whole_person(sentence, m, ws, by_token, kept)
        elif m.family == "actor" and m.kind in BODY_KINDS and not m.node_id and m.owner is None \
                and _starts_with_head(m, sentence, tables):  # an owner state ends a body's name
            _whole_body(sentence, m, ws, by_token, kept, tables, absorbed)
    return [m for m in kept if not any(m is a for a in absorbed)]


def _piece_of_title(m: Mention, ws: list[Word]) -> bool:
    """A titled 'person' whose syllables hold no proper noun: a piece of an office ("Tư lệnh Vùng 4")."""
    if m.family != "actor" or m.kind != "person" or m.node_id or not m.title_at:
        return False
    over = [w for w in ws if w.i < m.j and m.i < w.j]
    if any(w.tag == "Np" for w in over):
        return False
    # a word that runs on past the name is pyvi's mis-segmentation ("Đỗ_Minh_Châu_tháp_tùng"), unless one syllable
    return m.j - m.i == 1 or all(m.i <= w.i and w.j <= m.j for w in over)


def _head_length(m: Mention, sentence: Sentence, tables: dict) -> int:
    texts = tuple(t.text for t in sentence.tokens[m.i:m.j])
    heads = [h for hs in tables["heads"].values() for h in hs if texts[:len(h)] == h]
    return max((len(h) for h in heads), default=0)


def _starts_with_head(m: Mention, sentence: Sentence, tables: dict) -> bool:
    return _head_length(m, sentence, tables) > 0


def _head_inside_word(m: Mention, by_token: dict[int, Word], tables: dict) -> bool:
    """A body whose head syllable is the start of a longer word ("Trường hợp", "Ban hành"): no body."""
    if m.family != "actor" or m.kind not in BODY_KINDS or m.node_id or m.j - m.i < 2:
        return False
    word = by_token.get(m.i)
    single = {h[0] for hs in tables["heads"].values() for h in hs if len(h) == 1}
    return word is not None and word.j > m.i + 1 and m.text.split()[0] in single and not _known_head(word, m, tables)


def _known_head(word: Word, m: Mention, tables: dict) -> bool:
    """The longer word is itself a head ("Bộ Tư lệnh" segmented "Bộ/Tư_lệnh" or "Cảnh_sát biển")."""
    n = word.j - m.i
    heads = {h for hs in tables["heads"].values() for h in hs}
    return tuple(m.text.split()[:n]) in heads


def _whole_person(sentence: Sentence, m: Mention, ws, by_token, taken) -> None:
    """The name as the run of proper-noun words around the rules' span, after the title."""
    first, last = by_token.get(m.i), by_token.get(m.j - 1)
    if first is None or last is None:
        return
    i = min(first.i, m.i)
    j = max(m.j, last.j if _capitalised(sentence, last) else m.j)  # not into "Đỗ_Minh_Châu_tháp_tùng"
    others = [x for x in taken if x is not m]
    before = [w for w in ws if w.j <= i]
    bound = m.title_at[1] if m.title_at[1] <= m.i else 0  # a title after the name ("X, Thứ trưởng") bounds nothing
    while before and before[-1].j == i and before[-1].tag == "Np" and before[-1].i >= bound \
            and _capitalised(sentence, before[-1]) and _free(others, before[-1].i, i) \
            and not _between(sentence, before[-1].j - 1, i).strip():
        i = before.pop().i
    if (i, j) != (m.i, m.j) and _free(others, i, j) and j - i <= 5:
        m.i, m.j, m.text = i, j, sentence.span_text(i, j)
        m.reason += "; the whole name from pyvi's proper nouns"


def _whole_body(sentence: Sentence, m: Mention, ws, by_token, taken, tables, absorbed: list) -> None:
    """The body's name over whole words after its head (see the module's docstring)."""
    toks = sentence.tokens
    head_end = m.i + _head_length(m, sentence, tables)
    end = m.j
    last = by_token.get(end - 1)
    if last is not None and last.j > end:
        end = last.j
    heads = {h for hs in tables["heads"].values() for h in hs}
    others = [x for x in taken if x is not m and x is not m.owner]
    nxt = lambda k: next((w for w in ws if w.i == k), None)  # noqa: E731
    while end < len(toks) and end - head_end < MAX_NAME_SYLLABLES and not _between(sentence, end - 1, end).strip():
        word = nxt(end)
        bare = next((x for x in others if x.i == end and _bare_head(x, heads)), None)
        if bare is not None:  # "Vùng 4 Hải quân": a head alone ("Hải quân") continues the name
            end = bare.j
            absorbed.append(bare)
            continue
        if word is None or not _free(others, word.i, word.j):
            break
        after = nxt(word.j)
        if toks[word.i].is_upper_initial and toks[word.i].lower not in tables["boundaries"]:
            end = word.j
        elif word.tag == "M" and toks[word.i].text.isdigit() and after is not None and toks[after.i].is_upper_initial:
            end = word.j  # "Vùng 4 Hải quân"
        elif toks[word.i].lower in _connectors() and after is not None and toks[after.i].is_upper_initial \
                and not toks[after.i].text.isupper() \
                and tuple(t.text for t in toks[after.i:after.j]) not in heads and toks[after.i].text not in {h[0] for h in heads} \
                and _free(others, after.i, after.j):
            end = word.j  # "Bộ Tư pháp và An ninh Hà Lan"
        else:
            break
    owner = next((x for x in taken if x.i == end and x.kind in ("state", "union") and x.family == "actor"), None)
    if owner is not None and not _between(sentence, end - 1, end).strip():
        m.owner, end = owner, owner.j
    if end > m.j:
        m.j, m.text = end, sentence.span_text(m.i, end)
        m.reason += "; the whole name over pyvi's words"


def _bare_head(m: Mention, heads: set) -> bool:
    return m.family == "actor" and m.kind in BODY_KINDS and tuple(m.text.split()) in heads


def _capitalised(sentence: Sentence, word: Word) -> bool:
    return all(t.is_upper_initial for t in sentence.tokens[word.i:word.j])
