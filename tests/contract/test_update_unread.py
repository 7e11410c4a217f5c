"""`update` leaves unread the input items whose digest the index has, and still leaves the
index exactly as a full reindex of the same sources would: for added, changed, removed and
moved inputs, and for ids that several inputs share (the later input wins)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import article, write_jsonl

from contract.helpers import articles
from indexer import pipeline, work
from searchapp.indexing import reindex, update

SOURCES = ["site", "feeds"]


def dump(headline: str, body: str) -> str:
    return f"{headline}\n\n{body}\n"


def feed(name: str, records: list[dict]) -> None:
    write_jsonl(Path("feeds") / name, records)


FIRST = [article(id="a-1", headline="A one", body="first"),
         article(id="dup", headline="Dup, early copy", body="early"),
         article(id="a-3", headline="A three", body="third")]
SECOND = [article(id="b-1", headline="B one", body="one"),
          article(id="dup", headline="Dup, late copy", body="late"),
          article(id="b-3", headline="B three", body="three")]


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The paths of the items extraction reads (jobs=1: in this process)."""
    seen: list[str] = []
    real = work._articles

    def spy(item):
        seen.append(item.path)
        return real(item)

    monkeypatch.setattr(work, "_articles", spy)
    return seen


@pytest.fixture(params=[pipeline.BATCH_ITEMS, 1], ids=["batched", "one-by-one"])
def corpus(request, engine, tmp_path, monkeypatch):
    """A folder of dumps and a folder of two feeds sharing the id "dup", indexed once.

    One item per batch: each article is filed before the next item is discovered, so a
    later unread item with the id of one already written is found only afterwards.
    """
    monkeypatch.setattr(pipeline, "BATCH_ITEMS", request.param)
    monkeypatch.chdir(tmp_path)
    Path("site").mkdir()
    Path("feeds").mkdir()
    for i in range(3):
        Path(f"site/{i}.txt").write_text(dump(f"Story {i}", f"Body {i}."), encoding="utf-8")
    feed("a.jsonl", FIRST)
    feed("b.jsonl", SECOND)
    backend = engine.new(tmp_path / "updated")
    reindex(SOURCES, backend, jobs=1)
    yield backend
    backend.close()


def assert_as_reindexed(backend, engine, sources=SOURCES) -> None:
    """The backend holds what a reindex of `sources` into a new index holds."""
    fresh = engine.new(Path.cwd() / "fresh")
    try:
        reindex(sources, fresh, jobs=1)
        assert articles(backend) == articles(fresh)
    finally:
        fresh.close()


def only_the_lost_copy(reads: list[str]) -> bool:
    """The early copy of "dup" is not in the index (the late one won), so it is read again;
    and the late one too when the early one's article was filed before the late one was
    found (one item per batch)."""
    return reads[0] == "feeds/a.jsonl#2" and set(reads) <= {"feeds/a.jsonl#2",
                                                          "feeds/b.jsonl#2"}


def test_nothing_changed_reads_only_what_lost_to_a_later_input(corpus, engine, reads):
    report = update(SOURCES, corpus, jobs=1)
    assert only_the_lost_copy(reads), reads
    if pipeline.BATCH_ITEMS > 1:  # the late copy was found before the early one was filed
        assert reads == ["feeds/a.jsonl#2"]
    assert (report.added, report.removed, report.unread) == (0, 0, 8)
    assert articles(corpus)["dup"].headline == "Dup, late copy"
    assert_as_reindexed(corpus, engine)


def test_added_and_changed_inputs_are_the_only_ones_read(corpus, engine, reads):
    Path("site/3.txt").write_text(dump("Story 3", "New."), encoding="utf-8")
    Path("site/1.txt").write_text(dump("Story 1", "Corrected."), encoding="utf-8")
    feed("b.jsonl", [SECOND[0], SECOND[1], article(id="b-3", headline="B three, fixed")])
    report = update(SOURCES, corpus, jobs=1)
    assert {"feeds/a.jsonl#2", "feeds/b.jsonl#3", "site/1.txt", "site/3.txt"} <= set(reads)
    assert only_the_lost_copy([r for r in reads if r.startswith("feeds/")
                               and r != "feeds/b.jsonl#3"])
    assert report.unread == 6
    assert_as_reindexed(corpus, engine)


def test_removed_inputs(corpus, engine, reads):
    Path("site/0.txt").unlink()
    feed("a.jsonl", [FIRST[1], FIRST[2]])  # the lines after the first move up: read again
    report = update(SOURCES, corpus, jobs=1)
    assert {"feeds/a.jsonl#1", "feeds/a.jsonl#2"} <= set(reads) <= {
        "feeds/a.jsonl#1", "feeds/a.jsonl#2", "feeds/b.jsonl#2"}
    assert report.removed == 2
    assert_as_reindexed(corpus, engine)


def test_moved_source(corpus, engine, reads):
    shutil.move("site", "moved")
    sources = ["moved", "feeds"]
    update(sources, corpus, jobs=1)
    assert sorted(r for r in reads if r.startswith("moved/")) == [
        "moved/0.txt", "moved/1.txt", "moved/2.txt"]
    assert_as_reindexed(corpus, engine, sources)


def test_the_later_copy_of_an_id_changes(corpus, engine):
    feed("b.jsonl", [SECOND[0], article(id="dup", headline="Dup, late copy, edited"),
                     SECOND[2]])
    update(SOURCES, corpus, jobs=1)
    assert articles(corpus)["dup"].headline == "Dup, late copy, edited"
    assert_as_reindexed(corpus, engine)


def test_the_earlier_copy_of_an_id_changes(corpus, engine):
    feed("a.jsonl", [FIRST[0], article(id="dup", headline="Dup, early copy, edited"),
                     FIRST[2]])
    update(SOURCES, corpus, jobs=1)
    assert articles(corpus)["dup"].headline == "Dup, late copy"
    assert_as_reindexed(corpus, engine)


def test_the_later_copy_of_an_id_goes(corpus, engine):
    feed("b.jsonl", [SECOND[0], SECOND[2]])
    update(SOURCES, corpus, jobs=1)
    assert articles(corpus)["dup"].headline == "Dup, early copy"
    assert_as_reindexed(corpus, engine)


def test_a_new_input_takes_the_id_of_a_later_unread_one(corpus, engine, reads):
    """The new article is written first; the unread later input with its id wins, so it
    is read after all."""
    feed("a.jsonl", [*FIRST, article(id="b-1", headline="B one, earlier copy")])
    update(SOURCES, corpus, jobs=1)
    assert articles(corpus)["b-1"].headline == "B one"
    assert "feeds/a.jsonl#4" in reads
    assert_as_reindexed(corpus, engine)


def test_a_new_input_takes_the_id_of_an_earlier_unread_one(corpus, engine):
    feed("b.jsonl", [*SECOND, article(id="a-1", headline="A one, later copy")])
    update(SOURCES, corpus, jobs=1)
    assert articles(corpus)["a-1"].headline == "A one, later copy"
    assert_as_reindexed(corpus, engine)


def test_an_index_without_digests_is_read_once(corpus, engine, reads, monkeypatch):
    """Inputs unknown to the index (built before digests) are read, then left unread."""
    with monkeypatch.context() as m:
        m.setattr(work, "input_digest", lambda item: "")
        reindex(SOURCES, corpus, jobs=1)
    reads.clear()
    first = update(SOURCES, corpus, jobs=1)
    assert first.unread == 0 and len(reads) == 9
    assert_as_reindexed(corpus, engine)
    reads.clear()
    second = update(SOURCES, corpus, jobs=1)
    assert second.unread == 8 and only_the_lost_copy(reads), reads
    assert_as_reindexed(corpus, engine)


def test_an_update_with_nothing_to_read_starts_no_workers(engine, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("site").mkdir()
    for i in range(3):
        Path(f"site/{i}.txt").write_text(dump(f"Story {i}", f"Body {i}."), encoding="utf-8")
    backend = engine.new(tmp_path / "updated")
    try:
        reindex(["site"], backend, jobs=2)
        started: list[int] = []
        real = pipeline.pool
        monkeypatch.setattr(pipeline, "pool", lambda jobs, *a: started.append(jobs) or
                            real(jobs, *a))
        report = update(["site"], backend, jobs=2)
        assert (report.unread, started) == (3, [])
        Path("site/1.txt").write_text(dump("Story 1", "Corrected."), encoding="utf-8")
        report = update(["site"], backend, jobs=2)
        assert (report.unread, report.changed + report.added, started) == (2, 1, [2])
        assert_as_reindexed(backend, engine, ["site"])
    finally:
        backend.close()
