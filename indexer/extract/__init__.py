"""Extraction: bytes in, Article out, one module per input format.

Every function here is pure (no global state) so it can run in a process pool.
Failures raise `ExtractError` with a one-sentence reason; the caller skips the input.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from indexer.article import Article
from indexer.errors import ExtractError
from indexer.extract import html, jsonl, textdump
from indexer.extract.decode import decode_text, read_input

# The version of what extraction makes of an input. It MUST be bumped whenever the Article
# extracted from the same bytes can change (a new rule, a fixed heuristic, another field):
# `update` skips inputs whose bytes, place and EXTRACTOR_VERSION it has indexed before
# (indexer/digest.py), so a change made without a bump never reaches indexed articles.
# tests/test_extractor_version.py fails when the samples' extraction changes without one.
EXTRACTOR_VERSION = 1

# Format of an input, by its name without a trailing ".gz" (data, not logic).
FORMATS: dict[str, str] = {
    ".txt": "textdump",
    ".text": "textdump",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".warc": "warc",  # web archives; .arc (the older Internet Archive format) reads the same
    ".arc": "warc",
}


def format_of(name: str) -> str | None:
    """The input format for a file name, or None when the name is not one we read."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    dot = lower.rfind(".")
    return FORMATS.get(lower[dot:]) if dot >= 0 else None


def extract_file(path: str, key: str | None = None) -> list[Article]:
    """The article of a one-article file (a text dump); `path` is kept exactly as given.

    `key` is what the id takes of the path (article.source_key; by default the file's name).
    """
    fmt = format_of(path)
    if fmt == "textdump":
        text = decode_text(read_input(path))
        return [textdump.parse(text, path, key)]
    if fmt == "html":
        return [html.parse(read_input(path), path, key=key)]
    if fmt in ("jsonl", "warc"):
        raise ExtractError("it holds many articles; read it with iter_extract()")
    raise ExtractError("it is not a format scrapesearch reads "
                       "(.txt, .jsonl, .html, .warc, and .gz of each)")


def extract_jsonl_line(line: bytes | str, path: str, key: str | None = None) -> Article:
    """One JSON-lines record (`path` is `file#N`, `key` as for extract_file) as an Article."""
    if isinstance(line, bytes):
        line = decode_text(line)
    try:
        obj = json.loads(line)
    except ValueError as e:
        # Some of json's messages already end in "at" ("Unterminated string starting at").
        where = f"{e.msg.removesuffix(' at')} at column {e.colno}"
        raise ExtractError(f"the line is not valid JSON ({where})") from None
    return jsonl.parse_record(obj, path, key)


def iter_extract(path: str) -> Iterator[tuple[str, Article | ExtractError]]:
    """(item path, Article or the reason it has none) for each article of any input file.

    JSON-lines files and web archives stream one record at a time; their items are `path#N`.
    """
    if format_of(path) == "warc":
        from indexer.extract.warc import iter_articles

        yield from iter_articles(path)
        return
    if format_of(path) != "jsonl":
        try:
            yield path, extract_file(path)[0]
        except ExtractError as e:
            yield path, e
        return
    try:
        for n, line in jsonl.iter_lines(path):
            item = f"{path}#{n}"
            if isinstance(line, ExtractError):
                yield item, line
                continue
            try:
                yield item, extract_jsonl_line(line, item)
            except ExtractError as e:
                yield item, e
    except ExtractError as e:
        yield path, e
