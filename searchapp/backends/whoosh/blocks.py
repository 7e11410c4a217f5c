"""Posting blocks read straight from their bytes: ids and weights without unpickling them.

A Whoosh 2.7.4 posting block (whoosh3.W3PostingsWriter, and fastwrite.py) is a pickled
info tuple (postings, last id, max weight, compression, min and max length bytes) and a
pickled, maybe zlib-compressed, data tuple (id deltas, weights, values). Unpickling the data
makes a Python object of every delta, weight and value: with pickle protocol 2 a value
(bytes) is even a call of `_codecs.encode` on a latin-1 string. Most of a common word's
reading time went there, for values a plain query never looks at.

Here the data pickle's first two items are parsed from its opcodes: the ids tuple is
BININT1/BININT2/BININT opcodes (mostly BININT1: deltas below 256 read with one strided
`frombuffer`), the weights None, one BINFLOAT or a tuple of them. Opcodes are the same in
protocols 2 and 3 (they differ in how bytes are written, which is past what is parsed).
A compressed block is inflated only as far as its ids and weights go; a term's blocks of
the common shape are parsed together in whole-array operations, the others one by one.
The values of a block are unpickled only when asked for, block by block (`values_at`).
Anything else (an inlined term, an opcode not expected here) raises Unrecognised, and the
caller reads the term with Whoosh's matcher instead (codec.read_postings).
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass

import numpy as np

try:  # zlib-ng inflates the same bytes in a half to a third of zlib's time
    from zlib_ng import zlib_ng as zlib
except ImportError:  # pragma: no cover - a virtualenv made before it was required
    import zlib
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.reading import TermNotFound

_PROTO, _MARK, _TUPLE, _EMPTY_TUPLE = 0x80, 0x28, 0x74, 0x29
_TUPLE_N = {0x85: 1, 0x86: 2, 0x87: 3}
_BININT1, _BININT2, _BININT, _BINFLOAT, _NONE = 0x4B, 0x4D, 0x4A, 0x47, 0x4E
_BINPUT, _LONG_BINPUT = 0x71, 0x72
_PROTOCOLS = (2, 3)
FEW_BLOCKS = 4  # terms of fewer blocks are parsed block by block
_OP_FLOAT = np.dtype([("op", "u1"), ("value", ">f8")])  # a BINFLOAT opcode, 9 bytes


class Unrecognised(ValueError):
    """A posting list this module does not read (the caller falls back on Whoosh's)."""


@dataclass(frozen=True, slots=True)
class BlockTable:
    """Where one term's blocks lie in a segment's postings file, and what ids they hold."""

    postfile: object  # the segment's postings file (get(offset, length) -> bytes)
    starts: np.ndarray  # int64 file offset of each block's data pickle
    ends: np.ndarray  # int64 end of it
    compressed: np.ndarray  # bool
    counts: np.ndarray  # int64 postings per block
    last_ids: np.ndarray  # int64 last segment document number of each block


def term_extent(seg, fieldname: str, btext: bytes):
    """(postings file, offset, length) of a term in a segment, or None when it has none."""
    terms = seg._terms
    try:
        info = terms.term_info(fieldname, btext)
    except (KeyError, TermNotFound):
        return None
    if info.is_inlined():
        raise Unrecognised("inlined postings")
    offset, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes keeps unpack_int's tuple
        (length,) = length
    return terms._postfile, offset, length


def read_term(postfile, offset: int, length: int
              ) -> tuple[np.ndarray, np.ndarray, BlockTable]:
    """(ids, weights, block table) of the term whose postings are at offset:offset+length."""
    table, raws = _walk(postfile, offset, length, True)
    ids, weights = _all_blocks(raws, table.counts)
    return ids, weights, table


def read_table(postfile, offset: int, length: int) -> BlockTable:
    """The block table of the term whose postings are at offset:offset+length (nothing
    inflated)."""
    return _walk(postfile, offset, length, False)[0]


def _walk(postfile, offset: int, length: int, with_raws: bool
          ) -> tuple[BlockTable, list[bytes]]:
    """The term's block table, and (with_raws) each block's data as far as its ids and
    weights go."""
    buf = postfile.get(offset, length)
    if buf[:4] != WHOOSH3_HEADER_MAGIC:
        raise Unrecognised("no posting block header")
    pos, end = 4, len(buf)
    raws, starts, ends, comps, counts, lasts = [], [], [], [], [], []
    view = memoryview(buf)
    while pos < end:
        size = abs(int.from_bytes(buf[pos:pos + 4], "big", signed=True))
        pos += 4
        (n, last, _maxw, comp, _mn, _mx), info_len = _info(view, pos)
        data = view[pos + info_len:pos + size]
        starts.append(offset + pos + info_len)
        ends.append(offset + pos + size)
        pos += size
        comps.append(bool(comp))
        counts.append(n)
        lasts.append(last)
        if with_raws:
            # The ids and weights come first: a BININT is 5 bytes, a BINFLOAT 9, so past
            # 14 a posting and the marks the values are not inflated at all.
            raws.append(zlib.decompressobj().decompress(data, 14 * n + 16) if comp
                        else bytes(data[:14 * n + 16]))
    if pos != end or not counts:
        raise Unrecognised("posting blocks do not end where the term does")
    table = BlockTable(postfile, np.array(starts, np.int64), np.array(ends, np.int64),
                       np.array(comps, bool), np.array(counts, np.int64),
                       np.array(lasts, np.int64))
    return table, raws


def _all_blocks(raws: list[bytes], counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ids and weights of every block: the blocks of the common shape (ids BININT1 after
    the first, weights none, one, or one BINFLOAT each) parsed together, the others one by
    one (_ids_weights)."""
    if len(raws) >= FEW_BLOCKS:
        deltas, weights, ok = _common_blocks(raws, counts)
    else:  # a few: one by one costs fewer numpy calls
        total = int(counts.sum())
        deltas, weights = np.empty(total, np.int64), np.empty(total, np.float32)
        ok = np.zeros(len(raws), bool)
    firsts = np.cumsum(counts) - counts
    for k in np.flatnonzero(~ok).tolist():
        d, w = _ids_weights(raws[k], int(counts[k]))
        at = slice(int(firsts[k]), int(firsts[k] + counts[k]))
        deltas[at], weights[at] = d, w
    # Each block's first delta is its first id: the running sum restarts at each block.
    total = np.cumsum(deltas)
    before = np.where(firsts > 0, total[np.maximum(firsts - 1, 0)], 0)
    return total - np.repeat(before, counts), weights


def _common_blocks(raws: list[bytes], counts: np.ndarray):
    """(deltas, weights, which blocks were parsed) over the blocks joined, all at once."""
    sizes = np.array([len(r) for r in raws], np.int64)
    b = np.frombuffer(b"".join(raws), np.uint8)
    off = np.cumsum(sizes) - sizes
    stop = off + sizes  # each block's end: every opcode read must lie before it
    blocks, total = len(raws), int(counts.sum())

    def at(i):  # out-of-range positions read the first or last byte (checked after)
        return b.take(i, mode="clip")

    ok = (at(off) == _PROTO) & ((at(off + 1) == 2) | (at(off + 1) == 3))
    marked = counts > 3
    ok &= ~marked | (at(off + 2) == _MARK)
    p = off + 2 + marked
    op = at(p)
    width = np.select([op == _BININT1, op == _BININT2, op == _BININT], [1, 2, 4], 0)
    ok &= width > 0
    arg = [at(p + 1 + j).astype(np.int64) for j in range(4)]
    first = np.select([width == 1, width == 2],
                      [arg[0], arg[0] | arg[1] << 8],
                      (arg[0] | arg[1] << 8 | arg[2] << 16 | arg[3] << 24).astype(np.int32))
    rest = p + 1 + width
    blk = np.repeat(np.arange(blocks), counts)
    i = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    pos = rest[blk] + 2 * (i - 1)  # each later id's BININT1 (i >= 1)
    later = i > 0
    bad = later & ((at(pos) != _BININT1) | (pos + 1 >= stop[blk]))
    ok &= np.bincount(blk[bad], minlength=blocks) == 0
    deltas = np.where(later, at(pos + 1), 0).astype(np.int64)
    deltas[~later] = first
    close = rest + 2 * (counts - 1)
    ok &= np.where(marked, at(close) == _TUPLE, at(close) == 0x84 + np.minimum(counts, 3))
    memo = close + 1
    w = memo + np.select([at(memo) == _BINPUT, at(memo) == _LONG_BINPUT], [2, 5], 0)
    wop = at(w)
    # Weights: None (all 1.0), one BINFLOAT for all, or a tuple of n (marked past 3).
    fstart = w + marked  # the first BINFLOAT of a tuple
    fpos = fstart[blk] + 9 * i
    floats_here = np.bincount(blk[at(fpos) == _BINFLOAT], minlength=blocks) == counts
    fclose = fstart + 9 * counts
    tupled = floats_here & (fclose < stop) & np.where(
        marked, (wop == _MARK) & (at(fclose) == _TUPLE),
        at(fclose) == 0x84 + np.minimum(counts, 3))
    single = ~tupled & (wop == _BINFLOAT) & (w + 9 <= stop)
    ok &= tupled | single | (wop == _NONE)
    weights = np.ones(total, np.float32)
    need = ((tupled | single) & ok)[blk]
    grab = np.where(tupled[blk], fpos + 1, w[blk] + 1)[need]
    raw8 = b.take(grab[:, None] + np.arange(8), mode="clip")
    weights[need] = np.ascontiguousarray(raw8).view(">f8").ravel()
    ok &= close < stop
    return deltas, weights, ok


def values_at(table: BlockTable, ids: np.ndarray, docs: np.ndarray, fixed_size=None,
              cache=None) -> list[bytes]:
    """The encoded values of the postings of `docs` (sorted segment document numbers, each
    one of the term's `ids`), unpickling only the blocks that hold them (kept in `cache`,
    an LRU with get/put, when given)."""
    if not len(docs):
        return []
    at = np.searchsorted(ids, docs)  # each posting's place in the term
    blocks = np.searchsorted(np.cumsum(table.counts), at, side="right")
    firsts = np.cumsum(table.counts) - table.counts
    within = (at - firsts[blocks]).tolist()
    out: list[bytes] = []
    bounds = np.flatnonzero(np.diff(blocks)) + 1
    for lo, hi in zip([0, *bounds.tolist()], [*bounds.tolist(), len(docs)], strict=True):
        b = int(blocks[lo])
        key = (id(table.postfile), int(table.starts[b]))
        hit = cache.get(key) if cache is not None else None
        if hit is not None:
            values = hit[0]
        else:
            values = block_values(table, b, fixed_size)
            if cache is not None:
                cache.put(key, values, int(table.ends[b] - table.starts[b]))
        out.extend([values[k] for k in within[lo:hi]])
    return out


def block_values(table: BlockTable, b: int, fixed_size=None) -> tuple:
    """Every encoded value of block `b`."""
    start = int(table.starts[b])
    raw = table.postfile.get(start, int(table.ends[b]) - start)
    if table.compressed[b]:
        raw = zlib.decompress(raw)
    values = _loads(raw)[2]
    if values is None:
        return (b"",) * int(table.counts[b])
    if isinstance(values, bytes):  # a fixed-size format: the values joined
        return tuple(values[i:i + fixed_size] for i in range(0, len(values), fixed_size))
    return values


# Pickle protocol 2 writes each bytes value as a call of _codecs.encode(text, "latin1");
# read as protocol 4 (which reads every older opcode) the same call can name str.encode,
# which encodes latin-1 without looking the codec up: a block unpickles about 30% faster.
_CODECS_ENCODE = b"c_codecs\nencode\n"
_STR_ENCODE = b"cbuiltins\nstr.encode\n"


def _loads(raw: bytes):
    """pickle.loads of a block's data; a protocol-2 one with str.encode for _codecs.encode
    (the first GLOBAL: no 16 bytes of the ids and weights before it can spell it)."""
    if raw[:2] == b"\x80\x02" and _CODECS_ENCODE in raw:
        try:
            return pickle.loads(b"\x80\x04" + raw[2:].replace(_CODECS_ENCODE, _STR_ENCODE, 1))
        except Exception:  # another global of protocol 2's names: read it as written
            pass
    return pickle.loads(raw)


def _info(view: memoryview, pos: int) -> tuple[tuple, int]:
    """A block's info tuple and the length of its pickle (the data pickle follows it)."""
    if view[pos] != _PROTO or view[pos + 1] not in _PROTOCOLS:
        raise Unrecognised("posting block info of another pickle protocol")
    info = pickle.loads(view[pos:])  # stops at the info's STOP
    if not (isinstance(info, tuple) and len(info) == 6):
        raise Unrecognised("posting block info of another shape")
    encoded = pickle.dumps(info, view[pos + 1])
    if view[pos:pos + len(encoded)] != encoded:
        raise Unrecognised("posting block info pickled differently")
    return info, len(encoded)


def _ids_weights(raw, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The id deltas (int64) and weights (float32) of a block's data pickle."""
    b = np.frombuffer(raw, np.uint8)
    if len(b) < 3 or b[0] != _PROTO or b[1] not in _PROTOCOLS:
        raise Unrecognised("posting block data of another pickle protocol")
    deltas, p = _tuple_of_ints(raw, b, 2, n)
    p = _skip_memo(b, p)
    op = b[p]
    if op == _NONE:
        return deltas, np.ones(n, np.float32)
    if op == _BINFLOAT and not (n <= 3 and _closes_floats(b, p, n)):  # one for all
        w = np.frombuffer(raw, ">f8", 1, p + 1)[0]
        return deltas, np.full(n, w, np.float32)
    weights = _tuple_of_floats(raw, b, p, n)
    return deltas, weights


def _tuple_of_ints(raw, b: np.ndarray, p: int, n: int) -> tuple[np.ndarray, int]:
    """A tuple of `n` small non-negative ints pickled at p: (values, position after it)."""
    if n == 0:
        raise Unrecognised("an empty block")
    marked = n > 3
    if marked:
        if b[p] != _MARK:
            raise Unrecognised("ids not a tuple")
        p += 1
    out = np.empty(n, np.int64)
    i = 0
    while i < n:
        # The common run: BININT1 opcodes (a delta below 256), read in one stride.
        run = n - i
        stop = p + 2 * run
        if stop <= len(b) and b[p] == _BININT1:
            ops = b[p:stop:2]
            if ops.min() == _BININT1 == ops.max():
                out[i:] = b[p + 1:stop:2]
                p, i = stop, n
                break
            k = int(np.argmin(ops == _BININT1))  # the first other opcode
            out[i:i + k] = b[p + 1:p + 2 * k:2]
            p += 2 * k
            i += k
        op = b[p]
        if op == _BININT1:
            out[i] = b[p + 1]
            p += 2
        elif op == _BININT2:
            out[i] = int.from_bytes(raw[p + 1:p + 3], "little")
            p += 3
        elif op == _BININT:
            out[i] = int.from_bytes(raw[p + 1:p + 5], "little", signed=True)
            p += 5
        else:
            raise Unrecognised(f"opcode {op:#x} in the ids")
        i += 1
    close = b[p] if p < len(b) else -1
    if (marked and close != _TUPLE) or (not marked and _TUPLE_N.get(int(close)) != n):
        raise Unrecognised("ids tuple does not close")
    return out, p + 1


def _closes_floats(b: np.ndarray, p: int, n: int) -> bool:
    """True when n BINFLOATs and the TUPLEn closing them start at p (an unmarked tuple of
    n <= 3 weights, not one weight for all followed by the values)."""
    stop = p + 9 * n
    return stop < len(b) and bool(np.all(b[p:stop:9] == _BINFLOAT)) and \
        _TUPLE_N.get(int(b[stop])) == n


def _tuple_of_floats(raw, b: np.ndarray, p: int, n: int) -> np.ndarray:
    if n > 3:
        if b[p] != _MARK:
            raise Unrecognised("weights not a tuple")
        p += 1
    stop = p + 9 * n
    if stop >= len(b) or not np.all(b[p:stop:9] == _BINFLOAT):
        raise Unrecognised("weights not floats")
    close = int(b[stop])
    if (n > 3 and close != _TUPLE) or (n <= 3 and _TUPLE_N.get(close) != n):
        raise Unrecognised("weights tuple does not close")
    return np.frombuffer(raw, _OP_FLOAT, n, p)["value"].astype(np.float32)


def _skip_memo(b: np.ndarray, p: int) -> int:
    if b[p] == _BINPUT:
        return p + 2
    if b[p] == _LONG_BINPUT:
        return p + 5
    return p
