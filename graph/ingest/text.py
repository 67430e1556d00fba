"""Articles, sentences and tokens: the text side of ingest.

An article is a UTF-8 text file, optionally opened by a header of ``Key: value``
lines (URL, Title, Date, Publisher, Language) and a blank line. Sentences come
from pysbd (measured against underthesea and blingfire on the seed texts: see
docs/ingest.md); tokens keep their character offsets so that every quote is the
article's own text.

>>> art = parse_article("Title: Talks\\nDate: 2024-03-05\\n\\nThe EU met Japan. Mr. X spoke.", "a.txt")
>>> art.title, art.date, art.lang, [s.text for s in sentences(art)]
('Talks', '2024-03-05', 'en', ['The EU met Japan.', 'Mr. X spoke.'])
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Iterator

import pysbd

from partnergraph.graph.ingest.dates import header_date
from partnergraph.graph.ingest.rules import get_rules
from partnergraph.graph.model.names import fold

HEADER_KEYS: dict[str, str] = get_rules()["header_keys"]  # header key (case-folded) -> Article field
_HEADER_LINE = re.compile(r"^\s*([^:\n]{2,20}?)\s*:\s*(\S.*?)\s*$")
# Letters only Vietnamese uses among Latin scripts (with their tone-marked forms).
_VI_LETTERS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)
_WORD = re.compile(r"\w+")


@dataclass
class Article:
    """One article: its body text and what its header says."""

    path: str
    text: str  # the whole file, as read
    body_start: int  # offset of the body in text
    url: str | None = None
    title: str | None = None
    date: str | None = None  # EDTF, from the header
    publisher: str | None = None
    lang: str = "en"
    warnings: list[str] = field(default_factory=list)  # what reading it had to cut (see sentences())

    @property
    def body(self) -> str:
        return self.text[self.body_start:]


@dataclass
class Token:
    start: int
    end: int
    text: str
    folded: str  # case- and diacritic-free (names)
    lower: str  # lower case, diacritics kept (Vietnamese cue words)

    @property
    def is_upper_initial(self) -> bool:
        return self.text[:1].isupper()


@dataclass
class Sentence:
    """A sentence with absolute offsets into the article and its tokens."""

    start: int
    end: int
    text: str
    tokens: list[Token] = field(default_factory=list)
    quoted: bool = False  # a sentence inside a quotation of several sentences
    lead_in: bool = False  # the words before such a quotation ("X said:")

    def span_text(self, i: int, j: int) -> str:
        """The text from token i to token j-1, as written."""
        return self.text[self.tokens[i].start - self.start:self.tokens[j - 1].end - self.start]


class ArticleError(ValueError):
    """An article that cannot be read."""


def read_article(path: str | Path, lang: str = "auto") -> Article:
    """Read an article file; ``lang`` is 'en', 'vi' or 'auto' (detected from its letters)."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise ArticleError(f"{path}: file not found")
    except (OSError, UnicodeDecodeError) as exc:
        raise ArticleError(f"{path}: cannot read it as UTF-8 text ({exc})")
    if not text.strip():
        raise ArticleError(f"{path}: the file is empty")
    return parse_article(text, str(path), lang)


def parse_article(text: str, path: str = "<text>", lang: str = "auto") -> Article:
    """An Article from text: the header (if any) is read, the body kept verbatim."""
    text = unicodedata.normalize("NFC", text)
    header, body_start = _read_header(text)
    article = Article(path=path, text=text, body_start=body_start, **header)
    if header.get("date"):
        article.date = header_date(header["date"])
    if lang == "auto":
        lang = header.get("lang") or detect_language(article.body)
    if lang not in ("en", "vi"):
        raise ArticleError(f"{path}: language {lang!r} is not supported; use en or vi")
    article.lang = lang
    return article


def _read_header(text: str) -> tuple[dict, int]:
    """``Key: value`` lines before the first blank line, when every one is a known key."""
    head, sep, _ = text.partition("\n\n")
    if not sep:
        return {}, 0
    found = {}
    for line in head.splitlines():
        match = _HEADER_LINE.match(line)
        key = HEADER_KEYS.get(match[1].strip().casefold()) if match else None
        if not key:
            return {}, 0
        found[key] = match[2]
    if "lang" in found:
        found["lang"] = found["lang"].strip().casefold()[:2]
    return found, len(head) + len(sep)


def detect_language(text: str) -> str:
    """'vi' when Vietnamese letters are frequent (over 2% of letters), else 'en'.

    >>> detect_language("Liên minh châu Âu đang tìm cách"), detect_language("The Union seeks")
    ('vi', 'en')
    """
    letters = sum(c.isalpha() for c in text) or 1
    return "vi" if len(_VI_LETTERS.findall(text)) / letters > 0.02 else "en"


@cache
def _segmenter():
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def sentences(article: Article) -> list[Sentence]:
    """The body's sentences (each paragraph line split by pysbd), with tokens (see iter_sentences)."""
    return list(iter_sentences(article))


def iter_sentences(article: Article) -> Iterator[Sentence]:
    """The body's sentences (each paragraph line split by pysbd), with tokens, as they are split.

    A quotation of several sentences is split into them (pysbd keeps it whole); the
    words before it ("X said:") become a sentence of their own, marked ``lead_in``.

    >>> art = parse_article('She said: "We met. We agreed." Then she left.', lang="en")
    >>> [(s.text, s.quoted, s.lead_in) for s in iter_sentences(art)]
    [('She said:', False, True), ('We met.', True, False), ('We agreed.', True, False), ('Then she left.', False, False)]
    """
    body, base = article.body, article.body_start
    offset = 0
    for number, line in enumerate(body.splitlines(keepends=True), 1):
        if line.strip():
            for start, end in _bounded(article, number, line, _pieces(article, number, line)):
                for a, b, role in _split_quotation(line, start, end):
                    raw = line[a:b]
                    lead = len(raw) - len(raw.lstrip())
                    stripped = raw.strip()
                    if stripped:
                        s = base + offset + a + lead
                        yield Sentence(s, s + len(stripped), stripped, tokenize(stripped, s),
                                       quoted=role == "quoted", lead_in=role == "lead_in")
        offset += len(line)


_OPEN_QUOTE = re.compile(r'(?:^|(?<=[\s:(]))["“«]')
_CLOSE_QUOTE = re.compile(r'["”»]')


def _split_quotation(line: str, start: int, end: int) -> list[tuple[int, int, str | None]]:
    """The span, or its lead-in, inner sentences and what follows when it quotes several sentences."""
    text = line[start:end]
    opening = _OPEN_QUOTE.search(text)
    if not opening:
        return [(start, end, None)]
    inner_start = opening.end()
    closing = _CLOSE_QUOTE.search(text, inner_start)
    inner_end = closing.start() if closing else len(text)
    pieces = _split(text[inner_start:inner_end])
    if len(pieces) < 2:
        return [(start, end, None)]
    spans: list[tuple[int, int, str | None]] = []
    if re.search(r"\w", text[:opening.start()]):
        spans.append((start, start + opening.start(), "lead_in"))
    spans += [(start + inner_start + a, start + inner_start + b, "quoted") for a, b in pieces]
    rest = inner_end + 1 if closing else len(text)
    if re.search(r"\w", text[rest:]):
        spans += _split_quotation(line, start + rest, end)
    return spans


# Bounds that keep ingest linear in the text: the sentence splitter sees pieces of a line of at most
# MAX_LINE characters (cut at a sentence end, else a space), and a "sentence" longer than MAX_SENTENCE characters (a list,
# a table, text without punctuation) is cut at spaces into pieces of at most that, with a warning.
MAX_LINE = 2_000  # pysbd's time grows faster than the length of what it is given
MAX_SENTENCE = 2_000


_SENTENCE_END = re.compile(r"[.!?…][\"”»)]?\s")


def _cuts(text: str, limit: int) -> list[tuple[int, int]]:
    """[start, end) pieces of text of at most ``limit`` characters, cut after the last sentence end before
    the limit (". "), else after the last space, else at the limit."""
    spans, start = [], 0
    while len(text) - start > limit:
        ends = [m.end() for m in _SENTENCE_END.finditer(text, start + limit // 2, start + limit)]
        space = text.rfind(" ", start + limit // 2, start + limit)
        cut = ends[-1] if ends else (space + 1 if space > 0 else start + limit)
        spans.append((start, cut))
        start = cut
    spans.append((start, len(text)))
    return spans


def _pieces(article: Article, number: int, line: str) -> list[tuple[int, int]]:
    """The line's sentences (pysbd), the line first cut into pieces of MAX_LINE characters when longer."""
    if len(line) <= MAX_LINE:
        return _join_abbreviations(line, _split(line))
    if len(_SENTENCE_END.findall(line)) < len(line) // MAX_LINE:
        article.warnings.append(f"{article.path}: line {number} has {len(line):,} characters; "
                                f"few sentence ends; it was cut at spaces into pieces of at most {MAX_LINE:,} characters")
    spans = []
    for a, b in _cuts(line, MAX_LINE):
        spans += [(a + s, a + e) for s, e in _join_abbreviations(line[a:b], _split(line[a:b]))]
    return spans


def _bounded(article: Article, number: int, line: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences longer than MAX_SENTENCE characters cut at spaces, with one warning per line."""
    result, long = [], 0
    for start, end in spans:
        if end - start <= MAX_SENTENCE:
            result.append((start, end))
            continue
        long += 1
        result += [(start + a, start + b) for a, b in _cuts(line[start:end], MAX_SENTENCE)]
    if long:
        article.warnings.append(f"{article.path}: line {number}: {long} sentence(s) over {MAX_SENTENCE:,} characters "
                                "were cut at spaces into shorter pieces; facts across the cuts may be missed")
    return result


def _split(line: str) -> list[tuple[int, int]]:
    return [(span.start, span.end) for span in _segmenter().segment(line)]


def _join_abbreviations(line: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Re-join pieces split after a Vietnamese abbreviation (TP., PGS.)."""
    abbreviations = tuple(get_rules()["vi_abbreviations"])
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined and line[joined[-1][0]:joined[-1][1]].rstrip().endswith(abbreviations):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def words(text: str) -> list[str]:
    """The text of tokenize's tokens alone (no offsets, no folding: cheaper)."""
    return _WORD.findall(text)


def tokenize(text: str, base: int = 0) -> list[Token]:
    """Word tokens with absolute offsets, folded (names) and lower-cased (cues)."""
    return [
        Token(base + m.start(), base + m.end(), m[0], fold(m[0]), m[0].lower())
        for m in _WORD.finditer(text)
    ]


def phrase_key(phrase: str, folded: bool = True) -> tuple[str, ...]:
    """The token key of a name or cue: folded for names, lower-case for cues."""
    return tuple(fold(w) if folded else w.lower() for w in _WORD.findall(unicodedata.normalize("NFC", phrase)))
