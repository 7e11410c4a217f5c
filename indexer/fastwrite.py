"""A faster SegmentWriter for full builds: same on-disk format, far less Python per posting.

Whoosh 2.7.4's writer pickles every posting into temporary run files, merges the runs with
heapq, and then files each posting with several method calls and a length lookup: about
half of plain Whoosh's indexing time (profiled on the benchmark collection). Here
postings arrive pre-analysed from the extraction workers (`schema.Preanalyzed`), are kept in
memory grouped by term (compact arrays), and are written block by block.

This leans on 2.7.4's codec internals (W3FieldWriter / W3PostingsWriter block fields); the
version is pinned exactly, and tests/test_fastwrite.py checks that an index written here
answers every query exactly like one written by Whoosh's own writer.
"""

from __future__ import annotations

from array import array

from whoosh.codec.whoosh3 import W3PostingsWriter
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from indexer.schema import Preanalyzed

# Rough bytes of memory per buffered posting and per term (arrays + values + dict entry),
# used to decide when to flush a segment.
POSTING_BYTES = 48
TERM_BYTES = 420


# Blocks with fewer postings than this are written uncompressed: zlib costs more time on
# the many tiny blocks of rare terms than it saves in bytes.
COMPRESS_MIN_POSTINGS = 16

# Per term: [docnums, weights, values]
_DOCNUMS, _WEIGHTS, _VALUES = 0, 1, 2


class TermPool:
    """Postings grouped by (field, term) in memory; stands in for Whoosh's PostingPool."""

    def __init__(self):
        self.fields: dict[str, dict[bytes, list]] = {}
        self.fieldnames: set[str] = set()
        self.postings = 0
        self.nterms = 0

    @property
    def approx_bytes(self) -> int:
        return self.postings * POSTING_BYTES + self.nterms * TERM_BYTES

    def add(self, item):
        fieldname, btext, docnum, weight, vbytes = item
        self.add_many(fieldname, docnum, ((btext, 1, weight, vbytes),))

    def add_many(self, fieldname, docnum, postings):
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        get = terms.get
        n = 0
        for btext, _freq, weight, vbytes in postings:
            tp = get(btext)
            if tp is None:
                tp = terms[btext] = [array("I"), array("f"), []]
                self.nterms += 1
            tp[0].append(docnum)
            tp[1].append(weight)
            if vbytes:
                tp[2].append(vbytes)
            n += 1
        self.postings += n

    def iter_postings(self):
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            for btext in sorted(terms):
                docnums, weights, values = terms[btext]
                values = values or [b""] * len(docnums)
                for docnum, weight, v in zip(docnums, weights, values, strict=True):
                    yield fieldname, btext, docnum, weight, v

    def cleanup(self):
        self.fields.clear()


class FastSegmentWriter(SegmentWriter):
    """SegmentWriter with an in-memory TermPool and block-at-a-time posting output."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
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
                items = value.postings if isinstance(value, Preanalyzed) else field.index(value)
                items = list(items)
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
        fw = self.fieldwriter
        pool = self.pool
        base = self.docbase
        compression = self.codec._compression
        for fieldname in sorted(pool.fields):
            fieldobj = self.schema[fieldname]
            lengths = self._lengths.get(fieldname)
            terms = pool.fields[fieldname]
            fw.start_field(fieldname, fieldobj)
            for btext in sorted(terms):
                fw.start_term(btext)
                _write_postings(fw._postwriter, terms[btext], lengths, base, compression)
                fw.finish_term()
            fw.finish_field()
        pool.cleanup()
        fw.close()


def _write_postings(pw: W3PostingsWriter, tp: list, lengths: array | None,
                    base: int, compression: int) -> None:
    """Fill `pw` block by block; the last block is left for finish_postings() to write."""
    docnums, weights, values = tp
    limit = pw._blocklimit
    n = len(docnums)
    for start in range(0, n, limit):
        if start:
            pw._write_block()  # writes the previous full block and starts a new one
        end = min(start + limit, n)
        ids = docnums[start:end]
        ws = weights[start:end]
        pw._ids = ids
        pw._weights = ws
        pw._values = values[start:end] if values else []
        pw._maxweight = max(ws)
        pw._compression = compression if end - start >= COMPRESS_MIN_POSTINGS else 0
        if lengths is not None:
            ls = [lengths[d - base] for d in ids if d - base < len(lengths)]
            ls = [x for x in ls if x]
            pw._minlength = min(ls) if ls else None
            pw._maxlength = max(ls) if ls else 0
