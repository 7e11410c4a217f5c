"""Full rebuilds: the process pool, duplicates, bad records, worker crashes, several segments.

reliability.md T03 (duplicate ids in one batch), T04 (a bad record is skipped, not fatal),
A4/A5 (a poisoned writer, two documents for one id) and D1 (a crashing worker).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import article, write_jsonl
from whoosh import index as whoosh_index
from whoosh.query import Every, Term

from indexer import build, generations
from indexer.build import NothingIndexed, reindex
from indexer.documents import to_article
from indexer.work import extract_batch


def stored(index_dir: Path | str) -> list[dict]:
    """Stored fields of every live document, in docnum order."""
    ix = whoosh_index.open_dir(generations.current_path(str(index_dir)))
    with ix.searcher() as s:
        return [dict(f) for f in s.all_stored_fields()]


def doc_count(index_dir: Path | str) -> int:
    ix = whoosh_index.open_dir(generations.current_path(str(index_dir)))
    with ix.searcher() as s:
        return s.doc_count()


def search_ids(index_dir: Path | str, field: str, word: str) -> list[str]:
    ix = whoosh_index.open_dir(generations.current_path(str(index_dir)))
    with ix.searcher() as s:
        return sorted(h["id"] for h in s.search(Term(field, word), limit=None))


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


def test_process_pool_builds_the_same_index_as_one_process(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "BATCH_ITEMS", 3)  # many small pool tasks, out-of-order finishes
    src = collection(tmp_path)
    one = reindex([str(src)], str(tmp_path / "one"), jobs=1)
    two = reindex([str(src)], str(tmp_path / "two"), jobs=2)
    assert one.indexed == two.indexed == 38
    assert one.duplicates == two.duplicates == 1
    docs_one, docs_two = stored(tmp_path / "one"), stored(tmp_path / "two")
    assert docs_one == docs_two  # same fields, same order (results are taken in input order)
    corrected = [d for d in docs_two if d["id"] == "feed-3"]
    assert [d["headline"] for d in corrected] == ["Feed item 3, corrected"]


def test_duplicate_ids_in_one_build_keep_the_later_input(tmp_path):
    """T03: one document per id, the later one wins, and the report counts the others."""
    src = write_jsonl(tmp_path / "in.jsonl", [
        article(id="a", headline="Alpha old", body="alpha version one"),
        article(id="b", headline="Beta", body="beta"),
        article(id="a", headline="Alpha newer", body="alpha version two"),
        article(id="c", headline="Gamma", body="gamma"),
        article(id="a", headline="Alpha newest", body="alpha version three"),
    ])
    report = reindex([str(src)], str(tmp_path / "idx"), jobs=1)
    assert (report.indexed, report.duplicates) == (3, 2)
    docs = stored(tmp_path / "idx")
    ids = [d["id"] for d in docs]
    assert sorted(ids) == ["a", "b", "c"]
    assert doc_count(tmp_path / "idx") == len(set(ids)) == report.indexed
    assert next(d for d in docs if d["id"] == "a")["headline"] == "Alpha newest"
    assert search_ids(tmp_path / "idx", "body", "version") == ["a"]
    assert search_ids(tmp_path / "idx", "headline", "old") == []


@pytest.mark.parametrize("memory", [1, 4000])
def test_duplicates_across_segments(tmp_path, monkeypatch, memory):
    """A build flushed into several segments deletes earlier copies in committed ones too."""
    monkeypatch.setattr(build, "WRITER_MEMORY", memory)
    records = [article(id=f"id-{i % 4}", headline=f"Version {i}", body=f"common text{i}")
               for i in range(13)]
    src = write_jsonl(tmp_path / "in.jsonl", records)
    report = reindex([str(src)], str(tmp_path / "idx"), jobs=1)
    assert report.segments > 1
    assert (report.indexed, report.duplicates) == (4, 9)
    ix = whoosh_index.open_dir(generations.current_path(str(tmp_path / "idx")))
    assert len(ix._segments()) == report.segments
    docs = stored(tmp_path / "idx")
    assert {d["id"]: d["headline"] for d in docs} == {
        "id-0": "Version 12", "id-1": "Version 9", "id-2": "Version 10", "id-3": "Version 11"}
    assert doc_count(tmp_path / "idx") == 4
    assert search_ids(tmp_path / "idx", "body", "common") == ["id-0", "id-1", "id-2", "id-3"]
    assert search_ids(tmp_path / "idx", "body", "text0") == []
    with ix.searcher() as s:
        assert len(s.search(Every(), limit=None)) == 4


def _record_line(i: int) -> str:
    return json.dumps(article(id=f"rec-{i:03d}", headline=f"Record {i}",
                              body=f"Record number {i} is about the harbour."))


def test_bad_records_are_skipped_not_fatal(tmp_path):
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

    report = reindex([str(src)], str(tmp_path / "idx"), jobs=1)
    assert report.indexed == 99
    assert report.skipped == [(f"{src}#46", "the record has neither a headline nor a body")]
    docs = {d["id"]: d for d in stored(tmp_path / "idx")}
    assert sorted(docs) == sorted(f"rec-{i:03d}" for i in range(100) if i != 45)
    assert docs["rec-037"]["headline"] == "12345"
    assert docs["rec-052"]["headline"] == "Lone surrogate"
    assert docs["rec-052"]["body"] == "Before after."
    for d in docs.values():
        for value in d.values():
            if isinstance(value, str):
                value.encode("utf-8")  # strict: no surrogate reached the index
    big = to_article(docs["rec-060"])
    assert 900_000 < len(big.body) <= 1_000_000
    assert big.warnings == (
        f"body truncated from {len(huge.strip()):,} to 1,000,000 characters",)
    # The writer was not poisoned: records after each oddity are there and searchable.
    assert len(search_ids(tmp_path / "idx", "body", "harbour")) == 97  # 96 plain + the huge one


def test_bad_records_through_the_cli(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from indexer.cli import cli

    monkeypatch.chdir(tmp_path)
    lines = [_record_line(i) for i in range(10)]
    lines[4] = "[1, 2, 3]"
    Path("batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["reindex", "--index-dir", "idx", "-j", "1", "batch.jsonl"],
                                catch_exceptions=False)
    assert result.exit_code == 1
    assert "Indexed 9 articles" in result.stderr
    assert "skipped batch.jsonl#5: the line is a JSON array, not an object" in result.stderr


def _crash_on_marker(items):
    """extract_batch, except that a worker dies outright on an item named like *crash*."""
    if any("crash" in os.path.basename(item.path) for item in items):
        os._exit(70)
    return extract_batch(items)


def test_a_crashing_worker_loses_only_its_item(tmp_path, monkeypatch):
    # The pool pickles the function by reference, so the worker imports it from this module.
    monkeypatch.setattr(build, "extract_batch", _crash_on_marker)
    monkeypatch.setattr(build, "BATCH_ITEMS", 2)
    src = tmp_path / "src"
    src.mkdir()
    for i in range(7):
        (src / f"{i:02d}.txt").write_text(f"Story {i}\n\nBody of story {i}.\n", encoding="utf-8")
    (src / "03-crash.txt").write_text("Crash\n\nThis one kills its worker.\n", encoding="utf-8")
    report = reindex([str(src)], str(tmp_path / "idx"), jobs=2)
    assert report.skipped == [(str(src / "03-crash.txt"), "the extractor crashed on it")]
    assert report.indexed == 7
    assert sorted(d["headline"] for d in stored(tmp_path / "idx")) == [
        f"Story {i}" for i in range(7)]


def test_nothing_indexed_leaves_no_generation(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(NothingIndexed) as e:
        reindex([str(tmp_path / "empty.txt")], str(tmp_path / "idx"), jobs=1)
    assert e.value.report.skipped == [(str(tmp_path / "empty.txt"), "it is empty")]
    assert generations.list_generations(str(tmp_path / "idx")) == []
    assert generations.current_path(str(tmp_path / "idx")) is None


# The build report is read by `scrapesearch stats` (started, seconds, articles_per_second,
# sources, skipped_total, skipped), the web app (schema_version), retention
# (swapped_at_epoch) and people checking a build (generation, documents, whoosh_version).
REPORT_KEYS = {
    "generation", "sources", "started", "seconds", "documents", "indexed",
    "duplicates_replaced", "skipped_total", "skipped", "ignored_files", "passed_over", "segments",
    "articles_per_second", "schema_version", "whoosh_version", "swapped_at_epoch",
}


def test_build_report(tmp_path):
    src = collection(tmp_path)
    (src / "site-0" / "empty.txt").write_bytes(b"")
    (src / "site-0" / "notes.md").write_text("not read")
    report = reindex([str(src)], str(tmp_path / "idx"), jobs=1)
    live = generations.current_path(str(tmp_path / "idx"))
    saved = json.loads(Path(live, generations.REPORT).read_text(encoding="utf-8"))
    assert set(saved) == REPORT_KEYS
    from indexer.schema import SCHEMA_VERSION

    assert saved["generation"] == os.path.basename(live) == report.generation
    assert saved["sources"] == [str(src)]
    assert saved["documents"] == saved["indexed"] == doc_count(tmp_path / "idx") == 38
    assert saved["duplicates_replaced"] == 1
    assert saved["skipped_total"] == 1
    assert saved["skipped"] == [{"path": str(src / "site-0" / "empty.txt"),
                                 "reason": "it is empty"}]
    assert saved["ignored_files"] == 1
    assert saved["passed_over"] == {}
    assert saved["segments"] == report.segments >= 1
    assert saved["schema_version"] == SCHEMA_VERSION
    assert saved["whoosh_version"] == "2.7.4"
    assert saved["seconds"] >= 0 and saved["articles_per_second"] >= 0


def test_doc_count_is_distinct_ids(tmp_path):
    """The invariant of reliability.md A5, over a build with duplicates in many places."""
    src = collection(tmp_path)
    write_jsonl(src / "site-1" / "again.jsonl", [
        article(id=f"feed-{i}", headline=f"Again {i}", body="again") for i in range(0, 20, 3)])
    reindex([str(src)], str(tmp_path / "idx"), jobs=1)
    ids = [d["id"] for d in stored(tmp_path / "idx")]
    assert len(ids) == len(set(ids)) == doc_count(tmp_path / "idx")
