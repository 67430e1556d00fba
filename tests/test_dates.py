"""Dates keep their precision; the parser agrees with the reference EDTF library."""

import datetime as dt

import edtf
import pytest

from partnergraph.graph.model.dates import DateError, as_date, format_date, parse_date

FORMS = ["2019-10-17", "2019-10", "2019", "2022-08-14/2022-08-15", "2023/2024", "XXXX-08-14", "XXXX-08-14/XXXX-08-15"]


@pytest.mark.parametrize("text", FORMS)
def test_bounds_agree_with_the_edtf_library(text):
    ours, ref = parse_date(text), edtf.parse_edtf(text)
    if ours.year_known:
        assert ours.lower == dt.date(*ref.lower_strict()[:3])
        assert ours.upper == dt.date(*ref.upper_strict()[:3])
    else:
        assert (ours.start.month, ours.start.day) == ref.lower_strict()[1:3]
        assert (ours.end.month, ours.end.day) == ref.upper_strict()[1:3]


@pytest.mark.parametrize(
    "text, shown",
    [
        ("2019-10-17", "17 Oct 2019"),
        ("2019-08", "Aug 2019"),
        ("2022-08-14/2022-08-15", "14–15 Aug 2022"),
        ("XXXX-08-14/XXXX-08-15", "14–15 Aug (year not stated)"),
        ("2023/2024", "2023 – 2024"),
    ],
)
def test_dates_are_shown_as_people_write_them(text, shown):
    assert format_date(text) == shown


@pytest.mark.parametrize("bad", ["2019-13", "17/10/2019", "2019-02-30", "XXXX", "2020/2019", "2019-10/XXXX-10", 2019])
def test_bad_dates_are_rejected_with_a_hint(bad):
    with pytest.raises(DateError, match="bad date"):
        parse_date(bad)


def test_month_dates_sort_before_days_of_the_same_month_and_unknown_years_last():
    texts = ["XXXX-08-14", "2019-10-17", "2019-10", "2019-08"]
    assert sorted(texts, key=lambda t: parse_date(t).sort_key()) == ["2019-08", "2019-10", "2019-10-17", "XXXX-08-14"]


def test_as_of_dates_take_the_last_day_of_a_month_or_year():
    assert as_date("2019-10") == dt.date(2019, 10, 31)
    assert as_date("2019-01-01") == dt.date(2019, 1, 1)
