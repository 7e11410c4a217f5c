"""Comment threads printed as loose text after a "Comments" heading, with no element per
comment: 2008-era news sites wrote `<b>Ann</b><br>text<br><br><hr>` or
`text<br><b>Posted by Ann on January 6, 2008 2:09 PM</b>` straight into the page.

The run after the heading is read as lines; a thread is two or more comments split at
rules (<hr>), each opened by a short name line, or split after signature lines.
Anything less regular is left alone: the body extractor keeps it.
"""

from __future__ import annotations

import re

from indexer.article import Comment
from indexer.extract.html.body import blocks_of
from indexer.extract.html.comments.item import author_line, date_in
from indexer.extract.text import clean_line, join_paragraphs

# A thread's heading: "Comments", "23 Comments", "Reader comments", "Your say", "Talkback".
_HEADING = re.compile(
    r"^\s*(?:\d+\s+)?(?:reader\s+|user\s+|latest\s+|recent\s+)?"
    r"(?:comments?|responses?|talkbacks?|your\s+(?:say|views|comments)|have\s+your\s+say|"
    r"what\s+you\s+(?:think|said))\b(?:\s*\(\d+\))?(?:\s+(?:on|to)\s+this\s+\w+)?"
    r"(?:\s+are\s+now\s+closed.{0,30})?\W*$", re.I)
_HEADING_TAGS = ("h2", "h3", "h4", "h5", "b", "strong", "div", "span", "p", "td")
_SIGNATURE = re.compile(r"^\s*(?:posted|written|submitted)\s+(?:by|on)\b", re.I)
# Links printed under each comment, not its text.
_BUTTON = re.compile(r"^(?:report(?: this comment| abuse)?|reply(?: to this comment)?|flag|"
                     r"quote|permalink|link to this|recommend|share|top)\W{0,3}$", re.I)
_SOURCE_BREAK = re.compile(r"[\n\r\t]")
_BLOCK = frozenset("p div h1 h2 h3 h4 h5 h6 ul ol li table tr td blockquote dl dt dd".split())
_RULE = "\u2063"  # an <hr> in the linear text (a character clean_line keeps)
_MAX_NAME_WORDS = 6
_MIN_COMMENTS = 2
_MAX_COMMENT_CHARS = 5000


def from_runs(root) -> tuple[list[Comment], list]:
    """(comments, elements to detach) of a loose thread after a comments heading."""
    for heading in root.iter(*_HEADING_TAGS):
        text = heading.text_content()
        if len(text) > 60 or not _HEADING.match(text):
            continue
        if heading.tag in ("div", "span", "p", "td") and len(heading):
            continue  # a wrapper, not a heading
        siblings = list(heading.itersiblings())
        if any(isinstance(el.tag, str) and (el.tag == "h1" or el.find(".//h1") is not None)
               for el in siblings):
            continue  # an article follows: this "Comments" is a link above it
        comments = _comments(_lines(heading, siblings))
        if len(comments) >= _MIN_COMMENTS and all(
                2 <= len(c.text.split()) and len(c.text) <= _MAX_COMMENT_CHARS
                for c in comments):
            for el in (heading, *siblings):
                el.tail = None  # the comments' text lives in tails; it goes with them
            return comments, [heading, *siblings]
    return [], []


def _lines(heading, siblings: list) -> list[str]:
    """The run after the heading as lines, rules kept as markers."""
    parts: list[str] = [_flat(heading.tail)]
    for el in siblings:
        if not isinstance(el.tag, str):
            parts.append(_flat(el.tail))
            continue
        if el.tag == "hr":
            parts.append(f"\n{_RULE}\n")
        elif el.tag == "br":
            parts.append("\n")
        elif el.tag in ("form", "script", "style", "input", "textarea", "button", "select"):
            pass
        elif el.tag in _BLOCK:
            parts.append("\n" + "\n".join(b.text for b in blocks_of(el)) + "\n")
        else:
            parts.append(_flat(el.text_content()))
        parts.append(_flat(el.tail))
    return [line for line in (clean_line(x) for x in "".join(parts).split("\n"))
            if not _BUTTON.match(line)]


def _flat(text: str | None) -> str:
    """Source line breaks are spaces in HTML; only <br>, blocks and rules break lines."""
    return _SOURCE_BREAK.sub(" ", text or "")


def _comments(lines: list[str]) -> list[Comment]:
    if lines.count(_RULE) >= _MIN_COMMENTS:
        found = _by_rules(lines)
        if found:
            return found
    return _by_signatures([line for line in lines if line != _RULE])


def _by_rules(lines: list[str]) -> list[Comment]:
    """Chunks between <hr>s, each "Name" then text."""
    comments: list[Comment] = []
    chunk: list[str] = []
    for line in [*lines, _RULE]:
        if line != _RULE:
            if line:
                chunk.append(line)
            continue
        if chunk:
            name, text = chunk[0], chunk[1:]
            if len(name.split()) > _MAX_NAME_WORDS or name.endswith(".") and len(name.split()) > 3 \
                    or not text:
                return []  # not "name, then text": not a thread this reader understands
            comments.append(Comment(join_paragraphs(text), author_line(name)))
        chunk = []
    return comments


def _by_signatures(lines: list[str]) -> list[Comment]:
    """Text lines, each comment closed by "Posted by Ann on January 6, 2008"."""
    comments: list[Comment] = []
    text: list[str] = []
    for line in lines:
        if not line:
            continue
        if _SIGNATURE.search(line) and len(line) < 200:
            author, published = author_line(line), date_in(line)
            if not text or author is None or published is None:
                return []  # a signature names its writer and when they wrote
            comments.append(Comment(join_paragraphs(text), author, published))
            text = []
        else:
            text.append(line)
    return comments
