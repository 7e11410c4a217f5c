"""Segment files are read from their map without Whoosh's private copy (mapped.py)."""

from __future__ import annotations

import io
import os
import random
import tracemalloc

from conftest import article
from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile

from searchapp.backends.whoosh import generations
from searchapp.backends.whoosh.mapped import MappedBufferFile, _View
from searchapp.backends.whoosh.snapshot import open_generation


def test_a_view_reads_like_bytesio():
    rnd = random.Random(5)
    data = bytes(rnd.randrange(256) for _ in range(5000)).replace(b"\x07", b"\n")
    ours, theirs = _View(memoryview(data)), io.BytesIO(data)
    for _ in range(2000):
        op = rnd.choice(["read", "read", "readline", "seek", "seek_cur", "seek_end", "tell"])
        n = rnd.choice([-1, 0, 1, 7, 100, 6000])
        if op == "read":
            assert ours.read(n) == theirs.read(n)
        elif op == "readline":
            assert ours.readline(n) == theirs.readline(n)
        elif op == "seek":
            p = rnd.randrange(6000)
            assert ours.seek(p) == theirs.seek(p)
        elif op == "seek_cur":
            p = rnd.randrange(-50, 50)
            if theirs.tell() + p >= 0:
                assert ours.seek(p, os.SEEK_CUR) == theirs.seek(p, os.SEEK_CUR)
        elif op == "seek_end":
            p = -rnd.randrange(100)
            assert ours.seek(p, os.SEEK_END) == theirs.seek(p, os.SEEK_END)
        assert ours.tell() == theirs.tell()


def test_opening_a_searcher_copies_no_segment_file(tmp_path, monkeypatch):
    from engines import ENGINES

    words = "harbour market council river budget school station museum".split()
    rnd = random.Random(3)
    backend = ENGINES["whoosh"].build(tmp_path, [
        article(id=f"a-{i}", headline=f"Story {i}",
                body=" ".join(rnd.choice(words) + str(rnd.randrange(5000)) for _ in range(2000)))
        for i in range(150)])
    backend.close()
    path = generations.current_path(backend.index_dir)
    size = sum(e.stat().st_size for e in os.scandir(path) if e.name.endswith(".seg"))
    assert size > 2_000_000

    def held_while_open() -> int:
        tracemalloc.start()
        try:
            with open_generation(path).searcher() as s:
                assert s.doc_count() == 150
                assert s.reader().doc_frequency("body", "harbour1") >= 0
                return tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()

    assert compound.BufferFile is MappedBufferFile
    assert held_while_open() < size / 4
    monkeypatch.setattr(compound, "BufferFile", BufferFile)  # Whoosh's own: copies
    assert held_while_open() > size / 2


def _mapped_rss_kb(path: str) -> int:
    """Resident kB of this process's maps of the files under `path` (/proc/self/smaps)."""
    total, inside = 0, False
    with open("/proc/self/smaps") as smaps:
        for line in smaps:
            head = line.split()
            if head and "-" in head[0] and len(head) >= 5 and ":" in head[3]:
                inside = len(head) >= 6 and head[5].startswith(path)
            elif inside and head and head[0] == "Rss:":
                total += int(head[1])
    return total


def test_an_export_leaves_no_segment_pages_mapped(tmp_path, monkeypatch):
    """Exporting the whole collection reads every stored field: those pages are released as
    it goes and at its end, so a worker that served an export does not keep the stored
    fields of the whole collection in its memory."""
    from engines import ENGINES

    from searchapp.backends.base import Query
    from searchapp.backends.whoosh import backend as whoosh_backend

    rnd = random.Random(4)
    words = "harbour market council river budget school station museum".split()
    backend = ENGINES["whoosh"].build(tmp_path, [
        article(id=f"a-{i}", headline=f"Story {i}",
                body=" ".join(rnd.choice(words) + str(rnd.randrange(9000)) for _ in range(3000)))
        for i in range(120)])
    path = generations.current_path(backend.index_dir)
    size_kb = sum(e.stat().st_size for e in os.scandir(path) if e.name.endswith(".seg")) // 1024
    assert size_kb > 2000
    monkeypatch.setattr(whoosh_backend, "RELEASE_EVERY", 50, raising=False)
    exported = [a.id for a in backend.export(Query())]
    assert sorted(exported) == sorted(f"a-{i}" for i in range(120))
    after = _mapped_rss_kb(path)
    assert after < 256, (after, size_kb)  # 1,608 kB before the release (8 kB with it)
    backend.close()
