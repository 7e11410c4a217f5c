"""Ranking (issue 12): a word in several parts of the article's own text is counted once
over them (fields.COMBINED_PARTS), not once per part; the headline still counts for more
than the body. Whoosh scores the parts as one field (BM25F), OpenSearch takes the best
part (cross_fields): both are below the sum of the parts' scores, which is what an
article got before, when a word in its headline and body scored as two words."""

from __future__ import annotations

import pytest
from conftest import article

from contract.helpers import search

# Same lengths in every article: headline two terms, body four ("of", "the", "at" are
# stop words), so only where the word sits differs.
RECORDS = [
    article(id="headline", headline="Lighthouse keepers",
            body="Keepers of the coast walk at night"),
    article(id="body", headline="Coast keepers",
            body="Keepers of the lighthouse walk at night"),
    article(id="both", headline="Lighthouse keepers",
            body="Keepers of the lighthouse walk at night"),
] + [article(id=f"other-{n}", headline=f"Harbour notes {n}", body="Ferries sail at dawn.")
     for n in range(6)]


@pytest.fixture(scope="module")
def backend(engine, tmp_path_factory):
    made = engine.build(tmp_path_factory.mktemp("ranking"), RECORDS)
    yield made
    made.close()


def scores(backend, **args) -> dict[str, float]:
    return {h.id: h.score for h in search(backend, **args).results}


def test_a_word_in_headline_and_body_counts_once(backend):
    s = scores(backend, q="lighthouse")
    assert set(s) == {"headline", "body", "both"}
    assert s["headline"] > s["body"] > 0  # the headline counts for more
    assert s["both"] >= s["headline"] * (1 - 1e-4)
    # Before: both == headline + body (two idfs, two saturations).
    assert s["both"] < 0.9 * (s["headline"] + s["body"])

