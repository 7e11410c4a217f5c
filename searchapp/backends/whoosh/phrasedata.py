"""The positions of a merged segment's common words: written once by the merge, mapped by
every worker.

A phrase is checked in the documents holding all of its words, from each word's positions
there (positions.py). In the posting blocks those positions are deflated and pickled, one
bytes object per posting: at 200,000 articles the first `"world cup"` a worker saw spent 34
of its 81 ms inflating and unpickling 195 blocks of "world" and "cup" in the four text
parts, and every worker paid it again (the blocks it unpickles are its own cache). Here the
merge writes, for each word of a positional field in enough of the segment's documents
(`threshold`), its position deltas as plain little-endian arrays; a worker maps the file and
gathers the positions of the documents it checks in a few numpy calls, shared with the
other workers through the page cache. Rarer words (a few blocks each) are read from their
blocks as before, and so are the segments written without such a file (small ones, those
of older versions).

Format (FORMAT, VERSION below): one file `<segment id>.phr` beside the segment's own
(Whoosh's file pattern for the segment: later generations hard-link it with the segment,
and it is deleted with it):

- MAGIC, then the arrays, each starting at a multiple of 8 bytes;
- a UTF-8 JSON manifest: {"format", "version", "segment": the segment id, "documents": its
  document count, "arrays": {"counts": A, "deltas": A}, "fields": {field: {name: A}}}, each
  A an array's {"offset", "dtype", "count"};
- the manifest's length (little-endian uint64) and MAGIC again (a file that does not end
  so is incomplete and not used).

`counts` (uint16) holds, word after word, how often the word occurs in each document
holding it (deleted ones included, in the order of its posting list); `deltas` (uint16),
word after word and document after document, each occurrence's position less the
previous one's in the same document (the first one's less 0). Per field, its words in
byte order as `text` (uint8, UTF-8) and `offsets` (int64: word i is
text[offsets[i]:offsets[i + 1]]), and per word its number of documents (`postings`,
int64) and where its counts and its deltas begin (`count_at`, `delta_at`, int64). A word
with 65,536 occurrences or more in a document, or a gap of as many positions, is left out
(its blocks are read).

The merge writes the file on WORKERS cores: the common words cut into runs of about as
many postings, each run's counts and deltas written to files of their own by a forked
process, then copied into the segment's file one after another.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import shutil
import struct
from functools import partial

import numpy as np
from whoosh.reading import SegmentReader

from searchapp.backends.whoosh import blocks, forked, positions
from searchapp.backends.whoosh.formats import CompactCharacters, CompactPositions
from searchapp.backends.whoosh.mapped import release_pages
from searchapp.backends.whoosh.searchdata import StringTable

FORMAT = "scrapesearch-phrases"
VERSION = 1
MAGIC = b"SSPHRASE"
EXT = ".phr"
# A word is in the file when it is in MIN_POSTINGS documents of the segment, or in
# MIN_SHARE of them (at least MIN_FLOOR) in a smaller segment; rarer words are read from
# their blocks, a few each (merge.MERGED_BLOCK_POSTINGS postings a block). The file is
# about 16% of the index at 200,000 bench articles.
MIN_POSTINGS = 5000
MIN_SHARE = 1 / 40
MIN_FLOOR = 100
WORKERS = 2  # processes writing the file at once (as many as mergepostings.WORKERS)
# A writer releases the segment's mapped pages it has read after about this many postings
# (a few tens of MB of the file): otherwise it ends with the whole postings file resident,
# counted in its memory (875 MB over the two writers at 200,000 articles).
RELEASE_POSTINGS = 2_000_000
COPY_BYTES = 1 << 22
_TAIL = struct.Struct("<Q")
_U16 = 0xFFFF


def threshold(documents: int) -> int:
    """The documents a word must be in to be in the file of a segment of `documents`."""
    return min(MIN_POSTINGS, max(MIN_FLOOR, int(documents * MIN_SHARE)))


def filename(segment) -> str:
    return segment.make_filename(EXT)


def phrase_fields(schema) -> list[str]:
    """The fields whose postings hold positions this module can write."""
    return sorted(name for name in schema.names()
                  if isinstance(schema[name].format, CompactCharacters | CompactPositions))


def write(storage, schema, segment) -> str | None:
    """Write the file of `segment` (complete: its files written) into `storage`; returns its
    name, or None when no word is common enough."""
    reader = SegmentReader(storage, schema, segment)
    try:
        words = [(f, btext, info.doc_frequency()) for f in phrase_fields(schema)
                 for btext, info in _terms(reader, f)
                 if info.doc_frequency() >= threshold(segment.doc_count_all())]
    finally:
        reader.close()
    if not words:
        return None
    name = filename(segment)
    path = os.path.join(storage.folder, name)
    runs = _runs(words)
    work = [partial(_write_run, storage, schema, segment, run, f"{path}.run{k}.tmp")
            for k, run in enumerate(runs)]
    children = [forked.Child(w, "writing the phrase positions") for w in work[1:]]
    written = []
    try:
        written.append(work[0]())
        while children:
            written.append(children[0].result())
            children.pop(0)
        _assemble(path, segment, written)
    finally:
        for child in children:
            child.kill()
        for k in range(len(runs)):
            for part in (".counts", ".deltas"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(f"{path}.run{k}.tmp{part}")
    return name


def _terms(reader, fieldname: str):
    for (fname, btext), info in reader.iter_from(fieldname, b""):
        if fname != fieldname:
            break
        yield btext, info


def _runs(words: list[tuple[str, bytes, int]]) -> list[list[tuple[str, bytes, int]]]:
    """The words cut into up to WORKERS runs of about as many postings, in order."""
    workers = WORKERS if hasattr(os, "fork") else 1
    total = sum(df for _, _, df in words)
    runs: list[list] = [[]]
    done = 0
    for w in words:
        if done >= total * len(runs) / workers and len(runs) < workers:
            runs.append([])
        runs[-1].append(w)
        done += w[2]
    return runs


def _write_run(storage, schema, segment, run, base: str) -> list[tuple[str, bytes, int, int]]:
    """Write the counts and deltas of `run`'s words to base.counts and base.deltas; returns
    (field, word, documents, occurrences) of those written."""
    reader = SegmentReader(storage, schema, segment)
    out = []
    read = 0  # postings read since the mapped pages were last released
    try:
        with open(base + ".counts", "wb") as fc, open(base + ".deltas", "wb") as fd:
            for fieldname, btext, df in run:
                found = _positions(reader, schema[fieldname].format, fieldname, btext)
                read += df
                if read >= RELEASE_POSTINGS:  # what was read of the segment's map
                    release_pages([reader])
                    read = 0
                if found is None:
                    continue
                counts, deltas = found
                fc.write(counts.astype("<u2").tobytes())
                fd.write(deltas.astype("<u2").tobytes())
                out.append((fieldname, btext, len(counts), len(deltas)))
    finally:
        reader.close()
    return out


def _positions(reader, fmt, fieldname: str, btext: bytes):
    """(counts, deltas) of one word, or None when they do not fit 16 bits."""
    try:
        extent = blocks.term_extent(reader, fieldname, btext)
        if extent is None:
            return None
        table = blocks.read_table(*extent)
    except blocks.Unrecognised:
        return None
    values = []
    for b in range(len(table.counts)):
        values.extend(blocks.block_values(table, b))
    starts, found = positions.decode(fmt, values)
    counts = np.diff(starts)
    deltas = found.copy()
    deltas[1:] -= found[:-1]
    firsts = starts[:-1][counts > 0]
    deltas[firsts] = found[firsts]  # each document's first position, from 0
    if (len(counts) and counts.max() > _U16) or (len(deltas) and deltas.max() > _U16):
        return None
    return counts, deltas


def _assemble(path: str, segment, written: list[list[tuple[str, bytes, int, int]]]) -> None:
    """The runs' files copied into the segment's, with the words' tables and the manifest."""
    entries = [e for run in written for e in run]
    tmp = path + ".tmp"
    manifest = {"format": FORMAT, "version": VERSION, "segment": segment.segment_id(),
                "documents": segment.doc_count_all(), "arrays": {}, "fields": {}}
    try:
        with open(tmp, "wb") as out:
            out.write(MAGIC)
            for part, dtype in ((".counts", "<u2"), (".deltas", "<u2")):
                out.write(b"\0" * (-out.tell() % 8))
                offset = out.tell()
                for k in range(len(written)):
                    with open(f"{path}.run{k}.tmp{part}", "rb") as f:
                        shutil.copyfileobj(f, out, COPY_BYTES)
                count = (out.tell() - offset) // 2
                manifest["arrays"][part[1:]] = {"offset": offset, "dtype": dtype,
                                                "count": count}
            n = np.array([e[2] for e in entries], np.int64)
            sizes = np.array([e[3] for e in entries], np.int64)
            count_at, delta_at = np.cumsum(n) - n, np.cumsum(sizes) - sizes
            fields = [e[0] for e in entries]
            for f in sorted(set(fields)):
                lo, hi = fields.index(f), len(fields) - fields[::-1].index(f)
                table = StringTable.of([e[1].decode("utf-8") for e in entries[lo:hi]])
                specs = manifest["fields"][f] = {}
                for key, a in (("text", table.text), ("offsets", table.offsets),
                               ("postings", n[lo:hi]), ("count_at", count_at[lo:hi]),
                               ("delta_at", delta_at[lo:hi])):
                    out.write(b"\0" * (-out.tell() % 8))
                    a = np.ascontiguousarray(a, a.dtype.newbyteorder("<"))
                    specs[key] = {"offset": out.tell(), "dtype": a.dtype.str, "count": len(a)}
                    out.write(a.tobytes())
            blob = json.dumps(manifest).encode("utf-8")
            out.write(blob + _TAIL.pack(len(blob)) + MAGIC)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class PhraseData:
    """One segment's file, mapped."""

    def __init__(self, path: str, segment_id: str, documents: int):
        """Raises OSError or ValueError when the file is not there, incomplete, or not the
        one of this segment in this format."""
        with open(path, "rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        m = self._map
        size = len(m)
        tail = len(MAGIC) + _TAIL.size
        if size < 2 * len(MAGIC) + _TAIL.size or m[:len(MAGIC)] != MAGIC or \
                m[size - len(MAGIC):] != MAGIC:
            raise ValueError(f"{path} is incomplete")
        (length,) = _TAIL.unpack(m[size - tail:size - len(MAGIC)])
        manifest = json.loads(m[size - tail - length:size - tail].decode("utf-8"))
        if (manifest.get("format") != FORMAT or manifest.get("version") != VERSION
                or manifest.get("segment") != segment_id
                or manifest.get("documents") != documents):
            raise ValueError(f"{path} is not this segment's, in this format")
        def mapped(spec: dict) -> np.ndarray:
            return np.frombuffer(m, np.dtype(spec["dtype"]), spec["count"], spec["offset"])

        self.counts = mapped(manifest["arrays"]["counts"])
        self.deltas = mapped(manifest["arrays"]["deltas"])
        self.fields = {}
        for f, specs in manifest["fields"].items():
            a = {key: mapped(spec) for key, spec in specs.items()}
            self.fields[f] = (StringTable(a["text"], a["offsets"]), a)

    def positions(self, fieldname: str, term: str, npostings: int, at: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray] | None:
        """(starts, positions) as positions.decode gives them, of the term's postings `at`
        (ascending places in its posting list of `npostings`), or None when the file does
        not hold the term."""
        held = self.fields.get(fieldname)
        if held is None:
            return None
        table, a = held
        i = table.get(term)
        if i is None or int(a["postings"][i]) != npostings:
            return None
        first = int(a["count_at"][i])
        counts = self.counts[first:first + npostings]
        ends = np.cumsum(counts, dtype=np.int64)
        deltas = self.deltas[int(a["delta_at"][i]):][:int(ends[-1]) if len(ends) else 0]
        c = counts[at].astype(np.int64)
        starts = np.zeros(len(at) + 1, np.int64)
        np.cumsum(c, out=starts[1:])
        begin = ends[at] - c  # each document's first delta in `deltas`
        idx = np.repeat(begin - starts[:-1], c) + np.arange(starts[-1])
        return starts, positions.summed(deltas[idx], starts)

    def close(self) -> None:
        self._map.close()


def open_for(folder: str | None, segment) -> PhraseData | None:
    """The file of `segment` (a Whoosh segment) in `folder`, or None when it has none that
    this code reads."""
    if folder is None:
        return None
    try:
        return PhraseData(os.path.join(folder, filename(segment)), segment.segment_id(),
                          segment.doc_count_all())
    except (OSError, ValueError, KeyError):
        return None
