"""The Whoosh search page's per-scope counts evaluate the query once more per scope: each is
given up when it would not fit in what is left of the search's budget; and past 40 % of the
budget, the wildcard and fuzzy words not yet expanded are left out (issue 9, finding 8).

The clock is the test's own: evaluating the query "takes" what the test says, no timing.
"""

from __future__ import annotations

import pytest
from conftest import article

from searchapp.backends.base import Budget
from searchapp.backends.whoosh import backend as whoosh_backend
from searchapp.search.params import SearchParams
from searchapp.search.service import run_search


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def search_taking(monkeypatch, backend, seconds: float, budget_seconds: float):
    """A search page whose first evaluation of the query takes `seconds` on a fake clock."""
    clock = Clock()
    real = whoosh_backend.filter_query

    def slow(data, query, budget=None, **kwargs):
        clock.now += seconds
        return real(data, query, budget, **kwargs)

    monkeypatch.setattr(whoosh_backend, "filter_query", slow)
    params = SearchParams.from_args({"q": "harbour"})
    return run_search(backend, params, scope_counts=True,
                      budget=Budget(budget_seconds, clock=clock))


def test_counts_that_would_not_fit_are_left_out(monkeypatch, tmp_path):
    from engines import ENGINES

    backend = ENGINES["whoosh"].build(tmp_path, [
        article(id=f"a-{i}", headline="Harbour news", body="The harbour reopened.",
                comments=[{"author": "Ann", "text": "harbour"}]) for i in range(3)])
    try:
        # 0.9 s of a 1 s budget spent evaluating all five parts: one more evaluation,
        # even of one part (0.18 s), would not fit.
        r = search_taking(monkeypatch, backend, 0.9, 1.0)
        assert r.total == 3
        assert r.scope_counts is None
        assert any("the counts per scope" in n for n in r.query.notices)
        # 0.1 s of a 1 s budget: the counts fit.
        r = search_taking(monkeypatch, backend, 0.1, 1.0)
        assert r.scope_counts is not None and r.scope_counts["comments"] == 3
        assert not any("ran out of time" in n for n in r.query.notices)
    finally:
        backend.close()


def test_wildcards_past_their_share_of_the_budget_are_left_out(monkeypatch, tmp_path):
    from engines import ENGINES

    from searchapp.backends.whoosh.arrays import IndexData

    backend = ENGINES["whoosh"].build(tmp_path, [
        article(id="a-1", headline="Harbour news", body="The harbour reopened."),
        article(id="a-2", headline="Market day", body="Stalls and traders."),
        article(id="a-3", headline="Rowing", body="Regatta on the river.")])
    clock = Clock()
    real = IndexData.expand

    def slow_expand(self, fieldname, prefix):
        clock.now += 0.1  # each field a wildcard searches costs 0.1 s on this clock
        return real(self, fieldname, prefix)

    monkeypatch.setattr(IndexData, "expand", slow_expand)
    params = SearchParams.from_args({"q": "harb* OR mark* OR regat*"})
    try:
        r = run_search(backend, params, scope_counts=True, budget=Budget(1.0, clock=clock))
        # "harb*" in the five parts took 0.5 s, past its 40 %: the others were not read.
        assert [h.id for h in r.results] == ["a-1"]
        assert r.scope_counts is None
        assert ("the search ran out of time; left out: 2 of the query's 3 wildcard and "
                "fuzzy words (from 'mark*' on), the counts per scope") in r.query.notices
        clock.now = 0.0
        r = run_search(backend, params, scope_counts=True, budget=Budget(10.0, clock=clock))
        assert sorted(h.id for h in r.results) == ["a-1", "a-2", "a-3"]
        assert not any("ran out of time" in n for n in r.query.notices)
    finally:
        backend.close()


def test_a_count_that_runs_past_its_share_is_given_up(monkeypatch, tmp_path):
    # The page's query read its wildcard in the headlines only (cheap); the count of the
    # "all" scope expands it in every part, each cold: that count must stop, not run on.
    from engines import ENGINES

    from searchapp.backends.whoosh.arrays import IndexData

    backend = ENGINES["whoosh"].build(tmp_path, [
        article(id=f"a-{i}", headline="Harbour news", body="The harbour reopened.")
        for i in range(3)])
    clock = Clock()
    real = IndexData.expand

    def slow_expand(self, fieldname, prefix):
        clock.now += 0.1 if fieldname == "headline" else 0.3
        return real(self, fieldname, prefix)

    monkeypatch.setattr(IndexData, "expand", slow_expand)
    params = SearchParams.from_args({"q": "harb*", "scope": "headline"})
    try:
        r = run_search(backend, params, scope_counts=True, budget=Budget(1.0, clock=clock))
        assert r.total == 3 and r.scope_counts is None
        assert "the search ran out of time; left out: the counts per scope" in r.query.notices
        assert clock.now <= 1.0  # it stopped at 0.8 s; run on, it ended at 1.4 s
        clock.now = 0.0
        r = run_search(backend, params, scope_counts=True, budget=Budget(100.0, clock=clock))
        assert r.scope_counts is not None and r.scope_counts["all"] == 3
    finally:
        backend.close()


def test_checking_words_in_one_quote_stops_past_its_share(monkeypatch, tmp_path):
    # "speaker:X words" in the quotes scope re-reads each candidate's quotes: 2,374 of
    # them once took 1.5 s of CPU. Past the share, the rest are kept unchecked, and said.
    from engines import ENGINES

    from searchapp.backends.whoosh import evaluate

    backend = ENGINES["whoosh"].build(tmp_path, [
        article(id=f"a-{i}", headline="Port", body="News.",
                quotes=[{"speaker": "Ann Lee", "text": "Nothing to add."},
                        {"speaker": "Bo Ray", "text": "The harbour reopened."}])
        for i in range(40)])
    clock = Clock()
    real = evaluate.to_article

    def slow_to_article(fields):
        clock.now += 0.1  # reading one candidate costs 0.1 s on this clock
        return real(fields)

    monkeypatch.setattr(evaluate, "to_article", slow_to_article)
    # every copy: these test articles are copies of each other (searchapp/duplicates.py)
    params = SearchParams.from_args({"q": 'speaker:"Ann Lee" harbour', "scope": "quotes",
                                     "copies": "all"})
    try:
        r = run_search(backend, params, budget=Budget(1.0, clock=clock))
        # Ann Lee never said "harbour": the 32 checked are out, the 8 unchecked kept; the
        # speaker facet, counted per quote in this scope, is counted per article instead.
        assert r.total == 8
        assert ("the search ran out of time; left out: checking that the words are in one "
                "quote for 8 articles, the quoted speaker counts per quote (counted per "
                "article), the marked snippets of 8 results") in r.query.notices
        clock.now = 0.0
        assert run_search(backend, params, budget=Budget(100.0, clock=clock)).total == 0
    finally:
        backend.close()


def test_marking_past_its_share_of_the_budget_is_given_up(monkeypatch, tmp_path):
    from engines import ENGINES

    from searchapp.backends.whoosh.arrays import IndexData

    backend = ENGINES["whoosh"].build(tmp_path, [
        article(id=f"a-{i}", headline="Harbour news",
                body="The harbourmaster reopened the harbour for harbourside cafes.")
        for i in range(3)])
    clock = Clock()
    real = IndexData.values_for

    def slow_values(self, *args, **kwargs):
        clock.now += 0.5  # reading one term's values for the hits costs 0.5 s on this clock
        return real(self, *args, **kwargs)

    monkeypatch.setattr(IndexData, "values_for", slow_values)
    params = SearchParams.from_args({"q": "harbour*", "copies": "all"})  # three copies
    try:
        r = run_search(backend, params, budget=Budget(1.0, clock=clock))
        assert r.total == 3 and len(r.results) == 3
        assert not any("<mark>" in "".join(h.snippets.to_dict()["body"]) for h in r.results)
        assert all(h.snippets.body for h in r.results)  # the lead instead
        assert ("the search ran out of time; left out: the marked snippets of 3 results"
                in r.query.notices)
        clock.now = 0.0
        r = run_search(backend, params, budget=Budget(100.0, clock=clock))
        assert all("<mark>" in "".join(h.snippets.to_dict()["body"]) for h in r.results)
        assert not any("ran out of time" in n for n in r.query.notices)
    finally:
        backend.close()


@pytest.fixture
def no_budget_app(tmp_path):
    """The web app over two articles, with a budget of 0 (over from the start)."""
    from engines import ENGINES

    from searchapp import create_app

    backend = ENGINES["whoosh"].build(tmp_path, [
        article(id="a-1", headline="Harbour news", body="The harbour reopened."),
        article(id="a-2", headline="Market day", body="Stalls and traders.")])
    backend.close()
    return create_app({"TESTING": True, "BACKEND": "whoosh",
                       "INDEX_DIR": backend.index_dir, "SEARCH_BUDGET_SECONDS": 0})


def test_the_feed_says_when_it_left_wildcards_out(no_budget_app):
    import xml.etree.ElementTree as ET

    app = no_budget_app
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring(app.test_client().get("/feed.atom?q=harb*+OR+mark*").data)
    assert [e.find(f"{atom}id").text for e in feed.iter(f"{atom}entry")] == \
        ["urn:scrapesearch:a-1"]  # the first wildcard is always read; "mark*" was not
    assert feed.find(f"{atom}subtitle").text == (
        "the search ran out of time; left out: 1 of the query's 2 wildcard and fuzzy words "
        "(from 'mark*' on)")
    app.config["SEARCH_BUDGET_SECONDS"] = 30
    feed = ET.fromstring(app.test_client().get("/feed.atom?q=harb*+OR+mark*").data)
    assert len(list(feed.iter(f"{atom}entry"))) == 2 and feed.find(f"{atom}subtitle") is None


def test_an_article_page_says_when_its_search_left_wildcards_out(no_budget_app):
    app = no_budget_app
    url = "/articles/a-2?q=harb*+OR+mark*"
    page = app.test_client().get(url).get_data(as_text=True)
    assert ("The search ran out of time; left out: 1 of the query&#39;s 2 wildcard and fuzzy "
            "words (from &#39;mark*&#39; on).") in page
    assert " of 1<" not in page and "<mark>" not in page  # "mark*" was not read
    app.config["SEARCH_BUDGET_SECONDS"] = 30
    page = app.test_client().get(url).get_data(as_text=True)
    assert "ran out of time" not in page and "<mark>Market</mark>" in page
    assert "ran out of time" not in app.test_client().get("/articles/a-2").get_data(as_text=True)


def test_a_person_facet_over_too_many_matches_counts_articles_and_says_so(monkeypatch,
                                                                          tmp_path):
    # Counting per comment reads every match's comments again: past ENTRY_COUNT_MAX
    # matches the commenter facet counts articles instead (Bo Ray wrote no "harbour").
    from engines import ENGINES

    backend = ENGINES["whoosh"].build(tmp_path, [
        article(id=f"a-{i}", headline="Port", body="News.",
                comments=[{"author": "Ann Lee", "text": "The harbour reopened."},
                          {"author": "Bo Ray", "text": "Nothing to add."}])
        for i in range(4)])
    params = SearchParams.from_args({"q": "harbour", "scope": "comments"})
    try:
        facet = run_search(backend, params).facets["commenter"]
        assert [(v.value, v.count) for v in facet.values] == [("ann lee", 4)]
        monkeypatch.setattr(whoosh_backend, "ENTRY_COUNT_MAX", 3)
        r = run_search(backend, params)
        assert [(v.value, v.count) for v in r.facets["commenter"].values] == [
            ("ann lee", 4), ("bo ray", 4)]
        assert r.query.notices == ["the commenter counts are of articles, not of comments: "
                                   "4 matches are too many to read each comment"]
    finally:
        backend.close()
