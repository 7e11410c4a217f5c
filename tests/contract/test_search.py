"""run_search() over a backend: paging, sorting, browsing, the OR version, scope counts,
and never raising."""

from __future__ import annotations

import newsgen
import pytest
from conftest import article
from hypothesis import given, settings
from test_parser import soup

from contract.helpers import ids, search
from searchapp.search.params import SearchParams
from searchapp.search.service import run_search


@pytest.fixture(scope="module")
def corpus(engine, tmp_path_factory):
    records = newsgen.records(120, seed=7)
    backend = engine.build(tmp_path_factory.mktemp("service"), records)
    yield backend, {r["id"]: r for r in records}
    backend.close()


def all_pages(ix, **args) -> list[str]:
    ids, page = [], 1
    while True:
        r = search(ix, page=str(page), **args)
        if not r.results:
            return ids
        ids += [h.id for h in r.results]
        page += 1


@pytest.mark.parametrize("args", [
    {"q": "election"},
    {"q": "-election"},  # every score is 0: ties everywhere
    {"q": "", "sort": "comments"},  # many articles share a comment count
    {"q": "minister", "sort": "oldest", "per_page": "7"},
    {"q": "", "sort": "newest", "per_page": "3"},
])
def test_pages_partition_the_results(corpus, args):
    ix, _ = corpus
    first = search(ix, **args)
    expected = ids(ix, **args)
    assert first.total == len(expected) > 2 * first.per_page
    pages = all_pages(ix, **args)
    assert pages == expected
    assert len(set(pages)) == len(pages) == first.total
    assert first.pages == -(-first.total // first.per_page)


def test_page_beyond_the_end_is_empty_with_exact_total(corpus):
    ix, _ = corpus
    total = search(ix, q="election").total
    r = search(ix, q="election", page="999")
    assert r.results == [] and r.total == total and r.page == 999
    r = search(ix, q="election", page=str(10**9))
    assert r.results == [] and r.total == total and r.page == 1000
    assert "only the first 1,000 pages can be shown" in r.query.notices


def _published(records, ids):
    return [records[i]["published"] for i in ids]


def test_newest_and_oldest_put_missing_dates_last(corpus):
    ix, records = corpus
    missing = sum(1 for r in records.values() if not r["published"])
    assert 0 < missing < len(records)
    dated = sorted(r["published"] for r in records.values() if r["published"])
    newest = all_pages(ix, sort="newest", per_page="100")
    assert _published(records, newest) == dated[::-1] + [None] * missing
    oldest = all_pages(ix, sort="oldest", per_page="100")
    assert _published(records, oldest) == dated + [None] * missing
    # Within one date, document order.
    for order in (newest, oldest):
        for a, b in zip(order, order[1:], strict=False):
            if records[a]["published"] == records[b]["published"]:
                assert a < b


def test_most_comments_first(corpus):
    ix, records = corpus
    ids = all_pages(ix, q="minister", sort="comments", per_page="9")
    counts = [len(records[i]["comments"]) for i in ids]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    hits = search(ix, q="minister", sort="comments").results
    assert [h.ncomments for h in hits] == counts[:10]


def test_empty_query_browses_newest_first(corpus):
    ix, records = corpus
    r = search(ix)
    assert r.total == len(records) == ix.health().documents
    assert r.query.read_as == "" and r.scope_counts is None and r.query.or_version is None
    dated = sorted((x["published"] for x in records.values() if x["published"]), reverse=True)
    assert _published(records, [h.id for h in r.results]) == dated[:10]
    assert all(h.score == 0 for h in r.results)


def test_or_version_for_an_and_query_without_hits(corpus):
    ix, _ = corpus
    r = search(ix, q="election zyzzyvaqq")
    assert r.total == 0 and r.query.or_version == "election OR zyzzyvaqq"
    assert search(ix, q=r.query.or_version).total == search(ix, q="election").total > 0
    # Exclusions stay exclusions: the OR version of "a b -c" is "(a OR b) -c".
    r = search(ix, q="election zyzzyvaqq -minister")
    assert r.total == 0 and r.query.or_version == "(election OR zyzzyvaqq) -minister"
    assert search(ix, q=r.query.or_version).total == search(ix, q="election -minister").total
    assert search(ix, q="zyzzyvaqq").query.or_version is None  # one word: nothing to loosen
    assert search(ix, q="election minister").query.or_version is None  # it has hits
    assert search(ix, q="election OR zyzzyvaqq").query.or_version is None


def test_scope_counts(corpus):
    ix, _ = corpus
    for args in ({"q": "peace"}, {"q": "strike OR election"},
                 {"q": "minister", "source": "BBC", "from": "2019"},
                 {"q": "minister date:2020"}):
        r = run_search(ix, SearchParams.from_args(args), scope_counts=True)
        expected = {scope: search(ix, scope=scope, **args).total
                    for scope in ("all", "headline", "body", "quotes", "comments")}
        assert r.scope_counts == expected
        assert r.total == search(ix, scope="all", **args).total
        assert r.to_dict()["scope_counts"] == expected
    counts = run_search(ix, SearchParams.from_args({"q": "peace"}), scope_counts=True)
    assert len(set(counts.scope_counts.values())) > 1
    assert run_search(ix, SearchParams.from_args({}), scope_counts=True).scope_counts is None


def test_snippets_none_and_facets_none(corpus):
    ix, _ = corpus
    full = search(ix, q="peace")
    lean = search(ix, q="peace", snippets="none", facets="none")
    assert lean.facets == {} and lean.to_dict()["facets"] == {}
    assert [h.id for h in lean.results] == [h.id for h in full.results]
    assert lean.total == full.total
    assert any(h.snippets.body or h.snippets.quotes for h in full.results)
    for h in lean.results:
        s = h.snippets
        assert (s.body, s.captions, s.quotes, s.comments) == ([], [], [], [])


def test_api_shape(corpus):
    ix, _ = corpus
    d = search(ix, q="election", per_page="2").to_dict()
    for key in ("query", "total", "page", "per_page", "took_ms", "results", "facets",
                "suggestion", "read_as", "notices"):
        assert key in d
    assert d["query"] == "election" and d["page"] == 1 and d["per_page"] == 2
    for hit in d["results"]:
        assert set(hit) >= {"id", "headline", "url", "source", "published", "score",
                            "snippets"}
    assert set(d["facets"]) == {"source", "year", "speaker", "commenter", "author", "tag"}
    assert all(set(v) == {"value", "count", "selected", "excluded"} for v in d["facets"]["source"])


def test_date_ranges_at_the_ends_of_the_calendar(corpus):
    ix, records = corpus
    dated = sum(1 for r in records.values() if r["published"])
    assert search(ix, q="date:9999").total == 0
    assert search(ix, q="date:[* TO 9999-12-31]").total == dated
    assert search(ix, q="date:[0001 TO *]").total == dated
    assert search(ix, **{"from": "0001", "to": "9999"}).total == dated
    assert search(ix, q="date:>9999").total == len(records)  # ignored, with a notice
    assert search(ix, q="date:>9999").query.notices


def test_hostile_queries_answer(corpus):
    """reliability T08 at the service level: every query answers, saying how it was read."""
    ix, _ = corpus
    cases = ["x" * 10_000, "(" * 2000, " OR ".join(["election"] * 5000), "*", "*a*", "?*?*?*",
             "body:[a TO z]", "\x00", "\ud800", "el*", "date:[2019 TO", '"unclosed', "-",
             "NOT NOT", "speaker:", "foo:bar", "“curly”"]
    for q in cases:
        r = run_search(ix, SearchParams(q=q), scope_counts=True)
        assert r.total >= 0
        assert r.query.read_as or r.query.notices or r.total == 0 or q.strip("*?") == ""


@pytest.fixture(scope="module")
def tiny(engine, tmp_path_factory):
    backend = engine.build(tmp_path_factory.mktemp("tiny"), [
        article(id="a", headline="Café election", body="The secretary of state spoke.",
                published="2019-03-01", quotes=[{"text": "peace now", "speaker": "Yury Popov"}],
                comments=[{"author": "jens holm", "text": "same old stuff"}]),
        article(id="b", headline="Other", body="x", source="BBC")])
    yield backend
    backend.close()


@settings(derandomize=True, max_examples=300, deadline=None)
@given(soup)
def test_run_search_never_raises(tiny, q):
    """reliability T09: token soup straight into run_search."""
    r = run_search(tiny, SearchParams(q=q), scope_counts=True)
    assert 0 <= r.total <= 2
    r.to_dict()
