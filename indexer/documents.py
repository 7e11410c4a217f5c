"""Article -> Whoosh fields, and stored fields -> Article (pure functions).

Multi-valued text (captions, quotes, comments) is stored as one text with its entries
joined by ENTRY_SEPARATOR, plus the character span and attribution of each entry in
`meta`, so a highlight offset tells which quote or comment matched.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from indexer.article import Article, Comment, Quote, content_hash
from indexer.extract.text import clean_line
from indexer.schema import (
    AUTHOR,
    BODY,
    CAPTIONS,
    COMMENTER,
    COMMENTS,
    ENTRY_SEPARATOR,
    HASH,
    HEADLINE,
    ID,
    META,
    NAME_FIELDS,
    NCOMMENTS,
    PATH,
    PUBLISHED,
    QUOTES,
    SOURCE,
    SPEAKER,
    TAG,
    URL,
    YEAR,
    NewsText,
    build_schema,
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


def parse_published(value: str | None) -> dt.datetime | None:
    """The datetime of an ISO date or datetime string (naive UTC), or None."""
    if not value:
        return None
    try:
        d = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            d = dt.datetime.combine(dt.date.fromisoformat(value[:10]), dt.time())
        except ValueError:
            return None
    if d.tzinfo is not None:
        d = d.astimezone(dt.UTC).replace(tzinfo=None)
    return d


def facet_value(s: str | None) -> str:
    """A facet value as shown: one line, no stray punctuation at the ends."""
    return clean_line(s or "").strip(" ,;:-–—") if s else ""


# Titles and roles written before a quoted person's name. The Article keeps the name as
# written ("Major General Yury Popov"); the speaker facet counts the person ("Yury Popov"),
# so "Mayor Lena Ortiz" and "Lena Ortiz" are one value. Longest first.
_TITLES = sorted("""
    Major General|Lieutenant General|Brigadier General|General|Colonel|Lieutenant|Captain|
    Commander|Admiral|Sergeant|Prime Minister|Deputy Prime Minister|First Minister|Minister|
    Secretary of State|Secretary|Chancellor|President|Vice President|Vice-President|Premier|
    Governor|Senator|Sen.|Rep.|Representative|Congressman|Congresswoman|Mayor|Deputy Mayor|
    Councillor|Councilor|Cllr|Cllr.|Alderman|Judge|Justice|Chief Justice|Ambassador|Dr|Dr.|
    Prof|Prof.|Professor|Mr|Mr.|Mrs|Mrs.|Ms|Ms.|Miss|Mx|Sir|Dame|Lord|Lady|Baroness|Baron|
    Rev|Rev.|Reverend|Father|Bishop|Archbishop|Rabbi|Imam|Sheikh|King|Queen|Prince|Princess|
    Chief Executive|Chief Constable|Inspector|Detective|Superintendent|Coach|Manager|Chairman|
    Chairwoman|Chair|Spokesman|Spokeswoman|Spokesperson""".replace("\n", "").split("|"),
                 key=len, reverse=True)
_TITLE_WORDS = "|".join(re.escape(t.strip()) for t in _TITLES if t.strip())
# Titles (each maybe after one capitalised word: "Infrastructure Minister"), then a name.
_TITLE = re.compile(rf"^(?:(?:[A-Z][\w-]*\s+)?(?:{_TITLE_WORDS})\s+)+(?=[A-Z])",
                    re.IGNORECASE)


def person(name: str) -> str:
    """A quoted person's name without the titles before it.

    Only when a full name (two words or more) is left: "Mr Yushchenko", "Queen Mary" and
    "General Motors" stay as they are.
    """
    rest = _TITLE.sub("", name)
    return rest if rest != name and len(rest.split()) >= 2 and rest[:1].isupper() else name


def facet_values(article: Article) -> dict[str, list[str]]:
    """Exact facet values of an article, de-duplicated, in first-seen order."""
    published = parse_published(article.published)

    def uniq(values):
        return [v for v in dict.fromkeys(facet_value(x) for x in values) if v]

    return {
        SOURCE: uniq([article.source]),
        YEAR: [str(published.year)] if published else [],
        SPEAKER: uniq(person(facet_value(q.speaker)) for q in article.quotes if q.speaker),
        COMMENTER: uniq(c.author for c in article.comments),
        AUTHOR: uniq(article.authors),
        TAG: uniq(article.tags),
    }


def to_document(article: Article, preanalyze: bool = False) -> dict[str, Any]:
    """The keyword arguments for `writer.add_document` (every value already validated).

    With `preanalyze`, text fields carry their postings (computed here, in the caller's
    process) and their stored text under `_stored_<field>`.
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
    published = parse_published(article.published)
    doc: dict[str, Any] = {
        ID: article.id,
        PATH: article.path,
        HASH: content_hash(article),
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
    for facet, name_field in NAME_FIELDS.items():
        names = facets[facet]
        if facet == SPEAKER:  # as written, so that speaker:mayor finds "Mayor Lena Ortiz"
            names = [v for v in dict.fromkeys(facet_value(q.speaker) for q in article.quotes) if v]
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
