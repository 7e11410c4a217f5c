"""The article's own headline: the on-page heading that agrees with the titles, or the one
printed above the article's text; with its deck when the page marks one.

`<title>` and og:title usually carry the site name ("Storm hits coast | Daily Planet") or
name only the site or section ("Sports Wire"), and the first <h1> is often the site logo
on older pages, which set the headline in <b>, <font size> or a classed <span> instead.
So every candidate (headings, title-classed elements, emphasised lines near the text) is
scored on its markup, its distance from the article's first paragraph and its agreement
with the titles; failing all, the best title with its site part cut off.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from indexer.extract import htmlrules
from indexer.extract.htmlbody import Block
from indexer.extract.htmlmeta import PageMeta, clean_values
from indexer.extract.text import clean_line

MAX_HEADLINE_CHARS = 300
MAX_DECK_CHARS = 400
_WORD = re.compile(r"\w+")
# Separators between a headline and the site or section names in titles.
_TITLE_SPLIT = re.compile(r"\s+(?:[|\u2013\u2014\u00bb\u00b7\u2022:~/>]|-{1,2}|::|>>)\s+")
# Where markup or script starts inside a title that broken HTML left open.
_CODE = re.compile(r"""[<>{}]|"\s*/|\w\(["']|=\s*["']|['"]\s*\+|;\s*[\w.]+\s*=|"""
                   r"""\bfunction\s*\(|-->""")
_DOMAIN = re.compile(r"\w\.(?:com|net|org|co|tv|info|biz|ca|uk|au|in|za)\b", re.I)
# Class/id words of the element printing the headline ("headline", "storyhead", "artTitle")
# and of look-alikes that are not it: decks, site logos, section and widget titles.
_TITLE_WORD = re.compile(r"head|title", re.I)
_NOT_TITLE = re.compile(r"sub|deck|over|super|kicker|mast|logo|site|section|page.?title|"
                        r"nav|menu|side|foot|thead|block|box|widget|module|promo|related|"
                        r"more|list|rail", re.I)
# Class/id words of a sub-headline printed with the headline (the deck, dek, standfirst).
_DECK_WORD = re.compile(r"deck|\bdek|sub.?head|sub.?title|standfirst|strap|intro|abstract|"
                        r"summary|blurb|\bsell|minortitle|kicker|teaser|lede", re.I)
# A date line: a year or a clock time, and little else than date and time words.
_DATE_SIGNAL = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}:\d\d|\b\d{1,2}/\d{1,2}/\d{2,4}\b")
_DATE_WORD = re.compile(
    r"\d+(?:st|nd|rd|th|am|pm)?|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|"
    r"july?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?|am|pm|gmt|utc|[ecmp][sd]?t|"
    r"ist|hrs|at|on|updated|posted|published|last|date")
_BY = re.compile(r"^by\b", re.I)
# "Views : 106 # Code : 1610": a line of labels and values.
_LABEL_VALUE = re.compile(r"\s:\s")
# Titles of link lists: "Related links", "More world news", "Top stories".
_LABEL = re.compile(r"^(?:related|more|other|top|latest|most|recent|popular|breaking)\b"
                    r"(?:\W+\w+){0,4}?\W+(?:links?|stories|news|articles|headlines|entries|"
                    r"posts|videos?)\W*$", re.I)
# Contact lines, copyright notices and links to elsewhere are never a headline.
_NOT_HEADLINE = re.compile(r"\w@\w|https?:|www\.|\(c\)|\u00a9|\bcopyright\b|^back to\b", re.I)
_HEADING_STRENGTH = {"h1": 3.0, "h2": 2.5, "h3": 2.0, "h4": 1.5, "h5": 1.0, "h6": 1.0}


class Heading(str):
    """A candidate's text, with the element printing it, how strongly its markup says
    "headline" and, for candidates near the article's text, how many blocks above it.

    `heading_before` returns one of these (empty when it found nothing) carrying every
    candidate near the text in `near`, so `choose_headline` can weigh them with the titles.
    """

    el: etree._Element | None = None
    strength = 0.0
    distance: float | None = None
    near: tuple[Heading, ...] = ()


def _heading(text: str, el: etree._Element | None, strength: float,
             distance: float | None = None) -> Heading:
    h = Heading(text)
    h.el, h.strength, h.distance = el, strength, distance
    return h


def choose_headline(headings: list[str], meta: PageMeta, title: str,
                    before_body: str | None = None) -> str:
    """The headline as the page prints it, without the site's name.

    `headings` are the page's heading texts (`headings_of`), `title` its <title>, and
    `before_body` what `heading_before` found just above the article text.
    """
    titles = [_before_code(t) for t in clean_values(meta.titles, 400)]
    sites = {s.lower() for s in meta.sites}
    # A title naming only the site or section ("Sports Wire | Herald") says little about
    # which heading is the headline, and a heading that matches it is the logo: it only
    # speaks for a heading far from the text, when nothing near it looks like a headline.
    every_title = [t for t in [*titles, title] if t]
    references = [t for t in every_title if not _names_site(t, sites)]
    weight = 4.0 if references else 2.0
    references = references or every_title
    near = list(getattr(before_body, "near", ()) or ([before_body] if before_body else []))
    # The same text found by `headings_of` keeps its element's markup (a <span class=
    # "headline"> inside a plain paragraph block).
    marked = {h.lower(): getattr(h, "strength", 0.0) for h in headings}
    seen = {h.lower() for h in near}
    pool = near + [h for h in headings if h.lower() not in seen]
    best, best_score = None, 0.0
    fallback = None
    for rank, h in enumerate(pool):
        agree = max((_overlap(h, ref) for ref in references), default=0.0)
        distance = getattr(h, "distance", None)
        if weight == 2:
            if distance is None and agree >= 0.8 and len(_tokens(h)) >= 3 and not fallback:
                fallback = h
            agree = 0.0
        score = weight * agree
        if distance is not None:
            strength = max(getattr(h, "strength", 0.0), marked.get(h.lower(), 0.0) + _shape(h))
            score += strength + 2 - min(distance, 12) * 0.15
            if agree < 0.5 and weight > 2:
                # The titles name the article, the candidate is not it: a label ("Top
                # stories") unless its markup and place say headline clearly.
                score -= 1.5 + (1.0 if len(_tokens(h)) < 4 else 0.0)
        elif agree < 0.5:
            continue  # far from the text and not in the titles: a widget or a logo
        else:
            score += getattr(h, "strength", 0.0) * 0.2
        score -= rank * 0.002  # earlier candidates win ties
        if score > best_score:
            best, best_score = h, score
    if best is not None and best_score >= (3.2 if weight > 2 else 2.5):
        return _with_deck(best)
    if weight > 2:
        return _cut_site(references[0], meta)
    if best is not None and best_score >= 1.5:
        return _with_deck(best)
    if fallback:
        return _with_deck(fallback)
    return next((h for h in headings if _plausible(h)), every_title[0] if every_title else "")


def _shape(text: str) -> float:
    """Headlines run four to twenty words and are not sentences ending in a full stop."""
    words = len(text.split())
    score = 0.5 if 4 <= words <= 20 else 0.0
    if text.endswith(".") and not text.endswith(".."):
        score -= 1.5  # a teaser or a notice
    return score


def page_title(root: lxml_html.HtmlElement) -> str:
    """The <title> text; a title left open by broken markup stops at the first tag."""
    el = root.find("head/title")
    if el is None:
        el = root.find(".//title")
    text = (el.text or "") if el is not None else ""
    return _before_code(text)[:MAX_HEADLINE_CHARS]


def _before_code(text: str) -> str:
    return clean_line(_CODE.split(text, 1)[0])


def site_of_title(title: str, meta: PageMeta) -> str | None:
    """The site part of a "Headline | Site" title, when it has one."""
    parts = _TITLE_SPLIT.split(title)
    if len(parts) < 2:
        return None
    head = _cut_site(title, meta)
    rest = [p for p in parts if p and p not in head]
    site = rest[-1] if rest else None
    return site if site and len(site) <= 60 else None


_CANDIDATES = ('//*[self::h1 or self::h2 or self::h3 or self::h4 or contains(@class,"ead") or '
               'contains(@class,"itle") or contains(@id,"ead") or contains(@id,"itle") or '
               'contains(@class,"EAD") or contains(@class,"ITLE") or @itemprop="headline" or '
               'contains(local-name(),"headline") or contains(local-name(),"arttitle")]')


def headings_of(root: lxml_html.HtmlElement) -> list[str]:
    """The page's headings and title-classed elements (as `Heading`s), in document order."""
    out: list[str] = []
    body = root.find("body")
    for el in (body if body is not None else root).xpath(_CANDIDATES):
        strength = _strength(el)
        if strength <= 0:
            continue
        text = clean_line(el.text_content())
        if 3 <= len(text) <= MAX_HEADLINE_CHARS and text not in out:
            out.append(_heading(text, el, strength))
        if len(out) >= 60:
            break
    return out


def heading_before(every: list[Block], main: list[Block]) -> str | None:
    """The best candidate printed just above the article's text (or first inside it).

    Returns a `Heading` (empty when none is good enough) whose `near` holds every
    candidate found there, for `choose_headline` to weigh against the titles.
    """
    found = Heading("")
    if not main:
        return found
    first = next((i for i, b in enumerate(every) if b is main[0]), None)
    if first is None:
        return found
    near: list[Heading] = []
    inside = every[first: first + 3]
    above = every[max(0, first - 15): first][::-1]
    for distance, b in enumerate(inside + above):
        # Blocks inside the text count as close: the headline often opens the container.
        for h in _block_candidates(b, distance, in_body=distance < len(inside)):
            key = h.lower()
            same = next((i for i, n in enumerate(near) if n.lower() == key), None)
            if same is None:
                near.append(h)
            elif h.strength > near[same].strength and h.distance == near[same].distance:
                near[same] = h  # the block's text, and the <b> or <span> that prints it
    best = max(near, key=lambda h: h.strength - h.distance * 0.15, default=None)
    if best is not None and best.strength - best.distance * 0.15 >= 1.5:
        found = best
    out = _heading(str(found), found.el, found.strength, found.distance)
    out.near = tuple(near)
    return out


def _block_candidates(b: Block, distance: int, in_body: bool) -> list[Heading]:
    """A block's own text when it is one line, and the marked-up runs inside it."""
    out = []
    texts: list[tuple[str, etree._Element]] = []
    if "\n" not in b.text:
        texts.append((b.text, b.owner))
    else:
        texts.append((b.text.split("\n", 1)[0], b.owner))
    # Headlines set in a <span class=headline>, <b> or <font size> inside a longer block.
    for i, el in enumerate(b.owner.iterdescendants()):
        if i > 60:
            break
        if isinstance(el.tag, str) and el.tag not in htmlrules.BLOCK_TAGS and _strength(el) > 0:
            texts.append((clean_line(el.text_content()), el))
    for text, el in texts:
        words = len(text.split())
        if not 2 <= words <= 30 or len(text) > MAX_HEADLINE_CHARS:
            continue
        strength = max(_strength(el), _strength(b.owner)) if el is b.owner else _strength(el)
        if el is b.owner and "\n" in b.text:
            strength = _first_line_strength(b.owner, text)
        if words < 3 and strength < 3:
            continue
        if b.links > len(b.text) / 2 and (in_body and distance or strength < 1.5):
            continue  # a link list; a headline linking to itself opens or tops the text
        if not _plausible(text):
            continue
        out.append(_heading(text, el, strength + _shape(text), float(distance)))
    return out


def _first_line_strength(owner: etree._Element, line: str) -> float:
    for el in owner.iterdescendants():
        if isinstance(el.tag, str) and clean_line(el.text_content()) == line:
            return _strength(el)
    return 0.0


def _plausible(text: str) -> bool:
    """Not a date stamp, byline, furniture line or a label ("Also by this author...")."""
    if htmlrules.BOILERPLATE_BLOCK.match(text) or htmlrules.BYLINE_LINE.match(text):
        return False
    if _date_line(text) or text.endswith((":", "...", "\u2026")) or _CODE.search(text):
        return False
    if _BY.match(text) or _NOT_HEADLINE.search(text) or _LABEL.match(text):
        return False
    return len(_tokens(text)) >= 2 and len(_LABEL_VALUE.findall(text)) < 2


def _date_line(text: str) -> bool:
    if not _DATE_SIGNAL.search(text):
        return False
    return sum(1 for t in _tokens(text) if not _DATE_WORD.fullmatch(t)) <= 3


def _strength(el: etree._Element) -> float:
    """How strongly the element's markup says "headline": heading tags, title-like class
    or tag names, and bold or big type (the old way to print a headline)."""
    tag = el.tag if isinstance(el.tag, str) else ""
    strength = _HEADING_STRENGTH.get(tag, 0.0)
    if "headline" in tag or "title" in tag and tag != "title":
        strength = 3.0
    value = f"{el.get('class') or ''} {el.get('id') or ''}"
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
    if strength and tag in ("b", "strong", "font", "big", "span"):
        # Marked-up runs count only when they hold the whole line, not a bold word.
        parent = el.getparent()
        if parent is not None and (parent.text or "").strip():
            return 0.0
    return strength


def _names_site(title: str, sites: set[str]) -> bool:
    """A title naming only the site or section: every part short, a domain or the site."""
    parts = [p.strip() for p in _TITLE_SPLIT.split(title) if p.strip()]
    if re.match(r"\W*welcome to\b", title, re.I):
        return True
    if ":" in title and len(_tokens(title)) > 5:
        return False  # "Bush to Saudis: more oil please": a colon inside a headline
    return all(len(_tokens(p)) <= 3 or _DOMAIN.search(p) or p.lower() in sites
               or _keyword_list(p) for p in parts)


def _keyword_list(part: str) -> bool:
    """"News, Sports, Weather and Traffic": a list of sections or search words, not a headline."""
    items = re.split(r",\s+", part)
    return len(items) >= 3 and all(len(_tokens(i)) <= 6 for i in items)


def _with_deck(h: str) -> str:
    """The headline, and the deck the page prints with it when marked as one."""
    el = getattr(h, "el", None)
    if el is None:
        return str(h)
    deck = _deck_of(el, str(h))
    return f"{h} {deck}" if deck and deck.lower() not in h.lower() else str(h)


def _deck_of(el: etree._Element, own: str) -> str | None:
    """The element right after the headline's, when it is marked as a deck: named like
    one, set as a smaller heading, or alone with the headline in their wrapper
    (div.intro > h1 + p); the wrapper's next element too when the headline is alone in it
    (div.headline > h1, then div.dek)."""
    rank = _HEADING_STRENGTH.get(el.tag) if isinstance(el.tag, str) else None
    # <p class="title"><b>Headline</b><br><font>Deck</font></p>: the rest of the
    # title-classed element that prints the headline's run (or its first line).
    container = el if len(own) < len(clean_line(el.text_content())) else el.getparent()
    for _ in range(2):
        if container is None or container.tag in ("body", "td", "tr", "table") or (
                container.tag in _HEADING_STRENGTH or rank):
            break
        value = f"{container.get('class') or ''} {container.get('id') or ''}"
        if _TITLE_WORD.search(value) and not _NOT_TITLE.search(value):
            whole = clean_line(container.text_content())
            rest = whole[len(own):].strip() if whole.startswith(own) else ""
            words = len(_tokens(rest))
            if 3 <= words <= 60 and len(rest) <= MAX_DECK_CHARS and _plausible(rest):
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
                                   or not sib.text_content().strip()):
            # libxml2 moves a <p> out of the <h6> holding it and leaves the <h6> empty.
            sib_rank = _HEADING_STRENGTH.get(sib.tag) if isinstance(sib.tag, str) else None
            sib = sib.getnext()
        if sib is None:
            continue
        text = clean_line(sib.text_content())
        words = len(_tokens(text))
        if not 3 <= words <= 60 or len(text) > MAX_DECK_CHARS or not _plausible(text):
            return None
        if sum(len(a.text_content()) for a in sib.iter("a")) > len(text) / 3:
            return None
        value = " ".join(f"{e.get('class') or ''} {e.get('id') or ''}"
                         for e in [sib, *sib[:1]])
        sib_rank = _HEADING_STRENGTH.get(sib.tag, sib_rank) if isinstance(sib.tag, str) else None
        if _DECK_WORD.search(value):
            return text
        # A smaller heading right below is a deck when it reads like one (four words or
        # more: "The Associated Press" under a headline is a credit).
        if rank and sib_rank and sib_rank < rank and words >= 4:
            return text
        if anchor is el and words <= 25 and _alone_with(el, sib):
            return text
        return None
    return None


def _alone_with(el: etree._Element, sib: etree._Element) -> bool:
    """The headline's wrapper holds the headline, the next element and nothing else."""
    parent = el.getparent()
    if parent is None or parent.tag in ("body", "td") or len(parent) > 4:
        return False
    rest = len(parent.text_content()) - len(el.text_content()) - len(sib.text_content())
    return rest < 20 and len(clean_line(parent.text_content())) < MAX_DECK_CHARS


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _overlap(heading: str, reference: str) -> float:
    """Token F1 of the heading against the title, or against its headline part.

    Scoring the headline part too keeps the site part of "Headline | Site" from counting
    against the heading, and a heading matching only the site part (the logo) scores low.
    """
    h = set(_tokens(heading))
    if not h:
        return 0.0
    best = 0.0
    # Any title part of four words or more may be the headline ("Site - Section | Headline").
    parts = [p for p in _TITLE_SPLIT.split(reference) if len(_tokens(p)) >= 4]
    for seg in (reference, _cut_site(reference, PageMeta()), *parts):
        r = set(_tokens(seg))
        common = len(h & r)
        if common:
            p, rc = common / len(h), common / len(r)
            best = max(best, 2 * p * rc / (p + rc))
    return best


def _cut_site(title: str, meta: PageMeta) -> str:
    """A title without its site-name part: the segment that is not a known site, or the longest."""
    parts = [p.strip() for p in _TITLE_SPLIT.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    sites = {s.lower() for s in meta.sites}
    kept = [p for p in parts if p.lower() not in sites]
    if not kept:
        return title
    # Headlines are the long part; site names and sections are short.
    longest = max(kept, key=lambda p: len(_tokens(p)))
    if len(_tokens(longest)) < 3 and len(kept) > 1:
        return title
    # A headline with a colon in it ("Brexit: what next") was split too: keep the run.
    start = parts.index(longest)
    end = start + 1
    while end < len(parts) and len(_tokens(parts[end])) >= 4 and parts[end].lower() not in sites:
        end += 1
    return title[title.find(parts[start]): title.find(parts[end - 1]) + len(parts[end - 1])]
