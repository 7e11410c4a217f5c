"""The Whoosh backend's writing side: segments, generations on disk, reports, update batches.

What every backend must do is in tests/contract/test_build.py and test_update.py; this is
how the Whoosh backend does it (reliability.md A4/A5, B4, B5).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import article, write_jsonl
from whoosh import index as whoosh_index
from whoosh.query import Every, Term

from searchapp.backends.whoosh import WhooshBackend, building, generations
from searchapp.backends.whoosh.snapshot import SnapshotHolder, open_generation
from searchapp.indexing import NothingIndexed, reindex, update


def stored(index_dir: Path | str) -> list[dict]:
    """Stored fields of every live document, in docnum order."""
    ix = open_generation(generations.current_path(str(index_dir)))
    with ix.searcher() as s:
        return [dict(f) for f in s.all_stored_fields()]


def search_ids(index_dir: Path | str, field: str, word: str) -> list[str]:
    ix = open_generation(generations.current_path(str(index_dir)))
    with ix.searcher() as s:
        return sorted(h["id"] for h in s.search(Term(field, word), limit=None))


@pytest.mark.parametrize("memory", [1, 4000])
def test_duplicates_across_segments(tmp_path, monkeypatch, memory):
    """A build flushed into several segments deletes earlier copies in committed ones too."""
    monkeypatch.setattr(building, "WRITER_MEMORY", memory)
    records = [article(id=f"id-{i % 4}", headline=f"Version {i}", body=f"common text{i}")
               for i in range(13)]
    src = write_jsonl(tmp_path / "in.jsonl", records)
    report = reindex([str(src)], WhooshBackend(str(tmp_path / "idx")), jobs=1)
    segments = report.index["segments"]
    assert segments > 1
    assert (report.indexed, report.duplicates) == (4, 9)
    ix = open_generation(generations.current_path(str(tmp_path / "idx")))
    with ix.reader() as r:
        assert len(list(r.leaf_readers())) == segments
    docs = stored(tmp_path / "idx")
    assert {d["id"]: d["headline"] for d in docs} == {
        "id-0": "Version 12", "id-1": "Version 9", "id-2": "Version 10", "id-3": "Version 11"}
    assert search_ids(tmp_path / "idx", "body", "common") == ["id-0", "id-1", "id-2", "id-3"]
    assert search_ids(tmp_path / "idx", "body", "text0") == []
    with ix.searcher() as s:
        assert s.doc_count() == 4
        assert len(s.search(Every(), limit=None)) == 4


def test_nothing_indexed_leaves_no_generation(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(NothingIndexed):
        reindex([str(tmp_path / "empty.txt")], WhooshBackend(str(tmp_path / "idx")), jobs=1)
    assert generations.list_generations(str(tmp_path / "idx")) == []
    assert generations.current_path(str(tmp_path / "idx")) is None


# Read by the web app (format_version), retention (swapped_at_epoch) and people checking a
# build (whoosh_version, segments), besides what every backend reports.
WHOOSH_REPORT_KEYS = {"segments", "format_version", "whoosh_version", "swapped_at_epoch"}


def test_build_report_on_disk(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [article(id="a", headline="A", body="b")])
    report = reindex([str(src)], WhooshBackend(str(tmp_path / "idx")), jobs=1)
    live = generations.current_path(str(tmp_path / "idx"))
    saved = json.loads(Path(live, generations.REPORT).read_text(encoding="utf-8"))
    assert set(saved) >= WHOOSH_REPORT_KEYS
    assert "schema_version" not in saved  # 0.1 would read the index with a schema of its own
    assert saved["generation"] == os.path.basename(live) == report.generation
    assert saved["segments"] == report.index["segments"] == 1
    assert saved["format_version"] == 2
    assert saved["whoosh_version"] == "2.7.4"


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_jsonl(Path("feed.jsonl"), [article(id=f"feed-{i}", headline=f"Feed {i}", body="x")
                                     for i in range(3)])
    backend = WhooshBackend("idx")
    reindex(["feed.jsonl"], backend, jobs=1)
    return backend


def test_duplicates_across_update_batches(site, monkeypatch):
    """T03 for update: the same id twice, in one batch and across batches (A5)."""
    for batch in (2000, 1):
        monkeypatch.setattr(building, "UPDATE_BATCH", batch)
        write_jsonl(Path("more.jsonl"), [
            article(id="feed-2", headline=f"Feed two v2 ({batch})", body="x"),
            article(id="new-1", headline="New one", body="y"),
            article(id="feed-2", headline=f"Feed two v3 ({batch})", body="z"),
        ])
        update(["more.jsonl"], site, jobs=1)
        docs = {d["id"]: d for d in stored("idx")}
        assert docs["feed-2"]["headline"] == f"Feed two v3 ({batch})"
        assert len(docs) == 4


def test_update_writes_into_the_live_generation_and_reports(site):
    before = generations.current_path("idx")
    write_jsonl(Path("feed.jsonl"), [article(id=f"feed-{i}", headline=f"Feed {i}", body="x")
                                     for i in range(4)])
    report = update(["feed.jsonl"], site, jobs=1)
    assert generations.current_path("idx") == before
    assert report.generation == Path(before).name
    saved = json.loads(Path(before, building.UPDATE_REPORT).read_text(encoding="utf-8"))
    assert saved["added"] == 1 and saved["sources"] == ["feed.jsonl"]


def test_an_open_searcher_keeps_its_snapshot_and_the_holder_reopens(site):
    ix = whoosh_index.open_dir(generations.current_path("idx"))
    searcher = ix.searcher()
    holder = SnapshotHolder("idx")
    try:
        before = holder.get()
        assert before.searcher.doc_count() == 3
        write_jsonl(Path("feed.jsonl"), [article(id=f"feed-{i}", headline=f"Feed {i}",
                                                 body="x") for i in range(4)])
        update(["feed.jsonl"], site, jobs=1)
        assert searcher.up_to_date() is False
        assert searcher.doc_count() == 3  # an open searcher keeps its snapshot
        with ix.searcher() as fresh:
            assert fresh.doc_count() == 4
        after = holder.get()
        assert after is not before
        assert after.searcher.doc_count() == 4
        assert after.generation == before.generation
    finally:
        searcher.close()
        holder.close()
