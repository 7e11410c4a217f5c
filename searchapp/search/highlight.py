"""Highlighted snippets from the character offsets stored in the postings.

Whoosh's highlighter re-analyses the stored text of every hit (and gives up past 32 KiB);
here the postings of the matched terms already say where each occurrence starts and ends,
so a snippet is a slice of the stored text. Text is escaped first and `<mark>` added
second; the result is Markup (safe HTML) built only here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from whoosh.reading import TermNotFound

from searchapp.search.engine import Marks, follow

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

    def to_dict(self) -> dict:
        return {
            "headline": str(self.headline),
            "body": [str(s) for s in self.body],
            "captions": [str(s) for s in self.captions],
            "quotes": [{"text": str(t), "speaker": s} for t, s in self.quotes],
            "comments": [{"text": str(t), "author": a, "index": i} for t, a, i in self.comments],
        }


def occurrences(reader, fieldname: str, marks: Marks, docnums: list[int]
                ) -> dict[int, list[tuple[int, int]]]:
    """(start, end) character spans to mark in `fieldname`, per document number."""
    fmt = reader.schema[fieldname].format
    if not fmt.supports("characters"):
        return {}
    wanted = set(marks.terms)
    for words, _ in marks.phrases:
        wanted.update(words)
    chars: dict[str, dict[int, list[tuple[int, int, int]]]] = {}
    ordered = sorted(set(docnums))
    for term in wanted:
        try:
            m = reader.postings(fieldname, term)
        except TermNotFound:  # the term is not in this generation
            continue
        per_doc = chars.setdefault(term, {})
        for d in ordered:
            if not m.is_active():
                break
            m.skip_to(d)
            if m.is_active() and m.id() == d:
                per_doc[d] = fmt.decode_characters(m.value())
    out: dict[int, list[tuple[int, int]]] = {}
    for d in ordered:
        spans = [(s, e) for t in marks.terms for _, s, e in chars.get(t, {}).get(d, ())]
        for words, slop in marks.phrases:
            spans.extend(_phrase_spans([chars.get(w, {}).get(d, []) for w in words], slop))
        if spans:
            out[d] = _merge(spans)
    return out


def _phrase_spans(per_word: list[list[tuple[int, int, int]]], slop: int
                  ) -> list[tuple[int, int]]:
    """(start, end) from each first word that starts a match to the nearest last word."""
    if not per_word or any(not occ for occ in per_word):
        return []
    by_pos = [{p: (s, e) for p, s, e in occ} for occ in per_word]
    out = []
    for p, s, _e in per_word[0]:
        reach = {p}
        for table in by_pos[1:]:
            reach = follow(reach, table, slop)
            if not reach:
                break
        else:
            out.append((s, by_pos[-1][min(reach)][1]))
    return out


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans.sort()
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


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


def entries(text: str, entry_spans: list, spans: list[tuple[int, int]],
            limit: int = MAX_ENTRIES) -> list[tuple[int, Markup]]:
    """(entry number, excerpt) of the entries (quotes, comments) that contain a match."""
    out = []
    for n, (es, ee, *_rest) in enumerate(entry_spans):
        inside = [(max(s, es), min(e, ee)) for s, e in spans if s < ee and e > es]
        if not inside:
            continue
        if ee - es <= ENTRY_CHARS:
            out.append((n, mark(text, inside, es, ee)))
        else:
            frag = fragments(text[es:ee], [(s - es, e - es) for s, e in inside], 1,
                             ENTRY_CHARS)
            out.append((n, frag[0]))
        if len(out) >= limit:
            break
    return out
