"""The interval rule and the bucket arithmetic both backends share (searchapp/search/timeline)."""

from __future__ import annotations

import datetime as dt

import pytest

from searchapp.search import timeline as tl
from searchapp.search.params import ParamError, SearchParams

D = dt.date.fromisoformat


@pytest.mark.parametrize("first, last, interval, bars", [
    ("2019-06-03", "2019-06-03", "day", 1),
    ("2019-06-01", "2019-07-30", "day", 60),  # 60 days: still days
    ("2019-06-01", "2019-07-31", "week", 10),  # 61 days: weeks (Mondays 27 May .. 29 Jul)
    ("1987-02-26", "1987-10-20", "week", 35),  # Reuters-21578: weeks, not one year
    ("2019-01-01", "2020-02-23", "week", 60),  # Monday 31 Dec 2018 to Sunday 23 Feb 2020
    ("2019-01-01", "2020-02-24", "month", 14),  # a 61st week: months
    ("2015-01-15", "2019-12-31", "month", 60),
    ("2015-01-15", "2020-01-01", "year", 6),
    ("1900-01-01", "2020-01-01", "year", 121),  # past 60 years, still years
])
def test_the_finest_interval_within_sixty_bars(first, last, interval, bars):
    assert tl.choose(D(first), D(last)) == interval
    assert tl.bars(D(first), D(last), interval) == bars


def test_bucket_starts_and_ends():
    assert tl.start_of(D("2019-06-09"), "week") == D("2019-06-03")  # a Sunday: Monday before
    assert tl.end_of(D("2019-06-03"), "week") == D("2019-06-09")
    assert tl.end_of(D("2020-02-01"), "month") == D("2020-02-29")
    assert tl.end_of(D("2019-12-01"), "month") == D("2019-12-31")
    assert tl.end_of(D("9999-01-01"), "year") == dt.date.max


def test_filled_puts_empty_buckets_between():
    got = tl.filled({D("2019-01-01"): 2, D("2019-04-01"): 1}, "month")
    assert [(b.start, b.end, b.count) for b in got] == [
        ("2019-01-01", "2019-01-31", 2), ("2019-02-01", "2019-02-28", 0),
        ("2019-03-01", "2019-03-31", 0), ("2019-04-01", "2019-04-30", 1)]
    assert tl.filled({}, "day") == []
    assert tl.label(got[1], "month") == "Feb 2019"
    assert tl.label(tl.Bucket("2019-06-03", "2019-06-09", 1), "week") == "week of 3 Jun 2019"


def test_the_undated_argument():
    assert SearchParams.from_args({"undated": "include"}).undated == "include"
    assert ("undated", "only") in SearchParams.from_args({"undated": "only"}).to_args()
    assert SearchParams.from_args({}).undated is None
    with pytest.raises(ParamError, match="undated must be include or only"):
        SearchParams.from_args({"undated": "yes"})
