"""Sources (directories, files) -> input items: one per article file, JSON line or WARC page."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from indexer.article import source_key
from indexer.errors import ExtractError
from indexer.extract import format_of
from indexer.extract.jsonl import iter_lines
from indexer.extract.warc import Skipped, iter_records

# Why a name cannot be indexed: paths are stored and shown as text, and these are not.
NOT_UTF8 = "its name is not valid UTF-8; rename it to index it"


@dataclass(frozen=True, slots=True)
class Item:
    """One article to extract: a whole file (`data` None) or one line or page of a container.

    `size` is the input bytes it stands for (for the progress bar); `key` is its path
    below the source folder it was found in, which its id is made from ("" for a file
    given by itself: its name is used); an archived page also carries what its archive
    says about it.
    """

    path: str
    format: str
    size: int
    data: bytes | None = None
    url: str | None = None
    fetched: str | None = None  # when it was archived (ISO 8601)
    content_type: str | None = None  # the HTTP Content-Type header
    key: str = ""  # article.source_key, made here: workers may not share our directory
    digest: str = ""  # digest.input_digest, when the caller made it (else the worker does)


@dataclass(frozen=True, slots=True)
class Skip:
    """An input that yields no article, with the reason (one sentence, after "skipped PATH:").

    `size` is the input bytes it stands for, so that progress still reaches the end.
    """

    path: str
    reason: str
    not_article: bool = False  # an archive record that was never a page (counted, not failed)
    size: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Unchanged:
    """An item `update` does not read: the index has articles of its input digest already.

    `size` is the input bytes it stands for, so that progress still reaches the end.
    """

    path: str
    size: int = 0


@dataclass(frozen=True, slots=True)
class Ignored:
    """A file inside a source directory that is not in a format we read (not an error)."""

    path: str


def shown(path: str) -> str:
    """`path` as text that can be printed and stored: bytes that are not UTF-8 as \\xNN."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")


def _readable_name(path: str) -> bool:
    return shown(path) == path


def _walk(root: str) -> Iterator[str | Skip]:
    """Files under `root` in a stable order (a folder's files, then its folders, by name),
    hidden ones left out; a folder that cannot be listed or named is one Skip.

    Symbolic links to folders are not followed (a loop would never end); links to files are.
    """
    stack: list[str | Skip] = [root]
    while stack:
        folder = stack.pop()
        if isinstance(folder, Skip):
            yield folder
            continue
        try:
            with os.scandir(folder) as it:
                entries = [e for e in it if not e.name.startswith(".")]
        except OSError as e:
            yield Skip(shown(folder), f"the directory could not be read ({e.strerror or e})")
            continue
        files, folders = [], []
        for entry in entries:
            try:
                is_folder = entry.is_dir()
                linked = entry.is_symlink()
            except OSError:
                is_folder = linked = False
            if not is_folder:
                files.append(entry.path)
            elif not linked:
                folders.append(entry.path)
        yield from sorted(files)
        stack.extend(path if _readable_name(path) else Skip(shown(path), NOT_UTF8)
                     for path in sorted(folders, reverse=True))


def _key(path: str, root: str) -> str:
    return source_key(path, root) if root else ""


def _file_items(path: str, fmt: str, root: str = "") -> Iterator[Item | Skip]:
    if not _readable_name(path):
        yield Skip(shown(path), NOT_UTF8)
        return
    try:
        size = os.path.getsize(path)
    except OSError as e:
        yield Skip(path, f"it could not be read ({e.strerror})")
        return
    if fmt == "warc":
        yield from _archive_items(path, root)
        return
    if fmt != "jsonl":
        yield Item(path, fmt, size, key=_key(path, root))
        return
    try:
        yield from _line_items(path, size, root)
    except ExtractError as e:
        yield Skip(path, e.reason, size=size)
    except OSError as e:
        yield Skip(path, f"it could not be read ({e.strerror or e})", size=size)
    except EOFError:
        yield Skip(path, "the compressed file is truncated", size=size)


def _line_items(path: str, size: int, root: str) -> Iterator[Item | Skip]:
    """One item per line of a JSON-lines file, each standing for the file's bytes read for
    it (compressed ones, for a .gz), so that the lines of a file add up to its size."""
    read = counted = 0
    held: Item | Skip | None = None

    def consumed(position: int) -> None:
        nonlocal read
        read = position

    for n, line in iter_lines(path, consumed):
        if held is not None:
            yield held
        step, counted = max(read - counted, 0), max(read, counted)
        held = (Skip(f"{path}#{n}", line.reason, size=step) if isinstance(line, ExtractError)
                else Item(f"{path}#{n}", "jsonl", step, line, key=_key(f"{path}#{n}", root)))
    if held is not None:  # the last line also stands for what was read after it
        yield replace(held, size=held.size + max(size - counted, 0))


def _archive_items(path: str, root: str) -> Iterator[Item | Skip]:
    """One item per HTML page of a web archive, streamed; other records as skips."""
    try:
        for entry in iter_records(path):
            if isinstance(entry, Skipped):
                yield Skip(entry.path, entry.reason, entry.not_article)
            else:
                yield Item(entry.path, "warc", entry.size, entry.data, entry.url,
                           entry.fetched, entry.content_type, _key(entry.path, root))
    except ExtractError as e:
        yield Skip(path, e.reason)


def iter_items(sources: Iterable[str]) -> Iterator[Item | Skip | Ignored]:
    """Every input item of the sources, in a stable order; paths are kept as given."""
    for source in sources:
        if os.path.isdir(source):
            if not _readable_name(source):
                yield Skip(shown(source), NOT_UTF8)
                continue
            for path in _walk(source):
                if isinstance(path, Skip):
                    yield path
                    continue
                fmt = format_of(path)
                if fmt is None:
                    yield Ignored(path)
                else:
                    yield from _file_items(path, fmt, source)
        elif os.path.exists(source):
            fmt = format_of(source)
            if fmt is None:
                yield Skip(shown(source), "it is not a format scrapesearch reads")
            else:
                yield from _file_items(source, fmt)
        else:
            yield Skip(shown(source), "it does not exist")


def missing_sources(sources: Iterable[str]) -> list[str]:
    """The sources that do not exist (a typo, an unmounted disk), as given."""
    return [s for s in sources if not os.path.exists(s)]


def total_size(sources: Iterable[str]) -> int:
    """Bytes of all readable inputs under the sources, for a progress bar."""
    total = 0
    for source in sources:
        paths = _walk(source) if os.path.isdir(source) else [source]
        for path in paths:
            if isinstance(path, str) and format_of(path) is not None \
                    and _readable_name(path):
                try:
                    total += os.path.getsize(path)
                except OSError:
                    pass
    return total
