"""Incremental updates: new and changed articles in, vanished ones out, failures kept.

An update must leave the index exactly as a full reindex of the same sources would (for the
articles it can read), and never lose an article just because its file failed to read now.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import article, write_jsonl

from contract.helpers import articles, search
from searchapp.backends.base import IndexUnavailable
from searchapp.indexing import reindex, update


def dump(headline: str, body: str) -> str:
    return f"{headline}\n\n{body}\n"


def live(backend) -> dict:
    """Every article of the backend by id (helpers.articles checks the ids are unique)."""
    return articles(backend)


def headlines(backend) -> list[str]:
    return sorted(a.headline for a in live(backend).values())


def counts(report) -> tuple[int, int, int, int, int]:
    return report.added, report.changed, report.unchanged, report.removed, report.skipped_total


@pytest.fixture
def site(engine, tmp_path, monkeypatch):
    """Two sources (a folder of dumps and a feed file) indexed once; cwd is their parent."""
    monkeypatch.chdir(tmp_path)
    a = Path("site-a")
    a.mkdir()
    for i in range(3):
        (a / f"{i}.txt").write_text(dump(f"Story {i}", f"Body of story {i}."), encoding="utf-8")
    write_jsonl(Path("feed.jsonl"), [
        article(id="feed-1", headline="Feed one", body="first"),
        article(id="feed-2", headline="Feed two", body="second"),
        article(url="https://example.org/three", headline="Feed three", body="third"),
    ])
    backend = engine.new(tmp_path)
    reindex(["site-a", "feed.jsonl"], backend, jobs=1)
    yield backend
    backend.close()


def test_nothing_changed(site):
    report = update(["site-a", "feed.jsonl"], site, jobs=1)
    assert counts(report) == (0, 0, 6, 0, 0)


def test_new_changed_and_unchanged(site):
    Path("site-a/3.txt").write_text(dump("Story 3", "A new story."), encoding="utf-8")
    write_jsonl(Path("feed.jsonl"), [
        article(id="feed-1", headline="Feed one", body="first"),
        article(id="feed-2", headline="Feed two, updated", body="second, with more"),
        article(url="https://example.org/three", headline="Feed three", body="third, fixed"),
    ])
    report = update(["site-a", "feed.jsonl"], site, jobs=1)
    assert counts(report) == (1, 2, 4, 0, 0)
    docs = live(site)
    assert len(docs) == 7
    assert docs["feed-2"].headline == "Feed two, updated"
    assert docs["feed-2"].body == "second, with more"
    (three,) = [d for d in docs.values() if d.url == "https://example.org/three"]
    assert three.body == "third, fixed"
    assert "Story 3" in headlines(site)


def test_an_edited_text_dump_replaces_its_old_version(site):
    """A dump without a URL gets a new id when its content changes: the old one must go."""
    Path("site-a/1.txt").write_text(dump("Story 1", "Corrected body of story 1."),
                                    encoding="utf-8")
    report = update(["site-a"], site, jobs=1)
    bodies = sorted(d.body for d in live(site).values() if d.headline == "Story 1")
    assert bodies == ["Corrected body of story 1."]
    assert len(live(site)) == 6
    assert report.unchanged == 2


def test_vanished_files_are_removed_only_under_the_given_sources(site):
    Path("site-a/0.txt").unlink()
    report = update(["site-a"], site, jobs=1)  # feed.jsonl is not given: its articles stay
    assert counts(report) == (0, 0, 2, 1, 0)
    assert headlines(site) == ["Feed one", "Feed three", "Feed two", "Story 1", "Story 2"]


def test_a_source_given_by_another_spelling(site, tmp_path):
    Path("site-a/2.txt").unlink()
    Path("site-a/1.txt").write_bytes(b"")
    report = update([str(tmp_path / "site-a") + "/"], site, jobs=1)
    # Ids do not depend on how a source is spelled (issue 9): Story 0 keeps its id, and
    # its path becomes the one given now.
    assert (report.added, report.removed, report.skipped_total) == (0, 1, 1)
    assert headlines(site) == ["Feed one", "Feed three", "Feed two", "Story 0", "Story 1"]
    story = next(a for a in live(site).values() if a.headline == "Story 0")
    assert story.path == str(tmp_path / "site-a") + "/0.txt"


def test_a_removed_jsonl_line(site):
    write_jsonl(Path("feed.jsonl"), [
        article(id="feed-1", headline="Feed one", body="first"),
        article(url="https://example.org/three", headline="Feed three", body="third"),
    ])
    report = update(["feed.jsonl"], site, jobs=1)
    assert report.removed == 1
    assert headlines(site) == ["Feed one", "Feed three", "Story 0", "Story 1", "Story 2"]


def test_a_removed_jsonl_line_without_ids(engine, tmp_path, monkeypatch):
    """Records with neither id nor URL are keyed by `file#N`: every later line moves up."""
    monkeypatch.chdir(tmp_path)
    records = [article(headline=f"Plain {i}", body=f"plain body {i}") for i in range(4)]
    write_jsonl(Path("plain.jsonl"), records)
    backend = engine.new(tmp_path)
    reindex(["plain.jsonl"], backend, jobs=1)
    write_jsonl(Path("plain.jsonl"), records[:1] + records[2:])
    update(["plain.jsonl"], backend, jobs=1)
    assert headlines(backend) == ["Plain 0", "Plain 2", "Plain 3"]
    assert sorted(d.path for d in live(backend).values()) == [
        "plain.jsonl#1", "plain.jsonl#2", "plain.jsonl#3"]
    backend.close()


def test_a_file_that_fails_now_keeps_its_articles(site):
    Path("site-a/1.txt").write_bytes(b"")
    report = update(["site-a", "feed.jsonl"], site, jobs=1)
    assert report.skipped == [("site-a/1.txt", "it is empty")]
    assert report.removed == 0
    assert "Story 1" in headlines(site)


def test_a_jsonl_file_that_fails_now_keeps_its_articles(site):
    Path("feed.jsonl").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    report = update(["site-a", "feed.jsonl"], site, jobs=1)
    assert report.skipped == [("feed.jsonl", "it looks like binary data, not text")]
    assert report.removed == 0
    assert headlines(site) == ["Feed one", "Feed three", "Feed two", "Story 0", "Story 1",
                               "Story 2"]


def test_a_jsonl_line_that_fails_now_keeps_its_article(site):
    lines = Path("feed.jsonl").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1][:20]  # cut off: not JSON any more
    Path("feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = update(["feed.jsonl"], site, jobs=1)
    assert [p for p, _ in report.skipped] == ["feed.jsonl#2"]
    assert report.removed == 0
    assert live(site)["feed-2"].headline == "Feed two"


def test_a_vanished_source_directory_keeps_its_articles(site):
    # A whole source missing is more likely an unmounted disk than a deletion.
    before = headlines(site)
    for p in Path("site-a").iterdir():
        p.unlink()
    Path("site-a").rmdir()
    report = update(["site-a"], site, jobs=1)
    assert report.skipped == [("site-a", "it does not exist")]
    assert report.removed == 0
    assert headlines(site) == before


def test_files_gone_from_an_emptied_source_directory_are_removed(site):
    for p in Path("site-a").iterdir():
        p.unlink()
    report = update(["site-a"], site, jobs=1)
    assert report.removed > 0
    assert headlines(site) == ["Feed one", "Feed three", "Feed two"]


def test_duplicates_within_one_update(site):
    """T03 for update: the same id twice in one update; the later input wins."""
    write_jsonl(Path("more.jsonl"), [
        article(id="feed-2", headline="Feed two v2", body="x"),
        article(id="new-1", headline="New one", body="y"),
        article(id="feed-2", headline="Feed two v3", body="z"),
    ])
    update(["more.jsonl"], site, jobs=1)
    docs = live(site)
    assert docs["feed-2"].headline == "Feed two v3"
    assert docs["feed-2"].body == "z"
    assert len(docs) == 7


def test_update_with_a_process_pool(site):
    Path("site-a/9.txt").write_text(dump("Story 9", "Late story."), encoding="utf-8")
    report = update(["site-a", "feed.jsonl"], site, jobs=2)
    assert counts(report) == (1, 0, 6, 0, 0)


def test_update_reports_the_generation_it_leaves_live(site):
    """A backend may switch to a new generation to make an update all or nothing (both do:
    Whoosh a new generation, OpenSearch a copy of the index); the report names the one
    searches now read."""
    Path("site-a/4.txt").write_text(dump("Story 4", "Another."), encoding="utf-8")
    report = update(["site-a"], site, jobs=1)
    assert site.health().generation == report.generation
    assert report.as_dict()["added"] == 1 and report.as_dict()["sources"] == ["site-a"]


def test_update_without_an_index(engine, tmp_path):
    (tmp_path / "a.txt").write_text(dump("A", "b"), encoding="utf-8")
    backend = engine.new(tmp_path)
    with pytest.raises(IndexUnavailable, match="scrapesearch reindex"):
        update([str(tmp_path / "a.txt")], backend, jobs=1)
    with pytest.raises(IndexUnavailable):
        backend.health()


def test_searches_see_an_update(site):
    """The same backend object (a web worker's) answers from the updated index."""
    assert search(site, q="fresh").total == 0
    assert site.health().documents == 6
    Path("site-a/5.txt").write_text(dump("Story 5", "Fresh."), encoding="utf-8")
    update(["site-a"], site, jobs=1)
    assert search(site, q="fresh").total == 1
    assert site.health().documents == 7


def test_only_changed_articles_are_prepared_again(site, monkeypatch):
    """An update reads every article but prepares (analyses) only those whose content is
    new: most of a full build's time, spent again on articles the index already has."""
    prepared = []
    real = site.prepare

    def counting(article, digest):
        prepared.append(article.headline)
        return real(article, digest)

    monkeypatch.setattr(site, "prepare", counting)
    Path("site-a/1.txt").write_text(dump("Story 1", "Rewritten."), encoding="utf-8")
    Path("site-a/7.txt").write_text(dump("Story 7", "New."), encoding="utf-8")
    report = update(["site-a", "feed.jsonl"], site, jobs=1)
    assert counts(report) == (2, 0, 5, 1, 0)  # a dump's id follows its content
    assert sorted(prepared) == ["Story 1", "Story 7"]
    assert search(site, q="rewritten").total == 1 and search(site, q="new").total == 1


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_moved_file_with_known_content_is_prepared_where_it_is_now(site, jobs):
    """Its content hash is known (the workers skip preparing it), but its path is not: the
    update prepares it itself and the article is found at its new path."""
    Path("feed-moved").mkdir()
    Path("feed.jsonl").rename("feed-moved/feed.jsonl")
    report = update(["feed-moved/feed.jsonl"], site, jobs=jobs)
    assert (report.added, report.changed, report.removed) == (0, 3, 0)
    docs = live(site)
    assert docs["feed-1"].path.endswith("feed-moved/feed.jsonl#1")
    assert search(site, q="second").total == 1 and len(docs) == 6
