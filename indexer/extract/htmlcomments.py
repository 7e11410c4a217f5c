"""Reader comments in an HTML page: find them, read them, and take them out of the tree.

A comment is an element whose class or id says so (see `commentsystems`), holding text
and usually an author and a date. Comments nested in comments are replies. Wrappers
around one comment ("li.comment > div.comment-body") collapse into the comment they hold.
The thread's section (with its heading, pagination and form) is detached so that the
body extractor never sees it. Anything doubtful is left alone: a false comment on a page
that has none costs more than a missed one.
"""

from __future__ import annotations

import re

from lxml import html

from indexer.article import Comment
from indexer.extract import commentsystems as cs
from indexer.extract.boilerplate import THREAD_OPENER, WIDGET_LINE
from indexer.extract.dates import parse_date
from indexer.extract.text import MAX_COMMENTS, join_paragraphs

_BLOCK_TAGS = frozenset(
    "p div li ul ol blockquote h1 h2 h3 h4 h5 h6 dd dt dl tr table pre section article "
    "header footer aside br hr".split())
# A date inside a longer meta line ("Posted by Ann | June 4, 2012 at 5:32 pm").
_DATE_IN_TEXT = re.compile(
    r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d)?)?"
    r"|(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?\d{4}"
    r"(?:,?\s+(?:at\s+|@\s*|-\s*)?\d{1,2}:\d\d(?:\s*[ap]\.?m\.?)?)?"
    r"|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}(?:,?\s+(?:at\s+|@\s*)?\d{1,2}:\d\d(?:\s*[ap]\.?m\.?)?)?",
    re.I,
)
_BY = re.compile(r"\bby:?\s+([^|•·\n]{2,60}?)(?=\s*(?:[|•·\n]|\s(?:on|at)\s|$))", re.I)
# A link or label that is a button ("Reply", "Report abuse"), never comment text.
_BUTTON = re.compile(
    r"(?:reply(?: to this(?: comment)?)?|report(?: abuse| comment)?|flag|like|dislike|quote"
    r"|permalink|edit|delete|share|recommend|link to this(?: comment)?|\d+\s*(?:likes?|points?"
    r"|votes?)?|[-+↑↓▲▼]+)[\s.:!]*",
    re.I,
)
_WORD = re.compile(r"\w+")
_EXTRA_IN_SECTION = 1500  # characters of heading, form and pagination around a thread
_EXTRA_PLAIN = 300  # ...around a thread in an unlabelled wrapper
_DATE_CHARS = 80  # a date or meta line is short; a longer "comment-meta" holds the text too
_NAME_TAGS = frozenset("h2 h3 h4 h5 h6 strong b".split())
_MAX_GROUPS = 8  # sibling groups tried in unlabelled sections, largest first
_LIST_WORDS = 12  # a comment list's own words ("23 Comments", "Sort by"), fewer than a comment's


def take_comments(root: html.HtmlElement) -> list[Comment]:
    """The page's reader comments in page order; their section is detached from `root`."""
    try:
        comments, sections = _read(root)
        for el in sections:
            _detach(el)
        return comments
    except Exception:  # noqa: BLE001 - one odd page must cost its comments, not the article
        return []


def _tokens(el) -> list[str]:
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower().split()


def _has(el, pattern: re.Pattern[str], unless: re.Pattern[str] | None = None) -> bool:
    return any(pattern.fullmatch(t) and not (unless and unless.fullmatch(t)) for t in _tokens(el))


def _is_item(el) -> bool:
    """One comment's element, by its class, id or itemtype (not a count link or a sidebar)."""
    if not isinstance(el.tag, str) or el.tag not in cs.ITEM_TAGS:
        return False
    itemtype = el.get("itemtype") or ""
    if cs.SCHEMA_COMMENT.search(itemtype):
        return True
    classes = _classes(el)
    if any(cs.ITEM_TOKEN.fullmatch(t) and not cs.NOT_ITEM_TOKEN.fullmatch(t) for t in classes):
        return True
    return bool(cs.ITEM_ID.fullmatch((el.get("id") or "").lower()))


class _Scan:
    """One pass over the page: the elements whose class or id could matter here."""

    def __init__(self, root) -> None:
        self.items: list = []
        self.boxes: list = []
        self.forms: list = []
        self.sidebars: set = set()
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            cls, ident, itemtype = el.get("class"), el.get("id"), el.get("itemtype")
            if not (cls or ident or itemtype):
                continue
            key = f"{cls or ''} {ident or ''} {itemtype or ''}".lower()
            if not cs.SCAN_WORDS.search(key):
                continue
            tokens = key.split()
            # <body class="sidebar-right"> says how the page is laid out, not where.
            if el.tag not in ("body", "html") and any(
                    cs.NOT_THREAD_ANCESTOR.fullmatch(t) for t in tokens):
                self.sidebars.add(el)
            if "post-list" in tokens:
                self.items.extend(li for li in el.iter("li") if "post" in _classes(li))
            if _is_item(el):
                self.items.append(el)
            if any(cs.SECTION_TOKEN.fullmatch(t) and not cs.NOT_SECTION_TOKEN.fullmatch(t)
                   for t in tokens):
                self.boxes.append(el)
            if ident in cs.FORM_IDS or any(t in cs.FORM_CLASSES for t in tokens):
                self.forms.append(el)
        if self.sidebars:
            self.items = [el for el in self.items if not self.in_sidebar(el)]
            self.boxes = [el for el in self.boxes if not self.in_sidebar(el)]

    def in_sidebar(self, el) -> bool:
        return el in self.sidebars or any(a in self.sidebars for a in el.iterancestors())


def _classes(el) -> list[str]:
    return (el.get("class") or "").lower().split()


def _read(root) -> tuple[list[Comment], list]:
    scan = _Scan(root)
    siblings: list = []
    found = _from_items(_unique(scan.items), siblings) if scan.items else []
    if not (found and _plausible([c for _, c in found], [el for el, _ in found], root)):
        siblings = []
        found = _from_lists(scan.boxes, root, siblings)
    if not found:
        return [], _forms(scan.forms) + _empty_boxes(scan.boxes)
    sections = _sections([el for el, c in found if c.parent is None])
    sections += [el for el in siblings if not any(_inside(el, s) for s in sections)]
    sections += _forms(scan.forms, sections)
    # A thread the page hides (a closed tab, a pop-up, a template) is not shown to its
    # readers; it goes from the tree but not into the index.
    hidden: dict = {}
    if sum(_hidden(el, hidden) for el, _ in found) * 2 > len(found):
        return [], sections
    return [c for _, c in found][:MAX_COMMENTS], sections


def _hidden(el, cache: dict) -> bool:
    """Whether `el` or an ancestor is hidden by a style, a "hidden" class or attribute."""
    chain = []
    for a in [el, *el.iterancestors()]:
        if a in cache:
            result = cache[a]
            break
        chain.append(a)
        if (cs.HIDDEN_STYLE.search(a.get("style") or "") or "hidden" in _classes(a)
                or a.get("hidden") is not None or a.get("aria-hidden") == "true"):
            result = True
            break
    else:
        result = False
    for a in chain:
        cache[a] = result
    return result


def _unique(els: list) -> list:
    """In document order, each once (a Disqus post can be found twice)."""
    seen: set = set()
    return [el for el in els if not (el in seen or seen.add(el))]


def _from_items(items: list, siblings: list) -> list:
    """(element, Comment) for the comment elements among the candidates, parents set."""
    kept, parents = _collapse(items)
    kept_set = set(kept)
    found = []
    for el in kept:
        skip = kept_set - {el}
        c = _comment(el, skip, _author_el(el, skip), siblings)
        if c is not None:
            found.append((el, c))
    index = {el: i for i, (el, _) in enumerate(found)}
    comments = []
    for el, c in found:
        p = parents.get(el)
        while p is not None and p not in index:  # a reply to a dropped item: to its parent
            p = parents.get(p)
        comments.append(Comment(c.text, c.author, c.published, index.get(p)))
    return [(el, c) for (el, _), c in zip(found, comments, strict=True)]


def _from_lists(boxes: list, root, siblings: list) -> list:
    """Comments in a comment section without comment classes: repeated sibling blocks
    ("div.item" after "div.item") in an element whose class or id names the section,
    most of them signed by an author or dated. The largest plausible group wins."""
    groups: list = []
    seen: set = set()
    for box in boxes:
        for parent in [box, *box.iterchildren()]:
            if not isinstance(parent.tag, str) or parent in seen:
                continue
            seen.add(parent)
            by_shape: dict = {}
            for child in parent:
                if isinstance(child.tag, str) and child.tag in cs.ITEM_TAGS:
                    by_shape.setdefault((child.tag, child.get("class")), []).append(child)
            groups.extend(g for g in by_shape.values() if len(g) >= 2)
    for group in sorted(groups, key=len, reverse=True)[:_MAX_GROUPS]:
        if sum(_all_links(el) for el in group) * 2 > len(group):
            continue  # a list of links to stories ("More from our writers"), not comments
        used: list = []
        found = [(el, c) for el in group
                 if (c := _comment(el, set(), _author_el(el, set()), used)) is not None]
        signed = sum(c.author is not None or c.published is not None for _, c in found)
        if len(found) >= 2 and signed * 4 >= len(group) * 3 and _plausible(
                [c for _, c in found], [el for el, _ in found], root):
            siblings.extend(used)
            return found
    return []


def _all_links(el) -> bool:
    """Whether nearly all of the element's text is link text."""
    total = len(el.text_content().strip())
    linked = sum(len(a.text_content().strip()) for a in el.iter("a"))
    return total > 0 and linked * 10 >= total * 9


def _collapse(items: list) -> tuple[list, dict]:
    """The comments among the candidates, and each one's parent comment (None at top).

    The outermost candidates are comments, unless one holds two or more candidates of
    another shape and little text of its own: then it is the list, and those are the
    comments. Candidates inside a comment are replies when they have the shape of a
    comment ("li.comment" in "li.comment"), otherwise parts of it ("div.comment-body").
    """
    item_set = set(items)
    up = {el: next((a for a in el.iterancestors() if a in item_set), None) for el in items}
    kids: dict = {}
    for el in items:
        kids.setdefault(up[el], []).append(el)
    shapes = {el: _shape(el) for el in items}
    tops: list = []
    todo = list(kids.get(None, []))
    while todo:
        el = todo.pop(0)
        inner = kids.get(el, [])
        counts: dict = {}
        for k in inner:
            counts[shapes[k]] = counts.get(shapes[k], 0) + 1
        most = max((n for sh, n in counts.items() if sh != shapes[el]), default=0)
        if most >= 2 and _is_list(el, inner, most):
            todo[:0] = inner
        else:
            tops.append(el)
    comment_shapes = {shapes[el] for el in tops}
    top_set = set(tops)
    comments = [el for el in items if el in top_set or (
        shapes[el] in comment_shapes and any(a in top_set for a in el.iterancestors()))]
    kept = set(comments)
    parents = {}
    for el in comments:
        p = up[el]
        while p is not None and p not in kept:
            p = up[p]
        parents[el] = p if el not in top_set else None
    return comments, parents


def _is_list(el, inner: list, repeats: int) -> bool:
    """A comment list rather than a comment: little text of its own around the comments
    (a heading, sort and paging links), or, around three or more, a small share of it."""
    own = _words(" ".join(_paragraphs(el, set(inner))))
    if own < _LIST_WORDS:
        return True
    return repeats >= 3 and own * 4 < sum(_words(k.text_content()) for k in inner)


def _shape(el) -> tuple:
    """What comments of one thread share: the tag and the comment-marking class tokens."""
    classes = _classes(el)
    marks = sorted(t for t in classes if cs.ITEM_TOKEN.fullmatch(t) or t == cs.DISQUS_ITEM)
    return el.tag, tuple(marks), bool(cs.ITEM_ID.fullmatch((el.get("id") or "").lower()))


def _walk(top, skip):
    """Descendants of `top` in document order, not entering `skip` elements or chrome."""
    stack = list(reversed([c for c in top if isinstance(c.tag, str)]))
    while stack:
        el = stack.pop()
        if el in skip:
            continue
        yield el
        stack.extend(reversed([c for c in el if isinstance(c.tag, str)]))


def _author_el(item, skip):
    """The first author element of `item` with a usable name, outside `skip` subtrees."""
    for el in _walk(item, skip):
        prop = el.get("itemprop") or ""
        if prop in ("author", "creator") or el.tag == "cite" or (
                el.tag == "a" and "profile" in (el.get("title") or "").lower()) or (
                el.tag != "img" and _has(el, cs.AUTHOR_TOKEN) and not _has(
                    el, cs.NOT_AUTHOR_TOKEN)):
            name = el.xpath(".//*[@itemprop='name']")
            if _author_text(name[0] if name else el):
                return name[0] if name else el
    return None


def _words(s: str) -> int:
    return len(_WORD.findall(s))


def _comment(item, skip, author_el, siblings: list) -> Comment | None:
    """The comment in `item`; header and footer siblings it reads are added to `siblings`."""
    author = _author_text(author_el)
    date_el, published = _date(item, skip)
    header = _header(item, skip)
    if header is not None:
        # Blogger, Thesis and older blogs: "<dt>Ann said...</dt><dd>text</dd>", the
        # author and date beside the text rather than in it.
        author = author or _author_text(_author_el(header, skip)) or _author_in(
            " ".join(header.text_content().split()))
        published = published or _parse(header.text_content())
        siblings.append(header)
    after = item.getnext()
    if after is not None and after not in skip and isinstance(after.tag, str) and _has(
            after, cs.DATE_TOKEN) and len(after.text_content()) <= _DATE_CHARS * 2:
        # A footer line after the text: "Posted by: Ann | January 14, 2008 08:21 PM".
        line = " ".join(after.text_content().split())
        published = published or _parse(line)
        author = author or _author_in(line)
        siblings.append(after)
    parts = skip | {e for e in (author_el, date_el) if e is not None}
    text_el = _text_el(item, parts, author_el)
    if author is None:
        author_el = _title_author(item, parts, text_el)
        author = _author_text(author_el)
        parts |= {author_el} if author else set()
    if text_el is not None:
        paras = _paragraphs(text_el, parts)
        meta = _paragraphs(item, parts | {text_el})
    else:
        paras = _paragraphs(item, parts)
        meta = [p for p in {*paras[:2], *paras[2:][-1:]} if _words(p) <= 15 and (
            _DATE_IN_TEXT.search(p) or _BY.search(p) or cs.AUTHOR_NOISE.search(p))]
        paras = [p for p in paras if p not in meta]
    for el in (date_el, author_el):  # "Posted by Ann on 12 March 2011": a date in the byline
        if el is not None:
            meta.insert(0, " ".join(el.text_content().split()))
    for line in meta:
        if author is None:
            author = _author_in(line)
        if published is None:
            published = _parse(line) if len(line) < 200 else None
    paras = [p for p in paras if not _BUTTON.fullmatch(p) and p != author]
    text = join_paragraphs(paras)
    if _words(text) < 1 or (cs.NO_COMMENTS.match(text) and _words(text) < 15):
        return None
    return Comment(text, author, published, None)


def _header(item, skip):
    """The element just before a comment that holds its author and date, if there is one."""
    before = item.getprevious()
    if before is None or before in skip or not isinstance(before.tag, str):
        return None
    if before.tag == "dt" or (before.tag not in ("dd", "li") and (
            _has(before, cs.AUTHOR_TOKEN) or _has(before, cs.DATE_TOKEN))):
        return before if len(before.text_content()) <= _DATE_CHARS * 2 else None
    return None


def _title_author(item, skip, text_el):
    """A short heading or bold name before the comment's text ("<h4>Fabio</h4>")."""
    for el in _walk(item, skip):
        if el is text_el:
            return None
        if el.tag in _NAME_TAGS:
            text = " ".join(el.text_content().split())
            if 0 < len(text) <= 40 and len(text.split()) <= 4 and not WIDGET_LINE.fullmatch(
                    text.strip(" .:…•·|")) and not _DATE_IN_TEXT.search(text):
                return el
            return None
    return None


def _author_in(line: str) -> str | None:
    """The name in a meta line: "Posted by Ann | June 4", "Ann on June 4, 2012", "Ann says:"."""
    m = _BY.search(line)
    if m:
        return _clean_author(m[1])
    rest = _DATE_IN_TEXT.sub(" ", line)
    rest = re.split(r"\s(?:on|at|@)\s|\s*[|•·]\s*|\s(?:says|said|wrote)\b", f" {rest} ")[0]
    if rest.strip() and (rest != f" {line} " or cs.AUTHOR_NOISE.search(line)):
        name = _clean_author(rest)
        return name if name and not re.search(r"[.!?]$|\d{3}", name) else None
    return None


def _author_text(el) -> str | None:
    if el is None:
        return None
    text = " ".join(el.text_content().split())
    if _BY.search(text) or _DATE_IN_TEXT.search(text):  # "Posted by Ann on 12 March 2011"
        name = _author_in(text)
    else:
        name = _clean_author(text)
    if name is None:
        links = [a for a in el.iter("a") if a.text_content().strip()]
        name = _clean_author(" ".join(links[0].text_content().split())) if links else None
    return name


def _clean_author(s: str) -> str | None:
    s = cs.AUTHOR_NOISE.sub("", s).strip(" :|-–—•·,")
    if not s or len(s) > 60 or len(s.split()) > 6 or s.casefold() in cs.PLACEHOLDER_AUTHORS:
        return None
    return s


def _date(item, skip) -> tuple:
    """(date element, ISO date) for the comment, from <time>, itemprop or a meta element."""
    meta = None
    for el in _walk(item, skip):
        prop = el.get("itemprop") or ""
        if el.tag in ("time", "abbr") or prop in ("dateCreated", "datePublished", "commentTime"):
            for value in (el.get("datetime"), el.get("content"), el.get("title"),
                          el.text_content()):
                d = _parse(value)
                if d:
                    return el, d
        if _has(el, cs.DATE_TOKEN) and len(el.text_content()) <= _DATE_CHARS:
            # Disqus and wpDiscuz show "5 years ago" and keep the date in the title.
            d = _parse(el.get("title")) or _parse(el.text_content())
            if d:
                return el, d
            meta = el if meta is None else meta
    return meta, None


def _parse(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(value.split())
    d = parse_date(value) if len(value) <= 40 else None
    if d:
        return d
    m = _DATE_IN_TEXT.search(value)
    return parse_date(m[0]) if m else None


def _text_el(item, skip, author_el):
    """The element holding the comment's words, when the markup names one."""
    for el in _walk(item, skip):
        if (el.get("itemprop") in ("text", "commentText") or _has(el, cs.TEXT_TOKEN)) and not (
                author_el is not None and _inside(author_el, el)) and _words(
                el.text_content()) >= 1:
            return el
    return None


def _inside(el, anc) -> bool:
    return any(a is anc for a in el.iterancestors())


def _chrome(el) -> bool:
    return el.tag in cs.CHROME_TAGS or _has(el, cs.CHROME_TOKEN)


def _paragraphs(top, skip) -> list[str]:
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


def _plausible(comments: list[Comment], els: list, root) -> bool:
    """Enough evidence that these are reader comments, not a stray "comment" class.

    A thread of one or two comments must be signed: a lone comment by an author on a
    date, two by authors. Unsigned blocks that few are boxes and forms ("Your question
    to the community", "Be the first to comment").
    """
    if not comments:
        return False
    words = sum(_words(c.text) for c in comments)
    if words < 4 and not all(c.author for c in comments):
        return False
    if len(comments) == 1 and (comments[0].author is None or comments[0].published is None):
        return False
    if len(comments) == 2 and all(c.author is None for c in comments):
        return False
    if any(el.find(".//h1") is not None for el in els):
        return False  # the headline lives in the article, never in a comment
    if len(comments) < 3:
        page = _words(root.text_content())
        return words * 2 < page
    return True


def _sections(tops: list) -> list:
    """The thread elements to detach: each top comment's highest comment-section ancestor."""
    sections: list = []
    for top in tops:
        if any(_inside(top, s) for s in sections):
            continue
        best = top
        for anc in top.iterancestors():
            if anc.tag in ("body", "html") or anc.find(".//h1") is not None:
                break
            inside = sum(len(t.text_content()) for t in tops if _inside(t, anc))
            size = len(anc.text_content())
            allowed = _EXTRA_IN_SECTION if _has(anc, cs.SECTION_TOKEN, cs.NOT_SECTION_TOKEN) \
                else _EXTRA_PLAIN
            if size > inside + allowed:
                break
            best = anc
        sections = [s for s in sections if not _inside(s, best)] + [best]
    return sections + _headings(sections)


def _headings(sections: list) -> list:
    """Headings just before a thread ("23 Comments", "Leave a Reply")."""
    out = []
    for s in sections:
        prev = s.getprevious()
        for _ in range(3):
            if prev is None or not isinstance(prev.tag, str):
                break
            text = " ".join(prev.text_content().split()).strip(" .:…•·|")
            if len(text) > 80:
                break
            if text and (THREAD_OPENER.fullmatch(text) or WIDGET_LINE.fullmatch(text)):
                out.append(prev)
            prev = prev.getprevious()
    return out


def _forms(forms: list, sections: list | tuple = ()) -> list:
    """Comment forms and "comments are closed" notes that are not inside a thread already."""
    out: list = []
    for el in forms:
        if len(el.text_content()) > cs.FORM_MAX_CHARS:
            continue
        if any(_inside(el, s) or el is s for s in [*sections, *out]):
            continue
        out.append(el)
    return out


def _empty_boxes(boxes: list) -> list:
    """Comment sections that only say there are none ("No comments yet. Be the first")."""
    out: list = []
    for el in boxes:
        text = " ".join(el.text_content().split())
        if len(text) <= cs.EMPTY_BOX_CHARS and cs.NO_COMMENTS.match(text) and not any(
                _inside(el, o) for o in out):
            out.append(el)
    return out


def _detach(el) -> None:
    if el.getparent() is not None:
        el.drop_tree()
