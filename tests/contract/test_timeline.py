"""The matches over time and the undated matches, checked against counts taken by brute
force from the records (searchapp.search.timeline says how time is cut)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from conftest import article

from contract.helpers import ids, search
from searchapp.backends.base import Query, SearchRequest
from searchapp.search import timeline as tl
from searchapp.search.dates import DateRange

# Each word's articles are spread over a span that calls for another interval.
SPANS = {"alpha": ("2019-06-03", 20), "beta": ("2018-11-20", 300),
         "gamma": ("2015-01-15", 3 * 365), "delta": ("1950-07-01", 40 * 365)}
SOURCES = ("Gazette", "Herald", "Courier")


def _records() -> list[dict]:
    rnd = random.Random(13)
    out = []
    for word, (first, days) in SPANS.items():
        start = dt.date.fromisoformat(first)
        for i in range(40):
            day = start + dt.timedelta(days=rnd.randrange(days))
            published = None if i % 5 == 0 else (
                day.isoformat() if i % 2 else f"{day.isoformat()}T{rnd.randrange(24):02d}:30:00")
            out.append(article(id=f"{word}-{i}", headline=f"{word} story {i}",
                               body=f"{word} harbour news {i}", source=SOURCES[i % 3],
                               published=published))
    return out


RECORDS = _records()


@pytest.fixture(scope="module")
def ix(engine, tmp_path_factory):
    backend = engine.build(tmp_path_factory.mktemp("timeline"), RECORDS)
    yield backend
    backend.close()


def _matching(word: str | None, source: str | None = None) -> list[dict]:
    return [r for r in RECORDS if (word is None or word in r["body"])
            and (source is None or r["source"] == source)]


def _brute(records: list[dict], interval: str | None = None) -> tl.Timeline:
    days = [dt.date.fromisoformat(r["published"][:10]) for r in records if r["published"]]
    interval = interval or (tl.choose(min(days), max(days)) if days else "day")
    counts = Counter(tl.start_of(d, interval) for d in days)
    return tl.Timeline(interval, tl.filled(counts, interval),
                       sum(1 for r in records if not r["published"]))


@pytest.mark.parametrize("word, interval", [("alpha", "day"), ("beta", "week"),
                                            ("gamma", "month"), ("delta", "year")])
def test_buckets_follow_the_span_of_the_matches(ix, word, interval):
    got = search(ix, q=word).timeline
    assert got.interval == interval
    assert got == _brute(_matching(word))
    assert 10 <= len(got.buckets) <= tl.MAX_BARS
    assert sum(b.count for b in got.buckets) + got.undated == 40


def test_timeline_of_everything_and_of_a_facet_filter(ix):
    assert search(ix).timeline == _brute(RECORDS)
    assert search(ix, q="gamma", source="Herald").timeline == _brute(
        _matching("gamma", "Herald"))


def test_a_given_interval(ix):
    for interval in tl.INTERVALS:
        page = ix.search(SearchRequest(Query(), size=0, timeline=interval))
        assert page.timeline == _brute(RECORDS, interval)


def test_a_date_range_narrows_the_buckets_and_counts_the_undated_apart(ix):
    got = search(ix, q="delta", **{"from": "1970", "to": "1989"}).timeline
    inside = [r for r in _matching("delta")
              if r["published"] and "1970" <= r["published"][:4] <= "1989"]
    want = _brute(inside)
    want.undated = sum(1 for r in _matching("delta") if not r["published"])
    assert got == want and got.undated == 8


def test_undated_matches_can_be_included_or_shown(ix):
    rng = {"from": "2015-06", "to": "2016-06"}
    dated = {r["id"] for r in _matching("gamma") if r["published"]
             and "2015-06-01" <= r["published"][:10] <= "2016-06-30"}
    undated = {r["id"] for r in _matching("gamma") if not r["published"]}
    assert set(ids(ix, q="gamma", **rng)) == dated
    assert set(ids(ix, q="gamma", undated="include", **rng)) == dated | undated
    assert set(ids(ix, q="gamma", undated="only", **rng)) == undated
    assert set(ids(ix, q="gamma", undated="only")) == undated
    assert search(ix, q="gamma", undated="include", **rng).total == len(dated | undated)
    only = search(ix, q="gamma", undated="only")
    assert only.timeline.buckets == [] and only.timeline.undated == len(undated)


def test_a_date_range_is_not_a_reading_of_the_query(ix):
    page = search(ix, q="harbour", **{"from": "2019-06-01", "to": "2019-06-30"})
    assert page.query.read_as == "harbour"
    typed = search(ix, q="harbour date:[2019-06-01 TO 2019-06-30]")
    assert typed.query.read_as == "harbour date:[2019-06-01 TO 2019-06-30]"
    assert typed.total == page.total > 0


def test_the_range_filter_itself(ix):
    got = ix.search(SearchRequest(Query(dates=DateRange("2019-06-10", "2019-06-12")),
                                  size=0, timeline="day")).timeline
    want = Counter(r["published"][:10] for r in RECORDS
                   if r["published"] and "2019-06-10" <= r["published"][:10] <= "2019-06-12")
    assert {b.start: b.count for b in got.buckets if b.count} == dict(want)
