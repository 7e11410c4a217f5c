"""One hit per cluster of copies (SearchRequest.collapse) over the Whoosh backend's arrays.

The matches are put in the query's order, and each cluster keeps its first (best) match,
the "head"; an article without copies (cluster number -1) is a head of its own. The page
is the heads from `start`; each head lists the other matches of its cluster in order.
"""

from __future__ import annotations

import numpy as np

from searchapp.backends.base import COPIES_SHOWN


def heads(ordered: np.ndarray, cluster: np.ndarray) -> np.ndarray:
    """The positions in `ordered` (document numbers, best first) of each cluster's first."""
    numbers = cluster[ordered]
    keep = numbers < 0
    grouped = np.flatnonzero(~keep)
    if len(grouped):
        _, first = np.unique(numbers[grouped], return_index=True)
        keep[grouped[first]] = True
    return np.flatnonzero(keep)


def copies(ordered: np.ndarray, cluster: np.ndarray, head: int) -> tuple[np.ndarray, int]:
    """The first COPIES_SHOWN other matches of the head's cluster, in order, and how many
    other matches it has."""
    number = cluster[head]
    if number < 0:
        return ordered[:0], 0
    same = ordered[cluster[ordered] == number]
    same = same[same != head]
    return same[:COPIES_SHOWN], len(same)
