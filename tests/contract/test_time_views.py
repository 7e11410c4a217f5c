"""Time on the web (issue 13): the timeline beside the results, zooming by its bars, the
undated matches, date chips, and the compare page with its CSV and JSON twins."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import article

from contract.helpers import app_of
from contract.test_views import find, find_all, follow, parse, text, total_of

# Harbour articles over eleven weeks of 2019 and five undated; kites on four Mondays.
DAYS = [f"2019-03-{d:02d}" for d in (4, 5, 6, 12, 18, 25, 26)] + [
    f"2019-04-{d:02d}" for d in (1, 8, 9, 15, 16)] + ["2019-05-20"]
HARBOUR = [article(id=f"harbour-{i}", headline=f"Harbour day {i}", body="harbour news",
                   source="Gazette", published=day) for i, day in enumerate(DAYS)]
UNDATED = [article(id=f"undated-{i}", headline=f"Harbour undated {i}", body="harbour talk",
                   source="Gazette") for i in range(5)]
KITES = [article(id=f"kite-{i}", headline="Kites", body="kites over the harbour wall",
                 source="Herald", published=f"2019-03-{4 + 7 * i:02d}") for i in range(4)]
RECORDS = HARBOUR + UNDATED + KITES
HOSTILE = '<script>alert(1)</script>"&'


@pytest.fixture(scope="module")
def client(engine, tmp_path_factory):
    backend = engine.build(tmp_path_factory.mktemp("time"), RECORDS)
    yield app_of(engine, backend, tmp_path_factory.mktemp("app")).test_client()
    backend.close()


def bars(page) -> list:
    return find_all(find(page, "ol", "timeline"), "a", "tbar")


def test_the_timeline_shows_weeks_with_counts_and_zooms_in(client):
    page = parse(client.get("/search?q=kites"))
    assert text(find(page, "p", "timeline-head")) == "Matches per day"
    shown = [(b.get("data-start"), text(find(b, "span", "n"))) for b in bars(page)]
    assert shown == [("2019-03-04", "1"), ("2019-03-11", "1"), ("2019-03-18", "1"),
                     ("2019-03-25", "1")]
    page = parse(client.get("/search?q=harbour"))
    assert text(find(page, "p", "timeline-head")) == "Matches per week"
    weeks = bars(page)
    assert [text(find(b, "span", "n")) for b in weeks] == ["4", "2", "2", "3", "1", "2", "2",
                                                           "1"]
    assert len(find_all(find(page, "ol", "timeline"), "span", "none")) == 4  # 22 Apr-13 May
    zoomed = follow(client, weeks[0])
    assert total_of(zoomed) == 4  # harbour-0..2 and kite-0; not the undated
    assert parse_qs(urlsplit(weeks[0].get("href")).query)["to"] == ["2019-03-10"]
    assert not find_all(zoomed, "div", "notice")  # a date range is not a reading of the query
    chips = [text(c) for c in find_all(zoomed, "a", "chip")]
    assert any("2019-03-04 – 2019-03-10" in c for c in chips)
    days = [b.get("data-start") for b in bars(zoomed)]
    assert days == ["2019-03-04", "2019-03-05", "2019-03-06"]  # days now
    reset = find(zoomed, "a", "reset")
    assert total_of(follow(client, reset)) == 22


def test_undated_matches_are_counted_and_can_be_brought_back(client):
    page = parse(client.get("/search?q=harbour"))
    assert "5 undated matches" in text(find(page, "p", "undated"))
    page = parse(client.get("/search?q=harbour&from=2019-03&to=2019-03"))
    line = find(page, "p", "undated")
    assert "5 undated matches left out" in text(line)
    links = {text(a): a for a in line.iter("a")}
    assert total_of(page) == 11
    assert total_of(follow(client, links["Include them"])) == 16
    only = follow(client, links["Show them"])
    assert total_of(only) == 5
    chip = [c for c in find_all(only, "a", "chip") if "Undated" in text(c)]
    assert chip and "only" in text(chip[0])


def test_the_json_carries_the_timeline(client):
    got = client.get("/api/search?q=harbour&from=2019-04-01&undated=include").get_json()
    assert got["total"] == 11 and got["undated"] == "include"
    timeline = got["timeline"]
    assert timeline["interval"] == "day" and timeline["undated"] == 5
    assert len(timeline["buckets"]) == 50  # 1 April to 20 May
    assert {b["start"]: b["count"] for b in timeline["buckets"] if b["count"]} == {
        "2019-04-01": 1, "2019-04-08": 1, "2019-04-09": 1, "2019-04-15": 1, "2019-04-16": 1,
        "2019-05-20": 1}
    assert timeline["buckets"][0] == {"start": "2019-04-01", "end": "2019-04-01", "count": 1}
    assert client.get("/api/search?q=harbour&facets=source").get_json()["timeline"] is None
    assert client.get("/api/search?undated=sometimes").status_code == 400


def test_compare_counts_and_shares_in_html_csv_and_json(client):
    args = "q=harbour&q=kites&q=" + "&q=".join([""] * 2)
    got = client.get(f"/api/compare?{args}").get_json()
    assert got["queries"] == ["harbour", "kites"] and got["interval"] == "week"
    every = [b["count"] for b in got["buckets"]]
    assert every == [4, 2, 2, 3, 1, 2, 2, 0, 0, 0, 0, 1]  # all dated articles, weekly
    harbour, kites = got["series"]
    assert harbour["counts"] == every and harbour["undated"] == 5
    assert kites["counts"] == [1, 1, 1, 1] + [0] * 8
    assert kites["shares"][:2] == [0.25, 0.5]
    rows = list(csv.DictReader(io.StringIO(client.get(f"/compare.csv?{args}").get_data(
        as_text=True))))
    assert len(rows) == 24 and rows[12] == {"query": "kites", "start": "2019-03-04",
                                           "end": "2019-03-10", "count": "1", "all": "4",
                                           "share": "0.25"}
    page = parse(client.get(f"/compare?{args}&measure=share"))
    svg = find(page, cls="compare-chart")  # (html5lib puts SVG in its own namespace)
    assert svg.get("role") == "img"
    titles = [text(t) for t in svg.iter() if t.tag.endswith("title")]
    assert "kites · week of 11 Mar 2019: 1 of 2 articles (50.00%)" in titles
    # a line per search, broken where a week has no article (no share there)
    assert len([e for e in svg.iter() if e.tag.endswith("polyline")]) == 2 * 2
    circles = [e for e in svg.iter() if e.tag.endswith("circle")]
    assert len(circles) == 2 * (12 - 4)
    assert not find_all(page, "script") or all(s.get("src") for s in page.iter("script"))


def test_compare_starts_empty_and_says_when_nothing_is_dated(client):
    page = parse(client.get("/compare"))
    assert len(find_all(find(page, "form", "compare-form"), "input", name="q")) == 4
    assert not find_all(page, cls="compare-chart")
    page = parse(client.get("/compare?q=harbour&undated=only"))
    assert "nothing to draw" in text(find(page, "div", "compare"))
    got = client.get("/api/compare?q=harbour&undated=only").get_json()
    assert got["buckets"] == [] and got["series"][0]["undated"] == 5


def test_compare_escapes_the_searches_and_refuses_a_fifth(client):
    resp = client.get("/compare", query_string={"q": [HOSTILE, "harbour"]})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    csv_body = client.get("/compare.csv", query_string={"q": ["=1+1", "harbour"]}).get_data(
        as_text=True)
    assert "'=1+1" in csv_body
    resp = client.get("/api/compare", query_string={"q": ["a", "b", "c", "d", "e"]})
    assert resp.status_code == 400 and "At most 4 searches" in resp.get_json()["error"]
