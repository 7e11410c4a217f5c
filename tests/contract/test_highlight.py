"""Snippets through a backend: the spans it gives mark exactly the matches, escaped first."""

from __future__ import annotations

import html

import pytest
from conftest import article
from test_highlight import MARK, PIECES, assert_safe

from contract.helpers import search


def find(backend, q: str, **args):
    return search(backend, q=q, **args)


@pytest.fixture
def small(make_backend):
    return make_backend([
        article(id="one", headline='<script>alert("x")</script> & Secretary news',
                body="The secretary of state met the secretary. Visit the state.\n\n"
                     "Later the Secretary of State left.",
                source="Gazette", published="2019-01-02",
                quotes=[{"text": "We will win this war", "speaker": "John Smith"},
                        {"text": "Nobody will win", "speaker": None}],
                comments=[{"author": "jens holm", "text": "same old stuff"},
                          {"author": None, "text": "what stuff <b>really</b>"}]),
        article(id="two", headline="Other", body="nothing here", source="Gazette"),
    ])


def test_headline_is_escaped_and_marked(small):
    hit = find(small, "alert").results[0]
    assert str(hit.headline) == ("&lt;script&gt;<mark>alert</mark>(&#34;x&#34;)&lt;/script&gt;"
                                 " &amp; Secretary news")
    assert hit.to_dict()["snippets"]["headline"] == str(hit.headline)


def test_phrase_marks_the_phrase_span_only(small):
    hit = find(small, '"secretary of state"').results[0]
    assert [str(f) for f in hit.snippets.body] == [
        "The <mark>secretary of state</mark> met the secretary. Visit the state.\n\n"
        "Later the <mark>Secretary of State</mark> left."]
    # The headline's lone "Secretary" is no phrase match.
    assert str(hit.headline) == ("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; "
                                 "Secretary news")


def test_quote_with_speaker_and_comment_with_author(small):
    hit = find(small, "win OR stuff").results[0]
    assert [(str(t), s) for t, s in hit.snippets.quotes] == [
        ("We will <mark>win</mark> this war", "John Smith"),
        ("Nobody will <mark>win</mark>", None)]
    assert [(str(t), a, n) for t, a, n in hit.snippets.comments] == [
        ("same old <mark>stuff</mark>", "jens holm", 0),
        ("what <mark>stuff</mark> &lt;b&gt;really&lt;/b&gt;", None, 1)]
    d = hit.to_dict()["snippets"]
    assert d["quotes"][0] == {"text": "We will <mark>win</mark> this war",
                              "speaker": "John Smith", "person": "John Smith"}
    assert d["comments"][1] == {"text": "what <mark>stuff</mark> &lt;b&gt;really&lt;/b&gt;",
                                "author": None, "index": 1, "person": None}
    # The body did not match: its lead is shown, unmarked.
    assert [str(f) for f in hit.snippets.body] == [
        "The secretary of state met the secretary. Visit the state.\n\n"
        "Later the Secretary of State left."]
    assert not hit.snippets.body_matched


def test_negated_words_are_not_marked(small):
    hit = find(small, "secretary -stuff -nothing").results
    assert hit == []
    hit = find(small, "visit -nothing").results[0]
    assert [str(f) for f in hit.snippets.body] == [
        "The secretary of state met the secretary. <mark>Visit</mark> the state.\n\n"
        "Later the Secretary of State left."]


def test_matches_beyond_32_kib_are_highlighted(make_backend):
    """Whoosh's own highlighter gives up past 32 KiB of text; no backend may."""
    body = ("lorem ipsum dolor " * 3000) + "the needle is here " + ("sit amet " * 50)
    assert body.index("needle") > 40_000
    ix = make_backend([article(id="long", headline="Long", body=body)])
    hit = find(ix, "needle").results[0]
    assert len(hit.snippets.body) == 1
    frag = str(hit.snippets.body[0])
    assert "the <mark>needle</mark> is here" in frag
    assert_safe_text = html.unescape(MARK.sub("", frag)).strip("…")
    assert assert_safe_text in body


def test_snippets_none_keeps_only_the_headline(small):
    hit = find(small, "secretary", snippets="none").results[0]
    assert hit.snippets.body == [] and hit.snippets.quotes == [] and hit.snippets.comments == []
    assert "<mark>Secretary</mark>" in str(hit.headline)


def test_hostile_corpus_through_the_index(make_backend):
    """Generated hostile bodies indexed for real; every snippet keeps the T11 property."""
    import random

    rnd = random.Random(11)
    records = []
    for i in range(40):
        words = [rnd.choice(PIECES) for _ in range(rnd.randint(5, 120))]
        words.insert(rnd.randint(0, len(words)), "target")
        records.append(article(id=f"h-{i}", headline=" ".join(words[:6]), body=" ".join(words),
                               quotes=[{"text": " ".join(words[-8:]), "speaker": "<b>x</b>"}]))
    ix = make_backend(records)
    response = find(ix, "target", per_page="100")
    assert response.total == len(records)
    for hit in response.results:
        stored = ix.get(hit.id)
        assert hit.snippets.body_matched
        for f in hit.snippets.body:
            assert_safe(f, stored.body)
        assert_safe(hit.headline, stored.headline)
        for q, speaker in hit.snippets.quotes:
            assert_safe(q, stored.quotes[0].text)
            assert speaker == stored.quotes[0].speaker == "<b>x</b>"
