"""Snippets: escaped first, <mark> second; built from the offsets stored in the postings."""

from __future__ import annotations

import html
import re

import pytest
from conftest import article
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup
from whoosh import index as whoosh_index
from whoosh import query as Q

from indexer import generations
from indexer.analysis import terms
from searchapp.search import highlight
from searchapp.search.params import SearchParams
from searchapp.search.service import OpenIndex, run_search

MARK = re.compile(r"</?mark>")


def open_index(index_dir) -> OpenIndex:
    real = generations.current_path(str(index_dir))
    return OpenIndex.from_searcher(whoosh_index.open_dir(real).searcher(), "test")


def search(ix: OpenIndex, q: str, **args):
    return run_search(ix, SearchParams.from_args({"q": q, **args}))


def assert_safe(fragment: Markup, text: str) -> None:
    """T11: only our <mark> tags are markup, and the fragment is a piece of the text."""
    assert isinstance(fragment, Markup)
    plain = MARK.sub("", str(fragment))
    assert "<" not in plain and ">" not in plain
    plain = html.unescape(plain)
    plain = plain.removeprefix(highlight.ELLIPSIS).removesuffix(highlight.ELLIPSIS)
    assert plain in text
    # What is marked is exactly a match of the word (no more, no less).
    for marked in re.findall(r"<mark>(.*?)</mark>", str(fragment)):
        assert html.unescape(marked).lower().startswith("target")


# -- property (reliability T11) ---------------------------------------------------------

PIECES = ["<", ">", "&", '"', "'", "<script>", "</script>", "<script>alert('x')</script>",
          "&amp;", "&lt;b&gt;", "&#60;", "\u202e", "\u202d", "ﬁnance", "ﬂow", "e\u0301",
          "cafe\u0301", "naïve", "Müller", "<mark>", "</mark>", "…", "\n\n", "target",
          "Target", "targets", "<target>", "&target;", "target's", "x\u0308target",
          "<<target>>", "“target”"]
bodies = st.lists(
    st.one_of(st.sampled_from(PIECES),
              st.text(alphabet=st.characters(codec="utf-8"), max_size=12)),
    min_size=1, max_size=150,
).map(" ".join)


def target_spans(text: str) -> list[tuple[int, int]]:
    return [(s, e) for t, _, s, e in terms(text) if t == "target"]


@settings(derandomize=True, max_examples=300, deadline=None)
@given(bodies)
def test_fragments_escape_everything_but_mark(body):
    spans = target_spans(body)
    frags = highlight.fragments(body, spans) if spans else [highlight.lead(body)]
    for f in frags:
        assert_safe(f, body)
    if spans:
        assert frags and all("<mark>" in str(f) for f in frags)
    assert_safe(highlight.mark(body, spans), body)
    assert html.unescape(MARK.sub("", str(highlight.mark(body, spans)))) == body


@settings(derandomize=True, max_examples=200, deadline=None)
@given(st.lists(bodies, min_size=1, max_size=5))
def test_entries_escape_everything_but_mark(entries):
    text = "\n\n".join(entries)
    offsets, pos = [], 0
    for e in entries:
        offsets.append((pos, pos + len(e), "speaker"))
        pos += len(e) + 2
    spans = target_spans(text)
    found = highlight.entries(text, offsets, spans)
    assert len(found) == min(highlight.MAX_ENTRIES, len({
        n for n, (s, e, _) in enumerate(offsets) for a, b in spans if a < e and b > s}))
    for n, frag in found:
        assert_safe(frag, entries[n])
        assert "<mark>" in str(frag)


# -- exact strings ------------------------------------------------------------------------

def test_mark_escapes_then_marks():
    text = 'a <b> & "c" target\'s'
    spans = target_spans(text)
    assert str(highlight.mark(text, spans)) == \
        "a &lt;b&gt; &amp; &#34;c&#34; <mark>target</mark>&#39;s"
    assert str(highlight.mark(text, spans, 2, 6)) == "&lt;b&gt; "


def test_fragment_window_and_ellipses():
    text = "abcd " * 100 + "target " + "efgh " * 100
    assert highlight.fragments(text, target_spans(text)) == [Markup(
        "…" + "abcd " * 15 + "<mark>target</mark> " + "efgh " * 30 + "efgh…")]
    short = "The target is here."
    assert highlight.fragments(short, target_spans(short)) == [
        Markup("The <mark>target</mark> is here.")]


def test_two_fragments_with_the_most_distinct_matches_in_text_order():
    filler = "word " * 60
    text = ("target " + filler + "target Target " + filler + "target targets " + filler
            + "target")
    spans = [(s, e) for t, _, s, e in terms(text) if t == "target"]
    frags = [str(f) for f in highlight.fragments(text, spans)]
    assert len(frags) == 2
    # The groups with two different spellings win, and come in text order.
    assert frags[0].startswith("…") and "<mark>target</mark> <mark>Target</mark>" in frags[0]
    assert "<mark>target</mark> <mark>targets</mark>" in frags[1]


def test_lead():
    assert highlight.lead("a & <b>") == Markup("a &amp; &lt;b&gt;")
    text = "word " * 100
    lead = str(highlight.lead(text))
    assert lead == ("word " * 48).rstrip() + "…"
    assert len(lead) <= highlight.LEAD_CHARS + 1


def test_entries_long_entry_is_cut_around_the_match():
    long_entry = "filler " * 80 + "target " + "filler " * 80
    text = "short target\n\n" + long_entry
    offsets = [(0, 12, "A"), (14, 14 + len(long_entry), "B")]
    found = highlight.entries(text, offsets, target_spans(text))
    assert found[0] == (0, Markup("short <mark>target</mark>"))
    n, frag = found[1]
    assert n == 1 and str(frag).startswith("…filler") and str(frag).endswith("filler…")
    assert "<mark>target</mark>" in str(frag)
    assert len(html.unescape(MARK.sub("", str(frag)))) <= highlight.ENTRY_CHARS + 2


# -- through the index ---------------------------------------------------------------------

@pytest.fixture
def small(make_index):
    return open_index(make_index([
        article(id="one", headline='<script>alert("x")</script> & Secretary news',
                body="The secretary of state met the secretary. Visit the state.\n\n"
                     "Later the Secretary of State left.",
                source="Gazette", published="2019-01-02",
                quotes=[{"text": "We will win this war", "speaker": "John Smith"},
                        {"text": "Nobody will win", "speaker": None}],
                comments=[{"author": "jens holm", "text": "same old stuff"},
                          {"author": None, "text": "what stuff <b>really</b>"}]),
        article(id="two", headline="Other", body="nothing here", source="Gazette"),
    ]))


def test_headline_is_escaped_and_marked(small):
    hit = search(small, "alert").results[0]
    assert str(hit.headline) == ("&lt;script&gt;<mark>alert</mark>(&#34;x&#34;)&lt;/script&gt;"
                                 " &amp; Secretary news")
    assert hit.to_dict()["snippets"]["headline"] == str(hit.headline)


def test_phrase_marks_the_phrase_span_only(small):
    hit = search(small, '"secretary of state"').results[0]
    assert [str(f) for f in hit.snippets.body] == [
        "The <mark>secretary of state</mark> met the secretary. Visit the state.\n\n"
        "Later the <mark>Secretary of State</mark> left."]
    # The headline's lone "Secretary" is no phrase match.
    assert str(hit.headline) == ("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; "
                                 "Secretary news")


def test_quote_with_speaker_and_comment_with_author(small):
    hit = search(small, "win OR stuff").results[0]
    assert [(str(t), s) for t, s in hit.snippets.quotes] == [
        ("We will <mark>win</mark> this war", "John Smith"),
        ("Nobody will <mark>win</mark>", None)]
    assert [(str(t), a, n) for t, a, n in hit.snippets.comments] == [
        ("same old <mark>stuff</mark>", "jens holm", 0),
        ("what <mark>stuff</mark> &lt;b&gt;really&lt;/b&gt;", None, 1)]
    d = hit.to_dict()["snippets"]
    assert d["quotes"][0] == {"text": "We will <mark>win</mark> this war",
                              "speaker": "John Smith"}
    assert d["comments"][1] == {"text": "what <mark>stuff</mark> &lt;b&gt;really&lt;/b&gt;",
                                "author": None, "index": 1}
    # The body did not match: its lead is shown, unmarked.
    assert [str(f) for f in hit.snippets.body] == [
        "The secretary of state met the secretary. Visit the state.\n\n"
        "Later the Secretary of State left."]
    assert not hit.snippets.body_matched


def test_negated_words_are_not_marked(small):
    hit = search(small, "secretary -stuff -nothing").results
    assert hit == []
    hit = search(small, "visit -nothing").results[0]
    assert [str(f) for f in hit.snippets.body] == [
        "The secretary of state met the secretary. <mark>Visit</mark> the state.\n\n"
        "Later the Secretary of State left."]


def test_matches_beyond_32_kib_are_highlighted(make_index):
    body = ("lorem ipsum dolor " * 3000) + "the needle is here " + ("sit amet " * 50)
    assert body.index("needle") > 40_000
    ix = open_index(make_index([article(id="long", headline="Long", body=body)]))
    hit = search(ix, "needle").results[0]
    assert len(hit.snippets.body) == 1
    frag = str(hit.snippets.body[0])
    assert "the <mark>needle</mark> is here" in frag
    assert_safe_text = html.unescape(MARK.sub("", frag)).strip("…")
    assert assert_safe_text in body
    # Whoosh's own highlighter gives up past its 32 KiB character limit.
    whoosh_hit = ix.searcher.search(Q.Term("body", "needl"))[0]
    assert whoosh_hit.highlights("body") == ""


def test_snippets_none_keeps_only_the_headline(small):
    hit = search(small, "secretary", snippets="none").results[0]
    assert hit.snippets.body == [] and hit.snippets.quotes == [] and hit.snippets.comments == []
    assert "<mark>Secretary</mark>" in str(hit.headline)


def test_hostile_corpus_through_the_index(make_index):
    """Generated hostile bodies indexed for real; every snippet keeps the T11 property."""
    import random

    rnd = random.Random(11)
    records = []
    for i in range(40):
        words = [rnd.choice(PIECES) for _ in range(rnd.randint(5, 120))]
        words.insert(rnd.randint(0, len(words)), "target")
        records.append(article(id=f"h-{i}", headline=" ".join(words[:6]), body=" ".join(words),
                               quotes=[{"text": " ".join(words[-8:]), "speaker": "<b>x</b>"}]))
    ix = open_index(make_index(records))
    response = search(ix, "target", per_page="100")
    assert response.total == len(records)
    stored = {r["id"]: r for r in records}
    for hit in response.results:
        rec = stored[hit.id]
        body = ix.searcher.stored_fields(hit.docnum)["body"]
        assert hit.snippets.body_matched
        for f in hit.snippets.body:
            assert_safe(f, body)
        assert_safe(hit.headline, ix.searcher.stored_fields(hit.docnum)["headline"])
        for q, speaker in hit.snippets.quotes:
            assert_safe(q, ix.searcher.stored_fields(hit.docnum)["quotes"])
            assert speaker == rec["quotes"][0]["speaker"]
