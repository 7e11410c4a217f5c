"""Writing a new index generation: documents in chunks, each chunk a segment by a forked writer.

The parent is the one writer of the generation (it holds the Whoosh lock and writes the
TOC once, at the end); forked copies of it (forked.py) write the segment files with
fastwrite.py.
Relies on Whoosh 2.7.4's writer internals: `TOC`, `clean_files`, the storage's
`temp_storage` and the segment writer's `_finalize_segment` / `_tempstorage`.
"""

from __future__ import annotations

import bisect
import contextlib
import os

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage

from indexer.work import Extracted
from searchapp.backends.base import IndexBusy
from searchapp.backends.whoosh import forked
from searchapp.backends.whoosh.fastwrite import FastSegmentWriter
from searchapp.backends.whoosh.schema import build_schema


class GenerationWriter:
    """The one writer of a new generation: it holds the index lock and commits the TOC.

    Documents are buffered in chunks; each full chunk is written out as one segment by a
    forked copy of this process, while extraction goes on (writing a segment is as much
    work as extracting its articles, so doing it in line would halve the build rate). At
    most `writers` segments are being written at a time. The segments become visible only in
    the single commit at the end, together with the deletions of replaced duplicates.
    """

    def __init__(self, gen_path: str, chunk_bytes: int, writers: int,
                 merged_above: int | None = None):
        self.chunk_limit = chunk_bytes
        self.writers = writers
        # The build merges its segments when it has more than this many (None: never):
        # segments that make the count pass it are written with raw postings (sorted runs
        # only the merge reads: fastwrite.write_raw).
        self.merged_above = merged_above
        self.ix = whoosh_index.create_in(gen_path, build_schema())
        self.lock = self.ix.lock("WRITELOCK")
        if not self.lock.acquire():
            raise IndexBusy(f"the new index generation {gen_path} is locked")
        self.chunk: list[dict] = []
        self.chunk_bytes = 0
        self.added = 0  # documents added so far: the next one's sequence number
        self.starts: list[int] = []  # sequence number of the first document of each chunk
        self.segments: list = []  # finished segments, in chunk order
        self.ids: dict[str, int] = {}  # id -> sequence number of its latest document
        self.replaced: list[int] = []  # sequence numbers of documents replaced by a later one
        self.running: dict[int, forked.Child] = {}  # segment writers at work, by chunk number
        self.done: dict[int, object] = {}  # chunk number -> its finished segment

    def add(self, doc: Extracted) -> bool:
        """Add a prepared article; True when it replaced an earlier one with the same id."""
        old = self.ids.get(doc.id)
        if old is not None:
            self.replaced.append(old)
        self.ids[doc.id] = self.added
        self.added += 1
        self.chunk.append(doc.doc.fields)
        self.chunk_bytes += doc.doc.memory
        if self.chunk_bytes > self.chunk_limit:
            self._write_chunk(self.chunk, self.added - len(self.chunk))
            self.chunk, self.chunk_bytes = [], 0
        return old is not None

    def _write_chunk(self, docs: list[dict], first: int) -> None:
        """Have `docs` (sequence numbers from `first` on) written as the next segment."""
        number = len(self.starts)
        self.starts.append(first)
        # Segment `number` makes number + 1 segments at least: merged if that is too many.
        compress = self.merged_above is None or number + 1 <= self.merged_above
        if not hasattr(os, "fork"):
            self.done[number] = write_segment(self.ix, docs, compress=compress)
            return
        while len(self.running) >= self.writers:
            self._collect(next(iter(self.running)))
        self.running[number] = forked.Child(
            lambda: write_segment(self.ix, docs, private_temp=True, compress=compress),
            "writing a segment of the index")

    def _collect(self, number: int) -> None:
        """Wait for the writer of chunk `number` and keep its segment."""
        self.done[number] = self.running.pop(number).result()

    def finish(self) -> int:
        """Write what is left, commit the generation's TOC; return the number of segments."""
        last, self.chunk = self.chunk, []
        # A big last chunk is written as WRITERS parts at once (nothing is left to extract).
        parts = self.writers if self.chunk_bytes > self.chunk_limit // 4 else 1
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
        for child in self.running.values():
            child.kill()
        self.running.clear()
        with contextlib.suppress(Exception):
            self.lock.release()


def write_segment(ix, docs: list[dict], private_temp: bool = False, compress: bool = True):
    """Write `docs` as one new segment of `ix` (no lock: the caller holds it); return it.
    Without `compress`, its postings are written as sorted runs for the merge (a segment
    the build merges for certain: merge.py), not as posting blocks.

    With `private_temp`, the writer's temporary files go to a folder of its own (Whoosh
    names it after the index, so concurrent writers would share and delete it).
    """
    if private_temp:
        storage = ix.storage
        tag = f"{os.getpid()}-{id(docs):x}"
        storage.temp_storage = lambda name=None: FileStorage(
            os.path.join(storage.folder, f"{name or 'temp'}-{tag}")).create()
    w = FastSegmentWriter(ix, compress_postings=compress, raw_postings=not compress, _lk=False,
                          codec=W3Codec())
    try:
        for fields in docs:
            w.add_document(**fields)
        segment = w._finalize_segment()
    finally:
        w._tempstorage.destroy()
    return segment
