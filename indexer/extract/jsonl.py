"""JSON lines: the Article schema (DESIGN 3.2), and common scraper field names mapped onto it.

`iter_lines` streams a .jsonl / .ndjson file (optionally gzip'd, UTF-8 or UTF-16) line by
line with bounded memory; `parse_record` turns one decoded JSON object into an Article.
Field names are matched ignoring case, `_` and `-` (`published_at` = `publishedAt`).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from indexer.article import ID_PATTERN, Article, Comment, Quote, make_id
from indexer.errors import ExtractError
from indexer.extract.dates import parse_date
from indexer.extract.decode import iter_input_lines
from indexer.extract.quotes import find_quotes
from indexer.extract.text import (
    MAX_COMMENT_CHARS,
    MAX_COMMENTS,
    MAX_FIELD_CHARS,
    clean_line,
    clean_text,
    truncate,
)

# Field names are compared ignoring case, "_" and "-": "published_at" matches "publishedAt".
_NORM = str.maketrans("", "", "_-")


@functools.lru_cache(maxsize=4096)  # records of one file repeat the same few keys
def _key(name: str) -> str:
    return name.lower().translate(_NORM)


def _keys(*names: str) -> tuple[str, ...]:
    return tuple(_key(n) for n in names)


# --- Field names, as data. For single-valued fields the first key with a usable value wins,
# so the schema's own name comes first and looser synonyms later.
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

# Byline parts that describe a job, not a person ("John Smith, Staff Writer"): a part made
# only of these words is dropped.
BYLINE_ROLE_WORDS = frozenset(
    "staff writer writers reporter reporters correspondent contributor contributing editor "
    "senior chief political columnist special to the news desk".split()
)
NAME_SUFFIXES = frozenset("jr jr. sr sr. ii iii iv phd ph.d. md m.d.".split())
# Wire sign-offs closing a story ("Reuter", "REUTER...^M" in Reuters-21578): boilerplate.
# Only on a line of its own, after a run of spaces or after a full stop ("... he said.
# REUTER"), never in a sentence ("..., a spokesman told Reuters.").
SIGNOFF_WORDS = r"reuters?(?:\^m|\.)*"
# Quotation marks around a whole quote (opening, closing); the schema stores quotes without.
QUOTE_MARKS = ('""', "“”", "„“", "«»", "»«", "‘’", "''", "‚‘", "「」")

# --- Limits.
MAX_LINE_BYTES = 20 * 1024 * 1024  # one record; larger lines are skipped, the file goes on
MAX_LIST_ITEMS = 1_000  # tags, authors, captions, quotes of one article
MAX_URL_CHARS = 4_096

_BY = re.compile(r"(?i)^(?:written\s+)?by\b[:\s]*")
_BYLINE_SPLIT = re.compile(r"\s*(?:[,;|]|\s&\s|\band\b)\s*", re.IGNORECASE)
_AND_SPLIT = re.compile(r"\s+(?:and|&)\s+", re.IGNORECASE)
_LAST_FIRST = re.compile(r"[^\s,]+,\s*[^\s,]+")
_LIST_SPLIT = re.compile(r"\s*[,;|]\s*")
_LANG_TAG = re.compile(r"([A-Za-z]{2,3})((?:-[A-Za-z0-9]{1,8})*)")
_ID = re.compile(ID_PATTERN)
_SIGNOFF_END = re.compile(
    rf"(?:\A|\n|[ \t]{{2}}|(?<=[.!?\"')])[ \t])\s*{SIGNOFF_WORDS}\Z", re.IGNORECASE
)


def iter_lines(path: str) -> Iterator[tuple[int, bytes | ExtractError]]:
    """(line number from 1, UTF-8 bytes) for each non-blank line of a .jsonl[.gz] file.

    A line that cannot be read comes as (number, ExtractError) and later lines still follow
    when they can; see `decode.iter_input_lines`.
    """
    return iter_input_lines(path, MAX_LINE_BYTES)


# ---------------------------------------------------------------------------- records


def parse_record(obj: Any, path: str) -> Article:
    """One decoded JSON value (`path` is `file#N`) as an Article; ExtractError when unusable."""
    if not isinstance(obj, dict):
        raise ExtractError(f"the line is a JSON {_json_type(obj)}, not an object")
    # Reversed, so that of two keys differing only in case, "_" or "-" the first one wins.
    rec = {_key(k): v for k, v in reversed(obj.items()) if isinstance(k, str)}
    warnings: list[str] = []

    headline = clean_line(_first_text(rec, HEADLINE_KEYS))
    headline = truncate(headline, MAX_FIELD_CHARS, "headline", warnings)
    body_paragraphs = _first_paragraphs(rec, BODY_KEYS) or _first_paragraphs(
        rec, FALLBACK_BODY_KEYS
    )
    body = truncate("\n\n".join(body_paragraphs), MAX_FIELD_CHARS, "body", warnings)
    if not headline and not body:
        raise ExtractError("the record has neither a headline nor a body")

    url = _url(_first_text(rec, URL_KEYS), warnings)
    given_id = rec.get("id")
    if isinstance(given_id, str) and _ID.fullmatch(given_id):
        article_id = given_id
    else:
        article_id = make_id(headline, url, path, f"{headline}\n\n{body}")

    return Article(
        id=article_id,
        path=path,
        headline=headline,
        body=body,
        url=url,
        source=clean_line(_first_text(rec, SOURCE_KEYS)) or None,
        authors=_capped(_authors(_values(rec, AUTHOR_KEYS, first_only=True)), "authors", warnings),
        published=_published(rec, warnings),
        lang=_lang(_first_text(rec, LANG_KEYS)),
        tags=_capped(_tags(_values(rec, TAG_KEYS)), "tags", warnings),
        captions=_capped(_captions(_values(rec, CAPTION_KEYS), warnings), "captions", warnings),
        # A scraper that gives no quotes: find them in the body, as for text dumps.
        quotes=_capped(_quotes(_values(rec, QUOTE_KEYS), warnings), "quotes", warnings)
        if any(k in rec for k in QUOTE_KEYS) else find_quotes(body),
        comments=_comments(_values(rec, COMMENT_KEYS), warnings),
        warnings=tuple(warnings),
    )


def _json_type(obj: Any) -> str:
    if isinstance(obj, list):
        return "array"
    if isinstance(obj, str):
        return "string"
    if obj is None:
        return "null"
    return "boolean" if isinstance(obj, bool) else "number"


def _values(rec: dict[str, Any], keys: tuple[str, ...], first_only: bool = False) -> list[Any]:
    """The non-empty values under `keys`, in key order (only the first when first_only)."""
    found = [rec[k] for k in keys if rec.get(k) not in (None, "", [], {})]
    return found[:1] if first_only else found


def _first_text(rec: dict[str, Any], keys: tuple[str, ...]) -> str:
    for k in keys:
        s = _text(rec.get(k))
        if s.strip():
            return s
    return ""


def _text(value: Any, depth: int = 0) -> str:
    """A string from a scalar, a {"name": ...} object or the first usable item of a list."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None or depth > 3:
        return ""
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        fields = {_key(k): v for k, v in value.items() if isinstance(k, str)}
        for k in TEXT_KEYS:
            s = _text(fields.get(k), depth + 1)
            if s.strip():
                return s
        return ""
    if isinstance(value, list):
        for item in value[:MAX_LIST_ITEMS]:
            s = _text(item, depth + 1)
            if s.strip():
                return s
    return ""


# ---------------------------------------------------------------------------- body text


def _first_paragraphs(rec: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    for k in keys:
        paragraphs = _paragraphs_of(rec.get(k))
        if paragraphs:
            return paragraphs
    return []


def _paragraphs_of(value: Any) -> list[str]:
    """Paragraphs of a text, or of a list of texts (one or more paragraphs each)."""
    if isinstance(value, list):
        return [p for item in value for p in paragraphs(_text(item))]
    return paragraphs(_text(value))


def paragraphs(text: str) -> list[str]:
    """Paragraphs in reading order, each on one line, wire sign-offs dropped.

    Blank lines separate paragraphs and single newlines inside them are soft wraps; a text
    without blank lines has one paragraph per line; a hard-wrapped text whose paragraphs
    start with an indent (old wire copy, Reuters-21578) has one paragraph per indent.
    """
    blocks = re.split(r"\n[^\S\n]*\n", _without_signoff(clean_text(text)))
    out: list[str] = []
    for block in blocks:
        lines = _dedent(block.split("\n"))
        if _indent_marks_paragraphs(lines):
            out += _join_indented(lines)
        elif len(blocks) == 1:
            out += lines
        else:
            out.append(" ".join(lines))
    return [p for p in (" ".join(chunk.split()) for chunk in out) if p]  # already cleaned


def _dedent(lines: list[str]) -> list[str]:
    """Remove the indent all lines share (textwrap.dedent compiles it into a regex: slow)."""
    indents = [ln[: len(ln) - len(ln.lstrip(" \t"))] for ln in lines if ln.strip()]
    margin = len(os.path.commonprefix(indents)) if indents else 0
    return [ln[margin:] for ln in lines] if margin else lines


def _without_signoff(text: str) -> str:
    text = text.rstrip()
    for _ in range(3):  # "REUTER\n Reuter": some stories are signed twice
        # Searched for in the tail only: bounded work whatever runs of spaces precede it.
        m = _SIGNOFF_END.search(text, max(0, len(text) - 64))
        if not m:
            break
        text = text[: m.start()].rstrip()
    return text


def _indent_marks_paragraphs(lines: list[str]) -> bool:
    """After dedent, a line that is still indented starts a paragraph."""
    return any(ln[:1] in (" ", "\t") and ln.strip() for ln in lines)


def _join_indented(lines: list[str]) -> list[str]:
    out: list[str] = []
    for ln in lines:
        if out and ln[:1] not in (" ", "\t"):
            out[-1] += " " + ln
        else:
            out.append(ln)
    return out


# ---------------------------------------------------------------------------- small fields


def _published(rec: dict[str, Any], warnings: list[str]) -> str | None:
    """The first date that parses; a warning when dates were given but none could be read."""
    given = []
    for value in _values(rec, PUBLISHED_KEYS):
        if isinstance(value, list | dict):
            value = _text(value)  # ["2019-06-04"], {"@value": ...}
        parsed = parse_date(value)
        if parsed:
            return parsed
        given.append(value)
    if given:
        warnings.append(f"published date {_short(given[0])} was not understood")
    return None


def _url(text: str, warnings: list[str]) -> str | None:
    url = clean_line(text)
    if not url:
        return None
    parts = urlsplit(url) if len(url) <= MAX_URL_CHARS and " " not in url else None
    if parts and parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url
    warnings.append(f"url {_short(url)} dropped: only http and https addresses are kept")
    return None


def _lang(text: str) -> str | None:
    """A language tag with its primary subtag lower-cased ("EN-us" → "en-us"), else as given."""
    lang = clean_line(text).replace("_", "-")
    if not lang or len(lang) > 35:
        return None
    m = _LANG_TAG.fullmatch(lang)
    return m[1].lower() + m[2] if m else lang


def _authors(values: list[Any]) -> list[str]:
    names: list[str] = []
    for value in values:
        if isinstance(value, list):
            for item in _items(value):
                names += _split_byline(_text(item), commas=False)
        else:
            names += _split_byline(_text(value), commas=True)
    return _unique(names)


def _split_byline(byline: str, commas: bool) -> list[str]:
    """Names in a byline: "By A and B", "A, B & C"; roles ("Staff Writer") dropped.

    Items of a list are one name each, so only "and" / "&" split them, never a comma.
    """
    byline = _BY.sub("", clean_line(byline))
    if not commas:
        parts = _AND_SPLIT.split(byline)
    elif _LAST_FIRST.fullmatch(byline):
        parts = [byline]  # "Smith, John" is one person, last name first
    else:
        parts = _BYLINE_SPLIT.split(byline)
    names: list[str] = []
    for part in (p.strip() for p in parts):
        if not part or all(w in BYLINE_ROLE_WORDS for w in part.lower().split()):
            continue
        if part.lower() in NAME_SUFFIXES and names:
            names[-1] += ", " + part  # "John Smith, Jr."
        elif any(ch.isalpha() for ch in part):  # not "5" or "--"
            names.append(part)
    return names


def _tags(values: list[Any]) -> list[str]:
    tags: list[str] = []
    for value in values:
        for item in _items(value):
            text = _text(item)
            # A string value is often "a, b, c"; list items are one tag each.
            tags += _LIST_SPLIT.split(clean_line(text)) if isinstance(value, str) else [text]
    return _unique(clean_line(t) for t in tags)


def _captions(values: list[Any], warnings: list[str]) -> list[str]:
    captions: list[str] = []
    for value in values:
        captions += [clean_line(_text(item)) for item in _items(value)]
    return _truncate_each([c for c in captions if c], MAX_FIELD_CHARS, "caption", warnings)


def _quotes(values: list[Any], warnings: list[str]) -> list[Quote]:
    quotes: list[Quote] = []
    for value in values:
        for item in _items(value):
            if isinstance(item, dict):
                fields = {_key(k): v for k, v in item.items() if isinstance(k, str)}
                text = _first_text(fields, QUOTE_TEXT_KEYS)
                speaker = clean_line(_first_text(fields, QUOTE_SPEAKER_KEYS)) or None
            else:
                text, speaker = _text(item), None
            text = _strip_quote_marks(clean_line(text))
            if text:
                quotes.append(Quote(text, speaker))
    texts = _truncate_each([q.text for q in quotes], MAX_FIELD_CHARS, "quote", warnings)
    return [Quote(text, q.speaker) for text, q in zip(texts, quotes, strict=True)]


def _strip_quote_marks(text: str) -> str:
    for pair in QUOTE_MARKS:
        if len(text) > 2 and text[0] == pair[0] and text[-1] == pair[1]:
            return text[1:-1].strip()
    return text


def _comments(values: list[Any], warnings: list[str]) -> tuple[Comment, ...]:
    """Comments in page order, replies after their parent; at most MAX_COMMENTS."""
    stack = [item for value in reversed(values) for item in _reversed_items(value)]
    comments: list[Comment] = []
    seen = 0
    while stack:
        item = stack.pop()
        seen += 1
        if seen > MAX_COMMENTS * 10:  # a hostile record of empty comment objects
            break
        if isinstance(item, dict):
            fields = {_key(k): v for k, v in item.items() if isinstance(k, str)}
            for k in COMMENT_REPLY_KEYS:
                stack += _reversed_items(fields.get(k))
            comment = _comment(fields)
        else:
            comment = _comment({"text": item})
        if comment:
            comments.append(comment)
            if len(comments) > MAX_COMMENTS:
                break
    if len(comments) > MAX_COMMENTS:
        warnings.append(f"comments cut to the first {MAX_COMMENTS:,}")
        del comments[MAX_COMMENTS:]
    texts = _truncate_each([c.text for c in comments], MAX_COMMENT_CHARS, "comment", warnings)
    return tuple(
        Comment(text, c.author, c.published) for text, c in zip(texts, comments, strict=True)
    )


def _reversed_items(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value[::-1]
    return [value] if isinstance(value, dict | str) else []


def _comment(fields: dict[str, Any]) -> Comment | None:
    text = "\n\n".join(_first_paragraphs(fields, COMMENT_TEXT_KEYS))
    if not text:
        return None
    author = clean_line(_first_text(fields, COMMENT_AUTHOR_KEYS)) or None
    published = next(
        (d for k in COMMENT_DATE_KEYS if (d := parse_date(fields.get(k))) is not None), None
    )
    return Comment(text, author, published)


# ---------------------------------------------------------------------------- helpers


def _items(value: Any) -> list[Any]:
    """The items of a list value (enough to notice one over the limit), or the value alone."""
    return value[: MAX_LIST_ITEMS * 4] if isinstance(value, list) else [value]


def _capped(items: Iterable[Any], what: str, warnings: list[str]) -> tuple[Any, ...]:
    items = list(items)
    if len(items) > MAX_LIST_ITEMS:
        warnings.append(f"{what} cut to the first {MAX_LIST_ITEMS:,}")
    return tuple(items[:MAX_LIST_ITEMS])


def _truncate_each(texts: list[str], limit: int, noun: str, warnings: list[str]) -> list[str]:
    """Each text cut at `limit` characters, with one warning for all that were cut."""
    cut = [truncate(t, limit, noun, []) for t in texts]
    n = sum(len(a) != len(b) for a, b in zip(texts, cut, strict=True))
    if n:
        warnings.append(f"{n:,} {noun}{'s' if n > 1 else ''} truncated to {limit:,} characters")
    return cut


def _unique(items: Iterable[str]) -> list[str]:
    """Non-empty items, first spelling kept, duplicates ignoring case dropped."""
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        key = item.casefold()
        if item and key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _short(value: Any) -> str:
    """A value quoted for a warning, cut so that a hostile record cannot flood the report."""
    if isinstance(value, str):
        s = clean_line(value)
        return f"'{s}'" if len(s) <= 58 else f"'{s[:56]}...'"
    s = repr(value)
    return s if len(s) <= 60 else s[:57] + "..."
