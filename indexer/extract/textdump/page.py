"""The plain-text dump format: headline, captions, body, site footer and comment thread.

A dump is paragraphs separated by blank lines, laid out top to bottom as

    Headline                          (often repeated as the next paragraph)
    Caption. Photo: Name / Agency     (optional, any number)
    Body paragraphs
    <two or more blank lines>
    Site footer                       (optional: "SiteName: tagline", links, share buttons)
    <two or more blank lines>
    Comment widget                    (optional: "Notify of", "12 Comments", "Leave a Reply")
    Author / blank / paragraphs, repeated; a comment after a doubled blank line with
    no author line is anonymous.

A plain "headline, blank line, paragraphs" file is the same format without the extras.
Sites differ in footers and widgets, so boundaries come from structure first (runs of
blank lines, line length and shape, position); the phrase lists in `boilerplate` only
settle what structure leaves open. The body is never cut unless what follows is clearly
not prose. Line shapes are in `textdump_lines`, the comment thread in `textdump_thread`.
"""

from __future__ import annotations

import re

from indexer.article import Article, Comment, make_id, source_key
from indexer.extract.boilerplate import BODY_CHROME, BOILERPLATE, LEGAL
from indexer.extract.language import guess_language
from indexer.extract.quotes.finder import find_quotes
from indexer.extract.text import (
    MAX_COMMENT_CHARS,
    MAX_COMMENTS,
    MAX_FIELD_CHARS,
    join_paragraphs,
    truncate,
)
from indexer.extract.textdump.lines import (
    DATE_LABEL,
    Para,
    bare,
    is_caption,
    is_sentence,
    parse_date,
    site_name,
    to_paragraphs,
    word_count,
)
from indexer.extract.textdump.thread import find_thread, parse_comments

# Bylines: "By A and B", "By A | June 4, 2019", "Reporting by A; Editing by B".
_BYLINE = re.compile(
    r"^(?:by|reporting by|written by)\s+(?P<names>[^|•·–—,;()]+?)\s*"
    r"(?:[|•·–—,;]\s*(?P<rest>.*))?$", re.I)
MAX_FOOTER_PARAS = 15  # a site footer is a handful of lines; more is article text


# ---------------------------------------------------------------------------------------
# Sections: headline | body | footer (the comment thread is textdump_thread's)


def split_headline(paras: list[Para]) -> tuple[str, list[Para]]:
    """The first line as headline; the rest, without a repeat of the headline."""
    if not paras:
        return "", []
    first = paras[0]
    headline = first.lines[0]
    rest = ([Para(first.lines[1:], 1)] if len(first.lines) > 1 else []) + paras[1:]
    if rest and _key(rest[0].lines[0]) == _key(headline):
        rest[0] = Para(rest[0].lines[1:], rest[0].gap)
        if not rest[0].lines:
            rest.pop(0)
    return headline, rest


def _key(s: str) -> str:
    """Text for comparing two lines: case and punctuation ignored."""
    return " ".join(re.findall(r"\w+", s.casefold()))


def _is_footer_block(block: list[Para]) -> bool:
    """Short lines (site name, links, share buttons, ©) rather than article prose."""
    if not block or len(block) > 12 or any(re.search(r"[\"“”«»]", p.text) for p in block):
        return False
    return all(word_count(p.text) <= 20
               and (not is_sentence(p.text) or BOILERPLATE.search(p.text)) for p in block)


def _is_loose_boilerplate(p: Para) -> bool:
    """Footer text in the body's last paragraphs (no doubled blank line before it)."""
    return word_count(p.text) <= 20 and bool(
        LEGAL.search(p.text) or (BOILERPLATE.search(p.text) and not is_sentence(p.text)))


def split_footer(paras: list[Para]) -> tuple[list[Para], list[Para]]:
    """(article paragraphs, footer paragraphs): the footer follows a doubled blank line."""
    cut = len(paras)
    for start in reversed([i for i in range(1, len(paras)) if paras[i].gap >= 2]):
        if len(paras) - start > MAX_FOOTER_PARAS or not _is_footer_block(paras[start:cut]):
            break
        cut = start
    end = cut
    while cut > 1 and _is_loose_boilerplate(paras[cut - 1]):
        cut -= 1
    if end > cut > 1 and site_name(paras[cut - 1].text):
        cut -= 1  # the bare site name above "© …" / "Subscribe …"
    return paras[:cut], paras[cut:]


def _trailing_footer(thread: list[Para]) -> tuple[list[Para], list[Para]]:
    """A site footer after the comments, told from an anonymous comment by its boilerplate."""
    starts = [i for i in range(1, len(thread)) if thread[i].gap >= 2]
    if starts and _is_footer_block(thread[starts[-1]:]) and any(
            BOILERPLATE.search(p.text) for p in thread[starts[-1]:]):
        return thread[:starts[-1]], thread[starts[-1]:]
    return thread, []


def source_of(footer: list[Para]) -> str | None:
    """The site a footer names: "© 2021 Name. All rights reserved.", or its first line
    when that is "Name: tagline" or "Name" alone; share bars and links name none."""
    for p in footer:
        if LEGAL.search(p.text):
            s = re.sub(r"all rights reserved\.?|©|\(c\)|copyright|\b\d{4}(?:\s*[-–]\s*\d{4})?\b",
                       "", p.text, flags=re.I)
            name = site_name(s.strip(" .,|–—-:"))
            if name:
                return name
    if not footer:
        return None
    first = footer[0].lines[0]
    for sep in (":", " | ", " — ", " – ", " - "):
        if sep in first:
            return site_name(first.split(sep, 1)[0])
    return site_name(first)


def split_captions(paras: list[Para]) -> tuple[list[str], list[Para]]:
    return [p.text for p in paras if is_caption(p)], [p for p in paras if not is_caption(p)]


def _byline(s: str) -> tuple[list[str], str | None] | None:
    """(authors, date) when a line is only a byline and/or a date, else None."""
    date = parse_date(DATE_LABEL.sub("", s))
    if date:
        return [], date
    m = _BYLINE.match(s.strip("()— "))
    if not m:
        return None
    names = [n.strip() for n in re.split(r"\band\b|&", m["names"]) if n.strip()]
    if not names or not all(site_name(n) for n in names):
        return None
    rest = (m["rest"] or "").strip()
    date = parse_date(DATE_LABEL.sub("", rest)) if rest else None
    if rest and not date and not re.match(r"editing by ", rest, re.I):
        return None
    return names, date


def split_byline(paras: list[Para]) -> tuple[list[str], str | None, list[Para]]:
    """Authors and date from byline/dateline paragraphs at the top or bottom of the body."""
    authors: list[str] = []
    published = None
    body = list(paras)
    for at in (0, 0, -1):  # up to two lines at the top ("By …", "Published: …"), one below
        if len(body) < 2 or len(body[at].lines) > 2 or word_count(body[at].text) > 15:
            continue
        found = _byline(body[at].text)
        if found:
            authors += [a for a in found[0] if a not in authors]
            published = published or found[1]
            del body[at]
    return authors, published, body


# ---------------------------------------------------------------------------------------
# The whole dump


def parse(text: str, path: str, key: str | None = None) -> Article:
    """One plain-text dump as an Article; `path` is kept exactly as given, the id is made
    from `key` (article.source_key; by default the file's name)."""
    headline, rest = split_headline(to_paragraphs(text))
    cut = find_thread(rest)
    article, footer = split_footer(rest[:cut])
    thread, end_footer = _trailing_footer(rest[cut:])
    captions, body_paras = split_captions(article)
    body_paras = [p for p in body_paras if not BODY_CHROME.fullmatch(bare(p.text))]
    authors, published, body_paras = split_byline(body_paras)
    warnings: list[str] = []
    body = join_paragraphs([p.text for p in body_paras])
    body = truncate(body, MAX_FIELD_CHARS, "body", warnings)
    comments = parse_comments(thread)
    if len(comments) > MAX_COMMENTS:
        warnings.append(f"comments cut from {len(comments):,} to {MAX_COMMENTS:,}")
        comments = comments[:MAX_COMMENTS]
    comments = [
        Comment(truncate(c.text, MAX_COMMENT_CHARS, "comment", warnings), c.author, c.published)
        for c in comments
    ]
    return Article(
        id=make_id(headline, None, key or source_key(path), text),
        path=path,
        headline=headline,
        body=body,
        source=source_of(footer) or source_of(end_footer),
        authors=tuple(authors),
        published=published,
        lang=guess_language(body),
        captions=tuple(captions),
        quotes=tuple(find_quotes(body)),
        comments=tuple(comments),
        warnings=tuple(warnings),
    )
