"""Every match of a search, in order, as Articles: for CSV / JSON-lines export and feeds."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from indexer.article import Article
from indexer.documents import to_article
from searchapp.search.params import SearchParams
from searchapp.search.service import OpenIndex, matching_docs

CSV_COLUMNS = ("id", "headline", "source", "published", "url", "authors", "tags", "speakers",
               "commenters", "comments", "quotes", "body", "path")
# Spreadsheet programs run cells starting with these as formulas (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def iter_articles(index: OpenIndex, params: SearchParams, limit: int | None = None
                  ) -> Iterator[Article]:
    """The matching articles in the search's order; no cap unless `limit` is given."""
    searcher = index.searcher
    for n, d in enumerate(matching_docs(index, params)):
        if limit is not None and n >= limit:
            return
        yield to_article(searcher.stored_fields(int(d)))


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
