"""What a person sees, in the system Chromium (Playwright): searching, facets, the article
page, XSS payloads staying inert (T13), the phone layout, and the site without JavaScript."""

from __future__ import annotations

import threading
from urllib.parse import quote

import pytest
from conftest import article, build_index

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
SOURCES = ["Coast Gazette"] * 5 + ["Harbour Times"] * 3 + ["River Post"] * 2
HARBOUR = [
    article(id=f"harbour-{i}", url=f"https://example.org/harbour/{i}",
            headline=f"Harbour story number {i}",
            body=f"The harbour authority met on day {i}.\n\nDredging of the channel continues "
                 "while the harbour master watches.",
            source=SOURCES[i], published=f"{2018 + i % 3}-0{1 + i % 9}-1{i % 10}",
            authors=["Ann Lee"], tags=["ports"],
            quotes=[{"text": f"The harbour must stay open {i}", "speaker": "Mayor Jane Doe"}],
            comments=[{"author": f"reader {i}", "text": "Lovely pier"},
                      {"author": "harbour watcher", "text": "The harbour smells of fish"}])
    for i in range(10)
]
# Payloads that would set window.__pwned or open a dialog if they ever became markup.
PAYLOADS = [
    "<script>window.__pwned=1;alert(1)</script>",
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    '"><svg onload="window.__pwned=1;alert(1)">',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>window.__pwned=1</script>",
    '<iframe srcdoc="<script>parent.__pwned=1;alert(1)</script>"></iframe>',
    "&lt;script&gt;window.__pwned=1&lt;/script&gt;",
    '<details open ontoggle="window.__pwned=1">',
    '<a href="javascript:window.__pwned=1">click</a>',
]
XSS = [
    article(id=f"xss-{n}", url=f"https://example.org/{quote(p)}",
            headline=f"{p} xsscorpus", body=f"{p} xsscorpus body\n\n{p}", source=p,
            authors=[p], tags=[p], published=f"2021-01-0{n + 1}",
            quotes=[{"text": f"{p} xsscorpus", "speaker": p}],
            comments=[{"author": p, "text": f"xsscorpus {p}"}])
    for n, p in enumerate(PAYLOADS)
]
# One wire story sent to three papers, a word or a sentence changed: one story, three copies.
LIGHTHOUSE = ("The old lighthouse on the northern cape will be restored next spring, the county "
              "council decided on Tuesday after a long debate, and volunteers who kept its lamp "
              "burning for a decade will be asked to run a small museum in the keeper's cottage "
              "once the builders have gone")
COPIES = [
    article(id=f"lighthouse-{n}", headline="Old lighthouse to be restored",
            body=LIGHTHOUSE.replace("Tuesday", day) + extra, source=source,
            published=f"2019-05-0{n + 1}")
    for n, (source, day, extra) in enumerate([
        ("Wire One", "Tuesday", "."), ("Daily Two", "Tuesday evening", ". Work starts in April."),
        ("Gazette Three", "Tuesday", ", a spokesman said.")])
]
LONG = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 6
WIDE = article(
    id="wide-1", url="https://example.org/" + "x" * 300,
    headline=f"{LONG} widetest", body=f"widetest {LONG} " * 3 + "https://example.org/" + "y" * 200,
    source="The " + "Verylongsourcename" * 5, authors=["A" * 120],
    quotes=[{"text": f"widetest {LONG}", "speaker": "S" * 100}],
    comments=[{"author": "C" * 100, "text": f"widetest {LONG}"}], published="2020-02-02")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on a free localhost port, in a background thread."""
    from werkzeug.serving import make_server

    from searchapp import create_app

    index_dir = build_index(tmp_path_factory.mktemp("browser"),
                            HARBOUR + XSS + [WIDE] + COPIES)
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)},
                     instance_path=str(tmp_path_factory.mktemp("instance")))
    httpd = make_server("127.0.0.1", 0, app, threaded=False)

    def serve():
        try:
            httpd.serve_forever(poll_interval=0.05)
        finally:  # the searcher belongs to this thread: close it here
            app.extensions["scrapesearch.backend"].close()

    thread = threading.Thread(target=serve, name="scrapesearch-test-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)
    httpd.server_close()


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Watched:
    """A page with its console messages, page errors, dialogs and CSP violations recorded."""

    def __init__(self, context):
        self.page = context.new_page()
        self.console: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.add_init_script(
            "window.__csp = [];"
            "document.addEventListener('securitypolicyviolation',"
            " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def goto(self, url: str):
        resp = self.page.goto(url)
        self.page.wait_for_load_state("load")
        return resp

    def assert_clean(self, where: str) -> None:
        assert self.page.evaluate("typeof window.__pwned") == "undefined", where
        assert self.page.evaluate("window.__csp") == [], where
        assert self.dialogs == [], where
        assert self.errors == [], where
        bad = [m for m in self.console if m.startswith("error") or "Content Security" in m
               or "Refused to" in m]
        assert bad == [], where


@pytest.fixture
def watched(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield Watched(context)
    context.close()


def total(page) -> int:
    return int(page.inner_text("#total").replace(",", ""))


def test_search_facet_and_article(watched, server):
    w, page = watched, watched.page
    w.goto(server + "/")
    page.fill("#q", "harbour")
    page.press("#q", "Enter")
    page.wait_for_url("**/search?q=harbour")
    assert total(page) == 10
    marks = page.locator(".hit mark")
    assert marks.count() >= 20  # headline, body, quote and comment of each hit
    assert {t.lower() for t in marks.all_inner_texts()} == {"harbour"}
    assert marks.first.is_visible()
    background = marks.first.evaluate("m => getComputedStyle(m).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")

    facet = 'a[data-facet="source"][data-value="Harbour Times"]'
    page.click(facet)
    page.wait_for_url("**/search?q=harbour&source=Harbour+Times")
    assert total(page) == 3
    assert page.get_attribute(facet, "aria-current") == "true"
    check = page.locator(f"{facet} .check")
    assert check.evaluate("c => getComputedStyle(c).backgroundColor") != (
        page.locator('a[data-facet="source"][data-value="River Post"] .check')
        .evaluate("c => getComputedStyle(c).backgroundColor"))
    assert page.locator(".active-filters .chip").all_inner_texts()[0].startswith("Source")

    page.click('a[data-facet="source"][data-value="River Post"]')  # OR within a facet
    page.wait_for_load_state("load")
    assert total(page) == 5

    page.locator(".hit-title a").first.click()
    page.wait_for_url("**/articles/harbour-*")
    assert page.locator(".article .body mark").count() >= 2
    assert page.locator(".quotes li.matched mark").count() == 1
    assert page.locator(".comments li.matched").count() == 1
    nav = page.locator(".match-nav")
    assert nav.is_visible()  # the script revealed the match navigation
    assert page.locator(".match-pos").is_hidden()
    page.click(".match-nav button[data-step='1']")
    assert page.locator("mark.current").count() == 1
    assert page.inner_text(".match-pos").startswith("1 of ")
    page.keyboard.press("n")
    assert page.inner_text(".match-pos").startswith("2 of ")
    w.assert_clean("search flow")


def test_timeline_bars_zoom_in_and_reset_and_compare_draws(watched, server):
    w, page = watched, watched.page
    w.goto(server + "/search?q=harbour")
    assert page.inner_text(".timeline-head").startswith("Matches per month")
    first = page.locator("ol.timeline a.tbar").first
    assert first.locator(".n").is_visible() and first.inner_text().split()[-1] == "2"
    first.click()  # January 2018: harbour-0 and harbour-9
    page.wait_for_url("**to=2018-01-31**")
    assert total(page) == 2
    assert page.inner_text(".timeline-head").startswith("Matches per day")
    assert page.locator(".notice").count() == 0  # dates are a chip, not a query notice
    assert "2018-01-01 – 2018-01-31" in page.inner_text(".active-filters")
    page.locator("ol.timeline a.tbar").last.click()  # 19 January
    page.wait_for_url("**from=2018-01-19**")
    assert total(page) == 1
    page.click(".timeline-head a.reset")
    page.wait_for_load_state("load")
    assert total(page) == 10 and "from=" not in page.url
    page.click(".compare-link a")
    page.wait_for_url("**/compare?q=harbour**")
    page.fill(".compare-form input[name=q] >> nth=1", "channel")
    page.click(".compare-form button")
    page.wait_for_load_state("load")
    chart = page.locator("svg.compare-chart")
    assert chart.is_visible() and chart.locator("polyline").count() == 2
    assert page.locator(".compare-table tbody tr").count() == 37  # Jan 2018 to Jan 2021
    w.assert_clean("timeline and compare")


def test_xss_payloads_stay_inert_in_the_browser(watched, server):
    w = watched
    sizes = "&".join(f"{f}_size=100" for f in ("source", "speaker", "commenter", "author", "tag"))
    urls = ["/search?q=xsscorpus&per_page=100", "/search?q=xsscorpus&scope=quotes",
            "/search?q=xsscorpus&scope=comments", f"/search?per_page=100&{sizes}"]
    urls += [f"/articles/xss-{n}?q=xsscorpus" for n in range(len(PAYLOADS))]
    urls += [f"/search?q={quote(p)}" for p in PAYLOADS]
    urls += [f"/search?source={quote(p)}&q=xsscorpus" for p in PAYLOADS[:3]]
    for url in urls:
        resp = w.goto(server + url)
        assert resp.status == 200, url
        w.assert_clean(url)
    # the payloads are on the page, as text
    w.goto(server + "/articles/xss-1?q=xsscorpus")
    assert w.page.inner_text("h1") == f"{PAYLOADS[1]} xsscorpus"
    # and on the pages of their speakers and commenters, linked from the article pages
    people = set()
    for n in range(len(PAYLOADS)):
        w.goto(server + f"/articles/xss-{n}")
        people.update(w.page.eval_on_selector_all(
            ".quotes figcaption a, .comments a.who", "links => links.map(a => a.href)"))
    assert len(people) >= len(PAYLOADS)
    for url in sorted(people):
        for suffix in ("", "?q=xsscorpus"):
            assert w.goto(url + suffix).status == 200, url
            w.assert_clean(url + suffix)


def test_the_inert_check_sees_an_injection(watched, server):
    """If markup from data ever ran, the checks above would notice (the test can fail)."""
    w = watched
    w.goto(server + "/search?q=harbour")
    w.page.evaluate("""() => {
        const d = document.createElement('div');
        d.innerHTML = '<img src=x onerror="window.__pwned=1">';
        document.body.appendChild(d);
    }""")
    # The CSP blocks the inline handler, and the violation is recorded.
    for _ in range(50):
        if w.page.evaluate("window.__csp.length"):
            break
        w.page.wait_for_timeout(20)
    with pytest.raises(AssertionError):
        w.assert_clean("injected")


def test_speaker_and_commenter_pages_from_the_article_page(watched, server):
    w, page = watched, watched.page
    w.goto(server + "/articles/harbour-3")
    page.click(".quotes figcaption a")
    page.wait_for_url("**/speakers/jane-doe")
    assert page.inner_text("h1") == "Jane Doe"
    assert total(page) == 10
    quote = page.locator(".said .quote blockquote", has_text="The harbour must stay open 3")
    assert quote.is_visible()
    page.fill("#within-q", "harbour")
    page.press("#within-q", "Enter")
    page.wait_for_url("**/speakers/jane-doe?q=harbour")
    assert page.locator(".said .quote mark").count() == 10
    assert set(page.locator(".said .quote mark").all_inner_texts()) == {"harbour"}
    page.go_back()
    page.go_back()
    page.wait_for_url("**/articles/harbour-3")
    page.click(".comments a.who >> nth=1")
    page.wait_for_url("**/commenters/harbour-watcher")
    assert page.inner_text("h1") == "harbour watcher"
    assert page.locator(".said .comment", has_text="The harbour smells of fish").count() == 10
    w.assert_clean("people pages")


PHONE_PAGES = ["/", "/search?q=harbour", "/search?q=widetest", "/search?q=widetest&scope=quotes",
               "/search?q=widetest&scope=comments", "/articles/wide-1?q=widetest",
               "/articles/harbour-1?q=harbour", "/search?q=xsscorpus", "/search?sort=bogus",
               "/articles/nope", "/search?q=harbour&source=Coast+Gazette&year=2019&from=2018-01-01",
               "/speakers/jane-doe?q=harbour", "/commenters/harbour-watcher",
               "/speakers/" + "s" * 100,
               "/search?q=harbour&not_source=Coast+Gazette&commenter_contains=reader",
               "/facets/commenter?q=harbour", "/facets/source?q=widetest", "/speakers",
               "/commenters?commenter_sort=name", "/help"]


def test_phone_layout_has_no_horizontal_scroll(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    try:
        page = context.new_page()
        for url in PHONE_PAGES:
            page.goto(server + url)
            page.wait_for_load_state("load")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{url} is {width}px wide"
            box = page.locator("header.site button[type=submit]").bounding_box()
            assert box and box["x"] + box["width"] <= 390, url
    finally:
        context.close()


def test_usable_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False,
                                  viewport={"width": 1024, "height": 800})
    try:
        page = context.new_page()
        page.goto(server + "/")
        page.fill("#q", "harbour")
        page.click("header.site button[type=submit]")
        page.wait_for_url("**/search?q=harbour")
        assert total(page) == 10
        page.click('nav.scopes a:has-text("Quotes")')
        page.wait_for_url("**scope=quotes**")
        assert total(page) == 10
        page.fill(".date-range input[name=from]", "2019-01-01")
        page.fill(".date-range input[name=to]", "2019-12-31")
        page.click(".date-range button")
        page.wait_for_url("**to=2019-12-31**")
        assert total(page) == 3
        page.fill(".date-range input[name=from]", "2019-03-01")
        page.click(".date-range button")
        page.wait_for_url("**from=2019-03-01**")
        assert total(page) == 2
        assert "scope=quotes" in page.url
        page.click('nav.sort a:has-text("Oldest")')
        page.wait_for_url("**sort=oldest**")
        page.fill("#q", "harbour open")
        page.press("#q", "Enter")
        page.wait_for_url("**q=harbour+open**")
        assert "sort=oldest" in page.url and "from=2019-03-01" in page.url
        assert total(page) == 2
        assert page.locator(".match-nav").is_hidden()
    finally:
        context.close()


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}


def test_phone_filters_drawer_opens_and_a_value_is_excluded(browser, server):
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(server + "/search?q=harbour")
        page.wait_for_load_state("load")
        assert total(page) == 10
        drawer = page.locator("details.drawer")
        summary = drawer.locator("> summary")
        # Closed above the results: the bar is on screen, before the first result.
        assert drawer.evaluate("d => d.open") is False
        assert summary.is_visible() and summary.inner_text() == "Filters"
        assert summary.bounding_box()["y"] < page.locator(".hit").first.bounding_box()["y"]
        minus = page.locator('a.facet-exclude[data-exclude="source"][data-value="Coast Gazette"]')
        assert minus.is_hidden()
        summary.click()
        assert drawer.evaluate("d => d.open") is True
        assert minus.is_visible()
        minus.click()
        page.wait_for_url("**not_source=Coast+Gazette**")
        assert total(page) == 5
        chip = page.locator("a.chip.excluded")
        assert chip.is_visible()
        assert " ".join(chip.inner_text().split()).startswith("− Source not Coast Gazette ×")
        assert page.locator("details.drawer > summary").inner_text() == "Filters (1 selected)"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        chip.click()
        page.wait_for_load_state("load")
        assert total(page) == 10 and "not_source" not in page.url
    finally:
        context.close()


def test_phone_without_javascript_filters_are_open_and_searchable(browser, server):
    context = browser.new_context(java_script_enabled=False, **PHONE)
    try:
        page = context.new_page()
        page.goto(server + "/search?q=harbour")
        assert page.locator("details.drawer").evaluate("d => d.open") is True
        box = page.locator("#facet-commenter")
        box.locator("input[name=commenter_contains]").fill("READER 3")
        box.locator("button").click()
        page.wait_for_url("**commenter_contains=READER+3**")
        values = page.locator('#facet-commenter a.facet-value').evaluate_all(
            "els => els.map(e => e.dataset.value)")
        assert values == ["reader 3"]
        assert total(page) == 10
        page.click('a.facet-exclude[data-exclude="commenter"][data-value="reader 3"]')
        page.wait_for_url("**not_commenter=reader+3**")
        assert total(page) == 9
        page.click('a.all-values >> nth=0')
        page.wait_for_url("**/facets/**")
        assert page.locator(".facet-table").is_visible()
        page.goto(server + "/search?q=harbour&per_page=3&page=2")
        assert page.locator(".page-of").inner_text() == "Page 2 of 4"
        page.click("a.help-link")
        page.wait_for_url("**/help")
        assert page.locator("h1").inner_text() == "Search tips"
    finally:
        context.close()


def test_save_a_search_open_it_and_delete_it(watched, server):
    """A person saves a filtered search under a name with markup in it, finds it on the
    saved searches page as text, opens it again, and deletes it."""
    w, page = watched, watched.page
    w.goto(server + "/search?q=harbour&source=Harbour+Times&page=1")
    assert total(page) == 3
    name = '<img src=x onerror="window.__pwned=1"> ports & "docks"'
    page.fill("#save-name", name)
    page.click(".save-search button[type=submit]")
    page.wait_for_url("**/saved#saved-*")
    item = page.locator(".saved-item")
    assert item.count() == 1
    assert item.locator(".saved-name").inner_text() == name
    assert item.locator(".saved-new").inner_text() == "nothing new"
    w.assert_clean("/saved")

    item.locator(".saved-name").click()
    page.wait_for_url("**/search?q=harbour&source=Harbour+Times")
    assert total(page) == 3

    w.goto(server + "/saved")
    page.click(".saved-delete button")
    page.wait_for_url("**/saved")
    assert page.locator(".saved-item").count() == 0
    assert "No saved searches yet" in page.inner_text("main")
    w.assert_clean("/saved after delete")


def test_copies_collapse_expand_and_list(watched, server):
    """Three copies of one story show as one hit with "2 copies: …"; "Show every copy" lists
    the three, "Show each story once" folds them again, and "See them" lists one story's."""
    w, page = watched, watched.page
    w.goto(server + "/search?q=lighthouse")
    assert total(page) == 3 and page.locator(".hit").count() == 1
    line = page.inner_text(".hit .copies-line")
    assert line.startswith("2 copies: ")
    assert sum(s in line for s in ("Wire One", "Daily Two", "Gazette Three")) == 2
    assert page.inner_text("#stories") == "1"
    page.click("#show-copies")
    page.wait_for_url("**copies=all**")
    assert page.locator(".hit").count() == 3 and page.locator(".hit .copies").count() == 0
    page.click("#collapse-copies")
    page.wait_for_load_state("load")
    assert page.locator(".hit").count() == 1 and "copies=" not in page.url
    page.click(".hit .see-copies")
    page.wait_for_url("**cluster=lighthouse-0**")
    assert page.locator(".hit").count() == 3
    assert "Copies of" in page.inner_text(".active-filters")
    page.locator(".hit-title a").first.click()
    page.wait_for_load_state("load")
    assert page.locator("#copies li").count() == 2
    w.assert_clean("copies")
