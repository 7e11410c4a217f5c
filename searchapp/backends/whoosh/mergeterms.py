"""The inverted index of several segments as one: each field's terms in order, with the
postings of every segment renumbered and concatenated (merge.py writes them out).

The postings are read straight from the segment's files in Whoosh 2.7.4's W3 layout (the
same layout fastwrite.py writes; see its docstring): the term table (`_terms._tindex`,
W3TermInfo's `_struct`, then the postings' offset and length) and, for each term, its
posting blocks (pickled block info, then the pickled, maybe zlib-compressed (id deltas,
weights, values)). A field is merged a range of terms at a time (about BATCH_POSTINGS
postings), so memory does not grow with the index; within a range, the postings of all
segments are put in (term, document) order by one stable numpy sort.
"""

from __future__ import annotations

import zlib
from itertools import accumulate, compress
from operator import itemgetter

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.compat import dumps, loads
from whoosh.system import pack_ushort, unpack_int, unpack_long

from searchapp.backends.whoosh.fastwrite import SortedField

# A field is merged in ranges of terms with about this many postings in all.
BATCH_POSTINGS = 1 << 21

_INFO = W3TermInfo._struct
_MAGIC = len(WHOOSH3_HEADER_MAGIC)


class SegmentTerms:
    """One field's term table in one segment: terms, document frequencies, postings' extents."""

    def __init__(self, reader, fieldname: str):
        terms = reader._terms
        self.postfile = terms._postfile
        self.terms: list[bytes] = []
        self.dfs: list[int] = []
        self.infos: list[bytes] = []
        fieldid = terms._fieldmap.get(fieldname)
        if fieldid is None:
            return
        prefix = pack_ushort(fieldid)
        for key, info in terms._tindex.items_from(prefix):
            if key[:2] != prefix:
                break
            self.terms.append(key[2:])
            self.infos.append(info)
        self.dfs = [_INFO.unpack_from(info)[2] for info in self.infos]

    def postings(self, first: int, last: int, fixed_size: int | None):
        """(counts, segment docnums, weights, values or None) of terms first:last."""
        counts, ids, weights = [], [], []
        values = [] if fixed_size != 0 else None
        infos = self.infos[first:last]
        if not infos:
            return counts, ids, weights, values
        extents = [_extent(info) for info in infos]
        start = next((e[0] for e in extents if e[0] >= 0), 0)
        end = max((e[0] + e[1] for e in extents if e[0] >= 0), default=0)
        buf = self.postfile.get(start, end - start) if end > start else b""
        for info, (offset, length) in zip(infos, extents, strict=True):
            before = len(ids)
            if offset < 0:  # inlined into the term info (Whoosh's writer may do it)
                i, w, v = loads(info[_INFO.size:])
                ids.extend(i)
                weights.extend(w)
                if values is not None:
                    values.extend(v)
            else:
                _read_blocks(buf, offset - start, offset - start + length, ids, weights,
                             values, fixed_size)
            counts.append(len(ids) - before)
        return counts, ids, weights, values


def _extent(info: bytes) -> tuple[int, int]:
    if info[0]:
        return -1, 0
    return (unpack_long(info[_INFO.size:_INFO.size + 8])[0],
            unpack_int(info[_INFO.size + 8:_INFO.size + 12])[0])


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


class FieldMerge:
    """One field of several segments, to be merged a range of terms at a time.

    docmaps[s][d] is the merged number of segment s's document d, or -1 when it is
    deleted: its postings are dropped, and a term left without postings is dropped too.
    """

    def __init__(self, readers, docmaps: list[np.ndarray], fieldname: str,
                 fixed_size: int | None):
        self.fieldname, self.docmaps, self.fixed_size = fieldname, docmaps, fixed_size
        self.segs = [SegmentTerms(r, fieldname) for r in readers]
        self.merged = sorted(set().union(*(s.terms for s in self.segs)))
        number = {t: i for i, t in enumerate(self.merged)}
        self.indexes = [np.fromiter((number[t] for t in s.terms), np.int64, len(s.terms))
                        for s in self.segs]
        dfs = np.zeros(len(self.merged), np.int64)
        for s, idx in zip(self.segs, self.indexes, strict=True):
            np.add.at(dfs, idx, np.asarray(s.dfs, np.int64))
        # Postings (deleted documents' too) of the terms up to and with each one.
        self.cum = np.cumsum(dfs)
        self.postings = int(self.cum[-1]) if len(self.cum) else 0

    def read_from(self, readers) -> None:
        """Read the postings through `readers` (the same segments, opened again)."""
        for s, r in zip(self.segs, readers, strict=True):
            s.postfile = r._terms._postfile

    def before(self, postings: int) -> int:
        """The number of terms whose postings end before the first `postings` do."""
        return int(np.searchsorted(self.cum, postings, "right"))

    def ranges(self, first: int, last: int):
        """Terms first:last as SortedFields of about BATCH_POSTINGS postings each (ranges
        left without postings are skipped)."""
        while first < last:
            done = int(self.cum[first - 1]) if first else 0
            end = min(last, max(self.before(done + BATCH_POSTINGS), first + 1))
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
