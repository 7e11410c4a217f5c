"""Web archives (WARC, and ARC read as WARC) -> one HTML page per archived response.

The archive is streamed record by record with warcio (gzip members, chunked transfer and
content-encoding handled there); a record's payload is read only up to the same cap as a
text input, and the rest of it is skipped in chunks, so a multi-GB archive or a gzip bomb
never costs more than that cap in memory (reliability.md D6).

Records are numbered from 1 over *all* records, warcinfo and requests included, so that
`archive.warc.gz#N` names the same record on every run.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from indexer.errors import ExtractError
from indexer.extract.decode import (
    MAX_GZIP_RATIO,
    MAX_INPUT_BYTES,
    os_reason,
    size_text,  # the same words as for text inputs
)

if TYPE_CHECKING:
    from indexer.article import Article

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Types that say nothing about the payload: servers send them for anything, so look at it.
GENERIC_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream",
                           "application/unknown", "unknown/unknown", "*/*",
                           "application/x-unknown-content-type"})
# Records that hold captured content; warcinfo, request and metadata records describe the
# crawl and are neither articles nor skipped inputs.
CONTENT_RECORDS = frozenset({"response", "resource", "conversion"})
# How an HTML payload starts, after whitespace (a subset of the WHATWG MIME sniffing table).
_HTML_START = re.compile(rb"\s*(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html|head|body|title|"
                         rb"meta|script|div|p|h1|table|!--)[\s>/]", re.IGNORECASE)
_CHUNK = 1024 * 1024
# The ratio guard for gzip'd archives starts here: small archives of similar pages compress
# far better than 200:1 when measured over their first few members.
_RATIO_AFTER = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Page:
    """An archived HTML page to extract; `size` is archive bytes read since the previous page."""

    path: str
    data: bytes
    url: str | None
    fetched: str | None
    content_type: str | None
    size: int


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record that gives no article, with the reason (one sentence).

    `not_article` marks records that were never pages to read (images, redirects, errors,
    repeats, revisits): a crawl is full of them, so they are counted, not failures.
    """

    path: str
    reason: str
    not_article: bool = False


class _Damaged(Exception):
    """The archive cannot be read past this point; the message says why."""


class _WholeGzip(Exception):
    """The archive is one gzip stream rather than one gzip member per record."""


def iter_records(path: str, limit: int = MAX_INPUT_BYTES) -> Iterator[Page | Skipped]:
    """Each HTML page of the archive at `path`, and each other captured record with a reason.

    A damaged or truncated archive yields everything before the damage and then one
    Skipped for the archive itself. Raises ExtractError when the file cannot be opened.
    """
    try:
        raw = open(path, "rb")
    except OSError as e:
        raise ExtractError(os_reason(e)) from None
    with raw:
        yield from _Reader(path, raw, limit).records()


class _Reader:
    def __init__(self, path: str, raw: BinaryIO, limit: int):
        self.path, self.raw, self.limit = path, raw, limit
        self.n = 0  # ordinal of the current record
        self.good = 0  # ordinal of the last record read to its end
        self.inflated = 0  # archive bytes after gzip decompression, for the bomb guard
        self.started = 0  # raw position when the current record's header had been read
        self.reported = 0  # raw position at the last Page, for progress
        self.seen: dict[bytes, int] = {}  # digest of (url, payload) -> first record

    def records(self) -> Iterator[Page | Skipped]:
        if os.fstat(self.raw.fileno()).st_size == 0:
            yield Skipped(self.path, "it is empty")
            return
        try:
            yield from self._iterate(self.raw)
        except _WholeGzip:
            # `gzip file.warc` makes one gzip member of the whole archive, which warcio
            # refuses after the first record; read it through gzip instead, from the start.
            self.raw.seek(0)
            self.n, resume = 0, self.good
            with gzip.GzipFile(fileobj=self.raw, mode="rb") as gz:
                yield from self._iterate(gz, resume)

    def _iterate(self, stream: BinaryIO, resume: int = 0) -> Iterator[Page | Skipped]:
        """Records from `stream`; the first `resume` were already reported."""
        # ARC records become WARC ones; a .warc file is held to WARC headers, so that a
        # line of garbage is damage rather than a five-word "ARC header".
        name = self.path.lower().removesuffix(".gz")
        it = _Iterator(stream, arc2warc=name.endswith(".arc"))
        try:
            while True:
                with _quiet():
                    record = next(it, None)
                if record is None:
                    break
                self.n += 1
                self.started = self._pos()
                with _quiet():
                    result = self._record(record) if self.n > resume else self._drain(record)
                self.good = max(self.good, self.n)
                if result is not None:
                    yield result
            if it.truncated:
                raise _Damaged("it ends in the middle of a record")
        except _Damaged as e:
            yield self._damage(str(e))
        except ArchiveLoadFailed as e:
            if "non-chunked gzip" in str(e) and not resume:
                raise _WholeGzip from None
            yield self._damage(_load_reason(e))
        except EOFError:  # from gzip, for a whole-file gzip cut short
            yield self._damage("it ends in the middle of a record")
        except (OSError, ValueError, zlib.error) as e:
            yield self._damage(f"it could not be read ({e})")
        except Exception as e:  # noqa: BLE001 - a reader bug must not stop the whole run
            yield self._damage(f"it could not be read ({e.__class__.__name__}: {e})")
        finally:
            it.close()

    def _damage(self, why: str) -> Skipped:
        if self.good == 0:
            return Skipped(self.path, f"it is not a readable WARC or ARC file ({why})")
        return Skipped(self.path, f"the archive is damaged after record {self.good}: {why}")

    def _record(self, record) -> Page | Skipped | None:
        """What one record is; reads its payload (up to the cap) and skips the rest of it."""
        kind = record.rec_type
        item = f"{self.path}#{self.n}"
        if kind == "revisit":
            self._drain(record)
            return Skipped(item, "it is a revisit record (it points to an earlier capture "
                                 "instead of holding the page)", True)
        if kind not in CONTENT_RECORDS:
            self._drain(record)
            return None
        status, ctype = _status_and_type(record)
        mime = ctype.split(";", 1)[0].strip().lower()
        if status != "200":
            self._drain(record)
            return Skipped(item, f"the server answered {status or 'with no status'}", True)
        if mime not in HTML_TYPES and mime not in GENERIC_TYPES:
            self._drain(record)
            return Skipped(item, f"it is not an HTML page ({mime})", True)
        data = record.content_stream().read(self.limit + 1)
        self._drain(record)
        if len(data) > self.limit:
            return Skipped(item, f"it is larger than the {size_text(self.limit)} limit")
        if not data.strip():
            return Skipped(item, "it is empty")
        if mime in GENERIC_TYPES:
            if not _HTML_START.match(data[:1024]):
                return Skipped(item, f"it is not an HTML page ({mime or 'no content type'})",
                               True)
            ctype = "text/html" + (";" + ctype.split(";", 1)[1] if ";" in ctype else "")
        url = record.rec_headers.get_header("WARC-Target-URI")
        key = hashlib.blake2b((url or "").encode("utf-8", "surrogatepass") + b"\0"
                              + hashlib.sha1(data).digest(), digest_size=16).digest()
        first = self.seen.setdefault(key, self.n)
        if first != self.n:
            return Skipped(item, f"it repeats record #{first}", True)
        pos = self._pos()
        size, self.reported = max(0, pos - self.reported), pos
        return Page(item, data, url, record.rec_headers.get_header("WARC-Date"), ctype or None,
                    size)

    def _drain(self, record) -> None:
        """Read what is left of a record in chunks; _Damaged if it is cut off or a bomb.

        A bomb is one record, or the archive so far, inflating more than MAX_GZIP_RATIO
        times (the first would otherwise hide behind gigabytes of honest records).
        """
        stream = record.raw_stream
        length = record.length or 0
        while stream.read(_CHUNK):
            done = length - getattr(stream, "limit", 0)
            pos = self._pos()
            if (done > _RATIO_AFTER and done > MAX_GZIP_RATIO * (pos - self.started)) or (
                    self.inflated + done > _RATIO_AFTER
                    and self.inflated + done > MAX_GZIP_RATIO * pos):
                raise _Damaged(f"the rest decompresses to more than {MAX_GZIP_RATIO} times "
                               "its size, so it was not read")
        if getattr(stream, "limit", 0) > 0:  # fewer bytes than its Content-Length said
            raise _Damaged("it ends in the middle of a record")
        self.inflated += length

    def _pos(self) -> int:
        try:
            return self.raw.tell()
        except (OSError, ValueError):
            return 0


class _Iterator(ArchiveIterator):
    """warcio's iterator, noting whether the last gzip member ended early.

    warcio stops quietly at a cut-off member (zlib returns what it has), and drops its
    decompressor when it closes, so the check has to happen in close().
    """

    truncated = False

    def close(self):
        d = self.reader.decompressor if self.reader is not None else None
        if d is not None and not getattr(d, "eof", True):
            self.truncated = True
        super().close()


def _status_and_type(record) -> tuple[str, str]:
    """(HTTP status, Content-Type) of a record.

    A resource record, or a response to a non-HTTP request (dns:, ftp:), has no HTTP
    layer: it holds the content itself, typed by the WARC header.
    """
    h = record.http_headers
    if h is not None and record.rec_type == "response" and h.protocol.upper().startswith("HTTP"):
        return (h.get_statuscode() or "").strip(), h.get_header("Content-Type") or ""
    return "200", record.rec_headers.get_header("Content-Type") or ""


def _load_reason(e: ArchiveLoadFailed) -> str:
    msg = str(e).strip().splitlines()[0] if str(e).strip() else "unreadable record header"
    if msg.startswith(("Unknown archive format", "Invalid WARC record", "Invalid ARC record")):
        return "a record does not start with a WARC or ARC header"
    return msg[:200].rstrip(".")


@contextlib.contextmanager
def _quiet():
    """warcio prints warnings and zlib errors to stderr; the damage is reported once instead."""
    with contextlib.redirect_stderr(io.StringIO()):
        yield


def extract_page(data: bytes, path: str, *, url: str | None, fetched: str | None,
                 content_type: str | None, key: str | None = None) -> Article:
    """The Article of one archived page (the HTML extractor, told what the archive knows)."""
    from indexer.extract import html  # imported late: html imports this package's siblings

    return html.parse(data, path, url=url, fetched=fetched, content_type=content_type,
                      key=key)


def iter_articles(path: str) -> Iterator[tuple[str, Article | ExtractError]]:
    """(item path, Article or ExtractError) for each page and skipped record of an archive."""
    from indexer.limits import Limits, TookTooLong, time_bound, too_slow_reason

    seconds = Limits.from_env().item_seconds
    try:
        for entry in iter_records(path):
            if isinstance(entry, Skipped):
                yield entry.path, ExtractError(entry.reason)
                continue
            try:
                # The same time bound as in a pool worker (limits.py), so that `extract` of a
                # hostile archive ends too; the yield stays outside the timer.
                with time_bound(seconds):
                    article = extract_page(entry.data, entry.path, url=entry.url,
                                           fetched=entry.fetched,
                                           content_type=entry.content_type)
            except ExtractError as e:
                yield entry.path, e
            except TookTooLong:
                yield entry.path, ExtractError(too_slow_reason(seconds))
            else:
                yield entry.path, article
    except ExtractError as e:
        yield path, e
