"""One reader comment's element: its author, its date and its words.

The markup usually names each part (see `systems`); where it does not, the
author and date come from a meta line ("Posted by Ann | June 4, 2012 at 5:32 pm",
"Ann said...") inside the comment or just before or after it, or from a short bold
name or heading before the text.
"""

from __future__ import annotations

import re

from indexer.article import Comment
from indexer.extract.boilerplate import WIDGET_LINE
from indexer.extract.dates import DATE_IN_TEXT, find_date
from indexer.extract.html.comments import systems as cs
from indexer.extract.text import join_paragraphs

_BLOCK_TAGS = frozenset(
    "p div li ul ol blockquote h1 h2 h3 h4 h5 h6 dd dt dl tr table pre section article "
    "header footer aside br hr".split())
_BY = re.compile(r"\bby:?\s+([^|•·\n]{2,60}?)(?=\s*(?:[|•·\n]|\s(?:on|at)\s|$))", re.I)
# A link or label that is a button ("Reply", "Report abuse"), never comment text; also what
# is left of a meta line once its name and date are read ("http://ann.example |").
_BUTTON = re.compile(
    r"(?:reply(?: to this(?: comment)?)?|report(?: abuse| comment)?|flag|like|dislike|quote"
    r"|permalink|edit|delete|share|recommend|link to this(?: comment)?|\d+\s*(?:likes?|points?"
    r"|votes?)?|[-+↑↓▲▼]+|(?:(?:https?://|www\.)\S*\s*)?[|•·])[\s.:!]*",
    re.I,
)
_WORD = re.compile(r"\w+")
# A first line that is a name and a dash, a "says:", or "on" and a date.
_LEAD_NAME = re.compile(
    r"(?P<name>[^.!?,;\n]{1,40}?)\s*(?:[—–:]|\s(?:says|said|wrote)\b\W*"
    r"|\s+on\s+(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d.{0,40})",
    re.I,
)
_DATE_CHARS = 80  # a date or meta line is short; a longer "comment-meta" holds the text too
_NAME_TAGS = frozenset("h2 h3 h4 h5 h6 strong b".split())
_LEAD_WORDS = 4  # a name over the text is short; "Update:" over a longer line is not one
_DATE_PROPS = frozenset({"dateCreated", "datePublished", "commentTime"})
_HEADER_REACH = 4  # siblings looked at before a comment for its header


def read_comment(item, skip, author_el, siblings: list) -> Comment | None:
    """The comment in `item`; header and footer siblings it reads are added to `siblings`."""
    author = author_text(author_el)
    date_el, published = _date(item, skip)
    after = item.getnext()
    if after is not None and after not in skip and isinstance(after.tag, str) and has(
            after, cs.DATE_TOKEN) and len(after.text_content()) <= _DATE_CHARS * 2:
        # A footer line after the text: "Posted by: Ann | January 14, 2008 08:21 PM".
        line = " ".join(after.text_content().split())
        published = published or find_date(line)
        author = (author or author_text(author_element(after, skip))
                  or author_text(_title_author(after, skip, None)) or _author_in(line))
        siblings.append(after)
    header = _header(item, skip, siblings) if author is None or published is None else None
    if header is not None:
        # Blogger, Thesis and older blogs: "<dt>Ann said...</dt><dd>text</dd>", the
        # author and date beside the text rather than in it.
        author = author or author_text(author_element(header, skip)) or _author_in(
            " ".join(header.text_content().split()))
        published = published or find_date(header.text_content())
        siblings.append(header)
    parts = skip | {e for e in (author_el, date_el) if e is not None}
    text_el = _text_el(item, parts, author_el)
    if author is None:
        author_el = _title_author(item, parts, text_el)
        author = author_text(author_el)
        parts |= {author_el} if author else set()
    if text_el is not None:
        paras = paragraphs(text_el, parts)
        meta = paragraphs(item, parts | {text_el})
    else:
        paras = paragraphs(item, parts)
        # Meta lines open or close a comment: "Ann on June 4, 2012", "Posted by Ann".
        meta = [p for p in [*paras[:2], *paras[2:][-1:]] if words(p) <= 15 and (
            DATE_IN_TEXT.search(p) or _BY.search(p) or cs.AUTHOR_NOISE.search(p))]
        paras = [p for p in paras if p not in meta]
    for el in (date_el, author_el):  # "Posted by Ann on 12 March 2011": a date in the byline
        if el is not None:
            meta.insert(0, " ".join(el.text_content().split()))
    for line in meta:
        if author is None:
            author = _author_in(line)
        if published is None:
            published = find_date(line) if len(line) < 200 else None
    if author is None and len(paras) > 1 and (lead := _LEAD_NAME.fullmatch(paras[0])) and len(
            lead["name"].split()) <= _LEAD_WORDS:
        # "Chris Huang —" or "Ann on Friday, November 2 at 12:14 pm" over the text.
        author = _clean_author(lead["name"])
        published = published or (find_date(paras[0]) if author else None)
        paras = paras[1:] if author else paras
    paras = [p for p in paras if not _BUTTON.fullmatch(p) and p != author]
    text = join_paragraphs(paras)
    if words(text) < 1 or (cs.NO_COMMENTS.match(text) and words(text) < 15):
        return None
    return Comment(text, author, published, None)


def _header(item, skip, used: list):
    """The element just before a comment that holds its author and date, if there is one:
    a <dt>, an author or date element, or a short "written by Ann, June 4, 2012" line.
    Line breaks and empty anchors between are passed over; another comment's footer
    (already in `used`) never counts."""
    before = item.getprevious()
    for _ in range(_HEADER_REACH):
        if before is None or before in skip or not isinstance(before.tag, str) or (
                before in used) or (before.tag, before.get("class")) == (
                item.tag, item.get("class")):  # the comment before this one
            return None
        text = " ".join(before.text_content().split())
        if text and len(text) > _DATE_CHARS * 2:
            return None
        if text and (before.tag == "dt" or (before.tag not in ("dd", "li") and (
                has(before, cs.AUTHOR_TOKEN) or has(before, cs.DATE_TOKEN)
                or _BY.search(text)))):
            return before
        if text and before.tag not in ("a", "span", "br"):
            return None
        before = before.getprevious()
    return None


def _title_author(item, skip, text_el):
    """A short heading or bold name before the comment's text ("<h4>Fabio</h4>")."""
    for el in _walk(item, skip):
        if el is text_el:
            return None
        if el.tag in _NAME_TAGS:
            text = " ".join(el.text_content().split())
            if 0 < len(text) <= 40 and len(text.split()) <= 4 and not WIDGET_LINE.fullmatch(
                    text.strip(" .:…•·|")) and not DATE_IN_TEXT.search(text):
                return el
            return None
    return None


def author_element(item, skip):
    """The first author element of `item` with a usable name, outside `skip` subtrees."""
    for el in _walk(item, skip):
        prop = el.get("itemprop") or ""
        if prop in ("author", "creator") or el.tag == "cite" or (
                el.tag == "a" and "profile" in (el.get("title") or "").lower()) or (
                el.tag != "img" and has(el, cs.AUTHOR_TOKEN) and not has(
                    el, cs.NOT_AUTHOR_TOKEN)):
            name = el.xpath(".//*[@itemprop='name']")
            if author_text(name[0] if name else el):
                return name[0] if name else el
    return None


def _author_in(line: str) -> str | None:
    """The name in a meta line: "Posted by Ann | June 4", "Ann on June 4, 2012", "Ann says:"."""
    rest = DATE_IN_TEXT.sub(" ", line)
    m = _BY.search(rest)
    if m:
        return _clean_author(m[1])
    parts = re.split(r"\s(?:on|at|@)\s|\s*[|•·]\s*|\s(?:says|said|wrote)\b", f" {rest} ")
    rest = next((p for p in parts if p.strip()), "")  # "June 4, 2012 | Ann": after the date
    if rest.strip() and (rest != f" {line} " or cs.AUTHOR_NOISE.search(line)):
        name = _clean_author(rest)
        return name if name and not re.search(r"[.!?]$|\d{3}", name) else None
    return None


def author_line(line: str) -> str | None:
    """The name in a signature line ("Ann Lee, Leeds, England", "Posted by Ann | June 4")."""
    line = DATE_IN_TEXT.sub(" ", line)
    if line.count(",") >= 2:  # "Name, town, country" as British news sites sign letters
        line = line.split(",")[0]
    return _author_in(line) or _clean_author(line)


def date_in(line: str) -> str | None:
    """The date in a line of text, as ISO 8601, or None."""
    return find_date(line)


def author_text(el) -> str | None:
    """The commenter's name in an author element, without "says:", dates or links around it."""
    if el is None:
        return None
    text = " ".join(el.text_content().split())
    if _BY.search(text) or DATE_IN_TEXT.search(text):  # "Posted by Ann on 12 March 2011"
        name = _author_in(text)
    else:
        name = _clean_author(text)
    if name is None:
        links = [a for a in el.iter("a") if a.text_content().strip()]
        name = _clean_author(" ".join(links[0].text_content().split())) if links else None
    return name


def _clean_author(s: str) -> str | None:
    """A plausible name from `s`, or None (too long, a placeholder, a label)."""
    # Old Disqus prints the commenter's site before the name; other widgets append
    # "| Posted at 1:13pm" or "added 1 day ago Reply" to it.
    s = cs.AUTHOR_URL.sub("", s)
    s = cs.AUTHOR_TAIL.sub("", s.split("|")[0])
    s = cs.AUTHOR_NOISE.sub("", s).strip(" :|-–—•·,+*~")
    if not s or len(s) > 60 or len(s.split()) > 6 or s.casefold() in cs.PLACEHOLDER_AUTHORS:
        return None
    return s


def _date(item, skip) -> tuple:
    """(date element, ISO date) for the comment: a machine-readable date (<time datetime>,
    itemprop, RDFa content) wins over a date read from a meta element's words."""
    meta = found = None
    for el in _walk(item, skip):
        prop = el.get("itemprop") or ""
        rdfa = el.get("property") or ""  # Drupal: property="dc:date dc:created" content="…"
        if el.tag in ("time", "abbr") or prop in _DATE_PROPS or "date" in rdfa or (
                "created" in rdfa):
            for value in (el.get("datetime"), el.get("content"), el.get("title"),
                          el.text_content()):
                d = find_date(value)
                if d:
                    return el, d
        if found is None and has(el, cs.DATE_TOKEN) and len(el.text_content()) <= _DATE_CHARS:
            # Disqus and wpDiscuz show "5 years ago" and keep the date in the title.
            d = find_date(el.get("title")) or find_date(el.text_content())
            if d:
                found = (el, d)
            meta = el if meta is None else meta
    return found or (meta, None)


def _text_el(item, skip, author_el):
    """The element holding the comment's words, when the markup names one."""
    for el in _walk(item, skip):
        if (el.get("itemprop") in ("text", "commentText") or has(el, cs.TEXT_TOKEN)) and not (
                author_el is not None and inside(author_el, el)) and words(
                el.text_content()) >= 1:
            return el
    return None


def _walk(top, skip):
    """Descendants of `top` in document order, not entering `skip` elements."""
    stack = list(reversed([c for c in top if isinstance(c.tag, str)]))
    while stack:
        el = stack.pop()
        if el in skip:
            continue
        yield el
        stack.extend(reversed([c for c in el if isinstance(c.tag, str)]))


def words(s: str) -> int:
    """Words (runs of letters and digits) in `s`."""
    return len(_WORD.findall(s))


def inside(el, anc) -> bool:
    """Whether `anc` is a proper ancestor of `el`."""
    return any(a is anc for a in el.iterancestors())


def _chrome(el) -> bool:
    return el.tag in cs.CHROME_TAGS or has(el, cs.CHROME_TOKEN)


def paragraphs(top, skip) -> list[str]:
    """Text of `top` as paragraphs (blocks and <br> break them), without skipped subtrees."""
    out: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        s = " ".join("".join(buf).split())
        if s:
            out.append(s)
        buf.clear()

    def walk(el) -> None:
        block = el.tag in _BLOCK_TAGS
        if block:
            flush()
        if el.text:
            buf.append(el.text)
        for child in el:
            if isinstance(child.tag, str) and child not in skip and not _chrome(child):
                walk(child)
            if child.tail:
                buf.append(child.tail)
        if block:
            flush()

    walk(top)
    flush()
    return out


def _tokens(el) -> list[str]:
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower().split()


def has(el, pattern: re.Pattern[str], unless: re.Pattern[str] | None = None) -> bool:
    """Whether a class or id token of `el` matches `pattern` (and not `unless`)."""
    return any(pattern.fullmatch(t) and not (unless and unless.fullmatch(t)) for t in _tokens(el))


def classes(el) -> list[str]:
    """The class tokens of `el`, lower-cased."""
    return (el.get("class") or "").lower().split()
