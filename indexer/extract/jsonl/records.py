"""JSON lines: the Article schema (DESIGN 3.2), and common scraper field names mapped onto it.

`iter_lines` streams a .jsonl / .ndjson file (optionally gzip'd, UTF-8 or UTF-16) line by
line with bounded memory; `parse_record` turns one decoded JSON object into an Article.
Field names are matched ignoring case, `_` and `-` (`published_at` = `publishedAt`); the
names each field may go by are data in `fieldnames`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from indexer.article import ID_PATTERN, Article, Comment, Quote, make_id, source_key
from indexer.errors import ExtractError
from indexer.extract.bylines import byline_names
from indexer.extract.dates import parse_date
from indexer.extract.decode import iter_input_lines
from indexer.extract.jsonl import fieldnames
from indexer.extract.jsonl.bodytext import paragraphs
from indexer.extract.jsonl.fieldnames import field_key
from indexer.extract.language import guess_language
from indexer.extract.quotes.finder import find_quotes
from indexer.extract.text import (
    MAX_COMMENT_CHARS,
    MAX_COMMENTS,
    MAX_FIELD_CHARS,
    clean_line,
    truncate,
)

# Quotation marks around a whole quote (opening, closing); the schema stores quotes without.
QUOTE_MARKS = ('""', "“”", "„“", "«»", "»«", "‘’", "''", "‚‘", "「」")

# --- Limits.
MAX_LINE_BYTES = 20 * 1024 * 1024  # one record; larger lines are skipped, the file goes on
MAX_LIST_ITEMS = 1_000  # tags, authors, captions, quotes of one article
MAX_URL_CHARS = 4_096

_LIST_SPLIT = re.compile(r"\s*[,;|]\s*")
_LANG_TAG = re.compile(r"([A-Za-z]{2,3})((?:-[A-Za-z0-9]{1,8})*)")
_ID = re.compile(ID_PATTERN)


def iter_lines(path: str, consumed: Callable[[int], None] | None = None
               ) -> Iterator[tuple[int, bytes | ExtractError]]:
    """(line number from 1, UTF-8 bytes) for each non-blank line of a .jsonl[.gz] file.

    A line that cannot be read comes as (number, ExtractError) and later lines still follow
    when they can; `consumed` hears the file's bytes read so far; see
    `decode.iter_input_lines`.
    """
    return iter_input_lines(path, MAX_LINE_BYTES, consumed)


# ---------------------------------------------------------------------------- records


def parse_record(obj: Any, path: str, key: str | None = None) -> Article:
    """One decoded JSON value (`path` is `file#N`) as an Article; ExtractError when unusable.

    Without an id or URL in the record, the id is made from `key` (article.source_key; by
    default `name#N`).
    """
    if not isinstance(obj, dict):
        raise ExtractError(f"the line is a JSON {_json_type(obj)}, not an object")
    # Reversed, so that of two keys differing only in case, "_" or "-" the first one wins.
    rec = {field_key(k): v for k, v in reversed(obj.items()) if isinstance(k, str)}
    warnings: list[str] = []

    headline = clean_line(_first_text(rec, fieldnames.HEADLINE_KEYS))
    headline = truncate(headline, MAX_FIELD_CHARS, "headline", warnings)
    body_paragraphs = _first_paragraphs(rec, fieldnames.BODY_KEYS) or _first_paragraphs(
        rec, fieldnames.FALLBACK_BODY_KEYS
    )
    body = truncate("\n\n".join(body_paragraphs), MAX_FIELD_CHARS, "body", warnings)
    if not headline and not body:
        raise ExtractError("the record has neither a headline nor a body")

    url = _url(_first_text(rec, fieldnames.URL_KEYS), warnings)
    given_id = rec.get("id")
    if isinstance(given_id, str) and _ID.fullmatch(given_id):
        article_id = given_id
    else:
        article_id = make_id(headline, url, key or source_key(path),
                             f"{headline}\n\n{body}")

    return Article(
        id=article_id,
        path=path,
        headline=headline,
        body=body,
        url=url,
        source=clean_line(_first_text(rec, fieldnames.SOURCE_KEYS)) or None,
        authors=_capped(
            _authors(_values(rec, fieldnames.AUTHOR_KEYS, first_only=True)), "authors", warnings
        ),
        published=_published(rec, warnings),
        lang=_lang(_first_text(rec, fieldnames.LANG_KEYS)) or guess_language(body),
        tags=_capped(_tags(_values(rec, fieldnames.TAG_KEYS)), "tags", warnings),
        captions=_capped(
            _captions(_values(rec, fieldnames.CAPTION_KEYS), warnings), "captions", warnings
        ),
        # A scraper that gives no quotes: find them in the body, as for text dumps.
        quotes=_capped(_quotes(_values(rec, fieldnames.QUOTE_KEYS), warnings), "quotes", warnings)
        if any(k in rec for k in fieldnames.QUOTE_KEYS) else find_quotes(body),
        comments=_comments(_values(rec, fieldnames.COMMENT_KEYS), warnings),
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
        fields = {field_key(k): v for k, v in value.items() if isinstance(k, str)}
        for k in fieldnames.TEXT_KEYS:
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


# ---------------------------------------------------------------------------- small fields


def _published(rec: dict[str, Any], warnings: list[str]) -> str | None:
    """The first date that parses; a warning when dates were given but none could be read."""
    given = []
    for value in _values(rec, fieldnames.PUBLISHED_KEYS):
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
                names += byline_names(_text(item), commas=False)
        else:
            names += byline_names(_text(value), commas=True)
    return _unique(names)


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
                fields = {field_key(k): v for k, v in item.items() if isinstance(k, str)}
                text = _first_text(fields, fieldnames.QUOTE_TEXT_KEYS)
                speaker = clean_line(_first_text(fields, fieldnames.QUOTE_SPEAKER_KEYS)) or None
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
    stack: list[tuple[Any, int | None]] = [
        (item, None) for value in reversed(values) for item in _reversed_items(value)]
    comments: list[Comment] = []
    seen = 0
    while stack:
        item, parent = stack.pop()
        seen += 1
        if seen > MAX_COMMENTS * 10:  # a hostile record of empty comment objects
            break
        if isinstance(item, dict):
            fields = {field_key(k): v for k, v in item.items() if isinstance(k, str)}
            comment = _comment(fields)
            given = fields.get("parent")
            # An Article record's own "parent" (an index into its comments) wins.
            if type(given) is int and 0 <= given < len(comments):
                parent = given
            here = len(comments) if comment else parent
            for k in fieldnames.COMMENT_REPLY_KEYS:
                stack += [(reply, here) for reply in _reversed_items(fields.get(k))]
        else:
            comment = _comment({"text": item})
        if comment:
            comments.append(Comment(comment.text, comment.author, comment.published, parent))
            if len(comments) > MAX_COMMENTS:
                break
    if len(comments) > MAX_COMMENTS:
        warnings.append(f"comments cut to the first {MAX_COMMENTS:,}")
        del comments[MAX_COMMENTS:]
    texts = _truncate_each([c.text for c in comments], MAX_COMMENT_CHARS, "comment", warnings)
    return tuple(
        Comment(text, c.author, c.published, c.parent)
        for text, c in zip(texts, comments, strict=True)
    )


def _reversed_items(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value[::-1]
    return [value] if isinstance(value, dict | str) else []


def _comment(fields: dict[str, Any]) -> Comment | None:
    text = "\n\n".join(_first_paragraphs(fields, fieldnames.COMMENT_TEXT_KEYS))
    if not text:
        return None
    author = clean_line(_first_text(fields, fieldnames.COMMENT_AUTHOR_KEYS)) or None
    # Only the keys given: parse_date(None) is None, and a record's absent keys were most
    # of its calls.
    dates = (parse_date(v) for k in fieldnames.COMMENT_DATE_KEYS
             if (v := fields.get(k)) is not None)
    published = next((d for d in dates if d is not None), None)
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
