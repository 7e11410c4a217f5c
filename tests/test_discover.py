"""Sources -> input items: order, hidden files, unsupported files, missing sources, JSON lines."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from indexer.discover import Ignored, Item, Skip, iter_items, total_size


def touch(path: Path, text: str = "Headline\n\nBody.\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def entries(*sources) -> list[tuple[str, str]]:
    """(kind, path) of each entry, kind being item, skip or ignored."""
    kinds = {Item: "item", Skip: "skip", Ignored: "ignored"}
    return [(kinds[type(e)], e.path) for e in iter_items([str(s) for s in sources])]


@pytest.fixture
def tree(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    root = Path("data")
    # Created in an order unlike the sorted one, so a walk in directory order would show.
    for name in ["z.txt", "b/2.txt", "a.txt", "b/10.txt", "B.TXT", "c/deep/x.text",
                 "b/1.txt.gz"]:
        touch(root / name)
    touch(root / "m.ndjson", '{"headline": "One line"}\n')
    touch(root / ".hidden.txt")
    touch(root / ".git" / "x.txt")
    touch(root / "b" / ".cache" / "y.txt")
    touch(root / "notes.md")
    touch(root / "README")
    return root


def test_walk_order_is_sorted_and_stable(tree):
    first = entries(tree)
    assert first == [
        ("item", "data/B.TXT"),
        ("ignored", "data/README"),
        ("item", "data/a.txt"),
        ("item", "data/m.ndjson#1"),
        ("ignored", "data/notes.md"),
        ("item", "data/z.txt"),
        ("item", "data/b/1.txt.gz"),
        ("item", "data/b/10.txt"),
        ("item", "data/b/2.txt"),
        ("item", "data/c/deep/x.text"),
    ]
    assert entries(tree) == first


def test_hidden_files_and_directories_are_left_out(tree):
    paths = [p for _, p in entries(tree)]
    assert not [p for p in paths if "/." in p]


def test_unsupported_files_are_ignored_in_directories_but_skipped_when_named(tree):
    assert ("ignored", "data/notes.md") in entries(tree)
    (skip,) = list(iter_items(["data/notes.md"]))
    assert skip == Skip("data/notes.md", "it is not a format scrapesearch reads")


def test_a_hidden_file_named_explicitly_is_read(tree):
    assert entries("data/.hidden.txt") == [("item", "data/.hidden.txt")]


def test_missing_source(tree):
    assert list(iter_items(["nope", "data/nope.txt"])) == [
        Skip("nope", "it does not exist"), Skip("data/nope.txt", "it does not exist")]


def test_paths_are_kept_as_given(tree, tmp_path):
    absolute = str(tmp_path / "data" / "a.txt")
    assert entries(absolute, "./data/z.txt", "data/../data/c/") == [
        ("item", absolute), ("item", "./data/z.txt"), ("item", "data/../data/c/deep/x.text")]


def test_sources_keep_their_order(tree):
    assert entries("data/z.txt", "data/a.txt") == [("item", "data/z.txt"), ("item", "data/a.txt")]


def test_items_carry_format_and_size(tree):
    (item,) = iter_items(["data/a.txt"])
    assert item.format == "textdump"
    assert item.size == os.path.getsize("data/a.txt")
    assert item.data is None


def test_jsonl_lines_are_items(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("f.jsonl").write_bytes(b'{"headline": "a"}\r\n\n   \n{"headline": "b"}\n{"headline": "c"}')
    items = list(iter_items(["f.jsonl"]))
    assert [(i.path, i.data) for i in items] == [
        ("f.jsonl#1", b'{"headline": "a"}'),
        ("f.jsonl#4", b'{"headline": "b"}'),  # N counts lines in the file, blank ones too
        ("f.jsonl#5", b'{"headline": "c"}'),
    ]
    assert all(i.format == "jsonl" for i in items)
    # Each line stands for the file's bytes read for it (blank lines too), so that the
    # progress of a file ends at its size (issue 9).
    assert [i.size for i in items] == [19, 23, 17]
    assert sum(i.size for i in items) == Path("f.jsonl").stat().st_size


def test_gzipped_jsonl_lines_are_items(tmp_path):
    path = tmp_path / "f.jsonl.gz"
    with gzip.open(path, "wb") as f:
        f.write(b'{"headline": "a"}\n{"headline": "b"}\n')
    assert [i.path for i in iter_items([str(path)])] == [f"{path}#1", f"{path}#2"]


def test_unreadable_jsonl_is_one_skip(tmp_path):
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "bin.jsonl").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    assert list(iter_items([str(tmp_path / "empty.jsonl"), str(tmp_path / "bin.jsonl")])) == [
        Skip(str(tmp_path / "empty.jsonl"), "it is empty"),
        Skip(str(tmp_path / "bin.jsonl"), "it looks like binary data, not text")]


def test_a_truncated_gzip_keeps_the_lines_before(tmp_path):
    path = tmp_path / "cut.jsonl.gz"
    data = gzip.compress(b"".join(b'{"headline": "h%d"}\n' % i for i in range(2000)))
    path.write_bytes(data[: len(data) // 2])
    out = list(iter_items([str(path)]))
    assert all(isinstance(e, Item) for e in out[:-1]) and len(out) > 1
    assert isinstance(out[-1], Skip) and out[-1].path.startswith(f"{path}#")


def test_symlinked_directories_are_not_followed(tmp_path):
    touch(tmp_path / "real" / "a.txt")
    (tmp_path / "src").mkdir()
    touch(tmp_path / "src" / "b.txt")
    os.symlink(tmp_path / "real", tmp_path / "src" / "link")
    assert entries(tmp_path / "src") == [("item", str(tmp_path / "src" / "b.txt"))]


def test_total_size_counts_readable_inputs(tree):
    expected = sum(os.path.getsize(p) for p in [
        "data/B.TXT", "data/a.txt", "data/m.ndjson", "data/z.txt", "data/b/1.txt.gz",
        "data/b/10.txt", "data/b/2.txt", "data/c/deep/x.text"])
    assert total_size(["data", "missing"]) == expected


def test_items_carry_their_path_below_the_source_folder(tmp_path, monkeypatch):
    """What ids are made from (issue 9): the same for any spelling of the folder."""
    monkeypatch.chdir(tmp_path)
    Path("d/sub").mkdir(parents=True)
    Path("d/x.txt").write_text("X\n\ntext\n", encoding="utf-8")
    Path("d/sub/y.jsonl").write_text('{"headline": "y"}\n', encoding="utf-8")
    for spelling in ("d", "d/", "./d/../d", str(tmp_path / "d")):
        assert [(i.key, i.path) for i in iter_items([spelling])] == [
            ("x.txt", os.path.join(spelling, "x.txt")),
            ("sub/y.jsonl#1", os.path.join(spelling, "sub", "y.jsonl") + "#1")]
    # A file given by itself: its name, which the extractors take when the key is "".
    assert [i.key for i in iter_items(["d/x.txt", "d/sub/y.jsonl"])] == ["", ""]
