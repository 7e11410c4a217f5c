"""Near-duplicate detection: word shingles, MinHash signatures, LSH banding, union-find.

Articles that are copies or light rewrites of each other (a wire story re-sent, a syndicated
copy with a new lead paragraph) get one cluster id, so results can show one story once.

- Text: headline + body (the extractors already leave boilerplate, captions and comments
  out of `body`), case-folded, accents kept, split into words (letters and digits: numbers
  stay, because two daily market reports differ mostly in their figures). A trailing
  wire sign-off ("Reuter") is dropped.
- Shingles: runs of SHINGLE_WORDS words: each word hashed with crc32 (deterministic in every
  process, unlike Python's salted hash()), a run's hashes mixed into 32 bits. A text
  shorter than one shingle is one shingle of all its words, so two identical short texts
  still match; an empty text matches nothing.
- Signature: NUM_PERM minimums of multiply-shift hashes (parameters from SEED): the share
  of equal positions estimates the Jaccard similarity of two shingle sets.
- Candidates: LSH over BANDS bands of ROWS rows; a pair sharing one band (and within
  BUCKET_REACH of each other in its bucket) is a candidate, kept
  when its estimated Jaccard >= THRESHOLD (chosen on half of a labelled pair set, measured on
  the other half: bench/dedup_eval.py).
- Figures: recurring wire reports (a weekly rate table, a daily price list) share their
  wording and differ in their numbers, and score as high as a copy. So a pair is kept only
  when, of the figures ("7-1/4", "1,683,000") of the text that has fewer, at least
  FIGURES_MIN are in the other; a text without figures passes. A short text (under
  SHORT_SHINGLES) is mostly template and needs SHORT_THRESHOLD. The numbers are kept as
  the FIGURES_KEPT smallest crc32 hashes (a bottom-k sketch: exact below that size).
- Clusters: union-find over the kept pairs (so a chain A~B~C is one cluster). The cluster id
  is the smallest article id in the cluster (string order): a real article id (it can be
  linked), the same on every run over the same articles; a single article is its own cluster.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

SHINGLE_WORDS = 3  # Reuters bodies average ~120 words: longer shingles leave too few per story
NUM_PERM = 128  # the Jaccard estimate's standard error is <= 0.045 at 128
BANDS, ROWS = 64, 2  # BANDS * ROWS == NUM_PERM; a pair at J=0.35 is a candidate with p > 0.999
# Estimated Jaccard for "copy or light rewrite": chosen on the tune half of the labelled pairs
# (tests/fixtures/dedup/), see bench/dedup_eval.py. Truncated wire copies and rewrites with a
# new lead paragraph sit at 0.35-0.5; templated reports of other days are held off by figures.
THRESHOLD = 0.35
SEED = 13
# A bucket of one band holds the articles with equal keys there. Each is paired with the
# next BUCKET_REACH of its bucket (in article order), not with every other: a bucket of
# thousands (short templated texts: "Story 12 v1 / Tide v1.", a notice re-sent all day)
# would give millions of pairs (3,000 such texts: 4.4 million, 8.7 s). Copies still end
# in one cluster: a chain of verified neighbours joins them (union-find), and copies share
# most of their 64 bands, each bucket ordering them differently.
BUCKET_REACH = 32
FIGURES_MIN = 0.7  # copies and truncations keep their figures; next week's report does not
FIGURES_KEPT = 64
# A short text ("Qtly div 10 cts vs 10 cts prior / Pay April 6 / Record March 16") is mostly
# template: two companies' notices share half their shingles. Below SHORT_SHINGLES a pair
# needs SHORT_THRESHOLD.
# Earnings tables ("Shr 30 cts vs 30 cts / Net ...") re-filed with a correction have 30-40.
SHORT_SHINGLES, SHORT_THRESHOLD = 30, 0.7

_WORD = re.compile(r"[^\W_]+")
# A wire's sign-off as the last word ("... 5.0 pct. REUTER"): the same in every story.
_SIGN_OFF = {"reuter", "reuters"}
_MASK32 = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # an odd 64-bit constant (the golden ratio's bits)
# A figure as written: "7-1/4", "101-3/8", "1,683,000", "4.27" are one each (split into
# words they would be "7", "1", "4", shared by every bond issue).
_FIGURE = re.compile(r"\d+(?:[.,/-]\d+)*")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")  # "2,000" is written "2000" too


def _params(seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """The hash family's multipliers (odd) and offsets, from blake2b: not from numpy's random
    generators, whose streams may change between numpy versions, while signatures kept in
    an index must compare with those of a later run."""
    raw = [int.from_bytes(hashlib.blake2b(f"{seed}:{i}".encode(), digest_size=16).digest(),
                          "little") for i in range(NUM_PERM)]
    a = np.array([(r & (2**64 - 1)) | 1 for r in raw], dtype=np.uint64)
    b = np.array([r >> 64 for r in raw], dtype=np.uint64)
    return a, b


_A, _B = _params()


def words(headline: str, body: str) -> list[str]:
    """The words compared: headline then body, case-folded, without the wire sign-off."""
    text = unicodedata.normalize("NFKC", f"{headline}\n{body}").casefold()
    found = _WORD.findall(text)
    if found and found[-1] in _SIGN_OFF:
        found.pop()
    return found


def shingles(tokens: Sequence[str], k: int = SHINGLE_WORDS) -> np.ndarray:
    """The distinct 32-bit hashes of the k-word runs (uint64); one run when shorter than k."""
    if not tokens:
        return np.zeros(0, dtype=np.uint64)
    # One crc32 per word, then each run's words combined in numpy (not a string per run).
    word = np.fromiter((zlib.crc32(t.encode()) for t in tokens), dtype=np.uint64,
                       count=len(tokens))
    runs = max(1, len(tokens) - k + 1)
    mixed = np.zeros(runs, dtype=np.uint64)
    for i in range(min(k, len(tokens))):
        mixed = mixed * _MIX + word[i:i + runs]
    return np.unique((mixed ^ (mixed >> _SHIFT)) & _MASK32)


def signature(hashes: np.ndarray) -> np.ndarray | None:
    """NUM_PERM MinHash values (uint32 in uint64) of a shingle set; None when it is empty."""
    if hashes.size == 0:
        return None
    # Multiply-shift (a odd, 64-bit): the high 32 bits of a*x+b are a universal hash of x.
    mixed = (hashes[:, None] * _A[None, :] + _B[None, :]) >> _SHIFT
    return mixed.min(axis=0)


def article_signature(headline: str, body: str) -> np.ndarray | None:
    """The signature of an article's text (see the module docstring)."""
    return signature(shingles(words(headline, body)))


def figures(text: str) -> np.ndarray:
    """The FIGURES_KEPT smallest distinct crc32 hashes of the figures in `text`."""
    found = np.unique(np.fromiter((zlib.crc32(_THOUSANDS.sub("", f).encode())
                                   for f in _FIGURE.findall(text)), dtype=np.uint64))
    return found[:FIGURES_KEPT]


def same_figures(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether the smaller of two figure sketches is at least FIGURES_MIN inside the other."""
    if a.size == 0 or b.size == 0:
        return True
    if a.size == FIGURES_KEPT or b.size == FIGURES_KEPT:  # bottom-k: compare the shared range
        top = min(a[-1], b[-1])
        a, b = a[a <= top], b[b <= top]
    shared = np.intersect1d(a, b, assume_unique=True).size
    return shared >= FIGURES_MIN * min(a.size, b.size)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What is kept of an article to compare it with others, now or at a later update."""

    signature: np.ndarray | None  # NUM_PERM MinHash values; None for an empty text
    figures: np.ndarray  # bottom-k hashes of its numbers
    size: int  # distinct shingles


def fingerprint(headline: str, body: str) -> Fingerprint:
    hashes = shingles(words(headline, body))
    return Fingerprint(signature(hashes), figures(f"{headline}\n{body}"), int(hashes.size))


def needed(a: Fingerprint, b: Fingerprint, threshold: float = THRESHOLD) -> float:
    """The similarity a pair needs: more when one text is short (see SHORT_SHINGLES)."""
    return max(threshold, SHORT_THRESHOLD) if min(a.size, b.size) < SHORT_SHINGLES else threshold


def is_copy(a: Fingerprint, b: Fingerprint, threshold: float = THRESHOLD) -> bool:
    """The verification of one candidate pair (without the LSH step)."""
    return (a.signature is not None and b.signature is not None
            and similarity(a.signature, b.signature) >= needed(a, b, threshold)
            and same_figures(a.figures, b.figures))


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The estimated Jaccard similarity of two signatures."""
    return float(np.mean(a == b))


def band_keys(sigs: np.ndarray) -> np.ndarray:
    """One 64-bit key per LSH band of each signature (m x BANDS): equal keys, a candidate
    (a collision of two keys only adds a candidate, which verification drops)."""
    keys = np.zeros((len(sigs), BANDS), dtype=np.uint64)
    for col in range(ROWS):
        keys = keys * _MIX + (sigs[:, col::ROWS] & _MASK32)
    return keys


def candidate_pairs(sigs: np.ndarray) -> np.ndarray:
    """Index pairs (i < j, shape (n, 2)) sharing at least one LSH band of `sigs` (m x NUM_PERM)."""
    found = []
    keys = band_keys(sigs)
    for band in range(BANDS):
        key = keys[:, band]
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        # Every pair of one bucket, without a Python loop over buckets: positions p and p+d
        # of the sorted keys are in one bucket when their keys are equal (d = 1, 2, ...).
        pos = np.arange(len(order))
        for d in range(1, min(len(order), BUCKET_REACH + 1)):
            pos = pos[pos + d < len(order)]
            pos = pos[sorted_key[pos] == sorted_key[pos + d]]
            if pos.size == 0:
                break
            found.append(np.sort(np.stack([order[pos], order[pos + d]], axis=1), axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    both = np.concatenate(found).astype(np.int64)
    codes = np.unique(both[:, 0] * len(sigs) + both[:, 1])  # one int per pair: a fast unique
    return np.stack([codes // len(sigs), codes % len(sigs)], axis=1)


def similar_pairs(sigs: np.ndarray, threshold: float = THRESHOLD) -> np.ndarray:
    """Candidate pairs whose estimated Jaccard is >= threshold, with it: rows (i, j, sim)."""
    pairs = candidate_pairs(sigs)
    sims = np.empty(len(pairs))
    for start in range(0, len(pairs), 65536):  # bounded memory for huge buckets
        p = pairs[start:start + 65536]
        sims[start:start + len(p)] = (sigs[p[:, 0]] == sigs[p[:, 1]]).mean(axis=1)
    keep = sims >= threshold
    return np.column_stack([pairs[keep], sims[keep]])


def duplicate_pairs(prints: Sequence[Fingerprint],
                    threshold: float = THRESHOLD) -> list[tuple[int, int]]:
    """Index pairs (i < j) of `prints` found to be copies: an LSH band, the text and figures."""
    have = [i for i, p in enumerate(prints) if p.signature is not None]
    if len(have) < 2:
        return []
    found = similar_pairs(np.stack([prints[i].signature for i in have]), threshold)
    pairs = [(have[int(i)], have[int(j)], sim) for i, j, sim in found]
    return [(i, j) for i, j, sim in pairs
            if sim >= needed(prints[i], prints[j], threshold)
            and same_figures(prints[i].figures, prints[j].figures)]


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def clusters(ids: Sequence[str], pairs: Iterable[tuple[int, int]]) -> dict[str, str]:
    """Article id -> cluster id (the smallest article id of its cluster), by union-find."""
    parent = list(range(len(ids)))
    for i, j in pairs:
        ri, rj = _find(parent, int(i)), _find(parent, int(j))
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    smallest: dict[int, str] = {}
    for i, article_id in enumerate(ids):
        root = _find(parent, i)
        if root not in smallest or article_id < smallest[root]:
            smallest[root] = article_id
    return {article_id: smallest[_find(parent, i)] for i, article_id in enumerate(ids)}


def cluster_articles(texts: Sequence[tuple[str, str, str]],
                     threshold: float = THRESHOLD) -> dict[str, str]:
    """(id, headline, body) triples -> {article id: cluster id}. Empty texts stay alone."""
    prints = [fingerprint(headline, body) for _, headline, body in texts]
    return clusters([t[0] for t in texts], duplicate_pairs(prints, threshold))
