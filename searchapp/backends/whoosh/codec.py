"""Reading Whoosh 2.7.4's private on-disk structures directly (with blocks.py, which reads
the posting blocks' bytes and falls back on `read_postings` here).

The version is pinned exactly (pyproject.toml) and checked at import (__init__.py). What
this relies on, all of it in `whoosh.codec.whoosh3`:

- a numeric column reader's `_dbfile`, `_basepos`, `_count`, `_fixedlen`, `_typecode` and
  `_default` (a fixed-width big-endian array in the segment's column file);
- the per-document reader's `_cached_reader(_lenfield(field), LENGTHS_COLUMN)` for the
  byte-coded field lengths;
- the term reader's `_terms.matcher(...)` and W3LeafMatcher's `_data`, `_read_data()`
  and `_next_block()`: one posting block at a time as (id deltas, weights, values).

Each reader falls back on Whoosh's public API when a structure is not the expected one.
"""

from __future__ import annotations

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.reading import TermNotFound


def length_bytes(seg, fieldname: str, count: int) -> np.ndarray | None:
    """The byte-coded length of `fieldname` in each of a segment's documents, or None."""
    col = seg._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if col is None:
        return None
    raw = raw_numeric(col, count)
    if raw is None:
        raw = np.array([col[i] for i in range(count)], dtype=np.uint8)
    return raw.astype(np.uint8)


def numeric_column(seg, fieldname: str, count: int
                   ) -> tuple[np.ndarray, np.ndarray] | None:
    """A segment's numeric column as int64 values and a mask of the documents without
    one (their slot holds the column's default), or None when the segment has none."""
    if not seg.has_column(fieldname):
        return None
    col = seg.column_reader(fieldname, translate=False)
    raw = raw_numeric(col, count)
    if raw is None:
        raw = np.array(list(col), dtype=np.uint64)
    default = getattr(col, "_default", None)
    absent = raw == default if default is not None else np.zeros(count, dtype=bool)
    return raw.astype(np.int64), absent


def raw_numeric(col, count: int) -> np.ndarray | None:
    """A whole fixed-width numeric column as an array, straight from its bytes."""
    try:
        dbfile, base = col._dbfile, col._basepos
        written, width, typecode = col._count, col._fixedlen, col._typecode
        default = col._default
    except AttributeError:
        return None
    dtype = np.dtype(">" + typecode)
    if dtype.itemsize != width:
        return None
    raw = np.frombuffer(dbfile.get(base, written * width), dtype=dtype) if written else \
        np.empty(0, dtype=dtype)
    native = raw.astype(dtype.newbyteorder("="))
    if written < count:
        native = np.concatenate([native, np.full(count - written, default, dtype=native.dtype)])
    return native[:count]


def read_postings(seg, fieldname: str, btext: bytes, with_values: bool = False):
    """(ids, weights, values) of one term in one segment, read block by block."""
    try:
        m = seg._terms.matcher(fieldname, btext, seg.schema[fieldname].format)
    except (KeyError, TermNotFound):  # a field or term this segment does not have
        return np.empty(0, np.int64), np.empty(0, np.float32), []
    if not isinstance(m, W3LeafMatcher):
        ids, weights, values = [], [], []
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            if with_values:
                values.append(m.value())
            m.next()
        return np.array(ids, np.int64), np.array(weights, np.float32), values
    ids_parts, w_parts, values = [], [], []
    while m.is_active():
        if m._data is None:
            m._read_data()
        data = m._data
        ids = np.cumsum(np.asarray(data[0], dtype=np.int64))
        ids_parts.append(ids)
        w = data[1]
        if w is None:
            w_parts.append(np.ones(len(ids), np.float32))
        elif isinstance(w, float):
            w_parts.append(np.full(len(ids), w, np.float32))
        else:
            w_parts.append(np.asarray(w, dtype=np.float32))
        if with_values:
            values.extend(data[2] or ())
        m._next_block()
    if not ids_parts:
        return np.empty(0, np.int64), np.empty(0, np.float32), values
    return np.concatenate(ids_parts), np.concatenate(w_parts), values
