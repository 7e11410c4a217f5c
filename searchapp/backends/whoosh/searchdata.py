"""The per-generation search data: written once by the build, memory-mapped by every worker.

A search needs, besides the postings, a few arrays over all documents: which document
numbers are live, each text field's document lengths (BM25), the facet values of every
document, the publication dates and comment counts (sorting, date ranges). Computing them
from the Whoosh segments takes seconds (most of it the facet postings: 3 s at 20,000
articles, pure Python) and a private copy per worker. So `reindex` and `update` write them
beside the index, after the last commit and before the switch, and each worker maps them
read-only: the pages are shared through the page cache, and opening a generation reads
only the small manifest.

Format (FORMAT, VERSION below), a folder `searchdata-<TOC generation>/` in the generation:

- `manifest.json`: {"format": "scrapesearch-searchdata", "version": 2, "toc_generation": G,
  "documents": n (document numbers, deleted ones included), "avg_length": {field: float},
  "arrays": {name: {"dtype": str, "shape": [int]}}} - written last, so a folder without
  it is incomplete and ignored;
- one NumPy `.npy` file (format 1.0, little-endian, C order) per array, named `<name>.npy`:
  - `live` bool[n]; `published` int64[n] (microseconds since the epoch, UTC; -1 unknown);
    `ncomments` int32[n]; optionally `added` float64[n], when each document entered the
    index (seconds since the epoch; 0 for deleted ones), written by builds and updates
    that know them (absent: readers read the stored fields, arrays.IndexData.added_times);
  - `length.<field>` float32[n] for each text part and name field (Whoosh's one-byte
    length, decoded);
  - per facet field F, its (document, value) pairs grouped by value:
    `facet.F.docs` int32, `facet.F.ords` int32 (the value number of each pair),
    `facet.F.starts` int64 (value v owns docs[starts[v]:starts[v + 1]]), and the values,
    sorted, as UTF-8 bytes `facet.F.text` uint8 with `facet.F.offsets` int64 (value v is
    text[offsets[v]:offsets[v + 1]]);
- what `update` compares against, by id (sorted), as four string tables like a facet's
  values: `known.ids`, `known.paths`, `known.hashes`, `known.inputs` (`.text` uint8 and
  `.offsets` int64 each; the inputs are the input digests of indexer/digest.py, "" where
  unknown); the build collects them as it adds documents, so `update` reads these instead
  of every stored field of every document (3.2 s at 20,000 articles).

- clusters of copies (searchapp/duplicates.py): `cluster` int32[n], the number of each
  document's cluster in the string table `cluster.text`/`cluster.offsets` (the cluster
  ids, sorted), -1 for a document that is its own cluster (most are); and, for `update`,
  by id like the known tables: `dups.ids`, `dups.prints` (the fingerprints,
  indexer/dedup_store.encode) and `dups.clusters` ("" when alone).

Versions: 2 added `known.inputs`, 3 the clusters. Version 1 folders are still read (their
inputs are unknown: `update` reads every item once, and writes version 3); version 1 and
2 folders have no clusters: every article is its own until a reindex.

A folder whose format, version, TOC generation or document count does not match the
generation being opened is not used: the arrays are computed as before (an index built by
an older version, or a generation an older `update` changed), and `reindex` writes them.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import os
import shutil
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from whoosh.util.numeric import byte_to_length

from searchapp.backends.whoosh import codec
from searchapp.backends.whoosh.schema import NAME_FIELDS, NCOMMENTS, PUBLISHED
from searchapp.fields import FACETS, PARTS

FORMAT = "scrapesearch-searchdata"
VERSION = 3
READS = (1, 2, 3)  # the versions this code reads
PREFIX = "searchdata-"
MANIFEST = "manifest.json"

_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
MISSING_DATE = np.int64(-1)


class StringTable:
    """Sorted strings kept as one UTF-8 array and offsets (mapped, not made into objects):
    a sequence (`table[i]`, `len`) that also finds a string's number (`get`)."""

    def __init__(self, text: np.ndarray, offsets: np.ndarray):
        self.text = text
        self.offsets = offsets

    @classmethod
    def of(cls, values: list[str]) -> StringTable:
        encoded = [v.encode("utf-8") for v in values]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(b) for b in encoded], out=offsets[1:])
        text = np.frombuffer(b"".join(encoded), dtype=np.uint8) if encoded else \
            np.empty(0, np.uint8)
        return cls(text, offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str:
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        i %= len(self)
        return self.text[self.offsets[i]:self.offsets[i + 1]].tobytes().decode("utf-8")

    def get(self, value: str, default=None):
        """The number of `value`, else `default` (the table is sorted: a binary search)."""
        i = bisect.bisect_left(self, value)
        return i if i < len(self) and self[i] == value else default


@dataclass(frozen=True, slots=True)
class FacetArrays:
    """(document, value) pairs of one facet field, grouped by value."""

    values: StringTable  # value number -> the exact value; .get(value) -> its number
    docs: np.ndarray  # int32 document numbers, value by value
    ords: np.ndarray  # int32 value number of each pair (same length as docs)
    starts: np.ndarray  # int64, docs[starts[v]:starts[v + 1]] are the documents of value v

    def docs_of(self, value: str) -> np.ndarray:
        v = self.values.get(value)
        if v is None:
            return np.empty(0, dtype=np.int32)
        return self.docs[self.starts[v]:self.starts[v + 1]]


@dataclass(frozen=True)
class SearchArrays:
    """Everything over all documents that a search needs besides the postings."""

    n: int
    live: np.ndarray
    lengths: dict[str, np.ndarray]
    avg_length: dict[str, float]
    facets: dict[str, FacetArrays]
    published: np.ndarray
    ncomments: np.ndarray
    added: np.ndarray | None = None  # when each document entered the index, if known
    cluster: np.ndarray | None = None  # each document's cluster number, -1 alone
    cluster_ids: StringTable | None = None  # cluster number -> cluster id


# -- computing them from the segments ---------------------------------------------------

def compute(searcher, previous: tuple[list[str], SearchArrays] | None = None,
            times: Callable[[str], float | None] | None = None,
            clusters: Mapping[str, str] | None = None) -> SearchArrays:
    """The arrays of the generation `searcher` reads. `previous`: the segment ids and the
    arrays of the generation it was made from; the part of the segments both have first
    (an update adds segments, deletes documents, and may merge its small segments) is
    taken from there, and only the segments after them are read (the facets of 20,000
    articles take 3 s to read). `times` (id -> when it entered the index, or None when the
    writer does not know) makes the `added` array too (see _added); `clusters` (id ->
    cluster id of the articles in clusters of two or more) the `cluster` arrays."""
    reader = searcher.reader()
    schema = searcher.schema
    leaves = list(reader.leaf_readers())
    n = reader.doc_count_all()
    live = np.ones(n, dtype=bool)
    for seg, offset in leaves:
        if seg.has_deletions():
            dead = np.fromiter(seg.segment().deleted_docs(), dtype=np.int64)
            live[dead + offset] = False
    old, kept = None, 0  # the previous arrays, and how many documents they still give
    if previous is not None:
        shared = 0  # the segments both have first, in the same order
        for (seg, _), before in zip(leaves, previous[0], strict=False):
            if segment_id(seg) != before:
                break
            shared += 1
        if shared:
            old = previous[1]
            kept = leaves[shared][1] if shared < len(leaves) else n
    new = [(seg, offset) for seg, offset in leaves if offset >= kept]
    scorable = [f for f in list(PARTS) + list(NAME_FIELDS.values()) if f in schema]
    cluster, cluster_ids = _clusters(leaves, n, live, clusters) if clusters is not None \
        else (None, None)
    return SearchArrays(
        n=n, live=live,
        lengths={f: _reused(old and old.lengths.get(f), kept,
                            _lengths(new, n, f)) for f in scorable},
        avg_length={f: float(searcher.avg_field_length(f) or 1.0) or 1.0 for f in scorable},
        facets={f: _facet(new, live, f, old and old.facets.get(f), kept) for f in FACETS
                if f in schema},
        published=_reused(old and old.published, kept,
                          _numeric(new, n, PUBLISHED, np.int64, MISSING_DATE)),
        ncomments=_reused(old and old.ncomments, kept,
                          _numeric(new, n, NCOMMENTS, np.int32, 0)),
        added=_added(new, n, live, old, kept, times) if times is not None else None,
        cluster=cluster, cluster_ids=cluster_ids)


def _clusters(leaves, n: int, live: np.ndarray, clusters: Mapping[str, str]
              ) -> tuple[np.ndarray, StringTable]:
    """Each document's cluster number (-1: alone) and the cluster ids, through the id
    field's postings of every segment (a cluster may change anywhere in an update)."""
    from searchapp.backends.whoosh.schema import ID

    names = sorted(set(clusters.values()))
    number = {c: i for i, c in enumerate(names)}
    out = np.full(n, -1, dtype=np.int32)
    if clusters:
        for seg, offset in leaves:
            for btext in seg.lexicon(ID):
                c = clusters.get(btext.decode("utf-8"))
                if c is not None:
                    docs = codec.read_postings(seg, ID, btext)[0] + offset
                    out[docs[live[docs]]] = number[c]
    return out, StringTable.of(names)


def _added(leaves, n: int, live: np.ndarray, old: SearchArrays | None, kept: int,
           times: Callable[[str], float | None]) -> np.ndarray | None:
    """When each document entered the index: the previous arrays' for the first `kept`,
    `times` of each id of the other segments (through the id field's postings: the stored
    fields would cost 0.12 ms a document), a stored field read for an id `times` does not
    know (an update's older small segments, merged). None when the previous arrays have
    none to give."""
    from searchapp.backends.whoosh.schema import ADDED, ID

    out = np.zeros(n, dtype=np.float64)
    if kept:
        if old is None or old.added is None:
            return None
        out[:kept] = old.added[:kept]
    for seg, offset in leaves:
        stored = None
        for btext in seg.lexicon(ID):
            docs = codec.read_postings(seg, ID, btext)[0] + offset
            docs = docs[live[docs]]
            if not len(docs):
                continue
            when = times(btext.decode("utf-8"))
            if when is None:
                stored = stored or seg.stored_fields
                when = stored(int(docs[0] - offset)).get(ADDED)
                if when is None:
                    return None  # written before times were kept: readers fall back
            out[docs] = when
    return out


def segment_id(seg) -> str:
    return seg.segment().segment_id()


def _reused(old: np.ndarray | None, kept: int, out: np.ndarray) -> np.ndarray:
    """`out` with its first `kept` entries from the previous generation's array."""
    if old is not None and kept:
        out[:kept] = old[:kept]
    return out


def _lengths(leaves, n: int, fieldname: str) -> np.ndarray:
    out = np.zeros(n, dtype=np.float32)
    for seg, offset in leaves:
        count = seg.doc_count_all()
        raw = codec.length_bytes(seg, fieldname, count)
        if raw is not None:
            out[offset:offset + count] = _BYTE_TO_LENGTH[raw]
    return out


def _numeric(leaves, n: int, fieldname: str, dtype, missing) -> np.ndarray:
    out = np.full(n, missing, dtype=dtype)
    for seg, offset in leaves:
        count = seg.doc_count_all()
        column = codec.numeric_column(seg, fieldname, count)
        if column is None:
            continue
        vals, absent = column  # datetimes (microseconds) and counts both fit an int64
        vals[absent] = missing
        out[offset:offset + count] = vals
    return out


def _facet(leaves, live: np.ndarray, fieldname: str, old: FacetArrays | None = None,
           kept: int = 0) -> FacetArrays:
    """The (document, value) pairs of `leaves`, with `old`'s of the documents before
    `kept` (those before the first of `leaves`) when given; deleted documents left out."""
    found: dict[str, list[np.ndarray]] = {}
    for seg, offset in leaves:
        for btext in seg.lexicon(fieldname):
            ids = codec.read_postings(seg, fieldname, btext)[0] + offset
            found.setdefault(btext.decode("utf-8"), []).append(ids)
    old_names = _decode_all(old.values) if old is not None else []
    names = sorted(set(old_names).union(found))
    number = {name: i for i, name in enumerate(names)}
    docs_parts, ords_parts = [], []
    if old is not None and len(old.docs):
        docs = np.asarray(old.docs)
        keep = docs < kept
        keep[keep] = live[docs[keep]]
        docs_parts.append(docs[keep])
        ords_parts.append(np.array([number[v] for v in old_names], dtype=np.int32)[
            np.asarray(old.ords)[keep]])
    for name, parts in found.items():
        ids = np.concatenate(parts) if len(parts) > 1 else parts[0]
        ids = ids[live[ids]]
        docs_parts.append(ids.astype(np.int32))
        ords_parts.append(np.full(len(ids), number[name], dtype=np.int32))
    docs = np.concatenate(docs_parts).astype(np.int32) if docs_parts else np.empty(0, np.int32)
    ords = np.concatenate(ords_parts).astype(np.int32) if ords_parts else np.empty(0, np.int32)
    order = np.lexsort((docs, ords))  # value by value, documents ascending
    docs, ords = docs[order], ords[order]
    starts = np.searchsorted(ords, np.arange(len(names) + 1)).astype(np.int64)
    return FacetArrays(StringTable.of(names), docs, ords, starts)


# -- writing and mapping them -------------------------------------------------------------

def _named(arrays: SearchArrays) -> dict[str, np.ndarray]:
    out = {"live": arrays.live, "published": arrays.published, "ncomments": arrays.ncomments}
    if arrays.added is not None:
        out["added"] = arrays.added
    if arrays.cluster is not None:
        out.update({"cluster": arrays.cluster, "cluster.text": arrays.cluster_ids.text,
                    "cluster.offsets": arrays.cluster_ids.offsets})
    for f, a in arrays.lengths.items():
        out[f"length.{f}"] = a
    for f, fa in arrays.facets.items():
        out.update({f"facet.{f}.docs": fa.docs, f"facet.{f}.ords": fa.ords,
                    f"facet.{f}.starts": fa.starts, f"facet.{f}.text": fa.values.text,
                    f"facet.{f}.offsets": fa.values.offsets})
    return out


KNOWN = ("ids", "paths", "hashes", "inputs")
# id -> (path, content hash, input digest)
KnownTable = dict[str, tuple[str, str, str]]


class KnownLog:
    """A build's known table as it grows, in files instead of in memory: a dict of four
    strings per article held 0.55 KB (550 MB at 1,000,000 articles, for the whole build).

    Each added document's path, hash and input are appended to a file per column in the
    order they come (`folder/known-log.<column>`, deleted by `close`), with only their
    lengths kept here (12 bytes a document). `latest` (the writer's id -> sequence number
    of the id's latest document, filled as documents are added) says which records count:
    a later copy of an id replaces the earlier one.
    """

    def __init__(self, folder: str, latest: dict[str, int], columns=KNOWN[1:],
                 name: str = "known"):
        self.base = os.path.join(folder, f"{name}-log")
        self.name = name
        self.columns = columns
        self.latest = latest
        self.lengths = {name: array("I") for name in columns}
        self.times = array("d")  # when each record's article entered the index
        self.files = {name: open(f"{self.base}.{name}", "wb")  # noqa: SIM115
                      for name in columns}

    def add(self, entry: tuple[str, ...], added: float | None = None) -> None:
        self.times.append(float("nan") if added is None else added)
        for name, value in zip(self.columns, entry, strict=True):
            data = value.encode("utf-8")
            self.files[name].write(data)
            self.lengths[name].append(len(data))

    def time_of(self, article_id: str) -> float | None:
        """When the id's latest record's article entered the index (searchdata `times`)."""
        seq = self.latest.get(article_id)
        if seq is None or seq >= len(self.times) or self.times[seq] != self.times[seq]:
            return None  # unknown, or NaN: stamped with no time
        return self.times[seq]

    def arrays(self, extra: Mapping[str, Mapping[str, str]] | None = None
               ) -> dict[str, np.ndarray]:
        """The tables' arrays (as `_known_arrays` makes them from a dict); `extra`: more
        columns, name -> {id: value} ("" for an id left out)."""
        ids = sorted(self.latest)
        order = np.fromiter((self.latest[i] for i in ids), np.int64, len(ids))
        tables = {"ids": StringTable.of(ids)}
        for name, values in (extra or {}).items():
            tables[name] = StringTable.of([values.get(i, "") for i in ids])
        del ids
        for name in self.columns:
            self.files[name].close()
            tables[name] = _gathered(f"{self.base}.{name}", self.lengths[name], order)
        return {f"{self.name}.{k}.{part}": getattr(t, part)
                for k, t in tables.items() for part in ("text", "offsets")}

    def close(self) -> None:
        for name, f in self.files.items():
            # Closing flushes: on a full disk that fails too, and must not hide the
            # DiskFull sentence of the write that failed first (the log goes anyway).
            with contextlib.suppress(OSError):
                f.close()
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self.base}.{name}")


def _gathered(path: str, lengths: array, order: np.ndarray, block: int = 65536
              ) -> StringTable:
    """The strings numbered `order` of a file of strings laid end to end, as a table."""
    sizes = np.frombuffer(lengths, np.uint32).astype(np.int64) if len(lengths) else \
        np.zeros(0, np.int64)
    starts = np.zeros(len(sizes) + 1, np.int64)
    np.cumsum(sizes, out=starts[1:])
    offsets = np.zeros(len(order) + 1, np.int64)
    np.cumsum(sizes[order], out=offsets[1:])
    text = np.empty(int(offsets[-1]), np.uint8)
    if len(text):
        source = np.fromfile(path, np.uint8)
        for a in range(0, len(order), block):
            part = order[a:a + block]
            chunk = b"".join([source[s:e].data for s, e in zip(
                starts[part].tolist(), starts[part + 1].tolist(), strict=True)])
            text[offsets[a]:offsets[a] + len(chunk)] = np.frombuffer(chunk, np.uint8)
    return StringTable(text, offsets)


def _known_arrays(known: KnownTable | KnownLog) -> dict[str, np.ndarray]:
    if isinstance(known, KnownLog):
        return known.arrays()
    ids = sorted(known)
    tables = {"ids": StringTable.of(ids)}
    for n, name in enumerate(KNOWN[1:]):
        tables[name] = StringTable.of([known[i][n] for i in ids])
    return {f"known.{k}.{part}": getattr(t, part)
            for k, t in tables.items() for part in ("text", "offsets")}


def known_of(searcher, id_field: str, path_field: str, hash_field: str,
             input_field: str) -> KnownTable:
    """id -> (path, content hash, input digest) of every live document, from the stored
    fields (slow: for a generation written without them)."""
    return {f[id_field]: (f.get(path_field) or "", f.get(hash_field) or "",
                          f.get(input_field) or "")
            for f in searcher.all_stored_fields()}


def write(gen_path: str, searcher, known: KnownTable | KnownLog,
          previous: tuple[list[str], SearchArrays] | None = None,
          times: Callable[[str], float | None] | None = None,
          dups: dict[str, np.ndarray] | None = None,
          clusters: Mapping[str, str] | None = None) -> str:
    """Compute the arrays of the generation `searcher` reads (`previous`, `times`,
    `clusters`: see compute) and write them into `gen_path` with `known` (id -> (path,
    hash, input) of every live document) and `dups` (the `dups.*` tables: dup_arrays),
    replacing those of earlier TOC generations; returns the folder written."""
    generation = searcher.reader().generation()
    arrays = compute(searcher, previous, times, clusters)
    final = os.path.join(gen_path, f"{PREFIX}{generation}")
    tmp = final + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    try:
        shapes = {}
        for name, a in {**_named(arrays), **_known_arrays(known), **(dups or {})}.items():
            a = np.ascontiguousarray(a)
            with open(os.path.join(tmp, name + ".npy"), "wb") as f:
                np.save(f, a, allow_pickle=False)
                f.flush()
                os.fsync(f.fileno())
            shapes[name] = {"dtype": a.dtype.str, "shape": list(a.shape)}
        manifest = {"format": FORMAT, "version": VERSION, "toc_generation": generation,
                    "documents": arrays.n, "avg_length": arrays.avg_length, "arrays": shapes}
        with open(os.path.join(tmp, MANIFEST), "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        shutil.rmtree(final, ignore_errors=True)
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for entry in os.scandir(gen_path):  # the folders of earlier commits are of no use now
        if entry.name.startswith(PREFIX) and entry.path != final:
            shutil.rmtree(entry.path, ignore_errors=True)
    return final


def load(gen_path: str, generation: int, n: int) -> SearchArrays | None:
    """The mapped arrays of TOC generation `generation` (n documents), or None when the
    generation has none that this code can use."""
    found = _manifest(gen_path, generation, n)
    if found is None:
        return None
    folder, manifest = found
    try:
        a = {name: _map(os.path.join(folder, name + ".npy"), spec)
             for name, spec in manifest["arrays"].items()
             if not name.startswith(("known.", "dups."))}
        facets = {}
        for f in FACETS:
            if f"facet.{f}.docs" in a:
                facets[f] = FacetArrays(
                    StringTable(a[f"facet.{f}.text"], a[f"facet.{f}.offsets"]),
                    a[f"facet.{f}.docs"], a[f"facet.{f}.ords"], a[f"facet.{f}.starts"])
        lengths = {name[len("length."):]: arr for name, arr in a.items()
                   if name.startswith("length.")}
        return SearchArrays(n=n, live=a["live"], lengths=lengths,
                            avg_length={k: float(v) for k, v in manifest["avg_length"].items()},
                            facets=facets, published=a["published"], ncomments=a["ncomments"],
                            added=a.get("added"), cluster=a.get("cluster"),
                            cluster_ids=StringTable(a["cluster.text"], a["cluster.offsets"])
                            if "cluster" in a else None)
    except (OSError, ValueError, KeyError):
        return None


def load_known(gen_path: str, generation: int, n: int) -> KnownTable | None:
    """id -> (path, hash, input) as the build wrote them (inputs "" in a version 1
    folder), or None (then: `known_of`)."""
    found = _manifest(gen_path, generation, n)
    if found is None:
        return None
    folder, manifest = found
    names = KNOWN if manifest["version"] >= 2 else KNOWN[:3]
    try:
        tables = [StringTable(*(_map(os.path.join(folder, f"known.{k}.{part}.npy"),
                                     manifest["arrays"][f"known.{k}.{part}"])
                                for part in ("text", "offsets")))
                  for k in names]
    except (OSError, ValueError, KeyError):
        return None
    columns = [_decode_all(t) for t in tables]
    if len(columns) < len(KNOWN):
        columns.append([""] * len(columns[0]))
    ids, rest = columns[0], columns[1:]
    return dict(zip(ids, zip(*rest, strict=True), strict=True))


DUPS = ("ids", "prints", "clusters")
# id -> (fingerprint, cluster id or "" when alone)
DupTable = dict[str, tuple[str, str]]


def dup_arrays(table: DupTable) -> dict[str, np.ndarray]:
    """The `dups.*` tables of a DupTable."""
    ids = sorted(table)
    tables = {"ids": StringTable.of(ids),
              "prints": StringTable.of([table[i][0] for i in ids]),
              "clusters": StringTable.of([table[i][1] for i in ids])}
    return {f"dups.{k}.{part}": getattr(t, part)
            for k, t in tables.items() for part in ("text", "offsets")}


def load_dups(gen_path: str, generation: int, n: int) -> DupTable | None:
    """id -> (fingerprint, cluster or "") as the last build or update wrote them; None
    when the search data has none (written before clusters were kept)."""
    found = _manifest(gen_path, generation, n)
    if found is None or "dups.ids.text" not in found[1]["arrays"]:
        return None
    folder, manifest = found
    try:
        columns = [_decode_all(StringTable(*(
            _map(os.path.join(folder, f"dups.{k}.{part}.npy"), manifest["arrays"][
                f"dups.{k}.{part}"]) for part in ("text", "offsets")))) for k in DUPS]
    except (OSError, ValueError, KeyError):
        return None
    return dict(zip(columns[0], zip(columns[1], columns[2], strict=True), strict=True))


def _decode_all(table: StringTable) -> list[str]:
    data = table.text.tobytes()
    offsets = table.offsets.tolist()
    return [data[a:b].decode("utf-8") for a, b in zip(offsets, offsets[1:], strict=False)]


def _manifest(gen_path: str, generation: int, n: int) -> tuple[str, dict] | None:
    """(folder, manifest) of the search data of TOC generation `generation` (n documents),
    when it is there, complete, and in this code's format."""
    folder = os.path.join(gen_path, f"{PREFIX}{generation}")
    try:
        with open(os.path.join(folder, MANIFEST), encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError):
        return None
    if (manifest.get("format") != FORMAT or manifest.get("version") not in READS
            or manifest.get("toc_generation") != generation or manifest.get("documents") != n):
        return None
    return folder, manifest


def _map(path: str, spec: dict) -> np.ndarray:
    """A read-only map of one array; an empty one is read (a zero-length file cannot be
    mapped)."""
    shape = tuple(spec["shape"])
    if 0 in shape:
        return np.empty(shape, dtype=np.dtype(spec["dtype"]))
    a = np.load(path, mmap_mode="r", allow_pickle=False)
    if a.dtype.str != spec["dtype"] or a.shape != shape:
        raise ValueError(f"{path} is not the array its manifest describes")
    return a

