"""HTML pages: bytes in, Article out.

Order matters: metadata is read first (it lives in <script> and <meta>), comments are
taken out before boilerplate removal (so their words can never reach the body) and the
body is chosen last, from what is left.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from indexer.article import Article, make_id, source_key
from indexer.errors import ExtractError
from indexer.extract.bylines import byline_names
from indexer.extract.dates import find_date, parse_date
from indexer.extract.html import body as htmlbody
from indexer.extract.html import rules as htmlrules
from indexer.extract.html.comments.threads import take_comments
from indexer.extract.html.decode import decode_html
from indexer.extract.html.headline import (
    choose_headline,
    heading_before,
    headings_of,
    page_title,
)
from indexer.extract.html.meta import PageMeta, clean_values, read_meta
from indexer.extract.language import guess_language
from indexer.extract.quotes.finder import find_quotes
from indexer.extract.text import (
    MAX_FIELD_CHARS,
    clean_line,
    clean_text,
    join_paragraphs,
    truncate,
)

# "js-social" tells a script where to attach a share bar, not what the element is.
_JS_HOOKS = re.compile(r"(?:^|\s)js[-_]\S*")
_BY = re.compile(r"(?i)^\s*by\s+\w")
_DATEISH = re.compile(r"\d|\b(?:updated|posted|published)\b", re.I)
MAX_TAGS = 10  # authors and tags kept per article
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|[-_]|$)")


def parse(data: bytes | str, path: str, *, url: str | None = None, fetched: str | None = None,
          content_type: str | None = None, key: str | None = None) -> Article:
    """The article of one HTML page; ExtractError when the page has no article text.

    Without a URL the id is made from `key` (article.source_key; by default the file's name).
    """
    text = data if isinstance(data, str) else decode_html(data, content_type)
    try:
        return _parse(text, path, url, fetched, key or source_key(path))
    except (etree.LxmlError, ValueError) as e:
        # libxml2 gives up on some pathological trees (millions of flat elements).
        raise ExtractError(f"the page's markup could not be read ({e.__class__.__name__})") \
            from None


def _parse(text: str, path: str, url: str | None, fetched: str | None, key: str) -> Article:
    warnings: list[str] = []
    root = _tree(text, warnings)
    meta = read_meta(root)
    _strip(root)
    comments = take_comments(root)
    headings = headings_of(root)  # before furniture goes: some themes put the h1 in a header
    _drop_noise(root)
    every = htmlbody.blocks_of(_body_of(root))
    blocks = htmlbody.main_blocks(every)
    title = page_title(root)
    headline = choose_headline(headings, meta, title, heading_before(every, blocks))
    paragraphs, captions, bylines = htmlbody.body_paragraphs(blocks, headline)
    body = clean_text(join_paragraphs(paragraphs))
    if len(body) < 40 and meta.body:
        body = clean_text(meta.body)
    if not body and not headline:
        raise ExtractError("the page has no headline and no article text")
    body = truncate(body, MAX_FIELD_CHARS, "body", warnings)
    page_url = _page_url(meta, url)
    site = _source(meta, title, headline, page_url or url)
    return Article(
        id=make_id(headline, page_url, key, body),
        path=path,
        headline=headline,
        body=body,
        url=page_url,
        source=site,
        authors=_people(_authors(meta, root, bylines), site),
        published=_published(meta, root, page_url or url, fetched, bylines),
        # Templates declare the site's default language; the words say what this text is in.
        lang=guess_language(body) or meta.lang,
        tags=tuple(clean_values(meta.tags, 80)[:MAX_TAGS]),
        captions=tuple(captions[:50]),
        quotes=tuple(find_quotes(body)),
        comments=tuple(comments),
        warnings=tuple(warnings),
    )


def _tree(text: str, warnings: list[str]) -> lxml_html.HtmlElement:
    # XML declarations with an encoding make lxml refuse str input; they say nothing now.
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text[:500]) + text[500:]
    root, too_deep = _html_tree(text)
    if too_deep:
        # libxml2 stops reading at its depth limit (huge_tree lifts it only to 2048 and
        # lifts other bounds with it), and the rest of the page would be lost in silence.
        text = flatten_below(text, FLAT_BELOW)
        root, _ = _html_tree(text)
        warnings.append(f"the page is nested more than {too_deep} elements deep; the text "
                        "below that depth was read without its markup")
    if len(text) > 1000 and len(root.text_content()) < 50:
        # libxml2 can lose a whole page to one broken start tag ('<html xmogo.jpg" ...');
        # Python's own parser (through bs4) recovers from that, slowly, so only then.
        from lxml.html import soupparser

        try:
            rescued = soupparser.fromstring(text)
        except Exception:  # noqa: BLE001 - the first parse stands if the rescue fails too
            return root
        if rescued is not None and len(rescued.text_content()) > len(root.text_content()):
            return rescued
    return root


def _html_tree(text: str) -> tuple[lxml_html.HtmlElement, int]:
    """The parsed page, and libxml2's depth limit when the page went past it (else 0)."""
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=False,
                                  default_doctype=False)
    try:
        root = lxml_html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as e:
        raise ExtractError(f"the page could not be parsed as HTML ({e})") from None
    if root is None:
        raise ExtractError("the page could not be parsed as HTML")
    too_deep = next((int(m.group(1)) for e in parser.error_log
                     if (m := _EXCESSIVE_DEPTH.search(e.message))), 0)
    return root, too_deep


# Elements deeper than this are read as bare text when a page passes libxml2's limit (256):
# room for what libxml2 adds around a page (html, body) and for pages that never close <p>.
FLAT_BELOW = 200
_EXCESSIVE_DEPTH = re.compile(r"Excessive depth in document: (\d+)")
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*>")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr"
                  .split())


def flatten_below(text: str, depth: int) -> str:
    """`text` with the tags of elements nested deeper than `depth` taken out (a space each).

    Approximate, as HTML closes some elements by itself; only for pages libxml2 gave up on.
    """
    open_tags: list[str] = []
    dropped: dict[str, int] = {}

    def tag(m: re.Match) -> str:
        name = m.group(2).lower()
        if name in _VOID:
            return m.group(0)
        if not m.group(1):  # a start tag
            if len(open_tags) < depth:
                open_tags.append(name)
                return m.group(0)
            dropped[name] = dropped.get(name, 0) + 1
            return " "
        if dropped.get(name):
            dropped[name] -= 1
            return " "
        if name in open_tags:
            while open_tags.pop() != name:
                pass
        return m.group(0)

    return _TAG.sub(tag, text)


def _strip(root: lxml_html.HtmlElement) -> None:
    """Remove what never shows as text: scripts, styles, hidden elements."""
    etree.strip_elements(root, "script", "style", "template", etree.Comment, with_tail=False)
    # <noscript> holds tracking pixels and "enable JavaScript" notes, except on pages that
    # never close it: there it holds the page itself, which a reader without script sees.
    total = len(root.text_content()) or 1
    for el in list(root.iter("noscript")):
        if len(el.text_content()) > 0.3 * total:
            el.drop_tag()
        elif el.getparent() is not None:
            el.drop_tree()
    for el in root.xpath('//*[@hidden or @aria-hidden="true" or contains(translate(@style,'
                         '" ",""),"display:none") or contains(translate(@style," ",""),'
                         '"visibility:hidden")]'):
        if el.getparent() is not None and el.tag not in ("html", "body"):
            el.drop_tree()


def _drop_noise(root: lxml_html.HtmlElement) -> None:
    """Remove page furniture by tag and by class/id words; never what holds the article."""
    body = _body_of(root)
    total = len(body.text_content() or "") or 1
    doomed = []
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body"):
            continue
        if el.tag in htmlrules.DROP_TAGS:
            doomed.append(el)
            continue
        words = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
        if len(words) > 1 and htmlrules.is_noise(_JS_HOOKS.sub(" ", words)):
            doomed.append(el)
    holders = _article_holders(body)
    for el in doomed:
        if _attached(el, root) and not _holds_article(el, total, holders):
            el.drop_tree()
    for el in list(body.iter("header", "footer", "aside")):
        if _attached(el, root) and not _holds_article(el, total, holders):
            if el.tag != "header" or not el.xpath(".//h1"):
                el.drop_tree()


def _article_holders(body: etree._Element) -> set[etree._Element]:
    """Elements around an article's signs: a CMS post container, an <h1>, or five long
    paragraphs. One pass over the page, so that each furniture check is a set lookup."""
    holders: set[etree._Element] = set()
    long_under: dict[etree._Element, int] = {}
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        cls = el.get("class")
        if el.tag == "h1" or el.get("itemprop") == "articleBody" or (
                cls and htmlrules.ARTICLE_MARKER.search(cls.lower().replace("_", "-"))):
            holders.update(el.iterancestors())
        elif (el.tag == "p" and len(el.text_content()) > 120) or (
                el.tag == "div" and len(el.text or "") > 120):
            for up in el.iterancestors():
                long_under[up] = long_under.get(up, 0) + 1
    holders.update(el for el, n in long_under.items() if n >= 5)
    return holders


def _holds_article(el: etree._Element, total: int, holders: set[etree._Element]) -> bool:
    """A wrapper named after furniture ("l-sidebar-fixed", an ASP.NET page-wide <form>)."""
    if el.tag in htmlrules.VOID_DROP_TAGS or len(el) == 0:
        return False
    return el in holders or len(el.text_content()) > 0.4 * total


def _attached(el: etree._Element, root: etree._Element) -> bool:
    """False once an ancestor was dropped (the element lives on in a detached subtree)."""
    while el is not None:
        if el is root:
            return True
        el = el.getparent()
    return False


def _body_of(root: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """<body>, or the whole page when text sits outside it (markup after an early </body>)."""
    body = root.find("body")
    if body is None or any(el is not body and el.tag != "head" for el in root
                           if isinstance(el.tag, str)):
        return root
    return body


def _page_url(meta: PageMeta, given: str | None) -> str | None:
    for candidate in [*meta.urls, given]:
        if not candidate:
            continue
        absolute = urljoin(given or "", candidate.strip()) if given else candidate.strip()
        parts = urlsplit(absolute)
        if parts.scheme in ("http", "https") and parts.netloc:
            return absolute
    return None


def _source(meta: PageMeta, title: str, headline: str, url: str | None) -> str | None:
    """The site's name: what its metadata says, else the part of <title> that is not the
    headline, else the domain."""
    for site in clean_values(meta.sites, 100):
        if not site.startswith("http") and len(site) <= 60:
            return site
    site = _site_of_title(title, headline)
    if site:
        return site
    if url:
        host = urlsplit(url).hostname or ""
        return host.removeprefix("www.") or None
    return None


_TITLE_PARTS = re.compile(r"\s+(?:[|\u2013\u2014\u00bb\u00b7\u2022:~]|-{1,2}|::)\s+")


def _site_of_title(title: str, headline: str) -> str | None:
    parts = [p.strip() for p in _TITLE_PARTS.split(title) if p.strip()]
    words = set(re.findall(r"\w+", headline.lower()))

    def is_headline(part: str) -> bool:
        tokens = re.findall(r"\w+", part.lower())
        return bool(tokens) and sum(t in words for t in tokens) / len(tokens) > 0.5

    flags = [is_headline(p) for p in parts]
    rest = [p for p, h in zip(parts, flags, strict=True) if not h]
    if not rest or (len(parts) == 1 and len(rest[0].split()) > 5):
        return None
    # Sites sit at the far end from the headline: "Headline | Section | Site",
    # "Site: Headline"; a title without the headline starts with the site's name.
    site = rest[-1] if any(flags) and flags[0] else rest[0]
    return site if len(site) <= 60 else None


def _people(names: tuple[str, ...], site: str | None) -> tuple[str, ...]:
    """Authors without the publisher itself ("By CBS Detroit" on CBS Detroit's site)."""
    own = (site or "").lower()
    return tuple(n for n in names if not own or n.lower() not in own)


def _authors(meta: PageMeta, root: lxml_html.HtmlElement, bylines: list[str]) -> tuple[str, ...]:
    names: list[str] = []
    for line in bylines:  # "By A and B" lines printed above the text
        if not meta.authors and _BY.match(line):
            names += [n for n in byline_names(line.split("\n")[0], commas=True)
                      if len(n.split()) <= 4 and n not in names and not _DATEISH.search(n)]
    for value in clean_values(meta.authors, 200):
        for name in byline_names(value, commas=True):
            if name not in names and len(name) <= 80 and not name.startswith("http"):
                names.append(name)
    if not names:
        for el in root.xpath('//*[@rel="author" or @itemprop="author" or contains(@class,'
                             '"byline") or contains(@class,"author")][string-length(.) < 120]'):
            for name in byline_names(clean_line(el.text_content()), commas=True):
                if name not in names and len(name.split()) <= 5:
                    names.append(name)
            if names:
                break
    return tuple(names[:MAX_TAGS])


def _published(meta: PageMeta, root: lxml_html.HtmlElement, url: str | None,
               fetched: str | None, bylines: list[str]) -> str | None:
    """The first date the page states, in order of trust; None rather than a guess."""
    found = [d for d in (parse_date(v) for v in meta.dates if v) if d]
    if not found:
        for el in root.iter("time"):
            d = parse_date(el.get("datetime") or el.text_content())
            if d:
                found.append(d)
                break
    if not found:
        # A visible dateline: "Posted on November 3, 2012 by …", "Wed 2012/11/07 19:05 JST".
        for line in bylines:
            d = find_date(line)
            if d:
                found.append(d)
                break
    if not found and url:
        m = _URL_DATE.search(url)
        if m:
            d = parse_date(f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}")
            if d:
                found.append(d)
    for d in found:
        if not fetched or d[:10] <= fetched[:10]:
            return d
    return None
