"""Date expressions to DateRange, resolved against the publication date (FORMAT.md, Dates).

News text rarely gives full dates: "on Tuesday", "over 48 hours", "last week", "mid-2012".
The rules are fixed in FORMAT.md so that model output and gold agree; code applies them
rather than the model, which gets weekday arithmetic wrong. Month and weekday names come
from dateutil's parser tables and the arithmetic from `relativedelta`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable

from dateutil.relativedelta import relativedelta, weekday

from llm_extract.models import DateRange
from llm_extract.normalize import date_phrases as ph
from llm_extract.normalize.counts import number_value
from llm_extract.ontology import DatePrecision

_DAY_P = DatePrecision.DAY
_WEEK_P = DatePrecision.WEEK
_MONTH_P = DatePrecision.MONTH
_YEAR_P = DatePrecision.YEAR


class _Unanchored(Exception):
    """A relative phrase matched but there is no publication date to count from."""


def _anchor(published: dt.date | None) -> dt.date:
    """The date a relative phrase counts from; without one the phrase resolves to an
    unknown range (FORMAT.md), which `_resolve` returns when this raises."""
    if published is None:
        raise _Unanchored
    return published


def _shift(which: str) -> int:
    """Periods from this one: "last", "(the) previous", "past" -1, "next" +1, else 0."""
    word = which.lower().split()[-1]
    return -1 if word in ("last", "previous", "past") else 1 if word == "next" else 0


def _month_number(name: str) -> int | None:
    value = ph.INFO.month(name.rstrip("."))
    return None if value is None else int(value)


def _valid_month(name: str) -> bool:
    """'May' and 'March' must be capitalised, so the verbs do not read as months."""
    return name.rstrip(".").lower() not in ph.LOWERCASE_MONTHS or name[:1].isupper()


def _day_of(day: str) -> int:
    return int(re.sub(r"\D", "", day))


def _month_range(year: int, month: int) -> DateRange:
    first = dt.date(year, month, 1)
    last = first + relativedelta(months=1, days=-1)
    return DateRange(start=first, end=last, precision=_MONTH_P)


def _year_range(start_year: int, end_year: int | None = None) -> DateRange:
    return DateRange(
        start=dt.date(start_year, 1, 1),
        end=dt.date(end_year or start_year, 12, 31),
        precision=_YEAR_P,
    )


def _day(day: dt.date) -> DateRange:
    return DateRange(start=day, end=day, precision=_DAY_P)


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _nearest_day_month(month: int, day: int, published: dt.date, planned: bool) -> dt.date | None:
    """Most recent such day on or before `published`, or the next one if planned."""
    step = 1 if planned else -1
    for offset in range(0, 9):  # 9 years covers 29 February
        candidate = _safe_date(published.year + step * offset, month, day)
        if candidate is None:
            continue
        if (planned and candidate >= published) or (not planned and candidate <= published):
            return candidate
    return None


def _full_dates(text: str) -> DateRange | None:
    found: list[dt.date] = []
    for m in ph.ISO_RE.finditer(text):
        d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
        if d:
            found.append(d)
    for regex in (ph.MDY_RE, ph.DMY_RE):
        for m in regex.finditer(text):
            month = _month_number(m["mon"])
            if month and _valid_month(m["mon"]):
                d = _safe_date(int(m["y"]), month, _day_of(m["d"]))
                if d:
                    found.append(d)
    if not found:
        return None
    return DateRange(start=min(found), end=max(found), precision=_DAY_P)


def _day_months(text: str, published: dt.date | None, planned: bool) -> DateRange | None:
    pairs: list[tuple[int, int]] = []
    for regex in (ph.MD_RE, ph.DM_RE):
        for m in regex.finditer(text):
            month = _month_number(m["mon"])
            if month and _valid_month(m["mon"]):
                pairs.append((month, _day_of(m["d"])))
    if not pairs:
        return None
    published = _anchor(published)
    days = [d for mo, da in pairs if (d := _nearest_day_month(mo, da, published, planned))]
    if not days:
        return DateRange()
    return DateRange(start=min(days), end=max(days), precision=_DAY_P)


def _month_years(text: str, published: dt.date | None) -> DateRange | None:
    for m in ph.MY_RE.finditer(text):
        month = _month_number(m["mon"])
        if month and _valid_month(m["mon"]):
            return _month_range(int(m["y"]), month)
    for m in ph.M_REL_YEAR_RE.finditer(text):
        month = _month_number(m["mon"])
        if month and _valid_month(m["mon"]):
            published = _anchor(published)
            return _month_range(published.year + _shift(m["rel"]), month)
    return None


def _relative(
    regex: re.Pattern[str],
    read: Callable[[re.Match[str], dt.date], DateRange],
    text: str,
    published: dt.date | None,
) -> DateRange | None:
    """`read` of the first match of a relative phrase, counted from `published` (None
    where the phrase is absent; no publication date: `_anchor` raises)."""
    m = regex.search(text)
    return None if m is None else read(m, _anchor(published))


def _ago(m: re.Match[str], published: dt.date) -> DateRange:
    """ "three days ago", "a week ago"."""
    n = number_value(m["n"])
    if n is None:
        return DateRange()
    if m["unit"].lower() == "day":
        return _day(published - dt.timedelta(days=n))
    monday = _week_start(published - dt.timedelta(weeks=n))
    return DateRange(start=monday, end=monday + dt.timedelta(days=6), precision=_WEEK_P)


def _window_length(word: str) -> int:
    """How many units a window word gives: "48" 48, "two" 2, "a" 1, "a few" 3."""
    if word in ("a", "an"):
        return 1
    value = number_value(word)
    if value is None:
        return 3 if "few" in word else 2  # "a few" / "a couple of"
    return max(value, 1)


def _window(text: str, published: dt.date | None) -> DateRange | None:
    """ "over the past two days", "within 24 hours", "48 hours": a span ending on `published`.

    N hours cover ceil(N / 24) calendar days counting the reporting day, so "48 hours" is
    the reporting day and the day before.
    """
    for m in ph.WINDOW_RE.finditer(text):
        unit = m["unit"].lower()
        if m["past"] is not None:
            if m["past"].lower() in ("last", "previous") and unit in ("week", "month"):
                continue  # "last week" / "last month" are calendar periods, handled elsewhere
            n = 1
        else:
            n = _window_length(m["n"].lower())
        published = _anchor(published)
        if unit == "hour":
            days = max(1, math.ceil(n / 24))
            return DateRange(
                start=published - dt.timedelta(days=days - 1), end=published, precision=_DAY_P
            )
        if unit == "day":
            return DateRange(
                start=published - dt.timedelta(days=n - 1), end=published, precision=_DAY_P
            )
        if unit == "week":
            return DateRange(
                start=published - dt.timedelta(days=7 * n - 1), end=published, precision=_WEEK_P
            )
        start = published - relativedelta(months=n) + dt.timedelta(days=1)
        return DateRange(start=start, end=published, precision=_MONTH_P)
    return None


def _weeks(m: re.Match[str], published: dt.date) -> DateRange:
    """ "last week", "this week", "over the weekend", "earlier this week"."""
    monday = _week_start(published)
    which = (m["which"] or "").lower()
    weekend = m["over"] is not None or (m["unit"] or "").lower() == "weekend"
    if weekend:
        saturday = published + relativedelta(weekday=weekday(5)(-1))
        if which in ("last", "previous", "past") and published.weekday() >= 5:
            saturday -= dt.timedelta(days=7)
        if which == "next":
            saturday = published + relativedelta(days=1, weekday=weekday(5)(+1))
            return DateRange(start=saturday, end=saturday + dt.timedelta(days=1), precision=_DAY_P)
        end = min(saturday + dt.timedelta(days=1), published)
        return DateRange(start=saturday, end=end, precision=_DAY_P)
    if which in ("last", "previous"):
        return DateRange(
            start=monday - dt.timedelta(days=7),
            end=monday - dt.timedelta(days=1),
            precision=_WEEK_P,
        )
    if which == "next":
        return DateRange(
            start=monday + dt.timedelta(days=7),
            end=monday + dt.timedelta(days=13),
            precision=_WEEK_P,
        )
    if which == "past":
        return DateRange(start=published - dt.timedelta(days=6), end=published, precision=_WEEK_P)
    return DateRange(start=monday, end=published, precision=_WEEK_P)


def _weekdays(text: str, published: dt.date | None) -> DateRange | None:
    """A named weekday: the most recent on or before `published` ("next Monday" excepted).

    FORMAT.md makes no exception for planned events here: a Wednesday story's "expected to
    meet on Wednesday" is that Wednesday either way.
    """
    days: list[dt.date] = []
    for m in ph.WEEKDAY_RE.finditer(text):
        published = _anchor(published)
        wd = ph.INFO.weekday(m["wd"])
        if wd is None:
            continue
        mod = (m["mod"] or "").lower()
        if mod == "next":
            days.append(published + relativedelta(days=1, weekday=weekday(wd)(+1)))
        elif mod in ("last", "past", "previous") and published.weekday() == wd:
            days.append(published - dt.timedelta(days=7))
        else:
            days.append(published + relativedelta(weekday=weekday(wd)(-1)))
    if not days:
        return None
    return DateRange(start=min(days), end=max(days), precision=_DAY_P)


def _relative_days(m: re.Match[str], published: dt.date) -> DateRange:
    """ "yesterday", "today", "last night", "tomorrow"."""
    if m["day_before_yesterday"]:
        return _day(published - dt.timedelta(days=2))
    if m["yesterday"]:
        return _day(published - dt.timedelta(days=1))
    if m["last_night"]:
        return DateRange(start=published - dt.timedelta(days=1), end=published, precision=_DAY_P)
    if m["tomorrow"]:
        return _day(published + dt.timedelta(days=1))
    return _day(published)


def _recent(text: str, published: dt.date | None) -> DateRange | None:
    if ph.RECENT_VAGUE_RE.search(text):
        return DateRange()  # "in recent months" names no datable span
    if not ph.RECENT_RE.search(text):
        return None
    published = _anchor(published)
    return DateRange(start=published - dt.timedelta(days=6), end=published, precision=_WEEK_P)


def _months(text: str, published: dt.date | None, planned: bool) -> DateRange | None:
    m = ph.REL_MONTH_RE.search(text)
    if m:
        published = _anchor(published)
        first = published.replace(day=1) + relativedelta(months=_shift(m["which"]))
        return _month_range(first.year, first.month)
    for m in ph.M_RE.finditer(text):
        month = _month_number(m["mon"])
        if not month or not _valid_month(m["mon"]):
            continue
        published = _anchor(published)
        year = published.year
        pre = m["pre"].lower()
        if pre == "last":
            year -= 1 if month >= published.month else 0
        elif pre == "next":
            year += 1 if month <= published.month else 0
        elif planned:
            year += 1 if month < published.month else 0
        else:
            year -= 1 if month > published.month else 0
        return _month_range(year, month)
    return None


def _years(text: str, published: dt.date | None) -> DateRange | None:
    m = ph.REL_YEAR_RE.search(text)
    if m:
        published = _anchor(published)
        return _year_range(published.year + _shift(m["which"]))
    years = [int(y["y"]) for y in ph.YEAR_RE.finditer(text)]
    if not years:
        return None
    return _year_range(min(years), max(years))


def _normalise(text: str) -> str:
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return " ".join(text.split())


def _resolve(text: str, published: dt.date | None) -> DateRange | None:
    planned = ph.PLANNED_RE.search(text) is not None
    rules: list[Callable[[], DateRange | None]] = [
        lambda: _full_dates(text),
        lambda: _day_months(text, published, planned),
        lambda: _month_years(text, published),
        lambda: _relative(ph.AGO_RE, _ago, text, published),
        lambda: _window(text, published),
        lambda: _relative(ph.WEEK_RE, _weeks, text, published),
        lambda: _weekdays(text, published),
        lambda: _relative(ph.RELDAY_RE, _relative_days, text, published),
        lambda: _recent(text, published),
        lambda: _months(text, published, planned),
        lambda: _years(text, published),
    ]
    try:
        return next((r for rule in rules if (r := rule()) is not None), None)
    except _Unanchored:
        return DateRange()


def resolve_date(text: str | None, published: dt.date | None) -> DateRange:
    """Resolve a date expression following FORMAT.md's Dates rules.

    Relative expressions need `published`; without it they give an unknown range.
    Anything unreadable gives `DateRange()` (precision unknown) rather than a guess.
    """
    if not text or not text.strip():
        return DateRange()
    norm = _normalise(text)
    since = ph.SINCE_RE.search(norm)
    if since:
        sub = _resolve(since["rest"], published)
        if sub is not None:
            if sub.start is None or published is None or sub.start > published:
                return DateRange()
            return DateRange(start=sub.start, end=published, precision=sub.precision)
    return _resolve(norm, published) or DateRange()
