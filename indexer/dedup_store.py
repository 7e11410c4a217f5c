"""Near-duplicate clusters kept in an index and brought up to date by `update` (pure parts).

What an index keeps per article (planned: a stored field on both backends):
- its fingerprint, as one ASCII string (`encode` / `decode`), to verify later candidates;
- its LSH band keys as words (`band_terms`), an indexed keyword field: the articles that
  share a band with a new one are one terms query away, without reading every signature;
- its cluster id.

`update` adds, changes and removes articles. The clusters it must recompute are the ones
it touches: those of removed and changed articles (one may have been the link of a chain),
and those of the articles a new one is found to copy. Re-clustering the members of exactly
those clusters with the new articles gives what a full rebuild would (`recluster`): no
other cluster has an edge into them, since an edge needs an LSH band in common and the
new articles' bands were all looked up.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Mapping

import numpy as np

from indexer import dedup

FORMAT = "d1"  # bump with any change to dedup's words, shingles, hashes or sketch


def encode(fp: dedup.Fingerprint) -> str:
    """The fingerprint as ASCII: format, shingle count, signature, figures (base64)."""
    sig = b"" if fp.signature is None else fp.signature.astype("<u4").tobytes()
    figs = fp.figures.astype("<u4").tobytes()
    return ":".join([FORMAT, str(fp.size), base64.b64encode(sig).decode(),
                     base64.b64encode(figs).decode()])


def decode(text: str) -> dedup.Fingerprint | None:
    """The fingerprint `encode` wrote; None when it is of another format (then: reindex)."""
    parts = text.split(":")
    if len(parts) != 4 or parts[0] != FORMAT:
        return None
    sig = np.frombuffer(base64.b64decode(parts[2]), dtype="<u4").astype(np.uint64)
    figs = np.frombuffer(base64.b64decode(parts[3]), dtype="<u4").astype(np.uint64)
    return dedup.Fingerprint(sig if sig.size else None, figs, int(parts[1]))


def band_terms(fp: dedup.Fingerprint) -> list[str]:
    """The fingerprint's LSH band keys as words ("b07-9f3a..."): an empty text has none."""
    if fp.signature is None:
        return []
    keys = dedup.band_keys(fp.signature[None, :])[0]
    return [f"b{band:02d}-{int(key):016x}" for band, key in enumerate(keys)]


def recluster(clusters: Mapping[str, str], prints: Callable[[Iterable[str]], Mapping],
              added: Mapping[str, dedup.Fingerprint], removed: Iterable[str],
              candidates: Iterable[str]) -> dict[str, str]:
    """The cluster ids that change when `added` (new or changed articles, by id) come in and
    `removed` go, as {article id: new cluster id}.

    `clusters` is the index's article -> cluster id (before); `prints(ids)` reads stored
    fingerprints; `candidates` are the ids the index finds sharing a band term with an
    added article.
    """
    removed = set(removed)
    members: dict[str, list[str]] = {}
    for article_id, cluster in clusters.items():
        members.setdefault(cluster, []).append(article_id)
    touched = {clusters[i] for i in set(candidates) | removed | set(added) if i in clusters}
    old_ids = sorted({i for c in touched for i in members[c]} - removed - set(added))
    stored = prints(old_ids)
    ids = old_ids + sorted(added)
    fps = [stored[i] for i in old_ids] + [added[i] for i in sorted(added)]
    found = dedup.clusters(ids, dedup.duplicate_pairs(fps))
    return {i: c for i, c in found.items() if clusters.get(i) != c}
