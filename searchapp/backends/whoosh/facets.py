"""Facet filters and counts over the per-generation arrays (searchdata.FacetArrays).

Values of one facet OR together, different facets AND together. A facet's counts are taken
over the matches filtered by every *other* facet (its own selection left out), so a user
can add a second value of the same facet; selected values are always listed.
"""

from __future__ import annotations

import numpy as np

from searchapp.backends.base import Facet, FacetValue
from searchapp.backends.whoosh.arrays import IndexData
from searchapp.fields import FACET_LABELS, VALUE_ORDER


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
