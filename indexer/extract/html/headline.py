"""The article's own headline, without the site's name, and its deck when the page marks one.

Titles carry the site's name ("Storm hits | Daily Planet") or only name the site; the first
<h1> is often the logo; old pages print the headline in <b>, <font size> or span.headline.
So candidates are scored on markup, distance above the article's text and agreement with
the titles that are more than a site name; failing all, the title without its site part.
"""

from __future__ import annotations

import re
from itertools import islice

from lxml import etree
from lxml import html as lxml_html

from indexer.extract.boilerplate import FURNITURE_LINE
from indexer.extract.html import rules as htmlrules
from indexer.extract.html.body import Block
from indexer.extract.html.meta import PageMeta, clean_values
from indexer.extract.text import clean_line

MAX_HEADLINE_CHARS = 300
MAX_DECK_CHARS = 400
_WORD = re.compile(r"\w+")
_TITLE_SPLIT = re.compile(r"\s+(?:[|\u2013\u2014\u00bb\u00b7\u2022:~/>]|-{1,2}|::|>>)\s+")
# Where markup or script starts inside a title that broken HTML left open.
_CODE = re.compile(r"""[<>{}]|"\s*/|\w\(["']|=\s*["']|['"]\s*\+|;\s*[\w.]+\s*=|"""
                   r"""\bfunction\s*\(|-->""")
_DOMAIN = re.compile(r"\w\.(?:com|net|org|co|tv|info|biz|ca|uk|au|in|za)\b", re.I)
# Class/id words of the headline's element ("headline", "storyhead", "artTitle") and of
# look-alikes that are not it: decks, kickers, logos, section and widget titles.
_TITLE_WORD = re.compile(r"head|title", re.I)
_NOT_TITLE = re.compile(r"sub|deck|over|super|kicker|mast|logo|site|section|page.?title|"
                        r"nav|menu|(?<!in)side|foot|block|box|widget|module|promo|related|"
                        r"more|list|rail", re.I)
_DECK_WORD = re.compile(r"deck|\bdek|sub.?head|sub.?title|standfirst|strap|intro|abstract|"
                        r"summary|blurb|\bsell|minortitle|teaser", re.I)
# A date line: a year or a clock time, and little else than date and time words.
_DATE_SIGNAL = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}:\d\d|\b\d{1,2}/\d{1,2}/\d{2,4}\b")
_DATE_WORD = re.compile(
    r"\d+[a-z]*|[apm]|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|"
    r"july?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|am|pm|"
    r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?|gmt|utc|[ecmp][sd]?t|"
    r"ist|hrs|at|on|updated|posted|published|last|date")
# Never a headline: bylines, contact lines, copyright, "Back to ...", titles of link
# lists ("Related links", "More world news") and "Views : 106 # Code : 16" label lines.
_NOT_HEADLINE = re.compile(
    r"^by\b|\w@\w|https?:|www\.|\(c\)|\u00a9|\bcopyright\b|^back to\b|\s:\s.*\s:\s|"
    r"^(?:related|more|other|top|latest|most|recent|popular|breaking)\b(?:\W+\w+){0,4}?\W+"
    r"(?:links?|stories|news|articles|headlines|entries|posts|videos?)\W*$", re.I)
_HEADING_STRENGTH = {"h1": 3.0, "h2": 2.5, "h3": 2.0, "h4": 1.5, "h5": 1.0, "h6": 1.0}
_EMPHASIS = ("b", "strong", "big", "font")


class Heading(str):
    """A candidate's text with the element printing it, how strongly its markup says
    "headline" and, near the article's text, how many blocks from it. `heading_before`
    returns one carrying all candidates near the text in `near`."""

    near: tuple[Heading, ...] = ()

    def __new__(cls, text: str, el: etree._Element | None = None, strength: float = 0.0,
                distance: float | None = None) -> Heading:
        h = super().__new__(cls, text)
        h.el, h.strength, h.distance = el, strength, distance
        return h


def choose_headline(headings: list[str], meta: PageMeta, title: str,
                    before_body: str | None = None) -> str:
    """The headline as the page prints it, without the site's name, from `headings_of`,
    the <title> and what `heading_before` found near the text (plain strings work too)."""
    titles = [t for t in [*(_before_code(t) for t in clean_values(meta.titles, 400)), title]
              if t]
    sites = {s.lower() for s in meta.sites}
    # A title naming only the site or section ("Sports Wire") is matched by the logo: it
    # only speaks for a heading far from the text, when nothing near it looks like one.
    references = [t for t in titles if not _names_site(t, sites)]
    weight = 4.0 if references else 2.0
    segments = [set(_tokens(s)) for t in references or titles for s in _segments(t)]
    near = list(getattr(before_body, "near", ()) or ([before_body] if before_body else []))
    # Text that `headings_of` found keeps its markup (a span.headline in a plain block).
    marked = {h.lower(): getattr(h, "strength", 0.0) for h in headings}
    seen = {h.lower() for h in near}
    best, best_score, fallback = None, 0.0, None
    for rank, h in enumerate(near + [h for h in headings if h.lower() not in seen]):
        agree = _agreement(h, segments)
        distance = getattr(h, "distance", None)
        if weight == 2:
            if distance is None and agree >= 0.8 and len(_tokens(h)) >= 3 and not fallback:
                fallback = h
            agree = 0.0
        score = weight * agree - rank * 0.002  # earlier candidates win ties
        if distance is not None:
            strength = max(getattr(h, "strength", 0.0), marked.get(h.lower(), 0.0) + _shape(h))
            score += strength + 2 - min(distance, 12) * 0.15
            if agree < 0.5 and weight > 2:
                # The titles name an article and this is not it: a label ("Top stories")
                # unless its markup and place say headline clearly.
                score -= 1.5 + (1.0 if len(_tokens(h)) < 4 else 0.0)
        elif agree < 0.5:
            continue  # far from the text and not in the titles: a widget or a logo
        else:
            score += getattr(h, "strength", 0.0) * 0.2
        if score > best_score:
            best, best_score = h, score
    if best is not None and best_score >= (3.2 if weight > 2 else 2.5):
        return _with_deck(best)
    if references:
        return _cut_site(references[0], sites)
    pick = fallback or (best if best_score >= 1.5 else None)
    if pick is not None:
        return _with_deck(pick)
    return next((h for h in headings if _plausible(h)), titles[0] if titles else "")


def page_title(root: lxml_html.HtmlElement) -> str:
    """The <title> text; a title left open by broken markup stops where code starts."""
    el = next(root.iter("title"), None)  # in <head>, or wherever broken markup left it
    return _before_code((el.text or "") if el is not None else "")[:MAX_HEADLINE_CHARS]


def headings_of(root: lxml_html.HtmlElement) -> list[str]:
    """The page's headings and title-classed elements (as `Heading`s), in document order."""
    out: list[str] = []
    body = root.find("body")
    for el in (body if body is not None else root).iter():
        # A wrapper of many elements ("header", "articleHead") is not the headline itself.
        if not isinstance(el.tag, str) or len(el) > 12 or el.tag in _EMPHASIS:
            continue
        strength = _strength(el)
        if strength > 0:
            text = _text(el, MAX_HEADLINE_CHARS)
            if 3 <= len(text) <= MAX_HEADLINE_CHARS and text not in out:
                out.append(Heading(text, el, strength))
                if len(out) >= 60:
                    break
    return out


def heading_before(every: list[Block], main: list[Block]) -> str | None:
    """The best candidate just above the article's text or opening it, as a `Heading`
    (empty when none is good enough) whose `near` holds every candidate found there."""
    near: dict[str, Heading] = {}
    first = next((i for i, b in enumerate(every) if main and b is main[0]), None)
    if first is not None:
        inside = every[first: first + 3]  # the headline often opens the text's container
        for distance, b in enumerate(inside + every[max(0, first - 15): first][::-1]):
            if b.caption:
                continue
            for h in _block_candidates(b, distance, distance < len(inside)):
                seen = near.get(h.lower())  # the block's text, and the <b> printing it
                if seen is None or h.strength > seen.strength and h.distance == seen.distance:
                    near[h.lower()] = h
    best = max(near.values(), key=lambda h: h.strength - h.distance * 0.15, default=Heading(""))
    if best and best.strength - best.distance * 0.15 >= 1.5:
        out = Heading(best, best.el, best.strength, best.distance)
    else:
        out = Heading("")
    out.near = tuple(near.values())
    return out


def _block_candidates(b: Block, distance: int, in_body: bool) -> list[Heading]:
    """A block's first line, and the marked-up runs inside it (<span class="headline">,
    <b>, <font size>) that old pages print the headline in."""
    line = b.text.split("\n", 1)[0]
    texts = [(line, b.owner)] + [
        (_text(el, MAX_HEADLINE_CHARS), el) for el in islice(b.owner.iterdescendants(), 60)
        if isinstance(el.tag, str) and el.tag not in htmlrules.BLOCK_TAGS and _strength(el) > 0]
    out = []
    for text, el in texts:
        words = len(text.split())
        if not 2 <= words <= 30 or len(text) > MAX_HEADLINE_CHARS:
            continue
        strength = _strength(el)
        if el is b.owner and line != b.text:  # the first line: the markup printing it
            strength = next((_strength(d) for d in islice(el.iterdescendants(), 60)
                             if isinstance(d.tag, str) and _text(d, len(line)) == line), 0.0)
        if words < 3 and strength < 3:
            continue
        if b.links > len(b.text) / 2 and (in_body and distance or strength < 1.5):
            continue  # a link list; a headline linking to itself opens or tops the text
        if _plausible(text):
            out.append(Heading(text, el, strength + _shape(text), float(distance)))
    return out


def _shape(text: str) -> float:
    """Headlines run four to twenty words and are not sentences ending in a full stop."""
    score = 0.5 if 4 <= len(text.split()) <= 20 else 0.0
    if text.endswith(".") and not text.endswith(".."):
        score -= 1.5  # a teaser or a notice
    return score


def _plausible(text: str) -> bool:
    """Not a date line, byline, furniture line or label ("Also by this author...")."""
    tokens = _tokens(text)
    return not (FURNITURE_LINE.match(text) or htmlrules.BYLINE_LINE.match(text)
                or text.endswith((":", "...", "\u2026")) or _CODE.search(text)
                or _NOT_HEADLINE.search(text) or len(tokens) < 2 or _DATE_SIGNAL.search(text)
                and sum(not _DATE_WORD.fullmatch(t) for t in tokens) <= 3)


def _strength(el: etree._Element) -> float:
    """How strongly the element's markup says "headline": heading tags, title-like class
    or tag names, and bold or big type (the old way to print a headline)."""
    tag = el.tag
    strength = _HEADING_STRENGTH.get(tag, 0.0)
    if "headline" in tag or "title" in tag and tag != "title":  # <arttitle>, NewsML
        strength = 3.0
    value = _names(el)
    if _TITLE_WORD.search(value):
        strength = 0.0 if _NOT_TITLE.search(value) else max(strength, 3.0)
    elif el.get("itemprop") == "headline":
        strength = 3.0
    if tag in ("b", "strong", "big"):
        strength = max(strength, 1.5)
    elif tag == "font":
        size = (el.get("size") or "").strip()
        if size.startswith("+") or size.isdigit() and int(size) >= 4:
            strength = max(strength, 2.0)
    # A marked-up run counts only when it starts its line, not a bold word inside one.
    parent = el.getparent() if strength and tag in (*_EMPHASIS, "span") else None
    return 0.0 if parent is not None and (parent.text or "").strip() else strength


def _names_site(title: str, sites: set[str]) -> bool:
    """A title naming only the site or section: a "Welcome to ...", or every part short, a
    domain, the site or a list of sections ("News, Sports, Weather and Traffic")."""
    if re.match(r"\W*welcome to\b", title, re.I):
        return True
    if ":" in title and len(_tokens(title)) > 5:
        return False  # "Bush to Saudis: more oil please": a colon inside a headline
    return all(len(_tokens(p)) <= 3 or _DOMAIN.search(p) or p.lower() in sites
               or len(items := re.split(r",\s+", p)) >= 3
               and all(len(_tokens(i)) <= 6 for i in items)
               for p in _TITLE_SPLIT.split(title) if p.strip())


def _with_deck(h: str) -> str:
    """The headline, and the deck the page prints with it when marked as one."""
    el = getattr(h, "el", None)
    deck = _deck_of(el, str(h)) if el is not None else None
    if not deck or deck.lower() in h.lower():
        return str(h)
    # "Headline — deck" reads as two lines run together; a headline ending in "?" is not.
    return f"{h} {deck}" if str(h).rstrip().endswith((".", "?", "!", ":")) else f"{h} — {deck}"


def _deck_of(el: etree._Element, own: str) -> str | None:
    """What the page marks as the headline's deck: the rest of the title-classed element
    printing it, or the next element (after the wrapper the headline sits alone in) when
    named like a deck, set as a smaller heading or alone with it in an intro wrapper."""
    rank = _HEADING_STRENGTH.get(el.tag)
    container = el if len(own) < len(_text(el)) else el.getparent()
    for _ in range(0 if rank else 2):  # <p class="title"><b>Headline</b><br>Deck</p>
        if container is None or container.tag in ("body", "td", "tr", "table", *_HEADING_STRENGTH):
            break
        value = _names(container)
        if _TITLE_WORD.search(value) and not _NOT_TITLE.search(value):
            whole = _text(container)
            rest = whole[len(own):].strip() if whole.startswith(own) else ""
            if _deck_like(rest):
                return rest
            break
        container = container.getparent()
    for anchor in (el, el.getparent()):
        if anchor is None or (anchor is not el and len(anchor) > 2):
            break
        if (anchor.tail or "").strip():
            return None  # text between the headline and what follows: no deck
        sib, sib_rank = anchor.getnext(), None
        while sib is not None and (not isinstance(sib.tag, str) or sib.tag in ("br", "img")
                                   or not any(t.strip() for t in sib.itertext())):
            # libxml2 moves a <p> out of the <h6> holding it and leaves the <h6> empty.
            sib_rank = _HEADING_STRENGTH.get(sib.tag) if isinstance(sib.tag, str) else None
            sib = sib.getnext()
        if sib is None:
            continue
        text = _text(sib)
        if not _deck_like(text) or 3 * sum(len(a.text_content()) for a in sib.iter("a")) > len(
                text):
            return None  # a link line (related story) is no deck
        value = " ".join(_names(e) for e in [sib, *sib[:1]])
        sib_rank = _HEADING_STRENGTH.get(sib.tag, sib_rank)
        words = len(_tokens(text))
        # A smaller heading right below reads as a deck from four words on ("The
        # Associated Press" under a headline is a credit).
        if (_DECK_WORD.search(value) or rank and sib_rank and sib_rank < rank and words >= 4
                or anchor is el and words <= 25 and _alone_with(el, sib)):
            return text
        return None
    return None


def _deck_like(text: str) -> bool:
    return 3 <= len(_tokens(text)) <= 60 and len(text) <= MAX_DECK_CHARS and _plausible(text)


def _alone_with(el: etree._Element, sib: etree._Element) -> bool:
    """The headline's wrapper, named as the headline's or intro's (div.storyhead, div.intro),
    holds the headline, the next element and nothing else."""
    parent = el.getparent()
    value = _names(parent) if parent is not None and len(parent) <= 4 else ""
    if not (_TITLE_WORD.search(value) or _DECK_WORD.search(value)) or _NOT_TITLE.search(value):
        return False
    whole = _text(parent)
    return bool(whole) and len(whole) - len(_text(el)) - len(_text(sib)) < 20


def _text(el: etree._Element, limit: int = MAX_DECK_CHARS) -> str:
    """The element's text, cleaned; "" when longer than `limit` (read no further: an
    unclosed <b> or a title-classed wrapper may hold a whole page)."""
    parts, n = [], 0
    for t in el.itertext():
        n += len(t.strip())
        if n > limit:
            return ""
        parts.append(t)
    return clean_line("".join(parts))


def _names(el: etree._Element) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _segments(title: str) -> list[str]:
    """The title, its headline part, and any part of four words or more ("Site | Headline")."""
    parts = [p for p in _TITLE_SPLIT.split(title) if len(_tokens(p)) >= 4]
    return [title, _cut_site(title, set()), *parts]


def _agreement(heading: str, segments: list[set[str]]) -> float:
    """Best token F1 against a title segment: a logo matching only the site part scores low."""
    h = set(_tokens(heading))
    return max((2 * len(h & r) / (len(h) + len(r)) for r in segments if h & r), default=0.0)


def _before_code(text: str) -> str:
    return clean_line(_CODE.split(text, 1)[0])


def _cut_site(title: str, sites: set[str]) -> str:
    """A title without its site part: the part with the most words that is not the site."""
    parts = [p.strip() for p in _TITLE_SPLIT.split(title) if p.strip()] or [title]
    kept = [p for p in parts if p.lower() not in sites] or parts
    longest = max(kept, key=lambda p: len(_tokens(p)))
    if len(_tokens(longest)) < 3 and len(kept) > 1:
        return title
    # A headline with a colon in it ("Brexit: what next") was split too: keep the run.
    start = end = parts.index(longest)
    while end + 1 < len(parts) and len(_tokens(parts[end + 1])) >= 4 and (
            parts[end + 1].lower() not in sites):
        end += 1
    head = title[title.find(parts[start]): title.find(parts[end]) + len(parts[end])]
    # "ABC News: Storm hits the coast": a site or section name of a word or two before an
    # unspaced colon (a headline's own "Brexit: what next" keeps it, too short to cut).
    while (m := re.match(r"([^:]{2,40}):\s+(.+)$", head)) and len(_tokens(m[2])) >= 4 and (
            len(_tokens(m[1])) <= 2 or _DOMAIN.search(m[1]) or m[1].lower() in sites):
        head = m[2]
    return head
