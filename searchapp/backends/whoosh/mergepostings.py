"""Writing the merged segment's postings and term table on several cores.

A field at a time, its terms are cut into WORKERS spans of about as many postings
(mergeterms.FieldMerge); this process writes the first span into the segment's files
while forked copies (forked.py) write the others into files of their own and send back
their term infos. Their postings are then appended to the segment's postings file, and
their term infos, with the postings' offset moved by where they were appended, added to
the term table after the first span's: the same files as if one process wrote them all.
"""

from __future__ import annotations

import os
from functools import partial

from whoosh.codec.whoosh3 import W3FieldWriter, W3TermInfo
from whoosh.reading import SegmentReader
from whoosh.system import pack_long, unpack_long

from searchapp.backends.whoosh import forked
from searchapp.backends.whoosh.fastwrite import compact_buckets, write_terms
from searchapp.backends.whoosh.mapped import release_pages
from searchapp.backends.whoosh.mergeterms import FieldMerge

# Processes writing the postings at once (as many as building.WRITERS).
WORKERS = 2
# Fewer postings than this are written by one process.
PARALLEL_POSTINGS = 500_000
COPY_BYTES = 1 << 22

_OFFSET = W3TermInfo._struct.size  # the postings' offset follows the term info's struct


def write_postings(storage, schema, codec, new, readers, docmaps, lengths) -> None:
    """Write every field's merged postings into `new`'s term table and postings file.

    One field at a time: only that field's term tables are held (the fields of one term per
    article, id, url, path, hash, hold as many terms as there are articles), and the
    forked writers of its other spans copy no more than that.
    """
    fw = W3FieldWriter(codec, storage, new)
    compact_buckets(fw._tindex)  # every term of the merged segment, until it closes
    for fieldname in sorted(schema.names()):
        field = schema[fieldname]
        if not field.indexed:
            continue
        fm = FieldMerge(readers, docmaps, fieldname, field.format.fixed_value_size())
        if fm.merged:
            fw._fieldmap.setdefault(fieldname, len(fw._fieldmap))
            field_lengths = lengths.get(fieldname)
            _write_field(storage, schema, codec, new, readers, fw, fm,
                         None if field_lengths is None
                         else field_lengths.astype("uint32").tolist())
        del fm
    fw.close()


def _write_field(storage, schema, codec, new, readers, fw, fm: FieldMerge, lengths) -> None:
    spans = _spans(fm)
    children = [forked.Child(partial(_write_part, storage, schema, codec, new, readers,
                                     fw._fieldmap, fm, lengths, span, k),
                             "merging the index's segments")
                for k, span in enumerate(spans[1:], 1)]
    try:
        _write_span(fw, codec, fm, lengths, spans[0], readers)
        while children:
            _append(storage, fw, children[0].result())
            children.pop(0)
    finally:
        for child in children:
            child.kill()


def _spans(fm: FieldMerge) -> list[tuple[int, int]]:
    """The field's terms cut into spans of about as many postings: (first, end) terms."""
    total = fm.postings
    workers = WORKERS if total >= PARALLEL_POSTINGS and hasattr(os, "fork") else 1
    cuts = [0]
    for k in range(1, workers):
        cuts.append(min(len(fm.merged), max(fm.before(total * k // workers), cuts[-1])))
    cuts.append(len(fm.merged))
    return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a] or [(0, 0)]


def _write_span(fw, codec, fm: FieldMerge, lengths, span: tuple[int, int], readers) -> None:
    for f in fm.ranges(*span):
        write_terms(fw, codec, fm.fieldname, f, lengths, 0)
        release_pages(readers)


class _Part:
    """Stands in for W3FieldWriter in a child: postings to a file, term infos to a list."""

    def __init__(self, postfile, fieldmap: dict[str, int]):
        self._postfile = postfile
        self._fieldmap = dict(fieldmap)
        self.terms: list[tuple[bytes, bytes]] = []
        self._tindex = self

    def add(self, key: bytes, info: bytes) -> None:
        self.terms.append((key, info))


def _write_part(storage, schema, codec, new, readers, fieldmap, fm, lengths, span, k: int):
    # The segments' files are opened again: where a file is read with seek() and read()
    # rather than mapped, it shares its position with the parent's copy.
    own = [SegmentReader(storage, schema, r.segment()) for r in readers]
    fm.read_from(own)
    name = new.make_filename(f".part{k}.tmp")
    postfile = storage.create_file(name)
    sink = _Part(postfile, fieldmap)
    _write_span(sink, codec, fm, lengths, span, own)
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
