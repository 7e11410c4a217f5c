"""Merging a generation's segments into one, in Whoosh 2.7.4's W3 format, without Whoosh's
writer.

Whoosh merges (commit(optimize=True), MERGE_SMALL) by adding every document and posting
again through its Python writer: 118 s of CPU for the 9 segments of 20,000 articles, where
this takes 28 s (15 s on two cores, mergepostings.py). Here the merged segment is
written from the segments' files: the postings a range of terms at a time (mergeterms.py,
written by fastwrite.write_terms), the stored fields as the segments' own compressed
records, the field lengths and numeric columns as whole arrays. The segments a build writes
past KEEP_SEGMENTS hold raw sorted runs, not posting blocks (fastwrite.write_raw): they are
always merged. Deleted documents are dropped and the others renumbered in segment order,
as Whoosh's merge does, and tests/backends/whoosh/test_merge.py checks that the result
reads the same as Whoosh's optimize.

The merged segment replaces the old ones in a new TOC generation (Whoosh writes a TOC by
rename and never rewrites a segment), so a reader sees either the old segments or the
new one. One difference from Whoosh: a field's total length (BM25's average length) stays
the exact sum, less the byte-coded lengths of deleted documents, where Whoosh's merge adds
up the byte-coded lengths of the remaining ones.

Relies on (besides what fastwrite.py and mergeterms.py name): the per-document reader's
`_get_column_file`, the segment's `_fieldlengths`, `TOC` and `clean_files`.
"""

from __future__ import annotations

import numpy as np
from whoosh import columns
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, _lenfield
from whoosh.index import TOC, LockError, clean_files
from whoosh.reading import SegmentReader
from whoosh.util.numeric import byte_to_length

from searchapp.backends.whoosh import phrasedata
from searchapp.backends.whoosh.codec import raw_numeric
from searchapp.backends.whoosh.mapped import release_pages
from searchapp.backends.whoosh.mergepostings import write_postings

# A build merges its segments into one when it wrote more than this many (tests raise it to
# keep the segments apart).
KEEP_SEGMENTS = 1
# An update merges segments when it leaves more than this many (merge_small).
UPDATE_SEGMENTS = 4
STORED = "_stored"
# Postings per block in a merged segment (Whoosh writes 128). A term's first read parses
# and inflates every block; a phrase inflates and unpickles the blocks of its candidates:
# per-block calls were most of a common word's first read at 200,000 articles. With 1,024
# the first read of a four-field phrase of common words took 15% less (first reads in
# fresh processes, as bench/cold_queries.py measures), and the index was 8% smaller
# (2,098 -> 1,928 MB): longer blocks deflate better.
MERGED_BLOCK_POSTINGS = 1024
# byte -> length, for the byte-coded field lengths.
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.int64)


def merge_index(ix, keep: int | None = None) -> int:
    """Merge the segments of `ix` (not live: nobody else writes it) into one, when it has
    more than `keep` (KEEP_SEGMENTS); commit them as the next TOC generation. Returns the
    number of segments."""
    keep = KEEP_SEGMENTS if keep is None else keep
    return _commit_merge(ix, lambda segments: list(range(len(segments)))
                         if len(segments) > keep else [])


def merge_small(ix, most: int | None = None) -> int:
    """The update's policy: when `ix` has more than `most` segments (UPDATE_SEGMENTS), merge
    the smallest ones into one, as many as it takes to have `most` left, and then the next
    smallest as long as it is no bigger than those merged so far (so a big segment is
    rewritten only once the small ones add up to its size: each document is rewritten a
    logarithmic number of times). Returns the number of segments."""
    most = UPDATE_SEGMENTS if most is None else most
    return _commit_merge(ix, lambda segments: _smallest(segments, most))


def _smallest(segments, most: int) -> list[int]:
    if len(segments) <= most:
        return []
    order = sorted(range(len(segments)), key=lambda i: segments[i].doc_count())
    take = len(segments) - most + 1
    size = sum(segments[i].doc_count() for i in order[:take])
    while take < len(order) and segments[order[take]].doc_count() <= size:
        size += segments[order[take]].doc_count()
        take += 1
    return sorted(order[:take])


def _commit_merge(ix, choose) -> int:
    """Merge the segments `choose(segments)` picks (by position) into one, put after the
    others in a new TOC generation; return the number of segments then. Segments whose
    documents are all deleted are left out in any case."""
    lock = ix.lock("WRITELOCK")
    if not lock.acquire():
        raise LockError(f"the index in {ix.storage.folder} is being written")
    try:
        toc = ix._read_toc()
        kept = [seg for seg in toc.segments if seg.doc_count()]
        # A segment with raw postings (fastwrite.write_raw) is readable only by the merge:
        # it is merged whatever the policy says (by itself if need be).
        chosen = sorted(set(choose(kept)) | {i for i, seg in enumerate(kept)
                                             if getattr(seg, "raw_postings", False)})
        if not chosen and len(kept) == len(toc.segments):
            return len(kept)
        segments = [seg for i, seg in enumerate(kept) if i not in chosen]
        if chosen:
            new = merge_segments(ix.storage, ix.schema, ix.indexname,
                                 [kept[i] for i in chosen])
            if new.doc_count_all():
                segments.append(new)
        TOC(ix.schema, segments, toc.generation + 1).write(ix.storage, ix.indexname)
        clean_files(ix.storage, ix.indexname, toc.generation + 1, segments)
        return len(segments)
    finally:
        lock.release()


def merge_segments(storage, schema, indexname: str, segments: list):
    """Write the documents of `segments` that are not deleted as one new segment."""
    readers = [SegmentReader(storage, schema, seg) for seg in segments]
    try:
        docmaps, count = _docmaps(segments)
        codec = W3Codec(blocklimit=MERGED_BLOCK_POSTINGS)
        new = codec.new_segment(storage, indexname)
        lengths, deleted = _write_columns(storage, schema, new, readers, docmaps, count)
        release_pages(readers)
        write_postings(storage, schema, codec, new, readers, docmaps, lengths)
    finally:
        for r in readers:
            r.close()
    new.set_doc_count(count)
    new._fieldlengths = _field_totals(segments, deleted)
    new.create_compound_file(storage)
    phrasedata.write(storage, schema, new)  # after: the compound file takes every file
    return new


def _docmaps(segments) -> tuple[list[np.ndarray], int]:
    """Per segment, the merged number of each document (-1: deleted); the merged count."""
    docmaps, base = [], 0
    for seg in segments:
        live = np.ones(seg.doc_count_all(), dtype=bool)
        live[list(seg.deleted_docs())] = False
        numbers = np.cumsum(live) - 1 + base
        numbers[~live] = -1
        docmaps.append(numbers)
        base += int(live.sum())
    return docmaps, base


def _write_columns(storage, schema, new, readers, docmaps, count
                   ) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """Write the merged segment's columns; return each scorable field's lengths in the
    merged documents, and the sum of its (byte-coded) lengths in the deleted ones."""
    _copy_stored(storage, new, readers, docmaps, count)
    lengths, deleted = {}, {}
    for name in schema.scorable_names():
        parts = [_numeric(r, _lenfield(name), LENGTHS_COLUMN) for r in readers]
        if all(p is None for p in parts):
            continue
        parts = [np.zeros(len(m), np.uint8) if p is None else p
                 for p, m in zip(parts, docmaps, strict=True)]
        deleted[name] = sum(int(_LENGTHS[p[m < 0]].sum())
                            for p, m in zip(parts, docmaps, strict=True))
        merged = np.concatenate([p[m >= 0] for p, m in zip(parts, docmaps, strict=True)])
        if merged.any():  # Whoosh writes a length column when a document has a length
            _write_numeric(storage, new, _lenfield(name), LENGTHS_COLUMN, merged)
        lengths[name] = _LENGTHS[merged]
    for name in schema.names():
        column = schema[name].column_type
        if column is None or name == STORED:
            continue
        if not isinstance(column, columns.NumericColumn):
            raise NotImplementedError(f"merging a {type(column).__name__} ({name})")
        parts = [None if p is None else p[m >= 0] for r, m in zip(readers, docmaps, strict=True)
                 for p in [_numeric(r, name, column)]]
        if all(p is None or not len(p) for p in parts):
            continue
        dtype = next(p.dtype for p in parts if p is not None)
        merged = np.concatenate([np.full(int((m >= 0).sum()), column._default, dtype)
                                 if p is None else p
                                 for p, m in zip(parts, docmaps, strict=True)])
        _write_numeric(storage, new, name, column, merged)
    return lengths, deleted


def _numeric(reader, name: str, column) -> np.ndarray | None:
    """A segment's whole numeric column (defaults filled in), or None if it has none."""
    perdoc = reader._perdoc
    if not perdoc.has_column(name):
        return None
    count = reader.doc_count_all()
    col = perdoc.column_reader(name, column)
    raw = raw_numeric(col, count)
    if raw is None:
        raise NotImplementedError(f"merging column {name}: not a fixed-width array")
    return raw


def _write_numeric(storage, new, name: str, column, values: np.ndarray) -> None:
    """A fixed-width column as Whoosh's writer leaves it: big-endian values up to the last
    one that is not the default (a reader fills in the default after it)."""
    present = np.flatnonzero(values != column._default)
    values = values[:present[-1] + 1] if len(present) else values[:0]
    f = storage.create_file(W3Codec.column_filename(new, name))
    f.write(values.astype(np.dtype(">" + column._typecode)).tobytes())
    f.close()


def _copy_stored(storage, new, readers, docmaps, count) -> None:
    """The stored fields: each document's compressed record, copied as it is."""
    f = storage.create_file(W3Codec.column_filename(new, STORED))
    writer = columns.VarBytesColumn().writer(f)
    for reader, docmap in zip(readers, docmaps, strict=True):
        perdoc = reader._perdoc
        if not perdoc.has_column(STORED):
            continue
        colfile, offset, length = perdoc._get_column_file(STORED)
        records = columns.VarBytesColumn().reader(colfile, offset, length,
                                                  reader.doc_count_all())
        for old, new_number in enumerate(docmap.tolist()):
            if new_number >= 0:
                record = records[old]
                if record:
                    writer.add(new_number, record)
        colfile.close()
        release_pages([reader])  # what was read of its mapped file (mapped.py)
    writer.finish(count)
    f.close()


def _field_totals(segments, deleted: dict[str, int]) -> dict[str, int]:
    """Each field's total length: the segments' exact totals, less the deleted documents'
    byte-coded lengths (their exact lengths are not kept)."""
    totals: dict[str, int] = {}
    for seg in segments:
        for name, total in getattr(seg, "_fieldlengths", {}).items():
            totals[name] = totals.get(name, 0) + total
    totals = {n: t - deleted.get(n, 0) for n, t in totals.items()}
    return {n: t for n, t in totals.items() if t > 0}
