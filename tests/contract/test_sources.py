"""What the sources look like must never cost more than the inputs it concerns (issue 9).

A file or folder name that is not UTF-8, an unreadable folder, a mistyped source: each is
one skip with its reason (or, for a missing source of `reindex`, a stop before anything
changes), never the run. Ids of articles without a URL depend on the path below the source
root, so a scrape folder can move, be re-mounted or be typed another way.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import article, write_jsonl
from unreadable import unreadable

from contract.helpers import articles
from indexer.errors import ScrapesearchError
from searchapp.indexing import reindex, update

NOT_UTF8 = "its name is not valid UTF-8; rename it to index it"


def dump(headline: str, body: str) -> str:
    return f"{headline}\n\n{body}\n"


def page(headline: str, body: str) -> str:
    return (f"<html><head><title>{headline}</title></head><body><article><h1>{headline}</h1>"
            f"<p>{body}</p></article></body></html>")


def scrape_folder(root: Path) -> None:
    """A scrape folder with no URLs anywhere: dumps, a page, a feed, in two levels."""
    (root / "2024").mkdir(parents=True)
    for i in range(3):
        (root / f"{i}.txt").write_text(
            dump(f"Story {i}", f"The body of story number {i} tells what happened."),
            encoding="utf-8")
    (root / "2024" / "0.txt").write_text(  # the same name as one above, other content
        dump("Later story", "A later story, filed in a folder of its own."), encoding="utf-8")
    (root / "2024" / "page.html").write_text(
        page("Harbour strike ends", "The harbour strike ended on Monday after long talks."),
        encoding="utf-8")
    write_jsonl(root / "feed.jsonl", [
        article(headline="Feed one", body="The first record of the feed, with no id."),
        article(headline="Feed two", body="The second record of the feed, with no id."),
    ])


def headlines(backend) -> list[str]:
    return sorted(a.headline for a in articles(backend).values())


def test_ids_survive_moving_and_retyping_the_folder(engine, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scrape_folder(Path("scrape"))
    Path("elsewhere").mkdir()
    shutil.copytree("scrape", "elsewhere/scrape")
    os.symlink("scrape", "mounted")
    spellings = ["scrape", "./scrape/../scrape", str(tmp_path / "scrape"), "elsewhere/scrape",
                 "mounted"]
    seen = {}
    for n, spelling in enumerate(spellings):
        backend = engine.new(tmp_path / f"index-{n}")
        try:
            reindex([spelling], backend, jobs=1)
            seen[spelling] = {a.id: a.path for a in articles(backend).values()}
        finally:
            backend.close()
    first = seen["scrape"]
    assert len(first) == 7
    for spelling, found in seen.items():
        assert set(found) == set(first), spelling
        # The path stays the input's path exactly as given.
        assert all(p.startswith(spelling + "/") for p in found.values()), spelling


def test_a_file_given_alone_is_keyed_by_its_name(engine, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for folder in ("a", "b/c"):
        Path(folder).mkdir(parents=True)
        Path(folder, "story.txt").write_text(dump("Story", "The same text in two places."),
                                             encoding="utf-8")
    ids = []
    for n, path in enumerate(["a/story.txt", "b/c/story.txt"]):
        backend = engine.new(tmp_path / f"index-{n}")
        reindex([path], backend, jobs=1)
        ids.append(set(articles(backend)))
        backend.close()
    assert ids[0] == ids[1]


@pytest.fixture
def moved(engine, tmp_path, monkeypatch):
    """A scrape folder indexed, then moved to another place (the old one is gone)."""
    monkeypatch.chdir(tmp_path)
    scrape_folder(Path("old/scrape"))
    backend = engine.new(tmp_path)
    reindex([str(tmp_path / "old/scrape")], backend, jobs=1)
    Path("new").mkdir()
    os.rename("old/scrape", "new/scrape")
    yield backend
    backend.close()


def test_update_after_a_move_neither_duplicates_nor_loses(moved, tmp_path):
    before = articles(moved)
    report = update(["new/scrape"], moved, jobs=1)
    after = articles(moved)
    assert set(after) == set(before)
    assert report.added == report.removed == report.skipped_total == 0
    assert sorted(a.path for a in after.values()) == sorted(
        "new/scrape/" + os.path.relpath(a.path, tmp_path / "old/scrape")
        for a in before.values())


def test_update_after_a_move_with_edits_leaves_one_version_of_each(moved):
    Path("new/scrape/1.txt").write_text(dump("Story 1, corrected", "Now with the facts."),
                                        encoding="utf-8")
    Path("new/scrape/2.txt").unlink()
    Path("new/scrape/3.txt").write_text(dump("Story 3", "A new story after the move."),
                                        encoding="utf-8")
    report = update(["new/scrape"], moved, jobs=1)
    assert headlines(moved) == ["Feed one", "Feed two", "Harbour strike ends", "Later story",
                                "Story 0", "Story 1, corrected", "Story 3"]
    assert all(a.path.startswith("new/scrape/") for a in articles(moved).values())
    assert (report.added, report.removed) == (2, 2)


def test_a_moved_folder_does_not_take_another_sources_articles(moved, tmp_path):
    # Another source, indexed from a place that is gone now (an unmounted disk): its
    # articles stay, although the moved folder's old place is gone as well.
    scrape_folder(Path("disk"))
    update([str(tmp_path / "disk")], moved, jobs=1)
    shutil.rmtree("disk")
    count = len(articles(moved))
    update(["new/scrape"], moved, jobs=1)
    assert len(articles(moved)) == count


def bad_names(src: Path) -> None:
    """Good inputs beside a file and a folder whose names are not UTF-8."""
    src.mkdir()
    (src / "good.txt").write_text(dump("Good story", "It is read as always."), encoding="utf-8")
    base = os.fsencode(src)
    fd = os.open(base + b"/bad-\xff.txt", os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, dump("Odd name", "A story behind a name that is not UTF-8.").encode())
    os.close(fd)
    os.mkdir(base + b"/folder-\xfe")
    fd = os.open(base + b"/folder-\xfe/inside.txt", os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, dump("Inside", "A story inside a folder with an odd name.").encode())
    os.close(fd)
    (src / "sub").mkdir()
    (src / "sub" / "also.txt").write_text(dump("Also good", "Read after the odd folder."),
                                          encoding="utf-8")


def test_names_that_are_not_utf8_are_one_skip_each(engine, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bad_names(Path("src"))
    backend = engine.new(tmp_path)
    report = reindex(["src"], backend, jobs=1)
    assert headlines(backend) == ["Also good", "Good story"]
    assert report.skipped == [("src/bad-\\xff.txt", NOT_UTF8), ("src/folder-\\xfe", NOT_UTF8)]
    # The report is stored with the index and printed: its paths must be valid text.
    assert backend.stats()["report"]["skipped_total"] == 2

    report = update(["src"], backend, jobs=1)
    assert (report.added, report.changed, report.removed) == (0, 0, 0)
    assert report.skipped_total == 2
    assert headlines(backend) == ["Also good", "Good story"]
    backend.close()


def test_a_source_whose_own_name_is_not_utf8(engine, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bad_names(Path("src"))
    odd = os.fsdecode(b"odd-\xff")
    os.mkdir(odd)
    Path(odd, "story.txt").write_text(dump("Hidden", "Behind the odd name."), encoding="utf-8")
    backend = engine.new(tmp_path)
    report = reindex(["src", odd], backend, jobs=1)
    assert ("odd-\\xff", NOT_UTF8) in report.skipped
    assert headlines(backend) == ["Also good", "Good story"]
    backend.close()


def test_reindex_stops_before_switching_when_a_source_is_missing(engine, tmp_path,
                                                                   monkeypatch):
    monkeypatch.chdir(tmp_path)
    scrape_folder(Path("scrape"))
    Path("other").mkdir()
    Path("other/x.txt").write_text(dump("Other", "From the other source."), encoding="utf-8")
    backend = engine.new(tmp_path)
    reindex(["scrape", "other"], backend, jobs=1)
    before = headlines(backend)
    with pytest.raises(ScrapesearchError) as e:
        reindex(["scrape", "othr"], backend, jobs=1)
    assert str(e.value) == ("the source othr does not exist, so the index was left as it "
                            "was (--allow-missing indexes the other sources without it)")
    assert headlines(backend) == before

    report = reindex(["scrape", "othr"], backend, jobs=1, allow_missing=True)
    assert report.skipped == [("othr", "it does not exist")]
    assert len(articles(backend)) == 7
    backend.close()


def test_an_unreadable_folder_is_a_skip_and_its_articles_stay_on_update(engine, tmp_path,
                                                                          monkeypatch):
    monkeypatch.chdir(tmp_path)
    scrape_folder(Path("scrape"))
    backend = engine.new(tmp_path)
    reindex(["scrape"], backend, jobs=1)
    before = headlines(backend)
    with unreadable(Path("scrape/2024")):
        report = update(["scrape"], backend, jobs=1)
        assert report.skipped == [
            ("scrape/2024", "the directory could not be read (Permission denied)")]
        assert report.removed == 0
        assert headlines(backend) == before

        report = reindex(["scrape"], backend, jobs=1)
        assert report.skipped == [
            ("scrape/2024", "the directory could not be read (Permission denied)")]
        assert len(articles(backend)) == 5
        stored = backend.stats()["report"]
        assert stored["skipped"] == [{"path": "scrape/2024", "reason":
                                      "the directory could not be read (Permission denied)"}]
    backend.close()
