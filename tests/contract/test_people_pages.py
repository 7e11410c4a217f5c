"""The speaker and commenter pages (issue 11.3) over every backend: /speakers/<slug>,
/commenters/<slug>, their JSON twins, CSV and JSONL exports and Atom feeds."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import pytest
from conftest import article

from contract.helpers import app_of
from contract.test_feed import ATOM, NS, atom_schema, valid_atom  # noqa: F401 (a fixture)
from contract.test_views import classes, find, find_all, is_sentence, parse, text
from indexer.article import Article
from searchapp import people
from searchapp.search import person
from searchapp.search.personpage import ranked

# (The people model takes a name that starts with markup for no person: the markup at its end.)
EVIL = "Evil Name<script>alert('s')</script>"
RECORDS = [
    article(id="vote-2021", headline="Harbour vote <b>passes</b>", source="Coast Gazette",
            url="https://example.org/vote", published="2021-05-01", body="The vote.",
            quotes=[{"text": "We will dredge the channel", "speaker": "Mayor Jane Doe"},
                    {"text": "The channel is fine as it is", "speaker": "Tom Reed"},
                    {"text": "Work starts in May", "speaker": "Jane Doe"}]),
    article(id="budget-2022", headline="Budget talks", source="River Post",
            published="2022-03-01", body="Budgets.",
            quotes=[{"text": "Budgets are tight this year", "speaker": "Jane Doe"},
                    {"text": "Tight is an understatement", "speaker": "Tom Reed"}]),
    article(id="old-2019", headline="Old harbour news", source="Coast Gazette",
            published="2019-07-01", body="Old news.",
            quotes=[{"text": "=HYPERLINK(\"http://x.example\") is what I typed",
                     "speaker": "Jane Doe"}]),
    article(id="tom-only", headline="Tom speaks alone", source="River Post",
            published="2023-01-01", body="Only Tom.",
            quotes=[{"text": "Nobody else said this", "speaker": "Tom Reed"}]),
    article(id="evil-1", headline="Evil <script>alert('h')</script> zebra", source="<Src> & Co",
            published="2020-02-02", body="Evil body.",
            quotes=[{"text": "<script>alert('q')</script> & zebra", "speaker": EVIL}],
            comments=[{"author": "<b>evil</b> & handle", "text": "<script>x</script> zebra"}]),
    # A thread: alice answers bob, carol, an anonymous reader and herself; bob and carol
    # answer her.
    article(id="thread-1", headline="A long thread", source="Coast Gazette",
            published="2021-06-01", body="Thread body.",
            comments=[{"author": "alice", "text": "First thoughts"},
                      {"author": "bob", "text": "Replying to alice", "parent": 0},
                      {"author": "alice", "text": "Replying to bob", "parent": 1},
                      {"author": "carol", "text": "Also replying to alice", "parent": 0},
                      {"author": "alice", "text": "Replying to carol", "parent": 3},
                      {"text": "An anonymous reply", "parent": 0},
                      {"author": "alice", "text": "Replying to anonymous", "parent": 5},
                      {"author": "alice", "text": "Replying to myself", "parent": 6}]),
    article(id="thread-2", headline="A short thread", source="River Post",
            published="2022-01-01", body="Thread two.",
            comments=[{"author": "bob", "text": "Opening"},
                      {"author": "alice", "text": "Answering bob again", "parent": 0}]),
]
BY_ID = {r["id"]: r for r in RECORDS}


def canonical(record: dict, i: int) -> str:
    """The canonical name of quote i of a record, as the people model says."""
    return people.speakers(Article.from_dict({"path": "x", **record}))[i].name


JANE = canonical(RECORDS[0], 2)  # "Jane Doe", however the model writes it


@pytest.fixture(scope="module")
def backend(engine, tmp_path_factory):
    built = engine.build(tmp_path_factory.mktemp("people"), RECORDS)
    yield built
    built.close()


@pytest.fixture(scope="module")
def client(engine, backend, tmp_path_factory):
    return app_of(engine, backend, tmp_path_factory.mktemp("app")).test_client()


def jane_url(suffix: str = "") -> str:
    return f"/speakers/{people.slug(JANE)}{suffix}"


def said(page) -> list[tuple[str, list[str]]]:
    """(article id, its quote or comment texts) of each article the page lists."""
    out = []
    for hit in find_all(page, "li", "hit"):
        link = find(find(hit, "h2", "hit-title"), "a").get("href")
        texts = [text(find(q, "p")) for q in find_all(hit, "blockquote")]
        texts += [text(p).removesuffix(" in the thread →")
                  for p in find_all(hit, "p", "comment-text")]
        out.append((link.split("?")[0].rsplit("/", 1)[1], texts))
    return out


def test_speaker_page_lists_exactly_their_quotes_newest_first(client):
    resp = client.get(jane_url())
    assert resp.status_code == 200
    page = parse(resp)
    assert text(find(page, "h1")) == JANE
    assert said(page) == [("budget-2022", ["Budgets are tight this year"]),
                          ("vote-2021", ["We will dredge the channel", "Work starts in May"]),
                          ("old-2019", ['=HYPERLINK("http://x.example") is what I typed'])]
    assert text(find(page, "strong", id="total")) == "3"
    hit = find(page, "li", "hit")
    assert text(find(hit, "span", "source")) == "River Post"
    assert find(hit, "time").get("datetime") == "2022-03-01"


def test_speaker_page_counts_sources_years_and_people_beside(client):
    page = parse(client.get(jane_url()))
    side = find(page, "aside", "sidebar")
    sources = find(side, "section", **{"aria-labelledby": "sources-h"})
    assert [(text(find(a, "span", "value")), text(find(a, "span", "count")))
            for a in find_all(sources, "a", "facet-value")] == [("Coast Gazette", "2"),
                                                                ("River Post", "1")]
    years = find(side, "ul", "histogram")
    assert [text(s) for s in find_all(years, "span", "visually-hidden")] == [
        "2019: 1 article", "2020: 0 articles", "2021: 1 article", "2022: 1 article"]
    beside = find(side, "section", **{"aria-labelledby": "beside-h"})
    tom = canonical(RECORDS[0], 1)
    assert [(a.get("href"), text(find(a, "span", "value")), text(find(a, "span", "count")))
            for a in find_all(beside, "a")] == [(f"/speakers/{people.slug(tom)}", tom, "2")]


def test_search_within_their_quotes_marks_the_words(client):
    page = parse(client.get(jane_url(), query_string={"q": "budgets"}))
    assert said(page) == [("budget-2022", ["Budgets are tight this year"])]
    quote = find(page, "figure", "quote")
    assert "matched" in classes(quote)
    assert [text(m) for m in quote.iter("mark")] == ["Budgets"]
    form = find(page, "form", "within")
    assert form.get("action") == jane_url()
    assert find(form, "input", name="q").get("value") == "budgets"
    # The article link carries the search, so that its page marks the same words.
    link = find(find(page, "h2", "hit-title"), "a").get("href")
    assert link.startswith("/articles/budget-2022?q=budgets&scope=quotes&speaker=")


def test_speaker_pages_are_paged_by_article(client):
    page = parse(client.get(jane_url(), query_string={"per_page": 1, "page": 2}))
    assert [i for i, _ in said(page)] == ["vote-2021"]
    pager = find(page, "nav", "pagination")
    assert find(pager, "a", rel="next").get("href") == jane_url("?per_page=1&page=3")
    assert find(pager, "a", rel="prev").get("href") == jane_url("?per_page=1")


def test_scraped_markup_in_names_and_quotes_is_text(client):
    evil = canonical(BY_ID["evil-1"], 0)
    resp = client.get(f"/speakers/{people.slug(evil)}")
    assert resp.status_code == 200
    raw = resp.get_data(as_text=True)
    page = parse(resp)
    assert [s.get("src") for s in page.iter("script")] == ["/static/app.js"]
    assert list(page.iter("b")) == []
    assert text(find(page, "h1")) == evil
    assert said(page) == [("evil-1", ["<script>alert('q')</script> & zebra"])]
    assert "&lt;script&gt;alert(&#39;q&#39;)&lt;/script&gt; &amp; zebra" in raw
    assert text(find(find(page, "li", "hit"), "span", "source")) == "<Src> & Co"
    handle = people.commenters(Article.from_dict({"path": "x", **BY_ID["evil-1"]}))[0].name
    resp = client.get(f"/commenters/{people.slug(handle)}")
    assert list(parse(resp).iter("b")) == [] and text(find(parse(resp), "h1")) == handle


@pytest.mark.parametrize("url", ["/speakers/nobody-at-all", "/speakers/Jane%20Doe",
                                 "/speakers/-", "/commenters/nobody-at-all",
                                 "/speakers/nobody-at-all/export.csv",
                                 "/speakers/nobody-at-all/feed.atom"])
def test_unknown_person_is_404_with_a_sentence(client, url):
    resp = client.get(url)
    assert resp.status_code == 404
    message = text(find(parse(resp), "main"))
    assert "Nobody with that name is" in message
    api = client.get("/api" + url.split("/export")[0].split("/feed")[0])
    assert api.status_code == 404 and is_sentence(api.get_json()["error"])


def test_speaker_json_twin(client):
    data = client.get("/api" + jane_url()).get_json()
    assert {k: data[k] for k in ("kind", "name", "slug", "articles", "others", "query", "total",
                                 "page", "pages", "quotes", "scanned", "capped")} == {
        "kind": "speaker", "name": JANE, "slug": people.slug(JANE), "articles": 3,
        "others": [], "query": "", "total": 3, "page": 1, "pages": 1, "quotes": 4,
        "scanned": 3, "capped": False}
    assert [r["id"] for r in data["results"]] == ["budget-2022", "vote-2021", "old-2019"]
    vote = data["results"][1]
    assert {k: vote[k] for k in ("headline", "url", "source", "published")} == {
        "headline": "Harbour vote <b>passes</b>", "url": "https://example.org/vote",
        "source": "Coast Gazette", "published": "2021-05-01"}
    assert [(q["index"], q["text"], q["matched"]) for q in vote["quotes"]] == [
        (0, "We will dredge the channel", False), (2, "Work starts in May", False)]
    assert data["years"] == [{"value": "2022", "count": 1}, {"value": "2021", "count": 1},
                             {"value": "2019", "count": 1}]
    forms = Counter(p.form for r in RECORDS[:3]
                    for p in people.speakers(Article.from_dict({"path": "x", **r}))
                    if p and p.name == JANE)
    assert data["forms"] == [{"form": f, "count": n} for f, n in ranked(forms)]
    assert data["links"]["csv"] == jane_url("/export.csv")
    marked = client.get("/api" + jane_url(), query_string={"q": "dredge"}).get_json()
    assert (marked["articles"], marked["total"]) == (3, 1)
    assert marked["results"][0]["quotes"][0]["html"] == "We will <mark>dredge</mark> the channel"


def rows_of(client, url: str) -> list[dict]:
    resp = client.get(url)
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"].startswith("attachment; filename=")
    body = resp.get_data(as_text=True)
    if url.split("?")[0].endswith(".csv"):
        return list(csv.DictReader(io.StringIO(body)))
    return [json.loads(line) for line in body.splitlines()]


def test_speaker_csv_and_jsonl_have_one_row_per_quote(client):
    expected = [
        ("Budgets are tight this year", "budget-2022", "Budget talks", "", "River Post",
         "2022-03-01"),
        ("We will dredge the channel", "vote-2021", "Harbour vote <b>passes</b>",
         "https://example.org/vote", "Coast Gazette", "2021-05-01"),
        ("Work starts in May", "vote-2021", "Harbour vote <b>passes</b>",
         "https://example.org/vote", "Coast Gazette", "2021-05-01"),
        ('=HYPERLINK("http://x.example") is what I typed', "old-2019", "Old harbour news", "",
         "Coast Gazette", "2019-07-01")]
    keys = ("quote", "article_id", "headline", "url", "source", "published")
    rows = rows_of(client, jane_url("/export.csv"))
    assert list(rows[0]) == list(person.SPEAKER_COLUMNS)
    assert {r["speaker"] for r in rows} == {JANE}
    # The formula is a cell of text in a spreadsheet: prefixed with a quote mark.
    assert [tuple(r[k] for k in keys) for r in rows] == [
        (("'" + q) if q.startswith("=") else q, *rest) for q, *rest in expected]
    lines = rows_of(client, jane_url("/export.jsonl"))
    assert [tuple(r[k] or "" for k in keys) for r in lines] == expected
    assert rows_of(client, jane_url("/export.jsonl?q=budgets")) == [lines[0]]


def test_speaker_feed_is_atom_with_one_entry_per_article(client, atom_schema):  # noqa: F811
    resp = client.get(jane_url("/feed.atom"))
    assert resp.mimetype == "application/atom+xml"
    feed = valid_atom(atom_schema, resp.get_data())
    entries = feed.findall(f"{{{ATOM}}}entry")
    slug = people.slug(JANE)
    assert [e.findtext(f"{{{ATOM}}}id") for e in entries] == [
        f"urn:scrapesearch:speakers:{slug}:{i}" for i in ("budget-2022", "vote-2021",
                                                           "old-2019")]
    assert entries[1].findtext(f"{{{ATOM}}}summary") == (
        "We will dredge the channel\n\nWork starts in May")
    assert feed.xpath("atom:link[@rel='alternate']/@href", namespaces=NS)[0].endswith(
        jane_url())
    empty = valid_atom(atom_schema, client.get(jane_url("/feed.atom?q=nowhere")).get_data())
    assert empty.findall(f"{{{ATOM}}}entry") == []


def test_commenter_page_counts_replies_both_ways(client):
    page = parse(client.get("/commenters/alice"))
    assert text(find(page, "h1")) == "alice"
    assert said(page) == [
        ("thread-2", ["Answering bob again"]),
        ("thread-1", ["First thoughts", "Replying to bob", "Replying to carol",
                      "Replying to anonymous", "Replying to myself"])]

    def counted(section_id):
        side = find(page, "section", **{"aria-labelledby": section_id})
        return [(a.get("href"), text(find(a, "span", "value")), text(find(a, "span", "count")))
                for a in find_all(side, "a")]

    assert counted("replies-to-h") == [("/commenters/bob", "bob", "2"),
                                       ("/commenters/carol", "carol", "1")]
    assert counted("replied-by-h") == [("/commenters/bob", "bob", "1"),
                                       ("/commenters/carol", "carol", "1")]
    data = client.get("/api/commenters/alice").get_json()
    assert data["replies_to"] == [{"name": "bob", "count": 2}, {"name": "carol", "count": 1}]
    assert data["replied_by"] == [{"name": "bob", "count": 1}, {"name": "carol", "count": 1}]
    assert (data["kind"], data["total"], data["comments"]) == ("commenter", 2, 6)
    thread = data["results"][1]["comments"]
    assert [(c["index"], c["reply_to"]) for c in thread] == [
        (0, None), (2, "bob"), (4, "carol"), (6, ""), (7, "alice")]
    bob = client.get("/api/commenters/bob").get_json()
    assert bob["replies_to"] == [{"name": "alice", "count": 1}]
    assert bob["replied_by"] == [{"name": "alice", "count": 2}]


def test_commenter_exports_and_feed(client, atom_schema):  # noqa: F811
    rows = rows_of(client, "/commenters/alice/export.csv")
    assert list(rows[0]) == list(person.COMMENTER_COLUMNS)
    assert [(r["comment"], r["reply_to"], r["article_id"]) for r in rows] == [
        ("Answering bob again", "bob", "thread-2"), ("First thoughts", "", "thread-1"),
        ("Replying to bob", "bob", "thread-1"), ("Replying to carol", "carol", "thread-1"),
        ("Replying to anonymous", "", "thread-1"), ("Replying to myself", "alice", "thread-1")]
    lines = rows_of(client, "/commenters/alice/export.jsonl?q=carol")
    assert [(r["commenter"], r["comment"], r["reply_to"]) for r in lines] == [
        ("alice", c, p) for c, p in [("First thoughts", None), ("Replying to bob", "bob"),
                                     ("Replying to carol", "carol"),
                                     ("Replying to anonymous", ""),
                                     ("Replying to myself", "alice")]]
    feed = valid_atom(atom_schema, client.get("/commenters/alice/feed.atom").get_data())
    assert [e.findtext(f"{{{ATOM}}}id") for e in feed.findall(f"{{{ATOM}}}entry")] == [
        "urn:scrapesearch:commenters:alice:thread-2", "urn:scrapesearch:commenters:alice:thread-1"]


def test_article_page_links_people_to_their_pages(client):
    page = parse(client.get("/articles/vote-2021"))
    figures = find_all(find(page, "section", "quotes"), "figcaption")
    links = [(find(f, "a").get("href"), text(f)) for f in figures]
    assert links == [(jane_url(), "Mayor Jane Doe"),
                     (f"/speakers/{people.slug(canonical(RECORDS[0], 1))}", "Tom Reed"),
                     (jane_url(), "Jane Doe")]
    thread = parse(client.get("/articles/thread-1"))
    who = [a.get("href") for a in find_all(thread, "a", "who")]
    assert who == ["/commenters/alice", "/commenters/bob", "/commenters/alice",
                   "/commenters/carol", "/commenters/alice", "/commenters/alice",
                   "/commenters/alice"]


def test_names_sharing_a_slug_name_each_other(engine, make_backend, tmp_path):
    def said_by(handle, n):
        return article(id=f"{handle.replace(' ', '')}-{n}", headline=f"Thread {n}",
                       body="Body.", published=f"2020-01-0{n}",
                       comments=[{"author": handle, "text": f"Comment {n}"}])

    backend = make_backend([said_by("bob smith", 1), said_by("bob smith", 2),
                            said_by("bob-smith", 3)])
    client = app_of(engine, backend, tmp_path).test_client()
    data = client.get("/api/commenters/bob-smith").get_json()
    assert (data["name"], data["total"]) == ("bob smith", 2)
    assert data["others"] == [{"name": "bob-smith", "count": 1, "slug": "bob-smith"}]
    others = find(parse(client.get("/commenters/bob-smith")), "p", "others")
    assert [(a.get("href"), text(a)) for a in others.iter("a")] == [
        ("/search?commenter=bob-smith&scope=comments", "bob-smith")]


def test_nothing_matching_and_pages_past_the_last(client):
    page = parse(client.get(jane_url(), query_string={"q": "nowhere"}))
    assert text(find(page, "strong", id="total")) == "0"
    assert text(find(find(page, "div", "empty"), "h2")) == (
        f"No quote by {JANE} matches nowhere.")
    past = parse(client.get(jane_url(), query_string={"page": 9}))
    assert said(past) == []
    assert text(find(find(past, "div", "empty"), "h2")) == "There are no quotes on page 9."
    assert client.get("/api" + jane_url(), query_string={"page": 0}).status_code == 400
