"""The names scrapers give each Article field, as data for the JSON-lines extractor.

Names are compared ignoring case, "_" and "-": "published_at" matches "publishedAt".
For single-valued fields the first key with a usable value wins, so the schema's own
name comes first and looser synonyms later.
"""

from __future__ import annotations

import functools

_NORM = str.maketrans("", "", "_-")


@functools.lru_cache(maxsize=4096)  # records of one file repeat the same few keys
def field_key(name: str) -> str:
    """A field name as compared: lower case, without "_" and "-"."""
    return name.lower().translate(_NORM)


def _keys(*names: str) -> tuple[str, ...]:
    return tuple(field_key(n) for n in names)


# Fields of a record.
HEADLINE_KEYS = _keys("headline", "title")
BODY_KEYS = _keys(
    "body", "articleBody", "maintext",  # maintext: news-please
    "full_text", "article_text", "text", "content", "article",
)  # fmt: skip
FALLBACK_BODY_KEYS = _keys("description", "summary", "excerpt", "abstract")  # only without a body
PUBLISHED_KEYS = _keys(
    "published", "datePublished", "published_at", "publish_date", "published_date",
    "publication_date", "date_publish", "pubdate", "date", "time",
    "timestamp",  # last: some scrapers put the crawl time there
)  # fmt: skip
SOURCE_KEYS = _keys(
    "source", "publisher", "site_name", "site", "source_name", "source_domain",
)  # fmt: skip
URL_KEYS = _keys("url", "canonical_url", "canonical", "link", "permalink")
AUTHOR_KEYS = _keys("authors", "author", "byline", "creator")
LANG_KEYS = _keys("lang", "language", "inLanguage")
CAPTION_KEYS = _keys("captions", "image_captions")
QUOTE_KEYS = _keys("quotes")
COMMENT_KEYS = _keys("comments")
# Tags are merged from all of these, in this order, duplicates removed.
TAG_KEYS = _keys("tags", "keywords", "topics", "categories", "category", "section")

# Inside nested objects: {"name": ...} for people and publishers, {"text": ...} for captions.
TEXT_KEYS = _keys(
    "name", "display_name", "username", "screen_name", "label", "term", "value", "@value",
    "text", "caption",
)  # fmt: skip
QUOTE_TEXT_KEYS = _keys("text", "quote")
QUOTE_SPEAKER_KEYS = _keys("speaker", "author", "by")
COMMENT_AUTHOR_KEYS = _keys("author", "user", "name", "username")
COMMENT_TEXT_KEYS = _keys("text", "body", "content", "message", "comment")
COMMENT_DATE_KEYS = _keys("published", "date", "datePublished", "created_at", "time", "timestamp")
COMMENT_REPLY_KEYS = _keys("replies", "children")  # threads are flattened in page order
