"""The inverted index of several segments as one: each field's terms in order, with the
postings of every segment renumbered and concatenated (merge.py writes them out).

The postings are read straight from the segment's files in Whoosh 2.7.4's W3 layout (the
same layout fastwrite.py writes; see its docstring): the term table (`_terms._tindex`,
W3TermInfo's `_struct`, then the postings' offset and length) and, for each term, its
posting blocks (pickled block info, then the pickled, maybe zlib-compressed (id deltas,
weights, values)). A field is merged a range of terms at a time (about BATCH_POSTINGS
postings), so the postings held in memory do not grow with the index (the term tables
are held whole, as numbers: each segment's terms are read twice, once for the field's
vocabulary and once to number them in it, and only the vocabulary is kept as strings);
within a range, the postings of all segments are put in (term, document) order by one
stable numpy sort.

A segment the build writes only to merge it holds no posting blocks but sorted runs
(fastwrite.write_raw), read here as arrays (RawTerms): the posting blocks of a build are
encoded once, by the merge.
"""

from __future__ import annotations

import os
import struct
import zlib
from itertools import accumulate, compress
from operator import itemgetter

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.compat import dumps, loads
from whoosh.system import pack_ushort, unpack_int

from searchapp.backends.whoosh.fastwrite import RAW_EXT, RAW_TAIL, SortedField

# A field is merged in ranges of terms with about this many postings in all, and at most
# this many terms: a range's postings and terms are Python objects for a moment (keys,
# term infos, records), several hundred bytes each. The fields with a term per article (id,
# url, path, hash) made ranges of a million terms at 1,000,000 articles, which took 500 MB.
BATCH_POSTINGS = 1 << 20
BATCH_TERMS = 1 << 17

_INFO = W3TermInfo._struct
_EXTENT = struct.Struct("!qi")  # after the term info's struct: the postings' offset, length
_MAGIC = len(WHOOSH3_HEADER_MAGIC)


class SegmentTerms:
    """One field's term table in one segment: terms, document frequencies, postings' extents.

    A term info could also hold the postings themselves ("inlined", W3Codec's inlinelimit),
    but 2.7.4 cannot write those (W3PostingsWriter calls a `set_inline` that W3TermInfo
    does not have), so they are refused.
    """

    def __init__(self, reader, fieldname: str):
        terms = reader._terms
        self.postfile = terms._postfile
        self.terms: list[bytes] | None = []  # FieldMerge drops them once it has numbered them
        dfs, offsets, lengths = [], [], []
        fieldid = terms._fieldmap.get(fieldname)
        prefix = pack_ushort(fieldid) if fieldid is not None else None
        for key, info in terms._tindex.items_from(prefix) if prefix else ():
            if key[:2] != prefix:
                break
            if info[0]:
                raise ValueError(f"inlined postings ({fieldname}: {key[2:]!r}) are not "
                                 "from Whoosh 2.7.4")
            offset, length = _EXTENT.unpack_from(info, _INFO.size)
            self.terms.append(key[2:])
            dfs.append(_INFO.unpack_from(info)[2])
            offsets.append(offset)
            lengths.append(length)
        self.dfs = np.array(dfs, np.int64)
        self.offsets = np.array(offsets, np.int64)
        self.lengths = np.array(lengths, np.int64)

    def read_terms(self) -> list[bytes]:
        """The field's terms, in order: kept from reading the table, which goes term by
        term anyway (a build merges one such segment, an update's merge a few small ones)."""
        return self.terms

    def read_from(self, reader) -> None:
        """Read the postings through `reader` (the same segment, opened again)."""
        self.postfile = reader._terms._postfile

    def postings(self, first: int, last: int, fixed_size: int | None):
        """(counts, segment docnums, weights, values or None) of terms first:last."""
        counts, ids, weights = [], [], []
        values = [] if fixed_size != 0 else None
        if first == last:
            return counts, ids, weights, values
        offsets = self.offsets[first:last]
        start, end = int(offsets.min()), int((offsets + self.lengths[first:last]).max())
        buf = self.postfile.get(start, end - start)
        for offset, length in zip(offsets.tolist(), self.lengths[first:last].tolist(),
                                  strict=True):
            before = len(ids)
            _read_blocks(buf, offset - start, offset - start + length, ids, weights, values,
                         fixed_size)
            counts.append(len(ids) - before)
        return counts, ids, weights, values


def _read_blocks(buf, pos: int, end: int, ids: list, weights: list, values: list | None,
                 fixed_size: int | None) -> None:
    """Append one term's postings (the blocks in buf[pos:end]) to the lists."""
    if buf[pos:pos + _MAGIC] != WHOOSH3_HEADER_MAGIC:
        raise ValueError(f"no posting block header at {pos}")
    pos += _MAGIC
    view = memoryview(buf)
    while pos < end:
        size = abs(unpack_int(buf[pos:pos + 4])[0])
        pos += 4
        info = loads(view[pos:pos + size])  # loads ignores the data after the pickle
        n, comp = info[0], info[3]
        data = view[pos + len(dumps(info, 2)):pos + size]
        pos += size
        deltas, w, v = loads(zlib.decompress(data) if comp else data)
        ids.extend(accumulate(deltas))
        if w is None:
            weights.extend([1.0] * n)
        elif isinstance(w, float):
            weights.extend([w] * n)
        else:
            weights.extend(w)
        if values is not None:
            if isinstance(v, bytes):  # a fixed-size format: the values joined
                v = [v[i:i + fixed_size] for i in range(0, len(v), fixed_size)]
            values.extend(v)


class RawTerms:
    """One field's sorted runs in a segment written with raw postings (fastwrite.write_raw):
    what SegmentTerms gives, read as arrays with no block to decode.

    The arrays are read with os.pread from the segment's file (its part of the compound
    file): only the range asked for, and at no shared file position (a forked merge
    writer reads through the same descriptor).
    """

    def __init__(self, reader, fieldname: str):
        self.fd, self.base = _raw_file(reader)
        size = os.fstat(self.fd).st_size if self.base is None else None
        self.table = _raw_table(reader, self.fd, self.base, size).get(fieldname, {})
        if not self.table:
            self.terms, self.dfs = None, np.zeros(0, np.int64)
            return
        self.terms = None  # not kept: read_terms reads them when asked
        bounds = self._read("bounds")  # int32 when it fits: kept for the whole field's merge
        self.bounds = bounds.astype(np.int32) if bounds[-1] < 2**31 else bounds
        self.dfs = np.diff(bounds)

    def read_terms(self) -> list[bytes]:
        if not self.table:
            return []
        blob = self._read("terms").tobytes()
        ends = self._read("term_ends").tolist()
        return [blob[a:b] for a, b in zip([0] + ends[:-1], ends, strict=True)]

    def read_from(self, reader) -> None:
        """Nothing to reopen: pread shares no file position."""

    def _read(self, name: str, first: int = 0, last: int | None = None) -> np.ndarray:
        offset, dtype, count = self.table[name]
        dtype = np.dtype(dtype)
        last = count if last is None else last
        data = os.pread(self.fd, (last - first) * dtype.itemsize,
                        (self.base or 0) + offset + first * dtype.itemsize)
        return np.frombuffer(data, dtype)

    def postings(self, first: int, last: int, fixed_size: int | None):
        """(counts, segment docnums, weights, values or None) of terms first:last."""
        if first == last:
            return [], np.zeros(0, np.int64), np.zeros(0, np.float32), \
                [] if fixed_size != 0 else None
        a, b = int(self.bounds[first]), int(self.bounds[last])
        counts = np.diff(self.bounds[first:last + 1])
        ids = self._read("docnums", a, b)
        weights = self._read("weights", a, b)
        values = None
        if fixed_size != 0:
            if "values" in self.table:
                ends = self._read("value_ends", max(a - 1, 0), b)
                start = int(ends[0]) if a else 0
                if a:
                    ends = ends[1:]
                blob = self._read("values", start, int(ends[-1]) if len(ends) else start)
                blob = blob.tobytes()
                ends = (ends - start).tolist()
                values = [blob[x:y] for x, y in zip([0] + ends[:-1], ends, strict=True)]
            else:
                values = [b""] * (b - a)
        return counts, ids, weights, values


def _raw_file(reader) -> tuple[int, int | None]:
    """(descriptor, offset of the raw postings in it or None for a file of their own) of a
    segment with raw postings; the descriptor is kept on the reader, closed with it."""
    cached = getattr(reader, "_raw_postings_file", None)
    if cached is not None:
        return cached
    seg = reader.segment()
    name = seg.make_filename(RAW_EXT)
    storage = reader._storage
    compound = getattr(storage, "a", None)
    if compound is not None and name in compound.list():
        path = os.path.join(storage.b.folder, seg.make_filename(seg.COMPOUND_EXT))
        base = compound.range(name)[0]
    else:
        path = os.path.join(getattr(storage, "b", storage).folder, name)
        base = None
    fd = os.open(path, os.O_RDONLY)
    reader._raw_postings_file = (fd, base)
    close = reader.close

    def close_too():
        os.close(fd)
        reader.close = close
        close()
    reader.close = close_too
    return fd, base


def _raw_table(reader, fd: int, base: int | None, size: int | None) -> dict:
    cached = getattr(reader, "_raw_postings_table", None)
    if cached is not None:
        return cached
    if base is not None:
        size = reader._storage.a.range(reader.segment().make_filename(RAW_EXT))[1]
    tail = RAW_TAIL.size
    start = RAW_TAIL.unpack(os.pread(fd, tail, (base or 0) + size - tail))[0]
    table = loads(os.pread(fd, size - tail - start, (base or 0) + start))
    reader._raw_postings_table = table
    return table


def segment_terms(reader, fieldname: str):
    """The field's terms of a segment: RawTerms or SegmentTerms as it was written."""
    if getattr(reader.segment(), "raw_postings", False):
        return RawTerms(reader, fieldname)
    return SegmentTerms(reader, fieldname)


class FieldMerge:
    """One field of several segments, to be merged a range of terms at a time.

    docmaps[s][d] is the merged number of segment s's document d, or -1 when it is
    deleted: its postings are dropped, and a term left without postings is dropped too.
    """

    def __init__(self, readers, docmaps: list[np.ndarray], fieldname: str,
                 fixed_size: int | None):
        self.fieldname, self.docmaps, self.fixed_size = fieldname, docmaps, fixed_size
        self.segs = [segment_terms(r, fieldname) for r in readers]
        # Two passes over the segments' terms, each segment's list dropped once read: the
        # lists of a build's few hundred segments held together (a word is in many) took
        # more memory than their union (1 GB at 1,000,000 articles).
        vocabulary: set[bytes] = set()
        for s in self.segs:
            vocabulary.update(s.read_terms())
        self.merged = sorted(vocabulary)
        del vocabulary
        number = {t: i for i, t in enumerate(self.merged)}
        dtype = np.int32 if len(self.merged) < 2**31 else np.int64
        self.indexes = []
        for s in self.segs:  # from here on a segment's terms are their numbers in `merged`
            terms = s.read_terms()
            self.indexes.append(np.fromiter((number[t] for t in terms), dtype, len(terms)))
            s.terms = None
        del number
        dfs = np.zeros(len(self.merged), np.int64)
        for s, idx in zip(self.segs, self.indexes, strict=True):
            np.add.at(dfs, idx, s.dfs)
            s.dfs = None  # the postings' bounds are kept, not the counts
        # Postings (deleted documents' too) of the terms up to and with each one.
        self.cum = np.cumsum(dfs)
        self.postings = int(self.cum[-1]) if len(self.cum) else 0

    def read_from(self, readers) -> None:
        """Read the postings through `readers` (the same segments, opened again)."""
        for s, r in zip(self.segs, readers, strict=True):
            s.read_from(r)

    def before(self, postings: int) -> int:
        """The number of terms whose postings end before the first `postings` do."""
        return int(np.searchsorted(self.cum, postings, "right"))

    def ranges(self, first: int, last: int):
        """Terms first:last as SortedFields of about BATCH_POSTINGS postings and at most
        BATCH_TERMS terms each (ranges left without postings are skipped)."""
        while first < last:
            done = int(self.cum[first - 1]) if first else 0
            end = min(last, first + BATCH_TERMS,
                      max(self.before(done + BATCH_POSTINGS), first + 1))
            f = _merge_range(self.segs, self.indexes, self.docmaps, self.merged, first, end,
                             self.fixed_size)
            if f is not None:
                yield f
            first = end


def _merge_range(segs, indexes, docmaps, merged, a: int, b: int, fixed_size: int | None):
    keys, docnums, weights, values = [], [], [], []
    for s, idx, docmap in zip(segs, indexes, docmaps, strict=True):
        first, last = np.searchsorted(idx, [a, b])
        if first == last:
            continue
        counts, ids, w, v = s.postings(int(first), int(last), fixed_size)
        new = docmap[np.asarray(ids, np.int64)]
        k = np.repeat(idx[first:last], counts)
        w = np.asarray(w, np.float32)
        live = new >= 0
        if not live.all():
            new, k, w = new[live], k[live], w[live]
            if v is not None:
                v = list(compress(v, live.tolist()))
        keys.append(k)
        docnums.append(new)
        weights.append(w)
        if v is not None:
            values.extend(v)
    if not keys or not sum(len(k) for k in keys):
        return None
    keys = np.concatenate(keys)
    order = np.argsort(keys, kind="stable")  # stable: segment order, so document order
    keys = keys[order]
    docnums = np.concatenate(docnums)[order]
    starts = [0] + (np.flatnonzero(keys[1:] != keys[:-1]) + 1).tolist()
    deltas = np.diff(docnums, prepend=0)
    deltas[starts] = docnums[starts]
    if fixed_size == 0:
        values = None
    elif len(order) > 1:
        values = list(itemgetter(*order.tolist())(values))
    return SortedField([merged[k] for k in keys[starts].tolist()], starts + [len(keys)],
                       docnums, deltas, np.concatenate(weights)[order], values)
