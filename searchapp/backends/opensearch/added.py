"""When each article entered the index: the `added` field, and how builds keep it.

A build starts from the live index's times (an article it already held keeps its time),
an update from the index it writes into; only an id the index never held gets the time
of the run. An index made before the field existed has no times: its articles count as
added when that index went live (its _meta), and an update first adds the field to its
mapping (a new field is the one change a mapping accepts).
"""

from __future__ import annotations

import time

from searchapp.backends.opensearch import mapping
from searchapp.backends.opensearch.reading import scan

FIELD = {"type": "double", "index": False}  # seconds since the epoch, UTC
UNTIMED = "untimed_since"  # _meta: when an update's copy's articles without times came in


def build_time(meta: dict) -> float | None:
    """When the articles of an index without times entered it, from its _meta: when it went
    live (or was made), or for an update's copy, what its original said (`untimed_since`)."""
    for key in (UNTIMED, "live_since", "created_at"):
        if isinstance(meta.get(key), int | float):
            return float(meta[key])
    return None


def all_times(w, index: str | None) -> dict[str, float]:
    """id -> time of every article in `index` ({} when there is none). `w`: the Writer."""
    if index is None:
        return {}
    default = build_time(w.meta(index)) or time.time()
    out = {}
    for hit in scan(w.client, w.s, index, {"match_all": {}}, [{mapping.SEQ: "asc"}],
                    [mapping.ADDED]):
        out[hit["_id"]] = hit["_source"].get(mapping.ADDED, default)
        if len(out) % 10_000 == 0:
            w.lock.beat()  # a long read must not let the lock go stale
    return out


def ensure_field(w, index: str) -> None:
    """Give an index made before these fields existed (first-seen times, input digests)
    their mapping (its mapping is strict)."""
    got = w.call(w.client.indices.get_mapping, index=index)
    properties = (got.get(index, {}).get("mappings") or {}).get("properties") or {}
    missing = {name: spec for name, spec in
               ((mapping.ADDED, FIELD), (mapping.INPUT, mapping.INPUT_FIELD))
               if name not in properties}
    if missing:
        w.call(w.client.indices.put_mapping, index=index, body={"properties": missing})


class Stamp:
    """Sets `added` on documents: the time `index` already has for the id, else the time of
    this run. `index` is read on first use (an update that changes nothing reads nothing)."""

    def __init__(self, writer, index: str | None):
        self.w = writer
        self.index = index
        self.now = time.time()
        self.known: dict[str, float] | None = None

    def __call__(self, article_id: str, doc: dict) -> dict:
        if self.known is None:
            self.known = all_times(self.w, self.index)
        doc[mapping.ADDED] = self.known.get(article_id, self.now)
        return doc
