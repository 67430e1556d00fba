"""Dates in English and Vietnamese sentences, as EDTF strings.

dateparser finds and reads single dates in both languages ("17 October 2019",
"ngày 26/10/2023", "ngày 16/8"). It reads day ranges wrongly ("14-15/8" becomes
14 Aug 2015), so ranges are read by the two patterns below first. A date without
a year takes the article's year when the article has a dated header, and stays
unknown (XXXX) when it has none: it is never guessed.

>>> [d.edtf for d in find_dates("Từ 14-15/8, EU và Indonesia đã tiến hành", "vi")]
['XXXX-08-14/XXXX-08-15']
>>> [d.edtf for d in find_dates("(ngày 26/10/2023) diễn ra tại", "vi")]
['2023-10-26']
>>> [d.edtf for d in find_dates("signed on 17 October 2019 in Hanoi", "en")]
['2019-10-17']
>>> [d.edtf for d in find_dates("in August", "en", year=2019)]
['2019-08']
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import cache, lru_cache

from babel import Locale

from partnergraph.graph.ingest.rules import get_rules

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_VI_RANGE = re.compile(r"\b(\d{1,2})\s*[-–]\s*(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*(\d{4}))?\b")
_DAY_MONTH_RANGE = r"\b(\d{{1,2}})\s*(?:[-–]|to|and|đến)\s*(\d{{1,2}})\s+({months})(?:,?\s+(\d{{4}}))?\b"
_RELATIVE_ONLY = re.compile(r"^\W*(" + "|".join(map(re.escape, get_rules()["relative_dates"])) + r")\W*$", re.I)


@dataclass(frozen=True)
class FoundDate:
    start: int  # offsets in the searched text
    end: int
    text: str
    edtf: str  # e.g. 2019-10-17, XXXX-08-14/XXXX-08-15, 2019-08
    year_from_article: bool = False

    @property
    def is_range(self) -> bool:
        return "/" in self.edtf


@cache
def _month_names() -> dict[str, int]:
    names = {}
    for locale in ("en", "vi"):
        for width in ("wide", "abbreviated"):
            for number, name in Locale(locale).months["format"][width].items():
                names[name.casefold().rstrip(".")] = number
    return names


@cache
def _en_range() -> re.Pattern:
    months = "|".join(sorted((re.escape(m) for m in _month_names() if m.isalpha()), key=len, reverse=True))
    return re.compile(_DAY_MONTH_RANGE.format(months=months), re.I)


def _edtf(year: int | None, month: int | None, day: int | None = None) -> str:
    text = f"{year:04d}" if year else "XXXX"
    if month:
        text += f"-{month:02d}"
        if day:
            text += f"-{day:02d}"
    return text


def _ranges(text: str, year: int | None) -> list[FoundDate]:
    found = []
    for m in _VI_RANGE.finditer(text):
        found.append(_range(m, int(m[1]), int(m[2]), int(m[3]), m[4], year))
    for m in _en_range().finditer(text):
        found.append(_range(m, int(m[1]), int(m[2]), _month_names()[m[3].casefold()], m[4], year))
    return [f for f in found if f is not None]


def _range(m: re.Match, d1: int, d2: int, month: int, stated_year: str | None, year: int | None):
    if not (1 <= d1 < d2 <= 31 and 1 <= month <= 12):
        return None
    y = int(stated_year) if stated_year else year
    edtf = f"{_edtf(y, month, d1)}/{_edtf(y, month, d2)}"
    return FoundDate(m.start(), m.end(), m[0], edtf, year_from_article=bool(y and not stated_year))


@cache
def _parser(lang: str):
    # lazy: dateparser costs ~120 ms to import (measured); only this path needs it
    from dateparser.date import DateDataParser

    return DateDataParser(languages=[lang], settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first"})


def _singles(text: str, lang: str, year: int | None, taken: list[FoundDate]) -> list[FoundDate]:
    # lazy: dateparser costs ~120 ms to import (measured); only this path needs it
    from dateparser.search import search_dates

    if not re.search(r"\d", text) and not set(re.findall(r"\w+", text.casefold())) & set(_month_names()):
        return []  # no hit could pass _looks_like_date: spare dateparser's search (most of ingest's time)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hits = search_dates(text, languages=[lang], settings={"DATE_ORDER": "DMY"}) or []
    found, cursor = [], 0
    for hit_text, _ in hits:
        start = text.find(hit_text, cursor)
        if start < 0:
            continue
        cursor = end = start + len(hit_text)
        if any(t.start < end and start < t.end for t in taken) or not _looks_like_date(hit_text):
            continue
        date = _read_single(hit_text, lang, year)
        if date:
            found.append(FoundDate(start, end, hit_text, *date))
    return found


def _looks_like_date(text: str) -> bool:
    """A day number or a month name: not 'today', not 'ngày thứ hai' (the second day)."""
    if _RELATIVE_ONLY.match(text):
        return False
    if re.search(r"\d", text):
        return bool(re.search(r"\d{1,2}\s*/\s*\d{1,2}|\d{4}|\b\d{1,2}\b", text))
    words = re.findall(r"\w+", text.casefold())
    return any(w in _month_names() for w in words)


@lru_cache(maxsize=4096)  # the same date phrase ("2019", "17 October") recurs across an article's sentences
def _read_single(text: str, lang: str, year: int | None) -> tuple[str, bool] | None:
    data = _parser(lang).get_date_data(text)
    if data.date_obj is None:
        return None
    stated = _YEAR.search(text)
    precision = data.period  # 'day', 'month' or 'year'
    if precision == "year" and not stated:
        return None
    y = int(stated[1]) if stated else year
    d = data.date_obj
    if precision == "year":
        return _edtf(y, None), False
    if precision == "month":
        return _edtf(y, d.month), bool(y and not stated)
    return _edtf(y, d.month, d.day), bool(y and not stated)


def find_dates(text: str, lang: str, year: int | None = None) -> list[FoundDate]:
    """Dates in ``text`` in order; ``year`` (the article's) fills dates that omit theirs."""
    ranges = _ranges(text, year)
    singles = [d for d in _singles(text, lang, year, ranges) if d.edtf]
    return sorted(ranges + singles, key=lambda d: d.start)


def header_date(value: str) -> str | None:
    """The EDTF day, month or year of an article header's date ('2024-03-05', '5 March 2024')."""
    value = value.strip()
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return value
    for lang in ("en", "vi"):
        found = find_dates(value, lang)
        if found and "X" not in found[0].edtf:
            return found[0].edtf
    return None
