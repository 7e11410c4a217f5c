"""Text analysis for the index: one fast function used at index time and at query time.

Whoosh's analyzer chain (tokenizer -> lowercase -> stop -> stem, one Token object per step)
dominates indexing time. `terms()` does the same work in one loop with a stem cache, and
`NewsAnalyzer` wraps it in Whoosh's analyzer protocol so the query parser analyzes query text
exactly as documents were analyzed.
"""

from __future__ import annotations

import re

from whoosh.analysis import STOP_WORDS, Token
from whoosh.analysis.analyzers import Analyzer
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

# Whoosh's default word pattern: "U.S." and "3.5" stay one token.
WORD = re.compile(r"\w+(?:\.?\w+)*", re.UNICODE)
MIN_WORD = 2  # one-letter words ("s" of "Andersen's") are noise
STOP = frozenset(STOP_WORDS)
_STEM_CACHE_MAX = 500_000

_stems: dict[str, str] = {}
# Whoosh's accent_map folds "ß" to a single "s" ("straße" -> "strase"), which matches neither
# the usual spelling without it ("strasse") nor its stem; German writes it "ss".
_FOLD = {**accent_map, ord("ß"): "ss"}


def fold(word: str) -> str:
    """Accent-folded form of a lowercase word ("café" -> "cafe", "straße" -> "strasse")."""
    return word if word.isascii() else word.translate(_FOLD)


def stem(word: str) -> str:
    """Porter stem with a process-wide cache (news vocabulary repeats a lot)."""
    s = _stems.get(word)
    if s is None:
        if len(_stems) >= _STEM_CACHE_MAX:
            _stems.clear()
        s = _stems[word] = porter_stem(word)
    return s


def terms(text: str, stemming: bool = True, stops: bool = True,
          start_pos: int = 0) -> list[tuple[str, int, int, int]]:
    """(term, position, startchar, endchar) for each indexed word of `text`.

    Positions count only the words kept, so a phrase query with a stop word in it
    ("secretary of state") lines up with the indexed positions.
    """
    out = []
    append = out.append
    pos = start_pos
    for m in WORD.finditer(text):
        w = m.group().lower()
        if not w.isascii():
            w = w.translate(_FOLD)
        if len(w) < MIN_WORD or (stops and w in STOP):
            continue
        if stemming:
            s = _stems.get(w)
            w = s if s is not None else stem(w)
        append((w, pos, m.start(), m.end()))
        pos += 1
    return out


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
