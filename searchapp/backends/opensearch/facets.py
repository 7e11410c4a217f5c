"""Facet counts as OpenSearch aggregations: each facet's values over the matches filtered
by every *other* facet (its own selection and exclusions left out), the year by year, and
with FacetOptions, the values whose name contains a text, by name, from an offset (the
name keys of mapping.KEY_FIELDS, searchapp.facetnames)."""

from __future__ import annotations

from typing import Any

from searchapp import facetnames
from searchapp.backends.base import NO_OPTIONS, Facet, FacetOptions, FacetValue, Query
from searchapp.backends.opensearch import mapping
from searchapp.backends.opensearch.translate import Translator, facet_filters, search_query
from searchapp.fields import FACET_LABELS, VALUE_ORDER
from searchapp.search import entries, matcher

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

    A person facet whose own selection is in the query tree (entries.tie) is counted over
    the words without it, outside the main query (a `global` aggregation); when the words
    are tied to one quote (comment), per entry: over the nested entries matching them, by
    their resolved person (mapping.WHO), each counted once per article (reverse_nested),
    as selecting the person would find (entries.entry_facet)."""
    rest = entries.untie(q.tree, name)
    tied = entries.entry_facet(q.tree, q.scope, name)
    fields = (mapping.FACET_FIELDS[name], mapping.KEY_FIELDS[name])
    if tied is None and rest is q.tree:
        return {"filter": {"bool": {"filter": facet_filters(q, leave_out=name)}},
                "aggs": _values_aggs(q, name, size, options, *fields)}
    words = Translator(q.scope).run(rest, q.loose).query
    where = {"bool": {"must": [search_query(q, words, with_facets=False)],
                      "filter": facet_filters(q, leave_out=name)}}
    if tied is None:
        inner = _values_aggs(q, name, size, options, *fields)
    else:
        kind = entries.KIND_OF_PERSON[name]
        entry = Translator(q.scope, inside=kind, limits=matcher.Expansions.of(rest, q.scope))
        clauses = [c for c in (entry.node(m) for m in tied[1]) if c is not None]
        inner = {"entries": {"nested": {"path": kind}, "aggs": {"tied": {
            "filter": {"bool": {"must": clauses}} if clauses else {"match_all": {}},
            "aggs": _values_aggs(q, name, size, options, f"{kind}.{mapping.WHO}",
                                 f"{kind}.{mapping.WHO_KEY}", per_article=True)}}}}
    return {"global": {}, "aggs": {"in": {"filter": where, "aggs": inner}}}


def _values_aggs(q: Query, name: str, size: int, options: FacetOptions, value_field: str,
                 key_field: str, per_article: bool = False) -> dict:
    """The top values (by the options), how many there are, and the pinned ones.

    With options: `contains` filters the name keys (facetnames) by a regular expression
    (terms `include`; the text is at most params.MAX_CONTAINS_CHARS, so the expression
    stays within OpenSearch's `index.max_regex_length` of 1,000) and lists up to
    CONTAINS_COUNTED of them, to count them; the name order is the keys' order; `offset`
    asks for offset + size values and drops the first (params caps the offset, so that
    requests stay within `search.max_buckets`). `per_article`: values of nested entries,
    each counted by the articles it is in."""
    articles = {"aggs": {"articles": {"reverse_nested": {}}}} if per_article else {}
    field = key_field if options.by_name else value_field
    want = max(options.offset + size, 1)
    if options.sort == "name":
        order: list = [{"_key": "asc"}]
    elif options.sort is None and name in VALUE_ORDER:
        order = [{"_key": "desc" if VALUE_ORDER[name] else "asc"}]
    else:
        order = [{"articles" if per_article else "_count": "desc"}, {"_key": "asc"}]
    inner: dict[str, Any] = {}
    if options.contains:
        want = max(want, CONTAINS_COUNTED)
        terms: dict[str, Any] = {
            "include": facetnames.contains_pattern(facetnames.folded(options.contains))}
    else:
        terms = {}
        inner["distinct"] = {"cardinality": {"field": value_field,
                                             "precision_threshold": DISTINCT_PRECISION}}
    inner["values"] = {"terms": {"field": field, "size": want, "order": order,
                                 "shard_size": max(SHARD_SIZE, want * 2), **terms},
                       **articles}
    pinned = [*q.filters.get(name, ()), *q.exclude.get(name, ())]
    if pinned:
        inner["selected"] = {"terms": {"field": value_field, "include": pinned,
                                       "size": len(pinned), "min_doc_count": 0}, **articles}
    return inner


def _count(bucket: dict) -> int:
    """A bucket's articles (nested entries are counted by the articles they are in)."""
    return bucket["articles"]["doc_count"] if "articles" in bucket else bucket["doc_count"]


def facet_of(name: str, agg: dict | None, size: int, selected: tuple[str, ...],
             excluded: tuple[str, ...] = (), options: FacetOptions = NO_OPTIONS) -> Facet:
    label = FACET_LABELS.get(name, name)
    if agg is not None and "in" in agg:  # counted apart from the main query (facet_agg)
        agg = agg["in"]
        if "entries" in agg:
            agg = agg["entries"]["tied"]
    pinned = not options.contains and not options.offset  # selected ones always listed
    if agg is None:
        values = [FacetValue(v, 0, v in selected, v in excluded)
                  for v in (*selected, *excluded)] if pinned else []
        return Facet(name, label, values, 0, size, options.offset)
    chosen, dropped = set(selected), set(excluded)
    buckets = agg["values"]["buckets"][options.offset:options.offset + size] if size else []
    key = facetnames.value_of if options.by_name else str
    out = [FacetValue(key(b["key"]), _count(b), key(b["key"]) in chosen,
                      key(b["key"]) in dropped) for b in buckets]
    if pinned:
        shown = {v.value for v in out}
        counts = {b["key"]: _count(b) for b in agg.get("selected", {}).get("buckets", [])}
        for v in (*selected, *excluded):  # never disappears, even at zero
            if v not in shown:
                out.append(FacetValue(v, counts.get(v, 0), v in chosen, v in dropped))
    total = len(agg["values"]["buckets"]) if options.contains else agg["distinct"]["value"]
    return Facet(name, label, out, int(total), size, options.offset)
