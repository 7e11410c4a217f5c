"""The Whoosh search page's per-scope counts evaluate the query once more per scope: each is
given up when it would not fit in what is left of the search's budget (issue 9, finding 8).

The clock is the test's own: evaluating the query "takes" what the test says, no timing.
"""

from __future__ import annotations

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

    def slow(data, query):
        clock.now += seconds
        return real(data, query)

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
        # 0.6 s of a 1 s budget spent once: one more evaluation would not fit.
        r = search_taking(monkeypatch, backend, 0.6, 1.0)
        assert r.total == 3
        assert r.scope_counts is None
        assert any("the counts per scope" in n for n in r.query.notices)
        # 0.1 s of a 1 s budget: the counts fit.
        r = search_taking(monkeypatch, backend, 0.1, 1.0)
        assert r.scope_counts is not None and r.scope_counts["comments"] == 3
        assert not any("ran out of time" in n for n in r.query.notices)
    finally:
        backend.close()
