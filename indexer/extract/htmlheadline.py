"""The article's own headline: the on-page heading that agrees with the page's titles.

`<title>` and og:title usually carry the site name ("Storm hits coast | Daily Planet"),
and the first <h1> is often the site logo on older pages. The heading that shares the
most words with the titles is the headline as printed; failing that, the best title
with its site part cut off.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from indexer.extract import htmlrules
from indexer.extract.htmlbody import Block
from indexer.extract.htmlmeta import PageMeta, clean_values
from indexer.extract.text import clean_line

_WORD = re.compile(r"\w+")
# Separators between a headline and the site name in titles.
_TITLE_SPLIT = re.compile(r"\s+(?:[|\u2013\u2014\u00bb\u00b7\u2022:~/]|-{1,2}|::)\s+")
_TITLE_CLASS = ('//*[self::h1 or self::h2 or self::h3 or self::div or self::span or self::p]'
                '[contains(@class,"headline") or contains(@class,"title") or '
                'contains(@id,"headline") or contains(@id,"title") or @itemprop="headline"]')
MAX_HEADLINE_CHARS = 300
# Where markup or script starts inside a title that broken HTML left open.
_CODE = re.compile(r"""[<>{}]|\w\(["']|=\s*["']|\bfunction\s*\(|-->""")


def choose_headline(headings: list[str], meta: PageMeta, title: str,
                    before_body: str | None = None) -> str:
    """The headline as the page prints it, without the site's name.

    `headings` are the page's heading texts (`headings_of`), `title` its <title>, and
    `before_body` the heading just above the article text, when there is one.
    """
    titles = clean_values(meta.titles, 400)
    references = [t for t in [*titles, title] if t]
    if before_body:
        # A title of three words or fewer names the site or section ("Herald Sun",
        # "Opinion"): a heading matching it is the logo, and the heading above the text wins.
        references = [t for t in references if len(_tokens(t)) > 3]
    best, best_score = "", 0.0
    for rank, text in enumerate(headings):
        score = max((_overlap(text, ref) for ref in references), default=0.0)
        score -= rank * 0.002  # earlier headings win ties
        if score > best_score:
            best, best_score = text, score
    if best and best_score >= 0.6:
        return best
    # The titles name the site or a section only ("Latest News | Herald"): the heading
    # printed above the article is the headline.
    if before_body:
        return before_body
    if titles:
        return _cut_site(titles[0], meta)
    if title:
        return _cut_site(title, meta)
    return headings[0] if headings else ""


def page_title(root: lxml_html.HtmlElement) -> str:
    """The <title> text; a title left open by broken markup stops at the first tag."""
    el = root.find("head/title")
    if el is None:
        el = root.find(".//title")
    text = (el.text or "") if el is not None else ""
    return clean_line(_CODE.split(text, 1)[0])[:MAX_HEADLINE_CHARS]


def site_of_title(title: str, meta: PageMeta) -> str | None:
    """The site part of a "Headline | Site" title, when it has one."""
    parts = _TITLE_SPLIT.split(title)
    if len(parts) < 2:
        return None
    head = _cut_site(title, meta)
    rest = [p for p in parts if p and p not in head]
    site = rest[-1] if rest else None
    return site if site and len(site) <= 60 else None


def headings_of(root: lxml_html.HtmlElement) -> list[str]:
    """Texts of the page's headings and title-classed elements, in document order."""
    out: list[str] = []
    for el in [*root.iter("h1"), *root.xpath(_TITLE_CLASS), *root.iter("h2")]:
        text = clean_line(el.text_content())
        if 3 <= len(text) <= MAX_HEADLINE_CHARS and text not in out:
            out.append(text)
        if len(out) >= 40:
            break
    return out


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _overlap(heading: str, reference: str) -> float:
    """How much of the heading the reference contains, and how much of it the heading covers.

    Recall against the reference is scored on its best segment, so the site part of
    "Headline | Site" does not count against the heading.
    """
    h = _tokens(heading)
    if not h:
        return 0.0
    best = 0.0
    # The whole title, and its headline part: a heading that matches only the site part
    # of "Headline | Site" is the site's logo.
    segments = [reference, _cut_site(reference, PageMeta())]
    for seg in segments:
        r = _tokens(seg)
        if not r:
            continue
        common = len(set(h) & set(r))
        p, rc = common / len(set(h)), common / len(set(r))
        if p + rc:
            best = max(best, 2 * p * rc / (p + rc))
    return best


def _cut_site(title: str, meta: PageMeta) -> str:
    """A title without its site-name part: the segment that is not a known site, or the longest."""
    parts = [p.strip() for p in _TITLE_SPLIT.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    sites = {s.lower() for s in meta.sites}
    kept = [p for p in parts if p.lower() not in sites]
    if not kept:
        return title
    # Headlines are the long part; site names and sections are short.
    longest = max(kept, key=len)
    if len(_tokens(longest)) < 3 and len(kept) > 1:
        return title
    # A headline with a colon in it ("Brexit: what next") was split too: keep the run.
    start = parts.index(longest)
    end = start + 1
    while end < len(parts) and len(_tokens(parts[end])) >= 4 and parts[end].lower() not in sites:
        end += 1
    return title[title.find(parts[start]): title.find(parts[end - 1]) + len(parts[end - 1])]


def heading_before(every: list[Block], main: list[Block]) -> str | None:
    """The heading printed just above the article's text (or first inside it), if any.

    Old pages set headlines in <font size> or <b> rather than <h1>: a short block without
    a full stop near the article's start counts too, below a real heading.
    """
    if not main:
        return None
    first = next((i for i, b in enumerate(every) if b is main[0]), None)
    if first is None:
        return None
    best, best_score = None, 0.0
    inside = [b for b in every[first: first + 3] if b.heading]
    above = every[max(0, first - 15): first][::-1]
    for distance, b in enumerate(inside + above):
        text = b.text
        words = len(text.split())
        if not 3 <= words <= 30 or b.links > len(text) / 2 or "\n" in text:
            continue
        if htmlrules.BOILERPLATE_BLOCK.match(text) or htmlrules.BYLINE_LINE.match(text):
            continue
        if _DATE_LIKE.search(text) or text.endswith((".", ",", ":", ";")) and words > 12:
            continue
        score = 3.0 if b.heading or _title_like(b.owner) else 0.0
        if _emphasised(b.owner, text):
            score += 2
        score += 1 if 4 <= words <= 20 else 0
        score -= distance * 0.15
        if score > best_score:
            best, best_score = text, score
    return best if best_score >= 1.5 else None


_DATE_LIKE = re.compile(r"\b(?:19|20)\d\d\b.*\b(?:am|pm|gmt|est|pst|utc)\b|"
                        r"\b\d{1,2}:\d\d\b", re.I)


def _emphasised(el: etree._Element, text: str) -> bool:
    """The whole block is set in bold or a bigger font (the old way to print a headline)."""
    for child in el.iter("b", "strong", "font", "big"):
        if child.tag == "font" and not child.get("size"):
            continue
        if len(child.text_content().strip()) >= len(text) * 0.9:
            return True
    return False


def _title_like(el: etree._Element) -> bool:
    value = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return ("title" in value or "headline" in value) and "subtitle" not in value
