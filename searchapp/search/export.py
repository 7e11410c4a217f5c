"""Rows as CSV and JSON lines, streamed: the articles of a search (service.iter_articles),
and the quotes or comments of one person (search/person.py)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence

from indexer.article import Article

CSV_COLUMNS = ("id", "headline", "source", "published", "url", "authors", "tags", "speakers",
               "commenters", "comments", "quotes", "body", "path", "cluster")
# Spreadsheet programs run cells starting with these as formulas (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 100  # rows per piece of the stream


def cell(value: str) -> str:
    """`value` as a CSV cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_row(a: Article) -> list[str]:
    speakers = sorted({q.speaker for q in a.quotes if q.speaker})
    commenters = sorted({c.author for c in a.comments if c.author})
    return [a.id, a.headline, a.source or "", a.published or "", a.url or "",
            "; ".join(a.authors), "; ".join(a.tags), "; ".join(speakers), "; ".join(commenters),
            str(len(a.comments)), str(len(a.quotes)), a.body, a.path]


def csv_lines(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """A header and rows as CSV text in pieces, every cell made safe (`cell`)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(columns)
    for n, row in enumerate(rows, 1):
        writer.writerow([cell(v) for v in row])
        if n % CHUNK_ROWS == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def json_lines(records: Iterable[dict]) -> Iterator[str]:
    for r in records:
        yield json.dumps(r, ensure_ascii=False) + "\n"


def stream_csv(rows: Iterator[tuple[Article, str]]) -> Iterator[str]:
    """The articles with their cluster ids (service.iter_clustered) as CSV."""
    return csv_lines(CSV_COLUMNS, ([*csv_row(a), cluster] for a, cluster in rows))


def stream_jsonl(rows: Iterator[tuple[Article, str]]) -> Iterator[str]:
    """The articles as Article JSON with one more key, `cluster` (readers of Article JSON
    ignore keys they do not know: DESIGN 3.2)."""
    return json_lines({**a.as_dict(), "cluster": cluster} for a, cluster in rows)
