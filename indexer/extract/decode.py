"""Reading inputs: transparent .gz with a size cap, and bytes to text in any common encoding."""

from __future__ import annotations

import codecs
import gzip

from indexer.errors import ExtractError

MAX_INPUT_BYTES = 50 * 1024 * 1024  # per article file, after decompression


def read_input(path: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a file (decompressed when it ends in .gz), refusing more than `limit`."""
    try:
        opener = gzip.open if path.lower().endswith(".gz") else open
        with opener(path, "rb") as f:
            data = f.read(limit + 1)
    except (OSError, EOFError) as e:
        raise ExtractError(f"it could not be read ({e.__class__.__name__}: {e})") from None
    if len(data) > limit:
        raise ExtractError(f"it is larger than the {limit // (1024 * 1024)} MB limit")
    if not data.strip():
        raise ExtractError("it is empty")
    return data


def decode_text(data: bytes) -> str:
    """Text from bytes: BOMs honoured, UTF-16 detected, UTF-8 tried, cp1252 as the fallback."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace")
    if b"\x00" in data[:4096]:
        raise ExtractError("it looks like binary data, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
