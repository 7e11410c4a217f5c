"""The writing side of the Whoosh backend: full builds into a new generation, and updates.

The recipe is reliability.md's "the recipe the tests guard": take the build lock, build
`gen-<ts>/` with one writer fed by the extraction pool, commit, fsync, write the build
report, swap `current`, fsync the index directory, then delete generations nobody can
still be reading. An update takes the same lock (an update written into a generation that
a reindex is about to replace would be lost, B5) and writes into the live generation in
batches, each committed before the next, so that `update_document` always replaces a
committed document (it keeps both copies of an id added twice in one writer, A5).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Iterable
from importlib.metadata import version
from typing import Any

from whoosh.writing import SegmentWriter

from indexer.work import Extracted
from searchapp.backends.base import Build, IndexUnavailable, Known, Update
from searchapp.backends.whoosh import generations
from searchapp.backends.whoosh.added import Stamp
from searchapp.backends.whoosh.schema import FORMAT_VERSION, HASH, ID, PATH
from searchapp.backends.whoosh.snapshot import check_format, open_generation
from searchapp.backends.whoosh.writer import GenerationWriter

# A chunk of documents becomes a segment when it holds about this much memory, and at
# most this many segments are written at a time (each by a forked child).
WRITER_MEMORY = 160 * 1024 * 1024
WRITERS = 2
# An update commits its changes in batches of this many documents.
UPDATE_BATCH = 2000
UPDATE_REPORT = "last-update.json"


class WhooshBuild(Build):
    """A new generation directory, filled by one GenerationWriter under the build lock."""

    def __init__(self, index_dir: str, lock_timeout: float = 0.0):
        self.index_dir = index_dir
        self.committed = False
        self.path = ""
        self.writer: GenerationWriter | None = None
        self._held = contextlib.ExitStack()
        self._held.enter_context(generations.build_lock(index_dir, timeout=lock_timeout))
        try:
            generations.remove_old_generations(index_dir)
            self.stamp = Stamp(generations.current_path(index_dir))  # first-seen times
            self.generation = generations.new_generation_name()
            self.path = os.path.join(index_dir, self.generation)
            os.makedirs(self.path)
            self.writer = GenerationWriter(self.path, chunk_bytes=WRITER_MEMORY,
                                           writers=WRITERS)
        except BaseException:
            self.abort()
            raise

    def add(self, doc: Extracted) -> bool:
        self.stamp(doc.id, doc.doc.fields)
        return self.writer.add(doc)

    def finish(self) -> dict[str, Any]:
        segments = self.writer.finish()
        generations.fsync_tree(self.path)
        return {"segments": segments}

    def commit(self, report: dict[str, Any]) -> None:
        data = {**report, "format_version": FORMAT_VERSION, "whoosh_version": version("whoosh"),
                "swapped_at_epoch": time.time()}
        generations.write_report(self.path, data)
        generations.swap_current(self.index_dir, self.generation)
        self.committed = True
        try:
            generations.remove_old_generations(self.index_dir)
        finally:
            self._held.close()

    def abort(self) -> None:
        if not self.committed:
            if self.writer is not None:
                self.writer.cancel()
            if self.path:
                shutil.rmtree(self.path, ignore_errors=True)
        self._held.close()


class WhooshUpdate(Update):
    """Changes written into the live generation, batch by batch, under the build lock."""

    def __init__(self, index_dir: str, lock_timeout: float = 0.0):
        self._held = contextlib.ExitStack()
        self._held.enter_context(generations.build_lock(index_dir, timeout=lock_timeout))
        try:
            gen = generations.current_path(index_dir)
            if gen is None:
                raise IndexUnavailable(f"there is no index in {index_dir} to update; build one "
                                       "with `scrapesearch reindex SOURCE...` first")
            check_format(generations.read_report(gen) or {})
            self.path = gen
            self.generation = os.path.basename(gen)
            self.ix = open_generation(gen)
            self.stamp = Stamp(gen)  # first-seen times
        except BaseException:
            self._held.close()
            raise
        self.pending: dict[str, dict] = {}

    def known(self) -> dict[str, Known]:
        with self.ix.searcher() as s:
            return {fields[ID]: Known(fields.get(PATH) or "", fields.get(HASH) or "")
                    for fields in s.all_stored_fields()}

    def _writer(self) -> SegmentWriter:
        return self.ix.writer(timeout=5.0)

    def put(self, doc: Extracted) -> None:
        self.stamp(doc.id, doc.doc.fields)
        self.pending[doc.id] = doc.doc.fields
        if len(self.pending) >= UPDATE_BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self.pending:
            return
        with self._writer() as w:
            for fields in self.pending.values():
                w.update_document(**fields)
        self.pending.clear()

    def remove(self, ids: Iterable[str]) -> None:
        self._flush()
        ids = list(ids)
        if ids:
            with self._writer() as w:
                for article_id in ids:
                    w.delete_by_term(ID, article_id)

    def commit(self, report: dict[str, Any]) -> None:
        self._flush()
        generations.fsync_tree(self.path)
        tmp = os.path.join(self.path, UPDATE_REPORT + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1, ensure_ascii=False)
        os.replace(tmp, os.path.join(self.path, UPDATE_REPORT))
        self._held.close()

    def abort(self) -> None:
        self.pending.clear()
        self._held.close()
