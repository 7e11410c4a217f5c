"""The search page's facet tools (exclude, search within, person links, the filters drawer,
"page 3 of 41", the tips), a facet's full page (/facets/<name>), /speakers and /commenters,
and their JSON twins, through Flask's test client on every backend."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from conftest import article

from contract.helpers import app_of
from contract.test_views import classes, find, find_all, follow, parse, text, total_of
from searchapp.people import slug

SPEAKERS = ["Lena Ortiz", "Declan Ofori", "Zoë Ärnd"]
SOURCES = ["Coast Gazette", "Harbour Times", "River Post"]
# 41 harbour articles; 251 commenters: "reader 000" ... "reader 249" (those up to 040 in two
# articles, the others in one) and "harbour watcher" (in 21).
RECORDS = [
    article(id=f"harbour-{i}", headline=f"Harbour story {i}", body=f"The harbour on day {i}.",
            source=SOURCES[i % 3], published=f"{2018 + i % 3}-05-{1 + i % 28:02d}",
            quotes=[{"text": f"We keep the harbour open {i}", "speaker": SPEAKERS[i % 3]}],
            comments=[{"author": f"reader {n:03d}", "text": "Nice harbour."}
                      for n in {*range(i * 7, min(i * 7 + 7, 250)), i}]
            + ([{"author": "harbour watcher", "text": "Again."}] if i % 2 == 0 else []))
    for i in range(41)
]
COMMENTERS = sorted({c["author"] for r in RECORDS for c in r["comments"]})
README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def client(engine, tmp_path_factory):
    backend = engine.build(tmp_path_factory.mktemp("facet-pages"), RECORDS)
    yield app_of(engine, backend, tmp_path_factory.mktemp("app")).test_client()
    backend.close()


def get(client, url: str):
    resp = client.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return parse(resp)


def args_of(href: str) -> dict:
    return parse_qs(urlsplit(href).query)


def value_link(page, facet: str, value: str):
    return find(page, "a", data_facet=facet, data_value=value)


def exclude_link(page, facet: str, value: str):
    return find(page, "a", "facet-exclude", data_exclude=facet, data_value=value)


def submit(form, **typed) -> str:
    """The address a browser goes to when the GET form is sent with `typed` filled in."""
    fields = [(i.get("name"), typed.get(i.get("name"), i.get("value") or ""))
              for i in form.iter("input") if i.get("name")]
    return urlsplit(form.get("action")).path + "?" + urlencode(fields)


def spoken_by(name: str) -> int:
    return sum(r["quotes"][0]["speaker"] == name for r in RECORDS)


# -- exclude -----------------------------------------------------------------------------------

def test_exclude_a_value_and_put_it_back(client):
    page = get(client, "/search?q=harbour&sort=oldest")
    assert total_of(page) == 41
    minus = exclude_link(page, "speaker", "Lena Ortiz")
    assert args_of(minus.get("href")) == {"q": ["harbour"], "sort": ["oldest"],
                                          "not_speaker": ["Lena Ortiz"]}
    page = follow(client, minus)
    assert total_of(page) == 41 - spoken_by("Lena Ortiz")
    chip = find(page, "a", "chip", data_exclude="speaker", data_value="Lena Ortiz")
    assert "excluded" in classes(chip)
    assert text(chip).startswith("− Quoted speaker not Lena Ortiz ×")
    # Still listed in its facet, marked, with its count, and a link that puts it back.
    listed = value_link(page, "speaker", "Lena Ortiz")
    assert "excluded" in classes(listed)
    assert text(find(listed, "span", "count")) == str(spoken_by("Lena Ortiz"))
    assert args_of(listed.get("href")) == args_of(chip.get("href")) == {
        "q": ["harbour"], "sort": ["oldest"]}
    assert text(find(page, "h2", id="filters-h")) == "Filters (1 selected)"
    # A selected value excluded is unselected.
    page = get(client, "/search?q=harbour&speaker=Declan+Ofori")
    assert args_of(exclude_link(page, "speaker", "Declan Ofori").get("href")) == {
        "q": ["harbour"], "not_speaker": ["Declan Ofori"]}
    assert total_of(follow(client, chip)) == 41


def test_an_exclusion_is_kept_by_every_link_of_the_search(client):
    url = "/search?q=harbour&not_speaker=Lena+Ortiz&not_source=River+Post&per_page=5"
    page = get(client, url)
    expected = [r for r in RECORDS if r["quotes"][0]["speaker"] != "Lena Ortiz"
                and r["source"] != "River Post"]
    assert total_of(page) == len(expected)
    kept = {"not_speaker": ["Lena Ortiz"], "not_source": ["River Post"]}

    def keeps(href):
        got = args_of(href)
        return all(got.get(k) == v for k, v in kept.items())

    hidden = {(i.get("name"), i.get("value")) for i in find(page, "form", "searchbox").iter("input")
              if i.get("type") == "hidden"}
    assert {("not_speaker", "Lena Ortiz"), ("not_source", "River Post")} <= hidden
    links = [a.get("href") for a in find_all(page, "a") if a.get("href")]
    for kind in ("/export.csv", "/export.jsonl", "/feed.atom", "/articles/"):
        assert any(h.startswith(kind) and keeps(h) for h in links), kind
    nav = find(page, "nav", "pagination")
    assert all(keeps(a.get("href")) for a in find_all(nav, "a"))
    assert all(keeps(a.get("href")) for a in find_all(find(page, "nav", "sort"), "a"))
    assert all(keeps(a.get("href")) for a in find_all(find(page, "nav", "scopes"), "a"))
    body = client.get("/api/search?" + url.split("?")[1]).get_json()
    assert body["total"] == len(expected)
    speakers = {v["value"]: v for v in body["facets"]["speaker"]}
    assert speakers["Lena Ortiz"]["excluded"] is True
    rows = list(csv.DictReader(io.StringIO(client.get(
        "/export.csv?" + url.split("?")[1]).get_data(as_text=True))))
    assert sorted(r["id"] for r in rows) == sorted(r["id"] for r in expected)
    first = [h for h in links if h.startswith("/articles/")][0]
    assert keeps(find(get(client, first), "a", rel="next").get("href"))


# -- search within a facet's values, without JavaScript ----------------------------------------

def test_search_within_a_facets_values_is_a_plain_form(client):
    page = get(client, "/search?q=harbour&source=Coast+Gazette")
    box = find(page, "details", id="facet-commenter")
    form = find(box, "form", "facet-search")
    assert form.get("method") == "get"
    page = get(client, submit(form, commenter_contains="READER 01"))
    box = find(page, "details", id="facet-commenter")
    values = [a.get("data-value") for a in find_all(box, "a", "facet-value")]
    coast = [r for r in RECORDS if r["source"] == "Coast Gazette"]
    wanted = sorted({c["author"] for r in coast for c in r["comments"]
                     if "reader 01" in c["author"]})
    assert values == wanted[:10] and wanted
    assert find(box, "input", name="commenter_contains").get("value") == "READER 01"
    assert total_of(page) == len(coast)  # the matches are unchanged
    nothing = get(client, submit(form, commenter_contains="nobody"))
    assert "No commenter here contains “nobody”" in text(
        find(nothing, "details", id="facet-commenter"))


def test_person_links_beside_speakers_and_commenters(client):
    page = get(client, "/search?q=harbour")
    for facet, base in (("speaker", "/speakers/"), ("commenter", "/commenters/")):
        box = find(page, "details", id=f"facet-{facet}")
        rows = find_all(box, "li", "facet-row")
        assert rows
        for row in rows:
            value = find(row, "a", "facet-value").get("data-value")
            assert find(row, "a", "facet-person").get("href") == base + slug(value)
    assert find(find(page, "details", id="facet-speaker"), "a", "facet-person",
                href="/speakers/" + slug("Zoë Ärnd")) is not None
    assert not find_all(find(page, "details", id="facet-source"), "a", "facet-person")


# -- a facet's full page -----------------------------------------------------------------------

def test_all_values_link_to_the_full_page(client):
    page = get(client, "/search?q=harbour&not_source=River+Post")
    box = find(page, "details", id="facet-commenter")
    link = find(box, "a", "all-values")
    commenters = {c["author"] for r in RECORDS if r["source"] != "River Post"
                  for c in r["comments"]}
    assert text(link) == f"All {len(commenters)} values…"
    assert urlsplit(link.get("href")).path == "/facets/commenter"
    full = follow(client, link)
    rows = find_all(find(full, "table", "facet-table"), "tr")[1:]
    assert len(rows) == 100
    assert text(find(full, "p", "page-of")) == f"Page 1 of {-(-len(commenters) // 100)}"
    first = find(rows[0], "a", "facet-value")
    # Each value toggles on the search page, which keeps the search's arguments.
    assert args_of(first.get("href")) == {"q": ["harbour"], "not_source": ["River Post"],
                                          "commenter": [first.get("data-value")]}
    minus = find(rows[0], "a", "facet-exclude")
    assert urlsplit(minus.get("href")).path == "/search"
    assert args_of(minus.get("href"))["not_commenter"] == [first.get("data-value")]


def test_full_page_sorts_pages_and_searches(client):
    base = "/facets/commenter?q=harbour&commenter_sort=name"
    page = get(client, base + "&commenter_page=3")
    names = [a.get("data-value") for a in find_all(page, "a", "facet-value")]
    assert names == COMMENTERS[200:] and len(names) == 51
    assert text(find(page, "p", "page-of")) == "Page 3 of 3"
    nav = find(page, "nav", "pagination")
    assert args_of(find(nav, "a", rel="prev").get("href"))["commenter_page"] == ["2"]
    sort = find(page, "nav", "sort")
    assert text(find(sort, "a", aria_current="true")) == "By name"
    by_count = [a for a in find_all(sort, "a") if text(a) == "By count"][0]
    assert "commenter_page" not in args_of(by_count.get("href"))  # a new order, page 1
    page = follow(client, by_count)
    counts = [int(text(find(r, "td", "count"))) for r in
              find_all(find(page, "table", "facet-table"), "tr")[1:]]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    form = find(page, "form", "facet-search")
    found = get(client, submit(form, commenter_contains="Reader 24"))
    names = [a.get("data-value") for a in find_all(found, "a", "facet-value")]
    assert sorted(names) == [f"reader {n}" for n in range(240, 250)]
    assert "10 values containing “Reader 24”" in text(find(found, "p", id="facet-total"))


def test_full_page_json(client):
    body = client.get("/api/facets/speaker?q=harbour&not_speaker=Lena+Ortiz"
                      "&speaker_sort=name").get_json()
    assert body == {
        "facet": "speaker", "label": "Quoted speaker", "query": "harbour",
        "total": 41 - spoken_by("Lena Ortiz"), "contains": "", "sort": "name", "page": 1,
        "pages": 1, "per_page": 100, "total_values": 3,
        "values": [{"value": name, "count": spoken_by(name), "selected": False,
                    "excluded": name == "Lena Ortiz", "slug": slug(name)}
                   for name in ("Declan Ofori", "Lena Ortiz", "Zoë Ärnd")],
        "took_ms": body["took_ms"], "generation": body["generation"], "notices": []}
    page3 = client.get("/api/facets/commenter?commenter_page=3").get_json()
    assert (page3["page"], page3["pages"], len(page3["values"])) == (3, 3, 51)


@pytest.mark.parametrize(("url", "status", "message"), [
    ("/api/facets/colour", 404, "There is nothing at this address."),
    ("/api/facets/tag?tag_sort=best", 400, "Tag_sort must be count or name, not 'best'."),
    ("/api/speakers?speaker_page=0", 400, "Speaker_page must be 1 or more."),
    ("/api/facets/source?source=A&not_source=A", 400,
     "'A' cannot be both selected and excluded in source."),
])
def test_full_page_errors_are_sentences(client, url, status, message):
    resp = client.get(url)
    assert resp.status_code == status
    assert resp.get_json() == {"error": message, "status": status}
    assert client.get(url.replace("/api", "", 1)).status_code == status


# -- /speakers and /commenters -----------------------------------------------------------------

def test_people_indexes_link_each_name_to_its_page(client):
    page = get(client, "/speakers")
    people = find_all(find(page, "table", "facet-table"), "a", "person")
    assert [(a.get("href"), text(a)) for a in people] == [
        ("/speakers/" + slug(n), n) for n in sorted(SPEAKERS, key=lambda n: (-spoken_by(n), n))]
    assert text(find(page, "h1")) == "Quoted speakers"
    assert "all 41 articles" in text(find(page, "p", id="facet-total"))
    page = get(client, "/commenters?commenter_contains=0&commenter_sort=name")
    people = [text(a) for a in find_all(page, "a", "person")]
    assert people == [n for n in COMMENTERS if "0" in n][:100]
    assert find(page, "a", "person").get("href") == "/commenters/" + slug("reader 000")
    assert text(find(page, "p", "page-of")) == "Page 1 of 2"
    # Over a search's matches when it has arguments; the JSON twin says the same.
    page = get(client, "/speakers?q=harbour&source=River+Post")
    assert "matches of" in text(find(page, "p", id="facet-total"))
    body = client.get("/api/speakers?q=harbour&source=River+Post").get_json()
    river = [r for r in RECORDS if r["source"] == "River Post"]
    assert body["total"] == len(river)
    assert {v["value"]: v["count"] for v in body["values"]} == {
        n: sum(r["quotes"][0]["speaker"] == n for r in river) for n in SPEAKERS
        if any(r["quotes"][0]["speaker"] == n for r in river)}
    assert client.get("/api/commenters").get_json()["total_values"] == len(COMMENTERS) == 251


# -- the pager, the drawer, the tips ----------------------------------------------------------

def test_pager_says_page_3_of_41(client):
    page = get(client, "/search?q=harbour&per_page=1&page=3")
    assert text(find(page, "p", "page-of")) == "Page 3 of 41"
    assert text(find(find(page, "nav", "pagination"), "a", aria_current="page")) == "Page 3"


def test_filters_are_a_drawer_open_by_default(client):
    page = get(client, "/search?q=harbour&source=River+Post&from=2019")
    drawer = find(page, "details", "drawer")
    assert drawer.get("open") is not None
    assert text(find(drawer, "summary")) == "Filters (2 selected)"
    assert find(drawer, "details", id="facet-speaker") is not None
    assert text(find(get(client, "/search?q=harbour"), "summary")) == "Filters"


def test_search_tips_are_next_to_the_search_box(client):
    page = get(client, "/search?q=harbour")
    row = find(page, "div", "search-row")
    assert find(row, "a", "help-link").get("href") == "/help"
    assert find(get(client, "/"), "a", "help-link").get("href") == "/help"
    tips = text(find(get(client, "/help"), "main"))
    section = README[README.index("## The query language"):README.index("## The web UI")]
    examples = re.findall(r"`([^`\n]+)`", section)
    assert len(examples) > 20
    for example in examples:
        assert example in tips, example
