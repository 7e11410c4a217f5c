"""The plain-text dump format: headline, blank line, paragraphs (placeholder, being written)."""

from __future__ import annotations

from indexer.article import Article, make_id
from indexer.extract.text import clean_line, split_paragraphs


def parse(text: str, path: str) -> Article:
    paras = split_paragraphs(text)
    headline = clean_line(paras[0]) if paras else ""
    body = "\n\n".join(paras[1:])
    return Article(id=make_id(headline, None, path, text), path=path, headline=headline, body=body)
