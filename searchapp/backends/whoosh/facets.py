"""Facet filters and counts over the per-generation arrays (searchdata.FacetArrays).

Values of one facet OR together, different facets AND together. A facet's counts are taken
over the matches filtered by every *other* facet (its own selection left out), so a user
can add a second value of the same facet; selected values are always listed.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from searchapp.backends.base import Budget, Facet, FacetValue
from searchapp.backends.whoosh.arrays import IndexData
from searchapp.backends.whoosh.documents import to_article
from searchapp.fields import FACET_LABELS, VALUE_ORDER
from searchapp.search.matcher import entry_people


def filter_mask(data: IndexData, name: str, values: tuple[str, ...]) -> np.ndarray:
    """Documents having any of the values of facet `name`."""
    mask = np.zeros(data.n, dtype=bool)
    fa = data.facets.get(name)
    if fa is None:
        return mask
    for v in values:
        mask[fa.docs_of(v)] = True
    return mask


def count(data: IndexData, name: str, mask: np.ndarray, size: int,
          selected: tuple[str, ...] = ()) -> Facet:
    """The facet's values with their counts among documents in `mask`."""
    fa = data.facets.get(name)
    if fa is None or not len(fa.values):
        values = [FacetValue(v, 0, True) for v in selected]
        return Facet(name, FACET_LABELS.get(name, name), values, 0, size)
    counts = np.bincount(fa.ords[mask[fa.docs]], minlength=len(fa.values))
    nonzero = np.flatnonzero(counts)
    if name in VALUE_ORDER:
        top = nonzero[::-1][:size] if VALUE_ORDER[name] else nonzero[:size]
    elif len(nonzero) > size:
        # Top `size` by count, ties broken by value order (values are sorted). Every value
        # tied with the size-th count stays a candidate: argpartition alone would pick among
        # them arbitrarily.
        kth = np.partition(counts[nonzero], len(nonzero) - size)[len(nonzero) - size]
        part = nonzero[counts[nonzero] >= kth]
        top = part[np.lexsort((part, -counts[part]))][:size]
    else:
        top = nonzero[np.lexsort((nonzero, -counts[nonzero]))]
    chosen = set(selected)
    out = [FacetValue(fa.values[i], int(counts[i]), fa.values[i] in chosen) for i in top]
    shown = {v.value for v in out}
    for v in selected:  # a selected value never disappears, even at zero
        if v not in shown:
            i = fa.values.get(v)
            out.append(FacetValue(v, int(counts[i]) if i is not None else 0, True))
    return Facet(name, FACET_LABELS.get(name, name), out, int(len(nonzero)), size)


# Articles whose quotes (comments) are read between two looks at the budget.
_CHECK_EVERY = 32


def count_entries(data: IndexData, name: str, mask: np.ndarray, kind: str, members: list,
                  scope: str, size: int, selected: tuple[str, ...] = (),
                  budget: Budget | None = None, share: float = 1.0) -> Facet | None:
    """The speaker (commenter) facet counted per entry: an article counts for a person only
    where one of that person's own quotes (comments) matches every member (matcher.
    entry_people), as selecting the person would find. None when the budget's `share` ran
    out first (the caller counts per article instead, and says so)."""
    searcher = data.searcher
    counts: Counter[str] = Counter()
    for i, d in enumerate(np.flatnonzero(mask)):
        if i % _CHECK_EVERY == 0 and budget is not None and budget.over(share):
            return None
        article = to_article(searcher.stored_fields(int(d)))
        counts.update(entry_people(article, kind, members, scope))
    top = sorted(counts, key=lambda v: (-counts[v], v))[:size]
    chosen = set(selected)
    out = [FacetValue(v, counts[v], v in chosen) for v in top]
    out += [FacetValue(v, counts[v], True) for v in selected if v not in set(top)]
    return Facet(name, FACET_LABELS.get(name, name), out, len(counts), size)
