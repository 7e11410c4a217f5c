"""One person's page: every quote of a speaker, or every comment of a commenter, newest first.

The HTML page, its JSON twin, the CSV and JSONL exports and the Atom feed all come from
here (`run_person`, `person_rows`, `person_feed`); the views only render. Who said or wrote
what is `searchapp.people`'s answer: the facet value is the person's canonical name, and
quote i of an article is theirs when `people.speakers(article)[i].name` is that name.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

from markupsafe import Markup

from indexer.article import Article
from searchapp import people
from searchapp.backends.base import (
    Budget,
    FacetValue,
    Highlights,
    Query,
    SearchBackend,
    SearchRequest,
    Span,
)
from searchapp.fields import COMMENTER, COMMENTS, QUOTES, SOURCE, SPEAKER, YEAR
from searchapp.search import highlight
from searchapp.search.params import DEFAULT_PER_PAGE, MAX_FACET_SIZE, SearchParams
from searchapp.search.parser import parse, read_as
from searchapp.search.service import QueryInfo, to_query

# Articles read, newest first, for what the facets cannot count (the people quoted beside
# a speaker, who a commenter replies to, the roles and name forms): a person in 100,000
# articles would otherwise cost a read of every one of them on each page view.
MAX_SCANNED = 5_000
# Values of the speaker (commenter) facet looked through for the name a slug stands for:
# first over the articles whose names hold the slug's words, then, for names whose indexed
# words are not the slug's ("Юрий Попов" is iurii-popov), over every article.
RESOLVE_VALUES = 100
FALLBACK_VALUES = 10_000
SOURCES_SHOWN = 20
BESIDE_SHOWN = 20
MAX_SLUG_CHARS = 300
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # what python-slugify writes


@dataclass(frozen=True)
class Kind:
    """Speakers or commenters: which facet, scope and part of an article a page reads."""

    facet: str
    scope: str
    path: str  # the URL's first segment
    noun: str  # what the person says: "quote" or "comment"
    title: str

    def people(self, a: Article) -> list[people.Person | None]:
        return people.speakers(a) if self.facet == SPEAKER else people.commenters(a)

    def texts(self, a: Article) -> list[str]:
        return [q.text for q in a.quotes] if self.facet == SPEAKER else [
            c.text for c in a.comments]

    def spans(self, h: Highlights) -> list[list[Span]]:
        return h.quotes if self.facet == SPEAKER else h.comments


SPEAKERS = Kind(SPEAKER, QUOTES, "speakers", "quote", "Speaker")
COMMENTERS = Kind(COMMENTER, COMMENTS, "commenters", "comment", "Commenter")
KINDS = {k.path: k for k in (SPEAKERS, COMMENTERS)}


@dataclass(frozen=True)
class Named:
    name: str
    count: int  # articles

    def to_dict(self) -> dict:
        return {"name": self.name, "count": self.count, "slug": people.slug(self.name)}


def resolve(backend: SearchBackend, kind: Kind, slug: str) -> tuple[Named, list[Named]] | None:
    """The name `slug` stands for (the most frequent when several share it) and the
    others that share it; None when no indexed name has that slug."""
    if len(slug) > MAX_SLUG_CHARS or not _SLUG.fullmatch(slug):
        return None
    phrase = parse(f'{kind.facet}:"{" ".join(slug.split("-"))}"').tree
    for tree, size in ((phrase, RESOLVE_VALUES), (None, FALLBACK_VALUES)):
        page = backend.search(SearchRequest(Query(tree=tree), size=0, facets=(kind.facet,),
                                            facet_sizes={kind.facet: size}, snippets=False,
                                            suggest=False))
        same = sorted((Named(v.value, v.count) for v in page.facets[kind.facet].values
                       if v.count and people.slug(v.value) == slug),
                      key=lambda n: (-n.count, n.name))
        if same:
            return same[0], same[1:]
    return None


def page_url(kind: Kind, name: str, suffix: str = "", **args) -> str:
    """/speakers/<slug> (+ suffix: "/export.csv", ...) with the arguments that are set."""
    if args.get("page") == 1:
        del args["page"]
    query = urlencode({k: v for k, v in args.items() if v not in (None, "")})
    return f"/{kind.path}/{people.slug(name)}{suffix}" + (f"?{query}" if query else "")


@dataclass
class Said:
    """One quote or comment of the person, marked where the query matched."""

    index: int  # its position among the article's quotes (comments)
    text: str
    html: Markup
    matched: bool
    form: str  # the name as the article wrote it
    role: str | None = None
    published: str | None = None  # a comment's own date
    reply_to: str | None = None  # who wrote the comment it answers ("" when anonymous)

    def to_dict(self, comment: bool) -> dict:
        out = {"index": self.index, "text": self.text, "html": str(self.html),
               "matched": self.matched, "form": self.form, "role": self.role}
        if comment:
            out.update(published=self.published, reply_to=self.reply_to)
        return out


def said_by(kind: Kind, a: Article, name: str, spans: list[list[Span]] | None = None
            ) -> list[Said]:
    """The quotes (comments) of `a` that `name` said (wrote), in the article's order."""
    who = kind.people(a)
    texts = kind.texts(a)
    marks = highlight.per_entry(spans or [], len(texts))
    out = []
    for i, p in enumerate(who):
        if p is None or p.name != name:
            continue
        s = Said(i, texts[i], highlight.mark(texts[i], marks[i]), bool(marks[i]), p.form,
                 p.role)
        if kind.facet == COMMENTER:
            c = a.comments[i]
            s.published = c.published
            parent = _parent(a, i)
            if parent is not None:
                s.reply_to = who[parent].name if who[parent] else ""
        out.append(s)
    return out


def _parent(a: Article, i: int) -> int | None:
    """The comment that comment i answers, when it names one that exists before it."""
    p = a.comments[i].parent
    return p if isinstance(p, int) and 0 <= p < i else None


@dataclass
class Item:
    """One article of the page with what the person said in it."""

    article: Article
    said: list[Said]

    def to_dict(self, noun: str) -> dict:
        a = self.article
        return {"id": a.id, "headline": a.headline, "url": a.url, "source": a.source,
                "published": a.published,
                f"{noun}s": [s.to_dict(noun == "comment") for s in self.said]}


@dataclass
class Tally:
    """What the page counts by reading the person's articles (at most MAX_SCANNED)."""

    said: int = 0  # quotes (comments) by the person
    beside: Counter = field(default_factory=Counter)  # other speakers: articles in common
    replies_to: Counter = field(default_factory=Counter)  # commenter -> replies to them
    replied_by: Counter = field(default_factory=Counter)  # commenter -> their replies
    roles: Counter = field(default_factory=Counter)
    forms: Counter = field(default_factory=Counter)
    scanned: int = 0
    capped: bool = False

    def add(self, kind: Kind, a: Article, name: str) -> None:
        self.scanned += 1
        who = kind.people(a)
        mine = [i for i, p in enumerate(who) if p is not None and p.name == name]
        self.said += len(mine)
        for i in mine:
            self.forms[who[i].form] += 1
            if who[i].role:
                self.roles[who[i].role] += 1
        if kind.facet == SPEAKER:
            self.beside.update({p.name for p in who if p is not None and p.name != name})
            return
        for i, p in enumerate(who):
            parent = _parent(a, i)
            if parent is None or p is None or who[parent] is None:
                continue  # anonymous on either side: nobody to count
            other = who[parent].name
            if p.name == name and other != name:
                self.replies_to[other] += 1
            elif other == name and p.name != name:
                self.replied_by[p.name] += 1

    def listed(self, what: str, top: int | None = None) -> list[tuple[str, int]]:
        """One of the counters, most frequent first: "beside", "roles", "forms", ..."""
        return ranked(getattr(self, what), top)

    def to_dict(self, kind: Kind) -> dict:
        def listed(c: Counter, key: str = "name", top: int | None = None) -> list[dict]:
            return [{key: k, "count": n} for k, n in ranked(c, top)]

        out = {f"{kind.noun}s": self.said, "roles": listed(self.roles, "role"),
               "forms": listed(self.forms, "form"), "scanned": self.scanned,
               "capped": self.capped}
        if kind.facet == SPEAKER:
            out["quoted_beside"] = listed(self.beside, top=BESIDE_SHOWN)
        else:
            out["replies_to"] = listed(self.replies_to)
            out["replied_by"] = listed(self.replied_by)
        return out


def ranked(c: Counter, top: int | None = None) -> list[tuple[str, int]]:
    """Most frequent first, then by name (a stable order for pages and tests)."""
    return sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:top]


@dataclass
class PersonPage:
    kind: Kind
    person: Named
    others: list[Named]  # other names with the same slug
    params: SearchParams  # the page's own: q, page, per_page
    query: QueryInfo
    total: int  # articles
    results: list[Item]
    years: list[FacetValue]
    sources: list[FacetValue]
    more_sources: bool
    tally: Tally | None
    generation: str
    took_ms: float

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.params.per_page))

    def url(self, suffix: str = "", **args) -> str:
        return page_url(self.kind, self.person.name, suffix, **args)

    def link(self, page: int) -> str:
        """Page `page` of the same list (the pager's links)."""
        p = self.params
        size = p.per_page if p.per_page != DEFAULT_PER_PAGE else None
        return self.url(q=p.q, per_page=size, page=page)

    @property
    def search(self) -> SearchParams:
        """The search behind the page, as the search page and article links take it."""
        return person_query(self.kind, self.person.name, self.params)

    def to_dict(self) -> dict:
        p, k = self.params, self.kind
        out = {
            "kind": k.facet, "name": self.person.name, "slug": people.slug(self.person.name),
            "articles": self.person.count, "others": [o.to_dict() for o in self.others],
            "query": p.q, "read_as": self.query.read_as, "notices": self.query.notices,
            "total": self.total, "page": p.page, "per_page": p.per_page, "pages": self.pages,
            "took_ms": round(self.took_ms, 2), "generation": self.generation,
            "results": [item.to_dict(k.noun) for item in self.results],
            "years": [{"value": v.value, "count": v.count} for v in self.years],
            "sources": [{"value": v.value, "count": v.count} for v in self.sources],
            "links": {"page": self.url(q=p.q), "csv": self.url("/export.csv", q=p.q),
                      "jsonl": self.url("/export.jsonl", q=p.q),
                      "feed": self.url("/feed.atom", q=p.q)},
        }
        if self.tally is not None:
            out.update(self.tally.to_dict(k))
        return out


def own_params(args: SearchParams) -> SearchParams:
    """What a person's page reads of the request: the words, the page and its size."""
    return SearchParams(q=args.q, page=args.page, per_page=args.per_page, notices=args.notices)


def person_query(kind: Kind, name: str, params: SearchParams) -> SearchParams:
    """The search behind the page: the words in the person's quotes (comments), newest first."""
    return params.with_(scope=kind.scope, filters={kind.facet: (name,)}, sort="newest",
                        facets=(YEAR, SOURCE),
                        facet_size={YEAR: MAX_FACET_SIZE, SOURCE: SOURCES_SHOWN})


def run_person(backend: SearchBackend, kind: Kind, slug: str, args: SearchParams,
               budget: Budget | None = None, tally: bool = True) -> PersonPage | None:
    """The page of the person `slug` stands for; None when nobody has that slug."""
    started = time.perf_counter()
    found = resolve(backend, kind, slug)
    if found is None:
        return None
    person, others = found
    params = own_params(args)
    search = person_query(kind, person.name, params)
    query, parsed = to_query(search)
    page = backend.search(SearchRequest(
        query=query, start=(params.page - 1) * params.per_page, size=params.per_page,
        facets=search.facets, facet_sizes=search.facet_size, suggest=False,
        budget=budget or Budget(None)))
    results = [Item(f.article, said_by(kind, f.article, person.name, kind.spans(f.highlights)))
               for f in page.found]
    counted = None
    if tally:
        counted = Tally(capped=page.total > MAX_SCANNED)
        for a in backend.export(query, limit=MAX_SCANNED):
            counted.add(kind, a, person.name)
    read = read_as(parsed.tree, query.dates) if parsed.tree is not None else ""
    info = QueryInfo(params.q, read, list(params.notices) + parsed.notices + page.notices)
    sources = page.facets[SOURCE]
    return PersonPage(kind, person, others, params, info, page.total, results,
                      page.facets[YEAR].values, sources.values, sources.more, counted,
                      page.generation, (time.perf_counter() - started) * 1000)


# -- the exports and the feed: the same search, every match --------------------------------

SPEAKER_COLUMNS = ("speaker", "quote", "article_id", "headline", "url", "source", "published")
COMMENTER_COLUMNS = ("commenter", "comment", "comment_published", "reply_to", "article_id",
                     "headline", "url", "source", "published")


def columns(kind: Kind) -> tuple[str, ...]:
    return SPEAKER_COLUMNS if kind.facet == SPEAKER else COMMENTER_COLUMNS


def cells(kind: Kind, rows: Iterator[dict]) -> Iterator[list[str]]:
    """`person_rows` as CSV rows of `columns(kind)` (None is an empty cell)."""
    for r in rows:
        yield ["" if r[c] is None else r[c] for c in columns(kind)]


def person_rows(backend: SearchBackend, kind: Kind, name: str, args: SearchParams
                ) -> Iterator[dict]:
    """One record per quote (comment) of the person in every matching article, no cap."""
    query = to_query(person_query(kind, name, own_params(args)))[0]
    for a in backend.export(query):
        for s in said_by(kind, a, name):
            row = {kind.facet: name, kind.noun: s.text}
            if kind.facet == COMMENTER:
                row.update(comment_published=s.published, reply_to=s.reply_to)
            yield {**row, "article_id": a.id, "headline": a.headline, "url": a.url,
                   "source": a.source, "published": a.published}


def person_feed(backend: SearchBackend, kind: Kind, name: str, args: SearchParams,
                limit: int, budget: Budget | None = None
                ) -> tuple[list[Article], dict[str, str]]:
    """The newest matching articles, and the person's quotes (comments) in each, by id."""
    query = to_query(person_query(kind, name, own_params(args)))[0]
    articles = list(backend.export(query, limit=limit, budget=budget))
    return articles, {a.id: "\n\n".join(s.text for s in said_by(kind, a, name))
                      for a in articles}
