"""What leaves the tree with a comment thread: its section, heading, forms and notes.

A thread's section is the highest ancestor of its comments that holds little else (a
heading, a form, paging links), more when its class or id names a comment section. Forms
and "no comments yet" boxes go even from pages without comments: they are never article.
"""

from __future__ import annotations

from indexer.extract.boilerplate import THREAD_OPENER, WIDGET_LINE
from indexer.extract.html.comments import systems as cs
from indexer.extract.html.comments.item import classes, has, inside

_EXTRA_IN_SECTION = 1500  # characters of heading, form and pagination around a thread
_EXTRA_PLAIN = 300  # ...around a thread in an unlabelled wrapper
_SIBLING_CHARS = 200  # a note or heading beside a thread is shorter; an article's text longer


def sections_of(tops: list) -> list:
    """The thread elements to detach: each top comment's highest comment-section ancestor.

    An ancestor qualifies while its text beyond the comments it holds stays small (a
    heading, a form, paging), more so when its class or id names a comment section.
    """
    held: dict = {}  # ancestor -> characters of the top comments inside it
    for top in tops:
        size = len(top.text_content())
        for anc in top.iterancestors():
            held[anc] = held.get(anc, 0) + size
    top_set = set(tops)
    fits: dict = {}  # ancestor -> whether it may be detached with its comments
    chosen: set = set()
    for top in tops:
        if any(a in chosen for a in top.iterancestors()):
            continue
        best = top
        for anc in top.iterancestors():
            if anc not in fits:
                allowed = _EXTRA_IN_SECTION if has(anc, cs.SECTION_TOKEN, cs.NOT_SECTION_TOKEN) \
                    else _EXTRA_PLAIN
                fits[anc] = anc.tag not in ("body", "html") and anc.find(".//h1") is None and (
                    len(anc.text_content()) <= held[anc] + allowed) and not _holds_other_text(
                    anc, held, top_set)
            if not fits[anc]:
                break
            best = anc
        chosen.add(best)
    sections = [el for el in chosen if not any(a in chosen for a in el.iterancestors())]
    return sections + _headings(sections)


def _holds_other_text(anc, held: dict, tops: set) -> bool:
    """Whether `anc`, not named a comment section, has a child beside the thread with text
    of its own: a short article's paragraphs or its headline."""
    if has(anc, cs.SECTION_TOKEN, cs.NOT_SECTION_TOKEN):
        return False
    for child in anc:
        if not isinstance(child.tag, str) or child in held or child in tops:
            continue
        if child.tag == "article" or len(child.text_content().strip()) > _SIBLING_CHARS:
            return True
        for h in child.iter("h1", "h2", "h3", "h4"):
            text = " ".join(h.text_content().split()).strip(" .:…•·|")
            if text and not (THREAD_OPENER.fullmatch(text) or WIDGET_LINE.fullmatch(text)):
                return True
    return False


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


def forms_outside(forms: list, sections: list | tuple = ()) -> list:
    """Comment forms and "comments are closed" notes that are not inside a thread already."""
    out: list = []
    for el in forms:
        if len(el.text_content()) > cs.FORM_MAX_CHARS:
            continue
        if any(inside(el, s) or el is s for s in [*sections, *out]):
            continue
        out.append(el)
    return out


def empty_boxes(boxes: list) -> list:
    """Comment sections that only say there are none ("No comments yet. Be the first")."""
    out: list = []
    for el in boxes:
        text = " ".join(el.text_content().split())
        if len(text) <= cs.EMPTY_BOX_CHARS and cs.NO_COMMENTS.match(text) and not any(
                inside(el, o) for o in out):
            out.append(el)
    return out


def detach(el) -> None:
    if el.getparent() is not None:
        el.drop_tree()


def hidden(el, cache: dict) -> bool:
    """Whether `el` or an ancestor is hidden by a style, a "hidden" class or attribute."""
    chain = []
    for a in [el, *el.iterancestors()]:
        if a in cache:
            result = cache[a]
            break
        chain.append(a)
        if (cs.HIDDEN_STYLE.search(a.get("style") or "") or "hidden" in classes(a)
                or a.get("hidden") is not None or a.get("aria-hidden") == "true"):
            result = True
            break
    else:
        result = False
    for a in chain:
        cache[a] = result
    return result
