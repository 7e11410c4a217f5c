"""Exports and the Atom feed: every match (no cap), in the search's order, CSV formula cells
prefixed, and a feed that parses as XML and carries the newest matches."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from conftest import article

from contract.helpers import app_of

ATOM = "{http://www.w3.org/2005/Atom}"
N = 130  # more than the largest page (100) and the CSV flush size (100)
SOURCES = ("North Ledger", "South Ledger", "East Ledger")
ARTICLE_KEYS = ["id", "path", "url", "source", "headline", "authors", "published", "lang",
                "tags", "captions", "body", "quotes", "comments", "warnings"]


def _published(i: int) -> str | None:
    if i % 13 == 0:
        return None  # undated articles sort last
    return (dt.date(2015, 1, 1) + dt.timedelta(days=11 * i)).isoformat()


LEDGER = [
    article(
        id=f"ledger-{i:03d}", url=f"https://example.org/ledger/{i}",
        headline=f"Ledger entry {i}", body=" ".join(["ledger"] * (1 + i % 5) + ["filler"] * i),
        source=SOURCES[i % 3], published=_published(i),
        comments=[{"author": f"c{j}", "text": "noted"} for j in range(i % 7)],
    )
    for i in range(N)
]
FORMULAS = [
    article(id="formula-1", headline="=1+1 ledgerless formula", source="+SUM(A1)",
            body="\t=tab formula body", authors=["-cmd"], tags=["@tag"],
            quotes=[{"text": "formula quote", "speaker": "=Speaker"}],
            comments=[{"author": "@commenter", "text": "formula comment"}],
            url="https://example.org/f?=x", published="2001-01-01"),
    article(id="formula-2", headline="-2+3 formula", source="Plain Source",
            body="@SUM(1) formula", published="2001-01-02"),
]
OTHER = [article(id="other-1", headline="Unrelated", body="nothing to see")]


@pytest.fixture(scope="module")
def client(engine, tmp_path_factory):
    backend = engine.build(tmp_path_factory.mktemp("export"), LEDGER + FORMULAS + OTHER)
    yield app_of(engine, backend, tmp_path_factory.mktemp("app")).test_client()
    backend.close()


def api_ids(client, args: str) -> tuple[int, list[str]]:
    """Every id of a search, page by page through the JSON API."""
    ids, page = [], 1
    while True:
        body = client.get(f"/api/search?{args}&per_page=100&page={page}").get_json()
        ids += [r["id"] for r in body["results"]]
        if page >= body["pages"]:
            return body["total"], ids
        page += 1


def csv_rows(client, args: str) -> list[dict]:
    resp = client.get(f"/export.csv?{args}")
    assert resp.status_code == 200
    reader = csv.DictReader(io.StringIO(resp.get_data(as_text=True)))
    return list(reader)


def jsonl_records(client, args: str) -> list[dict]:
    resp = client.get(f"/export.jsonl?{args}")
    assert resp.status_code == 200
    text = resp.get_data(as_text=True)
    assert text == "" or text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


# Export order must equal the order of the JSON API's pages.
ORDERINGS = ["q=ledger", "q=ledger&sort=newest", "q=ledger&sort=oldest", "sort=newest",
             "q=ledger&sort=comments",
             "q=ledger&source=South+Ledger",
             "q=ledger&source=South+Ledger&source=East+Ledger&sort=oldest",
             "q=ledger&from=2016-01-01&to=2017-12-31", "q=ledger&scope=headline"]


@pytest.mark.parametrize("args", ORDERINGS)
def test_csv_exports_every_match_in_order(client, args):
    total, ids = api_ids(client, args)
    assert len(ids) == total
    rows = csv_rows(client, args)
    assert len(rows) == total
    assert [r["id"] for r in rows] == ids


@pytest.mark.parametrize("args", ORDERINGS)
def test_jsonl_exports_every_match_in_order(client, args):
    total, ids = api_ids(client, args)
    records = jsonl_records(client, args)
    assert len(records) == total
    assert [r["id"] for r in records] == ids


def test_export_order_with_tied_sort_keys(client):
    """Most comments: many articles tie; ties keep index order (the records' order)."""
    expected = [r["id"] for r in sorted(LEDGER, key=lambda r: -len(r["comments"]))]
    assert [r["id"] for r in csv_rows(client, "q=ledger&sort=comments")] == expected
    assert [r["id"] for r in jsonl_records(client, "q=ledger&sort=comments")] == expected


def test_export_is_not_capped_or_paged(client):
    assert len(csv_rows(client, "q=ledger")) == N
    assert len(csv_rows(client, "q=ledger&page=3&per_page=5")) == N
    assert len(jsonl_records(client, "q=ledger&per_page=1")) == N
    assert len(jsonl_records(client, "")) == N + len(FORMULAS) + len(OTHER)


def test_sorted_exports_follow_the_field(client):
    by_date = [r["published"] for r in jsonl_records(client, "q=ledger&sort=newest")]
    dated = [d for d in by_date if d]
    assert dated == sorted(dated, reverse=True)
    assert by_date[len(dated):] == [None] * (len(by_date) - len(dated))  # undated last
    counts = [int(r["comments"]) for r in csv_rows(client, "q=ledger&sort=comments")]
    assert counts == sorted(counts, reverse=True) and counts[0] == 6


def test_jsonl_records_are_articles(client):
    records = jsonl_records(client, "q=ledger&sort=oldest")
    for r in records:  # the Article record, and the story's cluster of copies
        assert list(r) == [*ARTICLE_KEYS, "cluster"]
        assert r["cluster"] == r["id"]  # no two of these articles are copies
    first = {k: v for k, v in records[0].items() if k != "cluster"}
    assert first == client.get(f"/api/articles/{first['id']}").get_json()
    assert first["id"] == "ledger-001"


def test_export_downloads_are_streamed_attachments(client):
    for fmt, mimetype in (("csv", "text/csv"), ("jsonl", "application/x-ndjson")):
        with client.get(f"/export.{fmt}?q=ledger") as resp:
            assert resp.is_streamed
            assert resp.mimetype == mimetype
            assert re.fullmatch(r'attachment; filename="scrapesearch-\d{8}T\d{6}\.' + fmt + '"',
                                resp.headers["Content-Disposition"])


def test_empty_export(client):
    resp = client.get("/export.csv?q=nosuchwordanywhere")
    lines = resp.get_data(as_text=True).splitlines()
    assert len(lines) == 1 and lines[0].startswith("id,headline,source,published,url")
    assert client.get("/export.jsonl?q=nosuchwordanywhere").get_data() == b""


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def test_csv_prefixes_formula_cells(client):
    rows = {r["id"]: r for r in csv_rows(client, "q=formula")}
    assert set(rows) == {"formula-1", "formula-2"}
    for row in rows.values():
        for name, cell in row.items():
            assert not cell.startswith(FORMULA_START), (name, cell)
    f1 = rows["formula-1"]
    assert f1["headline"] == "'=1+1 ledgerless formula"
    assert f1["source"] == "'+SUM(A1)"
    assert f1["authors"] == "'-cmd"
    assert f1["tags"] == "'@tag"
    assert f1["speakers"] == "'=Speaker"
    assert f1["commenters"] == "'@commenter"
    assert f1["body"] == "'=tab formula body"  # extraction strips the tab; '=' remains
    assert rows["formula-2"]["headline"] == "'-2+3 formula"
    assert rows["formula-2"]["body"] == "'@SUM(1) formula"
    assert rows["formula-2"]["source"] == "Plain Source"


def test_jsonl_keeps_the_data_unchanged(client):
    records = {r["id"]: r for r in jsonl_records(client, "q=formula")}
    assert records["formula-1"]["headline"] == "=1+1 ledgerless formula"
    assert records["formula-1"]["source"] == "+SUM(A1)"


# ---- Atom ----------------------------------------------------------------------------------


def feed(client, args: str) -> ET.Element:
    resp = client.get(f"/feed.atom?{args}")
    assert resp.status_code == 200
    assert resp.mimetype == "application/atom+xml"
    root = ET.fromstring(resp.get_data())
    assert root.tag == f"{ATOM}feed"
    return root


def rfc3339(value: str) -> dt.datetime:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", value), value
    return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")


def newest(records: list[dict], n: int) -> list[str]:
    dated = sorted((r for r in records if r["published"]), key=lambda r: r["published"],
                   reverse=True)
    return [r["id"] for r in dated][:n]


@pytest.mark.parametrize("args", ["q=ledger", "q=ledger&sort=oldest", "q=ledger&page=3"])
def test_atom_feed_has_the_newest_matches(client, args):
    root = feed(client, args)
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 50
    ids = [e.findtext(f"{ATOM}id").rsplit(":", 1)[1] for e in entries]
    assert ids == newest(LEDGER, 50)
    for e, rid in zip(entries, ids, strict=True):
        rec = next(r for r in LEDGER if r["id"] == rid)
        assert e.findtext(f"{ATOM}title") == rec["headline"]
        assert rfc3339(e.findtext(f"{ATOM}updated")).date().isoformat() == rec["published"]
        assert e.find(f"{ATOM}link").get("href") == f"http://localhost/articles/{rid}"
        assert e.findtext(f"{ATOM}author/{ATOM}name") == rec["source"]
    rfc3339(root.findtext(f"{ATOM}updated"))
    assert "ledger" in root.findtext(f"{ATOM}title")
    assert root.find(f"{ATOM}link[@rel='self']").get("href").startswith(
        "http://localhost/feed.atom?q=ledger")
    assert root.find(f"{ATOM}link[@rel='alternate']").get("href") == (
        "http://localhost/search?q=ledger")


def test_atom_feed_follows_filters(client):
    entries = feed(client, "q=ledger&source=East+Ledger").findall(f"{ATOM}entry")
    east = [r for r in LEDGER if r["source"] == "East Ledger"]
    assert len(east) < 50
    dated = newest(east, 50)
    ids = [e.findtext(f"{ATOM}id").rsplit(":", 1)[1] for e in entries]
    assert ids[:len(dated)] == dated
    assert set(ids[len(dated):]) == {r["id"] for r in east if not r["published"]}


def test_atom_feed_with_no_matches_is_valid(client):
    root = feed(client, "q=nosuchwordanywhere")
    assert root.findall(f"{ATOM}entry") == []
    assert root.findtext(f"{ATOM}id")


def test_atom_feed_links_from_the_search_page(client):
    page = client.get("/search?q=ledger&source=East+Ledger&sort=oldest&page=2")
    html = page.get_data(as_text=True)
    assert ('<link rel="alternate" type="application/atom+xml" title="New matches for this '
            'search" href="/feed.atom?q=ledger&amp;source=East+Ledger">') in html
    assert 'href="/export.csv?q=ledger&amp;source=East+Ledger&amp;sort=oldest"' in html
