"""One person's quotes or comments: the name a slug stands for, the search behind their
page, what they said in an article, and the exports and feed of it all.

The HTML page and its JSON twin (personpage.run_person), the CSV and JSONL exports
(person_rows) and the Atom feed (person_feed) are built on these; the views only render.
Who said or wrote what is `searchapp.people`'s answer: the facet value is the person's
canonical name, and quote i of an article is theirs when `people.speakers(article)[i].name`
is that name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

from markupsafe import Markup

from indexer.article import Article
from searchapp import people
from searchapp.backends.base import (
    Budget,
    Highlights,
    Query,
    SearchBackend,
    SearchRequest,
    Span,
)
from searchapp.fields import COMMENTER, COMMENTS, QUOTES, SOURCE, SPEAKER, YEAR
from searchapp.search import highlight
from searchapp.search.params import MAX_FACET_SIZE, SearchParams
from searchapp.search.parser import parse
from searchapp.search.service import to_query

# Values of the speaker (commenter) facet looked through for the name a slug stands for:
# first over the articles whose names hold the slug's words, then, for names whose indexed
# words are not the slug's ("Юрий Попов" is iurii-popov), over every article.
RESOLVE_VALUES = 100
FALLBACK_VALUES = 10_000
SOURCES_SHOWN = 20  # the sources a page lists
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
            parent = parent_of(a, i)
            if parent is not None:
                s.reply_to = who[parent].name if who[parent] else ""
        out.append(s)
    return out


def parent_of(a: Article, i: int) -> int | None:
    """The comment that comment i answers, when it names one that exists before it."""
    p = a.comments[i].parent
    return p if isinstance(p, int) and 0 <= p < i else None


def own_params(args: SearchParams) -> SearchParams:
    """What a person's page reads of the request: the words, the page and its size."""
    return SearchParams(q=args.q, page=args.page, per_page=args.per_page, notices=args.notices)


def person_query(kind: Kind, name: str, params: SearchParams) -> SearchParams:
    """The search behind the page: the words in the person's quotes (comments), newest first."""
    return params.with_(scope=kind.scope, filters={kind.facet: (name,)}, sort="newest",
                        facets=(YEAR, SOURCE),
                        facet_size={YEAR: MAX_FACET_SIZE, SOURCE: SOURCES_SHOWN})


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
