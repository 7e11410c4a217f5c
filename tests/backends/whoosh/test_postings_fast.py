"""The whole-array posting builder gives exactly what the word-by-word one it replaced gave.

`word_by_word` below is the previous postings.field_postings, kept here as the reference:
same terms, frequencies, weights and encoded values (positions, start chars, lengths), so
an index built with either answers every query the same.
"""

from __future__ import annotations

import random
import struct

import pytest

from searchapp.analysis import MIN_WORD, STOP, WORD, fold, stem
from searchapp.backends.whoosh import postings
from searchapp.backends.whoosh.formats import pack
from searchapp.backends.whoosh.postings import _spans, field_postings, packed_postings

GAP, SEP_LEN = 100, 2


def _term(word, stemming):
    w = fold(word.lower())
    if len(w) < MIN_WORD or (stemming and w in STOP):
        return ""
    return stem(w) if stemming else w


def _pack(flat):
    try:
        return b"H" + struct.pack(f"<{len(flat)}H", *flat)
    except struct.error:
        return pack(flat)


def word_by_word(entries, stemming, chars, boost, gap, sep_len):
    """The previous field_postings (a regex scan, a dict of deltas per term)."""
    seen = {}
    pos = offset = 0
    for entry in entries:
        first = pos
        for m in WORD.finditer(entry):
            w = _term(m.group(), stemming)
            if not w:
                continue
            rec = seen.get(w)
            if chars:
                start, end = m.start() + offset, m.end() + offset
                if rec is None:
                    seen[w] = [1, pos, end, [pos, start, end - start]]
                else:
                    rec[0] += 1
                    rec[3] += (pos - rec[1], start - rec[2], end - start)
                    rec[1], rec[2] = pos, end
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
    out = [(t.encode("utf-8"), f, f * boost, _pack(flat)) for t, (f, _, _, flat) in seen.items()]
    return sorted(out), sum(r[0] for r in seen.values())


def same(entries, stemming=True, chars=True, boost=1.5, gap=GAP, sep_len=SEP_LEN):
    got, length = field_postings(entries, stemming, chars, boost, gap, sep_len)
    assert (sorted(got), length) == word_by_word(entries, stemming, chars, boost, gap, sep_len)
    packed = packed_postings(entries, stemming, chars, boost, gap, sep_len)
    assert sorted(packed.postings) == sorted(got) and packed.length == length


# Words and separators that exercise the tokeniser: dots inside and around words, runs of
# dots, accents, scripts without case, digits, underscores, stop words, one-letter words,
# long words, non-BMP characters, controls, and punctuation that is not ASCII.
PIECES = ("the", "of", "a", "I", "harbour", "Harbour", "HARBOURS", "strike", "Strikes", "café",
          "Müller", "straße", "STRASSE", "Ørsted", "naïve", "élan", "U.S.", "U.S.A", "3.5",
          "1,000", "e.g.", "...", "a..b", ".x", "x.", "snake_case", "_", "__init__", "don't",
          "co-operation", "Москва", "東京都", "١٢٣", "x" * 300, "supercalifragilistic" * 3,
          "😀", "𝔘𝔫𝔦", "\u00a0", "\u2028", "\t", "\n", "\n\n", "—", "“quoted”", "£5", "½",
          "\x00", "Ⅻ", "ǅ", "ﬁ", "İstanbul", ".", ",", "!", "(", ")")


def text(rnd, words):
    out = []
    for _ in range(words):
        out.append(rnd.choice(PIECES))
        out.append(rnd.choice([" ", " ", " ", "", ".", ". ", ", ", "\n", "..", " . "]))
    return "".join(out)


@pytest.mark.parametrize("seed", range(40))
def test_tokeniser_finds_what_the_word_pattern_finds(seed):
    rnd = random.Random(seed)
    s = text(rnd, rnd.choice([0, 1, 3, 50, 400]))
    if seed % 3 == 0:
        s = s.encode("ascii", "ignore").decode()  # the ASCII path
    words, bounds = _spans(s)
    found = list(WORD.finditer(s))
    assert words == [m.group() for m in found]
    assert bounds[0::2].tolist() == [m.start() for m in found]
    assert bounds[1::2].tolist() == [m.end() for m in found]


@pytest.mark.parametrize("s", ["", ".", "..", "...", "a.", ".a", "a.b.", "a..b", "a. .b",
                               "a.\u00e9", "\u00e9.a", "x" * 5000, " \n ", "\ud800a\udfff",
                               "a.b.c...d", "A.B. C.D"])
def test_tokeniser_edges(s):
    words, bounds = _spans(s)
    found = list(WORD.finditer(s))
    assert words == [m.group() for m in found]
    assert bounds.tolist() == [i for m in found for i in m.span()]


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("stemming,chars", [(True, True), (False, False), (False, True),
                                            (True, False)])
def test_same_postings_as_word_by_word(seed, stemming, chars):
    rnd = random.Random(seed)
    # Short fields (word by word) and long ones (whole arrays), one entry or many, some of
    # them empty or without an indexed word.
    entries = [text(rnd, rnd.choice([0, 1, 2, 5, 40, 200, 900]))
               for _ in range(rnd.choice([1, 1, 2, 7]))]
    same(entries, stemming, chars)


@pytest.mark.parametrize("entries", [[], [""], ["", ""], ["the of a"], ["the of a " * 100],
                                     ["x"], ["harbour"], ["", "harbour " * 80, "", "of " * 90,
                                                          "harbour"]])
def test_empty_and_unindexed(entries):
    same(entries)
    same(entries, False, False)


@pytest.mark.parametrize("sep_len", [0, 1, 2, 5])
def test_separator_lengths(sep_len):
    rnd = random.Random(sep_len)
    entries = [text(rnd, 120) for _ in range(4)]
    same(entries, sep_len=sep_len)


def test_gaps():
    entries = ["harbour strike " * 40, "of the", "strike harbour " * 40]
    for gap in (1, 2, 100):
        same(entries, gap=gap)


def test_wide_numbers_in_some_postings_only():
    """A long field: terms whose deltas pass 65535 are packed 32-bit, the others 16-bit."""
    entries = ["harbour strike " + "filler " * 12000 + "harbour"]
    same(entries)
    same(entries, False, False)
    values = {t: v for t, _, _, v in field_postings(entries, True, True, 1.0, GAP, 2)[0]}
    assert values[b"harbour"][:1] == b"I"
    assert values[b"strike"][:1] == values[b"filler"][:1] == b"H"
    many = ["harbour " * 70000]  # positions past 65535 without chars too
    same(many, False, False)


def test_term_cache_emptied_between_fields(monkeypatch):
    monkeypatch.setattr(postings, "_CACHE_MAX", 5)
    rnd = random.Random(7)
    for _ in range(10):
        same([text(rnd, 300)])
        same([text(rnd, 20)], False, False)
