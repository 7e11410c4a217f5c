"""The web app through Flask's test client: every route of DESIGN 3.3, the JSON shape, errors,
no-index handling (T07), facet links, pagination and escaping of scraped markup."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import html5lib
import pytest
from conftest import article, write_jsonl

from contract.helpers import app_of
from searchapp.fields import FACETS as FACET_FIELDS
from searchapp.indexing import reindex

# Ten "harbour" articles over three sources and three years, so facet counts are known.
SOURCES = ["Coast Gazette"] * 5 + ["Harbour Times"] * 3 + ["River Post"] * 2
HARBOUR = [
    article(
        id=f"harbour-{i}", url=f"https://example.org/harbour/{i}",
        headline=f"Harbour story number {i}",
        body=f"The harbour authority met on day {i}.\n\nDredging of the channel continues.",
        source=SOURCES[i], published=f"{2018 + i % 3}-0{1 + i % 9}-1{i % 10}",
        authors=["Ann Lee"] if i % 2 else ["Bo Chen"], tags=["ports"],
        quotes=[{"text": f"The harbour must stay open {i}", "speaker": "Mayor Jane Doe"}],
        comments=[{"author": f"reader {i}", "text": f"I walk by the pier every day {i}"},
                  {"author": "harbour watcher", "text": "The harbour smells of fish"}],
    )
    for i in range(10)
]
OTHER = [
    article(id="bridge-1", headline="Bridge reopens", body="The old bridge reopened.",
            source="River Post", published="2020-05-01",
            comments=[{"author": "pontoon", "text": "A bridge too far"}]),
    article(id="undated-1", headline="A festival of kites", body="Kites over the dunes.",
            source="Coast Gazette"),
]
# Scraped markup and ampersands in every displayed field; "zebra" finds it.
ESCAPE = article(
    id="escape-1", url="https://example.org/escape?a=1&b=2",
    headline="Tom & Jerry <script>alert('h')</script> zebra",
    body="Body & <b>bold</b> <script>alert('b')</script> zebra crossing.",
    source="<Src> & Sons", published="2021-02-03", authors=["<em>Writer</em> R&D"],
    tags=["<i>tag</i> & more"],
    quotes=[{"text": "<script>alert('q')</script> & zebra quote", "speaker": "<i>Spk</i> & Co"}],
    comments=[{"author": "<b>Auth</b> & Co", "text": "<script>alert('c')</script> & zebra talk"}],
)
RECORDS = HARBOUR + OTHER + [ESCAPE]


@pytest.fixture(scope="module")
def backend(engine, tmp_path_factory):
    built = engine.build(tmp_path_factory.mktemp("views"), RECORDS)
    yield built
    built.close()


@pytest.fixture(scope="module")
def app(engine, backend, tmp_path_factory):
    return app_of(engine, backend, tmp_path_factory.mktemp("app"))


@pytest.fixture
def client(app):
    return app.test_client()


# ---- helpers ---------------------------------------------------------------------------


def parse(resp):
    assert resp.mimetype == "text/html", resp.mimetype
    return html5lib.parse(resp.get_data(as_text=True), namespaceHTMLElements=False)


def text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def classes(el) -> set[str]:
    return set((el.get("class") or "").split())


def find_all(root, tag: str = "*", cls: str | None = None, **attrs):
    out = []
    for el in root.iter(tag):
        if cls is not None and cls not in classes(el):
            continue
        if all(el.get(k.replace("_", "-")) == v for k, v in attrs.items()):
            out.append(el)
    return out


def find(root, tag: str = "*", cls: str | None = None, **attrs):
    found = find_all(root, tag, cls, **attrs)
    assert found, f"no <{tag} class={cls} {attrs}> in the page"
    return found[0]


def total_of(page) -> int:
    return int(text(find(page, "strong", id="total")).replace(",", ""))


def hit_ids(page) -> list[str]:
    return [urlsplit(a.get("href")).path.rsplit("/", 1)[1]
            for h in find_all(page, "h2", "hit-title") for a in h.iter("a")]


def is_sentence(message: str) -> bool:
    return (10 <= len(message) <= 300 and message[0].isupper() and message.endswith(".")
            and "Traceback" not in message and "\n" not in message)


def harbour(pred=lambda r: True) -> list[dict]:
    return [r for r in HARBOUR if pred(r)]


# ---- routes ------------------------------------------------------------------------------


@pytest.mark.parametrize("url, mimetype", [
    ("/", "text/html"),
    ("/search", "text/html"),
    ("/search?q=harbour", "text/html"),
    ("/api/search?q=harbour", "application/json"),
    ("/articles/harbour-1", "text/html"),
    ("/api/articles/harbour-1", "application/json"),
    ("/export.csv?q=harbour", "text/csv"),
    ("/export.jsonl?q=harbour", "application/x-ndjson"),
    ("/feed.atom?q=harbour", "application/atom+xml"),
    ("/healthz", "application/json"),
    ("/static/style.css", "text/css"),
    ("/static/app.js", "text/javascript"),
])
def test_every_route_answers(client, url, mimetype):
    with client.get(url) as resp:
        assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
        assert resp.mimetype == mimetype
        assert resp.get_data()


def test_healthz_reports_documents_and_generation(client, backend):
    body = client.get("/healthz").get_json()
    assert body == {"status": "ok", "documents": len(RECORDS),
                    "generation": backend.health().generation}
    assert body["generation"] and body["generation"] == backend.stats()["generation"]


def test_api_article_is_the_article_record(client):
    body = client.get("/api/articles/escape-1").get_json()
    assert body["id"] == "escape-1"
    assert body["headline"] == ESCAPE["headline"]
    assert body["quotes"] == [{"text": ESCAPE["quotes"][0]["text"], "speaker": "<i>Spk</i> & Co"}]
    assert body["comments"][0]["author"] == "<b>Auth</b> & Co"
    assert body["authors"] == ["<em>Writer</em> R&D"]


# ---- /api/search -------------------------------------------------------------------------


def test_api_search_shape(client):
    body = client.get("/api/search?q=harbour&per_page=4&page=2").get_json()
    assert {"query", "total", "page", "per_page", "took_ms", "results", "facets",
            "suggestion"} <= set(body)
    assert body["query"] == "harbour"
    assert (body["total"], body["page"], body["per_page"]) == (10, 2, 4)
    assert isinstance(body["took_ms"], int | float) and body["took_ms"] >= 0
    assert len(body["results"]) == 4
    for r in body["results"]:
        assert {"id", "headline", "url", "source", "published", "score", "snippets"} <= set(r)
        assert r["id"].startswith("harbour-")
        assert r["url"] == f"https://example.org/harbour/{r['id'].split('-')[1]}"
        assert isinstance(r["score"], int | float)
        assert isinstance(r["snippets"], dict)
        assert "<mark>harbour</mark>" in r["snippets"]["headline"].lower()
        assert any("<mark>" in s for s in r["snippets"]["body"])
    assert set(body["facets"]) == set(FACET_FIELDS)
    for values in body["facets"].values():
        for v in values:
            assert set(v) == {"value", "count", "selected", "excluded"}
            assert isinstance(v["count"], int) and v["selected"] is False
    assert {v["value"]: v["count"] for v in body["facets"]["source"]} == {
        "Coast Gazette": 5, "Harbour Times": 3, "River Post": 2}
    assert body["suggestion"] is None or isinstance(body["suggestion"], str)


def test_api_search_snippets_mark_quotes_and_comments(client):
    snippets = client.get("/api/search?q=harbour&per_page=1").get_json()["results"][0]["snippets"]
    assert snippets["quotes"][0]["speaker"] == "Mayor Jane Doe"
    assert "<mark>harbour</mark>" in snippets["quotes"][0]["text"].lower()
    assert [c["author"] for c in snippets["comments"]] == ["harbour watcher"]


def test_api_search_selected_facet_values(client):
    body = client.get("/api/search?q=harbour&source=River+Post&year=2018").get_json()
    assert body["total"] == len(harbour(lambda r: r["source"] == "River Post"
                                        and r["published"].startswith("2018")))
    sources = {v["value"]: v for v in body["facets"]["source"]}
    assert sources["River Post"]["selected"] is True
    assert sources["Coast Gazette"]["selected"] is False


def test_api_search_facets_none_snippets_none(client):
    body = client.get("/api/search?q=harbour&facets=none&snippets=none").get_json()
    assert body["total"] == 10
    assert body["facets"] == {}
    for r in body["results"]:
        s = r["snippets"]
        assert not s.get("body") and not s.get("quotes") and not s.get("comments")


def test_api_search_escapes_snippets(client):
    r = client.get("/api/search?q=zebra").get_json()["results"][0]
    assert r["headline"] == ESCAPE["headline"]  # the plain field is data, not HTML
    snippets = r["snippets"]
    assert snippets["headline"] == (
        "Tom &amp; Jerry &lt;script&gt;alert(&#39;h&#39;)&lt;/script&gt; <mark>zebra</mark>")
    joined = " ".join([*snippets["body"], *(q["text"] for q in snippets["quotes"]),
                       *(c["text"] for c in snippets["comments"])])
    assert "<script" not in joined and "<b>" not in joined
    assert joined.count("<mark>") >= 3


# ---- bad arguments -----------------------------------------------------------------------

BAD_ARGS = [
    "page=0", "page=-1", "page=abc", "page=1.5", "per_page=0", "per_page=x",
    "sort=bogus", "scope=nowhere", "from=2019-13-01", "from=yesterday", "to=2019-02-30",
    "from=2020&to=2019", "facets=bogus", "snippets=some", "source_size=0",
    "source=" + "x" * 301, "&".join(f"tag=t{i}" for i in range(51)),
]


@pytest.mark.parametrize("args", BAD_ARGS, ids=lambda a: a[:30])
def test_bad_argument_is_400_with_a_sentence(client, args):
    api = client.get(f"/api/search?{args}")
    assert api.status_code == 400
    assert api.mimetype == "application/json"
    assert is_sentence(api.get_json()["error"]), api.get_json()
    for route in ("/search", "/export.csv", "/export.jsonl", "/feed.atom"):
        resp = client.get(f"{route}?{args}")
        assert resp.status_code == 400, route
        message = text(find(parse(resp), "p", "error-message"))
        assert message == api.get_json()["error"]


def test_unknown_article_is_404(client):
    resp = client.get("/articles/no-such-article")
    assert resp.status_code == 404
    assert is_sentence(text(find(parse(resp), "p", "error-message")))
    api = client.get("/api/articles/no-such-article")
    assert api.status_code == 404
    assert is_sentence(api.get_json()["error"])


def test_unknown_route_and_method(client):
    assert client.get("/nothing-here").status_code == 404
    resp = client.post("/search?q=harbour")
    assert resp.status_code == 405
    assert is_sentence(text(find(parse(resp), "p", "error-message")))


# ---- no index (T07) ----------------------------------------------------------------------


def _assert_503(app):
    c = app.test_client()
    for url in ("/search?q=harbour", "/", "/articles/harbour-1", "/export.csv"):
        resp = c.get(url)
        assert resp.status_code == 503, url
        assert is_sentence(text(find(parse(resp), "p", "error-message")))
    for url in ("/api/search?q=harbour", "/healthz", "/api/articles/harbour-1"):
        resp = c.get(url)
        assert resp.status_code == 503, url
        assert resp.mimetype == "application/json"
        assert is_sentence(resp.get_json()["error"]), resp.get_json()


def test_no_index_is_503_until_one_is_built(engine, tmp_path):
    """A worker started before the first reindex answers 503 with a sentence, then serves
    the index once it exists (the backend-specific kinds of broken index: tests/backends)."""
    backend = engine.new(tmp_path)
    app = app_of(engine, backend, tmp_path)
    _assert_503(app)
    src = write_jsonl(tmp_path / "later.jsonl", RECORDS)
    reindex([str(src)], backend, jobs=1)
    assert app.test_client().get("/healthz").get_json()["documents"] == len(RECORDS)


# ---- the search page ---------------------------------------------------------------------


def test_search_page_shows_total_hits_and_highlights(client):
    page = parse(client.get("/search?q=harbour"))
    assert total_of(page) == 10
    assert len(hit_ids(page)) == 10
    first = find(page, "li", "hit")
    marks = [text(m).lower() for m in first.iter("mark")]
    assert marks and set(marks) == {"harbour"}
    quote = find(first, "figure", "quote")
    assert "harbour" in text(quote).lower() and "Mayor Jane Doe" in text(quote)
    comment = find(first, "div", "comment")
    assert "harbour watcher" in text(comment) and find(comment, "mark") is not None
    assert {text(t) for t in find_all(first, "span", "tag")} == {
        "headline", "body", "quote", "comment"}


def test_scope_tabs_show_counts_and_links(client):
    page = parse(client.get("/search?q=bridge"))
    tabs = {text(a).split()[0]: a for a in find_all(page, "a", "scope")}
    assert list(tabs) == ["Everything", "Headlines", "Bodies", "Quotes", "Comments"]
    assert tabs["Everything"].get("aria-current") == "page"
    for label, scope in (("Headlines", "headline"), ("Bodies", "body"), ("Quotes", "quotes"),
                         ("Comments", "comments")):
        api = client.get(f"/api/search?q=bridge&scope={scope}").get_json()
        count = int(text(find(tabs[label], "span", "count")))
        assert count == api["total"], label
        assert parse_qs(urlsplit(tabs[label].get("href")).query) == {"q": ["bridge"],
                                                                   "scope": [scope]}
    assert int(text(find(tabs["Headlines"], "span", "count"))) == 1
    assert int(text(find(tabs["Comments"], "span", "count"))) == 1
    scoped = parse(client.get(tabs["Comments"].get("href")))
    assert hit_ids(scoped) == ["bridge-1"]
    assert find(scoped, "a", "scope", aria_current="page") is not None
    # a new query from the header keeps the scope
    assert find(scoped, "input", type="hidden", name="scope").get("value") == "comments"


def test_malformed_query_says_how_it_was_read(client):
    page = parse(client.get('/search?q="harbour+authority'))
    notice = text(find(page, "div", "notice"))
    assert "unclosed quote" in notice
    assert '"harbour authority"' in text(find(page, "code", "read-as"))
    assert total_of(page) == 10
    page = parse(client.get("/search?q=*"))
    assert "matches everything" in text(find(page, "div", "notice"))


def test_zero_hits_offer_the_or_version(client):
    page = parse(client.get("/search?q=harbour+zebra"))
    assert total_of(page) == 0
    offer = [a for a in find(page, "div", "empty").iter("a") if "OR" in text(a)]
    assert offer and text(offer[0]) == "harbour OR zebra"
    assert total_of(parse(client.get(offer[0].get("href")))) == 11


def facet_link(page, facet: str, value: str):
    return find(page, "a", data_facet=facet, data_value=value)


def follow(client, link):
    resp = client.get(link.get("href"))
    assert resp.status_code == 200
    return parse(resp)


def test_facet_toggle_round_trip(client):
    page = parse(client.get("/search?q=harbour&sort=newest"))
    assert total_of(page) == 10
    coast = facet_link(page, "source", "Coast Gazette")
    assert "selected" not in classes(coast) and coast.get("aria-current") is None

    page = follow(client, coast)  # select one value
    assert total_of(page) == 5
    assert facet_link(page, "source", "Coast Gazette").get("aria-current") == "true"
    assert "selected" in classes(facet_link(page, "source", "Coast Gazette"))
    coast = harbour(lambda r: r["source"] == "Coast Gazette")
    assert set(hit_ids(page)) == {r["id"] for r in coast}
    # the other values of the same facet keep their counts, so a second one can be added
    assert text(find(facet_link(page, "source", "Harbour Times"), "span", "count")) == "3"
    assert find(page, "input", type="hidden", name="sort").get("value") == "newest"

    page = follow(client, facet_link(page, "source", "Harbour Times"))  # values of one facet OR
    assert total_of(page) == 8
    chips = [text(c) for c in find_all(page, "a", "chip")]
    assert any("Coast Gazette" in c for c in chips) and any("Harbour Times" in c for c in chips)

    # different facets AND (the year is a filter still, shown as a chip: issue 13)
    page = parse(client.get(facet_link(page, "source", "River Post").get("href")
                            .replace("source=River+Post", "year=2019")))
    assert total_of(page) == len(harbour(
        lambda r: r["source"] in ("Coast Gazette", "Harbour Times")
        and r["published"].startswith("2019")))
    assert any("Year 2019" in text(c) for c in find_all(page, "a", "chip"))

    page = follow(client, facet_link(page, "source", "Coast Gazette"))  # unselect
    assert total_of(page) == len(harbour(
        lambda r: r["source"] == "Harbour Times" and r["published"].startswith("2019")))
    assert facet_link(page, "source", "Coast Gazette").get("aria-current") is None
    assert facet_link(page, "source", "Harbour Times").get("aria-current") == "true"
    href = facet_link(page, "source", "Harbour Times").get("href")
    assert parse_qs(urlsplit(href).query) == {"q": ["harbour"], "year": ["2019"],
                                              "sort": ["newest"]}


def test_selected_value_never_disappears(client):
    page = parse(client.get("/search?q=zebra&source=Coast+Gazette&speaker=Nobody+At+All"))
    assert total_of(page) == 0
    for facet, value in (("source", "Coast Gazette"), ("speaker", "Nobody At All")):
        link = facet_link(page, facet, value)
        assert link.get("aria-current") == "true"
        assert text(find(link, "span", "count")) == "0"
    clear = [a for a in find(page, "ul", "active-filters").iter("a") if text(a) == "Clear all"]
    assert parse_qs(urlsplit(clear[0].get("href")).query) == {"q": ["zebra"]}


def test_long_facet_lists_have_a_more_link(client):
    page = parse(client.get("/search?q=harbour"))
    commenters = find(page, "details", id="facet-commenter")
    assert len(find_all(commenters, "a", "facet-value")) == 10
    more = find(commenters, "a", "more")
    assert "11 in all" in text(more)
    page = follow(client, more)
    commenters = find(page, "details", id="facet-commenter")
    assert len(find_all(commenters, "a", "facet-value")) == 11
    assert text(find(commenters, "a", "more")) == "Show fewer"
    assert total_of(page) == 10


def test_timeline_bars_zoom_to_their_range(client):
    page = parse(client.get("/search?q=harbour"))
    bars = find_all(find(page, "ol", "timeline"), "a", "tbar")
    # 2018-01-10 to 2020-03-13: 27 months, 10 of them with matches (the others are empty).
    assert [b.get("data-start") for b in bars][:2] == ["2018-01-01", "2018-04-01"]
    page = follow(client, bars[0])
    assert total_of(page) == len(harbour(lambda r: r["published"].startswith("2018-01")))


def test_date_range_filters(client):
    page = parse(client.get("/search?q=harbour&from=2019-01-01&to=2019-12-31"))
    assert total_of(page) == len(harbour(lambda r: r["published"].startswith("2019")))
    assert find(page, "input", name="from").get("value") == "2019-01-01"
    assert any("2019-01-01" in text(c) for c in find_all(page, "a", "chip"))


def test_sort_newest_and_oldest(client):
    by_date = sorted(HARBOUR, key=lambda r: r["published"])
    newest = hit_ids(parse(client.get("/search?q=harbour&sort=newest")))
    assert newest == [r["id"] for r in reversed(by_date)]
    oldest = hit_ids(parse(client.get("/search?q=harbour&sort=oldest")))
    assert oldest == [r["id"] for r in by_date]
    page = parse(client.get("/search?q=harbour&sort=oldest"))
    current = find(find(page, "nav", "sort"), "a", aria_current="true")
    assert text(current) == "Oldest"


def test_pagination_bounds(client):
    seen = []
    page = parse(client.get("/search?q=harbour&per_page=3"))
    for n in range(1, 5):
        assert total_of(page) == 10
        ids = hit_ids(page)
        assert len(ids) == (3 if n < 4 else 1)
        assert find(page, "ol", "hits").get("start") == str((n - 1) * 3 + 1)
        seen += ids
        nav = find(page, "nav", "pagination")
        assert find(nav, "a", aria_current="page") is not None
        assert text(find(nav, "a", aria_current="page")).endswith(str(n))
        assert bool(find_all(nav, "a", rel="prev")) == (n > 1)
        nxt = find_all(nav, "a", rel="next")
        assert bool(nxt) == (n < 4)
        if nxt:
            assert parse_qs(urlsplit(nxt[0].get("href")).query) == {
                "q": ["harbour"], "per_page": ["3"], "page": [str(n + 1)]}
            page = follow(client, nxt[0])
    assert sorted(seen) == sorted(r["id"] for r in HARBOUR)

    past = client.get("/search?q=harbour&per_page=3&page=5")
    assert past.status_code == 200
    past = parse(past)
    assert hit_ids(past) == []
    assert "no results on page 5" in text(find(past, "div", "empty"))
    assert find(find(past, "nav", "pagination"), "a", rel="prev") is not None

    huge = parse(client.get("/search?q=harbour&page=1000000000"))
    assert "first 1,000 pages" in text(find(huge, "div", "notice"))
    big = parse(client.get("/search?q=harbour&per_page=1000000"))
    assert "100 results" in text(find(big, "div", "notice"))
    assert len(hit_ids(big)) == 10
    assert find_all(big, "nav", "pagination") == []


def test_pages_never_overlap_when_sort_keys_tie(engine, make_backend, tmp_path):
    """Equal dates or comment counts must not make pages repeat or skip documents."""
    records = [article(id=f"tie-{i:02d}", headline=f"Tie {i}", body="tie",
                       published="2020-01-01" if i % 2 else None,
                       comments=[{"author": "a", "text": "x"}] * (i % 2)) for i in range(60)]
    client = app_of(engine, make_backend(records), tmp_path).test_client()
    for sort in ("relevance", "newest", "oldest", "comments"):
        ids = []
        for page in range(1, 7):
            body = client.get(f"/api/search?q=tie&sort={sort}&per_page=10&page={page}")
            ids += [r["id"] for r in body.get_json()["results"]]
        assert sorted(ids) == sorted(r["id"] for r in records), sort


def test_header_form_keeps_filters(client):
    page = parse(client.get("/search?q=harbour&source=River+Post&scope=body&sort=oldest&page=2"))
    form = find(page, "form", "searchbox")
    hidden = {(i.get("name"), i.get("value")) for i in find_all(form, "input", type="hidden")}
    assert hidden == {("source", "River Post"), ("scope", "body"), ("sort", "oldest")}
    assert find(form, "input", name="q").get("value") == "harbour"


def test_home_page_lists_newest_articles(client):
    page = parse(client.get("/"))
    assert f"Search {len(RECORDS)} articles from 4 sources" in text(find(page, "h1"))
    assert len(hit_ids(page)) == 10
    assert hit_ids(page)[0] == "escape-1"  # the newest one (2021)


# ---- the article page --------------------------------------------------------------------


def test_article_page(client):
    page = parse(client.get("/articles/harbour-3?q=harbour"))
    rec = HARBOUR[3]
    h1 = find(page, "h1")
    assert text(h1) == rec["headline"]
    assert [text(m) for m in h1.iter("mark")] == ["Harbour"]
    assert text(find(page, "p", "kicker")) == rec["source"]
    assert find(page, "time").get("datetime") == rec["published"]
    original = find(page, "a", "original")
    assert original.get("href") == rec["url"]
    assert set(original.get("rel").split()) == {"noopener", "noreferrer", "nofollow"}
    body = find(page, "div", "body")
    assert [text(p) for p in body.iter("p")] == rec["body"].split("\n\n")
    assert [text(m).lower() for m in body.iter("mark")] == ["harbour"]
    quote = find(find(page, "section", "quotes"), "li")
    assert "matched" in classes(quote) and "Mayor Jane Doe" in text(quote)
    comments = find_all(find(page, "section", "comments"), "li")
    assert [("matched" in classes(c)) for c in comments] == [False, True]
    assert comments[1].get("id") == "comment-2"
    assert "harbour watcher" in text(comments[1])
    assert "2 comments" in text(find(page, "p", "meta"))
    bar = find(page, "div", "match-bar")
    assert [a.get("href") for a in bar.iter("a")] == ["#quotes", "#comment-2"]


def test_article_page_without_query_marks_nothing(client):
    page = parse(client.get("/articles/harbour-3"))
    assert list(page.iter("mark")) == []
    assert find_all(page, "div", "match-bar") == []
    assert text(find(find(page, "nav", "crumbs"), "a")) == "← All articles"


def test_article_without_url_date_or_comments(client):
    page = parse(client.get("/articles/undated-1"))
    assert find_all(page, "a", "original") == []
    assert "undated" in text(find(page, "p", "meta"))
    assert "No comments" in text(find(page, "section", "comments"))


# ---- scraped markup stays text -----------------------------------------------------------


def _assert_only_our_markup(page):
    scripts = list(page.iter("script"))
    assert [s.get("src") for s in scripts] == ["/static/app.js"]
    for tag in ("b", "i", "em", "Src"):
        assert list(page.iter(tag)) == [], tag


@pytest.mark.parametrize("url", ["/search?q=zebra", "/search?q=zebra&scope=quotes",
                                 "/search?q=zebra&scope=comments"])
def test_scraped_markup_is_text_on_search_page(client, url):
    resp = client.get(url)
    raw = resp.get_data(as_text=True)
    page = parse(resp)
    _assert_only_our_markup(page)
    hit = find(page, "li", "hit")
    assert text(find(hit, "h2")) == ESCAPE["headline"]
    assert "&lt;script&gt;alert(&#39;h&#39;)&lt;/script&gt;" in raw
    assert "Tom &amp; Jerry" in raw
    assert "&lt;Src&gt; &amp; Sons" in raw
    assert text(find(hit, "a", "source")) == "<Src> & Sons"
    if "scope=quotes" in url:
        figure = find(hit, "figure", "quote")
        assert text(figure) == "<script>alert('q')</script> & zebra quote <i>Spk</i> & Co"
    if "scope=comments" in url:
        comment = find(hit, "div", "comment")
        assert "<b>Auth</b> & Co" in text(comment)
        assert "<script>alert('c')</script> & zebra talk" in text(comment)


def test_scraped_markup_is_text_on_article_page(client):
    resp = client.get("/articles/escape-1?q=zebra")
    page = parse(resp)
    _assert_only_our_markup(page)
    assert text(find(page, "h1")) == ESCAPE["headline"]
    assert text(find(page, "title")).startswith(ESCAPE["headline"])
    assert text(find(page, "div", "body")) == ESCAPE["body"]
    assert text(find(page, "p", "kicker")) == ESCAPE["source"]
    assert text(find(page, "span", "byline")) == "By <em>Writer</em> R&D"
    assert text(find(page, "ul", "tags")) == "<i>tag</i> & more"
    assert text(find(find(page, "section", "quotes"), "figcaption")) == "<i>Spk</i> & Co"
    comment = find(find(page, "section", "comments"), "li")
    assert "<b>Auth</b> & Co" in text(comment)
    assert text(find(comment, "div", "comment-text")) == ESCAPE["comments"][0]["text"]
    assert find(page, "a", "original").get("href") == ESCAPE["url"]
    assert 'href="https://example.org/escape?a=1&amp;b=2"' in resp.get_data(as_text=True)


def test_article_page_nests_replies_under_the_comment_they_answer(engine, make_backend,
                                                                  tmp_path):
    comments = [{"author": "Ann", "text": "First thought."},
                {"author": "Ben", "text": "A reply to Ann.", "parent": 0},
                {"author": "Cy", "text": "A reply to Ben.", "parent": 1},
                {"author": "Dee", "text": "A new thread."}]
    backend = make_backend([article(headline="Nested thread", body="Body text.",
                                    url="https://x.example/nested", comments=comments)])
    client = app_of(engine, backend, tmp_path).test_client()
    hit = client.get("/api/search?q=nested").get_json()["results"][0]
    assert [c["parent"] for c in client.get(f"/api/articles/{hit['id']}").get_json()
            ["comments"]] == [None, 0, 1, None]
    page = client.get(f"/articles/{hit['id']}").get_data(as_text=True)
    items = re.findall(r'<li id="comment-(\d)" class="(depth-\d)', page)
    assert items == [("1", "depth-0"), ("2", "depth-1"), ("3", "depth-2"), ("4", "depth-0")]
    assert '<a class="reply-to" href="#comment-2">in reply to #2</a>' in page
