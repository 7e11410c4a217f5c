"""Comment threads written as one flat run of paragraphs, each comment opened by an anchor.

Movable Type and TypePad themes of the 2000s print
`<a id="c63886394"></a><p>text</p>…<p class="posted">Posted by: Ann | Mar 20, 2007</p>`
straight into the post's container: no element holds a comment, but every comment
starts with an empty anchor named like a comment id. The run between two anchors is
one comment; its signature line gives the author and date.
"""

from __future__ import annotations

import re

from indexer.article import Comment
from indexer.extract.html.comments import systems as cs
from indexer.extract.html.comments.item import author_line, date_in
from indexer.extract.text import clean_line, join_paragraphs

_SIGNED = re.compile(r"^\s*(?:posted|written|submitted|comment(?:ed)?)\s+by\b|^\s*by\s+\S",
                     re.I)
_FORM_HEADING = re.compile(r"^\s*(?:post|leave|add|write)\s+(?:a\s+|your\s+)?(?:comment|reply)",
                           re.I)
_MIN_ANCHORS = 2
_MAX_GROUP = 40  # elements in one comment; more means the run is not a comment


def from_anchors(root) -> tuple[list[Comment], list]:
    """(comments, elements to detach) of a flat anchored thread, or ([], [])."""
    by_parent: dict = {}
    for a in root.iter("a"):
        name = (a.get("id") or a.get("name") or "").lower()
        if name and cs.ITEM_ID.fullmatch(name) and not a.text_content().strip():
            by_parent.setdefault(a.getparent(), []).append(a)
    best: tuple[list[Comment], list] = ([], [])
    for parent, anchors in by_parent.items():
        if parent is None or len(anchors) < _MIN_ANCHORS:
            continue
        found = _thread(parent, set(anchors))
        if len(found[0]) > len(best[0]):
            best = found
    return best


def _thread(parent, anchors: set) -> tuple[list[Comment], list]:
    comments: list[Comment] = []
    used: list = []
    group: list | None = None
    groups: list[list] = []
    after: list = []
    for child in parent:
        if child in anchors:
            group = [child]
            groups.append(group)
        elif group is not None:
            if not isinstance(child.tag, str) or len(group) > _MAX_GROUP:
                continue
            if child.tag in ("h1", "h2", "h3", "h4", "form", "div", "table") and _signed(group):
                group = None  # the thread ended with the last signature
                if _FORM_HEADING.search(child.text_content()[:80]):
                    after.append(child)  # "Post a comment" above the form
                continue
            group.append(child)
    for group in groups:
        comment = _comment(group)
        if comment is None:
            return [], []  # one unreadable run: this is not a thread we understand
        comments.append(comment)
        used.extend(group)
    heading = _heading_before(groups[0][0]) if groups else None
    if heading is not None:
        used.insert(0, heading)
    return comments, used + after[:1]


def _signed(group: list) -> bool:
    return any(_SIGNED.search(el.text_content() or "") for el in group[1:] if
               isinstance(el.tag, str))


def _comment(group: list) -> Comment | None:
    signature = None
    texts: list[str] = []
    for el in group[1:]:
        if not isinstance(el.tag, str):
            continue
        text = clean_line(el.text_content())
        if not text:
            continue
        if signature is None and _SIGNED.search(text) and len(text) < 200:
            signature = text
            continue
        texts.append(text)
    if signature is None or not texts:
        return None
    return Comment(join_paragraphs(texts), author_line(signature), date_in(signature))


def _heading_before(anchor):
    """The thread's own heading ("Comments") just before its first comment, if any."""
    el = anchor.getprevious()
    while el is not None and not isinstance(el.tag, str):
        el = el.getprevious()
    if el is not None and el.tag in ("h2", "h3", "h4") and len(el.text_content()) < 60:
        return el
    return None
