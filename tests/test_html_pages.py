"""Golden with/without expectations for HTML pages we wrote ourselves (every field)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
