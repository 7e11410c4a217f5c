"""Clusters of copies on the writing side of the OpenSearch backend (searchapp/duplicates.py).

Every document is written as its own cluster, with its fingerprint and band keys
(`fields`). The clusters of two or more articles are known only after the last article
(a build) or the last change (an update); their documents are then written again with
their cluster id (`rewrite`).

Not as partial updates: OpenSearch applies one to the document's `_source`, which leaves
out the analysed term strings (mapping.py), so the rewritten article would no longer be
found by its words. A rewritten document is prepared again from the Article kept in
`_source` (mapping.prepare, as the extraction workers prepared it), which keeps every other
field as it was.

`Stored` answers `update`'s questions (base.StoredDuplicates) from the live index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from indexer import dedup, dedup_store
from indexer.article import Article
from searchapp.backends.base import StoredDuplicates
from searchapp.backends.opensearch import mapping
from searchapp.backends.opensearch.reading import scan

# Ids in one `mget`, band keys in one terms query (OpenSearch allows 65,536).
MGET_BATCH = 500
TERMS_BATCH = 10_000
_BY_SEQ = [{mapping.SEQ: "asc"}]
_MIX = 0x9E3779B97F4A7C15  # odd: the band's key times it is one-to-one on 64 bits
_MASK = (1 << 64) - 1


def band_numbers(fp: dedup.Fingerprint | None) -> list[int]:
    """The fingerprint's LSH band keys (dedup.band_keys), each with its band's number, as
    signed 64-bit numbers (a `long` field indexes them faster than as words). Two that
    meet by chance only make an article a candidate that its fingerprint then rules out."""
    if fp is None or fp.signature is None:
        return []
    keys = dedup.band_keys(fp.signature[None, :])[0]
    out = []
    for band, key in enumerate(keys):
        n = (int(key) * _MIX + band) & _MASK
        out.append(n - (1 << 64) if n >> 63 else n)
    return out


def fields(article_id: str, fingerprint: str) -> dict[str, Any]:
    """What a new document carries of clusters: its own cluster until told otherwise."""
    fp = dedup_store.decode(fingerprint) if fingerprint else None
    return {**cluster_fields(article_id), mapping.DEDUP: fingerprint,
            mapping.DEDUP_BANDS: band_numbers(fp)}


def cluster_fields(cluster: str) -> dict[str, Any]:
    return {mapping.CLUSTER: cluster, mapping.CLUSTER_KEY: mapping.cluster_key(cluster)}


def _batches(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def sources(w, index: str, ids: Iterable[str], include: list[str] | None = None
            ) -> Iterator[tuple[str, dict]]:
    """(id, _source) of the documents of `ids` that `index` holds (realtime: a document
    written but not yet refreshed is read too)."""
    kwargs = {} if include is None else {"_source_includes": include}
    for batch in _batches(list(dict.fromkeys(ids)), MGET_BATCH):
        got = w.call(w.client.mget, index=index, body={"ids": batch}, **kwargs)
        for doc in got.get("docs", []):
            if doc.get("found"):
                yield doc["_id"], doc.get("_source") or {}
        w.lock.beat()


def rewrite(w, index: str, clusters: Mapping[str, str]) -> None:
    """Write the documents of `clusters` (id -> cluster id) in `index` again with their
    cluster (the writer's queued actions are sent first: they may be among them)."""
    w.flush()
    for article_id, src in sources(w, index, clusters):
        article = Article.from_dict(src[mapping.ARTICLE])
        doc = {**src, **mapping.prepare(article, src.get(mapping.HASH) or ""),
               **fields(article_id, src.get(mapping.DEDUP) or ""),
               **cluster_fields(clusters[article_id])}
        w.queue({"index": {"_index": index, "_id": article_id}}, doc)
    w.flush()


class Stored(StoredDuplicates):
    """The fingerprints and clusters of `index` (the live index, before the update)."""

    def __init__(self, w, index: str):
        self.w = w
        self.index = index

    def _scan(self, query: dict, source: list[str] | bool) -> Iterator[dict]:
        for n, hit in enumerate(scan(self.w.client, self.w.s, self.index, query, _BY_SEQ,
                                     source), 1):
            if n % 10_000 == 0:
                self.w.lock.beat()  # a long read must not let the lock go stale
            yield hit

    def sharing_bands(self, prints: Mapping[str, Any]) -> set[str]:
        keys = sorted({k for fp in prints.values() for k in band_numbers(fp)})
        out: set[str] = set()
        for batch in _batches(keys, TERMS_BATCH):
            out.update(h["_id"] for h in self._scan({"terms": {mapping.DEDUP_BANDS: batch}},
                                                    False))
        return out

    def clusters_of(self, ids: Iterable[str]) -> dict[str, str]:
        return {i: src.get(mapping.CLUSTER) or i
                for i, src in sources(self.w, self.index, ids, [mapping.CLUSTER])}

    def members(self, clusters: Iterable[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for batch in _batches(sorted(set(clusters)), TERMS_BATCH):
            for h in self._scan({"terms": {mapping.CLUSTER: batch}}, [mapping.CLUSTER]):
                out[h["_id"]] = h["_source"].get(mapping.CLUSTER) or h["_id"]
        return out

    def prints(self, ids: Iterable[str]) -> dict[str, Any]:
        out = {}
        for i, src in sources(self.w, self.index, ids, [mapping.DEDUP]):
            fp = dedup_store.decode(src[mapping.DEDUP]) if src.get(mapping.DEDUP) else None
            if fp is not None:
                out[i] = fp
        return out
