"""Reading inputs (size caps, gzip failures) and decoding bytes in any common encoding."""

from __future__ import annotations

import codecs
import gzip
import io
import random
import struct
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.errors import ExtractError
from indexer.extract import decode as decode_module
from indexer.extract.decode import decode, decode_text, read_input

TEXT = "Héllo “wörld” – café\r\nsecond line"

# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("data", "encoding", "guessed"),
    [
        pytest.param(TEXT.encode("utf-8"), "utf-8", True, id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8", False, id="utf-8-bom"),
        pytest.param(
            codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le", False, id="utf-16-le-bom"
        ),
        pytest.param(
            codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be", False, id="utf-16-be-bom"
        ),
        pytest.param(TEXT.encode("utf-16-le"), "utf-16-le", True, id="utf-16-le-no-bom"),
        pytest.param(TEXT.encode("utf-16-be"), "utf-16-be", True, id="utf-16-be-no-bom"),
        pytest.param(
            codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "utf-32-le", False, id="utf-32-le-bom"
        ),
        pytest.param(TEXT.encode("cp1252"), "cp1252", True, id="cp1252-smart-quotes"),
    ],
)
def test_decodes_each_encoding_exactly(data: bytes, encoding: str, guessed: bool) -> None:
    result = decode(data)
    assert result.text == TEXT  # CRLF is left for clean_text, the BOM is gone
    assert result.encoding == encoding
    assert result.guessed is guessed


def test_latin1_without_windows_1252_bytes() -> None:
    result = decode("Grüße aus Köln, señor".encode("latin-1"))
    assert result == ("Grüße aus Köln, señor", "latin-1", True)


def test_cp1252_undefined_bytes_fall_back_to_latin1() -> None:
    # 0x81 means nothing in Windows-1252; 0x93/0x94 are its curly quotes.
    assert decode_text(b"\x93ok\x94 \x81 caf\xe9") == "“ok” \x81 café"


def test_utf16_without_bom_in_a_non_latin_script() -> None:
    text = "Привет, мир. Как дела?\nХорошо."
    assert decode(text.encode("utf-16-le")) == (text, "utf-16-le", True)
    assert decode(text.encode("utf-16-be")) == (text, "utf-16-be", True)


def test_mostly_utf8_with_a_stray_cp1252_byte_keeps_the_utf8() -> None:
    data = "“Smart” quotes, naïve café".encode() + b" and one stray caf\xe9"
    assert decode(data) == ("“Smart” quotes, naïve café and one stray café", "utf-8+cp1252", True)


def test_invalid_utf8_after_a_utf8_bom_is_replaced_not_reinterpreted() -> None:
    assert decode_text(codecs.BOM_UTF8 + b"caf\xe9") == "caf\ufffd"


def test_one_stray_nul_in_long_text_is_still_text() -> None:
    data = b"A long enough line of ordinary text with one stray\x00 NUL byte in it, and more."
    assert decode_text(data) == data.decode("ascii")


# ---------------------------------------------------------------- binary and empty


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("article.txt", "hello " * 100)
    return buf.getvalue()


BINARY = {
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
    "zip": _zip_bytes(),
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
    "gzip-in-gzip": gzip.compress(b"hello"),
    "random": random.Random(7).randbytes(4096),
    "nuls": b"\x00" * 64 + b"data" + b"\x00" * 64,
    # Small little-endian integers put NULs on one parity, like UTF-16 does.
    "int16-array": struct.pack("<512h", *range(512)),
    "control-bytes": b"text \x01\x02\x03\x04\x05\x06 more \x07\x08\x0e\x0f" * 20,
}


@pytest.mark.parametrize("name", BINARY)
def test_binary_data_is_refused(name: str) -> None:
    with pytest.raises(ExtractError) as e:
        decode_text(BINARY[name])
    assert e.value.reason == "it looks like binary data, not text"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b" \n\t\r\n ",
        " \n ".encode("utf-16-le"),
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE + b" \x00",
    ],
    ids=["nothing", "ascii-space", "utf-16-space", "utf-8-bom-only", "utf-16-bom-space"],
)
def test_empty_input_is_refused(data: bytes) -> None:
    with pytest.raises(ExtractError) as e:
        decode_text(data)
    assert e.value.reason == "it is empty"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_any_bytes_give_text_or_extract_error(data: bytes) -> None:
    try:
        text = decode_text(data)
    except ExtractError as e:
        assert e.reason in ("it is empty", "it looks like binary data, not text")
    else:
        assert isinstance(text, str) and text.strip()


# ---------------------------------------------------------------- read_input


def test_reads_plain_and_gzip_files(tmp_path: Path) -> None:
    plain = tmp_path / "a.txt"
    plain.write_bytes(b"plain text")
    packed = tmp_path / "b.txt.GZ"  # the suffix is matched without regard to case
    packed.write_bytes(gzip.compress(b"packed text"))
    assert read_input(str(plain)) == b"plain text"
    assert read_input(str(packed)) == b"packed text"


def test_limit_is_inclusive(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"x" * 1000)
    assert read_input(str(f), limit=1000) == b"x" * 1000
    with pytest.raises(ExtractError) as e:
        read_input(str(f), limit=999)
    assert e.value.reason == "it is larger than the 999-byte limit"


def test_default_limit_reads_in_megabytes(tmp_path: Path) -> None:
    f = tmp_path / "big.txt"
    f.write_bytes(b"x" * (2 * 1024 * 1024 + 1))
    with pytest.raises(ExtractError) as e:
        read_input(str(f), limit=2 * 1024 * 1024)
    assert e.value.reason == "it is larger than the 2 MB limit"


def _write_bomb(path: Path, size: int) -> None:
    """A gzip file of `size` zero bytes, written a megabyte at a time."""
    block = bytes(1024 * 1024)
    with gzip.open(path, "wb", compresslevel=1) as f:
        for _ in range(size // len(block)):
            f.write(block)


def test_gzip_bomb_stops_after_limit_plus_one_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = tmp_path / "bomb.txt.gz"
    _write_bomb(bomb, 256 * 1024 * 1024)
    assert bomb.stat().st_size < 2 * 1024 * 1024  # really a bomb: over 100:1

    produced = []

    class CountingGzipFile(gzip.GzipFile):
        def read(self, size: int = -1) -> bytes:
            assert size >= 0, "the whole stream must never be requested"
            data = super().read(size)
            produced.append(len(data))
            return data

    monkeypatch.setattr(decode_module.gzip, "GzipFile", CountingGzipFile)
    limit = 3 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(ExtractError) as e:
            read_input(str(bomb), limit=limit)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert e.value.reason == "it decompresses to more than the 3 MB limit"
    assert sum(produced) == limit + 1
    assert peak < 3 * limit  # chunks up to the cap, never the 256 MB


def test_truncated_gzip(tmp_path: Path) -> None:
    data = gzip.compress(random.Random(1).randbytes(50_000).hex().encode())
    f = tmp_path / "cut.txt.gz"
    f.write_bytes(data[: len(data) // 2])
    with pytest.raises(ExtractError) as e:
        read_input(str(f))
    assert e.value.reason == (
        "it is a truncated gzip file (the data ends before the end-of-stream marker)"
    )


def test_gzip_with_a_bad_checksum(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(b"some text " * 100))
    data[-8] ^= 0xFF  # the CRC32 in the trailer
    f = tmp_path / "crc.txt.gz"
    f.write_bytes(bytes(data))
    with pytest.raises(ExtractError) as e:
        read_input(str(f))
    assert e.value.reason == "it is a corrupt gzip file (its checksum does not match its data)"


def test_gzip_with_damaged_deflate_data(tmp_path: Path) -> None:
    header = gzip.compress(b"")[:10]
    f = tmp_path / "damaged.txt.gz"
    f.write_bytes(header + b"\xff" * 64)
    with pytest.raises(ExtractError) as e:
        read_input(str(f))
    assert e.value.reason.startswith("it is a corrupt gzip file (Error -3 while decompressing")


def test_not_a_gzip_file_despite_the_name(tmp_path: Path) -> None:
    f = tmp_path / "plain.txt.gz"
    f.write_bytes(b"just text")
    with pytest.raises(ExtractError) as e:
        read_input(str(f))
    assert e.value.reason == "it is not a gzip file, although its name ends in .gz"


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ExtractError) as e:
        read_input(str(tmp_path / "nope.txt"))
    assert e.value.reason == "it does not exist"
    with pytest.raises(ExtractError) as e:
        read_input(str(tmp_path))
    assert e.value.reason == "it is a directory, not a file"


def test_empty_file(tmp_path: Path) -> None:
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    with pytest.raises(ExtractError) as e:
        read_input(str(f))
    assert e.value.reason == "it is empty"


def test_zip_named_txt_is_read_then_refused_as_binary(tmp_path: Path) -> None:
    f = tmp_path / "article.txt"
    f.write_bytes(BINARY["zip"])
    with pytest.raises(ExtractError) as e:
        decode_text(read_input(str(f)))
    assert e.value.reason == "it looks like binary data, not text"


def test_zlib_error_is_a_gzip_reason() -> None:
    reason = decode_module.gzip_reason(zlib.error("Error -3 while decompressing data: bad"))
    assert reason == "it is a corrupt gzip file (Error -3 while decompressing data: bad)"
