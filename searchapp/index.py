"""The searcher for a request: one per worker thread, reopened when the generation changes.

The recipe of reliability.md: nothing is opened at import or in create_app (so gunicorn's
fork never shares index files); each request re-resolves the `current` symlink and opens
a new generation by its real path when it changed, or a new searcher when an `update`
committed into the same generation. `Searcher.refresh()` is never called, the schema
comes from the searcher, and no index is ever created here: a missing or unreadable index
is IndexUnavailable (a 503 for the web app).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time

from whoosh import index as whoosh_index

from indexer import generations
from indexer.errors import NoIndexError
from indexer.schema import SCHEMA_VERSION
from searchapp.search.service import OpenIndex

OPEN_RETRIES = 3
OPEN_RETRY_DELAY = 0.05


class IndexUnavailable(NoIndexError):
    """No complete, readable index: the message says what to do."""


def _open(index_dir: str) -> tuple[str, OpenIndex]:
    real = generations.current_path(index_dir)
    if real is None:
        raise IndexUnavailable(
            "no search index has been built yet; build one with `scrapesearch reindex SOURCE...`")
    report = generations.read_report(real) or {}
    if report.get("schema_version") != SCHEMA_VERSION:
        raise IndexUnavailable(
            "the index was built by another version of scrapesearch; run `scrapesearch "
            "reindex` to rebuild it")
    last: Exception | None = None
    for attempt in range(OPEN_RETRIES):
        try:
            ix = whoosh_index.open_dir(real)
            searcher = ix.searcher()
            return real, OpenIndex.from_searcher(searcher, os.path.basename(real))
        except (OSError, whoosh_index.EmptyIndexError) as e:
            last = e
            time.sleep(OPEN_RETRY_DELAY * (attempt + 1))
    raise IndexUnavailable(f"the search index could not be opened ({last.__class__.__name__}); "
                           "try again in a moment") from last


class IndexHolder:
    """Per-thread cache of the open index for one index directory."""

    def __init__(self, index_dir: str):
        self.index_dir = index_dir
        self._local = threading.local()

    def get(self) -> OpenIndex:
        cached = getattr(self._local, "entry", None)
        real = generations.current_path(self.index_dir)
        if cached is not None and real == cached[0]:
            path, current = cached
            try:
                if current.searcher.up_to_date():
                    return current
                # An `update` committed into this generation: a new searcher, never refresh().
                fresh = OpenIndex.from_searcher(current.searcher._ix.searcher(),
                                                current.generation)
            except (OSError, whoosh_index.EmptyIndexError):
                fresh = _open(self.index_dir)[1]
            self._replace((path, fresh))
            return fresh
        entry = _open(self.index_dir)
        self._replace(entry)
        return entry[1]

    def _replace(self, entry) -> None:
        old = getattr(self._local, "entry", None)
        self._local.entry = entry
        if old is not None and old[1] is not entry[1]:
            with contextlib.suppress(Exception):
                old[1].searcher.close()

    def close(self) -> None:
        entry = getattr(self._local, "entry", None)
        self._local.entry = None
        if entry is not None:
            with contextlib.suppress(Exception):
                entry[1].searcher.close()


@contextlib.contextmanager
def open_index_searcher(index_dir: str):
    """The live generation of `index_dir`, opened for one use (the CLI)."""
    _, opened = _open(index_dir)
    try:
        yield opened
    finally:
        opened.searcher.close()
