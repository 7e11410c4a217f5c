"""Article -> Whoosh fields, and stored fields -> Article (pure functions).

Multi-valued text (captions, quotes, comments) is stored as one text with its entries
joined by ENTRY_SEPARATOR, plus the character span and attribution of each entry in
`meta`, so a highlight offset tells which quote or comment matched. Everything stored is
plain data (strings, numbers, lists, a datetime): nothing is unpickled by our class names.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from indexer.article import Article, Comment, Quote
from searchapp.backends.whoosh.schema import (
    ENTRY_SEPARATOR,
    HASH,
    ID,
    META,
    NAME_FIELDS,
    NCOMMENTS,
    PATH,
    PUBLISHED,
    URL,
    NewsText,
    Preanalyzed,
    build_schema,
)
from searchapp.fields import (
    BODY,
    CAPTIONS,
    COMMENTS,
    HEADLINE,
    QUOTES,
    facet_values,
    name_values,
    published_datetime,
)

_SCHEMA = build_schema()


def spans(entries: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each entry in ENTRY_SEPARATOR.join(entries)."""
    out = []
    offset = 0
    for e in entries:
        out.append((offset, offset + len(e)))
        offset += len(e) + len(ENTRY_SEPARATOR)
    return out


def to_document(article: Article, preanalyze: bool = False, digest: str = "") -> dict[str, Any]:
    """The keyword arguments for `writer.add_document` (every value already validated).

    With `preanalyze`, text fields carry their postings (computed here, in the caller's
    process) and their stored text under `_stored_<field>`. The content hash (`digest`) is
    filed by the writer, which gets it with the extracted article, unless given here.
    """
    captions = list(article.captions)
    quotes = [q.text for q in article.quotes]
    comments = [c.text for c in article.comments]
    texts = {
        HEADLINE: [article.headline],
        BODY: [article.body],
        CAPTIONS: captions,
        QUOTES: quotes,
        COMMENTS: comments,
    }
    facets = facet_values(article)
    published = published_datetime(article.published)
    doc: dict[str, Any] = {
        ID: article.id,
        PATH: article.path,
        NCOMMENTS: len(article.comments),
        META: {
            "source": article.source,
            "authors": list(article.authors),
            "tags": list(article.tags),
            "lang": article.lang,
            "published": article.published,
            "captions": spans(captions),
            "quotes": [(*span, q.speaker)
                       for span, q in zip(spans(quotes), article.quotes, strict=True)],
            "comments": [(*span, c.author, c.published, c.parent)
                         for span, c in zip(spans(comments), article.comments, strict=True)],
            "warnings": list(article.warnings),
        },
    }
    if digest:
        doc[HASH] = digest
    if article.url:
        doc[URL] = article.url
    if published:
        doc[PUBLISHED] = published
    for name, entries in texts.items():
        joined = ENTRY_SEPARATOR.join(entries)
        if not joined:
            continue
        if preanalyze:
            field: NewsText = _SCHEMA[name]
            doc[name] = field.preanalyze(entries)
            doc[f"_stored_{name}"] = joined
        else:
            doc[name] = joined
    for facet, values in facets.items():
        if values:
            doc[facet] = values
    names_of = name_values(article, facets)
    for name, name_field in NAME_FIELDS.items():
        names = names_of[name]
        if names:
            doc[name_field] = (_SCHEMA[name_field].preanalyze(names) if preanalyze
                               else ENTRY_SEPARATOR.join(names))
    return doc


def _entries(text: str, entry_spans) -> list[str]:
    return [text[s:e] for s, e, *_ in entry_spans]


def to_article(stored: dict[str, Any]) -> Article:
    """The Article of a stored document (what `/api/articles/<id>` returns)."""
    meta = stored.get(META) or {}
    quotes_text = stored.get(QUOTES) or ""
    comments_text = stored.get(COMMENTS) or ""
    return Article(
        id=stored[ID],
        path=stored.get(PATH) or "",
        url=stored.get(URL),
        source=meta.get("source"),
        headline=stored.get(HEADLINE) or "",
        authors=tuple(meta.get("authors") or ()),
        published=meta.get("published"),
        lang=meta.get("lang"),
        tags=tuple(meta.get("tags") or ()),
        captions=tuple(_entries(stored.get(CAPTIONS) or "", meta.get("captions") or ())),
        body=stored.get(BODY) or "",
        quotes=tuple(Quote(quotes_text[s:e], speaker)
                     for s, e, speaker in meta.get("quotes") or ()),
        comments=tuple(Comment(comments_text[s:e], author, published, *parent)
                       for s, e, author, published, *parent in meta.get("comments") or ()),
        warnings=tuple(meta.get("warnings") or ()),
    )


class Prepared(NamedTuple):
    """What a worker hands the writer: the fields, and about how much memory they hold."""

    fields: dict[str, Any]
    memory: int


def prepare(article: Article, digest: str) -> Prepared:
    """`SearchBackend.prepare`: the article's fields with their postings, computed in an
    extraction worker so that the one writer only files them."""
    fields = to_document(article, preanalyze=True, digest=digest)
    return Prepared(fields, memory_of(fields))


def memory_of(fields: dict[str, Any]) -> int:
    """Rough bytes a prepared document holds in memory, for cutting the build's chunks."""
    postings = sum(v.count for v in fields.values() if isinstance(v, Preanalyzed))
    text = sum(len(v) for k, v in fields.items() if k.startswith("_stored_"))
    return postings * 110 + text * 2 + 2000
