"""Full rebuilds: extract in a process pool, one writer, a new generation swapped in atomically.

The recipe is reliability.md's "the recipe the tests guard": take the build lock, build
`gen-<ts>/` with one writer fed by the pool, commit, fsync, write the build report, swap
`current`, fsync the index directory, then delete generations nobody can still be reading.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from importlib.metadata import version
from multiprocessing import get_context

from indexer import generations
from indexer.discover import Ignored, Item, Skip, iter_items, total_size
from indexer.errors import ScrapesearchError
from indexer.limits import Limits, too_slow_reason
from indexer.schema import SCHEMA_VERSION
from indexer.segments import GenerationWriter
from indexer.work import Extracted, Failed, extract_batch, init_worker

# A pool task carries this many items, or fewer when their bytes pass BATCH_BYTES.
BATCH_ITEMS = 32
BATCH_BYTES = 1 << 20
# Batches in flight per worker: enough to keep every core busy, few enough to bound memory.
IN_FLIGHT_PER_JOB = 4
# A chunk of documents becomes a segment when it holds about this much memory, and at
# most this many segments are written at a time (each by a forked child).
WRITER_MEMORY = 160 * 1024 * 1024
WRITERS = 2
MAX_LISTED_SKIPS = 1000


class NothingIndexed(ScrapesearchError):
    """A build produced no article: the live index is left as it was."""

    def __init__(self, message: str, report: BuildReport | None = None):
        super().__init__(message)
        self.report = report  # which inputs were skipped, and why


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


@dataclass
class BuildReport(RunReport):
    """What a build did; saved as build-report.json in its generation."""

    started: str = ""
    indexed: int = 0
    duplicates: int = 0
    segments: int = 0

    @property
    def rate(self) -> float:
        return self.indexed / self.seconds if self.seconds else 0.0

    def skipped_by_reason(self) -> Counter:
        return Counter(reason for _, reason in self.skipped)

    def as_dict(self) -> dict:
        return {
            "generation": self.generation,
            "sources": self.sources,
            "started": self.started,
            "seconds": round(self.seconds, 2),
            "documents": self.indexed,
            "indexed": self.indexed,
            "duplicates_replaced": self.duplicates,
            "skipped_total": self.skipped_total,
            "skipped": self.skipped_list(),
            "ignored_files": self.ignored,
            "passed_over": dict(self.passed_over.most_common()),
            "segments": self.segments,
            "articles_per_second": round(self.rate, 1),
            "schema_version": SCHEMA_VERSION,
            "whoosh_version": version("whoosh"),
        }


class Progress:
    """Receives progress; the CLI draws a bar from it. The default does nothing."""

    def start(self, total_bytes: int) -> None: ...

    def update(self, done_bytes: int, indexed: int, skipped: int) -> None: ...

    def finish(self) -> None: ...


def _batches(entries: Iterator[Item | Skip | Ignored], report: BuildReport
             ) -> Iterator[tuple[list[Item], int]]:
    """Items grouped into pool tasks (with their input bytes); skips go to the report."""
    batch: list[Item] = []
    size = held = 0  # input bytes (for progress); bytes the batch holds (for memory)
    for entry in entries:
        if isinstance(entry, Ignored):
            report.ignored += 1
            continue
        if isinstance(entry, Skip):
            if entry.not_article:
                report.passed_over[entry.reason] += 1
            else:
                report.skip(entry.path, entry.reason)
            continue
        batch.append(entry)
        size += entry.size
        held += max(entry.size, len(entry.data or b""))  # a WARC page's size is compressed
        if len(batch) >= BATCH_ITEMS or held >= BATCH_BYTES:
            yield batch, size
            batch, size, held = [], 0, 0
    if batch:
        yield batch, size


def _pool(jobs: int) -> ProcessPoolExecutor:
    # forkserver: workers never inherit the parent's threads or open index files.
    return ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("forkserver"),
                               initializer=init_worker, initargs=(os.getpid(), Limits.from_env()))


def extract_all(batches: Iterable[tuple[list[Item], int]], jobs: int
                ) -> Iterator[tuple[list[Extracted | Failed], int]]:
    """Run batches through the pool, yielding results in input order.

    A worker that dies (a crash in a parser, the OOM killer) breaks the pool: it is
    replaced and the batches it had are retried one item at a time, so only the item that
    kills a worker is lost, with a reason.
    """
    if jobs <= 1:
        for batch, size in batches:
            yield extract_batch(batch), size
        return
    pool = _pool(jobs)
    pending: deque[tuple[list[Item], int, Future]] = deque()
    it = iter(batches)
    try:
        while True:
            while len(pending) < jobs * IN_FLIGHT_PER_JOB:
                nxt = next(it, None)
                if nxt is None:
                    break
                pending.append((nxt[0], nxt[1], pool.submit(extract_batch, nxt[0])))
            if not pending:
                return
            batch, size, fut = pending.popleft()
            try:
                yield fut.result(), size
            except BrokenProcessPool:
                pool.shutdown(wait=False, cancel_futures=True)
                pool = _pool(jobs)
                retry = [(batch, size)] + [(b, s) for b, s, _ in pending]
                pending.clear()
                for b, s in retry:
                    yield _one_by_one(b, jobs), s
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _one_by_one(batch: list[Item], jobs: int) -> list[Extracted | Failed]:
    out: list[Extracted | Failed] = []
    limits = Limits.from_env()
    for item in batch:
        with _pool(1) as single:
            started = time.monotonic()
            try:
                out.extend(single.submit(extract_batch, [item]).result())
            except BrokenProcessPool:
                # The worker's hard stop (limits.py) ends it when the timer could not.
                slow = limits.hard_stop and time.monotonic() - started >= limits.hard_stop
                out.append(Failed(item.path, too_slow_reason(limits.item_seconds) if slow
                                  else "the extractor crashed on it"))
    return out


def reindex(sources: list[str], index_dir: str, jobs: int | None = None,
            progress: Progress | None = None, lock_timeout: float = 0.0,
            clock: Callable[[], float] = time.monotonic) -> BuildReport:
    """Build a new generation from `sources` and make it live; the report says what happened.

    Raises IndexBusyError when another build runs, NothingIndexed when no article could be
    indexed (the live index is untouched then).
    """
    jobs = jobs or os.cpu_count() or 1
    progress = progress or Progress()
    report = BuildReport(sources=list(sources))
    started = clock()
    report.started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with generations.build_lock(index_dir, timeout=lock_timeout):
        generations.remove_old_generations(index_dir)
        name = generations.new_generation_name()
        gen_path = os.path.join(index_dir, name)
        os.makedirs(gen_path)
        report.generation = name
        try:
            _build(gen_path, sources, jobs, progress, report)
        except BaseException:
            shutil.rmtree(gen_path, ignore_errors=True)
            raise
        report.seconds = clock() - started
        if report.indexed == 0:
            shutil.rmtree(gen_path, ignore_errors=True)
            raise NothingIndexed("no article could be indexed, so the index was left as it was",
                                 report)
        generations.fsync_tree(gen_path)
        data = report.as_dict()
        data["swapped_at_epoch"] = time.time()
        generations.write_report(gen_path, data)
        generations.swap_current(index_dir, name)
        generations.remove_old_generations(index_dir)
    return report


def _build(gen_path: str, sources: list[str], jobs: int, progress: Progress,
           report: BuildReport) -> None:
    progress.start(total_size(sources))
    gw = GenerationWriter(gen_path, chunk_bytes=WRITER_MEMORY, writers=WRITERS)
    done_bytes = 0
    try:
        for results, size in extract_all(_batches(iter_items(sources), report), jobs):
            for r in results:
                if isinstance(r, Failed):
                    report.skip(r.path, r.reason)
                    continue
                if gw.add(r):
                    report.duplicates += 1
                else:
                    report.indexed += 1
            done_bytes += size
            progress.update(done_bytes, report.indexed, report.skipped_total)
        report.segments = gw.finish()
    except BaseException:
        gw.cancel()
        raise
    finally:
        progress.finish()
