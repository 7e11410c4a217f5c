"""Positions decoded together equal each value decoded alone; the phrase check over many
documents at once agrees with the shared rule (matcher.phrase_at) document by document."""

from __future__ import annotations

import random

import pytest

from searchapp.backends.whoosh import positions
from searchapp.backends.whoosh.formats import CompactCharacters, CompactPositions
from searchapp.search.matcher import phrase_at


def _encode(fmt, pos: list[int]) -> bytes:
    if isinstance(fmt, CompactCharacters):
        return fmt.encode([(p, 6 * p, 6 * p + 4) for p in pos])
    return fmt.encode(pos)


@pytest.mark.parametrize("fmt", [CompactCharacters(), CompactPositions()])
@pytest.mark.parametrize("large", [False, True])
def test_decoded_together_as_one_by_one(fmt, large):
    rng = random.Random(f"{type(fmt).__name__}{large}")
    top = 200_000 if large else 3000  # past 65,535: 32-bit numbers in some values
    docs = [sorted(rng.sample(range(top), rng.randint(1, 30))) for _ in range(200)]
    values = [_encode(fmt, d) for d in docs]
    starts, flat = positions.decode(fmt, values)
    assert [flat[starts[i]:starts[i + 1]].tolist() for i in range(len(docs))] == \
        [fmt.decode_positions(v) for v in values] == docs


@pytest.mark.parametrize("slop", [0, 1, 3])
@pytest.mark.parametrize("words", [2, 3])
def test_phrase_matches_agree_with_phrase_at(slop, words):
    rng = random.Random(f"{slop}{words}")
    fmt = CompactPositions()
    per_doc = [[sorted(rng.sample(range(40), rng.randint(1, 8))) for _ in range(words)]
               for _ in range(500)]
    decoded = [positions.decode(fmt, [fmt.encode(d[w]) for d in per_doc])
               for w in range(words)]
    got = positions.phrase_matches(decoded, slop).tolist()
    want = [phrase_at(d, slop) for d in per_doc]
    assert got == want
    assert any(want) and not all(want)
