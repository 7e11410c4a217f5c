"""Postings of a text field computed in one pass: the hot loop of indexing (runs in workers).

Equivalent to grouping `analysis.terms()` by term and encoding each group with the
compact formats, without building a tuple per token; tests/backends/whoosh/test_postings.py
checks that both give the same postings for varied text. Each distinct word is normalised once
(lowercase, accents folded, stop word or too short, stemmed) and remembered, so most
tokens cost one dictionary lookup.
"""

from __future__ import annotations

import struct
from array import array
from itertools import accumulate
from typing import NamedTuple

from searchapp.analysis import MIN_WORD, STOP, WORD, fold, stem
from searchapp.backends.whoosh.formats import _LARGE, _SMALL, pack

_CACHE_MAX = 500_000
_UINT32 = "I" if array("I").itemsize == 4 else "L"


class Preanalyzed(NamedTuple):
    """A text field's postings computed in a worker process: the writer only files them.

    Packed in a few bytes objects, which pickle and unpickle as they are (the writer's
    process unpickles every article; tuples of postings cost it more than the analysis
    saved) and which the garbage collector does not track. Posting i: term
    terms[term_ends[i-1]:term_ends[i]] (UTF-8), frequency freqs[i], weight freqs[i] * boost,
    value values[value_ends[i-1]:value_ends[i]]; term_ends, freqs and value_ends are
    native uint32 arrays.
    """

    terms: bytes
    term_ends: bytes
    freqs: bytes
    values: bytes
    value_ends: bytes
    length: int  # the field's length (sum of the frequencies)
    boost: float

    @classmethod
    def pack(cls, postings: list[tuple[bytes, int, float, bytes]], length: int,
             boost: float) -> Preanalyzed:
        """From (term bytes, frequency, weight, value) postings whose weight is
        frequency * boost."""
        terms = [p[0] for p in postings]
        values = [p[3] for p in postings]
        return cls(b"".join(terms), array(_UINT32, accumulate(map(len, terms))).tobytes(),
                   array(_UINT32, [p[1] for p in postings]).tobytes(), b"".join(values),
                   array(_UINT32, accumulate(map(len, values))).tobytes(), length, boost)

    @property
    def count(self) -> int:
        """The number of postings."""
        return len(self.freqs) // 4

    @property
    def postings(self) -> tuple[tuple[bytes, int, float, bytes], ...]:
        """The postings as (term bytes, frequency, weight, value) tuples."""
        term_ends, value_ends = array(_UINT32), array(_UINT32)
        freqs = array(_UINT32)
        term_ends.frombytes(self.term_ends)
        value_ends.frombytes(self.value_ends)
        freqs.frombytes(self.freqs)
        terms, values, boost = self.terms, self.values, self.boost
        out, t0, v0 = [], 0, 0
        for t1, f, v1 in zip(term_ends, freqs, value_ends, strict=True):
            out.append((terms[t0:t1], f, f * boost, values[v0:v1]))
            t0, v0 = t1, v1
        return tuple(out)
# stemming on/off -> {word as found in the text: its term, or "" when it is not indexed}
_terms: dict[bool, dict[str, str]] = {True: {}, False: {}}


def _term(word: str, stemming: bool) -> str:
    """The indexed term of a word ("" for a stop word or a one-letter word), cached."""
    cache = _terms[stemming]
    if len(cache) >= _CACHE_MAX:
        cache.clear()
    w = fold(word.lower())
    if len(w) < MIN_WORD or (stemming and w in STOP):
        t = ""
    else:
        t = stem(w) if stemming else w
    cache[word] = t
    return t


_STRUCTS: dict[int, tuple[struct.Struct, struct.Struct]] = {}


def _pack(flat: list[int]) -> bytes:
    """formats.pack(): little-endian 16-bit numbers, or 32-bit when one does not fit."""
    n = len(flat)
    if n > 256:
        return pack(flat)
    structs = _STRUCTS.get(n)
    if structs is None:
        structs = _STRUCTS[n] = (struct.Struct(f"<{n}H"), struct.Struct(f"<{n}I"))
    try:
        return _SMALL + structs[0].pack(*flat)
    except struct.error:
        return _LARGE + structs[1].pack(*flat)


def field_postings(entries, stemming: bool, chars: bool, boost: float, gap: int,
                   sep_len: int) -> tuple[list[tuple[bytes, int, float, bytes]], int]:
    """(postings, field length) for entries joined by a separator of `sep_len` characters.

    Each posting is (term bytes, frequency, weight, encoded value); values hold position
    deltas, and with `chars` also start-char deltas and lengths (formats.CompactCharacters).
    Entries sit `gap` positions apart, so a phrase never spans two of them.
    """
    # term -> [frequency, last position, last end char, flat deltas]
    seen: dict[str, list] = {}
    get = seen.get
    cache = _terms[stemming]
    lookup = cache.get
    pos = 0
    offset = 0
    for entry in entries:
        first = pos
        for m in WORD.finditer(entry):
            word = m.group()
            w = lookup(word)
            if w is None:
                w = _term(word, stemming)
            if not w:
                continue
            rec = get(w)
            if chars:
                start, end = m.span()
                start += offset
                end += offset
                if rec is None:
                    seen[w] = [1, pos, end, [pos, start, end - start]]
                else:
                    rec[0] += 1
                    rec[3] += (pos - rec[1], start - rec[2], end - start)
                    rec[1] = pos
                    rec[2] = end
            elif rec is None:
                seen[w] = [1, pos, 0, [pos]]
            else:
                rec[0] += 1
                rec[3].append(pos - rec[1])
                rec[1] = pos
            pos += 1
        if pos > first:
            pos += gap - 1
        offset += len(entry) + sep_len
    out = []
    length = 0
    for term, (freq, _p, _e, flat) in seen.items():
        length += freq
        out.append((term.encode("utf-8"), freq, freq * boost, _pack(flat)))
    return out, length


def packed_postings(entries, stemming: bool, chars: bool, boost: float, gap: int,
                    sep_len: int) -> Preanalyzed:
    """field_postings(), packed."""
    postings, length = field_postings(entries, stemming, chars, boost, gap, sep_len)
    return Preanalyzed.pack(postings, length, boost)
