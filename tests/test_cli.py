"""The `scrapesearch` command line through click's CliRunner: exit codes, summaries, errors."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import threading
import time
from pathlib import Path

import pytest
from backends.whoosh.test_generations import LockHolder
from click.testing import CliRunner
from conftest import article, write_jsonl

from searchapp.backends.whoosh import generations
from searchapp.cli import EXIT_FAILED, EXIT_OK, EXIT_SKIPPED, EXIT_USAGE, cli

NO_ENV = {"SCRAPESEARCH_INDEX_DIR": None, "SCRAPESEARCH_INSTANCE": None,
          "SCRAPESEARCH_BACKEND": None}


def run(*args: str, env: dict | None = None):
    runner = CliRunner()
    return runner.invoke(cli, [str(a) for a in args], env={**NO_ENV, **(env or {})},
                         catch_exceptions=False)


def dump(headline: str, *paragraphs: str) -> str:
    """A plain-text dump: headline, blank line, paragraphs."""
    return headline + "\n\n" + "\n\n".join(paragraphs) + "\n"


def one_sentence_error(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert lines, "nothing on stderr"
    last = lines[-1]
    assert last.startswith("Error: ") and last.endswith("."), last
    assert "Traceback" not in stderr
    return last


def tree_digest(index_dir: Path) -> str:
    """Names, link targets and contents of everything in the index directory but the lock."""
    h = hashlib.sha256()
    for root, dirs, files in sorted(os.walk(index_dir)):
        dirs.sort()
        for name in sorted(files + [d for d in dirs if os.path.islink(os.path.join(root, d))]):
            path = os.path.join(root, name)
            if name == generations.LOCK:
                continue
            h.update(os.path.relpath(path, index_dir).encode())
            if os.path.islink(path):
                h.update(os.readlink(path).encode())
            else:
                h.update(Path(path).read_bytes())
    return h.hexdigest()


@pytest.fixture
def mixed(tmp_path, monkeypatch) -> Path:
    """A source folder mixing good inputs with every kind of bad one; cwd is its parent."""
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "harbour.txt").write_text(
        dump("Harbour strike ends", "Dock workers returned on Monday after the harbour strike."),
        encoding="utf-8")
    with gzip.open(src / "sub" / "ferry.txt.gz", "wt", encoding="utf-8") as f:
        f.write(dump("Ferry fares rise", "The ferry company raised fares again."))
    (src / "feeds.jsonl").write_text(
        json.dumps(article(headline="Tram line opens", body="The tram runs to the port.",
                           source="Coast Post")) + "\n"
        + '{"headline": "Broken\n'
        + json.dumps(article(headline="Bridge closed", body="The bridge is closed for repairs.",
                             source="Coast Post")) + "\n",
        encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    (src / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (src / "report.pdf").write_bytes(b"%PDF-1.4 not read")
    (src / ".hidden.txt").write_text(dump("Hidden", "Never read."), encoding="utf-8")
    return src


BAD = {
    "src/feeds.jsonl#2": "the line is not valid JSON",
    "src/empty.txt": "it is empty",
    "src/photo.txt": "it looks like binary data, not text",
}


def test_reindex_mixed_folder(mixed):
    result = run("reindex", "--index-dir", "idx", "-j", "1", "src")
    assert result.exit_code == EXIT_SKIPPED, result.output
    assert result.stdout == ""
    err = result.stderr
    assert "Indexed 4 articles" in err
    assert f"into {os.path.abspath('idx')} (gen-" in err
    assert "Ignored 1 file that is not in a format scrapesearch reads." in err
    assert "Skipped 3 inputs:" in err
    for path, reason in BAD.items():
        assert f"  skipped {path}: {reason}" in err, path
    assert "Traceback" not in err

    stats = run("stats", "--index-dir", "idx", "--json")
    assert stats.exit_code == EXIT_OK
    info = json.loads(stats.stdout)
    assert info["documents"] == 4
    assert info["generation"] == os.path.basename(generations.current_path("idx"))
    report = info["report"]
    assert report["indexed"] == report["documents"] == 4
    assert report["skipped_total"] == 3
    assert {s["path"] for s in report["skipped"]} == set(BAD)
    assert report["ignored_files"] == 1
    assert report["sources"] == ["src"]

    found = run("search", "--index-dir", "idx", "--json", "-n", "100")
    assert found.exit_code == EXIT_OK
    data = json.loads(found.stdout)
    assert data["total"] == 4
    assert sorted(r["headline"] for r in data["results"]) == [
        "Bridge closed", "Ferry fares rise", "Harbour strike ends", "Tram line opens"]

    harbour = json.loads(run("search", "--index-dir", "idx", "--json", "harbour").stdout)
    assert [r["headline"] for r in harbour["results"]] == ["Harbour strike ends"]
    coast = json.loads(run("search", "--index-dir", "idx", "--json", "source:coast").stdout)
    assert sorted(r["headline"] for r in coast["results"]) == ["Bridge closed", "Tram line opens"]


def test_reindex_with_a_process_pool_and_text_output(mixed):
    result = run("reindex", "--index-dir", "idx", "--quiet", "src")  # default: all cores
    assert result.exit_code == EXIT_SKIPPED
    out = run("search", "--index-dir", "idx", "harbour", "strike")
    assert out.exit_code == EXIT_OK
    assert out.stdout.startswith("1 matches")
    assert "Harbour strike ends" in out.stdout
    stats = run("stats", "--index-dir", "idx")
    assert "Documents:    4" in stats.stdout
    assert "src/photo.txt: it looks like binary data, not text" in stats.stdout


def test_reindex_all_good_exits_0(tmp_path):
    src = write_jsonl(tmp_path / "a.jsonl", [article(headline="One", body="first")])
    result = run("reindex", "--index-dir", tmp_path / "idx", "-j", "1", src)
    assert result.exit_code == EXIT_OK, result.output
    assert "Skipped" not in result.stderr


def test_reindex_reports_duplicates(tmp_path):
    src = write_jsonl(tmp_path / "a.jsonl", [
        article(id="same-id", headline="First", body="old"),
        article(id="same-id", headline="Second", body="new")])
    result = run("reindex", "--index-dir", tmp_path / "idx", "-j", "1", src)
    assert result.exit_code == EXIT_OK
    assert "Indexed 1 articles" in result.stderr
    assert "Replaced 1 articles that appeared again under the same id" in result.stderr


def test_reindex_of_nothing_usable_exits_3_and_keeps_the_index(mixed):
    assert run("reindex", "--index-dir", "idx", "-j", "1", "src").exit_code == EXIT_SKIPPED
    before_gen = generations.current_path("idx")
    before = tree_digest(Path("idx"))

    result = run("reindex", "--index-dir", "idx", "-j", "1", "--allow-missing",
                 "src/empty.txt", "src/photo.txt", "src/report.pdf", "missing.txt")
    assert result.exit_code == EXIT_FAILED
    sentence = one_sentence_error(result.stderr)
    assert "no article could be indexed" in sentence.lower()
    # The reasons are still given: "nothing indexed" alone would leave the user guessing.
    assert "skipped src/empty.txt: it is empty" in result.stderr
    assert "skipped src/report.pdf: it is not a format scrapesearch reads" in result.stderr
    assert "skipped missing.txt: it does not exist" in result.stderr
    assert generations.current_path("idx") == before_gen
    assert tree_digest(Path("idx")) == before
    stats = json.loads(run("stats", "--index-dir", "idx", "--json").stdout)
    assert stats["documents"] == 4


def test_reindex_while_another_build_runs(mixed):
    assert run("reindex", "--index-dir", "idx", "-j", "1", "src").exit_code == EXIT_SKIPPED
    before = tree_digest(Path("idx"))
    holder = LockHolder("idx")
    try:
        for command in ("reindex", "update"):
            result = run(command, "--index-dir", "idx", "-j", "1", "src")
            assert result.exit_code == EXIT_FAILED, command
            sentence = one_sentence_error(result.stderr)
            assert len(result.stderr.strip().splitlines()) == 1
            assert "already running" in sentence
            assert f"process {holder.pid}" in sentence
            assert tree_digest(Path("idx")) == before
    finally:
        holder.close()
    assert run("reindex", "--index-dir", "idx", "-j", "1", "src").exit_code == EXIT_SKIPPED


def test_reindex_wait_succeeds_when_the_holder_finishes(mixed):
    holder = LockHolder("idx")
    timer = threading.Timer(0.5, holder.release)
    timer.start()
    try:
        started = time.monotonic()
        result = run("reindex", "--index-dir", "idx", "-j", "1", "--wait", "20", "src")
        waited = time.monotonic() - started
    finally:
        timer.cancel()
        holder.close()
    assert result.exit_code == EXIT_SKIPPED, result.output
    assert waited >= 0.4
    assert json.loads(run("stats", "--index-dir", "idx", "--json").stdout)["documents"] == 4


def test_wait_gives_up_after_its_time(mixed):
    holder = LockHolder("idx")
    try:
        result = run("update", "--index-dir", "idx", "--wait", "0.3", "src")
    finally:
        holder.close()
    assert result.exit_code == EXIT_FAILED
    assert "already running" in one_sentence_error(result.stderr)


@pytest.mark.parametrize("command", [["stats"], ["stats", "--json"], ["search", "harbour"],
                                     ["update", "src"]])
def test_no_index_is_a_sentence_and_exit_3(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    result = run(*command, "--index-dir", "nothing-here")
    assert result.exit_code == EXIT_FAILED
    sentence = one_sentence_error(result.stderr)
    assert "scrapesearch reindex" in sentence
    assert result.stdout == ""
    # Reading commands create nothing.
    assert command[0] == "update" or not (tmp_path / "nothing-here").exists()


def test_debug_shows_the_traceback(tmp_path):
    result = run("--debug", "stats", "--index-dir", tmp_path / "none")
    assert result.exit_code == EXIT_FAILED
    assert "Traceback (most recent call last)" in result.stderr
    assert "IndexUnavailable" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: ")


@pytest.mark.parametrize("args", [
    ["reindex"],                                  # missing SOURCE
    ["reindex", "--bogus", "src"],                # unknown option
    ["reindex", "--jobs", "0", "src"],            # out of range
    ["reindex", "--wait", "-1", "src"],
    ["search", "--limit", "0", "x"],
    ["search", "--limit", "101", "x"],
    ["search", "--scope", "everything", "x"],
    ["search", "--sort", "random", "x"],
    ["extract"],
    ["serve", "--workers", "0"],
    ["frobnicate"],                               # unknown command
])
def test_usage_errors_exit_2(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == EXIT_USAGE, result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "instance").exists()


def test_extract_a_directory_is_a_usage_error(tmp_path):
    result = run("extract", tmp_path)
    assert result.exit_code == EXIT_USAGE


def test_help_and_version():
    for args in (["--help"], ["-h"], ["reindex", "-h"], ["search", "--help"]):
        result = run(*args)
        assert result.exit_code == EXIT_OK and "Usage:" in result.stdout
    version = run("--version")
    assert version.exit_code == EXIT_OK
    assert "0." in version.stdout


# --------------------------------------------------------------------------- extract


def test_extract_paths_exactly_as_given(mixed, tmp_path):
    absolute = str(tmp_path / "src" / "harbour.txt")
    result = run("extract", "src/harbour.txt", absolute, "./src/../src/sub/ferry.txt.gz",
                 "src/feeds.jsonl")
    assert result.exit_code == EXIT_SKIPPED  # feeds.jsonl#2 is bad
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["path"] for r in records] == [
        "src/harbour.txt", absolute, "./src/../src/sub/ferry.txt.gz",
        "src/feeds.jsonl#1", "src/feeds.jsonl#3"]
    assert [r["headline"] for r in records] == [
        "Harbour strike ends", "Harbour strike ends", "Ferry fares rise", "Tram line opens",
        "Bridge closed"]
    # Without a URL the id hashes the path as given, so only the headline slug agrees.
    assert records[0]["id"].startswith("harbour-strike-ends-")
    assert list(records[0]) == ["id", "path", "url", "source", "headline", "authors",
                                "published", "lang", "tags", "captions", "body", "quotes",
                                "comments", "warnings"]
    (error,) = result.stderr.strip().splitlines()
    assert error.startswith("skipped src/feeds.jsonl#2: the line is not valid JSON (")


def test_extract_bad_inputs(mixed):
    result = run("extract", "src/empty.txt", "src/photo.txt", "src/report.pdf", "nope.txt",
                 "nope.jsonl", "src/harbour.txt")
    assert result.exit_code == EXIT_SKIPPED
    assert len(result.stdout.splitlines()) == 1
    lines = result.stderr.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "skipped src/empty.txt", "skipped src/photo.txt", "skipped src/report.pdf",
        "skipped nope.txt", "skipped nope.jsonl"]
    assert "it is empty" in lines[0]
    assert "binary" in lines[1]
    assert "not a format scrapesearch reads" in lines[2]
    assert all("Traceback" not in line for line in lines)


def test_extract_good_inputs_exit_0(mixed):
    result = run("extract", "src/harbour.txt")
    assert result.exit_code == EXIT_OK
    assert result.stderr == ""
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["body"] == "Dock workers returned on Monday after the harbour strike."


# ------------------------------------------------------------------------ index dir


def _build_with(env: dict, cwd: Path, *extra: str):
    src = write_jsonl(cwd / "in.jsonl", [article(headline="One", body="first")])
    return run("reindex", "-j", "1", "-q", *extra, src, env=env)


def test_index_dir_default_is_instance_index(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _build_with({}, tmp_path).exit_code == EXIT_OK
    assert generations.current_path("instance/index") is not None


def test_index_dir_from_instance_env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    inst = tmp_path / "srv"
    assert _build_with({"SCRAPESEARCH_INSTANCE": str(inst)}, tmp_path).exit_code == EXIT_OK
    assert generations.current_path(str(inst / "index")) is not None
    assert not (tmp_path / "instance").exists()
    stats = run("stats", "--json", env={"SCRAPESEARCH_INSTANCE": str(inst)})
    assert json.loads(stats.stdout)["documents"] == 1


def test_index_dir_env_wins_over_instance(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {"SCRAPESEARCH_INSTANCE": str(tmp_path / "srv"),
           "SCRAPESEARCH_INDEX_DIR": str(tmp_path / "direct")}
    assert _build_with(env, tmp_path).exit_code == EXIT_OK
    assert generations.current_path(str(tmp_path / "direct")) is not None
    assert not (tmp_path / "srv").exists()


def test_index_dir_option_wins_over_env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {"SCRAPESEARCH_INDEX_DIR": str(tmp_path / "direct")}
    assert _build_with(env, tmp_path, "--index-dir", "opt").exit_code == EXIT_OK
    assert generations.current_path("opt") is not None
    assert not (tmp_path / "direct").exists()
    # The env var alone finds nothing there now.
    assert run("stats", env=env).exit_code == EXIT_FAILED


def test_serve_passes_its_options_and_the_index(tmp_path, monkeypatch):
    from searchapp import server

    calls = []
    monkeypatch.setattr(server, "run_gunicorn", lambda **kw: calls.append(
        (kw, os.environ.get("SCRAPESEARCH_INDEX_DIR"))))
    monkeypatch.chdir(tmp_path)
    result = run("serve", "--index-dir", "idx", "-b", "127.0.0.1:9999", "-w", "3")
    assert result.exit_code == EXIT_OK, result.output
    assert calls == [({"bind": "127.0.0.1:9999", "workers": 3}, str(tmp_path / "idx"))]


# ----------------------------------------------------------------------------- update


def test_update_summary_and_exit_codes(mixed):
    assert run("reindex", "--index-dir", "idx", "-j", "1", "src").exit_code == EXIT_SKIPPED
    (Path("src") / "new.txt").write_text(dump("Tram fares fall", "Cheaper trams."),
                                         encoding="utf-8")
    result = run("update", "--index-dir", "idx", "-j", "1", "src")
    assert result.exit_code == EXIT_SKIPPED  # the bad inputs are still there
    assert ("1 added, 0 changed, 0 removed, 4 unchanged (4 of them not read again)."
            in result.stderr)
    assert "skipped src/photo.txt: it looks like binary data, not text" in result.stderr
    for name in ("empty.txt", "photo.txt"):
        (Path("src") / name).unlink()
    feeds = Path("src") / "feeds.jsonl"
    feeds.write_text("\n".join(feeds.read_text().splitlines()[::2]) + "\n")
    clean = run("update", "--index-dir", "idx", "-j", "1", "src")
    assert clean.exit_code == EXIT_OK, clean.output
    assert "Skipped" not in clean.stderr


def test_bad_records_through_the_cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = [json.dumps(article(id=f"rec-{i:03d}", headline=f"Record {i}", body="x"))
             for i in range(10)]
    lines[4] = "[1, 2, 3]"
    Path("batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["reindex", "--index-dir", "idx", "-j", "1", "batch.jsonl"],
                                catch_exceptions=False)
    assert result.exit_code == 1
    assert "Indexed 9 articles" in result.stderr
    assert "skipped batch.jsonl#5: the line is a JSON array, not an object" in result.stderr


def test_the_instance_config_chooses_the_backend_and_index(tmp_path, monkeypatch):
    """The CLI reads instance/config.py as the web app does; the environment wins over it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "config.py").write_text(
        f'BACKEND = "whoosh"\nINDEX_DIR = {str(tmp_path / "configured")!r}\n')
    assert _build_with({}, tmp_path).exit_code == EXIT_OK
    assert generations.current_path(str(tmp_path / "configured")) is not None
    assert not (tmp_path / "instance" / "index").exists()
    (tmp_path / "instance" / "config.py").write_text('BACKEND = "solr"\n')
    result = run("stats")
    assert result.exit_code == EXIT_FAILED
    assert one_sentence_error(result.stderr) == (
        "Error: There is no search backend called 'solr'; choose one of opensearch, whoosh.")
    result = run("stats", "--json", env={"SCRAPESEARCH_BACKEND": "whoosh",
                                         "SCRAPESEARCH_INDEX_DIR": str(tmp_path / "configured")})
    assert result.exit_code == EXIT_OK and json.loads(result.stdout)["backend"] == "whoosh"


def test_an_unknown_backend_stops_the_web_app_at_start(tmp_path):
    from searchapp import create_app
    from searchapp.backends.base import BackendError

    with pytest.raises(BackendError, match="no search backend called 'solr'"):
        create_app({"TESTING": True, "BACKEND": "solr"}, instance_path=str(tmp_path))
