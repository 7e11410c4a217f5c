"""`reindex` and `update`: where extraction (indexer) meets a search backend.

Both read the sources through `indexer.pipeline` (a process pool over all cores, each
article prepared for the backend in its worker) and hand the results to the backend's
writing side: a full build switched in atomically, or changes by article id and content
hash. Whatever cannot be read is skipped with a reason in the report, never raised.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from indexer.discover import Skip, iter_items, total_size
from indexer.errors import ScrapesearchError
from indexer.pipeline import RunReport, read_sources
from indexer.work import Extracted, Failed
from searchapp.backends.base import Known, SearchBackend


class NothingIndexed(ScrapesearchError):
    """A build produced no article: the live index is left as it was."""

    def __init__(self, message: str, report: BuildReport | None = None):
        super().__init__(message)
        self.report = report  # which inputs were skipped, and why


class Progress:
    """Receives progress; the CLI draws a bar from it (progress.py). The default does nothing."""

    def start(self, total_bytes: int) -> None: ...

    def update(self, done_bytes: int, indexed: int, skipped: int) -> None: ...

    def finish(self) -> None: ...


@dataclass
class BuildReport(RunReport):
    """What a build did; the backend keeps it with the new index."""

    started: str = ""
    indexed: int = 0
    duplicates: int = 0
    index: dict[str, Any] = field(default_factory=dict)  # what the backend says of it

    @property
    def rate(self) -> float:
        return self.indexed / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
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
            **self.index,
            "articles_per_second": round(self.rate, 1),
        }


@dataclass
class UpdateReport(RunReport):
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"generation": self.generation, "sources": self.sources, "added": self.added,
                "changed": self.changed, "unchanged": self.unchanged, "removed": self.removed,
                "skipped_total": self.skipped_total, "skipped": self.skipped_list(),
                "seconds": round(self.seconds, 2),
                "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}


def _read(sources: list[str], backend: SearchBackend, report: RunReport, jobs: int,
          progress: Progress, counted: Callable[[], int], entries=None
          ) -> Iterator[list[Extracted | Failed]]:
    """The pipeline's results batch by batch, with progress drawn as they come."""
    progress.start(total_size(sources))
    done = 0
    try:
        for results, size in read_sources(sources, report, jobs, backend.prepare, entries):
            yield results
            done += size
            progress.update(done, counted(), report.skipped_total)
    finally:
        progress.finish()


def reindex(sources: list[str], backend: SearchBackend, jobs: int | None = None,
            progress: Progress | None = None, lock_timeout: float = 0.0,
            clock: Callable[[], float] = time.monotonic) -> BuildReport:
    """Build a new index from `sources` and make it live; the report says what happened.

    Raises IndexBusy when another build runs, NothingIndexed when no article could be
    indexed (the live index is untouched then).
    """
    jobs = jobs or os.cpu_count() or 1
    progress = progress or Progress()
    report = BuildReport(sources=list(sources))
    started = clock()
    report.started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with backend.start_build(lock_timeout=lock_timeout) as build:
        report.generation = build.generation
        for results in _read(sources, backend, report, jobs, progress, lambda: report.indexed):
            for r in results:
                if isinstance(r, Failed):
                    report.skip(r.path, r.reason)
                elif build.add(r):
                    report.duplicates += 1
                else:
                    report.indexed += 1
        if report.indexed == 0:
            report.seconds = clock() - started
            raise NothingIndexed("no article could be indexed, so the index was left as it was",
                                 report)
        report.index = build.finish()
        # Articles the engine itself refused (it says why): skipped like unreadable inputs.
        for refused in report.index.pop("rejected", ()):
            report.skip(refused["id"], refused["reason"])
            report.indexed -= 1
        report.seconds = clock() - started
        build.commit(report.as_dict())
    return report


def _file_of(item_path: str) -> str:
    """The file an item came from: `data/x.jsonl#12` -> `data/x.jsonl`."""
    head, sep, tail = item_path.rpartition("#")
    return head if sep and tail.isdigit() else item_path


def _under(path: str, sources: list[str]) -> bool:
    """True when `path` was read from one of the sources (a file or a directory)."""
    p = os.path.abspath(path)
    for s in sources:
        s = os.path.abspath(s)
        if p == s or p.startswith(s.rstrip(os.sep) + os.sep):
            return True
    return False


def update(sources: list[str], backend: SearchBackend, jobs: int | None = None,
           progress: Progress | None = None, lock_timeout: float = 0.0,
           clock: Callable[[], float] = time.monotonic) -> UpdateReport:
    """Bring the live index in line with `sources` without rebuilding it.

    New ids are added, ids whose content hash changed are replaced, and ids read from
    these sources before that are not there now are removed, by id, not by path: an
    edited text dump without a URL gets a new id at the same path, and the lines of a
    JSON-lines file move up when one is removed.
    """
    jobs = jobs or os.cpu_count() or 1
    progress = progress or Progress()
    report = UpdateReport(sources=list(sources))
    started = clock()
    with backend.start_update(lock_timeout=lock_timeout) as upd:
        report.generation = upd.generation
        known: dict[str, Known] = upd.known()
        # Ids read this time: any other id read from these sources before is gone...
        seen: set[str] = set()
        # ...unless the input it came from failed now (an item, or a whole file that exists).
        failed: set[str] = set()
        queued: set[str] = set()

        def note_skips(entries):
            for entry in entries:
                if isinstance(entry, Skip) and os.path.lexists(_file_of(entry.path)):
                    failed.add(os.path.abspath(entry.path))
                yield entry

        def counted() -> int:
            return report.added + report.changed + report.unchanged

        entries = note_skips(iter_items(sources))
        for results in _read(sources, backend, report, jobs, progress, counted, entries):
            for r in results:
                if isinstance(r, Failed):
                    # Keep what the index has for an input that fails now: not gone.
                    failed.add(os.path.abspath(r.path))
                    report.skip(r.path, r.reason)
                    continue
                seen.add(r.id)
                old = known.get(r.id)
                if old is not None and old == Known(r.path, r.hash):
                    report.unchanged += 1
                    continue
                if r.id not in queued:
                    if old is None:
                        report.added += 1
                    else:
                        report.changed += 1
                queued.add(r.id)
                upd.put(r)
                known[r.id] = Known(r.path, r.hash)
        # A source that is missing altogether (an unmounted disk, a typo) says nothing
        # about its articles: they stay. Only files missing inside a source are gone.
        present = [src for src in sources if os.path.exists(src)]
        gone = [i for i, k in known.items()
                if i not in seen and _under(_file_of(k.path), present)
                and not {os.path.abspath(k.path), os.path.abspath(_file_of(k.path))} & failed]
        upd.remove(gone)
        report.removed = len(gone)
        report.seconds = clock() - started
        upd.commit(report.as_dict())
        report.generation = upd.generation  # a backend may have switched to a new one
    return report
