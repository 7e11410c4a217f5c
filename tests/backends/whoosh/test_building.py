"""The Whoosh backend's writing side: segments, generations on disk, reports, update batches.

What every backend must do is in tests/contract/test_build.py and test_update.py; this is
how the Whoosh backend does it (reliability.md A4/A5, B4, B5).
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import article, write_jsonl
from whoosh import index as whoosh_index
from whoosh.query import Every, Term

from searchapp.backends.whoosh import WhooshBackend, building, generations, merge
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
    """A build flushed into several segments deletes earlier copies in committed ones too,
    and merging them (merge.py) leaves the deleted copies out."""
    monkeypatch.setattr(building, "WRITER_MEMORY", memory)
    written = []
    merge_index = merge.merge_index
    monkeypatch.setattr(merge, "merge_index", lambda ix: written.append(
        len(ix._read_toc().segments)) or merge_index(ix))
    records = [article(id=f"id-{i % 4}", headline=f"Version {i}", body=f"common text{i}")
               for i in range(13)]
    src = write_jsonl(tmp_path / "in.jsonl", records)
    report = reindex([str(src)], WhooshBackend(str(tmp_path / "idx")), jobs=1)
    segments = report.index["segments"]
    assert written[0] > 1 and segments == 1
    assert report.index["segments_written"] == written[0]
    assert report.index["finish_seconds"] >= 0
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
WHOOSH_REPORT_KEYS = {"segments", "format_version", "whoosh_version", "swapped_at_epoch",
                      "segments_written", "finish_seconds"}


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


def test_an_update_batch_opens_one_reader_not_one_per_article(site, monkeypatch):
    """Whoosh's update_document opens a reader over every segment per document: an update
    of the 20,000-article collection ran at 4 articles/s. A batch finds its old versions
    with one searcher."""
    from whoosh.writing import SegmentWriter

    opened = []
    real = SegmentWriter.reader

    def counting(self, **kwargs):
        opened.append(1)
        return real(self, **kwargs)

    monkeypatch.setattr(SegmentWriter, "reader", counting)
    write_jsonl(Path("feed.jsonl"), [article(id=f"feed-{i}", headline=f"Feed {i} v2", body="y")
                                     for i in range(60)])
    update(["feed.jsonl"], site, jobs=1)
    assert len(opened) <= 2
    rows = stored("idx")
    assert len(rows) == len({d["id"] for d in rows}) == 60  # the 3 replaced, not doubled
    assert {d["headline"] for d in rows if d["id"] == "feed-0"} == {"Feed 0 v2"}


def files_of(gen: str) -> dict[str, tuple]:
    """Inode, size and modification time of each file of a generation."""
    return {n: (st.st_ino, st.st_size, st.st_mtime_ns)
            for n in os.listdir(gen) for st in [os.stat(Path(gen, n))]}


def test_update_switches_to_a_new_generation_of_linked_files(site):
    """The live generation is never written: an update makes a new one, whose unchanged
    files are hard links to the live one's, and swaps it in with its reports."""
    before = generations.current_path("idx")
    before_files = files_of(before)
    built = generations.read_report(before)
    write_jsonl(Path("feed.jsonl"), [article(id=f"feed-{i}", headline=f"Feed {i}", body="x")
                                     for i in range(4)])
    report = update(["feed.jsonl"], site, jobs=1)
    after = generations.current_path("idx")
    assert after != before
    assert report.generation == Path(after).name
    # The old generation is as it was (it is kept: the previous one).
    assert files_of(before) == before_files
    assert not Path(before, building.UPDATE_REPORT).exists()
    segments = [n for n in before_files if n.endswith(".seg")]
    assert segments and all(
        os.stat(Path(after, n)).st_ino == before_files[n][0] for n in segments)
    saved = json.loads(Path(after, building.UPDATE_REPORT).read_text(encoding="utf-8"))
    assert saved["added"] == 1 and saved["sources"] == ["feed.jsonl"]
    assert saved["generation"] == Path(after).name
    rebuilt = generations.read_report(after)
    assert rebuilt["generation"] == Path(after).name and rebuilt["documents"] == 4
    assert rebuilt["updated_from"] == Path(before).name
    assert rebuilt["started"] == built["started"] and rebuilt["sources"] == built["sources"]
    assert rebuilt["swapped_at_epoch"] > built["swapped_at_epoch"]
    assert len(stored("idx")) == 4


def test_an_update_that_changes_nothing_makes_no_generation(site):
    before = generations.list_generations("idx")
    report = update(["feed.jsonl"], site, jobs=1)
    assert report.unchanged == 3
    assert generations.list_generations("idx") == before
    live = generations.current_path("idx")
    assert report.generation == Path(live).name
    saved = json.loads(Path(live, building.UPDATE_REPORT).read_text(encoding="utf-8"))
    assert saved["unchanged"] == 3


def test_an_update_copies_where_hard_links_fail(site, monkeypatch):
    """Hard links fail across devices (EXDEV) and on some file systems: copy instead."""
    def no_link(src, dst):
        raise OSError(errno.EXDEV, "Invalid cross-device link", src)

    monkeypatch.setattr(os, "link", no_link)
    before = generations.current_path("idx")
    write_jsonl(Path("feed.jsonl"), [article(id=f"feed-{i}", headline=f"Feed {i}", body="x")
                                     for i in range(4)])
    update(["feed.jsonl"], site, jobs=1)
    after = generations.current_path("idx")
    assert after != before
    seg = [n for n in os.listdir(before) if n.endswith(".seg")][0]
    assert os.stat(Path(after, seg)).st_ino != os.stat(Path(before, seg)).st_ino
    assert Path(after, seg).read_bytes() == Path(before, seg).read_bytes()
    assert sorted(d["id"] for d in stored("idx")) == [f"feed-{i}" for i in range(4)]


def test_a_failed_update_leaves_the_live_generation_and_no_other(site, monkeypatch):
    monkeypatch.setattr(building, "UPDATE_BATCH", 1)
    names = generations.list_generations("idx")
    before = {d["id"]: d["headline"] for d in stored("idx")}
    real_flush = building.WhooshUpdate._flush

    def flush_then_fail(self):
        real_flush(self)
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(building.WhooshUpdate, "_flush", flush_then_fail)
    write_jsonl(Path("feed.jsonl"), [article(id=f"feed-{i}", headline=f"Feed {i} v2", body="x")
                                     for i in range(4)])
    with pytest.raises(OSError):
        update(["feed.jsonl"], site, jobs=1)
    assert {d["id"]: d["headline"] for d in stored("idx")} == before
    assert generations.list_generations("idx") == names


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
        assert searcher.doc_count() == 3  # an open searcher keeps its snapshot
        assert before.searcher.doc_count() == 3
        after = holder.get()
        assert after is not before
        assert after.searcher.doc_count() == 4 and after.data.doc_count == 4
        assert after.generation != before.generation
        assert after.generation == Path(generations.current_path("idx")).name
    finally:
        searcher.close()
        holder.close()


# An update run by the real command line that kills itself (SIGKILL) as soon as its
# `kill_after`-th batch of changes has been written: a kill -9 at a known point.
KILLED_UPDATE = """
import os, signal, sys
from searchapp.backends.whoosh import building
from searchapp.cli import cli

building.UPDATE_BATCH = 2
written = []
real_flush = building.WhooshUpdate._flush


def flush_then_die(self):
    real_flush(self)
    written.append(1)
    if len(written) == int(sys.argv[1]):
        os.kill(os.getpid(), signal.SIGKILL)


building.WhooshUpdate._flush = flush_then_die
cli(["update", "--quiet", "--jobs", "1", "--index-dir", sys.argv[2], sys.argv[3]])
"""


def test_an_update_killed_after_some_batches_changes_nothing(site):
    """Finding 3 of issue 9: an update is all or nothing, even under kill -9.

    Before, each batch was committed into the live generation: a kill left some edited
    articles changed and others not, and an edited article's new id beside its old one.
    """
    before = {d["id"]: d["headline"] for d in stored("idx")}
    write_jsonl(Path("feed.jsonl"), [article(id=f"feed-{i}", headline=f"Feed {i} v2", body="x")
                                     for i in range(1, 8)])  # 0 removed, 1-2 changed, 3-7 new
    killed = subprocess.run([sys.executable, "-c", KILLED_UPDATE, "2", "idx", "feed.jsonl"],
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert {d["id"]: d["headline"] for d in stored("idx")} == before
    report = update(["feed.jsonl"], site, jobs=1)
    assert (report.added, report.changed, report.removed) == (5, 2, 1)
    assert {d["id"]: d["headline"] for d in stored("idx")} == {
        f"feed-{i}": f"Feed {i} v2" for i in range(1, 8)}
    # What the killed run left (an unfinished generation) is gone after the next run.
    for name in generations.list_generations("idx"):
        assert generations.read_report(os.path.join("idx", name)) is not None, name
