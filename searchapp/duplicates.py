"""Clusters of copies kept in the index, for every backend (issue 13; indexer/dedup.py).

The extraction workers fingerprint each article (indexer/work.fingerprint_of); here the
fingerprints become cluster ids, which the backend keeps with the articles so that a
search can show each story once (SearchRequest.collapse):

- `reindex` collects every article's fingerprint (`Collector`, the later input of an id
  wins, as in the index) and clusters them all at once before the build is finished;
- `update` re-clusters only what its changes touch (`reclustered`): the clusters of the
  articles it removes or replaces, and those of the articles its new ones share an LSH
  band with. No other cluster can change: an edge between two articles needs a band in
  common, and every band of every new article was looked up.

The cluster id is the smallest article id of the cluster (dedup.clusters): the same on
every run over the same articles, and a real article, which a link can show.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from indexer import dedup, dedup_store
from indexer.work import Extracted, fingerprint_of
from searchapp.backends.base import StoredDuplicates


def fingerprint(r: Extracted) -> str:
    """The fingerprint the worker made, or one made now for an article it did not prepare."""
    if r.fingerprint:
        return r.fingerprint
    doc = r.doc
    return fingerprint_of(doc) if hasattr(doc, "headline") else ""


class Collector:
    """Every added article's fingerprint, as encoded text (about 1 KB an article)."""

    def __init__(self) -> None:
        self.prints: dict[str, str] = {}

    def add(self, r: Extracted) -> None:
        self.prints[r.id] = fingerprint(r)

    def clusters(self) -> dict[str, str]:
        """id -> cluster id of the articles in clusters of two or more."""
        ids = sorted(self.prints)
        decoded = [_decoded(self.prints[i]) for i in ids]
        return multiple(dedup.clusters(ids, dedup.duplicate_pairs(decoded)))


def _decoded(text: str) -> dedup.Fingerprint:
    """The fingerprint of `text`; an empty one (matches nothing) when it cannot be read."""
    fp = dedup_store.decode(text) if text else None
    return fp or dedup.Fingerprint(None, dedup.figures(""), 0)


def multiple(found: Mapping[str, str]) -> dict[str, str]:
    """The entries of `found` (id -> cluster) whose cluster has two or more articles."""
    sizes = Counter(found.values())
    return {i: c for i, c in found.items() if sizes[c] > 1}


def reclustered(stored: StoredDuplicates, added: Mapping[str, str],
                removed: Iterable[str]) -> dict[str, str]:
    """id -> new cluster id of the articles whose cluster changes when `added` (new and
    changed articles: id -> encoded fingerprint) come in and `removed` go. An added article
    is its own cluster unless listed; an old one keeps its cluster unless listed."""
    removed = set(removed)
    prints = {i: _decoded(text) for i, text in added.items()}
    near = stored.sharing_bands(prints)
    touched = set(stored.clusters_of(near | removed | set(added)).values())
    before = stored.members(touched)
    old_ids = sorted(set(before) - removed - set(added))
    kept = stored.prints(old_ids)  # an article indexed without one stays where it is
    ids = [i for i in old_ids if i in kept] + sorted(prints)
    fps = [kept[i] for i in ids[:len(ids) - len(prints)]] + [prints[i] for i in sorted(prints)]
    found = dedup.clusters(ids, dedup.duplicate_pairs(fps))
    return {i: c for i, c in found.items()
            if (c != i if i in prints else before.get(i, i) != c)}
