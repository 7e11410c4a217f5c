"""Hostile sources and outputs (issue 9): odd names, unreadable folders, a mistyped source,
a .jsonl.gz progress bar, a reader that goes away (`| head`), a page nested 200,000 deep.

Each case sits in a folder beside good inputs: the good ones are indexed, the bad one is
skipped or extracted with a reason, and the run goes on. What involves an index on every
backend is in contract/test_sources.py; here the command line and discovery.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import article, write_jsonl
from unreadable import unreadable

from indexer.discover import NOT_UTF8, Ignored, Item, Skip, iter_items, total_size
from indexer.extract.html import parse as parse_html
from searchapp.cli import EXIT_FAILED, EXIT_SKIPPED, cli
from searchapp.indexing import Progress, reindex

NO_ENV = {"SCRAPESEARCH_INDEX_DIR": None, "SCRAPESEARCH_INSTANCE": None,
          "SCRAPESEARCH_BACKEND": None}
UNREADABLE = "the directory could not be read (Permission denied)"
DEEP_WARNING = ("the page is nested more than 256 elements deep; the text below that depth "
                "was read without its markup")


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], env=NO_ENV, catch_exceptions=False)


def dump(headline: str, body: str) -> str:
    return f"{headline}\n\n{body}\n"


def write_named(folder: bytes, name: bytes, text: str) -> None:
    """A file whose name is given as bytes (it need not be UTF-8)."""
    fd = os.open(folder + b"/" + name, os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, text.encode())
    os.close(fd)


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    """src/: good dumps beside a non-UTF-8 file, a non-UTF-8 folder and a folder that will
    be unreadable; cwd is tmp_path."""
    monkeypatch.chdir(tmp_path)
    src = Path("src")
    (src / "locked").mkdir(parents=True)
    (src / "later").mkdir()
    for name in ("a.txt", "later/b.txt", "locked/c.txt"):
        (src / name).write_text(dump(f"Story {name}", f"The story kept in {name}."),
                                encoding="utf-8")
    write_named(b"src", b"odd-\xff.txt", dump("Odd", "A name that is not UTF-8."))
    os.mkdir(b"src/odd-\xfe")
    write_named(b"src/odd-\xfe", b"inside.txt", dump("Inside", "Inside an odd folder."))
    (src / "notes.pdf").write_bytes(b"%PDF-1.4")
    (src / "later" / "deep.html").write_bytes(nested_page(200_000))
    os.symlink("a.txt", src / "link-to-a.txt")
    os.symlink("later", src / "link-to-later")  # links to folders are not followed
    return src


def test_discovery_skips_each_bad_name_and_folder_once(hostile):
    with unreadable(hostile / "locked"):
        entries = list(iter_items(["src"]))
        size = total_size(["src"])
    assert [e.path if isinstance(e, Item) else e for e in entries] == [
        "src/a.txt",
        "src/link-to-a.txt",
        Ignored("src/notes.pdf"),
        Skip("src/odd-\\xff.txt", NOT_UTF8),
        "src/later/b.txt",
        "src/later/deep.html",
        Skip("src/locked", UNREADABLE),
        Skip("src/odd-\\xfe", NOT_UTF8),
    ]
    assert size == sum(e.size for e in entries if isinstance(e, Item))


def test_an_unreadable_source_folder_is_one_skip(hostile):
    with unreadable(hostile):
        assert list(iter_items(["src"])) == [Skip("src", UNREADABLE)]


def test_the_cli_reports_odd_names_and_unreadable_folders(hostile):
    with unreadable(hostile / "locked"):
        result = run("reindex", "--index-dir", "idx", "-j", "1", "src")
    assert result.exit_code == EXIT_SKIPPED, result.output
    assert "Indexed 4 articles" in result.stderr
    assert "Skipped 3 inputs:" in result.stderr
    assert f"skipped src/locked: {UNREADABLE}" in result.stderr
    assert f"skipped src/odd-\\xff.txt: {NOT_UTF8}" in result.stderr
    assert f"skipped src/odd-\\xfe: {NOT_UTF8}" in result.stderr

    stats = run("stats", "--index-dir", "idx")
    assert "Skipped:      3" in stats.stdout
    assert f"  src/locked: {UNREADABLE}" in stats.stdout
    stored = json.loads(run("stats", "--index-dir", "idx", "--json").stdout)["report"]
    assert {"path": "src/odd-\\xfe", "reason": NOT_UTF8} in stored["skipped"]

    with unreadable(hostile / "locked"):
        result = run("update", "--index-dir", "idx", "-j", "1", "src")
    assert result.exit_code == EXIT_SKIPPED, result.output
    assert ("0 added, 0 changed, 0 removed, 4 unchanged (4 of them not read again)."
            in result.stderr)
    assert f"skipped src/locked: {UNREADABLE}" in result.stderr

    # The page nested 200,000 deep is in, and says what happened to its markup.
    deep = json.loads(run("extract", "src/later/deep.html").stdout)
    assert deep["warnings"] == [DEEP_WARNING]
    found = json.loads(run("search", "--index-dir", "idx", "--json", "dockers").stdout)
    assert [r["headline"] for r in found["results"]] == ["Harbour strike ends"]


def test_the_cli_stops_a_reindex_with_a_missing_source(hostile):
    assert run("reindex", "--index-dir", "idx", "-j", "1", "src").exit_code == EXIT_SKIPPED
    before = json.loads(run("stats", "--index-dir", "idx", "--json").stdout)

    result = run("reindex", "--index-dir", "idx", "-j", "1", "src", "scr")
    assert result.exit_code == EXIT_FAILED
    assert result.stderr.strip() == (
        "Error: The source scr does not exist, so the index was left as it was "
        "(--allow-missing indexes the other sources without it).")
    after = json.loads(run("stats", "--index-dir", "idx", "--json").stdout)
    assert after["generation"] == before["generation"]

    result = run("reindex", "--index-dir", "idx", "-j", "1", "--allow-missing", "src", "scr")
    assert result.exit_code == EXIT_SKIPPED
    assert "skipped scr: it does not exist" in result.stderr
    after = json.loads(run("stats", "--index-dir", "idx", "--json").stdout)
    assert after["generation"] != before["generation"]
    assert after["documents"] == 5


class Recorder(Progress):
    def __init__(self):
        self.total = None
        self.done: list[int] = []

    def start(self, total_bytes: int) -> None:
        self.total = total_bytes

    def update(self, done_bytes: int, indexed: int, skipped: int) -> None:
        self.done.append(done_bytes)


def test_progress_of_a_jsonl_gz_ends_at_its_size(tmp_path):
    path = tmp_path / "feed.jsonl.gz"
    rng = random.Random(9)  # words that do not compress away: a file of many gzip reads
    records = [article(headline=f"Record {i}",
                       body=" ".join(f"{rng.getrandbits(40):x}" for _ in range(40)))
               for i in range(1000)]
    records[500] = "not an object"  # a skipped line counts too
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in records)
    from searchapp.backends.whoosh import WhooshBackend

    progress = Recorder()
    report = reindex([str(path)], WhooshBackend(str(tmp_path / "idx")), jobs=1,
                     progress=progress)
    assert report.indexed == 999 and report.skipped_total == 1
    assert progress.total == path.stat().st_size
    assert len(progress.done) > 10
    assert progress.done == sorted(progress.done)
    assert progress.done[-1] == progress.total
    # Proportional on the way: halfway through the lines is not the end of the file.
    assert progress.done[len(progress.done) // 2] < 0.8 * progress.total


def big_feed(path: Path, records: int = 2000) -> Path:
    """A feed whose Article JSON is far more than a pipe holds (64 KB)."""
    return write_jsonl(path, [article(headline=f"Record {i}", body="Text of the record. " * 40)
                              for i in range(records)])


@pytest.fixture(scope="module")
def small_index(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("pipe")
    feed = big_feed(tmp / "feed.jsonl", 200)
    assert run("reindex", "--index-dir", tmp / "idx", "-j", "1", feed).exit_code == 0
    return tmp / "idx"


def cli_process(*args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in NO_ENV}
    return subprocess.Popen([sys.executable, "-m", "searchapp", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_extract_into_head_ends_quietly(tmp_path):
    """`scrapesearch extract big.jsonl | head -n 1`: no "Error: Broken pipe", status 141."""
    feed = big_feed(tmp_path / "feed.jsonl")
    proc = cli_process("extract", str(feed))
    first = proc.stdout.readline()
    proc.stdout.close()  # what head does after its line
    assert json.loads(first)["headline"] == "Record 0"
    with proc.stderr:
        stderr = proc.stderr.read()
    assert proc.wait(timeout=60) == 128 + signal.SIGPIPE
    assert stderr == b""


@pytest.mark.parametrize("command", [["search", "record", "--json", "-n", "100"], ["stats"],
                                     ["search", "record"]])
def test_printing_commands_end_quietly_when_the_reader_is_gone(small_index, command):
    proc = cli_process(*command, "--index-dir", str(small_index))
    proc.stdout.close()  # the reader is gone before the first line
    with proc.stderr:
        stderr = proc.stderr.read()
    assert proc.wait(timeout=60) == 128 + signal.SIGPIPE
    assert stderr == b""


def nested_page(depth: int) -> bytes:
    return (b"<html><head><title>Harbour strike ends</title></head><body>"
            b"<h1>Harbour strike ends</h1>"
            b"<p>The harbour strike ended on Monday, the union said in the morning.</p>"
            + b"<div>" * depth
            + b"<p>Deep inside, the dockers voted to accept the offer of the port board.</p>"
            + b"</div>" * depth
            + b"<p>Ships were loaded again by the afternoon, the port said.</p></body></html>")


def test_a_page_nested_200000_deep_says_why_its_body_is_short():
    a = parse_html(nested_page(200_000), "deep.html")
    assert a.headline == "Harbour strike ends"
    assert "The harbour strike ended on Monday" in a.body
    assert a.warnings == (DEEP_WARNING,)
    assert "the dockers voted to accept the offer" in a.body
    assert "Ships were loaded again" in a.body


def test_a_page_nested_within_the_limit_has_no_warning():
    a = parse_html(nested_page(200), "deep.html")
    assert "the dockers voted to accept the offer" in a.body
    assert a.warnings == ()
