"""Helpers that write web archives and news pages for the tests (with warcio, as crawlers do)."""

from __future__ import annotations

import html
import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


def page(headline: str, *paragraphs: str, site: str = "Coast Post") -> bytes:
    """A small news page in the usual markup: site name, headline, article paragraphs."""
    paras = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(headline)} | {html.escape(site)}</title>"
            f'<meta property="og:site_name" content="{html.escape(site)}">'
            f"</head><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            f"<article><h1>{html.escape(headline)}</h1>\n{paras}</article>"
            f"<footer>© {html.escape(site)}</footer></body></html>").encode()


class Archive:
    """Records added in order to a WARC file (one gzip member per record when gz)."""

    def __init__(self, path: Path, gz: bool = True):
        self.path = path
        self.f = open(path, "wb")  # noqa: SIM115 - closed by close()
        self.w = WARCWriter(self.f, gzip=gz)

    def warcinfo(self) -> Archive:
        self.w.write_record(self.w.create_warcinfo_record(self.path.name, {"software": "test"}))
        return self

    def response(self, url: str, body: bytes, status: str = "200 OK",
                 ctype: str | None = "text/html; charset=utf-8",
                 headers: list[tuple[str, str]] = (), date: str | None = None) -> Archive:
        hdrs = ([("Content-Type", ctype)] if ctype else []) + list(headers)
        http = StatusAndHeaders(status, hdrs, protocol="HTTP/1.1")
        warc_headers = {"WARC-Date": date} if date else None
        self.w.write_record(self.w.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
            warc_headers_dict=warc_headers))
        return self

    def request(self, url: str) -> Archive:
        http = StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "example.org")],
                                is_http_request=True)
        self.w.write_record(self.w.create_warc_record(
            url, "request", payload=io.BytesIO(b""), length=0, http_headers=http))
        return self

    def resource(self, url: str, body: bytes, ctype: str) -> Archive:
        self.w.write_record(self.w.create_warc_record(
            url, "resource", payload=io.BytesIO(body), length=len(body), warc_content_type=ctype))
        return self

    def metadata(self, url: str) -> Archive:
        self.w.write_record(self.w.create_warc_record(
            url, "metadata", payload=io.BytesIO(b"outlinks: none\n"), length=15,
            warc_content_type="application/warc-fields"))
        return self

    def revisit(self, url: str) -> Archive:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        self.w.write_record(self.w.create_revisit_record(
            url, digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", refers_to_uri=url,
            refers_to_date="2024-01-01T00:00:00Z", http_headers=http))
        return self

    def close(self) -> Path:
        self.f.close()
        return self.path


def arc(path: Path, records: list[tuple[str, str, bytes]]) -> Path:
    """A version-1 ARC file (the Internet Archive's format before WARC), written by hand.

    `records`: (url, content type, the HTTP response with its headers).
    """

    def rec(url: str, ctype: str, body: bytes, ip: str = "93.184.216.34") -> bytes:
        return f"{url} {ip} 20190305120000 {ctype} {len(body)}\n".encode() + body + b"\n"

    desc = b"1 0 Test\nURL IP-address Archive-date Content-type Archive-length\n"
    data = rec(f"filedesc://{path.name}", "text/plain", desc, ip="0.0.0.0")
    for url, ctype, body in records:
        data += rec(url, ctype, body)
    path.write_bytes(data)
    return path
