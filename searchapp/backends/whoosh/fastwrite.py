"""A faster SegmentWriter for full builds: same on-disk format, far less Python per posting.

Whoosh 2.7.4's writer pickles every posting into temporary run files, merges the runs with
heapq, and then files each posting with several method calls and a length lookup: about
half of plain Whoosh's indexing time (profiled on the benchmark collection). Here
postings arrive pre-analysed from the extraction workers (`postings.Preanalyzed`), a
document files one reference per field, and at flush each field's postings are put in
term order by one numpy sort and written a term at a time.

This writes 2.7.4's codec format itself (posting blocks, term infos); the version is
pinned exactly (and checked at import, __init__.py), and tests/backends/whoosh/
test_fastwrite.py checks that an index written here equals one written by Whoosh's own
writer: stored fields, lengths, term infos and every posting. What it relies on:

- SegmentWriter's `perdocwriter`, `fieldwriter`, `docnum`, `docbase`, `codec`,
  `_check_state()`, `_added` and `_flush_segment()` (overridden here);
- W3FieldWriter's `_fieldmap`, `_tindex` and `_postfile`, W3Codec's `_compression` and
  `_blocklimit`, W3TermInfo's `_struct`, and WHOOSH3_HEADER_MAGIC: the block layout;
- HashWriter's `buckets` (256 sequences of (hash, position), appended to, measured and
  iterated by `_write_hashes`) and OrderedHashWriter's `index` and `lastkey`.
"""

from __future__ import annotations

import struct
from array import array
from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.compat import dumps
from whoosh.filedb.filetables import OrderedHashWriter, _lengths
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from searchapp.backends.whoosh.postings import Preanalyzed

try:  # zlib-ng deflates at level 1 in a quarter of zlib's level-3 time (see POSTINGS_LEVEL)
    from zlib_ng import zlib_ng as zlib
except ImportError:  # pragma: no cover - a virtualenv made before it was required
    import zlib

# Blocks with fewer postings than this are written uncompressed: zlib costs more time on
# the many tiny blocks of rare terms than it saves in bytes.
COMPRESS_MIN_POSTINGS = 16
# The zlib level of the posting blocks we write (Whoosh's codec says 3). On the blocks of
# 20,000 bench articles (207 MB before compression), zlib-ng at level 1 took 0.92 s where
# zlib at 3 took 4.0 s, and its blocks inflate faster (0.54 s against 0.76 s), for 28%
# more bytes (116 against 91 MB; the index grows by about an eighth). Any deflate reader
# reads them: the level is only stored in the block info as "compressed".
POSTINGS_LEVEL = 1
# The pickle protocol of a block's data (ids, weights, values). Whoosh writes 2, which
# pickles each bytes value as a call of _codecs.encode on a str: 3 stores bytes as they are
# (26% smaller index, and faster to read). Block infos stay protocol 2 (mergeterms.py
# finds where the data starts by pickling the info again). Whoosh's reader takes both.
DATA_PROTOCOL = 3


@dataclass(slots=True)
class SortedField:
    """A field's postings in term order: term i owns positions bounds[i]:bounds[i + 1]."""

    terms: list[bytes]
    bounds: list[int]
    docnums: np.ndarray  # int64
    deltas: np.ndarray  # int64: docnum minus the previous one of the same term (or itself)
    weights: np.ndarray  # float32, as Whoosh's writer stores them
    values: list[bytes] | JoinedValues | None  # None for a format without values (facets)


class TermPool:
    """Postings of a segment in memory, grouped by term at flush time; stands in for Whoosh's
    PostingPool.

    Adding a document files one reference per field (its packed postings.Preanalyzed, or
    its tuple of (term, frequency, weight, value) postings); the grouping by term is one
    stable numpy sort of all terms of a field, so no Python code runs per posting while
    documents are added.
    """

    def __init__(self):
        # field -> [document numbers, postings of those documents, posting counts]
        self.fields: dict[str, tuple[list[int], list, list[int]]] = {}
        self.fieldnames: set[str] = set()
        self.postings = 0

    def add(self, item):
        fieldname, btext, docnum, weight, vbytes = item
        self.add_many(fieldname, docnum, ((btext, 1, weight, vbytes),))

    def add_many(self, fieldname, docnum, postings):
        """File a document's postings of a field: a Preanalyzed, or a sequence of tuples."""
        entry = self.fields.get(fieldname)
        if entry is None:
            entry = self.fields[fieldname] = ([], [], [])
            self.fieldnames.add(fieldname)
        n = postings.count if isinstance(postings, Preanalyzed) else len(postings)
        entry[0].append(docnum)
        entry[1].append(postings)
        entry[2].append(n)
        self.postings += n

    def sorted_field(self, fieldname, joined: bool = False) -> SortedField | None:
        """All postings of a field in (term, document) order, as parallel lists. With
        `joined`, the values come as one (bytes, uint8 array, int64 ends) JoinedValues
        instead of a list (write_raw: no bytes object per posting)."""
        docs, groups, counts = self.fields[fieldname]
        if not sum(counts):
            return None
        if all(isinstance(g, Preanalyzed) for g in groups):
            keys, weights, values, term_of = _packed_columns(groups)
        else:
            flat = [p for g in groups
                    for p in (g.postings if isinstance(g, Preanalyzed) else g)]
            keys = np.array([p[0] for p in flat])  # fixed width: sorts bytewise, like Whoosh
            weights = np.array([p[2] for p in flat], dtype=np.float32)
            values = [p[3] for p in flat] if flat[0][3] else None
            term_of = [p[0] for p in flat].__getitem__
            del flat
        order = np.argsort(keys, kind="stable")  # stable: documents stay in order per term
        keys = keys[order]
        cuts = (np.flatnonzero(keys[1:] != keys[:-1]) + 1).tolist()
        starts = [0] + cuts
        del keys
        # The terms as given (a fixed-width key has lost trailing zero bytes).
        terms = [term_of(i) for i in order[starts].tolist()]
        docnums = np.repeat(np.asarray(docs, dtype=np.int64), counts)[order]
        deltas = np.diff(docnums, prepend=0)
        deltas[starts] = docnums[starts]  # each term's postings start from 0 again
        weights = weights[order]
        if values is not None:
            if joined:
                values = values.joined(order) if isinstance(values, _Values) else \
                    _joined([values[i] for i in order.tolist()])
            else:
                values = values(order) if isinstance(values, _Values) else \
                    [values[i] for i in order.tolist()]
        return SortedField(terms, starts + [len(order)], docnums, deltas, weights, values)

    def iter_postings(self):
        for fieldname in sorted(self.fields):
            f = self.sorted_field(fieldname)
            if f is None:
                continue
            for i, term in enumerate(f.terms):
                for k in range(f.bounds[i], f.bounds[i + 1]):
                    yield (fieldname, term, f.docnums[k], f.weights[k],
                           f.values[k] if f.values else b"")

    def cleanup(self):
        self.fields.clear()


def _packed_columns(groups: list[Preanalyzed]):
    """(terms as fixed-width bytes, weights, values by sort order, term of posting i) of
    packed postings."""
    term_ends = [np.frombuffer(g.term_ends, np.uint32) for g in groups]
    value_ends = [np.frombuffer(g.value_ends, np.uint32) for g in groups]
    lengths = np.concatenate([np.diff(e, prepend=np.uint32(0)) for e in term_ends])
    width = int(lengths.max())
    # Each term's bytes in a row of its own, padded with zeros (as numpy's "S" type is).
    rows = np.zeros((len(lengths), width), np.uint8)
    rows[np.arange(width) < lengths[:, None]] = np.frombuffer(
        b"".join([g.terms for g in groups]), np.uint8)
    keys = rows.view(f"S{width}").ravel()
    del rows
    term_blob = b"".join([g.terms for g in groups])
    term_stops = np.cumsum(lengths, dtype=np.int64)

    def term_of(i: int) -> bytes:
        stop = int(term_stops[i])
        return term_blob[stop - int(lengths[i]):stop]
    freqs = np.concatenate([np.frombuffer(g.freqs, np.uint32) for g in groups])
    boosts = np.repeat(np.array([g.boost for g in groups]), [g.count for g in groups])
    weights = (freqs * boosts).astype(np.float32)  # as float(freq * boost), then float32
    ends = np.concatenate([e.astype(np.int64) + base for e, base in zip(
        value_ends, np.cumsum([0] + [len(g.values) for g in groups[:-1]]), strict=True)])
    if not ends[-1]:  # a format without values
        return keys, weights, None, term_of
    return keys, weights, _Values(b"".join([g.values for g in groups]), ends), term_of


# Values are gathered into sort order this many postings at a time (an index per byte).
GATHER_POSTINGS = 1 << 18


@dataclass(slots=True)
class JoinedValues:
    """Values of postings joined: value i is data[ends[i - 1]:ends[i]] (from 0 for i = 0)."""

    data: np.ndarray  # uint8
    ends: np.ndarray  # int64


def _joined(values: list[bytes]) -> JoinedValues:
    return JoinedValues(np.frombuffer(b"".join(values), np.uint8),
                        np.cumsum([len(v) for v in values], dtype=np.int64))


class _Values:
    """The values of packed postings (joined, in filing order), taken in sort order."""

    def __init__(self, blob: bytes, ends: np.ndarray):
        self.blob, self.ends = blob, ends
        self.firsts = ends - np.diff(ends, prepend=0)

    def __call__(self, order: np.ndarray) -> list[bytes]:
        blob = self.blob
        stops, firsts = self.ends[order].tolist(), self.firsts[order].tolist()
        return [blob[a:b] for a, b in zip(firsts, stops, strict=True)]

    def joined(self, order: np.ndarray) -> JoinedValues:
        """The values in sort order as one array: a numpy gather, no object per value."""
        src = np.frombuffer(self.blob, np.uint8)
        lengths = (self.ends - self.firsts)[order]
        ends = np.cumsum(lengths)
        parts = []
        for a in range(0, len(order), GATHER_POSTINGS):
            b = min(a + GATHER_POSTINGS, len(order))
            n = lengths[a:b]
            out_first = ends[a:b] - n - (ends[a - 1] if a else 0)
            index = np.repeat(self.firsts[order[a:b]] - out_first, n)
            index += np.arange(len(index), dtype=np.int64)
            parts.append(src[index])
        return JoinedValues(np.concatenate(parts) if parts else src[:0], ends)


class FastSegmentWriter(SegmentWriter):
    """SegmentWriter with an in-memory TermPool and block-at-a-time posting output."""

    def __init__(self, ix, compress_postings: bool = True, raw_postings: bool = False,
                 **kwargs):
        """`compress_postings=False` for a segment that will be merged anyway: its blocks
        are written uncompressed (zlib was a sixth of a segment writer's time), the merge
        compresses what it writes. `raw_postings=True` for a segment that the build merges
        for certain: its postings are not written as blocks at all but as sorted runs
        (write_raw), which only the merge reads; the posting blocks are then encoded once,
        by the merge, instead of encoded here and decoded and encoded again there."""
        super().__init__(ix, **kwargs)
        self.compression = None if compress_postings else 0
        self.raw = raw_postings
        if raw_postings:
            self.newsegment.raw_postings = True  # merge.py must merge it (a TOC attribute)
        self.pool.cleanup()  # the temp-file pool the base class made is never used
        self.pool = TermPool()
        # Scorable field lengths per document, as the per-doc writer quantizes them.
        self._lengths: dict[str, array] = {}

    def add_document(self, **fields):
        self._check_state()
        schema = self.schema
        perdoc = self.perdocwriter
        docnum = self.docnum
        pool = self.pool
        perdoc.start_doc(docnum)
        for fieldname in sorted(n for n in fields if not n.startswith("_")):
            value = fields[fieldname]
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                items = value if isinstance(value, Preanalyzed) else list(field.index(value))
                pool.add_many(fieldname, docnum, items)
                if field.scorable:
                    length = (value.length if isinstance(value, Preanalyzed)
                              else sum(freq for _, freq, _, _ in items))
                    lengths = self._lengths.get(fieldname)
                    if lengths is None:
                        lengths = self._lengths[fieldname] = array("I")
                    missing = docnum - self.docbase - len(lengths)
                    if missing > 0:
                        lengths.extend([0] * missing)
                    lengths.append(byte_to_length(length_to_byte(length)) if length else 0)
            stored = fields.get(f"_stored_{fieldname}", value)
            perdoc.add_field(fieldname, field, stored if field.stored else None, length)
            column = field.column_type
            if column and stored is not None:
                perdoc.add_column_value(fieldname, column, field.to_column_value(stored))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self):
        self.perdocwriter.close()
        pool = self.pool
        if self.raw:
            write_raw(self.storage, self.newsegment, self.fieldwriter._fieldmap, pool)
            pool.cleanup()
            self.fieldwriter.close()
            return
        for fieldname in sorted(pool.fields):
            write_terms(self.fieldwriter, self.codec, fieldname, pool.sorted_field(fieldname),
                        self._lengths.get(fieldname), self.docbase, self.compression)
        pool.cleanup()
        self.fieldwriter.close()


RAW_EXT = ".rawpost"
RAW_TAIL = struct.Struct("<q")  # the file ends with the offset of its pickled table


def write_raw(storage, segment, fieldmap: dict[str, int], pool: TermPool) -> None:
    """A segment's postings as sorted runs, for mergeterms.RawTerms: per field, its terms
    (UTF-8 joined, and their ends), the postings' bounds per term, and the postings'
    document numbers, weights and values (joined, and their ends), each a little-endian
    array; at the end a pickled table {field: {array: (offset, dtype, count)}} and its
    offset. Fields are still numbered in the field map, as write_terms does."""
    f = storage.create_file(segment.make_filename(RAW_EXT))
    table: dict[str, dict[str, tuple[int, str, int]]] = {}
    pos = 0

    def put(entry: dict, name: str, arr: np.ndarray) -> None:
        nonlocal pos
        data = np.ascontiguousarray(arr).tobytes()
        entry[name] = (pos, arr.dtype.str, len(arr))
        f.write(data)
        pos += len(data)

    for fieldname in sorted(pool.fields):
        fieldmap.setdefault(fieldname, len(fieldmap))
        sf = pool.sorted_field(fieldname, joined=True)
        if sf is None:
            continue
        entry = table[fieldname] = {}
        put(entry, "terms", np.frombuffer(b"".join(sf.terms), np.uint8))
        put(entry, "term_ends", np.cumsum([len(t) for t in sf.terms], dtype="<i8"))
        put(entry, "bounds", np.asarray(sf.bounds, "<i8"))
        put(entry, "docnums", sf.docnums.astype("<u4"))  # a segment has < 2**32 documents
        put(entry, "weights", sf.weights.astype("<f4"))
        if sf.values is not None:
            put(entry, "values", sf.values.data)
            put(entry, "value_ends", sf.values.ends.astype("<i8"))
    blob = dumps(table, 4)
    f.write(blob + RAW_TAIL.pack(pos))
    f.close()


def write_terms(fw, codec, fieldname: str, f: SortedField | None, lengths: array | None,
                base: int, compression: int | None = None) -> None:
    """Write the postings and term infos of `f`'s terms into W3FieldWriter `fw`.

    What W3FieldWriter.start_field/start_term/finish_term do, without a method call (and a
    throw-away postings writer) per term. Fields must come in name order, and a field may
    come in several parts (merge.py writes a field a range of terms at a time), each part's
    terms after the previous part's. `lengths[d - base]` is document d's field length.
    """
    fieldmap = fw._fieldmap
    prefix = pack_ushort(fieldmap.setdefault(fieldname, len(fieldmap)))
    if f is None:  # a field without postings still gets its number in the field map
        return
    postfile = fw._postfile
    limit = codec._blocklimit
    if compression is None:
        compression = POSTINGS_LEVEL
    bounds = f.bounds
    offset = postfile.tell()  # then kept here: a tell() per term was 8% of the merge
    infos = []
    for i in range(len(f.terms)):
        info, size = _write_term(postfile, offset, f, bounds[i], bounds[i + 1], lengths,
                                 base, compression, limit)
        infos.append(info)
        offset += size
    add_terms(fw._tindex, [prefix + btext for btext in f.terms], infos)


class HashBucket:
    """One of an OrderedHashWriter's 256 buckets of (key hash, record position) pairs, kept
    in two arrays (12 bytes a term) instead of a list of tuples (about 130 bytes with their
    ints): the term table of a merged segment of 1,000,000 articles holds millions of terms
    (four per article in the id, url, path and hash fields alone), and the writer keeps them
    all until it closes. HashWriter._write_hashes measures and iterates a bucket as it does
    the list, so the file it writes is the same."""

    __slots__ = ("hashes", "positions")

    def __init__(self, entries=()):
        self.hashes = array("I")
        self.positions = array("q")
        for entry in entries:
            self.append(entry)

    def append(self, entry: tuple[int, int]) -> None:
        self.hashes.append(entry[0])
        self.positions.append(entry[1])

    def __len__(self) -> int:
        return len(self.hashes)

    def __iter__(self):
        return zip(self.hashes, self.positions, strict=True)


def compact_buckets(tindex) -> None:
    """Keep `tindex`'s (a HashWriter's) buckets as HashBuckets from here on."""
    tindex.buckets = [b if isinstance(b, HashBucket) else HashBucket(b) for b in tindex.buckets]


def add_terms(tindex, keys: list[bytes], infos: list[bytes]) -> None:
    """tindex.add(key, info) for each pair, in one write.

    For an OrderedHashWriter, what its add() does (check the order, remember the record's
    position in the index and its key's hash in a bucket, write the record), with the
    position counted here instead of a tell() per record. Anything else (merge children's
    term lists) gets its add() called.
    """
    if type(tindex) is not OrderedHashWriter:
        for key, info in zip(keys, infos, strict=True):
            tindex.add(key, info)
        return
    dbfile = tindex.dbfile
    pos = dbfile.tell()
    hashfn, buckets, index, last = tindex.hashfn, tindex.buckets, tindex.index, tindex.lastkey
    out = []
    pack = _lengths.pack
    for key, info in zip(keys, infos, strict=True):
        if key <= last:
            raise ValueError(f"Keys must increase: {last!r}..{key!r}")
        index.append(pos)
        h = hashfn(key)
        buckets[h & 255].append((h, pos))
        record = pack(len(key), len(info)) + key + info
        out.append(record)
        pos += len(record)
        last = key
    dbfile.write(b"".join(out))
    tindex.lastkey = last


_INFO = W3TermInfo._struct.pack
_NO_ID = 0xFFFFFFFF


def _write_term(postfile, start_offset: int, f: SortedField, first: int, last: int,
                lengths: array | None, base: int, compression: int, limit: int
                ) -> tuple[bytes, int]:
    """Write one term's posting blocks as W3PostingsWriter would; return its term info bytes.

    The term's postings are f's positions first:last. Each block is (pickled block info,
    pickled (id deltas, weights, values)), zlib-compressed when it holds
    COMPRESS_MIN_POSTINGS postings or more; the term info records the totals. Returns
    the term info and the bytes written (at `start_offset`, where postfile is).
    """
    n = last - first
    docnums = f.docnums
    if n == 1:  # most terms: one document, one block, nothing to compress or compare
        return _write_single(postfile, start_offset, int(docnums[first]),
                             float(f.weights[first]), f.values[first] if f.values else b"",
                             lengths, base)
    out = [WHOOSH3_HEADER_MAGIC]
    total_weight = 0.0
    max_weight = 0.0
    min_length = None
    max_length = 0
    for start in range(first, last, limit):
        end = min(start + limit, last)
        ids = docnums[start:end].tolist()
        ws = f.weights[start:end].tolist()
        block_max = max(ws)
        total_weight += sum(ws)
        if block_max > max_weight:
            max_weight = block_max
        block_min_len, block_max_len = None, 0
        if lengths is not None and ids[-1] - base < len(lengths):
            ls = [lengths[d - base] for d in ids]
            block_min_len, block_max_len = min(ls), max(ls)
            if min_length is None or block_min_len < min_length:
                min_length = block_min_len
            if block_max_len > max_length:
                max_length = block_max_len
        w0 = ws[0]
        if ws.count(w0) == len(ws):
            mini_weights = None if w0 == 1.0 else w0
        else:
            mini_weights = tuple(ws)
        deltas = f.deltas[start:end].tolist()
        deltas[0] = ids[0]  # every block's ids start from 0 again
        values = tuple(f.values[start:end]) if f.values else None
        data = dumps((tuple(deltas), mini_weights, values), DATA_PROTOCOL)
        comp = compression if end - start >= COMPRESS_MIN_POSTINGS else 0
        if comp:
            data = zlib.compress(data, comp)
        info = dumps((end - start, ids[-1], block_max, comp,
                      length_to_byte(block_min_len), length_to_byte(block_max_len)), 2)
        size = len(info) + len(data)
        out += (pack_int(-size if end == last else size), info, data)
    blob = b"".join(out)
    postfile.write(blob)
    return _INFO(False, total_weight, n, length_to_byte(min_length) if min_length else 0,
                 length_to_byte(max_length), max_weight, int(docnums[first]),
                 int(docnums[last - 1])) + pack_long(start_offset) + pack_int(len(blob)), \
        len(blob)


def _write_single(postfile, start_offset: int, docnum: int, weight: float, value: bytes,
                  lengths: array | None, base: int) -> tuple[bytes, int]:
    data = dumps(((docnum,), None if weight == 1.0 else weight, (value,) if value else None),
                 DATA_PROTOCOL)
    lb = 0
    if lengths is not None and docnum - base < len(lengths):
        lb = length_to_byte(lengths[docnum - base])
    info = dumps((1, docnum, weight, 0, lb, lb), 2)
    blob = WHOOSH3_HEADER_MAGIC + pack_int(-(len(info) + len(data))) + info + data
    postfile.write(blob)
    return _INFO(False, weight, 1, lb, lb, weight, docnum, docnum) + pack_long(start_offset) \
        + pack_int(len(blob)), len(blob)
