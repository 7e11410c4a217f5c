"""The article's running text in a cleaned page: blocks, a scored container, filtered blocks.

One walk over the tree turns it into text blocks, each owned by its innermost block
element and knowing how much of it is link text. Paragraph scores flow up to their
containers (readability's rule: the parent in full, the grandparent half), weighted by
link density and class/id words; the best container and its content-like siblings hold
the article. Its blocks are then filtered one by one (boilerplate lines, link lists,
bylines, captions), which is what readability lacks and trafilatura does with XPaths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from indexer.extract.boilerplate import FURNITURE_LINE
from indexer.extract.dates import parse_date
from indexer.extract.html import rules

_TWINS_GAIN = 0.5  # repeated wrappers must add half the best container's prose again
# Source line breaks are spaces in HTML; only <br> breaks a line (it is "\x00" until the end).
_SPACE = re.compile(r"[ \t\n\r\f\v\u00a0\u200b\u2009\u202f\u3000]+")
_SEPARATED = re.compile(r"\s+[|\u00b7\u2022]\s+")
_BREAKS = re.compile(r" *\x00[ \x00]*")


@dataclass(slots=True)
class Block:
    text: str
    links: int  # characters of it inside <a>
    owner: etree._Element
    caption: bool = False
    heading: bool = False


def blocks_of(root: etree._Element) -> list[Block]:
    """Text blocks of the tree in document order; <br> becomes a line break inside a block."""
    blocks: list[Block] = []
    stack: list[etree._Element] = []
    parts: list[str] = []
    link_chars = 0
    in_link = 0
    in_caption = 0

    def flush(owner: etree._Element | None) -> None:
        nonlocal parts, link_chars
        if parts and owner is not None:
            text = _BREAKS.sub(_breaks, _SPACE.sub(" ", "".join(parts))).strip()
            if text:
                tag = owner.tag if isinstance(owner.tag, str) else ""
                blocks.append(Block(text, link_chars, owner, in_caption > 0,
                                    tag in rules.HEADING_TAGS))
        parts = []
        link_chars = 0

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in rules.BLOCK_TAGS:
                flush(stack[-1] if stack else None)
                stack.append(el)
                if tag == "figcaption" or (tag != "body" and _is_caption(el)):
                    in_caption += 1
            elif tag == "br":
                parts.append("\x00")
            elif tag == "a":
                in_link += 1
            if el.text:
                parts.append(el.text)
                if in_link:
                    link_chars += len(el.text.strip())
        else:
            if tag in rules.BLOCK_TAGS:
                flush(el)
                stack.pop()
                if tag == "figcaption" or (tag != "body" and _is_caption(el)):
                    in_caption -= 1
            elif tag == "a":
                in_link -= 1
            if el.tail:
                parts.append(el.tail)
                if in_link:
                    link_chars += len(el.tail.strip())
    flush(stack[-1] if stack else root)
    return blocks


def _breaks(m: re.Match[str]) -> str:
    """One <br> breaks a line; two or more end a paragraph (old pages have no <p>)."""
    return "\n\n" if m.group().count("\x00") > 1 else "\n"


def _is_caption(el: etree._Element) -> bool:
    cls = el.get("class")
    if not cls or len(cls) >= 80 or rules.CAPTION_CLASS.search(cls) is None:
        return False
    # Slideshow themes put a whole story in "caption" boxes: a caption is a line or two.
    return len(el.text_content()) < 400


def _class_weight(el: etree._Element) -> float:
    weight = 0.0
    for value in (el.get("class"), el.get("id")):
        if value:
            if rules.NEGATIVE.search(value):
                weight -= 25
            if rules.CONTENT.search(value):
                weight += 25
    if el.tag in ("article", "main") or el.get("itemprop") == "articleBody":
        weight += 25
    if _is_marked(el):
        weight += 50  # the CMS says so: a short post still beats a long sidebar
    return weight


def _is_marked(el: etree._Element) -> bool:
    """A post container by its CMS class, alone on the page (a feed repeats its items)."""
    cls = el.get("class")
    if not cls or rules.ARTICLE_MARKER.search(cls.lower().replace("_", "-")) is None:
        return False
    node = el
    for _ in range(3):
        parent = node.getparent()
        if parent is None:
            break
        if any(s is not node and _same_kind(s, node) for s in parent):
            return False
        node = parent
    return True


def _commas(text: str) -> int:
    return text.count(",") + text.count("，") + text.count("、")


def main_blocks(blocks: list[Block]) -> list[Block]:
    """The blocks of the article's container and of its content-like siblings."""
    scores: dict[etree._Element, float] = {}
    chars: dict[etree._Element, int] = {}
    links: dict[etree._Element, int] = {}
    good: dict[etree._Element, int] = {}  # characters of prose-like blocks under an element
    for b in blocks:
        n = len(b.text)
        prose = not (n < 25 or b.heading or b.caption or b.links > n * 0.5) and not (
            n < 200 and _in_byline(b.owner))
        el: etree._Element | None = b.owner
        while el is not None:
            chars[el] = chars.get(el, 0) + n
            links[el] = links.get(el, 0) + b.links
            if prose:
                good[el] = good.get(el, 0) + n
            el = el.getparent()
        if not prose:
            if n >= 10 and not b.links:
                # A short post's lines still vote for the CMS's own post container.
                up = b.owner
                for _ in range(3):
                    if up is None:
                        break
                    if _is_marked(up):
                        scores.setdefault(up, 0.0)
                        break
                    up = up.getparent()
            continue
        score = 1 + _commas(b.text) + min(n / 100, 3)
        owner = b.owner
        if owner.tag in rules.PARAGRAPH_TAGS or owner.tag == "div" and n < 600:
            first = owner.getparent()
        else:
            first = owner  # text straight in a container (old pages: <br> between lines)
        if first is None:
            continue
        scores[first] = scores.get(first, 0.0) + score
        grand = first.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + score / 2
    if not scores:
        return [b for b in blocks if not b.caption]

    def final(el: etree._Element) -> float:
        density = links.get(el, 0) / max(1, chars.get(el, 1))
        return (scores[el] + _class_weight(el)) * (1 - density)

    ranked = {el: final(el) for el in scores}
    top = max(ranked, key=ranked.__getitem__)
    # Articles split into many small wrappers (one per paragraph, "block" or "card") leave
    # the best container holding a fraction of the prose: take in the wrappers that repeat
    # the one it sits in (same tag, same first class), a level or two up.
    chosen = {top}
    path = top
    for _ in range(3):
        up = path.getparent()
        if up is None or up.tag in ("body", "html", "table", "tbody", "tr"):
            break  # a table row's cells are page columns, not paragraphs
        twins = [s for s in up if s is not path and _same_kind(s, path) and good.get(s, 0)]
        gained = sum(good.get(s, 0) for s in twins)
        linked = sum(links.get(s, 0) for s in twins) / max(1, sum(chars.get(s, 0) for s in twins))
        if twins and gained >= _TWINS_GAIN * good.get(top, 0) and linked <= 0.35:
            chosen.update(twins)
            chosen.add(path)
            top = path
            break
        path = up
    parent = top.getparent()
    if parent is not None:
        threshold = max(10.0, ranked.get(top, 0.0) * 0.2)
        for sib in parent:
            if sib is top or not isinstance(sib.tag, str):
                continue
            if ranked.get(sib, 0.0) >= threshold or _like_paragraph(sib, chars, links):
                chosen.add(sib)
    # Figures often sit beside the text container, not in it: captions come from the
    # container's parent too.
    region = top.getparent()
    if region is None or region.tag in ("body", "html"):
        region = top
    out = []
    for b in blocks:
        el = b.owner
        while el is not None and el not in chosen and not (b.caption and el is region):
            el = el.getparent()
        if el is not None:
            out.append(b)
    return out




def _same_kind(a: etree._Element, b: etree._Element) -> bool:
    if a.tag != b.tag:
        return False
    ca, cb = (a.get("class") or "").split(), (b.get("class") or "").split()
    return (ca[:1] == cb[:1]) if ca or cb else a.get("id") is None and b.get("id") is None


def _like_paragraph(el: etree._Element, chars: dict, links: dict) -> bool:
    n = chars.get(el, 0)
    if el.tag != "p" or n < 80:
        return False
    return links.get(el, 0) / n < 0.25


def body_paragraphs(blocks: list[Block], headline: str) -> tuple[list[str], list[str], list[str]]:
    """(paragraphs, captions, bylines) of the article's blocks, furniture lines left out."""
    paragraphs: list[str] = []
    captions: list[str] = []
    bylines: list[str] = []
    head = _key(headline)
    for b in blocks:
        text = b.text
        if b.caption:
            if len(text) > 15 and text not in captions:
                captions.append(text)
            continue
        n = len(text)
        if b.links > n * 0.6 and n < 400:
            continue  # a link list or a "read also" line
        if _in_byline(b.owner) and n < 200:
            bylines.append(text)
            continue
        for chunk in text.split("\n\n"):
            lines = [line for line in chunk.split("\n")
                     if not _furniture(line, head, bylines, top=not paragraphs[3:])]
            if lines:
                paragraphs.append("\n".join(lines))
    return paragraphs, captions, bylines


def _furniture(line: str, head: str, bylines: list[str], top: bool) -> bool:
    """A line that is the headline again, a byline or date stamp near the top, or site text."""
    n = len(line)
    key = _key(line)
    if head and key and (key == head or (
            top and len(key.split()) >= 3 and f" {key} " in f" {head} ")):
        return True  # the headline again, or its deck (the headline field carries both)
    if n < 260 and FURNITURE_LINE.match(line):
        return True
    if top and n < 150 and rules.BYLINE_LINE.match(line):
        bylines.append(line)
        return True
    if top and n < 40 and parse_date(line):
        bylines.append(line)
        return True  # a date stamp by itself
    parts = _SEPARATED.split(line)
    # "Home | News | E-mail this story | Print": a row of short links kept in a text block.
    return len(parts) >= 3 and all(len(p.split()) <= 4 for p in parts)


def _in_byline(el: etree._Element) -> bool:
    """Inside a small element named like a byline or date line (not a wrapper "author-x")."""
    for _ in range(2):
        if el is None or len(el.text_content()) > 250:
            return False
        cls = (el.get("class") or "") + " " + (el.get("id") or "")
        if rules.BYLINE_CLASS.search(cls):
            return True
        el = el.getparent()
    return False


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))
