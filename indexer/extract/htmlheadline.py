"""The article's own headline: the on-page heading that agrees with the page's titles.

`<title>` and og:title usually carry the site name ("Storm hits coast | Daily Planet"),
and the first <h1> is often the site logo on older pages. The heading that shares the
most words with the titles is the headline as printed; failing that, the best title
with its site part cut off.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

from indexer.extract.htmlmeta import PageMeta, clean_values
from indexer.extract.text import clean_line

_WORD = re.compile(r"\w+")
# Separators between a headline and the site name in titles.
_TITLE_SPLIT = re.compile(r"\s+(?:[|\u2013\u2014\u00bb\u00b7\u2022:~/]|-{1,2}|::)\s+")
_TITLE_CLASS = ('//*[self::h1 or self::h2 or self::h3 or self::div or self::span or self::p]'
                '[contains(@class,"headline") or contains(@class,"title") or '
                'contains(@id,"headline") or contains(@id,"title") or @itemprop="headline"]')
MAX_HEADLINE_CHARS = 300


def choose_headline(root: lxml_html.HtmlElement, meta: PageMeta) -> str:
    """The headline as the page prints it, without the site's name."""
    titles = clean_values(meta.titles, 400)
    tag = clean_line(root.findtext(".//title") or "")
    references = [t for t in [*titles, tag] if t]
    headings = _headings(root)
    best, best_score = "", 0.0
    for rank, text in enumerate(headings):
        score = max((_overlap(text, ref) for ref in references), default=0.0)
        score -= rank * 0.002  # earlier headings win ties
        if score > best_score:
            best, best_score = text, score
    if best and best_score >= 0.6:
        return best
    if titles:
        return _cut_site(titles[0], meta)
    if tag:
        return _cut_site(tag, meta)
    h1 = next((h for h in headings[:1]), "")
    return h1


def site_of_title(title: str, meta: PageMeta) -> str | None:
    """The site part of a "Headline | Site" title, when it has one."""
    parts = _TITLE_SPLIT.split(title)
    if len(parts) < 2:
        return None
    head = _cut_site(title, meta)
    rest = [p for p in parts if p and p not in head]
    site = rest[-1] if rest else None
    return site if site and len(site) <= 60 else None


def _headings(root: lxml_html.HtmlElement) -> list[str]:
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
    segments = [reference, *_TITLE_SPLIT.split(reference)]
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
