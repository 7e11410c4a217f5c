"""Long queries (issue 12): the AND of every word first; when that finds fewer than
LOOSE_BELOW articles, the articles with any of the words, by score, said in one line with
a link back to the strict reading. Short keyword queries behave as before."""

from __future__ import annotations

import pytest
from conftest import article

from contract.helpers import app_of, ids, search
from searchapp.search import service
from searchapp.search.parser import parse

QUESTION = "harbour ferry strike council vote"  # five words
RECORDS = [
    article(id="all-five", headline="Harbour ferry strike",
            body="The council will vote on the harbour ferry strike."),
    article(id="four", headline="Ferry strike", body="The council will vote on the ferry."),
    article(id="three", headline="Harbour strike", body="A strike at the harbour: no vote."),
    article(id="two", headline="Council news", body="The council met."),
    article(id="one-excluded", headline="Ferry times", body="The ferry runs late. Tram works."),
    article(id="none", headline="Weather", body="Rain again."),
]


@pytest.fixture(scope="module")
def backend(engine, tmp_path_factory):
    made = engine.build(tmp_path_factory.mktemp("long-queries"), RECORDS)
    yield made
    made.close()


def test_a_long_query_with_few_matches_is_read_loosely(backend):
    response = search(backend, q=QUESTION)
    # every article with any of the words, by score: the one with all of them first here
    assert response.results[0].id == "all-five"
    assert set(h.id for h in response.results) == {"all-five", "four", "three", "two",
                                                   "one-excluded"}
    assert response.total == 5
    assert response.query.loose_line == (
        "Only 1 article has all 5 words: articles with any of them are listed too, the best "
        "matches first.")
    d = response.to_dict()
    assert (d["match"], d["strict_total"], d["or_query"]) == ("any", 1, None)
    # Links of the page keep the reading: the export and the next page list the same.
    assert response.params.match == "any"
    assert ids(backend, q=QUESTION, match="any") == [h.id for h in response.results]


def test_the_strict_reading_on_request_and_for_short_queries(backend):
    strict = search(backend, q=QUESTION, match="all")
    assert [h.id for h in strict.results] == ["all-five"]
    assert strict.query.loose_line is None and strict.to_dict()["match"] == "all"
    # three words are a keyword search: AND only, with the OR version offered at zero
    assert ids(backend, q="ferry tram rain") == []
    assert search(backend, q="ferry tram rain").query.or_version == "ferry OR tram OR rain"
    assert len(QUESTION.split()) >= service.LONG_QUERY_WORDS > 3


def test_excluded_words_still_hold_and_enough_strict_matches_stay_strict(backend,
                                                                         monkeypatch):
    got = [h.id for h in search(backend, q=QUESTION + " -tram").results]
    assert "one-excluded" not in got and got[0] == "all-five" and len(got) == 4
    # The export reads as the page's links say (match=any on a loose page).
    assert ids(backend, q=QUESTION + " -tram", match="any") == got
    assert ids(backend, q=QUESTION) == ["all-five"]  # "auto" alone: the strict reading
    monkeypatch.setattr(service, "LOOSE_BELOW", 1)  # one strict match is enough now
    assert [h.id for h in search(backend, q=QUESTION).results] == ["all-five"]
    assert search(backend, q=QUESTION).query.loose_line is None


def test_no_article_with_every_word(backend):
    response = search(backend, q="harbour ferry strike council vote rain")
    assert response.query.loose_line == (
        "No article has all 6 words: these have some of them, the best first.")
    assert response.results[0].id == "all-five"


def test_the_page_says_it_and_links_back(engine, backend, tmp_path):
    client = app_of(engine, backend, tmp_path).test_client()
    page = client.get("/search", query_string={"q": QUESTION}).get_data(as_text=True)
    assert "Only 1 article has all 5 words: articles with any of them are listed too" in page
    assert "match=all" in page and "match=any" in page


def test_a_long_query_with_or_in_it_is_read_as_a_bag_of_its_words(backend):
    """A question typed in capitals reads OR as the operator: read loosely, its words are
    taken wherever they sit; an excluded word at the top still holds."""
    q = "(HARBOUR FERRY OR STRIKE COUNCIL VOTE RAIN) -tram"
    strict = search(backend, q=q, match="all")
    response = search(backend, q=q)
    assert strict.total < response.total
    assert response.query.loose_line is not None and response.to_dict()["match"] == "any"
    assert set(h.id for h in response.results) == {"all-five", "four", "three", "two", "none"}
    # a NOT inside an OR says something no bag of words does: read strictly
    assert search(backend, q="harbour ferry OR (strike -vote) council rain").query.loose_line \
        is None


QUESTION_RECORDS = [
    article(id="q-ferries", headline="Harbour ferries",
            body="Ferries sailing from the harbour at dawn."),
    article(id="q-which", headline="Letters", body="Which of them have been seen? Which ones?"),
    article(id="q-rain", headline="Weather", body="Rain again."),
]


@pytest.fixture(scope="module")
def questions(engine, tmp_path_factory):
    made = engine.build(tmp_path_factory.mktemp("questions"), QUESTION_RECORDS)
    yield made
    made.close()


def test_function_words_are_left_out_of_the_loose_reading(questions):
    q = "which ferries have been sailing from the harbour"
    response = search(questions, q=q)
    # "which" and "been" are searched by the strict reading (no article has them all with
    # the other words) and left out of the loose one: "q-which" has only them.
    assert search(questions, q=q, match="all").total == 0
    assert [h.id for h in response.results] == ["q-ferries"]
    assert response.query.loose_line == (
        "No article has all 5 words: these have some of them, the best first.")
    assert ids(questions, q=q, match="any") == ["q-ferries"]
    # Only function words left beside one other: every word is kept.
    assert set(ids(questions, q="which of them have been rain", match="any")) == {
        "q-which", "q-rain"}
    assert service._function_word(parse("Which").tree)
    assert not service._function_word(parse("body:which").tree)


def test_a_short_query_with_few_matches_offers_any_of_the_words(backend, engine, tmp_path):
    few = search(backend, q="ferry council")
    assert sorted(h.id for h in few.results) == ["all-five", "four"]  # read strictly
    assert few.query.broader and few.to_dict()["broader"] is True
    assert few.query.loose_line is None
    wider = search(backend, q="ferry council", match="any")
    assert sorted(h.id for h in wider.results) == ["all-five", "four", "one-excluded", "two"]
    assert wider.query.loose_line == "Articles with any of the 2 words, the best matches first."
    assert not wider.query.broader
    # One word has nothing to widen; enough matches need nothing.
    assert not search(backend, q="ferry").query.broader
    assert not search(backend, q="ferry council", match="all").query.broader
    client = app_of(engine, backend, tmp_path).test_client()
    page = client.get("/search", query_string={"q": "ferry council"}).get_data(as_text=True)
    assert "Few articles have all the words." in page
    assert "match=any" in page
