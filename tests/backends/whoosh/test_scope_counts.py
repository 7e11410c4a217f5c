"""The search page's count for each scope, taken from what its own evaluation read (the
memo of each field's result of each word), equals a search of that scope alone: over many
kinds of query and filters."""

from __future__ import annotations

import pytest
from conftest import article

from searchapp.search.params import SearchParams
from searchapp.search.service import run_search

SCOPES = ("all", "headline", "body", "quotes", "comments")
WORDS = ["harbour", "market", "river", "strike", "minister", "peace", "train", "budget"]


def _records() -> list[dict]:
    out = []
    for i in range(40):
        w = [WORDS[(i + k) % len(WORDS)] for k in range(4)]
        out.append(article(
            id=f"a-{i}", source=("BBC", "Reuters")[i % 2],
            published=f"20{18 + i % 3}-05-0{1 + i % 9}T10:00:00",
            headline=f"The {w[0]} and the {w[1]}",
            body=f"Talks on the {w[1]} {w[2]} went on. The prime minister spoke of {w[3]}.",
            quotes=[{"speaker": ("Ann Lee", "Bo Chan")[i % 2],
                     "text": f"We want {w[2]} and {w[0]} now"}] if i % 3 else [],
            comments=[{"author": ("Cy", "Di")[i % 2], "text": f"{w[3]} {w[1]} again"}]
            if i % 4 else []))
    return out


QUERIES = ["harbour", "market river", "harbour OR peace", "strike -minister",
           "-harbour", '"prime minister"', '"the harbour"', "harb*", "minist*",
           "headline:market", "comment:budget", "speaker:lee", "speaker:lee harbour",
           "(river OR train) -peace", "harbour~1", '"want river"~1', "market AND NOT river"]
FILTERS = [{}, {"source": "BBC"}, {"from": "2019-01-01"}, {"speaker": "Bo Chan"}]


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    from engines import ENGINES

    b = ENGINES["whoosh"].build(tmp_path_factory.mktemp("counts"), _records())
    yield b
    b.close()


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f) or "none")
@pytest.mark.parametrize("scope", ["all", "quotes"])
def test_each_count_is_the_query_in_that_scope_alone(backend, query, filters, scope):
    args = {"q": query, "scope": scope, **filters}
    page = run_search(backend, SearchParams.from_args(args), scope_counts=True)
    alone = {s: run_search(backend, SearchParams.from_args({**args, "scope": s})).total
             for s in SCOPES}
    assert page.scope_counts == alone
    assert page.total == alone[scope]


def test_the_counts_differ_between_scopes(backend):
    page = run_search(backend, SearchParams.from_args({"q": "harbour"}), scope_counts=True)
    assert len(set(page.scope_counts.values())) > 2
