"""A person's page: their quotes (comments) in the matching articles, newest first, with
what the facets and a read of their articles count about them (run_person)."""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass, field

from indexer.article import Article
from searchapp import people
from searchapp.backends.base import Budget, FacetValue, Query, SearchBackend, SearchRequest
from searchapp.fields import SOURCE, SPEAKER, YEAR
from searchapp.search.params import DEFAULT_PER_PAGE, SearchParams
from searchapp.search.parser import read_as
from searchapp.search.person import (
    Kind,
    Named,
    Said,
    own_params,
    page_url,
    parent_of,
    person_query,
    resolve,
    said_by,
)
from searchapp.search.service import QueryInfo, to_query

# Articles read, newest first, for what the facets cannot count (the people quoted beside
# a speaker, who a commenter replies to, the roles and name forms): a person in 100,000
# articles would otherwise cost a read of every one of them on each page view.
MAX_SCANNED = 5_000
BESIDE_SHOWN = 20  # the people beside a speaker the JSON lists


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
            parent = parent_of(a, i)
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
    # The slug's count is over the articles whose names hold its words; theirs is this.
    everything = page.total if query.tree is None and query.dates is None else backend.search(
        SearchRequest(Query(filters=query.filters), size=0, suggest=False)).total
    person = Named(person.name, everything)
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


