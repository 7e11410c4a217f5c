"""Compact posting values: positions and character offsets as packed integers.

Whoosh's Characters/Positions formats pickle a list of delta tuples for every posting.
These formats store the same deltas as one packed array (2 bytes a number when they fit,
4 otherwise): encoding and decoding are C calls instead of pickling, and the blocks the
writer compresses are about half the size. They subclass Whoosh's formats so everything in
Whoosh that reads positions or characters (phrase matchers, highlighters) still works.
"""

from __future__ import annotations

import sys
from array import array
from collections import defaultdict
from itertools import accumulate

from whoosh import formats

_SMALL, _LARGE = b"H", b"I"
_SMALL_MAX = 0xFFFF


_SWAP = sys.byteorder == "big"  # index files are little-endian everywhere


def pack(numbers: list[int]) -> bytes:
    """A type byte and the numbers as little-endian unsigned 16-bit (or 32-bit) integers."""
    small = not numbers or max(numbers) <= _SMALL_MAX
    a = array("H" if small else "I", numbers)
    if _SWAP:
        a.byteswap()
    return (_SMALL if small else _LARGE) + a.tobytes()


def unpack(value: bytes) -> array:
    a = array(chr(value[0]), value[1:])
    if _SWAP:
        a.byteswap()
    return a


class CompactCharacters(formats.Characters):
    """(position, startchar, endchar) of every occurrence; 3 packed numbers each."""

    def word_values(self, value, analyzer, **kwargs):
        fb = self.field_boost
        seen: dict[str, list] = defaultdict(list)
        kwargs.update(positions=True, chars=True, boosts=True)
        for t in formats.tokens(value, analyzer, kwargs):
            seen[t.text].append((t.pos, t.startchar, t.endchar))
        for w, occ in seen.items():
            yield w, len(occ), len(occ) * fb, self.encode(occ)

    def encode(self, poslist):
        flat = []
        pos = end = 0
        for p, s, e in poslist:
            flat += (p - pos, s - end, e - s)
            pos, end = p, e
        return pack(flat)

    def decode_characters(self, valuestring):
        nums = unpack(valuestring)
        out = []
        pos = end = 0
        for i in range(0, len(nums), 3):
            pos += nums[i]
            start = end + nums[i + 1]
            end = start + nums[i + 2]
            out.append((pos, start, end))
        return out

    def decode_positions(self, valuestring):
        return list(accumulate(unpack(valuestring)[::3]))

    def decode_frequency(self, valuestring):
        return (len(valuestring) - 1) // (6 if valuestring[:1] == _SMALL else 12)

    def decode_weight(self, valuestring):
        return self.decode_frequency(valuestring) * self.field_boost

    def decode_position_boosts(self, valuestring):
        return [(p, 1) for p in self.decode_positions(valuestring)]

    def decode_character_boosts(self, valuestring):
        return [(p, s, e, 1) for p, s, e in self.decode_characters(valuestring)]


class CompactPositions(formats.Positions):
    """The position of every occurrence, packed."""

    def word_values(self, value, analyzer, **kwargs):
        fb = self.field_boost
        seen: dict[str, list[int]] = defaultdict(list)
        kwargs.update(positions=True, boosts=True)
        for t in formats.tokens(value, analyzer, kwargs):
            seen[t.text].append(t.pos)
        for w, poslist in seen.items():
            yield w, len(poslist), len(poslist) * fb, self.encode(poslist)

    def encode(self, poslist):
        prev = 0
        deltas = []
        for p in poslist:
            deltas.append(p - prev)
            prev = p
        return pack(deltas)

    def decode_positions(self, valuestring):
        return list(accumulate(unpack(valuestring)))

    def decode_frequency(self, valuestring):
        return (len(valuestring) - 1) // (2 if valuestring[:1] == _SMALL else 4)

    def decode_weight(self, valuestring):
        return self.decode_frequency(valuestring) * self.field_boost

    def decode_position_boosts(self, valuestring):
        return [(p, 1) for p in self.decode_positions(valuestring)]
