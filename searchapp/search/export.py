"""Articles as CSV and JSON lines, streamed (the matches come from service.iter_articles)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from indexer.article import Article

CSV_COLUMNS = ("id", "headline", "source", "published", "url", "authors", "tags", "speakers",
               "commenters", "comments", "quotes", "body", "path")
# Spreadsheet programs run cells starting with these as formulas (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_row(a: Article) -> list[str]:
    speakers = sorted({q.speaker for q in a.quotes if q.speaker})
    commenters = sorted({c.author for c in a.comments if c.author})
    row = [a.id, a.headline, a.source or "", a.published or "", a.url or "",
           "; ".join(a.authors), "; ".join(a.tags), "; ".join(speakers), "; ".join(commenters),
           str(len(a.comments)), str(len(a.quotes)), a.body, a.path]
    return [_cell(v) for v in row]


def stream_csv(articles: Iterator[Article]) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for n, a in enumerate(articles, 1):
        writer.writerow(csv_row(a))
        if n % 100 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def stream_jsonl(articles: Iterator[Article]) -> Iterator[str]:
    for a in articles:
        yield json.dumps(a.as_dict(), ensure_ascii=False) + "\n"
