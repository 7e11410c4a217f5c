"""One article for its page: full text with the query's matches marked, and its neighbours."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from markupsafe import Markup

from indexer.article import Article
from searchapp import people
from searchapp.backends.base import ArticlePage, Span
from searchapp.search import highlight


@dataclass
class MarkedEntry:
    html: Markup
    who: str | None
    matched: bool
    published: str | None = None
    depth: int = 0  # a reply's nesting under the comment it answers (comments only)
    reply_to: int | None = None  # 1-based position of that comment on the page
    name: str | None = None  # the person's canonical name (searchapp.people): their page


MAX_REPLY_DEPTH = 4  # deeper replies are indented no further


@dataclass
class ArticleView:
    article: Article
    q: str
    headline: Markup
    paragraphs: list[Markup]
    captions: list[MarkedEntry] = field(default_factory=list)
    quotes: list[MarkedEntry] = field(default_factory=list)
    comments: list[MarkedEntry] = field(default_factory=list)
    matches: int = 0  # marked places in the whole article
    position: int | None = None  # its rank among the search's matches
    total: int = 0  # the search's matches
    previous: str | None = None  # the match before it, by id
    next: str | None = None  # the match after it
    notices: tuple[str, ...] = ()  # what the search gave up, out of time
    cluster: str = ""  # its story's cluster of copies
    copies: tuple = ()  # the other articles of that cluster (backends.base.Copy)


def _paragraphs(text: str, spans: list[Span]) -> list[Markup]:
    out, pos = [], 0
    for para in text.split("\n\n"):
        start = text.index(para, pos) if para else pos
        end = start + len(para)
        out.append(highlight.mark(text, spans, start, end))
        pos = end
    return [p for p in out if p]


def _marked(text: str, spans: list[Span], who: str | None, published: str | None = None
            ) -> MarkedEntry:
    return MarkedEntry(highlight.mark(text, spans), who, bool(spans), published)


def _comments(article: Article, spans: list[list[Span]]) -> list[MarkedEntry]:
    out: list[MarkedEntry] = []
    for c, inside, p in zip(article.comments, highlight.per_entry(spans, len(article.comments)),
                            people.commenters(article), strict=True):
        entry = _marked(c.text, inside, c.author, c.published)
        entry.name = p.name if p else None
        if isinstance(c.parent, int) and 0 <= c.parent < len(out):
            entry.depth = min(out[c.parent].depth + 1, MAX_REPLY_DEPTH)
            entry.reply_to = c.parent + 1
        out.append(entry)
    return out


def article_view(page: ArticlePage, q: str = "") -> ArticleView:
    """The page of one article from what the backend found for it."""
    a, h = page.article, page.highlights
    return ArticleView(
        article=a, q=q,
        headline=highlight.mark(a.headline, h.headline),
        paragraphs=_paragraphs(a.body, h.body),
        captions=[_marked(t, s, None) for t, s in
                  zip(a.captions, highlight.per_entry(h.captions, len(a.captions)), strict=True)],
        quotes=[replace(_marked(qt.text, s, qt.speaker), name=p.name if p else None)
                for qt, s, p in zip(a.quotes, highlight.per_entry(h.quotes, len(a.quotes)),
                                    people.speakers(a), strict=True)],
        comments=_comments(a, h.comments),
        matches=h.count,
        position=page.position, total=page.total, previous=page.previous, next=page.next,
        notices=page.notices, cluster=page.cluster or a.id, copies=page.copies,
    )
