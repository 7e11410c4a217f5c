"""The same answers from both backends on real collections: the demo samples, bbc and Reuters.

For every query of tests/parity_queries.py (words, phrases, OR, NOT, field prefixes,
prefixes, fuzzy, dates, every scope and sort, every facet filter): the same total, the
same set of matches (the whole export), the same facet values and counts, the same
per-scope totals. Ranking may differ (each engine its own BM25, per shard in OpenSearch);
how much the first ten agree is reported by bench/parity.py, not asserted.
"""

from __future__ import annotations

import pytest
from conftest import REPO
from engines import ENGINES
from parity_queries import all_queries

from searchapp.fields import FACETS
from searchapp.indexing import reindex
from searchapp.search.params import SearchParams
from searchapp.search.service import iter_articles, run_search

pytestmark = [pytest.mark.slow, pytest.mark.shared]


def sources(shared) -> list[str]:
    return [str(REPO / "samples"), str(shared / "corpora" / "bbc"),
            str(shared / "corpora" / "reuters21578" / "reuters21578.jsonl.gz")]


@pytest.fixture(scope="module")
def both(tmp_path_factory, shared):
    made = {}
    for name in ("whoosh", "opensearch"):
        engine = ENGINES[name]
        engine.check()
        backend = engine.new(tmp_path_factory.mktemp(name))
        reindex(sources(shared), backend, jobs=2)
        made[name] = backend
    yield made["whoosh"], made["opensearch"]
    for name, backend in made.items():
        backend.close()
        ENGINES[name].cleanup()


def answer(backend, args: dict) -> dict:
    params = SearchParams.from_args({**args, "per_page": "10"})
    response = run_search(backend, params, scope_counts=True)
    facets = {name: ([(v.value, v.count) for v in f.values], f.total_values)
              for name, f in response.facets.items()}
    return {"total": response.total,
            "matches": {a.id for a in iter_articles(backend, params)},
            "facets": facets, "scopes": response.scope_counts,
            "top": [h.id for h in response.results]}


def test_both_backends_give_the_same_answers(both):
    whoosh, opensearch = both
    first = run_search(whoosh, SearchParams.from_args({"q": ""}))
    values = {name: [v.value for v in f.values] for name, f in first.facets.items()}
    assert set(values) == set(FACETS) and all(values.values()), values
    queries = all_queries(values)
    assert len(queries) >= 75
    differences = []
    for args in queries:
        w, o = answer(whoosh, args), answer(opensearch, args)
        for key in ("total", "matches", "facets", "scopes"):
            if w[key] != o[key]:
                differences.append((args, key, _diff(w[key], o[key])))
    assert not differences, differences[:5]
    # And the queries are not all empty: they test something.
    assert sum(1 for args in queries if answer(whoosh, args)["total"]) > 60


def _diff(a, b):
    if isinstance(a, set):
        return {"whoosh only": sorted(a - b)[:5], "opensearch only": sorted(b - a)[:5]}
    return {"whoosh": a, "opensearch": b}
