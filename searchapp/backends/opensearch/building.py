"""The writing side of the OpenSearch backend: builds and updates behind an alias.

A build creates a new index (`<alias>-g<time>`) with no replica and no refresh, fills it
with bulk requests, gives it its replicas and a refresh, then moves the alias to it in one
`_aliases` request: searches answer from the old index until that request, and from the
new one after it. An update does the same on a copy of the live index made with `_clone`
(hard links to its segments: cheap), so that an update that fails or is killed leaves the
live index as it was: all or nothing.

The index the alias leaves is marked retired. Each run deletes what nobody reads: indexes
of runs that died, and retired ones past the grace period (an export reading through a
point in time keeps working until then) or beyond the newest few (RETIRED_KEPT).

One writer at a time (lock.py). Bulk requests are sized in bytes and retried with backoff
on 429 and 5xx answers; a write the cluster blocks (a full disk) stops the run with one
sentence.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from collections.abc import Iterable, Mapping
from typing import Any

import opensearchpy

from indexer.work import Extracted
from searchapp import duplicates
from searchapp.backends.base import (
    BackendError,
    Build,
    IndexUnavailable,
    Known,
    StoredDuplicates,
    Update,
    check_format_version,
)
from searchapp.backends.opensearch import clusters, mapping
from searchapp.backends.opensearch.added import UNTIMED, Stamp, build_time, ensure_field
from searchapp.backends.opensearch.connection import (
    BLOCKS,
    Connection,
    alias_targets,
    blocked,
    describe,
)
from searchapp.backends.opensearch.lock import WriterLock
from searchapp.backends.opensearch.reading import scan

BULK_BYTES = 8 * 1024 * 1024  # a bulk request holds about this much
BULK_DOCS = 2000
RETRIES = 8  # attempts of one bulk request on 429 / 5xx, with backoff
BACKOFF = 0.5  # seconds before the first retry; doubled each time, at most MAX_BACKOFF
MAX_BACKOFF = 30.0
WRITE_TIMEOUT = 120.0  # seconds for one bulk request, an index creation, a refresh
# Retired indexes kept within the grace period: the previous live index (kept after the
# grace period too) and at most this many more; the oldest go first.
RETIRED_KEPT = 2
_RETRY_STATUS = {429, 502, 503, 504}


def now() -> float:
    return time.time()


def document(doc: Extracted, seq: int) -> dict[str, Any]:
    """What is written for `doc`: the prepared document, numbered, with its input digest
    and, as its own cluster, its fingerprint (opensearch/clusters.py)."""
    return mapping.with_input({**doc.doc, mapping.SEQ: seq,
                               **clusters.fields(doc.id, duplicates.fingerprint(doc))},
                              doc.input)


def new_index_name(alias: str) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dt%H%M%S")
    return f"{alias}-g{stamp}-{secrets.token_hex(2)}"


class Writer:
    """What builds and updates share: the lock, bulk requests, the index's _meta."""

    def __init__(self, conn: Connection, lock_timeout: float):
        self.conn = conn
        self.s = conn.settings
        self.alias = self.s.index
        self.client = conn.client()
        self.rejected: list[dict[str, str]] = []
        self._lines: list[str] = []
        self._bytes = 0
        self._docs = 0
        self.lock = WriterLock(self.client, self.s, self.alias)
        self.lock.take(lock_timeout)

    def call(self, fn, *args, **kwargs):
        """One client call, its errors as ours."""
        try:
            return fn(*args, **kwargs)
        except opensearchpy.exceptions.OpenSearchException as e:
            raise describe(e, self.s.where, self.alias) from None

    # -- bulk -------------------------------------------------------------------------------

    def queue(self, action: dict, source: dict | None = None) -> None:
        line = json.dumps(action, ensure_ascii=False)
        self._lines.append(line)
        self._bytes += len(line)
        if source is not None:
            body = json.dumps(source, ensure_ascii=False)
            self._lines.append(body)
            self._bytes += len(body)
        self._docs += 1
        if self._bytes >= BULK_BYTES or self._docs >= BULK_DOCS:
            self.flush()

    def flush(self) -> None:
        lines, self._lines, self._bytes, self._docs = self._lines, [], 0, 0
        if lines:
            self._send(lines)
            self.lock.beat()

    def _send(self, lines: list[str]) -> None:
        """One bulk request; items refused with 429 (and the whole request on 429 or 5xx)
        are sent again after a pause that doubles each time."""
        pause = BACKOFF
        for attempt in range(RETRIES + 1):
            last = attempt == RETRIES
            try:
                resp = self.client.bulk(body="\n".join(lines) + "\n",
                                        request_timeout=WRITE_TIMEOUT)
            except opensearchpy.TransportError as e:
                status = e.status_code if isinstance(e.status_code, int) else 0
                busy = status in _RETRY_STATUS or isinstance(e, opensearchpy.ConnectionTimeout)
                if last or not busy or str(e.error) in BLOCKS:
                    raise describe(e, self.s.where, self.alias) from None
            except opensearchpy.exceptions.OpenSearchException as e:
                raise describe(e, self.s.where, self.alias) from None
            else:
                if not resp.get("errors"):
                    return
                again = []
                for i, item in enumerate(resp["items"]):
                    op, result = next(iter(item.items()))
                    status = result.get("status", 0)
                    if status < 300 or (op == "delete" and status == 404):
                        continue
                    pair = lines[2 * i: 2 * i + 2] if op != "delete" else [lines[2 * i]]
                    err = result.get("error") or {}
                    reason = err.get("reason") if isinstance(err, dict) else str(err)
                    if isinstance(err, dict) and err.get("type") in BLOCKS:
                        raise blocked(str(reason), self.s.where)  # a full disk, say
                    if status in _RETRY_STATUS and not last:
                        again.extend(pair)
                    else:
                        self.rejected.append({"id": str(result.get("_id")),
                                              "reason": f"OpenSearch refused it: {reason}"})
                if not again:
                    return
                lines = again
            time.sleep(pause)
            pause = min(pause * 2, MAX_BACKOFF)

    # -- the index's _meta ------------------------------------------------------------------

    def meta(self, index: str) -> dict[str, Any]:
        got = self.call(self.client.indices.get_mapping, index=index)
        return (got.get(index, {}).get("mappings") or {}).get("_meta") or {}

    def put_meta(self, index: str, **changes) -> None:
        """Change the index's _meta (a change to None removes the key)."""
        meta = {k: v for k, v in {**self.meta(index), **changes}.items() if v is not None}
        self.call(self.client.indices.put_mapping, index=index, body={"_meta": meta})

    def aliased(self) -> list[str]:
        """The indexes the alias points at (one, or none before the first build)."""
        return self.call(alias_targets, self.client, self.alias)

    def live_index(self) -> str | None:
        names = self.aliased()
        return names[-1] if names else None

    def our_indexes(self) -> dict[str, dict]:
        """Our indexes (named `<alias>-g...`, with our _meta) -> their _meta."""
        got = self.call(self.client.indices.get_mapping, index=f"{self.alias}-g*",
                        ignore=[404])
        out = {}
        for name, body in got.items():
            if not isinstance(body, dict):
                continue
            meta = (body.get("mappings") or {}).get("_meta") or {}
            if meta.get("scrapesearch") and name.startswith(f"{self.alias}-g"):
                out[name] = meta
        return out

    def sweep(self, keep: set[str]) -> None:
        """Delete our indexes nobody reads: those of runs that died, and retired ones past
        the grace period or beyond the RETIRED_KEPT newest after the previous live index.
        Only called with the lock held (no other run is writing)."""
        keep = set(keep) | set(self.aliased())
        retired: list[tuple[float, str]] = []
        unmarked: list[str] = []
        for name, meta in self.our_indexes().items():
            if name in keep:
                continue
            if meta.get("state") == "building" or meta.get("cloning") == name:
                # A build or update that died (a copy names itself until it is filled).
                self.call(self.client.indices.delete, index=name, ignore=[404])
            elif meta.get("retired_at") is None:
                unmarked.append(name)  # the alias left it, then its run died
            else:
                retired.append((float(meta["retired_at"]), name))
        retired.sort(reverse=True)  # the newest first: the previous live index
        for i, (at, name) in enumerate(retired):
            if i > RETIRED_KEPT or (i > 0 and now() - at >= self.s.grace_seconds):
                self.call(self.client.indices.delete, index=name, ignore=[404])
        for name in unmarked:  # its grace period starts now
            self.put_meta(name, state="retired", retired_at=now())

    def switch(self, index: str, **meta) -> list[str]:
        """Point the alias at `index` in one request; the indexes it pointed at before."""
        self.put_meta(index, **meta)
        old = self.aliased()
        actions: list[dict] = [{"remove": {"index": name, "alias": self.alias}}
                               for name in old if name != index]
        actions.append({"add": {"index": index, "alias": self.alias}})
        # One request: every search sees the old index or the new one, never neither.
        self.call(self.client.indices.update_aliases, body={"actions": actions})
        return [name for name in old if name != index]

    def settle(self, index: str, old: list[str]) -> None:
        """After a switch: `index` is live, the `old` ones retired, then the sweep."""
        try:
            self.put_meta(index, state="live", live_since=now())
            for name in old:
                self.put_meta(name, state="retired", retired_at=now())
            self.sweep(keep={index})
        finally:
            self.lock.release()

    def ready(self, index: str, what: str) -> None:
        """Wait until `index` can answer searches (its primaries and replicas assigned)."""
        health = self.call(self.client.cluster.health, index=index, wait_for_status="yellow",
                           request_timeout=WRITE_TIMEOUT)
        if health.get("timed_out"):
            raise IndexUnavailable(f"{what} {index} did not become available in OpenSearch "
                                   "within 30 s; the live index is unchanged")


class OpenSearchBuild(Build):
    def __init__(self, conn: Connection, lock_timeout: float = 0.0):
        self.w = Writer(conn, lock_timeout)
        self.committed = False
        self.index = ""
        try:
            live = self.w.live_index()
            if live is None and self.w.call(self.w.client.indices.exists, index=self.w.alias):
                raise BackendError(f"'{self.w.alias}' in OpenSearch is an index, not an alias; "
                                   "choose another OPENSEARCH_INDEX or delete that index")
            self.w.sweep(keep={live} if live else set())
            self.stamp = Stamp(self.w, live)  # first-seen times
            self.index = self.generation = new_index_name(self.w.alias)
            meta = {"scrapesearch": True, "format_version": mapping.FORMAT_VERSION,
                    "state": "building", "created_at": now()}
            self.w.call(self.w.client.indices.create, index=self.index,
                        body=mapping.index_body(conn.settings.shards, conn.settings.replicas,
                                                meta),
                        request_timeout=WRITE_TIMEOUT)
        except BaseException:
            self.abort()
            raise
        self.seen: set[str] = set()
        self.seq = 0

    def add(self, doc: Extracted) -> bool:
        replaced = doc.id in self.seen
        self.seen.add(doc.id)
        self.seq += 1
        self.w.queue({"index": {"_index": self.index, "_id": doc.id}},
                     self.stamp(doc.id, document(doc, self.seq)))
        return replaced

    def set_clusters(self, found: Mapping[str, str]) -> None:
        clusters.rewrite(self.w, self.index, found)

    def finish(self) -> dict[str, Any]:
        w = self.w
        w.flush()
        w.call(w.client.indices.put_settings, index=self.index,
               body=mapping.live_settings(w.s.replicas), request_timeout=WRITE_TIMEOUT)
        w.call(w.client.indices.refresh, index=self.index, request_timeout=WRITE_TIMEOUT)
        w.ready(self.index, "the new index")
        count = w.call(w.client.count, index=self.index)["count"]
        out: dict[str, Any] = {"index": self.index, "shards": w.s.shards,
                               "documents_in_engine": count}
        if w.rejected:
            out["rejected"] = w.rejected
        return out

    def commit(self, report: dict[str, Any]) -> None:
        old = self.w.switch(self.index, report=report)
        self.committed = True
        self.w.settle(self.index, old)

    def abort(self) -> None:
        if not self.committed and self.index:
            try:
                self.w.client.indices.delete(index=self.index, ignore=[404])
            except opensearchpy.exceptions.OpenSearchException:
                pass  # marked "building": the next run deletes it
        self.w.lock.release()


class OpenSearchUpdate(Update):
    """Changes written into a copy of the live index, which the alias then points at."""

    def __init__(self, conn: Connection, lock_timeout: float = 0.0):
        self.w = Writer(conn, lock_timeout)
        self.committed = False
        self.index = ""
        try:
            live = self.w.live_index()
            if live is None:
                raise IndexUnavailable(
                    f"there is no index '{self.w.alias}' in OpenSearch at {self.w.s.where} to "
                    "update; build one with `scrapesearch reindex SOURCE...` first")
            self.live = live
            check_format_version(self.w.meta(live).get("format_version"),
                                 mapping.FORMAT_VERSION)
            self.w.sweep(keep={live})
            agg = self.w.call(self.w.client.search, index=live, body={
                "size": 0, "aggs": {"seq": {"max": {"field": mapping.SEQ}}}})
            self.seq = int(agg["aggregations"]["seq"]["value"] or 0)
            self.index = self.generation = new_index_name(self.w.alias)
            self._copy(live)
            # an index made before first-seen times or input digests
            ensure_field(self.w, self.index)
            self.stamp = Stamp(self.w, live)  # first-seen times
        except BaseException:
            self.abort()
            raise

    def _copy(self, live: str) -> None:
        """The live index cloned into `self.index`: its settings, mapping, _meta and
        segments (hard links on the nodes that hold them), marked "building"."""
        w = self.w
        # The copy carries this _meta: one that names itself was left by a run that died.
        w.put_meta(live, cloning=self.index)
        # _clone copies an index that takes no writes; searches go on reading it.
        w.call(w.client.indices.put_settings, index=live,
               body={"index": {"blocks": {"write": True}}})
        try:
            got = w.call(w.client.indices.clone, index=live, target=self.index, body={
                "settings": {"index": {"blocks": {"write": None}, "refresh_interval": "-1"}}},
                request_timeout=WRITE_TIMEOUT)
        finally:
            w.call(w.client.indices.put_settings, index=live,
                   body={"index": {"blocks": {"write": None}}})
        if not got.get("shards_acknowledged"):
            w.ready(self.index, "the copy of the live index")
        w.put_meta(self.index, state="building", cloning=None, clone_of=live,
                   created_at=now(), **{UNTIMED: build_time(w.meta(live))})

    def known(self) -> dict[str, Known]:
        out = {}
        for hit in scan(self.w.client, self.w.s, self.live, {"match_all": {}},
                        [{mapping.SEQ: "asc"}], [mapping.PATH, mapping.HASH, mapping.INPUT]):
            src = hit["_source"]
            out[hit["_id"]] = Known(src.get(mapping.PATH) or "", src.get(mapping.HASH) or "",
                                    src.get(mapping.INPUT) or "")
            if len(out) % 10_000 == 0:
                self.w.lock.beat()  # a long read must not let the lock go stale
        return out

    def put(self, doc: Extracted) -> None:
        self.seq += 1
        self.w.queue({"index": {"_index": self.index, "_id": doc.id}},
                     self.stamp(doc.id, document(doc, self.seq)))

    def remove(self, ids: Iterable[str]) -> None:
        for article_id in ids:
            self.w.queue({"delete": {"_index": self.index, "_id": article_id}})
        self.w.flush()

    def duplicates(self) -> StoredDuplicates:
        return clusters.Stored(self.w, self.live)

    def set_clusters(self, changes: Mapping[str, str]) -> None:
        clusters.rewrite(self.w, self.index, changes)

    def commit(self, report: dict[str, Any]) -> None:
        w = self.w
        w.flush()
        w.call(w.client.indices.put_settings, index=self.index,
               body={"index": {"refresh_interval": None}}, request_timeout=WRITE_TIMEOUT)
        w.call(w.client.indices.refresh, index=self.index, request_timeout=WRITE_TIMEOUT)
        w.ready(self.index, "the updated index")
        if w.rejected:
            report = {**report, "rejected": w.rejected}
        old = w.switch(self.index, last_update=report)
        self.committed = True
        w.settle(self.index, old)

    def abort(self) -> None:
        self.w._lines.clear()
        if not self.committed and self.index:
            try:
                self.w.client.indices.delete(index=self.index, ignore=[404])
            except opensearchpy.exceptions.OpenSearchException:
                pass  # marked "building" (or naming itself): the next run deletes it
        self.w.lock.release()

