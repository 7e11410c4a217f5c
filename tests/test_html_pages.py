"""Golden with/without expectations for HTML pages we wrote ourselves (every field)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.errors import ExtractError
from indexer.extract.html import parse

PAGES = Path(__file__).parent / "fixtures" / "html" / "pages"
FIXTURES = sorted(PAGES.glob("*.html"))
FIELDS = ("headline", "url", "source", "authors", "published", "lang", "tags", "captions",
          "body", "quotes", "comments")


def _indexed_text(d: dict) -> str:
    parts = [d["headline"], d["body"], *d["captions"], *(q["text"] for q in d["quotes"]),
             *(c["text"] for c in d["comments"])]
    return " ".join(parts)


def test_there_are_fixtures():
    assert len(FIXTURES) >= 5


@pytest.mark.parametrize("page", FIXTURES, ids=lambda p: p.stem)
def test_page(page):
    expected = json.loads(page.with_suffix(".expected.json").read_text(encoding="utf-8"))
    got = parse(page.read_bytes(), str(page)).as_dict()
    assert {k: got[k] for k in FIELDS if k in expected} == {k: expected[k] for k in FIELDS
                                                           if k in expected}
    text = _indexed_text(got)
    leaked = [s for s in expected.get("must_not_appear", []) if s in text]
    assert leaked == []


def test_script_never_becomes_text_and_escaped_markup_stays_text():
    page = (b"<html><head><title>Safe | Site</title><script>var leak = 'SCRIPTBODY';</script>"
            b"</head><body><article><h1>Safe</h1><p>Readers wrote &lt;script&gt;alert(1)"
            b"&lt;/script&gt; into the form, and the council said it would fix the form soon."
            b"</p><script>document.write('INJECTED')</script><p onclick=\"x()\">The second "
            b"paragraph of the article is long enough to count as prose for the scorer.</p>"
            b"</article></body></html>")
    got = parse(page, "safe.html")
    assert "<script>alert(1)</script>" in got.body  # text, escaped again by every view
    assert "SCRIPTBODY" not in got.body and "INJECTED" not in got.body


@pytest.mark.parametrize("data", [b"", b"   \n", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40,
                                  b"<html><body></body></html>"])
def test_pages_without_an_article_are_refused_with_a_reason(data):
    with pytest.raises(ExtractError) as e:
        parse(data, "x.html")
    assert e.value.reason.startswith(("it ", "the page"))


def test_authors_without_degrees_or_the_publisher_itself():
    page = (b'<html><head><meta property="og:site_name" content="CBS Detroit">'
            b'<meta name="author" content="Rachael Link, MS, RD"><meta name="author" '
            b'content="CBS Detroit"><title>Flu season | CBS Detroit</title></head><body>'
            b"<article><h1>Flu season</h1><p>Doctors say this year's flu season started early "
            b"and hit children hardest, with clinics reporting long queues.</p></article>"
            b"</body></html>")
    assert parse(page, "flu.html").authors == ("Rachael Link",)
