"""Per-generation arrays, loaded once per searcher: what makes facets, filters and sorting fast.

Plain Whoosh counts facets with `groupedby`, which walks posting lists for every match in
Python (seconds per query on 20,000 articles). Here each searcher gets, once:

- `live`: which document numbers exist (not deleted);
- per facet field, the (document, value) pairs as two int32 arrays, grouped by value, so
  counting a facet over a match set is one `np.bincount`, and a filter is a slice;
- per text field, document lengths (BM25) and their average;
- `published` (microseconds, -1 when unknown) and `ncomments`, for sorting and date ranges;
- an LRU of decoded posting lists (ids and weights as arrays), for the query engine.

The index files are read through Whoosh 2.7.4's codec objects (codec.py, the one reader
of private structures); it falls back on Whoosh's public API where a structure is not
the expected one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from math import log

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from whoosh.util.numeric import byte_to_length

from searchapp.backends.whoosh import codec
from searchapp.backends.whoosh.schema import NAME_FIELDS, NCOMMENTS, PUBLISHED
from searchapp.fields import FACETS, PARTS

# Decoded postings kept per searcher, so per gunicorn worker: ids and weights take 12 bytes
# a posting (8M: about 100 MB, the whole 20,000-article benchmark index), encoded values
# (positions, for phrases) about 60 (1M: about 60 MB).
POSTINGS_CACHE_ENTRIES = 8_000_000
VALUES_CACHE_ENTRIES = 1_000_000
EXPANSIONS_CACHE_TERMS = 500_000  # expanded terms of word* kept, per generation

_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
_MISSING = np.int64(-1)


@dataclass(frozen=True, slots=True)
class FacetArrays:
    """(document, value) pairs of one facet field, grouped by value."""

    values: list[str]  # value number -> the exact value
    docs: np.ndarray  # int32 document numbers, value by value
    ords: np.ndarray  # int32 value number of each pair (same length as docs)
    starts: np.ndarray  # int64, docs[starts[v]:starts[v + 1]] are the documents of value v
    index: dict[str, int]  # value -> value number

    def docs_of(self, value: str) -> np.ndarray:
        v = self.index.get(value)
        if v is None:
            return np.empty(0, dtype=np.int32)
        return self.docs[self.starts[v]:self.starts[v + 1]]


@dataclass(frozen=True, slots=True)
class Postings:
    ids: np.ndarray  # int64 global document numbers, ascending
    weights: np.ndarray  # float32
    df: int  # document frequency (deleted documents included, as Whoosh counts it)


_EMPTY = Postings(np.empty(0, np.int64), np.empty(0, np.float32), 0)


class _LRU:
    """A small size-bounded LRU (size = number of postings held)."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self.size = 0
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            v = self.items.get(key)
            if v is not None:
                self.items.move_to_end(key)
            return v

    def put(self, key, value, size: int) -> None:
        with self.lock:
            self.items[key] = (value, size)
            self.size += size
            while self.size > self.capacity and len(self.items) > 1:
                _, (_, s) = self.items.popitem(last=False)
                self.size -= s


class IndexData:
    """Everything about one opened generation that a search needs besides the postings."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.schema = searcher.schema
        self.leaves = list(self.reader.leaf_readers())
        self.n = self.reader.doc_count_all()
        self.live = np.ones(self.n, dtype=bool)
        for seg, offset in self.leaves:
            if seg.has_deletions():
                dead = np.fromiter(seg.segment().deleted_docs(), dtype=np.int64)
                self.live[dead + offset] = False
        self.doc_count = int(self.live.sum())
        scorable = list(PARTS) + list(NAME_FIELDS.values())
        self.lengths = {f: self._lengths(f) for f in scorable if f in self.schema}
        self.avg_length = {f: float(self.searcher.avg_field_length(f) or 1.0) or 1.0
                           for f in self.lengths}
        self.facets = {f: self._facet(f) for f in FACETS if f in self.schema}
        self.published = self._numeric(PUBLISHED, np.int64, missing=_MISSING)
        self.ncomments = self._numeric(NCOMMENTS, np.int32, missing=0)
        self._postings = _LRU(POSTINGS_CACHE_ENTRIES)
        self._values = _LRU(VALUES_CACHE_ENTRIES)
        self._expansions = _LRU(EXPANSIONS_CACHE_TERMS)

    # -- loading --------------------------------------------------------------------

    def _lengths(self, fieldname: str) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        for seg, offset in self.leaves:
            count = seg.doc_count_all()
            raw = codec.length_bytes(seg, fieldname, count)
            if raw is not None:
                out[offset:offset + count] = _BYTE_TO_LENGTH[raw]
        return out

    def _numeric(self, fieldname: str, dtype, missing) -> np.ndarray:
        out = np.full(self.n, missing, dtype=dtype)
        for seg, offset in self.leaves:
            count = seg.doc_count_all()
            column = codec.numeric_column(seg, fieldname, count)
            if column is None:
                continue
            vals, absent = column  # datetimes (microseconds) and counts both fit an int64
            vals[absent] = missing
            out[offset:offset + count] = vals
        return out

    def _facet(self, fieldname: str) -> FacetArrays:
        values: dict[str, list[np.ndarray]] = {}
        for seg, offset in self.leaves:
            for btext in seg.lexicon(fieldname):
                ids = codec.read_postings(seg, fieldname, btext)[0] + offset
                values.setdefault(btext.decode("utf-8"), []).append(ids)
        names = sorted(values)
        docs_parts, ords_parts, starts = [], [], [0]
        for v, name in enumerate(names):
            ids = np.concatenate(values[name]) if len(values[name]) > 1 else values[name][0]
            ids = ids[self.live[ids]]
            docs_parts.append(ids.astype(np.int32))
            ords_parts.append(np.full(len(ids), v, dtype=np.int32))
            starts.append(starts[-1] + len(ids))
        docs = np.concatenate(docs_parts) if docs_parts else np.empty(0, np.int32)
        ords = np.concatenate(ords_parts) if ords_parts else np.empty(0, np.int32)
        return FacetArrays(names, docs, ords, np.array(starts, dtype=np.int64),
                           {name: i for i, name in enumerate(names)})

    # -- postings -------------------------------------------------------------------

    def postings(self, fieldname: str, term: str) -> Postings:
        """All postings of a term, deleted documents included (the engine masks them)."""
        key = (fieldname, term)
        hit = self._postings.get(key)
        if hit is not None:
            return hit[0]
        btext = term.encode("utf-8")
        ids_parts, w_parts = [], []
        for seg, offset in self.leaves:
            ids, weights, _ = codec.read_postings(seg, fieldname, btext)
            if len(ids):
                ids_parts.append(ids + offset)
                w_parts.append(weights)
        if not ids_parts:
            p = _EMPTY
        else:
            ids = np.concatenate(ids_parts) if len(ids_parts) > 1 else ids_parts[0]
            weights = np.concatenate(w_parts) if len(w_parts) > 1 else w_parts[0]
            p = Postings(ids, weights, len(ids))
        self._postings.put(key, p, max(len(p.ids), 1))
        return p

    def values(self, fieldname: str, term: str) -> list[bytes]:
        """The encoded posting values (positions, characters) of a term, aligned with ids."""
        key = (fieldname, term)
        hit = self._values.get(key)
        if hit is not None:
            return hit[0]
        btext = term.encode("utf-8")
        out: list[bytes] = []
        for seg, _offset in self.leaves:
            out.extend(codec.read_postings(seg, fieldname, btext, with_values=True)[2])
        self._values.put(key, out, max(len(out), 1))
        return out

    def idf(self, df: int) -> float:
        """Whoosh's BM25F idf: log(N / (df + 1)) + 1, over all documents."""
        return log(self.n / (df + 1)) + 1.0

    def expand(self, fieldname: str, prefix: str) -> list[tuple[str, int]]:
        """(term, document frequency) of every indexed term starting with `prefix`."""
        key = (fieldname, prefix)
        hit = self._expansions.get(key)
        if hit is not None:  # a page evaluates its query once per scope (the counts)
            return list(hit[0])
        found: dict[str, int] = {}
        bprefix = prefix.encode("utf-8")
        for seg, _ in self.leaves:
            if fieldname not in seg.schema:
                continue
            # One walk of the term table, each term with its statistics: looking each
            # expansion up again for its frequency cost most of a many-prefix query.
            for (fname, btext), info in seg.iter_from(fieldname, bprefix):
                if fname != fieldname or not btext.startswith(bprefix):
                    break
                t = btext.decode("utf-8")
                found[t] = found.get(t, 0) + info.doc_frequency()
        out = list(found.items())
        self._expansions.put(key, tuple(out), max(len(out), 1))
        return out

    def terms_within(self, fieldname: str, term: str, maxdist: int) -> list[str]:
        """Indexed terms within `maxdist` edits (Levenshtein) of `term` and sharing its first
        letter, per segment in term order: a term in several segments comes once per
        segment. Kept like a prefix's expansions (a page makes it per scope).

        Whoosh's own `terms_within` skips through the term table with a Levenshtein automaton
        stepped in Python: 0.35 s warm, 0.8 s cold, for one six-letter word at two edits over
        the four text parts of 20,000 articles. Listing the terms with the same first letter
        is a plain walk (0.06 s there) and rapidfuzz measures all their distances in C."""
        key = (fieldname, term, maxdist)
        hit = self._expansions.get(key)
        if hit is not None:
            return list(hit[0])
        out: list[str] = []
        if term:
            bprefix = term[0].encode("utf-8")
            for seg, _ in self.leaves:
                if fieldname not in seg.schema:
                    continue
                words = [b.decode("utf-8") for b in seg.expand_prefix(fieldname, bprefix)]
                if not words:
                    continue
                dist = process.cdist([term], words, scorer=Levenshtein.distance,
                                     score_cutoff=maxdist, dtype=np.int32, workers=1)[0]
                out.extend(words[i] for i in np.flatnonzero(dist <= maxdist))
        self._expansions.put(key, tuple(out), max(len(out), 1))
        return out

    def doc_frequency(self, fieldname: str, term: str) -> int:
        btext = term.encode("utf-8")
        return sum(seg.doc_frequency(fieldname, btext) for seg, _ in self.leaves)
