"""Ranking (issue 12): a word in several parts of the article's own text is counted once
over them (fields.COMBINED_PARTS), not once per part; the headline still counts for more
than the body. Whoosh scores the parts as one field (BM25F), OpenSearch takes the best
part (cross_fields): both are below the sum of the parts' scores, which is what an
article got before, when a word in its headline and body scored as two words.

In a loose reading, neighbouring words of the query found near each other add to the
score (base.PROXIMITY_WEIGHT)."""

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
    # The same words, the same lengths; only how near "premier" is to "khrushchev" differs
    # (the far one first: equal scores would keep index order).
    article(id="far", headline="Moscow notes",
            body="The premier spoke one two three four five six seven eight khrushchev grain"),
    article(id="near", headline="Moscow notes",
            body="The premier khrushchev spoke one two three four five six seven eight grain"),
] + [article(id=f"other-{n}", headline=f"Harbour notes {n}", body="Ferries sail at dawn.")
     for n in range(6)]


@pytest.fixture(scope="module")
def backend(engine, tmp_path_factory):
    made = engine.build(tmp_path_factory.mktemp("ranking"), RECORDS)
    yield made
    made.close()


def scores(backend, **args) -> dict[str, float]:
    # Every copy: "body" and "both" differ by one word, one story (searchapp/duplicates.py)
    return {h.id: h.score for h in search(backend, copies="all", **args).results}


def test_a_word_in_headline_and_body_counts_once(backend):
    s = scores(backend, q="lighthouse")
    assert set(s) == {"headline", "body", "both"}
    assert s["headline"] > s["body"] > 0  # the headline counts for more
    assert s["both"] >= s["headline"] * (1 - 1e-4)
    # Before: both == headline + body (two idfs, two saturations).
    assert s["both"] < 0.9 * (s["headline"] + s["body"])



def test_words_typed_together_and_found_together_rank_first(backend):
    q = "what did premier khrushchev say about the grain"
    r = search(backend, q=q)
    assert r.query.loose_words == 7 and r.query.strict_total == 0  # "the" is not searched
    s = {h.id: h.score for h in r.results}
    assert [h.id for h in r.results][:2] == ["near", "far"]
    assert s["near"] > s["far"] * 1.01
    # The strict reading of the same words is not changed: equal scores.
    strict = scores(backend, q="premier khrushchev grain")
    assert strict["near"] == pytest.approx(strict["far"], rel=1e-4)
