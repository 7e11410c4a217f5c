"""One hit per cluster of copies (SearchRequest.collapse) over the Whoosh backend's arrays.

The matches are put in the query's order, and each cluster keeps its first (best) match,
the "head"; an article without copies (cluster number -1) is a head of its own. The page
is the heads from `start`; each head lists the other matches of its cluster in order.

Only as many matches are ordered as the page can need: the heads up to the page's last,
plus every match that is not a head (all of them might rank before it). Most articles
have no copy, so a broad search orders little more than a plain page does.
"""

from __future__ import annotations

import numpy as np

from searchapp.backends.base import COPIES_SHOWN
from searchapp.backends.whoosh.matching import order


def page(match, data, final: np.ndarray, sort: str, start: int, size: int
         ) -> tuple[int, np.ndarray]:
    """(how many stories the matches make, the heads of the page in order)."""
    numbers = data.cluster[np.flatnonzero(final)]
    grouped = numbers[numbers >= 0]
    clusters = len(np.unique(grouped))
    stories = len(numbers) - len(grouped) + clusters
    ordered = order(match, data, final, sort, start + size + len(grouped) - clusters)
    return stories, ordered[heads(ordered, data.cluster)[start:start + size]]


def heads(ordered: np.ndarray, cluster: np.ndarray) -> np.ndarray:
    """The positions in `ordered` (document numbers, best first) of each cluster's first."""
    numbers = cluster[ordered]
    keep = numbers < 0
    grouped = np.flatnonzero(~keep)
    if len(grouped):
        _, first = np.unique(numbers[grouped], return_index=True)
        keep[grouped[first]] = True
    return np.flatnonzero(keep)


def copies(match, data, final: np.ndarray, sort: str, head: int) -> tuple[np.ndarray, int]:
    """The first COPIES_SHOWN other matches of the head's cluster, in order, and how many
    other matches it has."""
    number = data.cluster[head]
    if number < 0:
        return np.empty(0, dtype=np.int64), 0
    same = final & (data.cluster == number)
    same[head] = False
    return order(match, data, same, sort, COPIES_SHOWN), int(np.count_nonzero(same))
