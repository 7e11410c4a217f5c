"""Web archives: records -> pages and skips, damage, bombs, and WARC input end to end.

reliability.md D6 (gzip'd WARC records and members that inflate past the cap) and the
WARC half of issue 3; the archives are written here with warcio, as crawlers write them.
"""

from __future__ import annotations

import gzip
import json
import os
import time
import zlib
from pathlib import Path

import pytest
from test_cli import run
from warcs import Archive, arc, page

from indexer.discover import Item, Skip, iter_items, total_size
from indexer.extract.warc import Page, iter_records
from searchapp.cli import EXIT_OK, EXIT_SKIPPED

HARBOUR = page("Harbour strike ends after nine days",
               "Dock workers returned to the quays on Monday after the harbour strike ended.",
               "The union said the new contract keeps the night shift at full pay.")
FERRY = page("Ferry fares rise again", "The ferry company raised its fares for the third time.",
             "Commuters on the island route will pay two euros more.")
TRAM = page("Tram line opens to the port", "The new tram runs every six minutes to the port.",
            "The line cost less than planned, the council said.")


def outcomes(path: Path) -> list[tuple[str, str]]:
    """(item, "page" or the skip reason) for every entry of the archive."""
    return [(os.path.basename(e.path), "page" if isinstance(e, Page) else e.reason)
            for e in iter_records(str(path))]


def every_kind(path: Path, gz: bool = True) -> Path:
    return (Archive(path, gz=gz).warcinfo()                                       # 1
            .request("https://coastpost.example/harbour")                        # 2
            .response("https://coastpost.example/harbour", HARBOUR)              # 3
            .response("https://coastpost.example/logo.png", b"\x89PNG\r\n\x1a\n",
                      ctype="image/png")                                         # 4
            .response("https://coastpost.example/gone", page("Gone", "Not here."),
                      status="404 Not Found")                                    # 5
            .response("https://coastpost.example/harbour", HARBOUR)              # 6
            .revisit("https://coastpost.example/harbour")                        # 7
            .metadata("https://coastpost.example/harbour")                       # 8
            .resource("https://coastpost.example/ferry", FERRY, "text/html")     # 9
            .response("https://coastpost.example/tram", TRAM,
                      ctype="application/octet-stream")                          # 10
            .response("https://coastpost.example/data.bin", bytes(range(256)) * 4,
                      ctype=None)                                                # 11
            .response("https://coastpost.example/moved", b"", status="301 Moved")  # 12
            .close())


EVERY_KIND = [
    ("a.warc.gz#3", "page"),
    ("a.warc.gz#4", "it is not an HTML page (image/png)"),
    ("a.warc.gz#5", "the server answered 404"),
    ("a.warc.gz#6", "it repeats record #3"),
    ("a.warc.gz#7", "it is a revisit record (it points to an earlier capture instead of "
                    "holding the page)"),
    ("a.warc.gz#9", "page"),
    ("a.warc.gz#10", "page"),
    ("a.warc.gz#11", "it is not an HTML page (no content type)"),
    ("a.warc.gz#12", "the server answered 301"),
]


def test_records_are_numbered_over_the_whole_archive(tmp_path):
    assert outcomes(every_kind(tmp_path / "a.warc.gz")) == EVERY_KIND


def test_uncompressed_warc_reads_the_same(tmp_path):
    got = outcomes(every_kind(tmp_path / "a.warc", gz=False))
    assert got == [(p.replace(".warc.gz", ".warc"), r) for p, r in EVERY_KIND]


def test_a_page_carries_what_the_archive_knows(tmp_path):
    path = (Archive(tmp_path / "a.warc.gz")
            .response("https://coastpost.example/harbour", HARBOUR,
                      ctype="text/html; charset=windows-1252", date="2019-03-05T12:00:00Z")
            .response("https://coastpost.example/tram", TRAM, ctype="application/octet-stream")
            .close())
    first, second = iter_records(str(path))
    assert first.data == HARBOUR
    assert first.url == "https://coastpost.example/harbour"
    assert first.fetched == "2019-03-05T12:00:00Z"
    assert first.content_type == "text/html; charset=windows-1252"
    # A generic type is sniffed; the extractor is then told it is HTML.
    assert second.content_type == "text/html"


def test_chunked_and_gzip_content_encoding_are_decoded(tmp_path):
    gz_body = gzip.compress(HARBOUR)
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(c), c)
                       for c in (gz_body[:50], gz_body[50:])) + b"0\r\n\r\n"
    path = (Archive(tmp_path / "a.warc.gz")
            .response("https://coastpost.example/harbour", chunked,
                      headers=[("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")])
            .close())
    (entry,) = iter_records(str(path))
    assert entry.data == HARBOUR


def test_items_and_skips_stream_from_discovery(tmp_path):
    path = every_kind(tmp_path / "a.warc.gz")
    entries = list(iter_items([str(path)]))
    items = [e for e in entries if isinstance(e, Item)]
    assert [os.path.basename(i.path) for i in items] == ["a.warc.gz#3", "a.warc.gz#9",
                                                          "a.warc.gz#10"]
    assert {i.format for i in items} == {"warc"}
    assert items[0].data == HARBOUR and items[0].url == "https://coastpost.example/harbour"
    assert items[0].fetched and items[0].content_type == "text/html; charset=utf-8"
    assert len([e for e in entries if isinstance(e, Skip)]) == 6
    # The progress bar: pages stand for the archive bytes read up to them.
    assert total_size([str(path)]) == path.stat().st_size
    assert 0 < sum(i.size for i in items) <= path.stat().st_size


@pytest.mark.parametrize("gz", [True, False])
def test_a_truncated_archive_keeps_the_records_before_the_damage(tmp_path, gz):
    name = "a.warc.gz" if gz else "a.warc"
    whole = (Archive(tmp_path / name, gz=gz).warcinfo()
             .response("https://coastpost.example/harbour", HARBOUR)
             .response("https://coastpost.example/ferry", FERRY)
             .response("https://coastpost.example/tram", TRAM)
             .close())
    data = whole.read_bytes()
    cut = tmp_path / ("cut-" + name)
    cut.write_bytes(data[: len(data) - 200])  # in the middle of the last record
    assert outcomes(cut) == [
        (f"cut-{name}#2", "page"),
        (f"cut-{name}#3", "page"),
        (f"cut-{name}", "the archive is damaged after record 3: it ends in the middle of a "
                        "record"),
    ]


def test_garbage_instead_of_a_record_header(tmp_path):
    whole = (Archive(tmp_path / "a.warc", gz=False)
             .response("https://coastpost.example/harbour", HARBOUR).close())
    bad = tmp_path / "bad.warc"
    bad.write_bytes(whole.read_bytes() + b"this is not a record\r\n\r\n" * 3)
    assert outcomes(bad) == [
        ("bad.warc#1", "page"),
        ("bad.warc", "the archive is damaged after record 1: a record does not start with a "
                     "WARC or ARC header"),
    ]


def test_not_an_archive_and_empty(tmp_path):
    (tmp_path / "x.warc").write_text("<html><p>just a page</p></html>")
    (tmp_path / "e.warc.gz").write_bytes(b"")
    assert outcomes(tmp_path / "x.warc") == [
        ("x.warc", "it is not a readable WARC or ARC file (a record does not start with a "
                   "WARC or ARC header)")]
    assert outcomes(tmp_path / "e.warc.gz") == [("e.warc.gz", "it is empty")]


def test_a_whole_file_gzip_is_read_too(tmp_path):
    plain = every_kind(tmp_path / "a.warc", gz=False)
    (tmp_path / "a.warc.gz").write_bytes(gzip.compress(plain.read_bytes()))
    assert outcomes(tmp_path / "a.warc.gz") == EVERY_KIND


def test_a_payload_over_the_cap_is_skipped(tmp_path):
    path = (Archive(tmp_path / "a.warc.gz")
            .response("https://coastpost.example/big", b"<html><p>" + b"x" * 3000)
            .response("https://coastpost.example/harbour", HARBOUR).close())
    got = [(os.path.basename(e.path), getattr(e, "reason", "page"))
           for e in iter_records(str(path), limit=2048)]
    assert got == [("a.warc.gz#1", "it is larger than the 2,048-byte limit"),
                   ("a.warc.gz#2", "page")]


def test_a_content_encoding_bomb_is_read_only_up_to_the_cap(tmp_path):
    # 100 MB of spaces after the page start, sent gzip'd: about 100 KB in the archive.
    member = zlib.compressobj(9, zlib.DEFLATED, 31)
    body = member.compress(b"<html><body>")
    chunk = b" " * (1 << 20)
    body += b"".join(member.compress(chunk) for _ in range(100)) + member.flush()
    path = (Archive(tmp_path / "a.warc.gz")
            .response("https://coastpost.example/bomb", body,
                      headers=[("Content-Encoding", "gzip")])
            .response("https://coastpost.example/harbour", HARBOUR).close())
    assert outcomes(path) == [("a.warc.gz#1", "it is larger than the 50 MB limit"),
                              ("a.warc.gz#2", "page")]


def test_a_gzip_member_bomb_stops_the_archive(tmp_path):
    path = (Archive(tmp_path / "a.warc.gz")
            .response("https://coastpost.example/harbour", HARBOUR).close())
    # A record claiming a terabyte, its member inflating to 100 MB of zeros (~100 KB).
    head = (b"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: https://x.example/z\r\n"
            b"Content-Type: application/octet-stream\r\nContent-Length: 1000000000000\r\n\r\n")
    member = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    with open(path, "ab") as f:
        f.write(member.compress(head))
        for _ in range(100):
            f.write(member.compress(zeros))
        f.write(member.flush())
    got = outcomes(path)
    assert got[0] == ("a.warc.gz#1", "page")
    assert got[1][0] == "a.warc.gz"
    assert got[1][1].startswith("the archive is damaged after record 1: ")
    assert len(got) == 2


# ---------------------------------------------------------------- end to end


def headlines(index_dir: str, *query: str) -> list[str]:
    out = run("search", "--index-dir", index_dir, "--json", "-n", "100", *query)
    assert out.exit_code == EXIT_OK, out.output
    return sorted(r["headline"] for r in json.loads(out.stdout)["results"])


def test_extract_prints_one_object_per_page(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    every_kind(tmp_path / "a.warc.gz")
    result = run("extract", "a.warc.gz")
    assert result.exit_code == EXIT_SKIPPED
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["path"] for r in records] == ["a.warc.gz#3", "a.warc.gz#9", "a.warc.gz#10"]
    assert [r["headline"] for r in records] == ["Harbour strike ends after nine days",
                                                "Ferry fares rise again",
                                                "Tram line opens to the port"]
    assert records[0]["url"] == "https://coastpost.example/harbour"
    assert records[0]["source"] == "Coast Post"
    for item, reason in EVERY_KIND:
        if reason != "page":
            assert f"skipped {item}: {reason}" in result.stderr


def test_arc_files_are_read_as_warc(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    http = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n"
    arc(tmp_path / "old.arc", [
        ("http://coastpost.example/harbour", "text/html", http + HARBOUR),
        ("http://coastpost.example/logo.gif", "image/gif",
         b"HTTP/1.0 200 OK\r\nContent-Type: image/gif\r\n\r\nGIF89a"),
    ])
    result = run("extract", "old.arc")
    assert result.exit_code == EXIT_SKIPPED
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["path"] == "old.arc#2"
    assert record["headline"] == "Harbour strike ends after nine days"
    assert record["url"] == "http://coastpost.example/harbour"
    assert "skipped old.arc#3: it is not an HTML page (image/gif)" in result.stderr


def corpus_pages(shared: Path) -> list[tuple[str, bytes, str]]:
    """(url, page, its text) for four aeb pages and two dragnet ones (those have no URL)."""
    truth = json.loads((shared / "corpora/aeb/ground-truth.json").read_text(encoding="utf-8"))
    out = []
    for key in sorted(truth)[:4]:
        body = gzip.decompress((shared / "corpora/aeb/html" / f"{key}.html.gz").read_bytes())
        out.append((truth[key]["url"], body, truth[key]["articleBody"]))
    for key in ("R10", "R1000"):
        body = gzip.decompress((shared / "corpora/dragnet/html" / f"{key}.html.gz").read_bytes())
        gold = (shared / "corpora/dragnet/gold" / f"{key}.txt").read_text(encoding="utf-8")
        out.append((f"http://blog.example/{key}", body, max(gold.splitlines(), key=len)))
    return out


def test_reindex_a_warc_and_find_its_pages(tmp_path, monkeypatch, shared):
    monkeypatch.chdir(tmp_path)
    real = corpus_pages(shared)
    a = Archive(tmp_path / "crawl.warc.gz").warcinfo()
    for url, body, _ in real:
        # The dragnet pages are sent without a charset, as many servers do.
        a.request(url).response(url, body, ctype="text/html" if "blog." in url else
                                "text/html; charset=utf-8")
    every_kind(tmp_path / "kinds.warc.gz")
    a.close()
    result = run("reindex", "--index-dir", "idx", "--jobs", "2", "-q",
                 "crawl.warc.gz", "kinds.warc.gz")
    # Records that were never pages are counted but are no failure: exit 0.
    assert result.exit_code == EXIT_OK, result.output
    assert "Indexed 9 articles" in result.stderr
    assert "Passed over 6 archive records that are not articles:" in result.stderr
    assert "Skipped" not in result.stderr
    for reason in ("it is not an HTML page (image/png)", "the server answered 404",
                   "it repeats record #3", "the server answered 301"):
        assert f"       1 × {reason}" in result.stderr
    assert headlines("idx", "harbour", "strike") == ["Harbour strike ends after nine days"]
    assert headlines("idx", "source:coast") == ["Ferry fares rise again",
                                               "Harbour strike ends after nine days",
                                               "Tram line opens to the port"]
    # Each real page is found by words of its own text (its ground truth).
    info = json.loads(run("stats", "--index-dir", "idx", "--json").stdout)
    assert info["documents"] == 9
    extracted = [json.loads(line) for line in run("extract", "crawl.warc.gz").stdout.splitlines()]
    assert [r["path"] for r in extracted] == [f"crawl.warc.gz#{n}" for n in (3, 5, 7, 9, 11, 13)]
    for record, (_, _, text) in zip(extracted, real, strict=True):
        words = [w for w in text.split() if w.isalpha() and len(w) > 7][:4]
        assert record["headline"] in headlines("idx", *words), words


def test_update_follows_a_changed_archive(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "src"
    src.mkdir()
    (Archive(src / "crawl.warc.gz").response("https://coastpost.example/harbour", HARBOUR)
     .response("https://coastpost.example/ferry", FERRY).close())
    assert run("reindex", "--index-dir", "idx", "-j", "1", "-q", "src").exit_code == EXIT_OK
    # The next crawl: the ferry page is gone, the tram page is new, the harbour page repeats.
    (Archive(src / "crawl.warc.gz").warcinfo()
     .response("https://coastpost.example/harbour", HARBOUR)
     .response("https://coastpost.example/tram", TRAM).close())
    result = run("update", "--index-dir", "idx", "-j", "1", "-q", "src")
    assert result.exit_code == EXIT_OK, result.output
    assert "1 added, 1 changed, 1 removed, 0 unchanged" in result.stderr  # harbour moved to #2
    assert headlines("idx") == ["Harbour strike ends after nine days",
                                "Tram line opens to the port"]
    again = run("update", "--index-dir", "idx", "-j", "1", "-q", "src")
    assert "0 added, 0 changed, 0 removed, 2 unchanged" in again.stderr


def test_a_mixed_directory_in_one_reindex(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "src"
    src.mkdir()
    (src / "dump.txt").write_text("Bridge closed for repairs\n\nThe old bridge over the "
                                  "estuary is closed until spring for repairs.\n",
                                  encoding="utf-8")
    (src / "feed.jsonl").write_text(json.dumps(
        {"title": "Night buses return", "text": "Night buses run again from Friday.",
         "site": "Valley Times"}) + "\n", encoding="utf-8")
    (src / "ferry.html").write_bytes(FERRY)
    (Archive(src / "crawl.warc.gz").response("https://coastpost.example/harbour", HARBOUR)
     .close())
    result = run("reindex", "--index-dir", "idx", "-j", "2", "-q", "src")
    assert result.exit_code == EXIT_OK, result.output
    assert "Indexed 4 articles" in result.stderr
    assert headlines("idx", "headline:bridge") == ["Bridge closed for repairs"]
    assert headlines("idx", "buses") == ["Night buses return"]
    assert headlines("idx", "body:commuters") == ["Ferry fares rise again"]
    assert headlines("idx", "body:union", "contract") == ["Harbour strike ends after nine days"]
    assert headlines("idx", "source:valley") == ["Night buses return"]
    assert headlines("idx", "source:coast") == ["Ferry fares rise again",
                                               "Harbour strike ends after nine days"]


def raw_record(http: bytes) -> bytes:
    """A WARC response record around `http` as given, however broken."""
    return (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://x.example/\r\n"
            b"WARC-Date: 2020-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
            b"Content-Type: application/http; msgtype=response\r\n"
            b"Content-Length: %d\r\n\r\n" % len(http) + http + b"\r\n\r\n")


def test_broken_http_in_a_record(tmp_path):
    path = tmp_path / "b.warc"
    path.write_bytes(
        raw_record(b"HTTP/1.1 abc\r\nContent-Type: text/html\r\n\r\n<html><p>x</p></html>")
        + raw_record(b"HTTP/1.1 200 OK\r\nContent-Type: text/html")  # no body at all
        + raw_record(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + HARBOUR))
    assert outcomes(path) == [("b.warc#1", "the server answered abc"),
                              ("b.warc#2", "it is empty"),
                              ("b.warc#3", "page")]


def test_a_reader_failure_is_reported_not_raised(tmp_path, monkeypatch):
    from indexer.extract import warc

    path = every_kind(tmp_path / "a.warc.gz")
    real = warc._Reader._record

    def flaky(self, record):
        if self.n == 5:
            raise KeyError("surprise")
        return real(self, record)

    monkeypatch.setattr(warc._Reader, "_record", flaky)
    assert outcomes(path) == [
        ("a.warc.gz#3", "page"), ("a.warc.gz#4", "it is not an HTML page (image/png)"),
        ("a.warc.gz", "the archive is damaged after record 4: it could not be read "
                      "(KeyError: 'surprise')")]


def test_extract_bounds_each_page_in_time(tmp_path, monkeypatch):
    from indexer.extract import html

    def slow(data, path, **kwargs):
        time.sleep(5)

    monkeypatch.chdir(tmp_path)
    Archive(tmp_path / "a.warc.gz").response("https://coastpost.example/harbour", HARBOUR).close()
    monkeypatch.setattr(html, "parse", slow)
    result = run("extract", "a.warc.gz", env={"SCRAPESEARCH_ITEM_SECONDS": "0.1"})
    assert result.exit_code == EXIT_SKIPPED
    assert result.stdout == ""
    assert "skipped a.warc.gz#1: it took longer than 0.1 s to extract" in result.stderr
