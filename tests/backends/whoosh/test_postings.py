"""The one-pass posting builder equals grouping analysis.terms() and encoding each term."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from searchapp.analysis import terms
from searchapp.backends.whoosh.formats import CompactCharacters, CompactPositions
from searchapp.backends.whoosh.postings import field_postings

GAP, SEP = 100, "\n\n"


def reference(entries, stemming, chars, boost):
    fmt = CompactCharacters(field_boost=boost) if chars else CompactPositions(field_boost=boost)
    seen = defaultdict(list)
    offset = pos = 0
    for entry in entries:
        found = terms(entry, stemming, stemming, pos)
        for term, p, s, e in found:
            seen[term].append((p, offset + s, offset + e))
        if found:
            pos = found[-1][1] + GAP
        offset += len(entry) + len(SEP)
    out = []
    for term, occ in seen.items():
        value = fmt.encode(occ) if chars else fmt.encode([p for p, _, _ in occ])
        out.append((term.encode(), len(occ), len(occ) * boost, value))
    return sorted(out), sum(len(o) for o in seen.values())


WORDS = ("the harbour Strike strikes café Müller STRASSE straße U.S. 3.5 a of don't "
         "co-operation naïve Ørsted élan x y 42 1,000").split()


def texts(seed):
    rnd = random.Random(seed)
    out = []
    for _ in range(rnd.randint(0, 6)):
        out.append(" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(0, 40)))
                   + rnd.choice(["", ".", "\n\n", "!"]))
    return out


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("stemming,chars", [(True, True), (False, False), (False, True)])
def test_same_postings_as_grouped_terms(seed, stemming, chars):
    entries = texts(seed)
    got, length = field_postings(entries, stemming, chars, 1.5, GAP, len(SEP))
    assert (sorted(got), length) == reference(entries, stemming, chars, 1.5)


def test_long_text_switches_to_wide_numbers():
    entries = ["harbour " + "filler " * 20000 + "harbour"]
    got, _ = field_postings(entries, True, True, 1.0, GAP, len(SEP))
    assert sorted(got) == reference(entries, True, True, 1.0)[0]
    value = dict((t, v) for t, _, _, v in got)[b"harbour"]
    assert value[:1] == b"I"
    assert CompactCharacters().decode_characters(value) == [(0, 0, 7), (20001, 140008, 140015)]


@pytest.mark.parametrize("seed", range(6))
def test_packed_postings_unpack_and_sort_as_the_tuples(seed):
    """postings.Preanalyzed gives back field_postings()'s tuples, and TermPool sorts packed
    documents exactly as it sorts the same postings given as tuples."""
    import numpy as np

    from searchapp.backends.whoosh.fastwrite import TermPool
    from searchapp.backends.whoosh.postings import Preanalyzed, packed_postings

    packed, plain = TermPool(), TermPool()
    for doc in range(8):
        entries = texts(seed * 100 + doc)
        for stemming, chars, boost in [(True, True, 2.5), (False, False, 1.0)]:
            postings, length = field_postings(entries, stemming, chars, boost, GAP, len(SEP))
            p = packed_postings(entries, stemming, chars, boost, GAP, len(SEP))
            assert isinstance(p, Preanalyzed)
            assert p.postings == tuple(postings) and p.length == length
            assert p.count == len(postings)
            packed.add_many(f"f{stemming}", doc, p)
            plain.add_many(f"f{stemming}", doc, postings)
    for name in plain.fields:
        a, b = packed.sorted_field(name), plain.sorted_field(name)
        if b is None:
            assert a is None
            continue
        assert a.terms == b.terms and a.bounds == b.bounds and a.values == b.values
        for x, y in [(a.docnums, b.docnums), (a.deltas, b.deltas), (a.weights, b.weights)]:
            assert x.dtype == y.dtype and np.array_equal(x, y)
