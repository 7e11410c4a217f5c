"""facets.Names: the folded forms of a facet's values, searched within and put in name order
(both ways of searching: stepping from match to match, and testing every form)."""

from __future__ import annotations

import numpy as np
import pytest

from searchapp.backends.whoosh import facets
from searchapp.backends.whoosh.searchdata import FacetArrays, StringTable
from searchapp.facetnames import folded

VALUES = sorted(["Zoë Ärnd", "zoe arnd", "Straße", "strasse", "a|b", "Émile", "emile", "ab",
                 "b", "Ärger", "arger", "x" * 50, "ßß"])


def names() -> facets.Names:
    n = len(VALUES)
    empty = np.zeros(0, np.int32)
    return facets.Names.of(FacetArrays(StringTable.of(VALUES), empty, empty,
                                       np.zeros(n + 1, np.int64)))


@pytest.mark.parametrize("stepped", [2000, 1, 0])
@pytest.mark.parametrize("needle", ["e", "ss", "sss", "zoe a", "a|", "xx", "", "q", "b"])
def test_containing_is_a_substring_of_the_folded_form(monkeypatch, stepped, needle):
    monkeypatch.setattr(facets, "STEPPED_MATCHES", stepped)
    got = [v for v, hit in zip(VALUES, names().containing(needle), strict=True) if hit]
    assert got == [v for v in VALUES if needle in folded(v)]


def test_rank_is_the_name_order():
    rank = names().rank
    by_rank = [v for _, v in sorted(zip(rank.tolist(), VALUES, strict=True))]
    assert by_rank == sorted(VALUES, key=lambda v: (folded(v), v))
    assert by_rank[:4] == ["ab", "arger", "Ärger", "a|b"]  # "|" comes after the letters
