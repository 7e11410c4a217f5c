"""Sources to prepared articles, in input order: discovery, batching and the process pool.

`read_sources` is what `reindex` and `update` both run: every input item of the sources,
extracted in a pool over all cores (forkserver: workers never inherit the writer's threads
or open index files), each article handed to the backend's `prepare` in its worker. What
cannot be read is recorded in the RunReport with a reason, never raised.
"""

from __future__ import annotations

import os
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context

import numpy as np

from indexer.discover import Ignored, Item, Skip, Unchanged, iter_items
from indexer.limits import Limits, too_slow_reason
from indexer.work import Extracted, Failed, Prepare, extract_batch, init_worker, skipping

# A pool task carries this many items, or fewer when their bytes pass BATCH_BYTES.
BATCH_ITEMS = 32
BATCH_BYTES = 1 << 20
# Batches in flight per worker: enough to keep every core busy, few enough to bound memory.
IN_FLIGHT_PER_JOB = 4
MAX_LISTED_SKIPS = 1000


@dataclass
class RunReport:
    """What a reindex or update read: its sources, and the inputs it skipped and why."""

    sources: list[str]
    generation: str = ""
    seconds: float = 0.0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # the first MAX_LISTED_SKIPS
    skipped_total: int = 0
    ignored: int = 0  # files of other types found in source directories
    # archive records that are not articles (images, redirects, repeats), by reason
    passed_over: Counter = field(default_factory=Counter)

    def skip(self, path: str, reason: str) -> None:
        self.skipped_total += 1
        if len(self.skipped) < MAX_LISTED_SKIPS:
            self.skipped.append((path, reason))

    def skipped_list(self) -> list[dict[str, str]]:
        return [{"path": p, "reason": r} for p, r in self.skipped]

    def skipped_by_reason(self) -> Counter:
        return Counter(reason for _, reason in self.skipped)


def batches(entries: Iterable[Item | Skip | Ignored | Unchanged], report: RunReport
            ) -> Iterator[tuple[list[Item], int]]:
    """Items grouped into pool tasks (with their input bytes); skips go to the report."""
    batch: list[Item] = []
    size = held = 0  # input bytes (for progress); bytes the batch holds (for memory)
    for entry in entries:
        if isinstance(entry, Ignored):
            report.ignored += 1
            continue
        if isinstance(entry, Unchanged):  # not read: its bytes only count for progress
            size += entry.size
            if not batch and size >= BATCH_BYTES:
                yield [], size
                size = 0
            continue
        if isinstance(entry, Skip):
            if entry.not_article:
                report.passed_over[entry.reason] += 1
            else:
                report.skip(entry.path, entry.reason)
            size += entry.size
            continue
        batch.append(entry)
        size += entry.size
        held += max(entry.size, len(entry.data or b""))  # a WARC page's size is compressed
        if len(batch) >= BATCH_ITEMS or held >= BATCH_BYTES:
            yield batch, size
            batch, size, held = [], 0, 0
    if batch or size:
        yield batch, size


def pool(jobs: int, unchanged: np.ndarray | None = None) -> ProcessPoolExecutor:
    """Extraction workers with the per-item limits of limits.py (and the hashes not to
    prepare again, for an update: work.hash_keys)."""
    return ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("forkserver"),
                               initializer=init_worker,
                               initargs=(os.getpid(), Limits.from_env(), unchanged))


def extract_all(work: Iterable[tuple[list[Item], int]], jobs: int, prepare: Prepare = None,
                unchanged: np.ndarray | None = None
                ) -> Iterator[tuple[list[Extracted | Failed], int]]:
    """Run batches through the pool, yielding results in input order.

    A worker that dies (a crash in a parser, the OOM killer) breaks the pool: it is
    replaced and the batches it had are retried one item at a time, so only the item that
    kills a worker is lost, with a reason.
    """
    if jobs <= 1:
        for batch, size in work:
            with skipping(unchanged):
                results = extract_batch(batch, prepare)
            yield results, size
        return
    workers: ProcessPoolExecutor | None = None  # started by the first batch with items
    pending: deque[tuple[list[Item], int, Future]] = deque()
    it = iter(work)
    try:
        while True:
            while len(pending) < jobs * IN_FLIGHT_PER_JOB:
                nxt = next(it, None)
                if nxt is None:
                    break
                if not nxt[0]:  # only bytes to count (an update's unread items)
                    done: Future = Future()
                    done.set_result([])
                    pending.append((nxt[0], nxt[1], done))
                    continue
                if workers is None:
                    workers = pool(jobs, unchanged)
                pending.append((nxt[0], nxt[1], workers.submit(extract_batch, nxt[0], prepare)))
            if not pending:
                return
            batch, size, fut = pending.popleft()
            try:
                yield fut.result(), size
            except BrokenProcessPool:
                workers.shutdown(wait=False, cancel_futures=True)
                workers = pool(jobs, unchanged)
                retry = [(batch, size)] + [(b, s) for b, s, _ in pending]
                pending.clear()
                for b, s in retry:
                    yield _one_by_one(b, prepare, unchanged), s
    finally:
        if workers is not None:
            workers.shutdown(wait=True, cancel_futures=True)


def _one_by_one(batch: list[Item], prepare: Prepare, unchanged: np.ndarray | None = None
                ) -> list[Extracted | Failed]:
    out: list[Extracted | Failed] = []
    limits = Limits.from_env()
    for item in batch:
        with pool(1, unchanged) as single:
            started = time.monotonic()
            try:
                out.extend(single.submit(extract_batch, [item], prepare).result())
            except BrokenProcessPool:
                # The worker's hard stop (limits.py) ends it when the timer could not.
                slow = limits.hard_stop and time.monotonic() - started >= limits.hard_stop
                out.append(Failed(item.path, too_slow_reason(limits.item_seconds) if slow
                                  else "the extractor crashed on it"))
    return out


def read_sources(sources: list[str], report: RunReport, jobs: int, prepare: Prepare = None,
                 entries: Iterable[Item | Skip | Ignored | Unchanged] | None = None,
                 unchanged: np.ndarray | None = None
                 ) -> Iterator[tuple[list[Extracted | Failed], int]]:
    """(results, input bytes) per batch for every item of `sources`, in input order.

    `entries` replaces the discovery of the sources (to watch what it yields); articles
    whose content hash is in `unchanged` (work.hash_keys) come back not prepared.
    """
    found = iter_items(sources) if entries is None else entries
    yield from extract_all(batches(found, report), jobs, prepare, unchanged)
