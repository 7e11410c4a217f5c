"""Snippets and marked text from an article's parts and the spans a backend matched.

Every backend says where the query matched as character spans in the Article's own text
(`backends.base.Highlights`); the snippets are cut here, the same for every engine. Text
is escaped first and `<mark>` added second; the result is Markup (safe HTML) built only
here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from indexer.article import Article
from searchapp import people
from searchapp.backends.base import Highlights, Span

FRAGMENT_CHARS = 240
BODY_FRAGMENTS = 2
ENTRY_CHARS = 320
MAX_ENTRIES = 3
LEAD_CHARS = 240
ELLIPSIS = "…"

_MARK_OPEN, _MARK_CLOSE = Markup("<mark>"), Markup("</mark>")
_WORD_EDGE = re.compile(r"\s")


@dataclass
class Snippets:
    """Everything the page shows of one hit, as safe HTML."""

    headline: Markup = Markup("")
    body: list[Markup] = field(default_factory=list)
    body_matched: bool = False
    captions: list[Markup] = field(default_factory=list)
    quotes: list[tuple[Markup, str | None]] = field(default_factory=list)
    comments: list[tuple[Markup, str | None, int]] = field(default_factory=list)
    # Who each of `quotes` (`comments`) is by as `searchapp.people` resolves it: the value
    # the speaker (commenter) filter and page take, beside the name as written.
    quote_people: list[str | None] = field(default_factory=list)
    comment_people: list[str | None] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "headline": str(self.headline),
            "body": [str(s) for s in self.body],
            "captions": [str(s) for s in self.captions],
            "quotes": [{"text": str(t), "speaker": s, "person": p}
                       for (t, s), p in zip(self.quotes, self.quote_people, strict=True)],
            "comments": [{"text": str(t), "author": a, "index": i, "person": p}
                         for (t, a, i), p in zip(self.comments, self.comment_people,
                                                 strict=True)],
        }


def mark(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None
         ) -> Markup:
    """text[start:end] escaped, with the spans inside it wrapped in <mark>."""
    end = len(text) if end is None else end
    parts: list[Markup | str] = []
    pos = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        parts.append(escape(text[pos:s]))
        parts.append(_MARK_OPEN + escape(text[s:e]) + _MARK_CLOSE)
        pos = e
    parts.append(escape(text[pos:end]))
    return Markup("").join(parts)


def _window(text: str, spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """A window of about `width` characters around the spans, cut at spaces."""
    first, last = spans[0][0], spans[-1][1]
    room = max(width - (last - first), 0)
    start = max(0, first - room // 3)
    end = min(len(text), last + room - (first - start))
    if start > 0:
        sp = text.find(" ", start, first)
        start = sp + 1 if sp >= 0 else start
    if end < len(text):
        sp = text.rfind(" ", last, end)
        end = sp if sp > last else end
    return start, end


def fragments(text: str, spans: list[tuple[int, int]], count: int = BODY_FRAGMENTS,
              width: int = FRAGMENT_CHARS) -> list[Markup]:
    """Up to `count` fragments of `text` with the most distinct matches, in text order."""
    groups: list[list[tuple[int, int]]] = []
    for s, e in spans:
        if groups and e - groups[-1][0][0] <= width:
            groups[-1].append((s, e))
        else:
            groups.append([(s, e)])

    def score(g):
        return (len({text[s:e].lower() for s, e in g}), len(g))

    best = sorted(range(len(groups)), key=lambda i: (-score(groups[i])[0],
                                                     -score(groups[i])[1], i))[:count]
    windows: list[list] = []
    for i in sorted(best):
        start, end = _window(text, groups[i], width)
        if windows and start < windows[-1][1]:  # overlapping windows become one fragment
            windows[-1][1] = max(windows[-1][1], end)
            windows[-1][2] = windows[-1][2] + groups[i]
        else:
            windows.append([start, end, list(groups[i])])
    out = []
    for start, end, g in windows:
        frag = mark(text, g, start, end)
        out.append((Markup(ELLIPSIS) if start > 0 else Markup("")) + frag
                   + (Markup(ELLIPSIS) if end < len(text) else Markup("")))
    return out


def lead(text: str, width: int = LEAD_CHARS) -> Markup:
    """The start of a text, escaped, for hits that did not match in it."""
    if len(text) <= width:
        return Markup(escape(text))
    cut = text.rfind(" ", 0, width)
    return Markup(escape(text[: cut if cut > width // 2 else width])) + Markup(ELLIPSIS)


def per_entry(spans: list[list[Span]], count: int) -> list[list[Span]]:
    """`spans` for `count` entries: one list each, empty where a backend gave none."""
    return [spans[n] if n < len(spans) else [] for n in range(count)]


def entries(texts: list[str] | tuple[str, ...], spans: list[list[Span]],
            limit: int = MAX_ENTRIES) -> list[tuple[int, Markup]]:
    """(entry number, excerpt) of the entries (quotes, comments) that contain a match.

    `spans[n]` are the matches in `texts[n]`; a long entry is cut around its matches.
    """
    out = []
    for n, (text, inside) in enumerate(zip(texts, per_entry(spans, len(texts)), strict=True)):
        if not inside:
            continue
        if len(text) <= ENTRY_CHARS:
            out.append((n, mark(text, inside)))
        else:
            out.append((n, fragments(text, inside, 1, ENTRY_CHARS)[0]))
        if len(out) >= limit:
            break
    return out


def snippets(article: Article, marks: Highlights, full: bool = True) -> Snippets:
    """What a hit shows: its headline marked and, when `full`, the body fragments with the
    most matches (or the lead), and the captions, quotes and comments that matched."""
    s = Snippets(headline=mark(article.headline, marks.headline))
    if not full:
        return s
    if marks.body:
        s.body = fragments(article.body, marks.body)
        s.body_matched = True
    elif article.body:
        s.body = [lead(article.body)]
    s.captions = [m for _, m in entries(article.captions, marks.captions)]
    quoted = entries([q.text for q in article.quotes], marks.quotes)
    s.quotes = [(m, article.quotes[n].speaker) for n, m in quoted]
    commented = entries([c.text for c in article.comments], marks.comments)
    s.comments = [(m, article.comments[n].author, n) for n, m in commented]
    if quoted:
        who = people.speakers(article)
        s.quote_people = [who[n].name if who[n] else None for n, _ in quoted]
    if commented:
        who = people.commenters(article)
        s.comment_people = [who[n].name if who[n] else None for n, _ in commented]
    return s
