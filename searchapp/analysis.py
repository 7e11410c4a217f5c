"""Text analysis: how every backend turns text into the terms it indexes and searches.

One function, `terms()`, used at index time and at query time by every engine: words by
Whoosh's default pattern, lowercased, accents folded, one-letter and stop words dropped,
Porter-stemmed (the parts of an article; names are not stemmed). The Whoosh backend runs it
inside its analyzer; the OpenSearch backend sends its output to the engine as the indexed
text, so both engines match the same words in the same places.
"""

from __future__ import annotations

import re

from whoosh.analysis import STOP_WORDS
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
