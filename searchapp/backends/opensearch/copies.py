"""Clusters of copies on the reading side of the OpenSearch backend (SearchRequest.collapse).

A collapsed search is the page's own search with OpenSearch's `collapse` on the cluster
key (mapping.CLUSTER_KEY): one hit per cluster, the best in the page's order, and its
cluster's other matches as `inner_hits` sorted the same way (OpenSearch applies the query
and the post_filter to them: they are matches). How many clusters the matches make is a
`cardinality` aggregation under the same facet filters as the hits.
"""

from __future__ import annotations

from contextlib import closing
from typing import Any

from searchapp.backends.base import COPIES_SHOWN, Copy
from searchapp.backends.opensearch import mapping
from searchapp.backends.opensearch.reading import scan
from searchapp.backends.opensearch.translate import facet_filters

INNER = "copies"
STORIES = "stories"
# The cardinality aggregation (HyperLogLog++) is close below this many clusters, not exact:
# all of Reuters-21578 counts 20,662 for its 20,661 (20,660 on the keyword); above it,
# within a few percent. 40,000 is OpenSearch's maximum. An exact count would need every
# cluster id of the matches listed; OpenSearch does not count a collapse's groups.
STORIES_PRECISION = 40_000
# What a Copy is read from: the stored Article's headline and source.
COPY_FIELDS = [f"{mapping.ARTICLE}.headline", f"{mapping.ARTICLE}.source"]
# The other articles of one cluster an article page lists with one search (more: a scan).
ARTICLE_COPIES = 1000


def collapse(sort: list) -> dict[str, Any]:
    """The search's `collapse`: one hit a cluster, with the first others in its order."""
    return {"field": mapping.CLUSTER_KEY,
            "inner_hits": {"name": INNER, "size": COPIES_SHOWN + 1, "sort": sort,
                           "_source": COPY_FIELDS}}


def stories_agg(q) -> dict[str, Any]:
    """The clusters among the matches the hits are (the facet filters are the post_filter,
    which aggregations do not see)."""
    facets = facet_filters(q)
    count = {"cardinality": {"field": mapping.CLUSTER_KEY,
                             "precision_threshold": STORIES_PRECISION}}
    return {"filter": {"bool": {"filter": facets}} if facets else {"match_all": {}},
            "aggs": {"n": count}}


def stories_of(response: dict) -> int:
    return int(response.get("aggregations", {})[STORIES]["n"]["value"])


def matches_of(response: dict) -> int:
    """The matches (the hits' filters, without a deep page's clusters: see `deep_page`)."""
    return int(response.get("aggregations", {})[STORIES]["doc_count"])


def clusters_at(backend, query: dict, sort: list, start: int, size: int) -> list[str]:
    """The clusters of stories `start` to `start + size` of the matches of `query` (with
    the facet filters) in `sort` order, by walking the matches: OpenSearch pages a collapsed
    search with `from` only (no `search_after`), up to its 10,000 window."""
    seen: set[str] = set()
    order: list[str] = []
    with closing(scan(backend.client, backend.settings, backend.alias, query, sort,
                      [mapping.CLUSTER])) as hits:
        for hit in hits:
            cluster = cluster_of(hit)
            if cluster not in seen:
                seen.add(cluster)
                order.append(cluster)
                if len(order) >= start + size:
                    break
    return order[start:start + size]


def deep_page(body: dict, clusters: list[str]) -> None:
    """A collapsed page past the window: the page's search kept to `clusters` by its
    post_filter (its aggregations, the facets and the stories, still count every match;
    the total is read from the stories' filter)."""
    only = [{"terms": {mapping.CLUSTER: clusters}}]
    if "post_filter" in body:
        only.insert(0, body["post_filter"])
    body["post_filter"] = {"bool": {"filter": only}}
    body["size"] = len(clusters)
    body["from"] = 0


def copy_of(hit: dict) -> Copy:
    article = (hit.get("_source") or {}).get(mapping.ARTICLE) or {}
    return Copy(hit["_id"], article.get("source") or "", article.get("headline") or "")


def copies_of_hit(hit: dict) -> tuple[tuple[Copy, ...], int]:
    """A collapsed hit's other matches (the first COPIES_SHOWN) and how many there are."""
    inner = (hit.get("inner_hits") or {}).get(INNER)
    if inner is None:
        return (), 0
    others = [h for h in inner["hits"]["hits"] if h["_id"] != hit["_id"]]
    total = max(int(inner["hits"]["total"]["value"]) - 1, 0)
    return tuple(copy_of(h) for h in others[:COPIES_SHOWN]), total


def cluster_of(hit: dict) -> str:
    return (hit.get("_source") or {}).get(mapping.CLUSTER) or hit["_id"]


def article_copies(backend, article_id: str, cluster: str) -> tuple[Copy, ...]:
    """Every other article of `cluster`, by id."""
    query = {"bool": {"filter": [{"term": {mapping.CLUSTER: cluster}}],
                      "must_not": [{"ids": {"values": [article_id]}}]}}
    sort = [{mapping.ID: "asc"}]
    got = backend._call(backend.client.search, index=backend.alias, body={
        "query": query, "sort": sort, "size": ARTICLE_COPIES, "_source": COPY_FIELDS,
        "track_total_hits": True})
    hits = got["hits"]["hits"]
    if got["hits"]["total"]["value"] > len(hits):  # a cluster of thousands: read it all
        hits = scan(backend.client, backend.settings, backend.alias, query, sort,
                    COPY_FIELDS)
    return tuple(copy_of(h) for h in hits)
