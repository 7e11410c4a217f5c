"""One article through a backend: lookup by id, its highlights, and its neighbours among a
search's matches (the article page's "previous match" and "next match")."""

from __future__ import annotations

import re

import newsgen
import pytest

from contract.helpers import app_of, ids
from indexer.article import Article
from searchapp.search.params import SearchParams
from searchapp.search.service import to_query

RECORDS = newsgen.records(60, seed=3)


@pytest.fixture(scope="module")
def backend(engine, tmp_path_factory):
    built = engine.build(tmp_path_factory.mktemp("article"), RECORDS)
    yield built
    built.close()


def query(**args):
    return to_query(SearchParams.from_args(args))[0]


def test_lookup_by_id_is_the_article_as_indexed(backend):
    for rec in RECORDS[:10]:
        got = backend.get(rec["id"])
        expected = Article.from_dict({**rec, "path": got.path, "lang": got.lang})
        assert got == expected
        assert got.path.endswith("#" + str(RECORDS.index(rec) + 1))
    assert backend.get("no-such-article") is None
    assert backend.article("no-such-article") is None
    assert backend.article("no-such-article", query(q="election")) is None


def test_without_a_search_nothing_is_marked(backend):
    page = backend.article(RECORDS[0]["id"])
    assert page.article == backend.get(RECORDS[0]["id"])
    assert page.highlights.count == 0 and not page.matched
    assert (page.position, page.previous, page.next) == (None, None, None)


@pytest.mark.parametrize("args", [
    {"q": "election"},
    {"q": "minister", "sort": "newest"},
    {"q": "peace OR strike", "sort": "comments"},
    {"q": "-election", "sort": "oldest", "source": ["BBC", "Reuters"]},
    {"q": "", "tag": "politics"},
])
def test_neighbours_follow_the_search_order(backend, args):
    order = ids(backend, **args)
    assert len(order) > 2
    q = query(**args)
    for n, article_id in enumerate(order):
        page = backend.article(article_id, q)
        assert page.matched and page.total == len(order)
        assert page.position == n + 1
        assert page.previous == (order[n - 1] if n else None)
        assert page.next == (order[n + 1] if n + 1 < len(order) else None)


def test_an_article_outside_the_matches_has_no_place_among_them(backend):
    order = set(ids(backend, q="election"))
    outside = next(r["id"] for r in RECORDS if r["id"] not in order)
    page = backend.article(outside, query(q="election"))
    assert not page.matched and page.position is None
    assert page.total == len(order) and page.highlights.count == 0


def test_highlights_mark_the_words_in_each_part(backend):
    target = next(r for r in RECORDS if r["quotes"] and "peace" in r["quotes"][0]["text"])
    page = backend.article(target["id"], query(q="peace"))
    a, h = page.article, page.highlights
    marked = [a.body[s:e] for s, e in h.body] + [a.headline[s:e] for s, e in h.headline]
    for part, spans in ((a.quotes, h.quotes), (a.comments, h.comments)):
        for entry, entry_spans in zip(part, spans, strict=False):
            marked += [entry.text[s:e] for s, e in entry_spans]
    marked += [c[s:e] for c, spans in zip(a.captions, h.captions, strict=False)
               for s, e in spans]
    assert any(a.quotes[0].text[s:e].lower() == "peace" for s, e in h.quotes[0])
    assert marked and all(m.lower() == "peace" for m in marked), marked
    expected = sum(len(re.findall(r"\bpeace\b", t, re.I)) for t in
                   [a.headline, a.body, *a.captions, *(q.text for q in a.quotes),
                    *(c.text for c in a.comments)])
    assert h.count == expected


def test_the_page_links_the_neighbours_within_the_search(engine, backend, tmp_path):
    client = app_of(engine, backend, tmp_path).test_client()
    order = ids(backend, q="minister", sort="oldest", source="BBC")
    assert len(order) >= 3
    page = client.get(f"/articles/{order[1]}?q=minister&source=BBC&sort=oldest")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    prev = re.search(r'<a rel="prev" href="([^"]+)"', text).group(1)
    nxt = re.search(r'<a rel="next" href="([^"]+)"', text).group(1)
    assert prev == f"/articles/{order[0]}?q=minister&amp;source=BBC&amp;sort=oldest"
    assert nxt == f"/articles/{order[2]}?q=minister&amp;source=BBC&amp;sort=oldest"
    assert f"2 of {len(order)}" in text
    assert 'href="/search?q=minister&amp;source=BBC&amp;sort=oldest">← Results for' in text
    first = client.get(f"/articles/{order[0]}?q=minister&source=BBC&sort=oldest")
    assert 'rel="prev"' not in first.get_data(as_text=True)
    # Search arguments that cannot be read do not hide the article.
    broken = client.get(f"/articles/{order[0]}?q=minister&sort=sideways")
    assert broken.status_code == 200 and 'rel="next"' not in broken.get_data(as_text=True)


def test_search_results_link_articles_within_their_search(engine, backend, tmp_path):
    client = app_of(engine, backend, tmp_path).test_client()
    text = client.get("/search?q=minister&source=BBC&sort=oldest&page=2&per_page=3"
                      ).get_data(as_text=True)
    links = re.findall(r'<h2 class="hit-title"><a href="([^"]+)"', text)
    assert links and all(link.endswith("?q=minister&amp;source=BBC&amp;sort=oldest")
                         for link in links)
