"""Full rebuilds through a backend: duplicates, bad records, the report, and that the process
pool builds what one process builds.

reliability.md T03 (duplicate ids in one batch), T04 (a bad record is skipped, not fatal),
A4/A5 (a poisoned writer, two documents for one id).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import article, write_jsonl

from contract.helpers import articles, ids
from indexer import pipeline
from searchapp.backends.base import IndexUnavailable
from searchapp.indexing import NothingIndexed, reindex


def build(engine, tmp: Path, sources: list[Path], jobs: int = 1, name: str = "idx"):
    (tmp / name).mkdir()
    backend = engine.new(tmp / name)
    return backend, reindex([str(s) for s in sources], backend, jobs=jobs)


def collection(root: Path) -> Path:
    """Text dumps in nested folders and two JSON-lines files, with one duplicate id."""
    src = root / "src"
    for d in range(3):
        (src / f"site-{d}").mkdir(parents=True)
        for i in range(6):
            (src / f"site-{d}" / f"{i:02d}.txt").write_text(
                f"Story {d}-{i} about the harbour\n\nParagraph {i} of site {d}, with quays "
                f"and ferries.\n\n\u201cWe will rebuild,\u201d Mayor Ortiz said.\n",
                encoding="utf-8")
    write_jsonl(src / "feed-a.jsonl", [
        article(id=f"feed-{i}", headline=f"Feed item {i}", body=f"Feed body {i} on trams.",
                source="Coast Post", tags=["transport"]) for i in range(20)])
    write_jsonl(src / "feed-b.jsonl", [
        article(id="feed-3", headline="Feed item 3, corrected", body="The corrected body.",
                source="Coast Post")])
    return src


def test_process_pool_builds_the_same_index_as_one_process(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "BATCH_ITEMS", 3)  # many small pool tasks, finishing out of order
    src = collection(tmp_path)
    one_backend, one = build(engine, tmp_path, [src], jobs=1, name="one")
    two_backend, two = build(engine, tmp_path, [src], jobs=2, name="two")
    assert one.indexed == two.indexed == 38
    assert one.duplicates == two.duplicates == 1
    docs_one = [a.as_dict() for a in articles(one_backend).values()]
    docs_two = [a.as_dict() for a in articles(two_backend).values()]
    assert docs_one == docs_two  # same articles, same order (results come in input order)
    assert ids(one_backend, sort="oldest") == ids(two_backend, sort="oldest")
    assert articles(two_backend)["feed-3"].headline == "Feed item 3, corrected"


def test_duplicate_ids_in_one_build_keep_the_later_input(engine, tmp_path):
    """T03: one document per id, the later one wins, and the report counts the others."""
    src = write_jsonl(tmp_path / "in.jsonl", [
        article(id="a", headline="Alpha old", body="alpha version one"),
        article(id="b", headline="Beta", body="beta"),
        article(id="a", headline="Alpha newer", body="alpha version two"),
        article(id="c", headline="Gamma", body="gamma"),
        article(id="a", headline="Alpha newest", body="alpha version three"),
    ])
    backend, report = build(engine, tmp_path, [src])
    assert (report.indexed, report.duplicates) == (3, 2)
    docs = articles(backend)
    assert sorted(docs) == ["a", "b", "c"]
    assert backend.health().documents == report.indexed
    assert docs["a"].headline == "Alpha newest"
    assert ids(backend, q="body:version") == ["a"]
    assert ids(backend, q="headline:old") == []
    assert ids(backend, q="headline:newer") == []


def _record_line(i: int) -> str:
    return json.dumps(article(id=f"rec-{i:03d}", headline=f"Record {i}",
                              body=f"Record number {i} is about the harbour."))


def test_bad_records_are_skipped_not_fatal(engine, tmp_path):
    """T04, adapted to what the JSON-lines reader does with each oddity."""
    lines = [_record_line(i) for i in range(100)]
    # An int headline is read as text (scrapers write numeric titles): not an error.
    lines[37] = json.dumps({"id": "rec-037", "headline": 12345, "body": "Numbers only."})
    # A record with nothing usable in it is the bad one.
    lines[45] = json.dumps({"id": "rec-045", "headline": {"x": 1}, "body": None})
    # A lone surrogate (valid JSON escape, invalid Unicode) is dropped, not stored.
    lines[52] = json.dumps({"id": "rec-052", "headline": "Lone \ud800 surrogate",
                            "body": "Before \udfff after."})
    # A 20 MB body is cut to the field limit with a warning.
    huge = ("harbour " * 2_500_000)[:20_000_000]
    lines[60] = json.dumps({"id": "rec-060", "headline": "Huge", "body": huge})
    src = tmp_path / "batch.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")

    backend, report = build(engine, tmp_path, [src])
    assert report.indexed == 99
    assert report.skipped == [(f"{src}#46", "the record has neither a headline nor a body")]
    docs = articles(backend)
    assert sorted(docs) == sorted(f"rec-{i:03d}" for i in range(100) if i != 45)
    assert docs["rec-037"].headline == "12345"
    assert docs["rec-052"].headline == "Lone surrogate"
    assert docs["rec-052"].body == "Before after."
    for d in docs.values():
        json.dumps(d.as_dict(), ensure_ascii=False).encode("utf-8")  # strict: no surrogate
    big = docs["rec-060"]
    assert 900_000 < len(big.body) <= 1_000_000
    assert big.warnings == (
        f"body truncated from {len(huge.strip()):,} to 1,000,000 characters",)
    # The writer was not poisoned: records after each oddity are there and searchable.
    assert len(ids(backend, q="body:harbour")) == 97  # 96 plain + the huge one


def test_nothing_indexed_leaves_the_index_as_it_was(engine, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    backend = engine.new(tmp_path)
    with pytest.raises(NothingIndexed) as e:
        reindex([str(tmp_path / "empty.txt")], backend, jobs=1)
    assert e.value.report.skipped == [(str(tmp_path / "empty.txt"), "it is empty")]
    with pytest.raises(IndexUnavailable):
        backend.health()
    src = write_jsonl(tmp_path / "one.jsonl", [article(id="one", headline="One", body="x")])
    reindex([str(src)], backend, jobs=1)
    before = backend.health()
    with pytest.raises(NothingIndexed):
        reindex([str(tmp_path / "empty.txt")], backend, jobs=1)
    assert backend.health() == before
    assert list(articles(backend)) == ["one"]


# What every backend keeps of a build and `scrapesearch stats` shows (a backend adds its own).
REPORT_KEYS = {
    "generation", "sources", "started", "seconds", "documents", "indexed",
    "duplicates_replaced", "skipped_total", "skipped", "ignored_files", "passed_over",
    "articles_per_second",
}


def test_build_report(engine, tmp_path):
    src = collection(tmp_path)
    (src / "site-0" / "empty.txt").write_bytes(b"")
    (src / "site-0" / "notes.md").write_text("not read")
    backend, report = build(engine, tmp_path, [src])
    stats = backend.stats()
    saved = stats["report"]
    assert set(saved) >= REPORT_KEYS
    assert saved["generation"] == stats["generation"] == report.generation \
        == backend.health().generation
    assert saved["sources"] == [str(src)]
    assert saved["documents"] == saved["indexed"] == stats["documents"] == 38
    assert saved["duplicates_replaced"] == 1
    assert saved["skipped_total"] == 1
    assert saved["skipped"] == [{"path": str(src / "site-0" / "empty.txt"),
                                 "reason": "it is empty"}]
    assert saved["ignored_files"] == 1
    assert saved["passed_over"] == {}
    assert saved["seconds"] >= 0 and saved["articles_per_second"] >= 0


def test_doc_count_is_distinct_ids(engine, tmp_path):
    """The invariant of reliability.md A5, over a build with duplicates in many places."""
    src = collection(tmp_path)
    write_jsonl(src / "site-1" / "again.jsonl", [
        article(id=f"feed-{i}", headline=f"Again {i}", body="again") for i in range(0, 20, 3)])
    backend, report = build(engine, tmp_path, [src])
    assert len(articles(backend)) == report.indexed == backend.health().documents
