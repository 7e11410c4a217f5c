"""The writing side of the Whoosh backend: full builds into a new generation, and updates.

The recipe is reliability.md's "the recipe the tests guard": take the build lock, build
`gen-<ts>/` with one writer fed by the extraction pool, commit, fsync, write the build
report, swap `current`, fsync the index directory, then delete generations nobody can
still be reading. An update takes the same lock (an update written into a generation that
a reindex is about to replace would be lost, B5) and is all or nothing the same way: its
first change makes a new generation whose files are hard links to the live one's (Whoosh
never rewrites a segment file or a TOC: deletions are recorded in the next TOC), its
batches are committed there, each before the next, so that `update_document` always
replaces a committed document (it keeps both copies of an id added twice in one writer,
A5), and `commit()` swaps it in. A killed update leaves a generation without a build
report, which the next run deletes; a full disk is one sentence (DiskFull), and what the
run wrote is deleted before it ends.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Iterable, Mapping
from importlib.metadata import version
from typing import Any

from whoosh.codec.whoosh3 import W3Codec
from whoosh.index import TOC

from indexer.work import Extracted
from searchapp.backends.base import Build, IndexUnavailable, Known, StoredDuplicates, Update
from searchapp.backends.whoosh import dupdata, generations, merge, searchdata
from searchapp.backends.whoosh.added import Stamp
from searchapp.backends.whoosh.fastwrite import FastSegmentWriter
from searchapp.backends.whoosh.generations import disk_full_is_said
from searchapp.backends.whoosh.schema import ADDED, FORMAT_VERSION, HASH, ID, INPUT, PATH
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
        self.known: searchdata.KnownLog | None = None  # for `update`, in the search data
        self.prints: searchdata.KnownLog | None = None  # fingerprints, the same way
        self.clusters: dict[str, str] = {}  # set_clusters
        self._held = contextlib.ExitStack()
        self._held.enter_context(generations.build_lock(index_dir, timeout=lock_timeout))
        try:
            with disk_full_is_said(index_dir):
                generations.remove_old_generations(index_dir)
                self.stamp = Stamp(generations.current_path(index_dir))  # first-seen times
                self.generation = generations.new_generation_name()
                self.path = os.path.join(index_dir, self.generation)
                os.makedirs(self.path)
                self.writer = GenerationWriter(self.path, chunk_bytes=WRITER_MEMORY,
                                               writers=WRITERS,
                                               merged_above=merge.KEEP_SEGMENTS)
                self.known = searchdata.KnownLog(self.path, self.writer.ids)
                self.prints = searchdata.KnownLog(self.path, self.writer.ids,
                                                  columns=("prints",), name="dups")
        except BaseException:
            self.abort()
            raise

    def add(self, doc: Extracted) -> bool:
        self.stamp(doc.id, doc.doc.fields)
        doc.doc.fields[INPUT] = doc.input
        with disk_full_is_said(self.index_dir):
            # numbered as the writer numbers, with the time the stamp gave
            self.known.add(_known_entry(doc.doc.fields), doc.doc.fields.get(ADDED))
            self.prints.add((doc.fingerprint,))
            return self.writer.add(doc)

    def set_clusters(self, clusters: Mapping[str, str]) -> None:
        self.clusters = dict(clusters)

    def finish(self) -> dict[str, Any]:
        """Write the last segments, merge them, write the search data; returns what the
        build report says of the index: its segments, how many were written before the
        merge, and the seconds all this took (the time after the last article was read)."""
        started = time.monotonic()
        with disk_full_is_said(self.index_dir):
            written = self.writer.finish()
            segments = merge.merge_index(open_generation(self.path))
            with open_generation(self.path).searcher() as s:
                searchdata.write(self.path, s, self.known, times=self.known.time_of,
                                 dups=self.prints.arrays({"clusters": self.clusters}),
                                 clusters=self.clusters)
            self.known.close()
            self.prints.close()
            generations.fsync_tree(self.path)
        return {"segments": segments, "segments_written": written,
                "finish_seconds": round(time.monotonic() - started, 2)}

    def commit(self, report: dict[str, Any]) -> None:
        data = {**report, "format_version": FORMAT_VERSION, "whoosh_version": version("whoosh"),
                "swapped_at_epoch": time.time()}
        with disk_full_is_said(self.index_dir):
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
            for log in (self.known, self.prints):
                if log is not None:
                    log.close()
            if self.path:
                shutil.rmtree(self.path, ignore_errors=True)
        self._held.close()


class WhooshUpdate(Update):
    """Changes written into a new generation made of the live one's files, then swapped in.

    Nothing is written until the first change: an update that changes nothing makes no new
    generation (it only records its report beside the live index).
    """

    def __init__(self, index_dir: str, lock_timeout: float = 0.0):
        self.index_dir = index_dir
        self.committed = False
        self.path = ""  # the new generation, once a change has been written
        self._held = contextlib.ExitStack()
        self._held.enter_context(generations.build_lock(index_dir, timeout=lock_timeout))
        try:
            # What a killed or failed run left behind goes before this one adds its own.
            generations.remove_old_generations(index_dir)
            gen = generations.current_path(index_dir)
            if gen is None:
                raise IndexUnavailable(f"there is no index in {index_dir} to update; build one "
                                       "with `scrapesearch reindex SOURCE...` first")
            check_format(generations.read_report(gen) or {})
            self.live = gen
            self.generation = os.path.basename(gen)
            self.ix = open_generation(gen)
            self.stamp = Stamp(gen)  # first-seen times
            with self.ix.reader() as r:  # what its search data was made of
                self.before = ([searchdata.segment_id(seg) for seg, _ in r.leaf_readers()],
                               r.generation(), r.doc_count_all())
        except BaseException:
            self._held.close()
            raise
        self.pending: dict[str, dict] = {}
        self.table: searchdata.KnownTable | None = None  # id -> (path, hash, input), kept
        # up to date from known() on, for the new generation's search data
        self.relabelled = False  # input digests changed in the table only
        self.times: dict[str, float] = {}  # id -> entry time of what this update put
        self.put_prints: dict[str, str] = {}  # id -> fingerprint of what it put
        self.removed: set[str] = set()
        self.cluster_changes: dict[str, str] = {}  # set_clusters

    def duplicates(self) -> StoredDuplicates:
        segments, toc, n = self.before
        return dupdata.Stored(searchdata.load_dups(self.live, toc, n) or {})

    def set_clusters(self, changes: Mapping[str, str]) -> None:
        self.cluster_changes = dict(changes)

    def known(self) -> dict[str, Known]:
        with self.ix.searcher() as s:
            r = s.reader()
            table = searchdata.load_known(self.live, r.generation(), r.doc_count_all())
            if table is None:  # written by an older version: every stored field is read
                table = searchdata.known_of(s, ID, PATH, HASH, INPUT)
        self.table = table
        return {i: Known(path, digest, source) for i, (path, digest, source) in table.items()}

    def relabel(self, article_id: str, input_digest: str) -> bool:
        """Only the search data's table takes the new digest (the document's stored one
        stays: it is read only when the search data is missing, and then costs one read)."""
        if self.table is None or article_id not in self.table:
            return False
        path, digest, _ = self.table[article_id]
        self.table[article_id] = (path, digest, input_digest)
        self.relabelled = True
        return True

    def _writer(self) -> FastSegmentWriter:
        if not self.path:
            self._new_generation()
        # The fast writer (fastwrite.py) of the build, not Whoosh's own (3x slower).
        w = FastSegmentWriter(self.ix, timeout=5.0, codec=W3Codec())
        w.merge = False  # not Whoosh's merge (in Python): merge.merge_small, at the switch
        return w

    def _new_generation(self) -> None:
        """The live generation's index files, hard-linked (or copied) into a new one."""
        name = generations.new_generation_name()
        path = os.path.join(self.index_dir, name)
        self.path = path  # from here on, abort() deletes it
        os.makedirs(path)
        toc = TOC._filename(self.ix.indexname, self.ix.latest_generation())
        segments = {seg.segment_id() for seg in self.ix._segments()}
        pattern = TOC._segment_pattern(self.ix.indexname)
        for entry in os.scandir(self.live):
            m = pattern.match(entry.name)
            if entry.is_file(follow_symlinks=False) and (
                    entry.name == toc or (m and m.group(1) in segments)):
                generations.link_or_copy(entry.path, os.path.join(path, entry.name))
        self.ix = open_generation(path)
        self.generation = name

    def put(self, doc: Extracted) -> None:
        self.stamp(doc.id, doc.doc.fields)
        if doc.doc.fields.get(ADDED) is not None:
            self.times[doc.id] = doc.doc.fields[ADDED]
        doc.doc.fields[INPUT] = doc.input
        self.pending[doc.id] = doc.doc.fields
        self.put_prints[doc.id] = doc.fingerprint
        self.removed.discard(doc.id)
        if self.table is not None:
            self.table[doc.id] = _known_entry(doc.doc.fields)
        if len(self.pending) >= UPDATE_BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self.pending:
            return
        with disk_full_is_said(self.index_dir), self._writer() as w:
            # One searcher finds the batch's old versions: Whoosh's update_document opens a
            # reader over every segment per document (4 articles/s on 20,000 articles).
            with w.searcher() as s:
                for article_id in self.pending:
                    w.delete_by_term(ID, article_id, searcher=s)
            for fields in self.pending.values():
                w.add_document(**fields)
        self.pending.clear()

    def remove(self, ids: Iterable[str]) -> None:
        self._flush()
        ids = list(ids)
        self.removed.update(ids)
        for article_id in ids:
            self.put_prints.pop(article_id, None)
        if self.table is not None:
            for article_id in ids:
                self.table.pop(article_id, None)
        if ids:
            with disk_full_is_said(self.index_dir), self._writer() as w, w.searcher() as s:
                for article_id in ids:
                    w.delete_by_term(ID, article_id, searcher=s)

    def commit(self, report: dict[str, Any]) -> None:
        try:
            with disk_full_is_said(self.index_dir):
                self._flush()
                if not self.path and self.relabelled:  # new digests: new search data
                    self._new_generation()
                report = {**report, "generation": self.generation}
                if not self.path:  # nothing changed: only the report, beside the live index
                    _write_json(os.path.join(self.live, UPDATE_REPORT), report)
                    return
                self._switch(report)
            generations.remove_old_generations(self.index_dir)
        finally:
            self._held.close()

    def _switch(self, report: dict[str, Any]) -> None:
        """Make the new generation complete (fsynced, with reports) and the live one."""
        merge.merge_small(self.ix)
        with self.ix.searcher() as s:
            r = s.reader()
            documents, segments = r.doc_count(), len(list(r.leaf_readers()))
            table = self.table if self.table is not None else \
                searchdata.known_of(s, ID, PATH, HASH, INPUT)
            segments_before, toc, n = self.before
            arrays = searchdata.load(self.live, toc, n)
            dups = dupdata.updated(searchdata.load_dups(self.live, toc, n) or {},
                                   self.put_prints, self.removed, self.cluster_changes)
            searchdata.write(self.path, s, table,
                             (segments_before, arrays) if arrays is not None else None,
                             times=self.times.get, dups=searchdata.dup_arrays(dups),
                             clusters=dupdata.clusters_of_table(dups))
        generations.fsync_tree(self.path)
        _write_json(os.path.join(self.path, UPDATE_REPORT), report)
        built = generations.read_report(self.live) or {}
        generations.write_report(self.path, {
            **built, "generation": self.generation, "documents": documents,
            "segments": segments, "updated_from": os.path.basename(self.live),
            "swapped_at_epoch": time.time()})
        generations.swap_current(self.index_dir, self.generation)
        self.committed = True

    def abort(self) -> None:
        self.pending.clear()
        try:
            if self.path and not self.committed:
                shutil.rmtree(self.path, ignore_errors=True)
        finally:
            self._held.close()


def _known_entry(fields: dict) -> tuple[str, str, str]:
    return fields.get(PATH) or "", fields.get(HASH) or "", fields.get(INPUT) or ""


def _write_json(path: str, data: dict[str, Any]) -> None:
    """Write a JSON file atomically (fsynced, then renamed over the old one)."""
    tmp = path + ".tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)  # a full disk must not leave half a file beside the live index
        raise

