"""Comment threads without comment classes, and whether a found thread is believable.

Many older pages mark only the section ("div#comments"), not each comment. There a
thread is a run of repeated sibling blocks, most signed or dated ("div.item" after
"div.item"), or alternating text and signature lines ("<p>text</p><p>Ann, Leeds</p>").
"""

from __future__ import annotations

from indexer.article import Comment
from indexer.extract.html.comments import systems as cs
from indexer.extract.html.comments.item import (
    author_element,
    author_line,
    date_in,
    paragraphs,
    read_comment,
    words,
)
from indexer.extract.text import join_paragraphs

_LINKED_TENTHS = 8  # a teaser is nearly all link text (headline, writer); a comment is not
_MAX_GROUPS = 8  # sibling groups tried in unlabelled sections, largest first
_SIGNATURE_WORDS = 10  # "Ann Lee, Leeds, England" under a comment; longer is text


def from_lists(boxes: list, root, siblings: list) -> list:
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
        used: list = []
        found = [(el, c) for el in group
                 if (c := read_comment(el, set(), author_element(el, set()), used)) is not None]
        signed = sum(c.author is not None or c.published is not None for _, c in found)
        if len(found) >= 2 and signed * 4 >= len(group) * 3 and plausible(
                [c for _, c in found], [el for el, _ in found], root):
            siblings.extend(used)
            return found
    return []


def plausible(comments: list[Comment], els: list, root) -> bool:
    """Enough evidence that these are reader comments, not a stray "comment" class.

    A thread of one or two comments must be signed: a lone comment by an author on a
    date, two by authors. Unsigned blocks that few are boxes and forms ("Your question
    to the community", "Be the first to comment").
    """
    if not comments:
        return False
    total = sum(words(c.text) for c in comments)
    if total < 4 and not all(c.author for c in comments):
        return False
    if len(comments) == 1 and (comments[0].author is None or comments[0].published is None):
        return False
    if len(comments) == 2 and all(c.author is None for c in comments):
        return False
    if any(el.find(".//h1") is not None for el in els):
        return False  # the headline lives in the article, never in a comment
    if sum(_all_links(el, c.text) for el, c in zip(els, comments, strict=True)) * 2 > len(els):
        return False  # links to stories ("Comment: …" opinion pieces), not comments
    if len(comments) < 3:
        page = words(root.text_content())
        return total * 2 < page
    return True


def _all_links(el, text: str) -> bool:
    """Whether nearly all of a comment's text is the text of links in its element."""
    total = len("".join(text.split()))
    linked = 0
    for a in el.iter("a"):
        words_of_link = " ".join(a.text_content().split())
        if words_of_link and words_of_link in text:
            linked += len("".join(words_of_link.split()))
    return total > 0 and linked * 10 >= total * _LINKED_TENTHS


def from_pairs(boxes: list, root, siblings: list) -> list:
    """Comments written as text blocks each followed by a short signature line, in a comment
    section or one or two levels inside it; the signatures go into `siblings`."""
    for box in boxes:
        for parent in [box, *box.iterchildren(), *(g for c in box for g in c)]:
            if not isinstance(parent.tag, str):
                continue
            found, signatures = _pairs(parent)
            if found and plausible([c for _, c in found], [el for el, _ in found], root):
                siblings.extend(signatures)
                return found
    return []


def _pairs(parent) -> tuple[list, list]:
    """(element, Comment) for each text-and-signature pair among the children, and the
    signatures; empty when the children do not alternate so."""
    seq = [c for c in parent if isinstance(c.tag, str) and c.text_content().strip()]
    shapes = [(c.tag, c.get("class")) for c in seq]
    for start in range(max(0, len(seq) - 3)):
        text_shape, sign_shape = shapes[start], shapes[start + 1]
        if text_shape == sign_shape:
            continue
        end = start
        while end + 1 < len(seq) and shapes[end] == text_shape and shapes[end + 1] == sign_shape:
            end += 2
        pairs = [(seq[i], seq[i + 1]) for i in range(start, end, 2)]
        if len(pairs) < 2 or any(
                words(s.text_content()) > _SIGNATURE_WORDS for _, s in pairs) or sum(
                words(t.text_content()) for t, _ in pairs) <= sum(
                words(s.text_content()) for _, s in pairs):
            continue
        found = []
        for text_el, sign in pairs:
            line = " ".join(sign.text_content().split())
            text = join_paragraphs(paragraphs(text_el, set()))
            author = author_line(line)
            if not text or author is None:
                return [], []
            found.append((text_el, Comment(text, author, date_in(line), None)))
        return found, [sign for _, sign in pairs]
    return [], []
