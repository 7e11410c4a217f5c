"""Writing the merged segment's postings and term table, a big field on several cores.

A field with many postings is cut into WORKERS parts of about as many postings (whole
ranges of terms, mergeterms.FieldMerge): this process writes the first part into the
segment's files while forked copies (forked.py) write the others into files of their own
and send back their term infos. Their postings are then appended to the segment's
postings file, and their term infos, with the postings' offset moved by where they were
appended, added to the term table after the first part's: the same files as if one
process had written them all.
"""

from __future__ import annotations

import os
from functools import partial

from whoosh.codec.whoosh3 import W3FieldWriter, W3TermInfo
from whoosh.system import pack_long, unpack_long

from searchapp.backends.whoosh import forked
from searchapp.backends.whoosh.fastwrite import write_terms
from searchapp.backends.whoosh.mergeterms import FieldMerge

# Processes writing a big field's postings at once (as many as building.WRITERS).
WORKERS = 2
# A field with fewer postings than this is written by one process.
PARALLEL_POSTINGS = 500_000
COPY_BYTES = 1 << 22

_OFFSET = W3TermInfo._struct.size  # the postings' offset follows the term info's struct


def write_postings(storage, schema, codec, new, readers, docmaps, lengths) -> None:
    """Write every field's merged postings into `new`'s term table and postings file."""
    fw = W3FieldWriter(codec, storage, new)
    for fieldname in sorted(schema.names()):
        field = schema[fieldname]
        if not field.indexed:
            continue
        field_lengths = lengths.get(fieldname)
        if field_lengths is not None:
            field_lengths = field_lengths.astype("uint32").tolist()
        fm = FieldMerge(readers, docmaps, fieldname, field.format.fixed_value_size())
        parts = _parts(fm) if hasattr(os, "fork") else [(0, len(fm.cuts) - 1)]
        fw._fieldmap.setdefault(fieldname, len(fw._fieldmap))
        children = [forked.Child(partial(_write_part, storage, codec, new, fw._fieldmap,
                                         fieldname, fm, p, field_lengths),
                                 "merging the index's segments") for p in parts[1:]]
        try:
            for f in fm.ranges(*parts[0]):
                write_terms(fw, codec, fieldname, f, field_lengths, 0)
            while children:
                _append(storage, fw, children[0].result())
                children.pop(0)
        finally:
            for child in children:
                child.kill()
    fw.close()


def _parts(fm: FieldMerge) -> list[tuple[int, int]]:
    """The field's ranges cut into WORKERS parts of about as many postings."""
    count = len(fm.cuts) - 1
    total = fm.postings_before(count) if count else 0
    if total < PARALLEL_POSTINGS or count < WORKERS:
        return [(0, count)]
    bounds = [0]
    for k in range(1, WORKERS):
        i = bounds[-1] + 1
        while i < count - (WORKERS - k) and fm.postings_before(i) < total * k / WORKERS:
            i += 1
        bounds.append(i)
    bounds.append(count)
    return list(zip(bounds, bounds[1:], strict=False))


class _Part:
    """Stands in for W3FieldWriter in a child: postings to a file, term infos to a list."""

    def __init__(self, postfile, fieldmap: dict[str, int]):
        self._postfile = postfile
        self._fieldmap = dict(fieldmap)
        self.terms: list[tuple[bytes, bytes]] = []
        self._tindex = self

    def add(self, key: bytes, info: bytes) -> None:
        self.terms.append((key, info))


def _write_part(storage, codec, new, fieldmap, fieldname, fm, part, lengths):
    name = new.make_filename(f".part{part[0]}.tmp")
    postfile = storage.create_file(name)
    sink = _Part(postfile, fieldmap)
    for f in fm.ranges(*part):
        write_terms(sink, codec, fieldname, f, lengths, 0)
    postfile.close()
    return name, sink.terms


def _append(storage, fw, written) -> None:
    """Append a child's postings file and term infos to the segment's."""
    name, terms = written
    base = fw._postfile.tell()
    with open(os.path.join(storage.folder, name), "rb") as f:
        while chunk := f.read(COPY_BYTES):
            fw._postfile.write(chunk)
    storage.delete_file(name)
    add = fw._tindex.add
    for key, info in terms:
        if not info[0]:  # not inlined: move the offset
            offset = unpack_long(info[_OFFSET:_OFFSET + 8])[0] + base
            info = info[:_OFFSET] + pack_long(offset) + info[_OFFSET + 8:]
        add(key, info)
