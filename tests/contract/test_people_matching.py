"""The speaker and commenter filters tied to the quote or comment the words match in.

Issue 11's first defect: `q=strike&scope=quotes&speaker=Declan Ofori` listed articles where
someone else said "strike" and showed that other person's quote. Here the person's own
words must match, the snippet must be their quote, and every count (the total, the counts
per scope, the speaker facet) must be what selecting it then finds.
"""

from __future__ import annotations

import re

import pytest
from conftest import article

from contract.helpers import app_of, ids, search
from searchapp.search.params import SearchParams
from searchapp.search.service import run_search

OFORI, ORTIZ = "Declan Ofori", "Lena Ortiz"
RECORDS = [
    # Ortiz says "strike" here; Ofori is quoted too, on something else.
    article(id="ortiz-says", headline="Council meets", body="The council met on the strike.",
            published="2024-03-01", source="Courier",
            quotes=[{"text": "The strike must end this week", "speaker": f"Mayor {ORTIZ}"},
                    {"text": "We back the workers", "speaker": OFORI}],
            comments=[{"author": "jens holm", "text": "Strike now, talk later"},
                      {"author": "Maya", "text": "Nonsense from start to end"}]),
    # Ofori says "strike"; Ortiz is quoted too.
    article(id="ofori-says", headline="Union digs in", body="Talks stalled.",
            published="2024-03-02", source="Courier",
            quotes=[{"text": "No comment today", "speaker": ORTIZ},
                    {"text": "The strike goes on until we are heard", "speaker": OFORI}],
            comments=[{"author": "Maya", "text": "The strike is right"},
                      {"author": "jens holm", "text": "Boring"}]),
    # Only Ofori, and no "strike" in a quote.
    article(id="ofori-rain", headline="Rain", body="A strike of lightning.",
            published="2024-03-03", source="Gazette",
            quotes=[{"text": "Rain again today", "speaker": OFORI}]),
]


@pytest.fixture(scope="module")
def backend(engine, tmp_path_factory):
    made = engine.build(tmp_path_factory.mktemp("people-matching"), RECORDS)
    yield made
    made.close()


def quote_snippets(response) -> dict[str, list[tuple[str, str]]]:
    return {h.id: [(re.sub(r"</?mark>", "", str(t)), s) for t, s in h.snippets.quotes]
            for h in response.results}


def facet(response, name: str) -> dict[str, tuple[int, bool]]:
    return {v.value: (v.count, v.selected) for v in response.facets[name].values}


def test_a_speaker_filter_matches_words_in_that_speakers_quotes(backend):
    response = search(backend, q="strike", scope="quotes", speaker=OFORI)
    assert [h.id for h in response.results] == ["ofori-says"]
    assert response.total == 1
    # The snippet is Ofori's quote, not Ortiz's in the same article.
    assert quote_snippets(response) == {
        "ofori-says": [("The strike goes on until we are heard", OFORI)]}


def test_the_same_filter_with_two_speakers_and_in_the_query_language(backend):
    assert set(ids(backend, q="strike", scope="quotes", speaker=[OFORI, ORTIZ])) == {
        "ortiz-says", "ofori-says"}
    assert ids(backend, q="strike", scope="quotes", speaker=ORTIZ) == ["ortiz-says"]
    # `speaker:` beside words says the same as the filter.
    assert ids(backend, q='speaker:"declan ofori" strike', scope="quotes") == ["ofori-says"]
    # Outside the quotes scope the words search the whole article, as before.
    assert set(ids(backend, q="strike", scope="all", speaker=OFORI)) == {
        "ortiz-says", "ofori-says", "ofori-rain"}


def test_a_commenter_filter_matches_words_in_that_commenters_comments(backend):
    response = search(backend, q="strike", scope="comments", commenter="Maya")
    assert [h.id for h in response.results] == ["ofori-says"]
    assert [(re.sub(r"</?mark>", "", str(t)), a) for t, a, _ in
            response.results[0].snippets.comments] == [("The strike is right", "Maya")]
    assert ids(backend, q="strike", scope="comments", commenter="jens holm") == ["ortiz-says"]


def test_counts_per_scope_agree_with_the_tied_filter(backend):
    response = search(backend, q="strike", scope="quotes", speaker=OFORI)
    counts = run_search(backend, SearchParams.from_args(
        {"q": "strike", "scope": "quotes", "speaker": OFORI}), scope_counts=True).scope_counts
    assert counts["quotes"] == response.total == 1
    for scope, expected in counts.items():
        assert len(ids(backend, q="strike", scope=scope, speaker=OFORI)) == expected, scope


@pytest.mark.parametrize("selected", [[], [OFORI], [OFORI, ORTIZ]])
def test_the_speaker_facet_counts_whose_own_quotes_have_the_words(backend, selected):
    """Each speaker's count is what selecting them (alone) finds; the selection of the
    facet itself is left out of its own counts, as for every facet."""
    response = search(backend, q="strike", scope="quotes", speaker=selected)
    got = facet(response, "speaker")
    assert got == {OFORI: (1, OFORI in selected), ORTIZ: (1, ORTIZ in selected)}
    for name, (count, _) in got.items():
        assert len(ids(backend, q="strike", scope="quotes", speaker=name)) == count
    # Other facets count the matches of the search as it is.
    assert facet(response, "source") == {"Courier": (response.total, False)}


def test_the_commenter_facet_counts_whose_own_comments_have_the_words(backend):
    got = facet(search(backend, q="strike", scope="comments"), "commenter")
    # (Compared case-folded: the people model decides how a handle is shown.)
    assert {k.casefold(): v for k, v in got.items()} == {"jens holm": (1, False),
                                                         "maya": (1, False)}


def test_the_article_page_marks_only_the_speakers_own_quote(engine, backend, tmp_path):
    client = app_of(engine, backend, tmp_path).test_client()
    page = client.get("/articles/ortiz-says",
                      query_string={"q": "strike", "scope": "quotes", "speaker": ORTIZ})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "The <mark>strike</mark> must end this week" in text
    page = client.get("/articles/ofori-says",
                      query_string={"q": "strike", "scope": "quotes", "speaker": ORTIZ})
    assert "<mark>strike</mark> goes on" not in page.get_data(as_text=True)


def test_a_facet_counted_per_quote_can_be_searched_within_sorted_and_excluded(backend):
    """The facet's options (search within, by name) and an excluded value work on counts
    taken per quote as on any other."""
    got = facet(search(backend, q="strike", scope="quotes", speaker_contains="ofo"), "speaker")
    assert got == {OFORI: (1, False)}
    response = search(backend, q="strike", scope="quotes", speaker_sort="name")
    assert [(v.value, v.count) for v in response.facets["speaker"].values] == [
        (OFORI, 1), (ORTIZ, 1)]
    # Excluding a person is `-speaker:X`: out goes every article quoting them (here both),
    # and the facet, counted without its own exclusion, says what putting them back adds.
    response = search(backend, q="strike", scope="quotes", not_speaker=ORTIZ)
    assert [h.id for h in response.results] == []
    assert ids(backend, q=f'strike -speaker:"{ORTIZ}"', scope="quotes") == []
    assert {v.value: (v.count, v.excluded) for v in response.facets["speaker"].values} == {
        OFORI: (1, False), ORTIZ: (1, True)}
