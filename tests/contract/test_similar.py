"""More like this (issue 13, part 3): the articles sharing an article's most distinctive
words, its copies and itself left out, with the shared words; a JSON twin. Both backends."""

from __future__ import annotations

import pytest
from conftest import article

from contract.helpers import app_of
from searchapp.analysis import terms
from searchapp.search.similar import more_like_this

RECORDS = [
    article(id="eclipse-a", headline="Solar eclipse darkens Lisbon", source="Gazette",
            body="A total solar eclipse darkened Lisbon on Monday. Astronomers gathered on "
                 "the riverfront to watch the corona. The eclipse lasted four minutes."),
    # A syndicated copy, lightly edited (indexer.dedup.is_copy).
    article(id="eclipse-copy", headline="SOLAR ECLIPSE DARKENS LISBON", source="Wire",
            body="A total solar eclipse darkened Lisbon on Monday. Astronomers gathered on "
                 "the riverfront to watch the corona. The eclipse lasted five minutes."),
    article(id="eclipse-b", headline="Astronomers watch the corona", source="Herald",
            body="Astronomers in Porto watched the corona of the sun during the solar "
                 "eclipse, which lasted four minutes. Most of them were there."),
    article(id="lisbon-traffic", headline="Lisbon traffic", source="Gazette",
            body="Most traffic in Lisbon was heavy on Monday."),
    article(id="xss", headline="<script>alert(1)</script> corona", source="Herald",
            body="The corona seen by astronomers."),
    article(id="lone", headline="Xylograph plover", source="Gazette",
            body="Quokkas photographed."),
] + [article(id=f"harvest-{n}", headline=f"Harvest report {n}", source="Farm News",
             body="Farmers brought in the wheat harvest on Monday.") for n in range(6)]


@pytest.fixture(scope="module")
def backend(engine, tmp_path_factory):
    made = engine.build(tmp_path_factory.mktemp("similar"), RECORDS)
    yield made
    made.close()


def test_document_frequencies_count_articles_over_headline_body_and_captions(backend):
    words = [terms(w)[0][0] for w in ("eclipse", "Lisbon", "Monday", "corona")] + ["zzzq"]
    n, df = backend.document_frequencies(words)
    assert n == len(RECORDS)
    for w in words:
        expected = sum(any(t == w for t, *_ in terms(f"{r['headline']} {r['body']}"))
                       for r in RECORDS)
        assert df[w] == expected, w
    assert df[terms("Monday")[0][0]] == 9 and df["zzzq"] == 0


def test_the_most_alike_first_without_itself_or_its_copies(backend):
    found = more_like_this(backend, "eclipse-a")
    got = [r.id for r in found.results]
    assert got[0] == "eclipse-b"
    assert "eclipse-a" not in got and "eclipse-copy" not in got
    assert not any(i.startswith("harvest") for i in got[:3])
    # The words searched: the article's own, the weightiest first; one only it has is not.
    assert "eclipse" in found.terms[:3]
    assert {"astronomers", "corona", "solar", "lisbon"} <= set(found.terms)
    b_terms = more_like_this(backend, "eclipse-b").terms
    assert "porto" not in b_terms  # only it has Porto
    assert "most" not in b_terms and "them" not in b_terms  # function words say nothing
    b = found.results[0]
    assert {"eclipse", "astronomers", "corona", "solar"} <= set(b.shared)
    assert "lisbon" not in b.shared
    assert more_like_this(backend, "no-such-article") is None


def test_the_page_lists_them_and_the_json_twin_says_the_same(engine, backend, tmp_path):
    client = app_of(engine, backend, tmp_path).test_client()
    page = client.get("/articles/eclipse-a").get_data(as_text=True)
    assert "More like this" in page
    assert 'href="/articles/eclipse-b"' in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; corona" in page  # escaped
    got = client.get("/api/articles/eclipse-a/similar")
    assert got.status_code == 200
    data = got.get_json()
    assert [r["id"] for r in data["results"]] == [
        r.id for r in more_like_this(backend, "eclipse-a").results]
    assert "eclipse" in data["results"][0]["shared_terms"]
    assert client.get("/api/articles/no-such-article/similar").status_code == 404
    assert client.get("/api/articles/eclipse-a").get_json()["id"] == "eclipse-a"
    assert 'href="/articles/harvest-1"' in client.get("/articles/harvest-0").get_data(
        as_text=True)  # the other harvest reports are alike
    # No word shared with any other article: nothing to search, no section.
    assert more_like_this(backend, "lone").terms == []
    assert "More like this" not in client.get("/articles/lone").get_data(as_text=True)
