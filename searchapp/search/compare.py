"""Up to four searches over time on one chart (Media Cloud's "attention over time").

Each search's matches are counted per bucket of one interval, and so is every article
the shared filters let through (the same scope, facet filters, dates): a bucket's share is
the search's count over that count of all articles. The interval is the one
timeline.choose picks for all those articles, so every search's buckets line up with
theirs. Undated matches are counted apart, as on the search page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from searchapp.backends.base import SearchBackend, SearchRequest
from searchapp.search.params import ParamError, SearchParams, _clean, _many
from searchapp.search.service import to_query
from searchapp.search.timeline import Bucket

MAX_QUERIES = 4  # more lines than this on one chart cannot be told apart
MAX_QUERY_CHARS = 1024  # as on the search page (parser)


@dataclass
class Series:
    query: str  # as typed
    counts: list[int]  # per bucket of Comparison.buckets
    undated: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class Comparison:
    params: SearchParams  # the shared arguments (q: the first search)
    queries: list[str]
    interval: str = "day"
    buckets: list[Bucket] = field(default_factory=list)  # of all articles (the denominators)
    series: list[Series] = field(default_factory=list)

    def share(self, series: Series, i: int) -> float:
        """The search's share of all articles in bucket `i` (0 when the bucket has none)."""
        whole = self.buckets[i].count
        return series.counts[i] / whole if whole else 0.0

    def rows(self) -> list[dict[str, Any]]:
        """One row per search and bucket: what the CSV and the JSON list."""
        return [{"query": s.query, "start": b.start, "end": b.end, "count": s.counts[i],
                 "all": b.count, "share": round(self.share(s, i), 6)}
                for s in self.series for i, b in enumerate(self.buckets)]

    def to_dict(self) -> dict[str, Any]:
        return {"queries": self.queries, "interval": self.interval,
                "buckets": [b.to_dict() for b in self.buckets],
                "series": [{"query": s.query, "total": s.total, "undated": s.undated,
                            "counts": s.counts,
                            "shares": [round(self.share(s, i), 6)
                                       for i in range(len(self.buckets))]}
                           for s in self.series]}


def queries_of(args: Mapping[str, Any]) -> list[str]:
    """The searches to compare: the `q` arguments, blank ones left out, at most four."""
    queries = [q for q in (_clean(x) for x in _many(args, "q")) if q]
    if len(queries) > MAX_QUERIES:
        raise ParamError(f"at most {MAX_QUERIES} searches can be compared")
    if any(len(q) > MAX_QUERY_CHARS for q in queries):
        raise ParamError(f"a search is longer than {MAX_QUERY_CHARS:,} characters")
    return list(dict.fromkeys(queries))


def run_compare(backend: SearchBackend, args: Mapping[str, Any]) -> Comparison:
    """Every search's counts per bucket, beside those of all articles."""
    queries = queries_of(args)
    params = SearchParams.from_args(args).with_(page=1, sort="relevance", match="all")
    out = Comparison(params, queries)
    if not queries:
        return out
    whole = _timeline(backend, params.with_(q=""), "auto")
    out.interval, out.buckets = whole.interval, whole.buckets
    at = {b.start: i for i, b in enumerate(out.buckets)}
    for q in queries:
        got = _timeline(backend, params.with_(q=q), out.interval)
        counts = [0] * len(out.buckets)
        for b in got.buckets:
            if b.start in at:  # every match is an article: its bucket is there
                counts[at[b.start]] = b.count
        out.series.append(Series(q, counts, got.undated))
    return out


def _timeline(backend: SearchBackend, params: SearchParams, interval: str):
    query = to_query(params)[0]
    page = backend.search(SearchRequest(query=query, size=0, snippets=False, suggest=False,
                                        timeline=interval))
    return page.timeline
