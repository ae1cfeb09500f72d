"""Date expressions resolve against the publication date as FORMAT.md's Dates rules say."""

from __future__ import annotations

import datetime as dt

import pytest

from llm_extract.normalize import resolve_date
from llm_extract.ontology import DatePrecision

D = dt.date
DAY = DatePrecision.DAY
WEEK = DatePrecision.WEEK
MONTH = DatePrecision.MONTH
YEAR = DatePrecision.YEAR
UNKNOWN = DatePrecision.UNKNOWN

WED_2016_01_13 = D(2016, 1, 13)  # seed 000's publication date, a Wednesday
MON_2016_01_11 = D(2016, 1, 11)  # seed 003's publication date, a Monday

CASES = [
    # seed checks
    ("on Tuesday", WED_2016_01_13, D(2016, 1, 12), D(2016, 1, 12), DAY),
    ("Monday morning", MON_2016_01_11, D(2016, 1, 11), D(2016, 1, 11), DAY),
    ("late Sunday night", MON_2016_01_11, D(2016, 1, 10), D(2016, 1, 10), DAY),
    ("at dawn on Monday", MON_2016_01_11, D(2016, 1, 11), D(2016, 1, 11), DAY),
    ("mid-2012", MON_2016_01_11, D(2012, 1, 1), D(2012, 12, 31), YEAR),
    ("over 48 hours", WED_2016_01_13, D(2016, 1, 12), D(2016, 1, 13), DAY),
    ("since September 30", WED_2016_01_13, D(2015, 9, 30), D(2016, 1, 13), DAY),
    ("on Wednesday", WED_2016_01_13, D(2016, 1, 13), D(2016, 1, 13), DAY),
    ("were taken today", MON_2016_01_11, D(2016, 1, 11), D(2016, 1, 11), DAY),
    ("had raged overnight", MON_2016_01_11, D(2016, 1, 10), D(2016, 1, 11), DAY),
    ("planned for 25 January", WED_2016_01_13, D(2016, 1, 25), D(2016, 1, 25), DAY),
    ("in March 2011", WED_2016_01_13, D(2011, 3, 1), D(2011, 3, 31), MONTH),
    # weekdays: on or before publication, the publication weekday itself included
    ("on Friday", D(2016, 1, 15), D(2016, 1, 15), D(2016, 1, 15), DAY),
    ("on Thursday", WED_2016_01_13, D(2016, 1, 7), D(2016, 1, 7), DAY),
    ("on Sunday", D(2016, 1, 2), D(2015, 12, 27), D(2015, 12, 27), DAY),  # across the year
    ("last Wednesday", WED_2016_01_13, D(2016, 1, 6), D(2016, 1, 6), DAY),
    ("next Monday", WED_2016_01_13, D(2016, 1, 18), D(2016, 1, 18), DAY),
    ("on Monday and Tuesday", WED_2016_01_13, D(2016, 1, 11), D(2016, 1, 12), DAY),
    # relative days
    ("yesterday", WED_2016_01_13, D(2016, 1, 12), D(2016, 1, 12), DAY),
    ("yesterday", D(2016, 1, 1), D(2015, 12, 31), D(2015, 12, 31), DAY),
    ("today", WED_2016_01_13, WED_2016_01_13, WED_2016_01_13, DAY),
    ("tonight", WED_2016_01_13, WED_2016_01_13, WED_2016_01_13, DAY),
    ("three days ago", WED_2016_01_13, D(2016, 1, 10), D(2016, 1, 10), DAY),
    # windows ending on the reporting day
    ("over the past two days", WED_2016_01_13, D(2016, 1, 12), D(2016, 1, 13), DAY),
    ("within 24 hours", WED_2016_01_13, D(2016, 1, 13), D(2016, 1, 13), DAY),
    ("48 hours", WED_2016_01_13, D(2016, 1, 12), D(2016, 1, 13), DAY),
    ("in the past week", WED_2016_01_13, D(2016, 1, 7), D(2016, 1, 13), WEEK),
    # weeks (Monday-start)
    ("last week", WED_2016_01_13, D(2016, 1, 4), D(2016, 1, 10), WEEK),
    ("last week", MON_2016_01_11, D(2016, 1, 4), D(2016, 1, 10), WEEK),
    ("last week", D(2016, 1, 3), D(2015, 12, 21), D(2015, 12, 27), WEEK),  # Sunday story
    ("earlier this week", WED_2016_01_13, D(2016, 1, 11), D(2016, 1, 13), WEEK),
    ("recent", WED_2016_01_13, D(2016, 1, 7), D(2016, 1, 13), WEEK),
    ("in recent weeks", WED_2016_01_13, D(2016, 1, 7), D(2016, 1, 13), WEEK),
    ("over the weekend", WED_2016_01_13, D(2016, 1, 9), D(2016, 1, 10), DAY),
    # explicit dates
    ("March 27, 2015", WED_2016_01_13, D(2015, 3, 27), D(2015, 3, 27), DAY),
    ("Aug. 22, 2020", WED_2016_01_13, D(2020, 8, 22), D(2020, 8, 22), DAY),
    ("25 January 2016", WED_2016_01_13, D(2016, 1, 25), D(2016, 1, 25), DAY),
    ("on 13 January, 2016", None, D(2016, 1, 13), D(2016, 1, 13), DAY),
    ("2016-01-12", None, D(2016, 1, 12), D(2016, 1, 12), DAY),
    # day and month without a year
    ("25 January", WED_2016_01_13, D(2015, 1, 25), D(2015, 1, 25), DAY),
    ("25 December", D(2016, 1, 2), D(2015, 12, 25), D(2015, 12, 25), DAY),
    ("December 31", D(2016, 1, 1), D(2015, 12, 31), D(2015, 12, 31), DAY),
    ("January 13", WED_2016_01_13, D(2016, 1, 13), D(2016, 1, 13), DAY),
    ("talks are scheduled for 2 January", D(2015, 12, 30), D(2016, 1, 2), D(2016, 1, 2), DAY),
    ("expected on 25 December", D(2015, 12, 30), D(2016, 12, 25), D(2016, 12, 25), DAY),
    # months
    ("last month", WED_2016_01_13, D(2015, 12, 1), D(2015, 12, 31), MONTH),
    ("in March", WED_2016_01_13, D(2015, 3, 1), D(2015, 3, 31), MONTH),
    ("in January", WED_2016_01_13, D(2016, 1, 1), D(2016, 1, 31), MONTH),
    ("in September of last year", WED_2016_01_13, D(2015, 9, 1), D(2015, 9, 30), MONTH),
    ("in December 2018", WED_2016_01_13, D(2018, 12, 1), D(2018, 12, 31), MONTH),
    ("talks planned for March", WED_2016_01_13, D(2016, 3, 1), D(2016, 3, 31), MONTH),
    ("in mid-May", D(2016, 6, 1), D(2016, 5, 1), D(2016, 5, 31), MONTH),
    # years
    ("in 2012", WED_2016_01_13, D(2012, 1, 1), D(2012, 12, 31), YEAR),
    ("last year", WED_2016_01_13, D(2015, 1, 1), D(2015, 12, 31), YEAR),
    ("last year", None, None, None, UNKNOWN),
    ("Since 2012, Salma had been the main bastion", WED_2016_01_13, D(2012, 1, 1), None, YEAR),
]


@pytest.mark.parametrize(("text", "published", "start", "end", "precision"), CASES)
def test_resolve_date(
    text: str,
    published: dt.date | None,
    start: dt.date | None,
    end: dt.date | None,
    precision: DatePrecision,
) -> None:
    result = resolve_date(text, published)
    expected_end = published if end is None and start is not None else end
    assert (result.start, result.end, result.precision) == (start, expected_end, precision)


@pytest.mark.parametrize(
    "text",
    ["on Tuesday", "yesterday", "today", "48 hours", "last week", "25 January", "in March"],
)
def test_relative_expressions_without_publication_date_are_unknown(text: str) -> None:
    result = resolve_date(text, None)
    assert (result.start, result.end, result.precision) == (None, None, UNKNOWN)


@pytest.mark.parametrize(
    "text",
    [None, "", "   ", "gibberish", "in recent months", "the may have been", "march on"],
)
def test_unreadable_or_vague_expressions_are_unknown(text: str | None) -> None:
    result = resolve_date(text, WED_2016_01_13)
    assert (result.start, result.end, result.precision) == (None, None, UNKNOWN)


def test_gold_e2_of_seed_000_uses_the_event_day_as_reporting_day() -> None:
    # FORMAT.md: "48 hours" is a window ending on the reporting day. Applied to publication
    # (2016-01-13) that is 12-13 January; the gold file counts back from Tuesday 12 January
    # (the day of the events) and says 11-12 January. The rule as written is implemented.
    result = resolve_date("over 48 hours", WED_2016_01_13)
    assert (result.start, result.end) == (D(2016, 1, 12), D(2016, 1, 13))
