"""What the HTML extractor treats as markup noise, boilerplate or content: data, not logic.

The class/id words come from the conventions of CMS themes (WordPress, Drupal, Arc,
Brightspot, Ghost) and the lists readability and trafilatura keep; each one is here
because it names a page part that is never the article's running text.
"""

from __future__ import annotations

import re

# Never text a reader sees as the article (or parsed out before the body: comments, meta).
DROP_TAGS = frozenset({
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "button", "select", "option", "input", "textarea", "form", "nav", "menu", "dialog",
    "map", "audio", "video", "source", "track", "picture", "link", "meta", "head",
})

# Of those, the ones that can never wrap an article (a <form> or <nav> may wrap a whole page).
VOID_DROP_TAGS = DROP_TAGS - {"form", "nav", "menu", "dialog", "head"}

# Elements that start a new block of text.
BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "aside", "h1", "h2", "h3",
    "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th", "tbody",
    "thead", "tfoot", "caption", "blockquote", "pre", "figure", "figcaption", "address",
    "center", "fieldset", "hr", "body", "html", "details", "summary", "hgroup", "font_block",
})

# Blocks that are paragraphs of their container (their score goes to the parent).
PARAGRAPH_TAGS = frozenset({"p", "pre", "td", "blockquote", "li", "dd", "h2", "h3", "h4"})

HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

# Class/id words of page parts that are never body text: the element goes, unless it holds
# most of the page's text (a theme that names its wrapper "has-sidebar" keeps its article).
NOISE_WORDS = (
    "share", "sharing", "social", "sociable", "related", "relatedposts", "newsletter",
    "subscribe", "subscription", "cookie", "cookies", "consent", "gdpr", "banner", "advert",
    "advertisement", "ad", "ads", "adsense", "dfp", "sponsor", "sponsored", "promo",
    "promotion", "sidebar", "breadcrumb", "breadcrumbs", "popup", "modal", "outbrain",
    "taboola", "recommended", "recommendations", "trending", "popular", "mostpopular",
    "most-read", "mostread", "nav", "navbar", "navigation", "menu", "masthead", "footer",
    "skip", "toolbar", "tools", "print", "login", "signup", "paywall", "widget", "widgets",
    "rss", "pagination", "hiddenbox", "d-none", "is-hidden", "display-none", "captcha",
    "invisible", "pager", "hidden", "visually-hidden", "sr-only", "screen-reader-text",
    "byline-share", "tags", "tag-list", "taglist", "author-bio", "about-author", "bio",
    "profile", "aboutme", "about-me", "search", "searchform", "search-box", "searchbox",
    "disclaimer", "copyright", "jump", "more-stories", "morestories", "read-more", "readmore",
    "also", "see-also", "seealso", "next-article", "prev", "next", "teaser", "teasers",
    "right-rail", "left-rail", "pullquote", "sticky", "alert", "notification",
)
_NOISE = re.compile(r"(?:^|[\s_-])(?:" + "|".join(re.escape(w) for w in NOISE_WORDS)
                    + r")(?:$|[\s_-])")



def is_noise(class_and_id: str) -> bool:
    """True when an element's class or id names page furniture (lower-case input)."""
    return _NOISE.search(class_and_id) is not None


# Class names CMSs give the element holding an article's text (WordPress, Blogger, Drupal,
# Arc, hAtom microformats): an element around one of these is never dropped as furniture.
ARTICLE_MARKERS = (
    "entry-content", "post-body", "post-content", "article-body", "articlebody",
    "article-content", "article__body", "article-text", "story-body", "story-content",
    "storytext", "entry-body", "post-entry", "hentry", "h-entry", "field-name-body",
    "td-post-content", "single-content", "body-text", "article__content", "main-content",
)
ARTICLE_MARKER = re.compile("|".join(re.escape(m) for m in ARTICLE_MARKERS))

# Class/id words of content containers (readability's positive list, plus CMS names).
CONTENT = re.compile(
    r"article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story|prose|"
    r"detail|column|storytext|articletext|field-item", re.I)
NEGATIVE = re.compile(
    r"hidden|banner|combx|comment|contact|foot|footer|footnote|gdpr|masthead|media|meta|"
    r"outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|"
    r"tags|tool|widget|ad-|advert|social|nav|menu|breadcrumb|subscribe|newsletter|popular|"
    r"recommend|teaser|byline|author|caption|credit|disclaimer|legal|copyright|title|header",
    re.I)

CAPTION_CLASS = re.compile(r"caption|wp-caption-text|image-credit|photo-credit|credit", re.I)
BYLINE_CLASS = re.compile(r"byline|author|dateline|\bmeta\b|post-meta|entry-meta|timestamp|"
                          r"pubdate|posted|article-date|date-published|published|meta-date|"
                          r"entry-date|post-date", re.I)

# Short lines that are a byline or a date stamp, not body text.
BYLINE_LINE = re.compile(
    r"^(?:by|von|par|por|door|di)\s+[^\s].{0,80}$|"
    r"^(?:posted|published|updated|last updated|first published|modified)\b.{0,80}$|"
    r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,? .{0,60}\d{4}.{0,30}$",
    re.I)
