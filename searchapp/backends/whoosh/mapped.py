"""Whoosh's mapped segment files, without the private copy Whoosh makes of each.

A segment is one compound file, mapped. Each part of it Whoosh opens (term index,
postings, stored fields, lengths...) becomes a `BufferFile` over a slice of the map, and
`BufferFile` reads through `BytesIO(slice)`: a copy of the whole part in the worker's own
memory. That made every gunicorn worker hold a private copy of most of the index (266 MB
of anonymous memory to open a searcher on 20,000 articles). Reading the files instead of
mapping them avoids the copy but costs a system call per small read (a term lookup makes
dozens: 1 s of a 2 s query mix went to `read`).

`install()` makes the compound storage's parts `MappedBufferFile`s: the same reads, served
from the map, copying only the bytes each read returns. It replaces one name in
`whoosh.filedb.compound` (Whoosh is pinned to 2.7.4, checked at import in __init__.py);
tests/backends/whoosh/test_mapped.py checks that opening a searcher copies nothing big.
"""

from __future__ import annotations

import contextlib
import mmap
import os

from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile


class _View:
    """A read-only file over a buffer: `read` copies only what it returns."""

    __slots__ = ("buf", "pos")

    def __init__(self, buf):
        self.buf = buf
        self.pos = 0

    def read(self, n: int | None = -1) -> bytes:
        start = self.pos
        end = len(self.buf) if n is None or n < 0 else min(len(self.buf), start + n)
        self.pos = max(start, end)
        return bytes(self.buf[start:end])

    def readline(self, limit: int | None = -1) -> bytes:
        end = len(self.buf) if limit is None or limit < 0 else \
            min(len(self.buf), self.pos + limit)
        pos = self.pos
        while pos < end:
            chunk = bytes(self.buf[pos:min(end, pos + 4096)])
            i = chunk.find(b"\n")
            if i >= 0:
                return self.read(pos + i + 1 - self.pos)
            pos += len(chunk)
        return self.read(end - self.pos)

    def seek(self, pos: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self.pos, os.SEEK_END: len(self.buf)}[whence]
        self.pos = max(0, base + pos)
        return self.pos

    def tell(self) -> int:
        return self.pos

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.buf = b""


class MappedBufferFile(BufferFile):
    """Whoosh's BufferFile, reading from its buffer instead of from a copy of it."""

    def __init__(self, buf, name=None, onclose=None):
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = _View(buf)


def install() -> None:
    compound.BufferFile = MappedBufferFile


def release_pages(readers) -> None:
    """Drop the segments' mapped pages read so far from this process's memory (they stay in
    the page cache; a later read maps them again): the merge reads every byte of every
    segment once, an export every stored field: that would otherwise count the whole index
    in the process's resident memory."""
    for r in readers:
        source = getattr(getattr(r._storage, "a", None), "_source", None)
        if isinstance(source, mmap.mmap):
            with contextlib.suppress(OSError, ValueError):
                source.madvise(mmap.MADV_DONTNEED)
