"""merge.py (codec internals) against Whoosh's own merge (commit(optimize=True)): the same
index in what a reader sees — documents, stored fields, lengths, columns, term infos and
every posting — from several segments with deleted documents.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import newsgen
import numpy as np
import pytest
from conftest import article, write_jsonl
from whoosh.query import Term

from searchapp.backends.whoosh import (
    WhooshBackend,
    building,
    generations,
    merge,
    mergepostings,
    mergeterms,
)
from searchapp.backends.whoosh.snapshot import open_generation
from searchapp.indexing import reindex, update

from .test_fastwrite import compare


def records() -> list[dict]:
    """Articles in several segments, some ids given again later (so deleted earlier)."""
    recs = newsgen.records(120, seed=7)
    # A term with more than one posting block (128 postings a block; 100 in a merged
    # segment when the test lowers merge.MERGED_BLOCK_POSTINGS) in several segments.
    recs += [article(id=f"common-{i}", headline="common story", body="common " * (i % 5 + 1),
                     published=f"2024-05-0{i % 9 + 1}T10:00:00Z")
             for i in range(300)]
    # Later copies replace earlier ones: their documents are deleted in earlier segments.
    recs += [{**r, "id": r["id"], "headline": r["headline"] + " again"} for r in recs[:40:3]]
    recs += [article(id=f"common-{i}", headline="replaced", body="only once")
             for i in range(0, 300, 7)]
    return recs


@pytest.fixture
def unmerged(tmp_path, monkeypatch):
    """A generation of several segments with deletions, as reindex writes it unmerged."""
    monkeypatch.setattr(building, "WRITER_MEMORY", 40_000)
    monkeypatch.setattr(merge, "KEEP_SEGMENTS", 1000)
    src = write_jsonl(tmp_path / "in.jsonl", records())
    report = reindex([str(src)], WhooshBackend(str(tmp_path / "idx")), jobs=1)
    gen = generations.current_path(str(tmp_path / "idx"))
    ix = open_generation(gen)
    segments = ix._read_toc().segments
    assert report.index["segments"] == len(segments) > 3
    assert sum(s.deleted_count() for s in segments) > 20
    return gen


def copy(gen: str, to) -> str:
    return shutil.copytree(gen, to)


@pytest.mark.parametrize("small", [None, "postings", "terms"])
def test_merge_reads_like_whooshs_optimize(unmerged, tmp_path, monkeypatch, small):
    if small:  # many ranges of terms per field (cut by postings or by terms), written by
        # three processes, and terms of several blocks in the merged segment too
        monkeypatch.setattr(merge, "MERGED_BLOCK_POSTINGS", 100)
        if small == "postings":
            monkeypatch.setattr(mergeterms, "BATCH_POSTINGS", 50)
        else:
            monkeypatch.setattr(mergeterms, "BATCH_TERMS", 7)
        monkeypatch.setattr(mergepostings, "PARALLEL_POSTINGS", 0)
        monkeypatch.setattr(mergepostings, "WORKERS", 3)
    ours_ix = open_generation(copy(unmerged, tmp_path / "ours"))
    assert merge.merge_index(ours_ix, keep=1) == 1
    whoosh_ix = open_generation(copy(unmerged, tmp_path / "whoosh"))
    whoosh_ix.writer().commit(optimize=True)
    before = open_generation(unmerged).reader()
    ours, whoosh = ours_ix.reader(), whoosh_ix.reader()
    assert len(list(ours.leaf_readers())) == len(list(whoosh.leaf_readers())) == 1
    assert ours.doc_count() == before.doc_count()
    assert compare(ours, whoosh, merged=True) > 10_000
    # Field totals (BM25's average length) stay exact, less the deleted documents' lengths.
    for name in ours.schema.scorable_names():
        deleted = sum(seg.doc_field_length(d, name) or 0
                      for seg, _ in before.leaf_readers() for d in range(seg.doc_count_all())
                      if seg.is_deleted(d))
        assert ours.field_length(name) == before.field_length(name) - deleted, name
    before.close()
    ours.close()
    whoosh.close()


def test_merge_leaves_one_toc_and_one_segment(unmerged):
    ix = open_generation(unmerged)
    generation = ix.latest_generation()
    assert merge.merge_index(ix, keep=1) == 1
    reopened = open_generation(unmerged)
    assert reopened.latest_generation() == generation + 1
    (segment,) = reopened._read_toc().segments
    names = sorted(p.name for p in Path(unmerged).iterdir()
                   if p.suffix in (".seg", ".toc"))
    assert names == sorted([f"{segment.segment_id()}.seg", f"_MAIN_{generation + 1}.toc"])
    assert merge.merge_index(reopened, keep=1) == 1  # one segment: nothing to do


def test_reindex_reports_the_merged_segments(tmp_path, monkeypatch):
    monkeypatch.setattr(building, "WRITER_MEMORY", 4000)
    src = write_jsonl(tmp_path / "in.jsonl", records()[:200])
    report = reindex([str(src)], WhooshBackend(str(tmp_path / "idx")), jobs=1)
    live = generations.current_path(str(tmp_path / "idx"))
    assert report.index["segments"] == generations.read_report(live)["segments"] == 1
    with open_generation(live).reader() as r:
        assert len(list(r.leaf_readers())) == 1


class Sized:
    def __init__(self, docs: int):
        self.docs = docs

    def doc_count(self) -> int:
        return self.docs


@pytest.mark.parametrize(("sizes", "chosen"), [
    ([20_000, 2000, 2000, 2000], []),  # not more than 4: nothing to do
    ([20_000, 2000, 2000, 2000, 2000], [1, 2, 3, 4]),  # the big one is left alone
    ([2000, 20_000, 8000, 2000, 2000, 500], [0, 3, 4, 5]),  # 8000 > 2000 + 2000 + 500 + 2000
    ([100, 50, 50, 50, 50, 50], [0, 1, 2, 3, 4, 5]),  # all of a size: all merged
])
def test_update_policy_merges_the_smallest(sizes, chosen):
    assert merge._smallest([Sized(n) for n in sizes], most=4) == chosen


def test_an_update_merges_its_small_segments(tmp_path, monkeypatch):
    src = write_jsonl(tmp_path / "in.jsonl", [article(id=f"a-{i}", headline=f"Story {i}",
                                                      body="common") for i in range(30)])
    backend = WhooshBackend(str(tmp_path / "idx"))
    reindex([str(src)], backend, jobs=1)
    live = generations.current_path(str(tmp_path / "idx"))
    monkeypatch.setattr(building, "UPDATE_BATCH", 3)  # a segment per 3 articles
    more = write_jsonl(tmp_path / "more.jsonl", [
        article(id=f"a-{i}", headline=f"Story {i} again", body="common")
        for i in range(0, 45, 2)])
    report = update([str(more)], backend, jobs=1)
    assert (report.added, report.changed, report.removed) == (8, 15, 0)
    after = generations.current_path(str(tmp_path / "idx"))
    assert after != live and len(open_generation(live)._read_toc().segments) == 1
    ix = open_generation(after)
    segments = ix._read_toc().segments
    assert len(segments) <= merge.UPDATE_SEGMENTS
    assert generations.read_report(after)["segments"] == len(segments)
    with ix.searcher() as s:
        hits = {h["id"]: h["headline"] for h in s.search(Term("body", "common"), limit=None)}
    assert len(hits) == 38
    assert hits["a-2"] == "Story 2 again" and hits["a-1"] == "Story 1"


def field_of(dfs: list[int]) -> mergeterms.FieldMerge:
    fm = object.__new__(mergeterms.FieldMerge)
    fm.merged, fm.cum = [b"t"] * len(dfs), np.cumsum(np.array(dfs, dtype=np.int64))
    fm.postings = int(fm.cum[-1]) if dfs else 0
    return fm


@pytest.mark.parametrize("workers", [1, 2, 3, 5])
@pytest.mark.parametrize("dfs", [[10] * 100, [1] * 5 + [100] * 30 + [3] * 7 + [1000] + [5] * 50,
                                 [7], [1_000_000] * 2, [1] * 3])
def test_spans_cover_every_term_once_in_order(monkeypatch, workers, dfs):
    monkeypatch.setattr(mergepostings, "WORKERS", workers)
    monkeypatch.setattr(mergepostings, "PARALLEL_POSTINGS", 0)
    spans = mergepostings._spans(field_of(dfs))
    assert len(spans) == min(workers, len(dfs)) or len(dfs) < 10
    assert [t for a, b in spans for t in range(a, b)] == list(range(len(dfs)))
    assert all(b > a for a, b in spans)
    for a, b in spans:  # about as many postings each: within one term of an equal share
        assert sum(dfs[a:b]) <= sum(dfs) / workers + max(dfs)


def test_an_update_leaves_out_segments_it_emptied(tmp_path):
    backend = WhooshBackend(str(tmp_path / "idx"))
    src = write_jsonl(tmp_path / "in.jsonl", [article(id=f"a-{i}", headline="Old", body="x")
                                              for i in range(10)])
    reindex([str(src)], backend, jobs=1)
    live = generations.current_path(str(tmp_path / "idx"))
    write_jsonl(tmp_path / "in.jsonl", [article(id=f"a-{i}", headline="New", body="x")
                                        for i in range(10)])
    assert update([str(src)], backend, jobs=1).changed == 10
    ix = open_generation(generations.current_path(str(tmp_path / "idx")))
    (segment,) = ix._read_toc().segments  # the first one's documents were all replaced
    assert segment.doc_count() == segment.doc_count_all() == 10
    assert len(open_generation(live)._read_toc().segments) == 1
    with ix.searcher() as s:
        assert {f["headline"] for f in s.all_stored_fields()} == {"New"}


def big_blocks(segment_reader, fieldname: str) -> tuple[int, int]:
    """(compressed, uncompressed) posting blocks of 16 postings or more in a segment."""
    from whoosh.compat import loads
    from whoosh.system import unpack_int

    from searchapp.backends.whoosh.fastwrite import COMPRESS_MIN_POSTINGS

    terms = mergeterms.SegmentTerms(segment_reader, fieldname)
    counts = [0, 0]
    for offset, length in zip(terms.offsets.tolist(), terms.lengths.tolist(), strict=True):
        buf, pos = terms.postfile.get(offset, length), 4
        while pos < length:
            size = abs(unpack_int(buf[pos:pos + 4])[0])
            info = loads(buf[pos + 4:pos + 4 + size])
            if info[0] >= COMPRESS_MIN_POSTINGS:
                counts[0 if info[3] else 1] += 1
            pos += 4 + size
    return counts[0], counts[1]


def test_segments_to_be_merged_are_written_raw(tmp_path, monkeypatch):
    """Segments past KEEP_SEGMENTS (merged anyway) hold their postings as sorted runs
    (fastwrite.write_raw), no posting block; the merged index is compressed and reads the
    same as one merged from compressed segments."""
    import searchapp.backends.whoosh.added as added
    from searchapp.backends.whoosh.snapshot import open_generation as open_gen

    monkeypatch.setattr(building, "WRITER_MEMORY", 300_000)
    monkeypatch.setattr(added.time, "time", lambda: 1_700_000_000.0)  # the same stamps
    # Forked span writers and many ranges read the runs too.
    monkeypatch.setattr(mergepostings, "PARALLEL_POSTINGS", 0)
    monkeypatch.setattr(mergeterms, "BATCH_POSTINGS", 3000)
    seen = []
    real = merge.merge_index

    def spy(ix, keep=None):
        with ix.reader() as r:
            seen.extend((getattr(leaf.segment(), "raw_postings", False),
                         len(mergeterms.SegmentTerms(leaf, "body").read_terms()),
                         len(mergeterms.segment_terms(leaf, "body").read_terms()))
                        for leaf, _ in r.leaf_readers())
        return real(ix, keep)

    monkeypatch.setattr(merge, "merge_index", spy)
    src = write_jsonl(tmp_path / "in.jsonl", records())
    reindex([str(src)], WhooshBackend(str(tmp_path / "a")), jobs=1)
    assert len(seen) > 3 and not seen[0][0] and seen[0][1] == seen[0][2] > 0, seen
    assert all(raw and blocks == 0 and runs > 0 for raw, blocks, runs in seen[1:]), seen
    a = open_gen(generations.current_path(str(tmp_path / "a"))).reader()
    assert len(list(a.leaf_readers())) == 1
    assert big_blocks(a, "body")[1] == 0 and big_blocks(a, "body")[0] > 0

    monkeypatch.setattr(merge, "KEEP_SEGMENTS", 1000)  # every segment compressed, kept...
    reindex([str(src)], WhooshBackend(str(tmp_path / "b")), jobs=1)
    b_ix = open_gen(generations.current_path(str(tmp_path / "b")))
    assert real(b_ix, keep=1) == 1  # ...then merged the same way
    b = b_ix.reader()
    try:
        assert compare(a, b, merged=True) > 10_000
    finally:
        a.close()
        b.close()
