"""A page's own statements about itself: JSON-LD, OpenGraph and article meta, microdata.

These are what publishers write for search engines and social cards, so they are more
reliable than anything read off the layout; the layout is the fallback (page.py).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html

from indexer.extract.text import clean_line

_LD_TYPES = re.compile(r"article|posting|report|blog|webpage|newsarticle|liveblog", re.I)

# meta names/properties by what they say, best first (OpenGraph, article:, Dublin Core,
# Parsely, Sailthru and the old news-site conventions seen in 2008–2012 pages).
TITLE_META = ("og:title", "twitter:title", "parsely-title", "sailthru.title", "dc.title",
              "title", "headline")
DATE_META = ("article:published_time", "og:article:published_time", "datepublished",
             "parsely-pub-date", "sailthru.date", "pubdate", "publishdate", "publish-date",
             "publication_date", "date", "dc.date.issued", "dc.date", "dcterms.created",
             "dcterms.date", "original-publish-date", "article.published", "displaydate",
             "dc.date.created", "rnews:datepublished", "og:published_time")
AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator",
               "byl", "byline", "twitter:creator")
SITE_META = ("og:site_name", "application-name", "publisher", "dc.publisher",
             "twitter:site", "cre")
TAG_META = ("article:tag", "news_keywords", "keywords", "parsely-tags", "sailthru.tags")
SECTION_META = ("article:section", "section", "parsely-section", "category")


@dataclass
class PageMeta:
    """What the page says about itself; every field empty when it says nothing."""

    titles: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    lang: str | None = None
    body: str = ""  # JSON-LD articleBody, when given


def read_meta(root: lxml_html.HtmlElement) -> PageMeta:
    """Everything the page's metadata says, in order of trust within each field."""
    meta = PageMeta()
    for obj in _json_ld(root):
        _from_ld(obj, meta)
    values: dict[str, list[str]] = {}
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = el.get("content")
        if key and content and content.strip():
            values.setdefault(key, []).append(content.strip())
    pick = lambda keys: [v for k in keys for v in values.get(k, ())]  # noqa: E731
    meta.titles += pick(TITLE_META)
    meta.dates += pick(DATE_META)
    meta.authors += [a for a in pick(AUTHOR_META) if not a.startswith(("http", "@"))]
    meta.sites += [s.lstrip("@") for s in pick(SITE_META)]
    for value in pick(SECTION_META) + pick(TAG_META):
        meta.tags += [t.strip() for t in re.split(r"[,;|]", value) if t.strip()]
    for el in root.iter("time"):
        if el.get("datetime") and (el.get("itemprop") == "datePublished" or el.get("pubdate")
                                   is not None or "publish" in (el.get("class") or "")):
            meta.dates.append(el.get("datetime"))
    for el in root.xpath('//*[@itemprop="datePublished"]'):
        meta.dates.append(el.get("content") or el.get("datetime") or el.text_content())
    for el in root.xpath('//link[@rel="canonical"]'):
        if el.get("href"):
            meta.urls.append(el.get("href").strip())
    meta.urls += pick(("og:url", "twitter:url"))
    lang = root.get("lang") or root.get("xml:lang") or next(iter(pick(
        ("content-language", "og:locale", "language", "dc.language"))), None)
    meta.lang = normalise_lang(lang)
    return meta


def normalise_lang(value: str | None) -> str | None:
    """The primary language subtag ("en" for "en_GB"), or None for anything else."""
    m = re.match(r"\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$", value or "")
    return m.group(1).lower() if m else None


def _json_ld(root: lxml_html.HtmlElement) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for el in root.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(el.text or "", strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack and len(found) < 50:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                if isinstance(item.get("@graph"), list):
                    stack.extend(reversed(item["@graph"]))
                types = item.get("@type")
                types = " ".join(types) if isinstance(types, list) else str(types or "")
                if _LD_TYPES.search(types):
                    found.append(item)
    # An Article before a WebPage: the page-level object often carries the site's title.
    found.sort(key=lambda o: "webpage" in str(o.get("@type")).lower())
    return found


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    if isinstance(value, dict):
        return _names(value.get("name"))
    return []


def _from_ld(obj: dict[str, Any], meta: PageMeta) -> None:
    for key in ("headline", "name", "alternativeHeadline"):
        if isinstance(obj.get(key), str):
            meta.titles.append(obj[key])
            break
    for key in ("datePublished", "dateCreated", "uploadDate"):
        if isinstance(obj.get(key), str):
            meta.dates.append(obj[key])
    meta.authors += [a for a in _names(obj.get("author") or obj.get("creator"))
                     if not a.startswith("http")]
    meta.sites += _names(obj.get("publisher") or obj.get("sourceOrganization"))
    for key in ("keywords", "articleSection"):
        value = obj.get(key)
        items = value if isinstance(value, list) else re.split(r"[,;]", value or "") \
            if isinstance(value, str) else []
        meta.tags += [t.strip() for t in items if isinstance(t, str) and t.strip()]
    for key in ("url", "mainEntityOfPage"):
        value = obj.get(key)
        if isinstance(value, dict):
            value = value.get("@id") or value.get("url")
        if isinstance(value, str):
            meta.urls.append(value)
    if isinstance(obj.get("articleBody"), str) and not meta.body:
        meta.body = obj["articleBody"]
    if not meta.lang and isinstance(obj.get("inLanguage"), str):
        meta.lang = normalise_lang(obj["inLanguage"])


def clean_values(values: list[str], limit: int = 200) -> list[str]:
    """Unique, whitespace-collapsed, non-empty values of a metadata list, in order."""
    out: list[str] = []
    for v in values:
        v = clean_line(unescape_twice(v))[:limit]
        if v and v not in out:
            out.append(v)
    return out


def unescape_twice(s: str) -> str:
    """Undo entities left in metadata values (some CMSs escape twice)."""
    return html.unescape(s) if "&" in s else s
