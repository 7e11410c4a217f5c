"""Publication-day ranges: one reading of a date bound for the query language (`date:`) and
the `from`/`to` arguments, so that both accept and refuse the same days."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


class NotADate(ValueError):
    """Not written like 2019-06-30, 2019-06 or 2019."""


class NoSuchDay(ValueError):
    """Written like a date, but no day has it (2019-02-31, 2019-13)."""


@dataclass
class DateRange:
    start: str | None = None  # ISO day, inclusive
    end: str | None = None  # ISO day, inclusive


def day_bound(text: str, upper: bool) -> str:
    """'2019', '2019-06' or '2019-06-30' as the first day it covers (the last when `upper`),
    in ISO form. NotADate or NoSuchDay (both ValueErrors) when it names no day."""
    m = _DATE.fullmatch(text.strip())
    if not m:
        raise NotADate(text)
    year, month, day = int(m[1]), m[2], m[3]
    try:
        if day:
            d = dt.date(year, int(month), int(day))
        elif month:
            first = dt.date(year, int(month), 1)
            d = _last_of_month(first) if upper else first
        else:
            d = dt.date(year, 12, 31) if upper else dt.date(year, 1, 1)
    except ValueError:
        raise NoSuchDay(text) from None
    return d.isoformat()


def _last_of_month(first: dt.date) -> dt.date:
    if first.month == 12:
        return first.replace(day=31)
    return first.replace(month=first.month + 1) - dt.timedelta(days=1)


def next_day(iso: str) -> str | None:
    """The day after, or None past the last representable day (date:>9999)."""
    try:
        return (dt.date.fromisoformat(iso) + dt.timedelta(days=1)).isoformat()
    except OverflowError:
        return None


def prev_day(iso: str) -> str | None:
    """The day before, or None before the first representable day (date:<0001)."""
    try:
        return (dt.date.fromisoformat(iso) - dt.timedelta(days=1)).isoformat()
    except OverflowError:
        return None


def intersect(a: DateRange | None, b: DateRange | None) -> DateRange | None:
    """The days in both ranges (None is no range: every day)."""
    if a is None or b is None:
        return a or b
    starts = [d for d in (a.start, b.start) if d]
    ends = [d for d in (a.end, b.end) if d]
    return DateRange(max(starts) if starts else None, min(ends) if ends else None)
