"""phrasedata.py: the positions of a merged segment's common words, written by the merge and
read instead of the posting blocks. What it gives must be what the blocks give, for any
set of documents, and a search must not change with it or without it."""

from __future__ import annotations

import os
from pathlib import Path

import newsgen
import numpy as np
import pytest
from conftest import article, write_jsonl

from searchapp.backends.whoosh import (
    WhooshBackend,
    building,
    generations,
    merge,
    phrasedata,
    positions,
)
from searchapp.backends.whoosh.snapshot import Snapshot, open_generation
from searchapp.indexing import reindex, update
from searchapp.search.params import SearchParams
from searchapp.search.service import run_search

PHRASES = ['"prime minister"', '"central bank"', '"secretary of state"', '"the city"',
           '"state of emergency"~1', '"strike police"~3', 'headline:"prime minister"',
           'comment:"central bank"', '"climate change" market', '"said the"']


def records() -> list[dict]:
    recs = newsgen.records(160, seed=11)
    # A word at a 16-bit gap in one document: left out of the file (its blocks are read).
    recs.append(article(id="far-apart", headline="far apart",
                        body="the city " + "filler " * 70_000 + "the city"))
    return recs


@pytest.fixture
def built(tmp_path, monkeypatch):
    """An index of several segments merged into one, with a phrase file of every word in
    at least three documents."""
    monkeypatch.setattr(building, "WRITER_MEMORY", 40_000)
    monkeypatch.setattr(phrasedata, "MIN_POSTINGS", 3)
    src = write_jsonl(tmp_path / "in.jsonl", records())
    backend = WhooshBackend(str(tmp_path / "idx"))
    report = reindex([str(src)], backend, jobs=1)
    assert report.index["segments_written"] > 1 and report.index["segments"] == 1
    return tmp_path / "idx", backend


def snapshot(index_dir) -> Snapshot:
    gen = generations.current_path(str(index_dir))
    return Snapshot.of(open_generation(gen), gen)


def test_positions_read_as_the_blocks_give_them(built):
    snap = snapshot(built[0])
    data = snap.data
    (held,) = data._phrases
    assert held is not None
    rng = np.random.default_rng(3)
    compared = 0
    for fieldname, (table, _arrays) in held.fields.items():
        for i in range(len(table)):
            term = table[i]
            ids = data.postings(fieldname, term).ids
            for size in (1, len(ids) // 2, len(ids)):
                docs = np.sort(rng.choice(ids, size=max(size, 1), replace=False))
                got = data.positions_for(fieldname, term, docs)
                want = positions.decode(data.schema[fieldname].format,
                                        data.values_for(fieldname, term, docs))
                assert np.array_equal(got[0], want[0]), (fieldname, term)
                assert np.array_equal(got[1], want[1]), (fieldname, term)
                compared += 1
    assert set(held.fields) >= {"body", "headline", "quotes", "comments"}
    assert compared > 1000
    # The word 70,000 positions apart in one document is left to its blocks.
    assert held.fields["body"][0].get("city") is None
    assert held.fields["body"][0].get("the") is None
    assert held.fields["body"][0].get("said") is not None
    snap.close()


def _results(backend, queries: list[str]) -> dict:
    out = {}
    for q in queries:
        page = run_search(backend, SearchParams.from_args({"q": q, "per_page": "50"}))
        out[q] = (page.total, [(h.id, round(h.score, 4)) for h in page.results])
    return out


def test_a_search_is_the_same_without_the_file(built, monkeypatch):
    index_dir, backend = built
    with_file = _results(backend, PHRASES)
    assert backend.snapshot().data._phrases[0] is not None
    assert all(total for total, _ in with_file.values()), {q: t for q, (t, _) in with_file.items()}
    monkeypatch.setattr(phrasedata, "open_for", lambda folder, segment: None)
    plain = WhooshBackend(str(index_dir))
    without = _results(plain, PHRASES)
    assert plain.snapshot().data._phrases == [None]
    assert with_file == without


def test_the_file_follows_its_segment_and_a_broken_one_is_not_read(built, tmp_path,
                                                                      monkeypatch):
    index_dir, backend = built
    before = generations.current_path(str(index_dir))
    (name,) = [p.name for p in Path(before).iterdir() if p.suffix == phrasedata.EXT]
    expected = _results(backend, PHRASES)
    # An update deletes documents of the merged segment and adds one: the new generation
    # holds the same file (a hard link), still read, and the deleted documents are gone.
    more = write_jsonl(tmp_path / "more.jsonl", [
        {**r, "headline": r["headline"] + " again"} for r in records()[:20]])
    monkeypatch.setattr(merge, "UPDATE_SEGMENTS", 4)
    update([str(more)], backend, jobs=1)
    after = generations.current_path(str(index_dir))
    assert after != before
    assert os.path.samefile(os.path.join(before, name), os.path.join(after, name))
    snap = snapshot(index_dir)
    assert snap.data._phrases[0] is not None and snap.data._phrases[-1] is None
    snap.close()
    updated = _results(WhooshBackend(str(index_dir)), PHRASES)
    assert updated != expected  # the edited headlines
    # A file cut short (a crash while it was copied, say) is not read; nothing changes.
    path = os.path.join(after, name)
    os.unlink(path)  # the link: the old generation keeps its copy
    with open(os.path.join(before, name), "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[:-5])
    snap = snapshot(index_dir)
    assert snap.data._phrases[0] is None
    snap.close()
    assert _results(WhooshBackend(str(index_dir)), PHRASES) == updated
    # A full reindex merges again: one segment, its own file, the old one's gone with it.
    src = write_jsonl(tmp_path / "again.jsonl", records())
    reindex([str(src)], backend, jobs=1)
    latest = generations.current_path(str(index_dir))
    files = [p.name for p in Path(latest).iterdir() if p.suffix == phrasedata.EXT]
    (segment,) = open_generation(latest)._read_toc().segments
    assert files == [phrasedata.filename(segment)] != [name]


def test_one_process_writes_the_same_file_as_two(built, monkeypatch):
    gen = generations.current_path(str(built[0]))
    ix = open_generation(gen)
    (segment,) = ix._read_toc().segments
    path = os.path.join(gen, phrasedata.filename(segment))
    with open(path, "rb") as f:
        two = f.read()
    monkeypatch.setattr(phrasedata, "WORKERS", 1)
    os.unlink(path)
    assert phrasedata.write(ix.storage, ix.schema, segment) == os.path.basename(path)
    with open(path, "rb") as f:
        assert f.read() == two
    assert not [p for p in os.listdir(gen) if p.endswith(".tmp") or ".run" in p]


def test_a_smaller_segment_keeps_a_share_of_its_words():
    assert phrasedata.threshold(1_000_000) == phrasedata.threshold(200_000) == 5000
    assert phrasedata.threshold(20_000) == 500
    assert phrasedata.threshold(1_000) == 100
