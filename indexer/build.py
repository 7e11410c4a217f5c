"""Full rebuilds: extract in a process pool, one writer, a new generation swapped in atomically.

The recipe is reliability.md's "the recipe the tests guard": take the build lock, build
`gen-<ts>/` with one writer fed by the pool, commit, fsync, write the build report, swap
`current`, fsync the index directory, then delete generations nobody can still be reading.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import os
import pickle
import shutil
import signal
import time
import warnings
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from importlib.metadata import version
from multiprocessing import get_context

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage

from indexer import generations
from indexer.discover import Ignored, Item, Skip, iter_items, total_size
from indexer.errors import IndexBusyError, ScrapesearchError
from indexer.fastwrite import FastSegmentWriter
from indexer.schema import SCHEMA_VERSION, build_schema
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
class BuildReport:
    """What a build did; saved as build-report.json in its generation."""

    sources: list[str]
    generation: str = ""
    started: str = ""
    seconds: float = 0.0
    indexed: int = 0
    duplicates: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    skipped_total: int = 0
    ignored: int = 0
    segments: int = 0

    def skip(self, path: str, reason: str) -> None:
        self.skipped_total += 1
        if len(self.skipped) < MAX_LISTED_SKIPS:
            self.skipped.append((path, reason))

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
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "ignored_files": self.ignored,
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
    size = 0
    for entry in entries:
        if isinstance(entry, Ignored):
            report.ignored += 1
            continue
        if isinstance(entry, Skip):
            report.skip(entry.path, entry.reason)
            continue
        batch.append(entry)
        size += entry.size
        if len(batch) >= BATCH_ITEMS or size >= BATCH_BYTES:
            yield batch, size
            batch, size = [], 0
    if batch:
        yield batch, size


def _pool(jobs: int) -> ProcessPoolExecutor:
    # forkserver: workers never inherit the parent's threads or open index files.
    return ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("forkserver"),
                               initializer=init_worker, initargs=(os.getpid(),))


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
    for item in batch:
        with _pool(1) as single:
            try:
                out.extend(single.submit(extract_batch, [item]).result())
            except BrokenProcessPool:
                out.append(Failed(item.path, "the extractor crashed on it"))
    return out


class _GenerationWriter:
    """The one writer of a new generation: it holds the index lock and commits the TOC.

    Documents are buffered in chunks; each full chunk is written out as one segment by a
    forked copy of this process, while extraction goes on (writing a segment is as much
    work as extracting its articles, so doing it in line would halve the build rate). At
    most WRITERS segments are being written at a time. The segments become visible only in
    the single commit at the end, together with the deletions of replaced duplicates.
    """

    def __init__(self, gen_path: str):
        self.ix = whoosh_index.create_in(gen_path, build_schema())
        self.lock = self.ix.lock("WRITELOCK")
        if not self.lock.acquire():
            raise IndexBusyError(f"the new index generation {gen_path} is locked")
        self.chunk: list[Extracted] = []
        self.chunk_bytes = 0
        self.added = 0  # documents added so far: the next one's sequence number
        self.starts: list[int] = []  # sequence number of the first document of each chunk
        self.segments: list = []  # finished segments, in chunk order
        self.ids: dict[str, int] = {}  # id -> sequence number of its latest document
        self.replaced: list[int] = []  # sequence numbers of documents replaced by a later one
        # Segment writers at work: chunk number -> (pid, pipe the segment comes back on).
        self.running: dict[int, tuple[int, int]] = {}
        self.done: dict[int, object] = {}  # chunk number -> its finished segment

    def add(self, doc: Extracted) -> bool:
        """Add a document; True when it replaced an earlier one with the same id."""
        old = self.ids.get(doc.id)
        if old is not None:
            self.replaced.append(old)
        self.ids[doc.id] = self.added
        self.added += 1
        self.chunk.append(doc)
        self.chunk_bytes += doc.size
        if self.chunk_bytes > WRITER_MEMORY:
            self._write_chunk(self.chunk, self.added - len(self.chunk))
            self.chunk, self.chunk_bytes = [], 0
        return old is not None

    def _write_chunk(self, docs: list[Extracted], first: int) -> None:
        """Have `docs` (sequence numbers from `first` on) written as the next segment."""
        number = len(self.starts)
        self.starts.append(first)
        if not hasattr(os, "fork"):
            self.done[number] = write_segment(self.ix, docs)
            return
        while len(self.running) >= WRITERS:
            self._collect(next(iter(self.running)))
        read_end, write_end = os.pipe()
        with warnings.catch_warnings():
            # Python 3.12+ warns about forking with threads (the pool's); the child only
            # writes files of its own and leaves with os._exit, touching no shared lock.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the segment writer
            code = 1
            try:
                os.close(read_end)
                data = pickle.dumps(write_segment(self.ix, docs, private_temp=True))
                with os.fdopen(write_end, "wb") as out:
                    out.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        self.running[number] = (pid, read_end)

    def _collect(self, number: int) -> None:
        """Wait for the writer of chunk `number` and keep its segment."""
        pid, read_end = self.running.pop(number)
        with os.fdopen(read_end, "rb") as f:
            data = f.read()
        _, status = os.waitpid(pid, 0)
        if status != 0 or not data:
            raise ScrapesearchError("writing a segment of the index failed "
                                    f"(exit status {status}); the live index was left as it was")
        self.done[number] = pickle.loads(data)

    def finish(self) -> int:
        """Write what is left, commit the generation's TOC; return the number of segments."""
        last, self.chunk = self.chunk, []
        # A big last chunk is written as WRITERS parts at once (nothing is left to extract).
        parts = WRITERS if self.chunk_bytes > WRITER_MEMORY // 4 else 1
        part = -(-len(last) // parts) if last else 1
        for i in range(0, len(last), part):
            self._write_chunk(last[i:i + part], self.added - len(last) + i)
        for number in list(self.running):
            self._collect(number)
        self.segments = [self.done[n] for n in sorted(self.done)]
        for seq in self.replaced:
            n = bisect.bisect_right(self.starts, seq) - 1
            self.segments[n].delete_document(seq - self.starts[n])
        toc = whoosh_index.TOC(self.ix.schema, self.segments, 1)
        toc.write(self.ix.storage, self.ix.indexname)
        whoosh_index.clean_files(self.ix.storage, self.ix.indexname, 1, self.segments)
        self.lock.release()
        return len(self.segments)

    def cancel(self) -> None:
        for pid, read_end in self.running.values():
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            os.close(read_end)
        self.running.clear()
        with contextlib.suppress(Exception):
            self.lock.release()


def write_segment(ix, docs: list[Extracted], private_temp: bool = False):
    """Write `docs` as one new segment of `ix` (no lock: the caller holds it); return it.

    With `private_temp`, the writer's temporary files go to a folder of its own (Whoosh
    names it after the index, so concurrent writers would share and delete it).
    """
    if private_temp:
        storage = ix.storage
        tag = f"{os.getpid()}-{id(docs):x}"
        storage.temp_storage = lambda name=None: FileStorage(
            os.path.join(storage.folder, f"{name or 'temp'}-{tag}")).create()
    w = FastSegmentWriter(ix, _lk=False, codec=W3Codec(), limitmb=64)
    try:
        for doc in docs:
            w.add_document(**doc.fields)
        segment = w._finalize_segment()
    finally:
        w._tempstorage.destroy()
    return segment


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
    gw = _GenerationWriter(gen_path)
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
