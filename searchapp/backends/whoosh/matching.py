"""A Query over one generation's arrays: the match mask, its filters, and its order.

What every reading route starts from: the evaluated query tree, the date range, and one
mask per facet filter, so that a facet can be counted over the matches filtered by every
*other* facet. `order` sorts document numbers by the query's sort, ties by index order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from whoosh.util.times import datetime_to_long

from searchapp.backends.base import ADDED_SORT, Budget, Query
from searchapp.backends.whoosh import facets as facet_ops
from searchapp.backends.whoosh.arrays import IndexData
from searchapp.backends.whoosh.evaluate import Evaluator, Match
from searchapp.search.parser import DateRange

_DAY = 24 * 3600 * 1_000_000  # microseconds, the unit of datetime_to_long


@dataclass
class Filtered:
    """A query evaluated and filtered."""

    match: Match
    date_mask: np.ndarray | None  # the date range and Query.added_after
    base: np.ndarray  # the query's words and date range
    facet_masks: dict[str, np.ndarray]  # per facet: its selection and exclusions
    final: np.ndarray  # base and every facet filter

    def without(self, facet: str) -> np.ndarray:
        """The matches filtered by every facet but `facet` (what its counts are taken over)."""
        out = self.base.copy()
        for name, m in self.facet_masks.items():
            if name != facet:
                out &= m
        return out

    def undated_base(self) -> np.ndarray:
        """The matches whatever the date range: the words and every facet filter."""
        out = self.match.mask.copy()
        for m in self.facet_masks.values():
            out &= m
        return out

    def filters_only(self, n: int, leave_out: str | None = None) -> np.ndarray:
        """Every document the date range and facet filters (but `leave_out`'s) let through,
        whatever the words."""
        out = np.ones(n, dtype=bool) if self.date_mask is None else self.date_mask.copy()
        for name, m in self.facet_masks.items():
            if name != leave_out:
                out &= m
        return out


def date_mask(data: IndexData, rng: DateRange | None, undated: str | None = None
              ) -> np.ndarray | None:
    """The documents the date range lets through (Query.undated: with or without the
    undated ones, or only those), or None for every document."""
    pub = data.published
    if undated == "only":
        return pub < 0
    if rng is None or (rng.start is None and rng.end is None):
        return None
    mask = pub >= 0
    if rng.start:
        mask &= pub >= datetime_to_long(dt.datetime.fromisoformat(rng.start))
    if rng.end:
        # The end day is inclusive; adding the day in microseconds, not as a timedelta,
        # keeps 9999-12-31 from overflowing datetime.
        mask &= pub < datetime_to_long(dt.datetime.fromisoformat(rng.end)) + _DAY
    if undated == "include":
        mask |= pub < 0
    return mask


def filter_query(data: IndexData, query: Query, budget: Budget | None = None,
                 memo: dict | None = None) -> Filtered:
    """The query evaluated and filtered; with a `budget`, past its share for expansions the
    wildcard and fuzzy words not yet expanded are left out (evaluate.EXPANSION_SHARE).
    `memo` keeps each field's result of each word (Evaluator) for the per-scope counts."""
    match = Evaluator(data, query.scope, budget, memo=memo, loose=query.loose).run(query.tree)
    base = match.mask
    dmask = date_mask(data, query.dates, query.undated)
    if query.added_after is not None:  # entered the index after it (saved searches)
        amask = data.added_times() > query.added_after
        dmask = amask if dmask is None else dmask & amask
    if dmask is not None:
        base = base & dmask
    if query.cluster is not None:  # the copies of one story ("N copies": see them)
        only = np.zeros(data.n, dtype=bool)
        only[data.cluster_docs(query.cluster)] = True
        base = base & only
    fmasks = {name: facet_ops.facet_mask(data, name, query.filters.get(name, ()),
                                         query.exclude.get(name, ()))
              for name in dict.fromkeys([*query.filters, *query.exclude])}
    final = base.copy()
    for m in fmasks.values():
        final &= m
    return Filtered(match, dmask, base, fmasks, final)


def order(match: Match, data: IndexData, final: np.ndarray, sort: str, want: int | None = None
          ) -> np.ndarray:
    """The first `want` (default: all) matching document numbers in the requested order."""
    docs = np.flatnonzero(final)
    if not len(docs):
        return docs
    want = len(docs) if want is None else want
    if want <= 0:
        return docs[:0]
    if sort == "relevance" and match.searched:
        key = -match.scores[docs]
    elif sort == "oldest":
        pub = data.published[docs]
        key = np.where(pub < 0, np.iinfo(np.int64).max, pub)
    elif sort == "comments":
        key = -data.ncomments[docs].astype(np.int64)
    elif sort == ADDED_SORT:
        key = -data.added_times()[docs]
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
