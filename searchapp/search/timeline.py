"""The matches over time: bucket intervals, the rule that picks one, and what a backend answers.

Both backends count the matches per bucket of one interval (Whoosh over its array of
publication times, OpenSearch with a `date_histogram`); this module says what the buckets
are, so that both cut time the same way: days; weeks from Monday (ISO weeks, OpenSearch's
`1w`); calendar months; calendar years. Times are UTC days.

The interval rule (`choose`): the finest interval that puts the span from the first dated
match to the last in at most MAX_BARS buckets. A span of 10 days to 60 years is then drawn
in roughly 10 to 60 bars (a span under 10 days in as many days; past 60 years in years).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

INTERVALS = ("day", "week", "month", "year")
# More bars than this do not fit a sidebar at a readable width; 60 lets a span of two
# months show its days and five years their months.
MAX_BARS = 60


@dataclass(frozen=True, slots=True)
class Bucket:
    start: str  # ISO day, the bucket's first
    end: str  # ISO day, its last (inclusive: a `to` argument)
    count: int

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "count": self.count}


@dataclass
class Timeline:
    """The dated matches per bucket, from the first match's bucket to the last one's (empty
    buckets between included), and the matches without a date, counted apart."""

    interval: str
    buckets: list[Bucket] = field(default_factory=list)
    # Matches without a publication date, whatever the date range (the words and facet
    # filters only): those a date range leaves out, or the dateless among the matches.
    undated: int = 0

    @property
    def most(self) -> int:
        return max((b.count for b in self.buckets), default=0)

    def to_dict(self) -> dict:
        return {"interval": self.interval, "buckets": [b.to_dict() for b in self.buckets],
                "undated": self.undated}


def start_of(day: dt.date, interval: str) -> dt.date:
    """The first day of the bucket `day` is in."""
    if interval == "day":
        return day
    if interval == "week":
        return day - dt.timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def next_start(start: dt.date, interval: str) -> dt.date | None:
    """The first day of the bucket after the one starting at `start` (None past year 9999)."""
    try:
        if interval == "day":
            return start + dt.timedelta(days=1)
        if interval == "week":
            return start + dt.timedelta(days=7)
        if interval == "month":
            return (start.replace(year=start.year + 1, month=1) if start.month == 12
                    else start.replace(month=start.month + 1))
        return start.replace(year=start.year + 1)
    except (OverflowError, ValueError):
        return None


def end_of(start: dt.date, interval: str) -> dt.date:
    after = next_start(start, interval)
    return dt.date.max if after is None else after - dt.timedelta(days=1)


def bars(first: dt.date, last: dt.date, interval: str) -> int:
    """How many buckets of `interval` the days from `first` to `last` fall in."""
    if interval == "day":
        return (last - first).days + 1
    if interval == "week":
        return (start_of(last, "week") - start_of(first, "week")).days // 7 + 1
    if interval == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    return last.year - first.year + 1


def choose(first: dt.date, last: dt.date) -> str:
    """The finest interval drawing `first` to `last` in at most MAX_BARS buckets."""
    for interval in INTERVALS[:-1]:
        if bars(first, last, interval) <= MAX_BARS:
            return interval
    return "year"


def filled(counts: dict[dt.date, int], interval: str) -> list[Bucket]:
    """Buckets from the first bucket start in `counts` to the last, zero where absent."""
    if not counts:
        return []
    day, last = min(counts), max(counts)
    out = []
    while day is not None and day <= last:
        out.append(Bucket(day.isoformat(), end_of(day, interval).isoformat(),
                          counts.get(day, 0)))
        day = next_start(day, interval)
    return out


def label(bucket: Bucket, interval: str) -> str:
    """How a bar is named: 'Mar 1987', 'week of 2 Mar 1987', '2 Mar 1987', '1987'."""
    d = dt.date.fromisoformat(bucket.start)
    if interval == "year":
        return str(d.year)
    if interval == "month":
        return f"{d:%b} {d.year}"
    day = f"{d.day} {d:%b} {d.year}"
    return f"week of {day}" if interval == "week" else day


def short_label(bucket: Bucket, interval: str) -> str:
    """A bar's name where space is short: '1987', 'Mar 87', '2 Mar'."""
    d = dt.date.fromisoformat(bucket.start)
    if interval == "year":
        return str(d.year)
    if interval == "month":
        return f"{d:%b} {d.year % 100:02d}"
    return f"{d.day} {d:%b}"
