"""The text of an HTML page from its bytes: BOM, then HTTP header, then <meta>, then a guess.

The order is the one browsers use (WHATWG "encoding sniffing"), except that a declared
encoding which the bytes contradict loses to the bytes: scraped pages are often re-saved
as UTF-8 by the scraper while keeping their old `<meta charset=iso-8859-1>`.
"""

from __future__ import annotations

import codecs
import re

from indexer.errors import ExtractError
from indexer.extract.decode import BOMS, decode, looks_binary, utf16_codec

_SAMPLE = 65536
_PRESCAN = 4096  # browsers look for <meta charset> in the first 1024 bytes; pages are sloppier
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]{2,40})""", re.I)

# Labels that mean another codec in practice (the WHATWG Encoding Standard's table, the
# part that matters for news pages): Latin-1 declarations are read as Windows-1252.
_ALIASES = {
    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252",
    "ascii": "cp1252", "iso8859-1": "cp1252", "windows-1252": "cp1252",
    "iso-8859-9": "cp1254", "tis-620": "cp874", "gb2312": "gb18030", "gbk": "gb18030",
    "x-sjis": "shift_jis", "ks_c_5601-1987": "cp949", "euc-kr": "cp949",
}


def declared_charset(data: bytes, content_type: str | None = None) -> str | None:
    """The codec a page declares, from its Content-Type header or an early <meta>, if known."""
    label = None
    if content_type:
        m = _HEADER_CHARSET.search(content_type)
        label = m.group(1) if m else None
    if not label:
        m = _META_CHARSET.search(data[:_PRESCAN])
        label = m.group(1).decode("ascii", "replace") if m else None
    if not label:
        return None
    label = label.strip().lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """The page as text; ExtractError for empty or binary data."""
    if not data or data.isspace():
        raise ExtractError("it is empty")
    if data.startswith(tuple(bom for bom, _ in BOMS)) or utf16_codec(data[:_SAMPLE]):
        return decode(data).text
    if looks_binary(data[:_SAMPLE]):
        raise ExtractError("it looks like binary data, not an HTML page")
    codec = declared_charset(data, content_type)
    if codec and codec.startswith("utf-16"):
        codec = None  # a UTF-16 declaration inside bytes we could read as ASCII is wrong
    if codec:
        if codec == "utf-8":
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                pass  # declared UTF-8 but is not: let the bytes decide below
        else:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                text = None
            # Bytes that are valid UTF-8 with multibyte characters were re-saved as UTF-8.
            if text is not None and not _is_utf8_with_multibyte(data):
                return text
    return decode(data).text


def _is_utf8_with_multibyte(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not text.isascii()
