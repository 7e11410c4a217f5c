"""Postings of a text field computed in a few whole-array passes: the hot loop of indexing
(runs in workers).

Equivalent to grouping `analysis.terms()` by term and encoding each group with the
compact formats; tests/backends/whoosh/test_postings.py checks that both give the same
postings for varied text, and test_postings_fast.py that they are exactly those of the
word-by-word builder this replaced. The words are found without a regex scan (bytes.translate
or a code point mask), each distinct word is normalised once (lowercase, accents folded,
stop word or too short, stemmed) and remembered as a term id, and a field's words are then
grouped, delta-encoded and packed with numpy: a Python step per word is only a dictionary
lookup. Short fields (headlines, names) go word by word, cheaper below a few hundred
characters.
"""

from __future__ import annotations

import re
import struct
from array import array
from itertools import accumulate
from typing import NamedTuple

import numpy as np

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
class _TermIds(dict):
    """Word as found in the text -> the id of its indexed term (0: not indexed), for one
    stemming mode, filled on first sight (`__missing__`), so that looking up every word of a
    field is one C-level `map`. Words with the same term ("Strike", "strikes") share its id;
    `terms[id]` is the term's UTF-8 bytes."""

    def __init__(self, stemming: bool):
        super().__init__()
        self.stemming = stemming
        self.ids: dict[str, int] = {}
        self.terms: list[bytes] = [b""]

    def __missing__(self, word: str) -> int:
        term = _term(word, self.stemming)
        i = 0
        if term:
            i = self.ids.get(term, 0)
            if not i:
                i = self.ids[term] = len(self.terms)
                self.terms.append(term.encode("utf-8"))
        self[word] = i
        return i

    def bounded(self) -> _TermIds:
        """Itself, emptied first when full (between fields only: a field's ids stay valid)."""
        if len(self) >= _CACHE_MAX:
            self.clear()
            self.ids.clear()
            del self.terms[1:]
        return self


# stemming on/off -> its word -> term id cache
_term_ids = {True: _TermIds(True), False: _TermIds(False)}


def _term(word: str, stemming: bool) -> str:
    """The indexed term of a word ("" for a stop word or a one-letter word)."""
    w = fold(word.lower())
    if len(w) < MIN_WORD or (stemming and w in STOP):
        return ""
    return stem(w) if stemming else w


# A field this short (in characters) is analysed word by word: below it, the fixed cost of
# the whole-array operations is more than they save.
_FEW_CHARS = 400
# The tokeniser: WORD's words found with whole-text operations instead of a regex scan (the
# scan was a third of the analysis). A word is a run of word characters (\w) and of dots
# that have a word character on both sides: exactly what WORD matches, leftmost first.
_WORD_CHAR = re.compile(r"\w", WORD.flags)
_DOT, _SPACE = ord("."), ord(" ")
# ASCII text: bytes.translate turns every character that is neither a word character nor a
# dot into a space.
_ASCII_KEEP = bytes(c if _WORD_CHAR.match(chr(c)) or c == _DOT else _SPACE for c in range(256))
_ASCII_WORD = np.array([bool(_WORD_CHAR.match(chr(c))) for c in range(128)])
# Whether a character beyond ASCII is a word character, as met.
_wide_word: dict[int, bool] = {}
# Joins the entries of a field for one pass: not a word character nor a dot, so no word runs
# from one entry into the next and the words found are those of each entry by itself.
_JOIN = "\n"
_SMALL_MAX = 0xFFFF
_TYPE_SMALL = _SMALL[0]


def _spans(text: str) -> tuple[list[str], np.ndarray]:
    """(words, bounds) of WORD's matches in `text`, in order: word i spans the characters
    bounds[2i]:bounds[2i + 1]."""
    if text.isascii():
        # Padded with spaces so that a dot at either end has a space beside it.
        kept = b" " + text.encode("ascii").translate(_ASCII_KEEP) + b" "
        # A dot beside another dot or a space is no part of a word (a run of dots loses its
        # pairs first; what is left of it then has a space beside it).
        kept = kept.replace(b"..", b"  ").replace(b" .", b"  ").replace(b". ", b"  ")
        inside = np.frombuffer(kept, np.uint8) != _SPACE
        words = kept.decode("ascii").split()
        return words, (inside[1:] != inside[:-1]).nonzero()[0]
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    wide = codes > 127
    word = np.zeros(len(codes) + 2, bool)  # padded with a non-word character each side
    word[1:-1] = _ASCII_WORD[np.where(wide, 0, codes)]
    if wide.any():
        found, which = np.unique(codes[wide], return_inverse=True)
        word[1:-1][wide] = np.array([_is_wide_word(c) for c in found.tolist()], bool)[which]
    inside = word.copy()
    inside[1:-1] |= (codes == _DOT) & word[:-2] & word[2:]
    # No word character is white space (str.split's), so split() finds the same runs.
    words = np.where(inside[1:-1], codes, _SPACE).astype(np.uint32).tobytes().decode(
        "utf-32-le", "surrogatepass").split()
    return words, (inside[1:] != inside[:-1]).nonzero()[0]


def _is_wide_word(code: int) -> bool:
    found = _wide_word.get(code)
    if found is None:
        found = _wide_word[code] = _WORD_CHAR.match(chr(code)) is not None
    return found


def _words(entries, cache: _TermIds, gap: int, sep_len: int):
    """(term ids, positions, start chars, end chars) of the indexed words of the entries, in
    text order, as int64 arrays (chars as in the entries joined by `sep_len` characters)."""
    join = max(sep_len, 1)
    text = entries[0] if len(entries) == 1 else (_JOIN * join).join(entries)
    words, bounds = _spans(text)
    ids = np.fromiter(map(cache.__getitem__, words), np.int64, len(words))
    keep = ids.nonzero()[0]
    ids = ids[keep]
    keep *= 2
    starts, ends = bounds[keep], bounds[keep + 1]
    positions = np.arange(len(ids), dtype=np.int64)
    if len(entries) > 1 and len(ids):
        # Entry of each word; each entry that has words starts `gap` after the last word of
        # the one before that had any.
        stops = np.cumsum(np.fromiter(map(len, entries), np.int64, len(entries)) + join)
        entry = stops.searchsorted(starts, side="right")
        if join != sep_len:  # the joiner is longer than the separator the chars count
            starts -= entry * (join - sep_len)
            ends -= entry * (join - sep_len)
        later = np.zeros(len(entry), np.int64)
        np.cumsum(entry[1:] != entry[:-1], out=later[1:])
        positions += later * (gap - 1)
    return ids, positions, starts, ends


def packed_postings(entries, stemming: bool, chars: bool, boost: float, gap: int,
                    sep_len: int) -> Preanalyzed:
    """The postings of entries joined by a separator of `sep_len` characters, packed.

    Each posting is a term, its frequency, weight and encoded value; values hold position
    deltas, and with `chars` also start-char deltas and lengths (formats.CompactCharacters).
    Entries sit `gap` positions apart, so a phrase never spans two of them. Postings come in
    term id order, not text order: the writer sorts them by term anyway.
    """
    cache = _term_ids[stemming].bounded()
    if sum(map(len, entries)) < _FEW_CHARS:
        return _few_postings(entries, cache, chars, boost, gap, sep_len)
    ids, positions, starts, ends = _words(entries, cache, gap, sep_len)
    n = len(ids)
    if not n:
        return Preanalyzed(b"", b"", b"", b"", b"", 0, boost)
    # Grouped by term with a stable sort: each term's occurrences stay in text order, and
    # the deltas of every term come from one subtraction.
    order = ids.argsort(kind="stable")
    ids = ids[order]
    first = np.empty(n, bool)  # where each term's run begins
    first[0] = True
    np.not_equal(ids[1:], ids[:-1], out=first[1:])
    firsts = first.nonzero()[0]
    freqs = np.empty(len(firsts), np.int64)
    np.subtract(firsts[1:], firsts[:-1], out=freqs[:-1])
    freqs[-1] = n - firsts[-1]
    width = 3 if chars else 1
    flat = np.empty((n, width), np.int64)
    positions = positions[order]
    _deltas(positions, positions, first, flat[:, 0])
    if chars:
        starts, ends = starts[order], ends[order]
        _deltas(starts, ends, first, flat[:, 1])
        np.subtract(ends, starts, out=flat[:, 2])
    values, value_ends = _values(flat.ravel(), firsts * width, freqs * width)
    terms = list(map(cache.terms.__getitem__, ids[firsts].tolist()))
    return Preanalyzed(b"".join(terms), array(_UINT32, accumulate(map(len, terms))).tobytes(),
                       freqs.astype(np.uint32).tobytes(), values, value_ends, n, boost)


def _deltas(at: np.ndarray, last: np.ndarray, first: np.ndarray, out: np.ndarray) -> None:
    """out[i] = at[i] - last[i - 1], or at[i] where a term's run begins."""
    out[0] = at[0]
    np.subtract(at[1:], last[:-1], out=out[1:])
    out[first] = at[first]


def _values(flat: np.ndarray, firsts: np.ndarray, counts: np.ndarray) -> tuple[bytes, bytes]:
    """(values, value ends) for the runs flat[firsts[i]:firsts[i] + counts[i]]: each run as
    formats.pack() packs it (a type byte, then 16-bit numbers, or 32-bit when one does not
    fit), little-endian."""
    if flat.max() <= _SMALL_MAX:
        # Every run 16-bit: one buffer of the numbers with each run's type byte put in.
        sizes = counts * 2 + 1
        ends = sizes.cumsum()
        out = np.empty(int(ends[-1]), np.uint8)
        types = ends - sizes  # where each run's type byte goes
        out[types] = _TYPE_SMALL
        numbers = np.ones(len(out), bool)
        numbers[types] = False
        out[numbers] = flat.astype("<u2").view(np.uint8)
        return out.tobytes(), ends.astype(np.uint32).tobytes()
    small = np.maximum.reduceat(flat, firsts) <= _SMALL_MAX
    narrow, wide = flat.astype("<u2").tobytes(), flat.astype("<u4").tobytes()
    out = []
    for a, c, s in zip(firsts.tolist(), counts.tolist(), small.tolist(), strict=True):
        out.append(_SMALL + narrow[a * 2:(a + c) * 2] if s else _LARGE + wide[a * 4:(a + c) * 4])
    return b"".join(out), array(_UINT32, accumulate(map(len, out))).tobytes()


def _few_postings(entries, cache: _TermIds, chars: bool, boost: float, gap: int,
                  sep_len: int) -> Preanalyzed:
    """packed_postings() of a short field, word by word."""
    # term id -> [frequency, last position, last end char, flat deltas]
    seen: dict[int, list] = {}
    get = seen.get
    pos = 0
    offset = 0
    for entry in entries:
        first = pos
        for m in WORD.finditer(entry):
            i = cache[m.group()]
            if not i:
                continue
            rec = get(i)
            if chars:
                start, end = m.span()
                start += offset
                end += offset
                if rec is None:
                    seen[i] = [1, pos, end, [pos, start, end - start]]
                else:
                    rec[0] += 1
                    rec[3] += (pos - rec[1], start - rec[2], end - start)
                    rec[1] = pos
                    rec[2] = end
            elif rec is None:
                seen[i] = [1, pos, 0, [pos]]
            else:
                rec[0] += 1
                rec[3].append(pos - rec[1])
                rec[1] = pos
            pos += 1
        if pos > first:
            pos += gap - 1
        offset += len(entry) + sep_len
    terms = list(map(cache.terms.__getitem__, seen))
    recs = seen.values()
    values = [_pack(r[3]) for r in recs]
    freqs = [r[0] for r in recs]
    return Preanalyzed(b"".join(terms), array(_UINT32, accumulate(map(len, terms))).tobytes(),
                       array(_UINT32, freqs).tobytes(), b"".join(values),
                       array(_UINT32, accumulate(map(len, values))).tobytes(), sum(freqs),
                       boost)


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
    """(postings, field length) as (term bytes, frequency, weight, encoded value) tuples:
    packed_postings() unpacked."""
    p = packed_postings(entries, stemming, chars, boost, gap, sep_len)
    return list(p.postings), p.length
