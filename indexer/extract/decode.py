"""Reading inputs: transparent .gz with a hard size cap, and bytes to text in any common encoding.

`read_input` reads one article file whole (at most `limit` bytes after decompression);
`iter_input_lines` streams a container of one record per line (JSON lines) with a cap per
line and a guard against decompression bombs. Neither ever holds more than its cap.

Decoding order (cheapest test first, because it runs on every file and every JSONL line):
a byte-order mark wins; then UTF-16 without a BOM, recognised by NUL bytes on one parity;
then a binary check; then strict UTF-8; then Windows-1252 / Latin-1 for the rest, keeping
UTF-8 where a file mixes both (a common result of concatenating scraped pages).
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from typing import BinaryIO, NamedTuple

from indexer.errors import ExtractError

MAX_INPUT_BYTES = 50 * 1024 * 1024  # per article file, after decompression (reliability.md D6)
_CHUNK = 1024 * 1024  # decompress this much at a time, so a bomb never costs more than the cap
_SAMPLE = 64 * 1024  # bytes looked at to tell binary from text and to spot UTF-16
# A line-streamed .gz (JSON lines) that inflates beyond this ratio is a bomb, not news (D6);
# checked only past _RATIO_AFTER bytes, since small files of repeated records compress well.
MAX_GZIP_RATIO = 200
_RATIO_AFTER = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 5 * 1024**3  # decompressed, per line-streamed file

# Byte-order marks, longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# File signatures of formats people save under a .txt name by mistake (images, archives,
# documents). Text never starts with these bytes, so they are a certain, free answer.
BINARY_MAGIC: tuple[bytes, ...] = (
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",  # JPEG
    b"PK\x03\x04",  # zip, docx, epub
    b"PK\x05\x06",  # empty zip
    b"\x1f\x8b",  # gzip inside gzip: we do not open nested archives (D6)
    b"BZh91AY&SY",
    b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"%PDF-",
    b"\x7fELF",
    b"SQLite format 3\x00",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # old MS Office (.doc, .xls)
)

# Control bytes that text does not contain; tab, LF, VT, FF, CR and ESC (terminal colours in
# pasted logs) are left out. Above this share of a sample the input is binary: compressed or
# random data has about 10 %, real text with a stray control character far below 1 %.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_BINARY_CONTROL_SHARE = 0.02

# Windows-1252 where it defines a byte, Latin-1 where it does not (0x81 0x8D 0x8F 0x90 0x9D),
# which is how browsers decode "iso-8859-1" pages (WHATWG encoding standard).
_CP1252_TABLE = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256))
# The same mapping from the lone surrogates that "surrogateescape" leaves for invalid bytes.
_ESCAPED_TO_CP1252 = {0xDC00 + b: _CP1252_TABLE[b] for b in range(0x80, 0x100)}
_ESCAPED = re.compile("[\udc80-\udcff]")
# Bytes that only Windows-1252 gives a meaning to (curly quotes, dashes, euro sign).
_CP1252_ONLY = re.compile(b"[\x80\x82-\x8c\x8e\x91-\x9c\x9e\x9f]")


class Decoded(NamedTuple):
    text: str
    encoding: str  # the codec used, e.g. "utf-8", "utf-16-le", "cp1252"
    guessed: bool  # True when no byte-order mark said so (worth a warning, reliability.md D4)


# ---------------------------------------------------------------- reading


def read_input(path: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a file (decompressed when it ends in .gz), refusing more than `limit`."""
    try:
        with open(path, "rb") as raw:
            if path.lower().endswith(".gz"):
                data = read_gzip_capped(raw, limit)
            elif os.fstat(raw.fileno()).st_size > limit:  # refuse before reading anything
                raise ExtractError(f"it is larger than the {size_text(limit)} limit")
            else:
                data = read_capped(raw, limit)
    except OSError as e:
        raise ExtractError(os_reason(e)) from None
    if not data or data.isspace():
        raise ExtractError("it is empty")
    return data


def read_gzip_capped(raw: BinaryIO, limit: int) -> bytes:
    """Decompress a gzip stream; ExtractError once more than `limit` bytes come out."""
    try:
        with gzip.GzipFile(fileobj=raw, mode="rb") as gz:
            return read_capped(gz, limit, "it decompresses to more than the {} limit")
    except (OSError, EOFError, zlib.error) as e:
        raise ExtractError(gzip_reason(e)) from None


def read_capped(
    stream: BinaryIO, limit: int, too_big: str = "it is larger than the {} limit"
) -> bytes:
    """All of `stream`, read in chunks so that no more than limit + 1 bytes are ever taken."""
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = stream.read(min(_CHUNK, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
    raise ExtractError(too_big.format(size_text(limit)))


def gzip_reason(e: BaseException) -> str:
    """A one-sentence reason for a gzip failure, readable after "skipped PATH: "."""
    if isinstance(e, EOFError):
        return "it is a truncated gzip file (the data ends before the end-of-stream marker)"
    if isinstance(e, gzip.BadGzipFile) and str(e).startswith("Not a gzipped file"):
        return "it is not a gzip file, although its name ends in .gz"
    if isinstance(e, gzip.BadGzipFile) and str(e).startswith(("CRC check", "Incorrect length")):
        return "it is a corrupt gzip file (its checksum does not match its data)"
    if isinstance(e, gzip.BadGzipFile | zlib.error):
        return f"it is a corrupt gzip file ({e})"
    return os_reason(e) if isinstance(e, OSError) else f"it could not be read ({e})"


def iter_input_lines(path: str, max_line_bytes: int,
                     consumed: Callable[[int], None] | None = None
                     ) -> Iterator[tuple[int, bytes | ExtractError]]:
    """(line number from 1, UTF-8 bytes) for each non-blank line of a file, .gz or not.

    `consumed`, when given, hears the bytes of the file (compressed, for a .gz) read so
    far before each line is yielded: what a progress bar counts against the file's size.

    A line that cannot be read (too long, or where a gzip stream breaks off or inflates
    like a bomb) comes as (number, ExtractError); after a too-long line the file goes on.
    A file that cannot be opened, is empty, is not gzip or is binary raises ExtractError
    before any line.
    """
    try:
        raw = open(path, "rb")
    except OSError as e:
        raise ExtractError(os_reason(e)) from None
    gz = path.lower().endswith(".gz")
    with raw, gzip.GzipFile(fileobj=raw, mode="rb") if gz else nullcontext(raw) as stream:
        try:
            head = stream.peek(4096)[:4096]
        except (OSError, EOFError, zlib.error) as e:
            raise ExtractError(gzip_reason(e)) from None
        if not head:
            raise ExtractError("it is empty")
        codec = utf16_codec(head)
        if codec is None and looks_binary(head):
            raise ExtractError("it looks like binary data, not text")
        read = _text_reader(stream, codec) if codec else _byte_reader(stream)
        lines = _numbered_lines(read, raw, stream if gz else None, max_line_bytes)
        if consumed is None:
            yield from lines
            return
        for entry in lines:
            consumed(raw.tell())
            yield entry


# A reader returns the next line or at most `size` bytes of it, and whether it stopped at
# `size` (so more of the same line follows).
Reader = Callable[[int], tuple[bytes, bool]]


def _byte_reader(stream: BinaryIO) -> Reader:
    def read(size: int) -> tuple[bytes, bool]:
        line = stream.readline(size)
        return line, len(line) == size and not line.endswith(b"\n")

    return read


def _text_reader(stream: BinaryIO, codec: str) -> Reader:
    """Lines of a UTF-16 file, re-encoded as UTF-8 so that callers see one encoding."""
    text = io.TextIOWrapper(stream, encoding=codec, errors="replace", newline="\n")

    def read(size: int) -> tuple[bytes, bool]:
        chars = max(1, size // 2)  # two bytes per character in UTF-16, mostly
        line = text.readline(chars)
        return line.encode("utf-8", "surrogatepass"), len(line) == chars and line[-1] != "\n"

    return read


def _numbered_lines(
    read: Reader, raw: BinaryIO, gz: BinaryIO | None, max_line_bytes: int
) -> Iterator[tuple[int, bytes | ExtractError]]:
    """Number the lines, skip blank ones and turn read failures into error entries."""
    n = 0
    try:
        while True:
            line, cut = read(max_line_bytes + 2)  # room for the longest line and its "\r\n"
            if not line:
                return
            n += 1
            too_long = cut
            while cut:  # skip the rest of an over-long line without keeping it
                if gz and _inflated(raw, gz):
                    break
                _, cut = read(_CHUNK)
            if gz and _inflated(raw, gz):
                yield (
                    n,
                    ExtractError(
                        f"the rest of the file was not read: it decompresses to more than "
                        f"{MAX_GZIP_RATIO} times its size or {size_text(MAX_TOTAL_BYTES)}"
                    ),
                )
                return
            line = line.removesuffix(b"\n").removesuffix(b"\r")
            if too_long or len(line) > max_line_bytes:
                limit = size_text(max_line_bytes)
                yield n, ExtractError(f"the line is longer than the {limit} limit")
                continue
            if n == 1:
                line = line.removeprefix(codecs.BOM_UTF8)
            if line.strip():
                yield n, line
    except (OSError, EOFError, zlib.error) as e:
        yield n + 1, ExtractError(f"the rest of the file was not read: {gzip_reason(e)}")


def _inflated(raw: BinaryIO, gz: BinaryIO) -> bool:
    out = gz.tell()
    return out > _RATIO_AFTER and (out > MAX_GZIP_RATIO * raw.tell() or out > MAX_TOTAL_BYTES)


# ---------------------------------------------------------------- decoding


def decode_text(data: bytes) -> str:
    """Text from bytes in any common encoding; ExtractError for binary or empty input."""
    return decode(data).text


def decode(data: bytes) -> Decoded:
    """Like `decode_text`, also saying which encoding was used and whether it was a guess."""
    if not data or data.isspace():
        raise ExtractError("it is empty")
    if data.startswith(BINARY_MAGIC):
        raise _binary()
    decoded = _decode_by_bom(data) or _decode_utf16_by_nuls(data)
    if decoded is None:
        if looks_binary(data[:_SAMPLE]):
            raise _binary()
        decoded = _decode_8bit(data)
    if not decoded.text or decoded.text.isspace():  # isspace stops at the first letter
        raise ExtractError("it is empty")
    return decoded


def _decode_by_bom(data: bytes) -> Decoded | None:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            # The mark is a declaration: bad sequences after it are damage, not another encoding.
            return Decoded(data[len(bom) :].decode(encoding, errors="replace"), encoding, False)
    return None


def looks_binary(sample: bytes) -> bool:
    """True for a file signature or too many control bytes (call after ruling out UTF-16)."""
    return sample.startswith(BINARY_MAGIC) or _control_share(sample) > _BINARY_CONTROL_SHARE


def utf16_codec(head: bytes) -> str | None:
    """The codec for text that starts with `head` if it is UTF-16 (with or without a BOM)."""
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # the codec reads the mark, picks the byte order and drops it
    return _utf16_by_nuls(head)


def _utf16_by_nuls(sample: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII characters (spaces, digits, newlines) give NULs on one parity."""
    sample = sample[: len(sample) & ~1]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    # At least one unit in ten must be ASCII (a space is enough: Cyrillic, Greek, Arabic and
    # Hebrew text pass); a stray NUL or two in 8-bit text must not turn it into UTF-16.
    needed = max(2, len(sample) // 20)
    if odd >= needed and odd >= 4 * even:
        return "utf-16-le"
    if even >= needed and even >= 4 * odd:
        return "utf-16-be"
    return None


def _decode_utf16_by_nuls(data: bytes) -> Decoded | None:
    encoding = _utf16_by_nuls(data[:_SAMPLE])
    if encoding is None:
        return None
    try:
        text = data[: len(data) & ~1].decode(encoding)  # strict: binary rarely survives it
    except UnicodeDecodeError:
        return None
    # Arrays of small integers also put NULs on one parity; they decode to control characters.
    sample_text = text[: _SAMPLE // 2]
    if len(_CONTROL_CHARS.findall(sample_text)) > _BINARY_CONTROL_SHARE * len(sample_text):
        return None
    return Decoded(text, encoding, True)


def _decode_8bit(data: bytes) -> Decoded:
    """Strict UTF-8, else Windows-1252/Latin-1, keeping UTF-8 where most of the file is UTF-8."""
    try:
        return Decoded(data.decode("utf-8"), "utf-8", True)
    except UnicodeDecodeError:
        pass
    escaped = data.decode("utf-8", errors="surrogateescape")
    invalid = len(_ESCAPED.findall(escaped))
    valid_multibyte = len(escaped) - len(escaped.encode("ascii", "ignore")) - invalid
    if valid_multibyte > invalid:
        # Mostly UTF-8 with a few stray Windows-1252 bytes: decoding all of it as 1252 would
        # turn every correct character into mojibake ("â€™").
        return Decoded(escaped.translate(_ESCAPED_TO_CP1252), "utf-8+cp1252", True)
    text, _ = codecs.charmap_decode(data, "strict", _CP1252_TABLE)
    return Decoded(text, "cp1252" if _CP1252_ONLY.search(data) else "latin-1", True)


def _control_share(sample: bytes) -> float:
    return (len(sample) - len(sample.translate(None, _CONTROL_BYTES))) / max(1, len(sample))


def _binary() -> ExtractError:
    return ExtractError("it looks like binary data, not text")


def os_reason(e: OSError) -> str:
    """A one-sentence reason for a failure to open or read a file."""
    if isinstance(e, FileNotFoundError):
        return "it does not exist"
    if isinstance(e, IsADirectoryError):
        return "it is a directory, not a file"
    if isinstance(e, PermissionError):
        return "it could not be read (permission denied)"
    return f"it could not be read ({e.strerror or e})"


def size_text(n: int) -> str:
    for unit, size in (("GB", 1024**3), ("MB", 1024**2)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n:,}-byte"
