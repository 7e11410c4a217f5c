"""The matches over time as OpenSearch aggregations: a `date_histogram` of the matches.

With an interval given, the histogram rides on the page's own search. With "auto", the
page's search finds the first and last dated match (`min`/`max`), timeline.choose picks the
interval, and one more search of no hits counts the buckets. The undated matches (the
words and facet filters, whatever the date range) are counted apart, in a `global`
aggregation, as the facets counted apart from the main query are (facets.facet_agg).
"""

from __future__ import annotations

import datetime as dt

from searchapp.backends.base import Query
from searchapp.backends.opensearch.mapping import PUBLISHED
from searchapp.backends.opensearch.translate import (
    UNDATED_FILTER,
    cluster_filter,
    facet_filters,
)
from searchapp.search import timeline as tl

CALENDAR = {"day": "1d", "week": "1w", "month": "1M", "year": "1y"}  # `1w` starts Monday
_DAY_FORMAT = "yyyy-MM-dd"


def aggs(q: Query, words: dict, interval: str) -> dict:
    """What the page's own search adds: the histogram (an interval given) or the first and
    last dated match ("auto"), and the undated count. Its post_filter (the facets) does not
    reach aggregations, so they filter by the facets themselves."""
    facets = {"bool": {"filter": facet_filters(q)}}
    inner = ({"first": {"min": {"field": PUBLISHED, "format": _DAY_FORMAT}},
              "last": {"max": {"field": PUBLISHED, "format": _DAY_FORMAT}}}
             if interval == "auto" else {"buckets": histogram(interval)})
    undated = {"bool": {"must": [words], "filter": [*facet_filters(q), UNDATED_FILTER,
                                                    *filter(None, [cluster_filter(q)])]}}
    return {"timeline": {"filter": facets, "aggs": inner},
            "timeline_undated": {"global": {}, "aggs": {"in": {"filter": undated}}}}


def histogram(interval: str) -> dict:
    return {"date_histogram": {"field": PUBLISHED, "calendar_interval": CALENDAR[interval],
                               "format": _DAY_FORMAT, "min_doc_count": 1}}


def chosen(found: dict) -> str | None:
    """The interval for an "auto" timeline from the page's aggregations, None when no match
    has a date."""
    first, last = found["timeline"]["first"], found["timeline"]["last"]
    if first.get("value") is None or last.get("value") is None:
        return None
    day = dt.date.fromisoformat
    return tl.choose(day(first["value_as_string"]), day(last["value_as_string"]))


def timeline_of(found: dict, buckets: list[dict] | None, interval: str) -> tl.Timeline:
    """The Timeline from the page's aggregations and the histogram's buckets."""
    counts = {dt.date.fromisoformat(b["key_as_string"]): b["doc_count"]
              for b in buckets or () if b["doc_count"]}
    undated = found["timeline_undated"]["in"]["doc_count"]
    return tl.Timeline(interval, tl.filled(counts, interval), undated)
