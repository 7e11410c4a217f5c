"""run_search(): the one search function every view (HTML, JSON, export, feed) calls.

Keep the search behind this function so another backend can be added without touching
views or templates (DESIGN 5).
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
import time
from dataclasses import dataclass, field

import numpy as np
from markupsafe import Markup
from whoosh.util.times import datetime_to_long

from indexer.documents import to_article
from indexer.schema import BODY, CAPTIONS, COMMENTS, HEADLINE, META, QUOTES
from searchapp.search import facets as facet_ops
from searchapp.search import highlight
from searchapp.search.data import IndexData
from searchapp.search.engine import SCOPES, Evaluator, Match
from searchapp.search.params import SearchParams
from searchapp.search.parser import And, DateRange, Not, Or, parse, read_as
from searchapp.search.suggest import suggest

SCOPE_NAMES = ("headline", "body", "quotes", "comments")
_DAY = 24 * 3600 * 1_000_000  # microseconds, the unit of datetime_to_long


@dataclass
class OpenIndex:
    """A searcher over one generation, with its arrays (built once per searcher)."""

    searcher: object
    data: IndexData
    generation: str

    @classmethod
    def from_searcher(cls, searcher, generation: str) -> OpenIndex:
        return cls(searcher, IndexData(searcher), generation)


@dataclass
class QueryInfo:
    text: str
    read_as: str
    notices: list[str]
    or_version: str | None = None  # offered when an AND query found nothing


@dataclass
class Hit:
    id: str
    docnum: int
    headline_text: str
    url: str | None
    source: str | None
    published: str | None
    score: float
    ncomments: int
    snippets: highlight.Snippets

    @property
    def headline(self) -> Markup:
        return self.snippets.headline

    def plain_snippets(self) -> list[str]:
        """Snippets as plain text (for the terminal)."""
        def plain(m):
            return " ".join(html.unescape(re.sub(r"</?mark>", "", str(m))).split())

        out = [plain(s) for s in self.snippets.body]
        out += [f"{plain(t)} — {s or 'unattributed'}" for t, s in self.snippets.quotes]
        out += [f"[{a or 'anonymous'}] {plain(t)}" for t, a, _ in self.snippets.comments]
        return out

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "headline": self.headline_text,
            "url": self.url,
            "source": self.source,
            "published": self.published,
            "score": round(self.score, 4),
            "comments": self.ncomments,
            "snippets": self.snippets.to_dict(),
        }


@dataclass
class SearchResponse:
    params: SearchParams
    query: QueryInfo
    total: int
    took_ms: float
    generation: str
    results: list[Hit] = field(default_factory=list)
    facets: dict[str, facet_ops.Facet] = field(default_factory=dict)
    scope_counts: dict[str, int] | None = None
    suggestion: str | None = None
    ranked: bool = True  # False when there were no words to rank by (newest come first)

    @property
    def page(self) -> int:
        return self.params.page

    @property
    def per_page(self) -> int:
        return self.params.per_page

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    def to_dict(self) -> dict:
        return {
            "query": self.query.text,
            "read_as": self.query.read_as,
            "notices": self.query.notices,
            "scope": self.params.scope,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
            "took_ms": round(self.took_ms, 2),
            "generation": self.generation,
            "results": [h.to_dict() for h in self.results],
            "facets": {name: [v.to_dict() for v in f.values] for name, f in self.facets.items()},
            "scope_counts": self.scope_counts,
            "suggestion": self.suggestion,
            "or_query": self.query.or_version,
        }


def _date_mask(data: IndexData, rng: DateRange | None) -> np.ndarray | None:
    if rng is None or (rng.start is None and rng.end is None):
        return None
    pub = data.published
    mask = pub >= 0
    if rng.start:
        mask &= pub >= datetime_to_long(dt.datetime.fromisoformat(rng.start))
    if rng.end:
        # The end day is inclusive; adding the day in microseconds, not as a timedelta,
        # keeps 9999-12-31 from overflowing datetime.
        mask &= pub < datetime_to_long(dt.datetime.fromisoformat(rng.end)) + _DAY
    return mask


def _order(match: Match, data: IndexData, final: np.ndarray, sort: str, want: int
           ) -> np.ndarray:
    """The first `want` matching document numbers in the requested order."""
    docs = np.flatnonzero(final)
    if not len(docs):
        return docs
    if sort == "relevance" and match.searched:
        key = -match.scores[docs]
    elif sort == "oldest":
        pub = data.published[docs]
        key = np.where(pub < 0, np.iinfo(np.int64).max, pub)
    elif sort == "comments":
        key = -data.ncomments[docs].astype(np.int64)
    else:  # newest, and relevance with no query words
        key = -data.published[docs]
    if want < len(docs):
        # Keep every document tied with the want-th key: argpartition would pick among
        # them arbitrarily, differently for each page size, so pages would repeat or skip
        # documents. The document number breaks the ties below.
        kth = np.partition(key, want - 1)[want - 1]
        keep = key <= kth
        docs, key = docs[keep], key[keep]
    return docs[np.lexsort((docs, key))][:want]


@dataclass
class _Filtered:
    """A query evaluated and filtered: what every search route starts from."""

    match: Match
    parsed: object
    dates: DateRange | None
    base: np.ndarray  # query and date range
    facet_masks: dict[str, np.ndarray]
    date_mask: np.ndarray | None
    final: np.ndarray  # base and every facet filter
    notices: list[str]


def _filter(index: OpenIndex, params: SearchParams) -> _Filtered:
    data = index.data
    parsed = parse(params.q)
    match = Evaluator(data, params.scope).run(parsed.tree)
    rng = parsed.dates
    if params.date_from or params.date_to:
        rng = DateRange(max(filter(None, [params.date_from, rng and rng.start]), default=None),
                        min(filter(None, [params.date_to, rng and rng.end]), default=None))
    base = match.mask
    dmask = _date_mask(data, rng)
    if dmask is not None:
        base = base & dmask
    fmasks = {name: facet_ops.filter_mask(data, name, values)
              for name, values in params.filters.items()}
    final = base.copy()
    for m in fmasks.values():
        final &= m
    notices = list(params.notices) + parsed.notices + match.notices
    return _Filtered(match, parsed, rng, base, fmasks, dmask, final, notices)


def matching_docs(index: OpenIndex, params: SearchParams) -> np.ndarray:
    """Every matching document number, in the search's order (for exports and feeds)."""
    f = _filter(index, params)
    return _order(f.match, index.data, f.final, params.sort, int(np.count_nonzero(f.final)))


def run_search(index: OpenIndex, params: SearchParams, scope_counts: bool = False
               ) -> SearchResponse:
    """Search, filter, count facets, order, page and highlight; the whole result page."""
    started = time.perf_counter()
    data = index.data
    f = _filter(index, params)
    total = int(np.count_nonzero(f.final))

    facets = {}
    for name in params.facets:
        others = f.base.copy()
        for other, m in f.facet_masks.items():
            if other != name:
                others &= m
        facets[name] = facet_ops.count(data, name, others, params.facet_size.get(name, 10),
                                       params.filters.get(name, ()))

    start = (params.page - 1) * params.per_page
    docs = _order(f.match, data, f.final, params.sort, start + params.per_page)[start:]
    hits = _hits(index, f.match, docs, params)

    tree = f.parsed.tree
    or_version = _or_version(tree) if total == 0 else None
    counts = None
    if scope_counts and f.match.searched:
        filtered = np.ones(data.n, dtype=bool) if f.date_mask is None else f.date_mask.copy()
        for m in f.facet_masks.values():
            filtered &= m
        counts = {scope: total if scope == params.scope else
                  int(np.count_nonzero(Evaluator(data, scope).run(tree).mask & filtered))
                  for scope in ("all", *SCOPE_NAMES)}
    read = read_as(tree, f.dates) if tree is not None or f.dates else ""
    query = QueryInfo(params.q, read, f.notices, or_version)
    suggestion = suggest(data, tree, params.q) if total == 0 else None
    took = (time.perf_counter() - started) * 1000
    return SearchResponse(params, query, total, took, index.generation, hits, facets,
                          counts, suggestion, ranked=f.match.searched)


def _or_version(tree) -> str | None:
    """"a b -c" read as "(a OR b) -c": the words loosened, the exclusions kept."""
    if not isinstance(tree, And):
        return None
    words = [x for x in tree.items if not isinstance(x, Not)]
    if len(words) < 2:
        return None
    excluded = [x for x in tree.items if isinstance(x, Not)]
    return read_as(And((Or(tuple(words)), *excluded)) if excluded else Or(tuple(words)))


def _hits(index: OpenIndex, match: Match, docs: np.ndarray, params: SearchParams
          ) -> list[Hit]:
    searcher = index.searcher
    reader = searcher.reader()
    docnums = [int(d) for d in docs]
    spans: dict[str, dict[int, list]] = {}
    # snippets=none skips the per-field snippets, not the marks in the headline (_snippets).
    wanted = (HEADLINE, BODY, CAPTIONS, QUOTES, COMMENTS) if params.snippets else (HEADLINE,)
    for fieldname, marks in match.marks.items():
        if fieldname in wanted:
            spans[fieldname] = highlight.occurrences(reader, fieldname, marks, docnums)
    hits = []
    for d in docnums:
        stored = searcher.stored_fields(d)
        meta = stored.get(META) or {}
        snippets = _snippets(stored, meta, {f: s.get(d, []) for f, s in spans.items()},
                             params.snippets)
        hits.append(Hit(
            id=stored["id"], docnum=d, headline_text=stored.get(HEADLINE) or "",
            url=stored.get("url"), source=meta.get("source"), published=meta.get("published"),
            score=float(match.scores[d]), ncomments=int(index.data.ncomments[d]),
            snippets=snippets))
    return hits


def _snippets(stored: dict, meta: dict, spans: dict[str, list], full: bool
              ) -> highlight.Snippets:
    headline = stored.get(HEADLINE) or ""
    s = highlight.Snippets(headline=highlight.mark(headline, spans.get(HEADLINE, [])))
    if not full:
        return s
    body = stored.get(BODY) or ""
    if spans.get(BODY):
        s.body = highlight.fragments(body, spans[BODY])
        s.body_matched = True
    elif body:
        s.body = [highlight.lead(body)]
    if spans.get(CAPTIONS):
        text = stored.get(CAPTIONS) or ""
        s.captions = [m for _, m in highlight.entries(text, meta.get("captions") or [],
                                                      spans[CAPTIONS])]
    if spans.get(QUOTES):
        text = stored.get(QUOTES) or ""
        quotes = meta.get("quotes") or []
        s.quotes = [(m, quotes[n][2]) for n, m in highlight.entries(text, quotes, spans[QUOTES])]
    if spans.get(COMMENTS):
        text = stored.get(COMMENTS) or ""
        comments = meta.get("comments") or []
        s.comments = [(m, comments[n][2], n)
                      for n, m in highlight.entries(text, comments, spans[COMMENTS])]
    return s


def get_article(index: OpenIndex, article_id: str):
    """The Article stored under `article_id`, or None."""
    docnum = index.searcher.document_number(id=article_id)
    if docnum is None:
        return None
    return to_article(index.searcher.stored_fields(docnum))


__all__ = ["OpenIndex", "SearchResponse", "Hit", "QueryInfo", "run_search", "get_article",
           "SCOPES"]
