"""The comment thread at the end of a text dump: where it starts, and its comments.

A thread opens with a widget heading ("12 Comments", "Leave a Reply") or, on sites
without one, after a long break with an author line followed by text. Each comment is
an author line (maybe with a date) and its paragraphs; a comment after a doubled blank
line with no author line is anonymous.
"""

from __future__ import annotations

import re

from indexer.article import Comment
from indexer.extract.boilerplate import BOILERPLATE, THREAD_END
from indexer.extract.text import join_paragraphs
from indexer.extract.textdump.lines import (
    DATE_LABEL,
    Para,
    bare,
    is_label,
    is_thread_opener,
    is_widget_line,
    parse_date,
    person_name,
)

# Names a widget shows when none was given: the comment is anonymous.
_PLACEHOLDER_AUTHORS = frozenset({"anonymous", "guest", "unknown", "anon"})
# "Name says:", "Name wrote": the verb is the widget's, not part of the name.
_AUTHOR_SUFFIX = re.compile(r"\s+(?:says|said|wrote|writes|commented)\s*:?\s*$", re.I)
THREAD_BREAK = 4  # blank lines that set a widget-less comment thread apart from the article


def _author_para(p: Para) -> tuple[str | None, str | None] | None:
    """(author, date) when the paragraph is a comment's author line, else None. Shapes:
    "Name", "Name says:", "Name on June 4, 2019", "Name • 3 years ago", "Name" + date line."""
    head, *more = p.lines
    date = None
    for line in more:
        d = parse_date(DATE_LABEL.sub("", line))
        if not d and not is_widget_line(line):
            return None
        date = date or d
    head = _AUTHOR_SUFFIX.sub("", head)
    parts = re.split(r"\s+(?:on|at|[•·|–—-])\s+", head, maxsplit=1)
    if len(parts) == 2 and (parse_date(parts[1]) or is_widget_line(parts[1])):
        head, date = parts[0], date or parse_date(parts[1])
    if head.casefold() in _PLACEHOLDER_AUTHORS:
        return None, date  # "Guest" is the widget's word for "no name given"
    name = person_name(head)
    return (name, date) if name else None


def _is_author_then_text(paras: list[Para], i: int) -> bool:
    return (i + 1 < len(paras) and _author_para(paras[i]) is not None
            and _author_para(paras[i + 1]) is None and not is_label(paras[i + 1].text))


def _heading_author(lines: tuple[str, ...]) -> tuple[str | None, str | None] | None:
    """The first comment's author when it is glued under the widget's labels: the last
    line ("…\nView all comments\njens holm") or the last two ("Name says:" + a date)."""
    for k in (2, 1):
        found = _author_para(Para(lines[-k:], 1)) if len(lines) > k else None
        if found and found[0]:
            return found
    return None


def _starts_thread(rest: list[Para], i: int) -> bool:
    """What follows a block of labels looks like comments: an author line (glued under the
    labels or next) followed by text, or the labels are widget words."""
    lines, nxt = rest[i].lines, (rest[i + 1] if i + 1 < len(rest) else None)
    # Two labels and a name could be a fact box ("Key facts / Capital Oslo"): a widget
    # known only by the author glued under it needs at least two labels above that name.
    return (any(is_widget_line(x) for x in lines)
            or (len(lines) >= 3 and nxt is not None and _heading_author(lines) is not None
                and _author_para(nxt) is None and not is_label(nxt.text))
            or _is_author_then_text(rest, i + 1))


def find_thread(rest: list[Para]) -> int:
    """Index of the paragraph that starts the comment section (len(rest) when none)."""
    after_body = range(1, len(rest))
    for i in after_body:  # a known widget heading, maybe with a site name or count line
        lines = rest[i].lines
        if any(is_thread_opener(x) for x in lines) and all(
                is_thread_opener(x) or is_widget_line(x) or is_label(x) for x in lines):
            return i
    for i in after_body:  # an unknown widget: labels on consecutive lines after a break
        p = rest[i]
        if (p.gap >= 2 and len(p.lines) >= 2
                and all(is_label(x) or is_widget_line(x) for x in p.lines)
                and not BOILERPLATE.search(p.text) and _starts_thread(rest, i)):
            return i
    # No widget: a break longer than any inside an article, then "name / text". Shorter
    # breaks followed by "Subheading / text" are common in bodies, so they do not count.
    for i in after_body:
        if rest[i].gap >= THREAD_BREAK and _is_author_then_text(rest, i):
            return i
    return len(rest)


def parse_comments(paras: list[Para]) -> list[Comment]:
    """Comments from the widget heading (or first author line) to the end of the thread."""
    comments: list[tuple[str | None, str | None, list[str]]] = []
    pending: tuple[str | None, str | None] | None = None
    for i, p in enumerate(paras):
        if comments and any(THREAD_END.fullmatch(bare(x)) for x in p.lines):
            break
        if i == 0:  # the heading, maybe with the first author under it; or that author
            found = _author_para(p) or _heading_author(p.lines)
            pending = found if found and found[0] and len(paras) > 1 else None
            continue
        lines = [x for x in p.lines if not is_widget_line(x)]
        if not lines:
            continue
        date = parse_date(DATE_LABEL.sub("", p.text)) if len(lines) == 1 else None
        if pending is not None and date:
            pending = (pending[0], pending[1] or date)  # "Name says:" / blank / "June 4, 2019"
            continue
        found = _author_para(Para(tuple(lines), p.gap))
        if found and i + 1 < len(paras) and _author_para(paras[i + 1]) is None:
            pending = found
            continue
        if pending is not None or p.gap >= 2 or not comments:
            author, date = pending or (None, None)
            comments.append((author, date, [" ".join(lines)]))
            pending = None
        else:
            comments[-1][2].append(" ".join(lines))
    return [Comment(join_paragraphs(t), a, d) for a, d, t in comments]
