"""Reading every match: a point in time and `search_after`, never `from` past a page.

OpenSearch refuses `from + size` beyond 10,000; a point in time (PIT) pins the index as it
was when the export started (a reindex half-way changes nothing), and `search_after` walks
it in order, a batch at a time, with no cap.
"""

from __future__ import annotations

from collections.abc import Iterator

import opensearchpy

from searchapp.backends.opensearch.connection import Settings, describe

BATCH = 1000


def search_type(settings: Settings, sort: list) -> dict[str, str]:
    """Ranked by score: BM25 statistics of the whole index, not of each shard (one more round
    trip), so that the order does not depend on which shard an article landed in."""
    if settings.dfs and sort and sort[0] == {"_score": "desc"}:
        return {"search_type": "dfs_query_then_fetch"}
    return {}
KEEP_ALIVE = "5m"


def scan(client, settings: Settings, index: str, query: dict, sort: list,
         source: list[str] | bool, batch: int = BATCH, limit: int | None = None
         ) -> Iterator[dict]:
    """Every hit of `query` in `sort` order (which must end in a unique tiebreak).

    The point in time is opened now (so a missing index is an error here, before anything
    is streamed); the hits are read as they are asked for.
    """
    try:
        pit = client.create_pit(index=index, keep_alive=KEEP_ALIVE)["pit_id"]
    except opensearchpy.exceptions.OpenSearchException as e:
        raise describe(e, settings.where, settings.index) from None
    return _walk(client, settings, pit, query, sort, source, batch, limit)


def _walk(client, settings: Settings, pit: str, query: dict, sort: list,
          source: list[str] | bool, batch: int, limit: int | None) -> Iterator[dict]:
    try:
        after = None
        given = 0
        while limit is None or given < limit:
            size = batch if limit is None else min(batch, limit - given)
            body = {"pit": {"id": pit, "keep_alive": KEEP_ALIVE}, "size": size,
                    "query": query, "sort": sort, "_source": source,
                    "track_total_hits": False}
            if after is not None:
                body["search_after"] = after
            try:
                resp = client.search(body=body, **search_type(settings, sort))
            except opensearchpy.exceptions.OpenSearchException as e:
                raise describe(e, settings.where, settings.index) from None
            pit = resp.get("pit_id") or pit
            hits = resp["hits"]["hits"]
            if not hits:
                return
            yield from hits
            given += len(hits)
            if len(hits) < size:
                return
            after = hits[-1]["sort"]
    finally:
        try:
            client.delete_pit(body={"pit_id": [pit]})
        except opensearchpy.exceptions.OpenSearchException:
            pass  # it expires after KEEP_ALIVE
