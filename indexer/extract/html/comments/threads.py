"""Reader comments in an HTML page: find them, read them, and take them out of the tree.

A comment is an element whose class or id says so (see `systems`), holding text
and usually an author and a date (read by `item`). Comments nested in
comments are replies; wrappers around one comment ("li.comment > div.comment-body")
collapse into it. Sections without such classes count when they hold repeated sibling
blocks that are signed or dated. The thread's section, with its heading, pagination and
form, is detached so that the body extractor never sees it. Anything doubtful is left
alone: a false comment on a page that has none costs more than a missed one.
"""

from __future__ import annotations

import itertools

from lxml import html

from indexer.article import Comment
from indexer.extract.html.comments import systems as cs
from indexer.extract.html.comments.anchored import from_anchors
from indexer.extract.html.comments.item import (
    author_element,
    classes,
    has,
    inside,
    paragraphs,
    read_comment,
    words,
)
from indexer.extract.html.comments.lists import from_lists, from_pairs, plausible
from indexer.extract.html.comments.loose import from_runs
from indexer.extract.html.comments.sections import (
    detach,
    empty_boxes,
    forms_outside,
    hidden,
    sections_of,
)
from indexer.extract.text import MAX_COMMENTS

_REPLY_WRAPPER_DEPTH = 2  # a reply sits in its wrapper, or in a list inside it
_LIST_WORDS = 12  # a comment list's own words ("23 Comments", "Sort by"), fewer than a comment's

def take_comments(root: html.HtmlElement) -> list[Comment]:
    """The page's reader comments in page order; their section is detached from `root`."""
    try:
        comments, sections = _read(root)
        for el in sections:
            detach(el)
        return comments
    except Exception:  # noqa: BLE001 - one odd page must cost its comments, not the article
        return []


def _is_item(el) -> bool:
    """One comment's element, by its class, id or itemtype (not a count link or a sidebar)."""
    if not isinstance(el.tag, str) or el.tag not in cs.ITEM_TAGS:
        return False
    itemtype = el.get("itemtype") or ""
    if cs.SCHEMA_COMMENT.search(itemtype):
        return True
    tokens = classes(el)
    if any(cs.ITEM_TOKEN.fullmatch(t) and not cs.NOT_ITEM_TOKEN.fullmatch(t) for t in tokens):
        return True
    return bool(cs.ITEM_ID.fullmatch((el.get("id") or "").lower()))


class _Scan:
    """One pass over the page: the elements whose class or id could matter here."""

    def __init__(self, root) -> None:
        self.items: list = []
        self.boxes: list = []
        self.forms: list = []
        self.sidebars: set = set()
        self._under: dict = {}
        by_id: dict = {}  # old table layouts repeat id="commentBody" once per comment
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
                self.items.extend(li for li in el.iter("li") if "post" in classes(li))
            if _is_item(el):
                self.items.append(el)
            elif ident and el.tag in cs.ITEM_TAGS and cs.ITEM_TOKEN.fullmatch(ident.lower()):
                by_id.setdefault(ident, []).append(el)
            if any(cs.SECTION_TOKEN.fullmatch(t) and not cs.NOT_SECTION_TOKEN.fullmatch(t)
                   for t in tokens):
                self.boxes.append(el)
            if ident in cs.FORM_IDS or any(t in cs.FORM_CLASSES for t in tokens):
                self.forms.append(el)
        repeated = [el for els in by_id.values() if len(els) >= 2 for el in els]
        if repeated:
            order = {el: n for n, el in enumerate(root.iter())}
            self.items = sorted([*self.items, *repeated], key=order.__getitem__)
        if self.sidebars:
            self.items = [el for el in self.items if not self.in_sidebar(el)]
            self.boxes = [el for el in self.boxes if not self.in_sidebar(el)]

    def in_sidebar(self, el) -> bool:
        """Whether `el` is in a sidebar; answers are remembered for every element passed."""
        chain = []
        result = False
        for a in (el, *el.iterancestors()):
            if a in self._under:
                result = self._under[a]
                break
            chain.append(a)
            if a in self.sidebars:
                result = True
                break
        for a in chain:
            self._under[a] = result
        return result


def _read(root) -> tuple[list[Comment], list]:
    scan = _Scan(root)
    siblings: list = []
    found = _from_items(_unique(scan.items), siblings) if scan.items else []
    if not (found and plausible([c for _, c in found], [el for el, _ in found], root)):
        siblings = []
        found = from_lists(scan.boxes, root, siblings) or from_pairs(scan.boxes, root, siblings)
    if not found:
        flat, used = from_anchors(root)
        if len(flat) >= 2:  # Movable Type / TypePad: a flat run opened by comment anchors
            return flat[:MAX_COMMENTS], used + forms_outside(scan.forms)
        flat, used = from_runs(root)
        if flat:  # loose text after a "Comments" heading (2008-era news sites)
            return flat[:MAX_COMMENTS], used + forms_outside(scan.forms, used)
        return [], forms_outside(scan.forms) + empty_boxes(scan.boxes)
    sections = sections_of([el for el, c in found if c.parent is None])
    sections += [el for el in siblings if not any(inside(el, s) for s in sections)]
    sections += forms_outside(scan.forms, sections)
    # A thread the page hides (a closed tab, a pop-up, a template) is not shown to its
    # readers; it goes from the tree but not into the index.
    seen: dict = {}
    if sum(hidden(el, seen) for el, _ in found) * 2 > len(found):
        return [], sections
    return [c for _, c in found][:MAX_COMMENTS], sections


def _unique(els: list) -> list:
    """In document order, each once (a Disqus post can be found twice)."""
    seen: set = set()
    return [el for el in els if not (el in seen or seen.add(el))]


def _from_items(items: list, siblings: list) -> list:
    """(element, Comment) for the comment elements among the candidates, parents set."""
    kept, parents = _collapse(items)
    kept_set = set(kept)
    found = []
    for el in kept:  # the other comments are skipped inside this one (its replies)
        c = read_comment(el, kept_set, author_element(el, kept_set), siblings)
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
        parents[el] = p if el not in top_set else _replied_beside(el, kept)
    return comments, parents


def _replied_beside(el, kept: set):
    """The comment a reply answers when replies follow it in a wrapper of their own
    (Drupal: <div class="comment">…</div><div class="indented"><div class="comment">)."""
    for anc in itertools.islice(el.iterancestors(), _REPLY_WRAPPER_DEPTH):
        if not has(anc, cs.REPLIES_TOKEN):
            continue
        before = anc.getprevious()
        while before is not None and (not isinstance(before.tag, str) or has(
                before, cs.REPLIES_TOKEN) or before.tag == "a"):
            before = before.getprevious()  # over anchors and the wrappers of earlier replies
        return before if before in kept else None
    return None


def _is_list(el, inner: list, repeats: int) -> bool:
    """A comment list rather than a comment: little text of its own around the comments
    (a heading, sort and paging links), or, around three or more, a small share of it."""
    own = words(" ".join(paragraphs(el, set(inner))))
    if own < _LIST_WORDS:
        return True
    return repeats >= 3 and own * 4 < sum(words(k.text_content()) for k in inner)


def _shape(el) -> tuple:
    """What comments of one thread share: the tag and the comment-marking class tokens."""
    marks = sorted(t for t in classes(el) if cs.ITEM_TOKEN.fullmatch(t) or t == cs.DISQUS_ITEM)
    return el.tag, tuple(marks), bool(cs.ITEM_ID.fullmatch((el.get("id") or "").lower()))
