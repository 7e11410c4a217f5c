"""Clusters of copies (issue 13 part 2): kept by reindex and update, collapsed in results,
listed on request, carried by exports; on every backend.

The copies are rewrites of one wire story (a word changed, a sentence added, the sign-off
cut), as syndication makes them; the other stories share its subject, not its text.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import article, write_jsonl

from contract.helpers import app_of, search
from searchapp.backends.base import Query
from searchapp.indexing import reindex, update

WIRE = ("The central bank left its key lending rates unchanged on Thursday after a meeting of "
        "its policy council, a spokesman said, adding that the council saw no reason to act "
        "while the currency stayed firm and money supply growth slowed in the last quarter. "
        "Economists had expected the decision, though some dealers had bet on a cut in the "
        "discount rate to support exports, which fell for a third month in a row")
COPY_A = WIRE + ". Reuter"
COPY_B = WIRE.replace("a spokesman said", "a bank spokeswoman told reporters") + \
    ". Markets were calm after the announcement."
COPY_C = WIRE.replace("on Thursday", "on Thursday in Frankfurt").replace(
    "third month", "3rd month")
OTHER = ("Dealers said the central bank could cut rates next month if exports keep falling, "
         "but the council has shown no sign of it, and the currency is expected to rise "
         "against the dollar once the trade figures are out on Monday, analysts in London "
         "and New York said in a survey of forty economists published by a newspaper")

RECORDS = [
    article(id="wire-b", headline="Bank leaves rates unchanged", body=COPY_A,
            source="Wire One", published="2024-03-07"),
    article(id="wire-a", headline="Bank leaves rates unchanged", body=COPY_B,
            source="Daily Two", published="2024-03-07"),
    article(id="wire-c", headline="Central bank holds rates", body=COPY_C,
            source="Gazette Three", published="2024-03-08"),
    article(id="outlook", headline="Bank may cut rates next month", body=OTHER,
            source="Wire One", published="2024-03-09"),
    article(id="short", headline="Rates", body="The central bank left rates unchanged.",
            source="Daily Two", published="2024-03-10"),
]
COPIES = {"wire-a", "wire-b", "wire-c"}


@pytest.fixture(scope="module")
def backend(engine, tmp_path_factory):
    made = engine.build(tmp_path_factory.mktemp("clusters"), RECORDS)
    yield made
    made.close()


def test_copies_share_one_cluster_named_by_its_smallest_id(backend):
    rows = dict((a.id, c) for a, c in backend.export_clustered(Query()))
    assert {i: rows[i] for i in COPIES} == dict.fromkeys(COPIES, "wire-a")
    assert rows["outlook"] == "outlook" and rows["short"] == "short"  # alone


def test_a_page_lists_each_story_once_with_its_copies(backend):
    r = search(backend, q="central bank rates")
    assert r.total == 5 and r.stories == 3  # the total still counts articles
    assert [h.id for h in r.results].count("wire-a") + \
        [h.id for h in r.results].count("wire-b") + \
        [h.id for h in r.results].count("wire-c") == 1
    head = next(h for h in r.results if h.id in COPIES)
    assert head.cluster == "wire-a" and head.copies_total == 2
    assert {c.id for c in head.copies} == COPIES - {head.id}
    everyone = search(backend, q="central bank rates", copies="all")
    ranked = [h.id for h in everyone.results if h.id in COPIES]
    assert head.id == ranked[0]  # the best of the cluster stands for it
    assert [c.id for c in head.copies] == ranked[1:]  # the others in the query's order
    sources = {c.source for c in head.copies}
    assert head.copies_line.startswith("2 copies: ")
    assert all(s in head.copies_line for s in sources)
    others = [h for h in r.results if h.id not in COPIES]
    assert all(h.copies_total == 0 and not h.copies for h in others)


def test_every_copy_on_request(backend):
    r = search(backend, q="central bank rates", copies="all")
    assert r.stories is None and len(r.results) == 5
    assert all(h.copies_total == 0 for h in r.results)


def test_pages_count_stories(backend):
    seen = []
    for page in (1, 2, 3):
        r = search(backend, q="central bank rates", per_page="1", page=str(page))
        assert r.pages == 3
        seen += [h.cluster for h in r.results]
    assert sorted(seen) == ["outlook", "short", "wire-a"]  # no story twice, none left out


def test_one_storys_copies(backend):
    r = search(backend, cluster="wire-a", q="bank")
    assert sorted(h.id for h in r.results) == sorted(COPIES) and r.total == 3
    assert r.stories is None  # its copies are the point: not collapsed
    assert [h.id for h in search(backend, cluster="outlook").results] == ["outlook"]
    assert search(backend, cluster="wire-b").total == 0  # a member's id names no cluster


def test_facet_counts_count_articles(backend):
    r = search(backend, q="central bank rates")
    sources = {v.value: v.count for v in r.facets["source"].values}
    assert sources == {"Wire One": 2, "Daily Two": 2, "Gazette Three": 1}
    assert r.to_dict()["facet_counts"] == "articles" and r.to_dict()["stories"] == 3


def test_the_article_page_lists_its_copies(backend):
    page = backend.article("wire-c")
    assert page.cluster == "wire-a"
    assert [c.id for c in page.copies] == ["wire-a", "wire-b"]
    assert backend.article("outlook").copies == ()


def test_exports_carry_the_cluster_and_collapse_on_request(engine, backend, tmp_path):
    client = app_of(engine, backend, tmp_path).test_client()
    rows = list(csv.DictReader(io.StringIO(client.get("/export.csv?q=bank").get_data(
        as_text=True))))
    assert {r["id"]: r["cluster"] for r in rows if r["id"] in COPIES} == \
        dict.fromkeys(COPIES, "wire-a")
    assert len(rows) == 5  # every copy unless asked
    lines = client.get("/export.jsonl?q=bank&copies=collapse").get_data(as_text=True)
    records = [json.loads(x) for x in lines.splitlines()]
    assert sorted(r["cluster"] for r in records) == ["outlook", "short", "wire-a"]


def test_the_page_shows_copies_and_the_toggle(engine, backend, tmp_path):
    client = app_of(engine, backend, tmp_path).test_client()
    html = client.get("/search?q=central+bank+rates").get_data(as_text=True)
    assert "2 copies: " in html and "cluster=wire-a" in html and "copies=all" in html
    assert "3</strong> stories" in html
    every = client.get("/search?q=central+bank+rates&copies=all").get_data(as_text=True)
    assert "2 copies" not in every and "Show each story once" in every
    api = client.get("/api/search?q=central+bank+rates").get_json()
    assert api["stories"] == 3 and api["copies"] == "collapse"
    head = next(h for h in api["results"] if h["cluster"] == "wire-a")
    assert head["copies_total"] == 2 and len(head["copies"]) == 2


def test_bad_copies_argument_is_one_sentence(engine, backend, tmp_path):
    client = app_of(engine, backend, tmp_path).test_client()
    resp = client.get("/api/search?q=bank&copies=some")
    assert resp.status_code == 400 and "Copies must be collapse or all" in resp.get_data(
        as_text=True)


def _clusters(backend) -> dict[str, str]:
    return {a.id: c for a, c in backend.export_clustered(Query())}


def test_update_joins_and_splits_clusters(engine, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    feed = Path("feed.jsonl")
    write_jsonl(feed, [RECORDS[0], RECORDS[3]])  # wire-b alone, and outlook
    backend = engine.new(tmp_path)
    try:
        reindex([str(feed)], backend, jobs=1)
        assert _clusters(backend) == {"wire-b": "wire-b", "outlook": "outlook"}
        write_jsonl(feed, [RECORDS[0], RECORDS[3], RECORDS[2]])  # a copy comes in
        update([str(feed)], backend, jobs=1)
        assert _clusters(backend)["wire-c"] == _clusters(backend)["wire-b"] == "wire-b"
        write_jsonl(feed, RECORDS[:4])  # a copy with a smaller id: the cluster's new name
        update([str(feed)], backend, jobs=1)
        assert {i: c for i, c in _clusters(backend).items() if i in COPIES} == \
            dict.fromkeys(COPIES, "wire-a")
        write_jsonl(feed, [RECORDS[0], RECORDS[2], RECORDS[3]])  # wire-a goes
        update([str(feed)], backend, jobs=1)
        assert _clusters(backend) == {"wire-b": "wire-b", "wire-c": "wire-b",
                                      "outlook": "outlook"}
        rewritten = dict(RECORDS[2], body=OTHER.replace("Monday", "Tuesday"))
        write_jsonl(feed, [RECORDS[0], rewritten, RECORDS[3]])  # wire-c becomes another
        update([str(feed)], backend, jobs=1)
        assert _clusters(backend) == {"wire-b": "wire-b", "wire-c": "outlook",
                                      "outlook": "outlook"}
        assert search(backend, q="central").stories == 2
    finally:
        backend.close()
