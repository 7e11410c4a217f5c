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

    With `data` (the generation's IndexData, whose postings the query has just read), the
    documents holding each term are found in its postings, and only the posting blocks
    holding them are unpickled (kept in a small cache, arrays.BLOCK_VALUES_BYTES); a term
    none of them holds costs nothing more. Without, each term is read with Whoosh's matcher
    (100 hits and 400 terms: 0.7 s). `out_of_time()` is asked before each term: when it
    says so, OutOfTime is raised and nothing is marked."""
    fmt = reader.schema[fieldname].format
    if not fmt.supports("characters"):
        return {}
    wanted = set(marks.terms)
    for words, _ in marks.phrases:
        wanted.update(words)
    chars: dict[str, dict[int, list[tuple[int, int, int]]]] = {}
    ordered = sorted(set(docnums))
    docs = np.array(ordered, dtype=np.int64)
    for term in wanted:
        held = None
        if data is not None:  # a term none of the hits holds costs nothing more
            held = docs[_holding(data.postings(fieldname, term).ids, docs)]
            if not len(held):
                continue
        if out_of_time is not None and out_of_time():
            raise OutOfTime
        if held is not None:  # only the blocks holding the hits are unpickled
            chars[term] = dict(zip(held.tolist(),
                                   map(fmt.decode_characters,
                                       data.values_for(fieldname, term, held)), strict=True))
            continue
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


def _holding(ids: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """Which of `docs` the sorted posting ids hold (bool per document)."""
    if not len(ids):
        return np.zeros(len(docs), bool)
    at = np.searchsorted(ids, docs)
    at[at == len(ids)] = len(ids) - 1
    return ids[at] == docs


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
