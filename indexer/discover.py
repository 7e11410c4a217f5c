"""Sources (directories, files) -> input items: one per article file, JSON line or WARC page."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from indexer.errors import ExtractError
from indexer.extract import format_of
from indexer.extract.jsonl import iter_lines
from indexer.extract.warc import Skipped, iter_records


@dataclass(frozen=True, slots=True)
class Item:
    """One article to extract: a whole file (`data` None) or one line or page of a container.

    `size` is the input bytes it stands for (for the progress bar); an archived page also
    carries what its archive says about it.
    """

    path: str
    format: str
    size: int
    data: bytes | None = None
    url: str | None = None
    fetched: str | None = None  # when it was archived (ISO 8601)
    content_type: str | None = None  # the HTTP Content-Type header


@dataclass(frozen=True, slots=True)
class Skip:
    """An input that yields no article, with the reason (one sentence, after "skipped PATH:")."""

    path: str
    reason: str
    not_article: bool = False  # an archive record that was never a page (counted, not failed)


@dataclass(frozen=True, slots=True)
class Ignored:
    """A file inside a source directory that is not in a format we read (not an error)."""

    path: str


def _walk(root: str) -> Iterator[str]:
    """Files under `root` in a stable order, hidden files and directories left out."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield os.path.join(dirpath, name)


def _file_items(path: str, fmt: str) -> Iterator[Item | Skip]:
    try:
        size = os.path.getsize(path)
    except OSError as e:
        yield Skip(path, f"it could not be read ({e.strerror})")
        return
    if fmt == "warc":
        yield from _archive_items(path)
        return
    if fmt != "jsonl":
        yield Item(path, fmt, size)
        return
    try:
        lines = iter_lines(path)
        for n, line in lines:
            if isinstance(line, ExtractError):
                yield Skip(f"{path}#{n}", line.reason)
            else:
                yield Item(f"{path}#{n}", fmt, len(line), line)
    except ExtractError as e:
        yield Skip(path, e.reason)
    except OSError as e:
        yield Skip(path, f"it could not be read ({e.strerror or e})")
    except EOFError:
        yield Skip(path, "the compressed file is truncated")


def _archive_items(path: str) -> Iterator[Item | Skip]:
    """One item per HTML page of a web archive, streamed; other records as skips."""
    try:
        for entry in iter_records(path):
            if isinstance(entry, Skipped):
                yield Skip(entry.path, entry.reason, entry.not_article)
            else:
                yield Item(entry.path, "warc", entry.size, entry.data, entry.url,
                           entry.fetched, entry.content_type)
    except ExtractError as e:
        yield Skip(path, e.reason)


def iter_items(sources: Iterable[str]) -> Iterator[Item | Skip | Ignored]:
    """Every input item of the sources, in a stable order; paths are kept as given."""
    for source in sources:
        if os.path.isdir(source):
            for path in _walk(source):
                fmt = format_of(path)
                if fmt is None:
                    yield Ignored(path)
                else:
                    yield from _file_items(path, fmt)
        elif os.path.exists(source):
            fmt = format_of(source)
            if fmt is None:
                yield Skip(source, "it is not a format scrapesearch reads")
            else:
                yield from _file_items(source, fmt)
        else:
            yield Skip(source, "it does not exist")


def total_size(sources: Iterable[str]) -> int:
    """Bytes of all readable inputs under the sources, for a progress bar."""
    total = 0
    for source in sources:
        paths = _walk(source) if os.path.isdir(source) else [source]
        for path in paths:
            if format_of(path) is not None:
                try:
                    total += os.path.getsize(path)
                except OSError:
                    pass
    return total
