"""Postings of a text field computed in one pass: the hot loop of indexing (runs in workers).

Equivalent to grouping `analysis.terms()` by term and encoding each group with the
compact formats, without building a tuple per token; tests/test_postings.py checks that
both give the same postings for varied text.
"""

from __future__ import annotations

from array import array

from indexer.analysis import MIN_WORD, STOP, WORD, _stems, fold, stem
from indexer.formats import _LARGE, _SMALL, _SWAP

# Entries of a multi-valued field (quotes, comments) sit this many positions apart, so a
# phrase never matches across two entries; see schema.ENTRY_POSITION_GAP.


def _pack(flat: list[int]) -> bytes:
    try:
        a = array("H", flat)
        kind = _SMALL
    except OverflowError:
        a = array("I", flat)
        kind = _LARGE
    if _SWAP:
        a.byteswap()
    return kind + a.tobytes()


def field_postings(entries, stemming: bool, chars: bool, boost: float, gap: int,
                   sep_len: int) -> tuple[list[tuple[bytes, int, float, bytes]], int]:
    """(postings, field length) for entries joined by a separator of `sep_len` characters.

    Each posting is (term bytes, frequency, weight, encoded value); values hold position
    deltas, and with `chars` also start-char deltas and lengths (formats.CompactCharacters).
    """
    # term -> [frequency, last position, last end char, flat deltas]
    seen: dict[str, list] = {}
    get = seen.get
    stems = _stems
    pos = 0
    offset = 0
    for entry in entries:
        first = pos
        for m in WORD.finditer(entry):
            w = m.group().lower()
            if not w.isascii():
                w = fold(w)
            if len(w) < MIN_WORD or (stemming and w in STOP):
                continue
            if stemming:
                s = stems.get(w)
                w = s if s is not None else stem(w)
            rec = get(w)
            if chars:
                start = offset + m.start()
                end = offset + m.end()
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
