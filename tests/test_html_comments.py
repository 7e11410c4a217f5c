"""Reader comments in HTML pages: each comment system's markup, negatives, and robustness.

Fixtures in fixtures/html/comments are hand-written pages in the markup each system puts
in saved pages; `NAME.expected.json` holds the comments, words that must be gone from
the tree afterwards (headings, forms, buttons, authors) and words that must stay (the
article).
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from conftest import SHARED, need
from lxml import etree, html

from indexer.extract.html.comments import threads as htmlcomments
from indexer.extract.html.comments.threads import take_comments

FIXTURES = Path(__file__).parent / "fixtures" / "html" / "comments"
CASES = sorted(p.stem for p in FIXTURES.glob("*.html"))


def tree(text: str) -> html.HtmlElement:
    """The page as html.py hands it over: parsed, without scripts, styles and comments."""
    root = html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*>", "", text))
    etree.strip_elements(root, "script", "style", "noscript", "template", etree.Comment,
                         with_tail=False)
    return root


def text_of(root: html.HtmlElement) -> str:
    return " ".join(root.text_content().split())


def test_every_fixture_has_expectations():
    assert len(CASES) >= 11
    for name in CASES:
        assert (FIXTURES / f"{name}.expected.json").is_file(), name


@pytest.mark.parametrize("name", CASES)
def test_fixture(name):
    expected = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    root = tree((FIXTURES / f"{name}.html").read_text(encoding="utf-8"))
    comments = take_comments(root)
    assert [c.as_dict() for c in comments] == expected["comments"]
    left = text_of(root)
    for words in expected["gone"]:
        assert words not in left, f"{words!r} is still in the page"
    for words in expected["kept"]:
        assert words in left, f"{words!r} was taken from the page"


def page(thread: str) -> str:
    return ("<html><body><article><h1>Headline here</h1><p>The article text, long enough "
            f"to be the article.</p></article>{thread}</body></html>")


WP_ITEM = ('<li class="comment" id="comment-{n}"><div class="comment-author vcard">'
           '<cite class="fn">{who}</cite></div><div class="comment-meta">'
           '<a>March 3, 2012 at 4:05 pm</a></div><div class="comment-content"><p>{text}</p>'
           '</div></li>')


def test_recent_comments_widget_is_not_a_thread():
    widget = ('<div id="sidebar"><div class="widget widget_recent_comments"><h2>Recent comments'
              '</h2><ul>' + "".join(WP_ITEM.format(n=n, who=f"Reader {n}", text="Nice one.")
                                   for n in range(3)) + "</ul></div></div>")
    root = tree(page(widget))
    assert take_comments(root) == []
    assert "Reader 1" in text_of(root)


def test_a_hidden_thread_is_removed_but_not_indexed():
    thread = ('<div id="comments" style="display: none"><ol class="commentlist">'
              + WP_ITEM.format(n=1, who="Ann", text="First words of a hidden comment.")
              + WP_ITEM.format(n=2, who="Bo", text="Second words of a hidden comment.")
              + "</ol></div>")
    root = tree(page(thread))
    assert take_comments(root) == []
    assert "hidden comment" not in text_of(root)


def test_a_lone_unsigned_comment_box_is_not_a_comment():
    root = tree(page('<div class="comment-box"><p>Your comments will show your real name '
                     'and not a username.</p></div>'))
    assert take_comments(root) == []
    assert "real name" in text_of(root)


def test_a_reply_to_a_comment_without_text_replies_to_the_thread():
    thread = ('<ol class="commentlist"><li class="comment" id="comment-1"><div class="comment-'
              'author"><cite class="fn">Ann</cite></div><div class="comment-content"></div>'
              '<ul class="children">' + WP_ITEM.format(n=2, who="Bo", text="Replying here.")
              + WP_ITEM.format(n=3, who="Cy", text="And here.") + "</ul></li></ol>")
    comments = take_comments(tree(page(thread)))
    assert [(c.author, c.text, c.parent) for c in comments] == [
        ("Bo", "Replying here.", None), ("Cy", "And here.", None)]


@pytest.mark.parametrize("markup", [
    "<html></html>",
    "<html><body><div class='comment'></div></body></html>",
    "<html><body><li class='comment' id='comment-1'><li class='comment'>x</li></li></body></html>",
    "<html><body>" + "<div class='comment'>" * 300 + "deep" + "</div>" * 300 + "</body></html>",
    "<html><body><div id='comments'><div class='a'>1</div><div class='a'>2</div></div></body>"
    "</html>",
    "<html><body><time class='comment' datetime='9999-99-99'>x</time></body></html>",
])
def test_odd_pages_never_raise(markup):
    # take_comments swallows any error; its inner reading must not need that here.
    htmlcomments._read(tree(markup))
    assert isinstance(take_comments(tree(markup)), list)


def _corpus_pages():
    corpora = SHARED / "corpora"
    yield from sorted((corpora / "dragnet" / "html").glob("*.html.gz"))
    yield from sorted((corpora / "l3s-gn1" / "original").glob("*.html.gz"))


@pytest.mark.shared
@pytest.mark.slow
def test_reading_never_fails_on_the_shared_corpora():
    need((SHARED / "corpora" / "dragnet" / "html").is_dir(), f"no corpora in {SHARED}")
    seen = found = 0
    for path in _corpus_pages():
        text = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        try:
            root = tree(text)
        except (etree.ParserError, ValueError):
            continue  # an empty or unparsable page never reaches take_comments
        # Not take_comments, which would hide an error behind an empty list.
        comments, _ = htmlcomments._read(root)
        seen += 1
        found += bool(comments)
    assert seen > 1400
    assert 250 < found < 500  # about a third of dragnet and a tenth of l3s-gn1 have threads
