"""Where a query matched in each hit, from the character offsets stored in the postings.

Whoosh's highlighter re-analyses the stored text of every hit (and gives up past 32 KiB);
here the postings of the matched terms already say where each occurrence starts and ends.
The spans found in a field's stored text are handed back per part of the Article (a
quote's spans counted from the start of that quote), as `backends.base.Highlights`.
"""

from __future__ import annotations

import numpy as np
from whoosh.reading import TermNotFound

from searchapp.backends.base import Highlights, Span
from searchapp.backends.whoosh.evaluate import Marks
from searchapp.backends.whoosh.schema import META
from searchapp.fields import BODY, CAPTIONS, COMMENTS, HEADLINE, QUOTES
from searchapp.search.matcher import merge, phrase_spans


class OutOfTime(Exception):
    """The marking was given up: the search's budget ran out (see occurrences)."""


def occurrences(reader, fieldname: str, marks: Marks, docnums: list[int], data=None,
                out_of_time=None) -> dict[int, list[tuple[int, int]]]:
    """(start, end) character spans to mark in `fieldname`, per document number.

    With `data` (the generation's IndexData, whose postings the query has just read), a
    term none of the documents holds is not looked up again: a query of many wildcards
    marks up to a thousand terms, of which a page's hits hold a few. Each term is read
    with Whoosh's matcher (100 hits and 400 terms: 0.7 s), so `out_of_time()` is asked
    before each: when it says so, OutOfTime is raised and nothing is marked."""
    fmt = reader.schema[fieldname].format
    if not fmt.supports("characters"):
        return {}
    wanted = set(marks.terms)
    for words, _ in marks.phrases:
        wanted.update(words)
    chars: dict[str, dict[int, list[tuple[int, int, int]]]] = {}
    ordered = sorted(set(docnums))
    if data is not None and len(wanted) > len(ordered):
        docs = np.array(ordered, dtype=np.int64)
        wanted = {t for t in wanted if _holds(data.postings(fieldname, t).ids, docs)}
    for term in wanted:
        if out_of_time is not None and out_of_time():
            raise OutOfTime
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
            spans.extend(phrase_spans([{p: (s, e) for p, s, e in chars.get(w, {}).get(d, [])}
                                      for w in words], slop))
        if spans:
            out[d] = merge(spans)
    return out


def _holds(ids: np.ndarray, docs: np.ndarray) -> bool:
    """True when the sorted posting ids hold one of `docs`."""
    if not len(ids):
        return False
    at = np.searchsorted(ids, docs)
    at[at == len(ids)] = len(ids) - 1
    return bool(np.any(ids[at] == docs))


def highlights_of(stored: dict, spans: dict[str, list[Span]]) -> Highlights:
    """A document's spans per field (offsets in its stored text) as spans per Article part."""
    meta = stored.get(META) or {}
    return Highlights(
        headline=spans.get(HEADLINE, []),
        body=spans.get(BODY, []),
        captions=_per_entry(meta.get("captions") or (), spans.get(CAPTIONS, [])),
        quotes=_per_entry(meta.get("quotes") or (), spans.get(QUOTES, [])),
        comments=_per_entry(meta.get("comments") or (), spans.get(COMMENTS, [])),
    )


def _per_entry(entry_spans, spans: list[Span]) -> list[list[Span]]:
    """Spans in a joined field split by entry, each counted from its entry's start."""
    return [[(max(s, es) - es, min(e, ee) - es) for s, e in spans if s < ee and e > es]
            for es, ee, *_ in entry_spans]
