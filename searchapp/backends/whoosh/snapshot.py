"""An open generation for a request: one per worker thread, reopened when the index changes.

The recipe of reliability.md: nothing is opened at import or in create_app (so gunicorn's
fork never shares index files); each request re-resolves the `current` symlink and opens
a new generation by its real path when it changed, or a new searcher when an `update`
committed into the same generation. `Searcher.refresh()` is never called, and no index is
ever created here: a missing or unreadable index is IndexUnavailable (a 503 for the web
app, exit code 3 for the command line).

The schema is ours, built in code (`open_dir(..., schema=...)`): the copy Whoosh keeps in
the index is never unpickled, and an index of another format version is refused with one
sentence before anything in it is read.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import weakref
from dataclasses import dataclass

from whoosh import index as whoosh_index

from searchapp.backends.base import IndexUnavailable, check_format_version
from searchapp.backends.whoosh import generations
from searchapp.backends.whoosh.arrays import IndexData
from searchapp.backends.whoosh.schema import FORMAT_VERSION, build_schema

OPEN_RETRIES = 3
OPEN_RETRY_DELAY = 0.05


@dataclass
class Snapshot:
    """A searcher over one generation, with its arrays (built once per searcher)."""

    ix: object
    searcher: object
    data: IndexData
    generation: str
    path: str

    @classmethod
    def of(cls, ix, path: str) -> Snapshot:
        searcher = open_searcher(ix)
        return cls(ix, searcher, IndexData(searcher, path), os.path.basename(path), path)

    def fresh(self) -> Snapshot:
        """A new searcher of the same generation, after an `update` committed into it."""
        return Snapshot.of(self.ix, self.path)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.searcher.close()


def format_version(report: dict) -> int | None:
    """The index format a build report names (0.1 builds called it the schema version)."""
    version = report.get("format_version", report.get("schema_version"))
    return version if isinstance(version, int) else None


def check_format(report: dict) -> None:
    """IndexUnavailable with one sentence when this code cannot read the generation."""
    check_format_version(format_version(report), FORMAT_VERSION)


def live_generation(index_dir: str) -> str:
    """Real path of the live generation, checked; IndexUnavailable when there is none."""
    real = generations.current_path(index_dir)
    if real is None:
        raise IndexUnavailable(
            "no search index has been built yet; build one with `scrapesearch reindex SOURCE...`")
    check_format(generations.read_report(real) or {})
    return real


def open_generation(path: str):
    """Whoosh's index object for a generation directory, read with our schema (its
    segment files mapped, and not copied: mapped.py)."""
    return whoosh_index.open_dir(path, schema=build_schema())


def open_searcher(ix):
    """A searcher whose files are closed when it is dropped (a worker thread's snapshot, a
    build's lookups), not left to the garbage collector's warning."""
    searcher = ix.searcher()
    weakref.finalize(searcher, _close, searcher.reader())
    return searcher


def _close(reader) -> None:
    with contextlib.suppress(Exception):  # closed already (Snapshot.close)
        reader.close()


def open_snapshot(index_dir: str) -> Snapshot:
    real = live_generation(index_dir)
    last: Exception | None = None
    for attempt in range(OPEN_RETRIES):
        try:
            return Snapshot.of(open_generation(real), real)
        except (OSError, whoosh_index.EmptyIndexError) as e:
            last = e
            time.sleep(OPEN_RETRY_DELAY * (attempt + 1))
    raise IndexUnavailable(f"the search index could not be opened ({last.__class__.__name__}); "
                           "try again in a moment") from last


class SnapshotHolder:
    """Per-thread cache of the open generation of one index directory."""

    def __init__(self, index_dir: str):
        self.index_dir = index_dir
        self._local = threading.local()

    def get(self) -> Snapshot:
        cached: Snapshot | None = getattr(self._local, "snapshot", None)
        real = generations.current_path(self.index_dir)
        if cached is not None and real == cached.path:
            try:
                if cached.searcher.up_to_date():
                    return cached
                fresh = cached.fresh()  # an `update` committed: a new searcher, never refresh()
            except (OSError, whoosh_index.EmptyIndexError):
                fresh = open_snapshot(self.index_dir)
            self._replace(fresh)
            return fresh
        opened = open_snapshot(self.index_dir)
        self._replace(opened)
        return opened

    def _replace(self, snapshot: Snapshot) -> None:
        old = getattr(self._local, "snapshot", None)
        self._local.snapshot = snapshot
        if old is not None and old is not snapshot:
            old.close()

    def close(self) -> None:
        old = getattr(self._local, "snapshot", None)
        self._local.snapshot = None
        if old is not None:
            old.close()
