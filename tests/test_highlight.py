"""Snippets: escaped first, <mark> second; cut from an article's text and a backend's spans.

The same for every backend; contract/test_highlight.py checks what backends give it.
"""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from searchapp.analysis import terms
from searchapp.search import highlight

MARK = re.compile(r"</?mark>")


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
    spans = [target_spans(e) for e in entries]
    found = highlight.entries(entries, spans)
    assert len(found) == min(highlight.MAX_ENTRIES, sum(1 for s in spans if s))
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
    texts = ["short target", long_entry]
    found = highlight.entries(texts, [target_spans(t) for t in texts])
    assert found[0] == (0, Markup("short <mark>target</mark>"))
    n, frag = found[1]
    assert n == 1 and str(frag).startswith("…filler") and str(frag).endswith("filler…")
    assert "<mark>target</mark>" in str(frag)
    assert len(html.unescape(MARK.sub("", str(frag)))) <= highlight.ENTRY_CHARS + 2


def test_the_quick_check_never_hides_a_match():
    """matcher.Wanted.could_match skips analysing text that cannot hold a match: on the demo
    collection's words, every word whose stem is wanted passes it."""
    import json
    from pathlib import Path

    from searchapp.search.matcher import Wanted

    root = Path(__file__).resolve().parents[1] / "samples" / "articles.jsonl"
    texts = [json.loads(line)["body"] for line in root.read_text(encoding="utf-8").splitlines()]
    checked = 0
    for text in texts:
        for term, _, start, end in terms(text):
            word = text[start:end]
            assert Wanted(terms={term}).could_match(word), (word, term)
            assert Wanted(prefixes={term[:3]}).could_match(word), (word, term)
            checked += 1
    assert checked > 5000
    assert not Wanted(terms={"harbour"}).could_match("The quay was busy.")
