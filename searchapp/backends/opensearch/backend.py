"""The OpenSearch backend: for collections that outgrow one machine, or a cluster you have.

Searches read the alias `OPENSEARCH_INDEX`; a result page is one `_search` (one `_msearch`
with the per-scope counts): the hits of the slice, the exact total, every facet as an
aggregation over the matches filtered by the *other* facets (the facet filters are a
post_filter), the year facet by year, newest first. Hits come back as the Article kept in
`_source`; where the query matched is worked out from the hit's own text by
`searchapp.search.matcher` (the engine holds analysed terms, not the text's offsets), and
the page escapes and marks it as for every backend (search/highlight.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np
import opensearchpy

from indexer.article import Article
from searchapp.backends.base import (
    NO_OPTIONS,
    ArticlePage,
    Budget,
    Found,
    Health,
    Highlights,
    IndexUnavailable,
    Query,
    SearchBackend,
    SearchPage,
    SearchRequest,
    check_format_version,
)
from searchapp.backends.opensearch import added, building, copies, mapping, timeline
from searchapp.backends.opensearch.connection import (
    Connection,
    Settings,
    alias_targets,
    describe,
)
from searchapp.backends.opensearch.facets import facet_agg, facet_of
from searchapp.backends.opensearch.reading import scan, search_type
from searchapp.backends.opensearch.suggest import respell
from searchapp.backends.opensearch.translate import (
    Translator,
    facet_filters,
    search_query,
    sort_of,
)
from searchapp.fields import COMBINED_PARTS, HEADLINE, PARTS, SCOPES
from searchapp.search import matcher

DEFAULT_FACET_SIZE = 10
MAX_WINDOW = 10_000  # from + size beyond this walks the matches with search_after
# The engine's own time limit is what is left of the search's budget, but never less than
# this: a budget spent before the search gives up the extras, not the matches.
MIN_ENGINE_TIMEOUT_MS = 1000
_ARTICLE = [mapping.ARTICLE]
_WITH_CLUSTER = [mapping.ARTICLE, mapping.CLUSTER]


def _reversed(key: dict) -> dict:
    """One key of sort_of's order, the other way round (missing values first, then)."""
    (field, how), = key.items()
    if isinstance(how, str):
        return {field: "asc" if how == "desc" else "desc"}
    turned = {**how, "order": "asc" if how["order"] == "desc" else "desc"}
    if "missing" in how:
        turned["missing"] = "_first" if how["missing"] == "_last" else "_last"
    return {field: turned}


def _sorting_before(final: dict, sort: list, values: list) -> list[dict]:
    """Searches whose hit counts add up to the matches sorted before the one whose sort
    values are `values` (sort_of's order: one key, then `seq`)."""
    (field, how), = sort[0].items()
    order = how if isinstance(how, str) else how["order"]
    mine, seq = values[0], values[1]
    earlier_seq = {"range": {mapping.SEQ: {"lt": seq}}}
    if field == "_score":
        # OpenSearch keeps scores as 32-bit floats; min_score keeps hits scoring at least it.
        score = np.float32(mine)
        above = float(np.nextafter(score, np.float32(np.inf)))
        return [{"min_score": above, "query": final},
                {"min_score": float(score),
                 "query": {"bool": {"must": [final], "filter": [earlier_seq]}}},
                {"min_score": above,
                 "query": {"bool": {"must": [final], "filter": [earlier_seq]}}}]
    missing = {"bool": {"must_not": [{"exists": {"field": field}}]}}
    if not isinstance(mine, int | float) or mine in (_LONG_MIN, _LONG_MAX):
        # Its key is missing, and so sorts after every present one.
        ahead: dict = {"exists": {"field": field}}
        tied: dict = missing
    else:
        ahead = {"range": {field: {"gt" if order == "desc" else "lt": mine}}}
        tied = {"range": {field: {"gte": mine, "lte": mine}}}
    return [{"query": {"bool": {"must": [final], "filter": [
        {"bool": {"should": [ahead, {"bool": {"filter": [tied, earlier_seq]}}],
                  "minimum_should_match": 1}}]}}}]


# The sort value OpenSearch gives a long or date that is missing (sorted last).
_LONG_MIN, _LONG_MAX = -(2 ** 63), 2 ** 63 - 1


class OpenSearchBackend(SearchBackend):
    name = "opensearch"
    prepare = staticmethod(mapping.prepare)

    def __init__(self, settings: Settings):
        self.settings = settings
        self.alias = settings.index
        self.conn = Connection(settings)
        self._readable: set[str] = set()  # indexes whose format was checked

    @property
    def location(self) -> str:
        return f"'{self.alias}' in OpenSearch at {self.settings.where}"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> OpenSearchBackend:
        return cls(Settings.from_config(config))

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except opensearchpy.exceptions.OpenSearchException as e:
            raise describe(e, self.settings.where, self.alias) from None

    @property
    def client(self):
        return self.conn.client()

    def _check(self, index: str) -> str:
        """`index`, once its format is known to be the one this code reads."""
        if index not in self._readable:
            got = self._call(self.client.indices.get_mapping, index=index)
            meta = (got.get(index, {}).get("mappings") or {}).get("_meta") or {}
            check_format_version(meta.get("format_version"), mapping.FORMAT_VERSION)
            self._readable.add(index)
        return index

    def _live_index(self) -> str:
        names = self._call(alias_targets, self.client, self.alias)
        if not names:
            raise IndexUnavailable(f"there is no index '{self.alias}' in OpenSearch at "
                                   f"{self.settings.where} yet; build one with "
                                   "`scrapesearch reindex SOURCE...`")
        return self._check(names[-1])

    # -- a result page -------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchPage:
        q = request.query
        budget = request.budget
        tr = Translator(q.scope).run(q.tree, q.loose)
        body: dict[str, Any] = {
            "query": search_query(q, tr.query, with_facets=False),
            "sort": sort_of(q, tr.searched),
            "track_total_hits": True,
            "_source": _WITH_CLUSTER,
            "size": request.size,
        }
        if q.filters or q.exclude:
            body["post_filter"] = {"bool": {"filter": facet_filters(q)}}
        aggs = {f"facet_{name}": facet_agg(q, name, request.facet_sizes.get(
            name, DEFAULT_FACET_SIZE), request.facet_options.get(name, NO_OPTIONS))
            for name in request.facets}
        if request.timeline:
            aggs.update(timeline.aggs(q, tr.query, request.timeline))
        if request.collapse:
            body["collapse"] = copies.collapse(body["sort"])
            aggs[copies.STORIES] = copies.stories_agg(q)
        if aggs:
            body["aggs"] = aggs
        deep = request.start + request.size > MAX_WINDOW
        if deep and request.collapse:  # no search_after with collapse
            copies.deep_page(body, copies.clusters_at(self, search_query(q, tr.query),
                                                      body["sort"], request.start,
                                                      request.size))
        elif deep:
            after = self._sort_values_at(q, tr, request.start)
            if after is None:
                body["size"] = 0
            else:
                body["search_after"] = after
        else:
            body["from"] = request.start
        left = budget.left()
        if left is not None:  # the engine stops collecting at the budget too (timed_out)
            body["timeout"] = f"{max(int(left * 1000), MIN_ENGINE_TIMEOUT_MS)}ms"
        searches = [body]
        other_scopes = []
        want_counts = request.scope_counts and tr.searched
        counts_left_out = want_counts and budget.over()
        if want_counts and not counts_left_out:
            for scope in SCOPES:
                if scope != q.scope:
                    other_scopes.append(scope)
                    words = Translator(scope).run(q.tree, q.loose).query
                    searches.append({"size": 0, "track_total_hits": True,
                                     "query": search_query(q, words)})
        responses = self._msearch(searches, search_type(self.settings, body["sort"]))
        main = responses[0]
        if main.get("timed_out"):
            budget.leave_out("some of the matches (the engine stopped early; the total and "
                             "the counts may be short)")
        total = main["hits"]["total"]["value"]
        if deep and request.collapse:
            total = copies.matches_of(main)
        hits = main["hits"]["hits"]
        marks = matcher.wanted(q.tree, q.scope)
        parts = PARTS if request.snippets else (HEADLINE,)
        found = []
        unmarked = 0
        for hit in hits:  # marked here, in Python: the costly part, so one hit at a time
            article = Article.from_dict(hit["_source"][mapping.ARTICLE])
            spans = Highlights()
            if marks and budget.over():
                unmarked += 1
            elif marks:
                spans = matcher.highlights(article, marks, parts)
            shown, others = copies.copies_of_hit(hit)
            found.append(Found(article, float(hit.get("_score") or 0.0), spans,
                               copies.cluster_of(hit), shown, others))
        if unmarked:
            budget.leave_out(f"the marked snippets of {unmarked} results")
        facets = {name: facet_of(name, main.get("aggregations", {}).get(f"facet_{name}"),
                               request.facet_sizes.get(name, DEFAULT_FACET_SIZE),
                               q.filters.get(name, ()), q.exclude.get(name, ()),
                               request.facet_options.get(name, NO_OPTIONS))
                  for name in request.facets}
        counts = None
        if counts_left_out:
            budget.leave_out("the counts per scope")
        elif want_counts:
            counts = {q.scope: total}
            for scope, resp in zip(other_scopes, responses[1:], strict=True):
                counts[scope] = resp["hits"]["total"]["value"]
            counts = {scope: counts[scope] for scope in SCOPES}
        generation = self._check(hits[0]["_index"]) if hits else self._live_index()
        respellings = {}
        if total == 0 and request.suggest and budget.over():
            budget.leave_out("the spelling suggestions")
        elif total == 0 and request.suggest:
            respellings = respell(self.client, self.settings, q.tree)
        times = self._timeline(q, tr, request.timeline, main) if request.timeline else None
        notices = list(tr.notices)
        stories = copies.stories_of(main) if request.collapse else None
        if budget.notice():
            notices.append(budget.notice())
        return SearchPage(total, found, facets, generation, counts, respellings,
                          notices, ranked=tr.searched, timeline=times, stories=stories)

    def _timeline(self, q: Query, tr, interval: str, main: dict):
        """The page's timeline (opensearch/timeline.py): its buckets from the page's own
        search, or, for "auto", from one more search once the interval is known."""
        found = main.get("aggregations", {})
        if interval != "auto":
            return timeline.timeline_of(found, found["timeline"]["buckets"]["buckets"],
                                        interval)
        interval = timeline.chosen(found)
        if interval is None:
            return timeline.timeline_of(found, None, "day")
        resp = self._call(self.client.search, index=self.alias, body={
            "size": 0, "track_total_hits": False, "query": search_query(q, tr.query),
            "aggs": {"buckets": timeline.histogram(interval)}})
        return timeline.timeline_of(found, resp["aggregations"]["buckets"]["buckets"],
                                    interval)

    def _msearch(self, searches: list[dict], first: dict[str, str] | None = None
                 ) -> list[dict]:
        """The searches in one request; `first`: the search type of the first one."""
        first = first or {}
        if len(searches) == 1:
            return [self._call(self.client.search, index=self.alias, body=searches[0],
                               **first)]
        lines: list[dict] = []
        for i, s in enumerate(searches):
            lines += [{"index": self.alias, **(first if i == 0 else {})}, s]
        resp = self._call(self.client.msearch, body=lines)
        out = []
        for r in resp["responses"]:
            if "error" in r:
                status = r.get("status", 500)
                raise describe(opensearchpy.TransportError(status, r["error"], r),
                               self.settings.where, self.alias)
            out.append(r)
        return out

    def _sort_values_at(self, q: Query, tr, start: int) -> list | None:
        """The sort values of the `start`-th match (for a page past MAX_WINDOW)."""
        last = None
        for hit in scan(self.client, self.settings, self.alias, search_query(q, tr.query),
                        sort_of(q, tr.searched), False, limit=start):
            last = hit
        return None if last is None else last["sort"]

    # -- every match -----------------------------------------------------------------------

    def export(self, query: Query, limit: int | None = None, budget: Budget | None = None
               ) -> Iterator[Article]:
        # The engine does the matching: the budget costs this process nothing to ignore.
        self._live_index()
        tr = Translator(query.scope).run(query.tree, query.loose)
        hits = scan(self.client, self.settings, self.alias, search_query(query, tr.query),
                    sort_of(query, tr.searched), _ARTICLE, limit=limit)
        return (Article.from_dict(h["_source"][mapping.ARTICLE]) for h in hits)

    def export_clustered(self, query: Query, limit: int | None = None,
                         budget: Budget | None = None) -> Iterator[tuple[Article, str]]:
        self._live_index()
        tr = Translator(query.scope).run(query.tree, query.loose)
        hits = scan(self.client, self.settings, self.alias, search_query(query, tr.query),
                    sort_of(query, tr.searched), _WITH_CLUSTER, limit=limit)
        return ((Article.from_dict(h["_source"][mapping.ARTICLE]), copies.cluster_of(h))
                for h in hits)

    # -- one article -----------------------------------------------------------------------

    def _get_doc(self, article_id: str) -> dict | None:
        got = self._call(self.client.get, index=self.alias, id=article_id,
                         _source_includes=_WITH_CLUSTER, ignore=[404])
        if not got.get("found"):
            if got.get("status") == 404 and "index_not_found" in str(got.get("error")):
                self._live_index()  # raises IndexUnavailable with its sentence
            return None
        self._check(got["_index"])
        return got

    def get(self, article_id: str) -> Article | None:
        got = self._get_doc(article_id)
        return None if got is None else Article.from_dict(got["_source"][mapping.ARTICLE])

    def article(self, article_id: str, query: Query | None = None,
                budget: Budget | None = None) -> ArticlePage | None:
        # The engine does the matching: the budget costs this process nothing to ignore.
        got = self._get_doc(article_id)
        if got is None:
            return None
        article = Article.from_dict(got["_source"][mapping.ARTICLE])
        cluster = copies.cluster_of(got)
        others = copies.article_copies(self, article_id, cluster)
        page = self._article_page(article_id, article, query)
        return dataclasses.replace(page, cluster=cluster, copies=others)

    def _article_page(self, article_id: str, article: Article, query: Query | None
                      ) -> ArticlePage:
        """The article page without its copies: the query's marks and its neighbours."""
        if query is None:
            return ArticlePage(article, Highlights())
        tr = Translator(query.scope).run(query.tree, query.loose)
        only = {"ids": {"values": [article_id]}}
        final = search_query(query, tr.query)
        sort = sort_of(query, tr.searched)
        words, mine, total = self._msearch([
            {"size": 0, "track_total_hits": True,
             "query": {"bool": {"must": [tr.query], "filter": [only]}}},
            {"size": 1, "track_total_hits": True, "_source": False, "sort": sort,
             "query": {"bool": {"must": [final], "filter": [only]}}},
            {"size": 0, "track_total_hits": True, "query": final},
        ])
        marks = Highlights()
        if tr.searched and words["hits"]["total"]["value"]:
            marks = matcher.highlights(article, matcher.wanted(query.tree, query.scope))
        count = total["hits"]["total"]["value"]
        if not mine["hits"]["hits"]:
            return ArticlePage(article, marks, total=count)
        position, previous, following = self._place(final, sort, mine["hits"]["hits"][0])
        return ArticlePage(article, marks, matched=True, position=position, total=count,
                           previous=previous, next=following)

    def _place(self, final: dict, sort: list, hit: dict) -> tuple[int, str | None, str | None]:
        """A match's rank (1-based) and the ids of the matches before and after it, in one
        `_msearch`: the neighbours by `search_after` from its sort values (forwards, and
        backwards in the reversed order), the rank by counting the matches that sort before
        it. (Walking the matches up to it took seconds for the 15,000th of 20,000.)"""
        values = hit["sort"]
        searches = [
            {"size": 1, "_source": False, "sort": sort, "search_after": values,
             "query": final},
            {"size": 1, "_source": False, "sort": [_reversed(k) for k in sort],
             "search_after": values, "query": final},
            *({"size": 0, "track_total_hits": True, **before} for before in
              _sorting_before(final, sort, values)),
        ]
        lines: list[dict] = []
        kind = search_type(self.settings, sort)
        for body in searches:
            lines += [{"index": self.alias, **kind}, body]
        resp = self._call(self.client.msearch, body=lines)
        out = []
        for r in resp["responses"]:
            if "error" in r:
                raise describe(opensearchpy.TransportError(r.get("status", 500), r["error"], r),
                               self.settings.where, self.alias)
            out.append(r)
        following, previous, *counts = out
        first = [c["hits"]["total"]["value"] for c in counts]
        # Relevance: (score > mine) + (score >= mine, seq < mine) - (score > mine, seq < mine).
        before = first[0] if len(first) == 1 else first[0] + first[1] - first[2]
        return (before + 1,
                previous["hits"]["hits"][0]["_id"] if previous["hits"]["hits"] else None,
                following["hits"]["hits"][0]["_id"] if following["hits"]["hits"] else None)

    def document_frequencies(self, terms: Iterable[str]) -> tuple[int, dict[str, int]]:
        terms = list(dict.fromkeys(terms))
        self._live_index()
        # One request: a `filters` aggregation, one bucket a term, over every article.
        buckets = {f"t{i}": {"bool": {"should": [{"term": {mapping.TARGETS[p][1]: t}}
                                                 for p in COMBINED_PARTS]}}
                   for i, t in enumerate(terms)}
        body = {"size": 0, "track_total_hits": True, "query": {"match_all": {}}}
        if buckets:
            body["aggs"] = {"df": {"filters": {"filters": buckets}}}
        got = self._call(self.client.search, index=self.alias, body=body)
        counts = got["aggregations"]["df"]["buckets"] if buckets else {}
        return (got["hits"]["total"]["value"],
                {t: counts[f"t{i}"]["doc_count"] for i, t in enumerate(terms)})

    def added(self, ids: Iterable[str]) -> dict[str, dt.datetime]:
        ids = list(ids)
        if not ids:
            return {}
        self._live_index()
        got = self._call(self.client.mget, index=self.alias, body={"ids": ids},
                         _source_includes=[mapping.ADDED])
        built: dict[str, float] = {}  # index -> when it went live, for older documents
        out = {}
        for doc in got.get("docs", []):
            if not doc.get("found"):
                continue
            when = (doc.get("_source") or {}).get(mapping.ADDED)
            if when is None:
                index = doc["_index"]
                if index not in built:
                    got_map = self._call(self.client.indices.get_mapping, index=index)
                    meta = (got_map.get(index, {}).get("mappings") or {}).get("_meta") or {}
                    built[index] = added.build_time(meta) or 0.0
                when = built[index]
            out[doc["_id"]] = dt.datetime.fromtimestamp(when, dt.UTC)
        return out

    # -- the index -------------------------------------------------------------------------

    def newest_added(self) -> float | None:
        index = self._live_index()
        got = self._call(self.client.search, index=self.alias, body={
            "size": 0, "track_total_hits": True,
            "aggs": {"newest": {"max": {"field": mapping.ADDED}}}})
        if not got["hits"]["total"]["value"]:
            return None
        newest = got["aggregations"]["newest"]["value"]
        if newest is None:  # an index from before the field: all came in when it was built
            found = self._call(self.client.indices.get_mapping, index=index)
            meta = (found.get(index, {}).get("mappings") or {}).get("_meta") or {}
            newest = added.build_time(meta) or 0.0
        return float(newest)

    def health(self) -> Health:
        index = self._live_index()
        count = self._call(self.client.count, index=self.alias)["count"]
        return Health(count, index)

    def stats(self) -> dict[str, Any]:
        index = self._live_index()
        count = self._call(self.client.count, index=self.alias)["count"]
        got = self._call(self.client.indices.get, index=index)[index]
        meta = (got.get("mappings") or {}).get("_meta") or {}
        settings = got["settings"]["index"]
        size = self._call(self.client.indices.stats, index=index, metric="store")
        cluster = self._call(self.client.cluster.health)
        return {
            "backend": self.name,
            "url": self.settings.where,
            "alias": self.alias,
            "generation": index,
            "documents": count,
            "shards": int(settings.get("number_of_shards", 0)),
            "replicas": int(settings.get("number_of_replicas", 0)),
            "nodes": cluster.get("number_of_nodes"),
            "cluster_status": cluster.get("status"),
            "size_bytes": size["_all"]["primaries"]["store"]["size_in_bytes"],
            "report": meta.get("report") or {},
            "last_update": meta.get("last_update"),
        }

    def start_build(self, lock_timeout: float = 0.0) -> building.OpenSearchBuild:
        return building.OpenSearchBuild(self.conn, lock_timeout)

    def start_update(self, lock_timeout: float = 0.0) -> building.OpenSearchUpdate:
        return building.OpenSearchUpdate(self.conn, lock_timeout)

    def close(self) -> None:
        """Nothing per thread: the client's connection pool is shared by the process."""
