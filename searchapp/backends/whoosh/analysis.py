"""Whoosh's analyzer protocol over `searchapp.analysis.terms()`, so that Whoosh's own query
parser and writer analyse text exactly as the rest of scrapesearch does."""

from __future__ import annotations

from whoosh.analysis import Token
from whoosh.analysis.analyzers import Analyzer

from searchapp.analysis import fold, terms


class NewsAnalyzer(Analyzer):
    """Whoosh analyzer protocol over `terms()`; picklable (it lives in the index's schema)."""

    def __init__(self, stemming: bool = True, stops: bool = True):
        self.stemming = stemming
        self.stops = stops

    def __eq__(self, other):
        return (isinstance(other, NewsAnalyzer) and self.stemming == other.stemming
                and self.stops == other.stops)

    def __hash__(self):
        return hash((NewsAnalyzer, self.stemming, self.stops))

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # Whoosh asks for an untokenized value for wildcard/prefix text: fold, don't stem.
            t.original = t.text = fold(value.lower())
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for term, pos, startchar, endchar in terms(value, self.stemming, self.stops, start_pos):
            t.text = term
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[startchar:endchar]
            if positions:
                t.pos = pos
            if chars:
                t.startchar, t.endchar = start_char + startchar, start_char + endchar
            yield t
