"""JSON lines: the Article schema, and common scraper field names mapped onto it."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from typing import Any

from indexer.article import Article, Comment, Quote, make_id
from indexer.errors import ExtractError
from indexer.extract.text import clean_line, normalize_block


def iter_lines(path: str) -> Iterator[tuple[int, bytes]]:
    """(line number from 1, raw line) for each non-blank line of a .jsonl or .jsonl.gz file."""
    opener = gzip.open if path.lower().endswith(".gz") else open
    with opener(path, "rb") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                yield n, line


def parse_record(obj: Any, path: str) -> Article:
    """One decoded JSON value as an Article."""
    if not isinstance(obj, dict):
        raise ExtractError("the line is not a JSON object")
    headline = clean_line(str(obj.get("headline") or obj.get("title") or ""))
    body = normalize_block(str(obj.get("body") or obj.get("text") or ""))
    if not headline and not body:
        raise ExtractError("the record has neither a headline nor a body")
    url = obj.get("url") or None
    quotes = tuple(Quote(clean_line(q["text"]), q.get("speaker"))
                   for q in obj.get("quotes") or () if isinstance(q, dict) and q.get("text"))
    comments = tuple(Comment(normalize_block(c["text"]), c.get("author"), c.get("published"))
                     for c in obj.get("comments") or () if isinstance(c, dict) and c.get("text"))
    return Article(
        id=obj.get("id") or make_id(headline, url, path, headline + body),
        path=path, headline=headline, body=body, url=url, source=obj.get("source"),
        authors=tuple(obj.get("authors") or ()), published=obj.get("published"),
        lang=obj.get("lang"), tags=tuple(obj.get("tags") or ()),
        captions=tuple(obj.get("captions") or ()), quotes=quotes, comments=comments,
    )
