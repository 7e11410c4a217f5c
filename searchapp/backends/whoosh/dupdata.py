"""The Whoosh backend's clusters of copies between runs (searchapp/duplicates.py).

A generation's search data keeps, by id, each article's fingerprint and cluster (the
`dups.*` tables, searchdata.py) and, by document number, the cluster numbers searches
collapse by (`cluster`). `update` reads the tables of the live generation (`Stored`), and
writes the next generation's from them with its changes (`updated`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from indexer import dedup, dedup_store
from searchapp.backends.base import StoredDuplicates
from searchapp.backends.whoosh.searchdata import DupTable


class Stored(StoredDuplicates):
    """The live generation's tables (empty for one written before they were kept: its
    articles are each their own cluster, and have no fingerprint to compare with)."""

    def __init__(self, table: DupTable):
        self.table = table

    def sharing_bands(self, prints: Mapping[str, dedup.Fingerprint]) -> set[str]:
        wanted = [p.signature for p in prints.values() if p.signature is not None]
        if not wanted or not self.table:
            return set()
        ids, sigs = [], []
        for article_id, (text, _) in self.table.items():
            fp = dedup_store.decode(text) if text else None
            if fp is not None and fp.signature is not None:
                ids.append(article_id)
                sigs.append(fp.signature)
        if not ids:
            return set()
        # Every stored article's band keys at once (64 a row): about 1 s at 200,000.
        keys, mine = dedup.band_keys(np.stack(sigs)), dedup.band_keys(np.stack(wanted))
        near = np.zeros(len(ids), dtype=bool)
        for band in range(dedup.BANDS):
            near |= np.isin(keys[:, band], mine[:, band])
        return {ids[i] for i in np.flatnonzero(near)}

    def clusters_of(self, ids: Iterable[str]) -> dict[str, str]:
        return {i: self.table[i][1] or i for i in ids if i in self.table}

    def members(self, clusters: Iterable[str]) -> dict[str, str]:
        wanted = set(clusters)
        return {i: c or i for i, (_, c) in self.table.items() if (c or i) in wanted}

    def prints(self, ids: Iterable[str]) -> dict[str, dedup.Fingerprint]:
        out = {}
        for i in ids:
            text = self.table.get(i, ("", ""))[0]
            fp = dedup_store.decode(text) if text else None
            if fp is not None:
                out[i] = fp
        return out


def updated(table: DupTable, put: Mapping[str, str], removed: Iterable[str],
            changes: Mapping[str, str]) -> DupTable:
    """The tables after an update: `put` (id -> fingerprint) in, each its own cluster,
    `removed` out, then the clusters that changed (id -> cluster id)."""
    out = dict(table)
    for article_id in removed:
        out.pop(article_id, None)
    for article_id, text in put.items():
        out[article_id] = (text, "")
    for article_id, cluster in changes.items():
        text = out.get(article_id, ("", ""))[0]
        out[article_id] = (text, "" if cluster == article_id else cluster)
    return out


def clusters_of_table(table: DupTable) -> dict[str, str]:
    """id -> cluster id of the articles in clusters of two or more: the representative of
    a cluster ("" in the table: it is its own) is listed once another article names it."""
    named = {c for _, c in table.values() if c}
    return {i: c or i for i, (_, c) in table.items() if c or i in named}
