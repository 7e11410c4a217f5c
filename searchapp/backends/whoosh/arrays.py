"""Per-generation arrays, mapped once per searcher: what makes facets, filters and sorting fast.

Plain Whoosh counts facets with `groupedby`, which walks posting lists for every match in
Python (seconds per query on 20,000 articles). Here each searcher has (searchdata.py: the
build writes them beside the index, each worker maps them):

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

from searchapp.backends.whoosh import blocks, codec, phrasedata, positions, searchdata

# Decoded postings kept per searcher, so per gunicorn worker: ids and weights take 12 bytes
# a posting (8M: about 100 MB, the whole 20,000-article benchmark index), encoded values
# (positions, for phrases) about 60 (1M: about 60 MB).
POSTINGS_CACHE_ENTRIES = 8_000_000
VALUES_CACHE_ENTRIES = 1_000_000
EXPANSIONS_CACHE_TERMS = 500_000  # expanded terms of word* kept, per generation
# Unpickled posting blocks' values (positions and characters, for phrases and marking the
# hits), by their encoded size.
BLOCK_VALUES_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Postings:
    ids: np.ndarray  # int64 global document numbers, ascending
    weights: np.ndarray  # float32
    df: int  # document frequency (deleted documents included, as Whoosh counts it)
    # per segment: where its blocks are (blocks.BlockTable), or None when it was read
    # with Whoosh's matcher (or has no such term)
    tables: tuple = ()


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

    def __init__(self, searcher, path: str | None = None):
        """`path`: the generation's folder, where the build wrote its search data (mapped
        when it matches this searcher's commit; computed here otherwise)."""
        self.searcher = searcher
        self.reader = searcher.reader()
        self.schema = searcher.schema
        self.leaves = list(self.reader.leaf_readers())
        self._counts = [seg.doc_count_all() for seg, _ in self.leaves]
        self.n = self.reader.doc_count_all()
        arrays = searchdata.load(path, self.reader.generation(), self.n) if path else None
        self.mapped = arrays is not None
        if arrays is None:
            arrays = searchdata.compute(searcher)
        self.live = arrays.live
        self.doc_count = int(np.count_nonzero(self.live))
        self.lengths = arrays.lengths
        self.avg_length = arrays.avg_length
        self.facets = arrays.facets
        self.published = arrays.published
        self.ncomments = arrays.ncomments
        self.facet_names: dict = {}  # facet -> facets.Names, made on first use
        self.path = path
        self._added = arrays.added  # added_times(): mapped, else read on first use
        # Clusters of copies (searchdata.py): each document's cluster number, -1 alone.
        self.cluster = arrays.cluster if arrays.cluster is not None else \
            np.full(self.n, -1, dtype=np.int32)
        self.cluster_ids = arrays.cluster_ids
        self._postings = _LRU(POSTINGS_CACHE_ENTRIES)
        self._values = _LRU(VALUES_CACHE_ENTRIES)
        self._expansions = _LRU(EXPANSIONS_CACHE_TERMS)
        self._block_values = _LRU(BLOCK_VALUES_BYTES)
        # Per segment, the positions of its common words that the merge wrote (or None).
        self._phrases = [phrasedata.open_for(path, seg.segment()) for seg, _ in self.leaves]

    def cluster_of(self, docnum: int, article_id: str) -> str:
        """The cluster id of a document (its article's own id when it has no copy)."""
        number = int(self.cluster[docnum])
        return self.cluster_ids[number] if number >= 0 else article_id

    def cluster_docs(self, cluster: str) -> np.ndarray:
        """The live documents of a cluster (a cluster id no cluster has: none, or the one
        article with that id, its own cluster)."""
        number = self.cluster_ids.get(cluster) if self.cluster_ids is not None else None
        if number is not None:
            return np.flatnonzero((self.cluster == number) & self.live)
        docnum = self.searcher.document_number(id=cluster)
        if docnum is None or not self.live[docnum] or self.cluster[docnum] >= 0:
            return np.empty(0, dtype=np.int64)
        return np.array([docnum], dtype=np.int64)

    def added_times(self) -> np.ndarray:
        """float64 seconds since the epoch at which each document entered the index (its
        stored `added`; the generation's build time for one stored before the field
        existed), for Query.added_after and ADDED_SORT: the search data's `added` array,
        written by the build; without it (search data of an older version, or none),
        read from the stored fields on first use in each worker (24 s at 200,000
        articles: only saved searches ask). Deleted documents read as 0."""
        if self._added is None:
            from searchapp.backends.whoosh.added import build_time
            from searchapp.backends.whoosh.schema import ADDED

            out = np.zeros(self.n, dtype=np.float64)
            default = None
            for docnum in np.flatnonzero(self.live):
                when = self.reader.stored_fields(int(docnum)).get(ADDED)
                if when is None:
                    if default is None:
                        default = build_time(self.path) if self.path else 0.0
                    when = default
                out[docnum] = when
            self._added = out
        return self._added

    # -- postings -------------------------------------------------------------------

    def postings(self, fieldname: str, term: str) -> Postings:
        """All postings of a term, deleted documents included (the engine masks them)."""
        key = (fieldname, term)
        hit = self._postings.get(key)
        if hit is not None:
            return hit[0]
        btext = term.encode("utf-8")
        ids_parts, w_parts, tables = [], [], []
        for seg, offset in self.leaves:
            ids, weights, table = _read(seg, fieldname, btext)
            tables.append(table)
            if len(ids):
                ids_parts.append(ids + offset)
                w_parts.append(weights)
        if not ids_parts:
            p = _EMPTY
        else:
            ids = np.concatenate(ids_parts) if len(ids_parts) > 1 else ids_parts[0]
            weights = np.concatenate(w_parts) if len(w_parts) > 1 else w_parts[0]
            p = Postings(ids, weights, len(ids), tuple(tables))
        self._postings.put(key, p, max(len(p.ids), 1))
        return p

    def values_for(self, fieldname: str, term: str, docs: np.ndarray) -> list[bytes]:
        """The encoded posting values of a term in `docs` (ascending document numbers, each
        holding the term): only the blocks holding them are unpickled."""
        p = self.postings(fieldname, term)
        if not len(docs):
            return []
        fixed = self.schema[fieldname].format.fixed_value_size()
        out: list[bytes] = []
        all_values = None
        for i, (_seg, offset) in enumerate(self.leaves):
            lo, hi = np.searchsorted(docs, [offset, offset + self._counts[i]])
            if lo == hi:
                continue
            table = p.tables[i] if p.tables else None
            if table is None:  # read by Whoosh's matcher: every value of the term
                if all_values is None:
                    all_values = self.values(fieldname, term)
                out.extend(all_values[j] for j in np.searchsorted(p.ids, docs[lo:hi]))
                continue
            a, b = np.searchsorted(p.ids, [offset, offset + self._counts[i]])
            out.extend(blocks.values_at(table, p.ids[a:b] - offset, docs[lo:hi] - offset,
                                        fixed, self._block_values))
        return out

    def positions_for(self, fieldname: str, term: str, docs: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
        """The positions of a term in `docs` (ascending document numbers, each holding the
        term) as positions.decode gives them: from the segments' phrase files
        (phrasedata.py) where they hold the term, from its posting blocks elsewhere."""
        p = self.postings(fieldname, term)
        parts = []
        for i, (_seg, offset) in enumerate(self.leaves):
            lo, hi = np.searchsorted(docs, [offset, offset + self._counts[i]])
            if lo == hi:
                continue
            held = self._phrases[i]
            if held is not None:
                a, b = np.searchsorted(p.ids, [offset, offset + self._counts[i]])
                found = held.positions(fieldname, term, int(b - a),
                                       np.searchsorted(p.ids[a:b], docs[lo:hi]))
                if found is not None:
                    parts.append(found)
                    continue
            parts.append(positions.decode(self.schema[fieldname].format,
                                          self.values_for(fieldname, term, docs[lo:hi])))
        return positions.joined(parts)

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
        """Lucene's BM25 idf, log(1 + (N - df + 0.5) / (df + 0.5)), over all documents: what
        OpenSearch uses. Whoosh's own, log(N / (df + 1)) + 1, gives a rare word too little
        weight beside a common one: on the tune half of bench/relevance.py Lucene's raised
        nDCG@10 from 0.583 to 0.611 on TIME and from 0.339 to 0.343 on CISI."""
        return log(1.0 + (self.n - df + 0.5) / (df + 0.5))

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


def _read(seg, fieldname: str, btext: bytes):
    """(ids, weights, block table or None) of a term in one segment: from the block bytes
    (blocks.py), or with Whoosh's matcher for what those do not read."""
    try:
        extent = blocks.term_extent(seg, fieldname, btext)
        if extent is None:
            return np.empty(0, np.int64), np.empty(0, np.float32), None
        return blocks.read_term(*extent)
    except (blocks.Unrecognised, AttributeError):
        ids, weights, _ = codec.read_postings(seg, fieldname, btext)
        return ids, weights, None
