"""Dates that keep their precision.

Dates are written in a subset of EDTF (the Library of Congress Extended
Date/Time Format, ISO 8601-2):

==========================  ==============================================
``2019-10-17``              a day
``2019-10``                 a month
``2019``                    a year
``XXXX-08-14``              a day and month whose year the source omits
``2022-08-14/2022-08-15``   a range (either side may be any form above)
==========================  ==============================================

The ``edtf`` package parses the full standard but takes ~4 ms per date and
~100 ms to import (measured), too slow for half a million instruments and for
a CLI that must start in under half a second; the tests check that this module
agrees with ``edtf`` on every form it accepts.

>>> d = parse_date("XXXX-08-14/XXXX-08-15")
>>> d.precision, d.year_known, format_date(d)
('day', False, '14–15 Aug (year not stated)')
>>> parse_date("2019-10").upper
datetime.date(2019, 10, 31)
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

_PART = re.compile(r"^(?P<year>\d{4}|XXXX)(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")
_MONTHS = [None, "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


class DateError(ValueError):
    """A date string that is not in the accepted EDTF subset."""


@dataclass(frozen=True)
class _Point:
    year: int | None
    month: int | None
    day: int | None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def bounds(self) -> tuple[date | None, date | None]:
        if self.year is None:
            return None, None
        if self.month is None:
            return date(self.year, 1, 1), date(self.year, 12, 31)
        if self.day is None:
            last = calendar.monthrange(self.year, self.month)[1]
            return date(self.year, self.month, 1), date(self.year, self.month, last)
        day = date(self.year, self.month, self.day)
        return day, day

    def sort_key(self) -> tuple[int, int, int]:
        # Unknown years sort after every known one; month and day still order them.
        return (self.year if self.year is not None else 9999, self.month or 0, self.day or 0)


@dataclass(frozen=True)
class PartialDate:
    """A parsed date: its text, precision, bounds and whether the year is known."""

    text: str
    start: _Point
    end: _Point

    @property
    def precision(self) -> str:
        return self.start.precision

    @property
    def is_range(self) -> bool:
        return self.start != self.end

    @property
    def year_known(self) -> bool:
        return self.start.year is not None

    @property
    def lower(self) -> date | None:
        """Earliest day the date can mean, or None when the year is unknown."""
        return self.start.bounds()[0]

    @property
    def upper(self) -> date | None:
        """Latest day the date can mean, or None when the year is unknown."""
        return self.end.bounds()[1]

    def sort_key(self) -> tuple:
        return self.start.sort_key() + self.end.sort_key()


def _parse_point(text: str, whole: str) -> _Point:
    match = _PART.match(text)
    if not match:
        raise DateError(
            f"bad date {whole!r}: write YYYY-MM-DD, YYYY-MM, YYYY, XXXX-MM-DD "
            "(year not stated) or a range such as 2022-08-14/2022-08-15"
        )
    year = None if match["year"] == "XXXX" else int(match["year"])
    month = int(match["month"]) if match["month"] else None
    day = int(match["day"]) if match["day"] else None
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"bad date {whole!r}: month {month} is not 1-12")
    if day is not None:
        days = calendar.monthrange(year if year is not None else 2000, month)[1]
        if not 1 <= day <= days:
            raise DateError(f"bad date {whole!r}: day {day} is not in month {month}")
    if year is None and month is None:
        raise DateError(f"bad date {whole!r}: a date with no year needs at least a month")
    return _Point(year, month, day)


@lru_cache(maxsize=65536)
def parse_date(text: str) -> PartialDate:
    """Parse an EDTF-subset date string; raise DateError with a hint if it is not one."""
    if not isinstance(text, str):
        raise DateError(f"bad date {text!r}: write it as a quoted string such as '2019-10-17'")
    text = text.strip()
    left, sep, right = text.partition("/")
    start = _parse_point(left, text)
    end = _parse_point(right, text) if sep else start
    if sep:
        if (start.year is None) != (end.year is None):
            raise DateError(f"bad date {text!r}: both ends of a range need a year, or neither")
        if start.sort_key() > end.sort_key():
            raise DateError(f"bad date {text!r}: the range ends before it starts")
    return PartialDate(text, start, end)


def _format_point(p: _Point, with_year: bool = True) -> str:
    parts = []
    if p.day:
        parts.append(str(p.day))
    if p.month:
        parts.append(_MONTHS[p.month])
    if with_year and p.year is not None:
        parts.append(str(p.year))
    return " ".join(parts)


#: Babel skeletons by what the source gives: day, month or year (with or without the year).
_SKELETONS = {("day", True): "yMMMMd", ("month", True): "yMMMM", ("year", True): "y",
              ("day", False): "MMMMd", ("month", False): "MMMM"}


def _point_vi(p: _Point) -> str:
    """One end of a date in Vietnamese at its precision ('17 tháng 10 2019', 'tháng 10 năm 2019', '14 tháng 8')."""
    from babel.dates import format_skeleton  # lazy: babel.dates costs ~100 ms; only Vietnamese output needs it

    known = p.year is not None
    day = date(p.year if known else 2000, p.month or 1, p.day or 1)  # 2000, a leap year, holds 29 Feb
    return format_skeleton(_SKELETONS[(p.precision, known)], day, locale="vi").lower()


def _format_vi(d: PartialDate) -> str:
    text = _point_vi(d.start) if not d.is_range else f"{_point_vi(d.start)} – {_point_vi(d.end)}"
    return text if d.year_known else f"{text} (nguồn không nêu năm)"


def format_date(d: PartialDate | str | None, lang: str = "en") -> str:
    """A date as a reader writes it, at its precision: '17 Oct 2019', 'Oct 2019', '14–15 Aug 2022';
    in Vietnamese (``lang="vi"``, Babel's vi locale) '17 tháng 10 2019', 'tháng 10 năm 2019'."""
    if d is None:
        return ""
    if isinstance(d, str):
        d = parse_date(d)
    if lang == "vi":
        return _format_vi(d)
    s, e = d.start, d.end
    if not d.is_range:
        text = _format_point(s)
    elif s.year == e.year and s.month == e.month and s.day and e.day:
        text = f"{s.day}–{_format_point(e)}"
    elif s.year == e.year and s.month and e.month:
        text = f"{_format_point(s, with_year=False)} – {_format_point(e)}"
    else:
        text = f"{_format_point(s)} – {_format_point(e)}"
    return text if d.year_known else f"{text} (year not stated)"


def as_date(value: str | date) -> date:
    """A full day for --as-of style arguments (YYYY-MM-DD, or YYYY-MM / YYYY meaning its last day)."""
    if isinstance(value, date):
        return value
    parsed = parse_date(value)
    if not parsed.year_known or parsed.is_range:
        raise DateError(f"bad date {value!r}: give a day such as 2019-10-17 (or a month or year)")
    return parsed.upper
