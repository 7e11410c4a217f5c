"""Facet counts as OpenSearch aggregations: each facet's values over the matches filtered
by every *other* facet (its own selection and exclusions left out), the year by year, and
with FacetOptions, the values whose name contains a text, by name, from an offset (the
name keys of mapping.KEY_FIELDS, searchapp.facetnames)."""

from __future__ import annotations

from typing import Any

from searchapp import facetnames
from searchapp.backends.base import NO_OPTIONS, Facet, FacetOptions, FacetValue, Query
from searchapp.backends.opensearch import mapping
from searchapp.backends.opensearch.translate import facet_filters
from searchapp.fields import FACET_LABELS, VALUE_ORDER

SHARD_SIZE = 1000  # facet values each shard reports (exact counts for the values shown)
DISTINCT_PRECISION = 40_000  # below this many values a facet's value count is exact

# Values a search within a facet's values (`contains`) lists in full, for their count:
# OpenSearch has no count of distinct values that passes a filter on the values (a
# cardinality takes a script, and nodes without the painless module have none), so the
# values are listed and counted here. Past this many the count stops (the total shown is
# this), and the list is there to page through anyway.
CONTAINS_COUNTED = 10_000


def facet_agg(q: Query, name: str, size: int, options: FacetOptions = NO_OPTIONS) -> dict:
    """The facet's values over the matches filtered by every other facet.

    With options: `contains` filters the name keys (facetnames) by a regular expression
    (terms `include`; the text is at most params.MAX_CONTAINS_CHARS, so the expression
    stays within OpenSearch's `index.max_regex_length` of 1,000) and lists up to
    CONTAINS_COUNTED of them, to count them; the name order is the keys' order; `offset`
    asks for offset + size values and drops the first (params caps the offset, so that
    requests stay within `search.max_buckets`)."""
    field = mapping.KEY_FIELDS[name] if options.by_name else mapping.FACET_FIELDS[name]
    want = max(options.offset + size, 1)
    if options.sort == "name":
        order: list = [{"_key": "asc"}]
    elif options.sort is None and name in VALUE_ORDER:
        order = [{"_key": "desc" if VALUE_ORDER[name] else "asc"}]
    else:
        order = [{"_count": "desc"}, {"_key": "asc"}]
    inner: dict[str, Any] = {}
    if options.contains:
        want = max(want, CONTAINS_COUNTED)
        terms: dict[str, Any] = {
            "include": facetnames.contains_pattern(facetnames.folded(options.contains))}
    else:
        terms = {}
        inner["distinct"] = {"cardinality": {"field": mapping.FACET_FIELDS[name],
                                             "precision_threshold": DISTINCT_PRECISION}}
    inner["values"] = {"terms": {"field": field, "size": want, "order": order,
                                 "shard_size": max(SHARD_SIZE, want * 2), **terms}}
    pinned = [*q.filters.get(name, ()), *q.exclude.get(name, ())]
    if pinned:
        inner["selected"] = {"terms": {"field": mapping.FACET_FIELDS[name], "include": pinned,
                                       "size": len(pinned), "min_doc_count": 0}}
    return {"filter": {"bool": {"filter": facet_filters(q, leave_out=name)}}, "aggs": inner}


def facet_of(name: str, agg: dict | None, size: int, selected: tuple[str, ...],
           excluded: tuple[str, ...] = (), options: FacetOptions = NO_OPTIONS) -> Facet:
    label = FACET_LABELS.get(name, name)
    pinned = not options.contains and not options.offset  # selected ones always listed
    if agg is None:
        values = [FacetValue(v, 0, v in selected, v in excluded)
                  for v in (*selected, *excluded)] if pinned else []
        return Facet(name, label, values, 0, size, options.offset)
    chosen, dropped = set(selected), set(excluded)
    buckets = agg["values"]["buckets"][options.offset:options.offset + size] if size else []
    key = facetnames.value_of if options.by_name else str
    out = [FacetValue(key(b["key"]), b["doc_count"], key(b["key"]) in chosen,
                      key(b["key"]) in dropped) for b in buckets]
    if pinned:
        shown = {v.value for v in out}
        counts = {b["key"]: b["doc_count"] for b in agg.get("selected", {}).get("buckets", [])}
        for v in (*selected, *excluded):  # never disappears, even at zero
            if v not in shown:
                out.append(FacetValue(v, counts.get(v, 0), v in chosen, v in dropped))
    total = len(agg["values"]["buckets"]) if options.contains else agg["distinct"]["value"]
    return Facet(name, label, out, int(total), size, options.offset)
