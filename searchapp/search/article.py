"""One article for its page: full text with the query's matches marked."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from indexer.article import Article
from indexer.documents import to_article
from indexer.schema import BODY, CAPTIONS, COMMENTS, HEADLINE, META, QUOTES
from searchapp.search import highlight
from searchapp.search.engine import SCOPES, Evaluator
from searchapp.search.parser import parse
from searchapp.search.service import OpenIndex


@dataclass
class MarkedEntry:
    html: Markup
    who: str | None
    matched: bool
    published: str | None = None
    depth: int = 0  # a reply's nesting under the comment it answers (comments only)
    reply_to: int | None = None  # 1-based position of that comment on the page


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


def _paragraphs(text: str, spans: list[tuple[int, int]]) -> list[Markup]:
    out, pos = [], 0
    for para in text.split("\n\n"):
        start = text.index(para, pos) if para else pos
        end = start + len(para)
        out.append(highlight.mark(text, spans, start, end))
        pos = end
    return [p for p in out if p]


def _entries(text: str, entry_spans: list, spans: list[tuple[int, int]], who_at: int
             ) -> list[MarkedEntry]:
    out: list[MarkedEntry] = []
    for entry in entry_spans:
        s, e = entry[0], entry[1]
        inside = [(a, b) for a, b in spans if a < e and b > s]
        who = entry[who_at] if len(entry) > who_at else None
        published = entry[3] if len(entry) > 3 else None
        parent = entry[4] if len(entry) > 4 else None
        depth, reply_to = 0, None
        if isinstance(parent, int) and 0 <= parent < len(out):
            depth, reply_to = min(out[parent].depth + 1, MAX_REPLY_DEPTH), parent + 1
        out.append(MarkedEntry(highlight.mark(text, inside, s, e), who, bool(inside), published,
                               depth, reply_to))
    return out


def article_view(index: OpenIndex, article_id: str, q: str = "", scope: str = "all"
                 ) -> ArticleView | None:
    searcher = index.searcher
    docnum = searcher.document_number(id=article_id)
    if docnum is None:
        return None
    stored = searcher.stored_fields(docnum)
    meta = stored.get(META) or {}
    spans: dict[str, list[tuple[int, int]]] = {}
    if q.strip():
        match = Evaluator(index.data, scope if scope in SCOPES else "all").run(parse(q).tree)
        if match.mask[docnum]:
            reader = searcher.reader()
            for fieldname, marks in match.marks.items():
                found = highlight.occurrences(reader, fieldname, marks, [docnum])
                if docnum in found:
                    spans[fieldname] = found[docnum]
    headline = stored.get(HEADLINE) or ""
    view = ArticleView(
        article=to_article(stored), q=q,
        headline=highlight.mark(headline, spans.get(HEADLINE, [])),
        paragraphs=_paragraphs(stored.get(BODY) or "", spans.get(BODY, [])),
        captions=_entries(stored.get(CAPTIONS) or "", meta.get("captions") or [],
                          spans.get(CAPTIONS, []), 9),
        quotes=_entries(stored.get(QUOTES) or "", meta.get("quotes") or [],
                        spans.get(QUOTES, []), 2),
        comments=_entries(stored.get(COMMENTS) or "", meta.get("comments") or [],
                          spans.get(COMMENTS, []), 2),
        matches=sum(len(v) for v in spans.values()),
    )
    return view
