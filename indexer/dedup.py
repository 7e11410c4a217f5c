"""Near-duplicate detection: word shingles, MinHash signatures, LSH banding, union-find.

Articles that are copies or light rewrites of each other (a wire story re-sent, a syndicated
copy with a new lead paragraph) get one cluster id, so results can show one story once.

- Text: headline + body (the extractors already leave boilerplate, captions and comments
  out of `body`), case-folded, accents kept, split into words (letters and digits: numbers
  stay, because two daily market reports differ mostly in their figures). A trailing
  wire sign-off ("Reuter") is dropped.
- Shingles: runs of SHINGLE_WORDS words, hashed with crc32 (deterministic in every process,
  unlike Python's salted hash()). A text shorter than one shingle is one shingle of all its
  words, so two identical short texts still match; an empty text matches nothing.
- Signature: NUM_PERM minimums of seeded multiply-shift hashes (numpy, SEED fixed): the share
  of equal positions estimates the Jaccard similarity of two shingle sets.
- Candidates: LSH over BANDS bands of ROWS rows; a pair sharing one band is a candidate, kept
  when its estimated Jaccard >= THRESHOLD (chosen on half of a labelled pair set, measured on
  the other half: bench/dedup_eval.py).
- Clusters: union-find over the kept pairs (so a chain A~B~C is one cluster). The cluster id
  is the smallest article id in the cluster (string order): a real article id (it can be
  linked), the same on every run over the same articles; a single article is its own cluster.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence

import numpy as np

SHINGLE_WORDS = 3  # Reuters bodies average ~120 words: longer shingles leave too few per story
NUM_PERM = 128  # the Jaccard estimate's standard error is <= 0.045 at 128
BANDS, ROWS = 32, 4  # BANDS * ROWS == NUM_PERM; a pair at J=0.5 is a candidate with p > 0.87
THRESHOLD = 0.5  # estimated Jaccard for "copy or light rewrite" (see bench/dedup_eval.py)
SEED = 13

_WORD = re.compile(r"[^\W_]+")
# A wire's sign-off as the last word ("... 5.0 pct. REUTER"): the same in every story.
_SIGN_OFF = {"reuter", "reuters"}
_MASK32 = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)


def _params(seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
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
    """The distinct crc32 hashes of the k-word runs (uint64); one run when shorter than k."""
    if not tokens:
        return np.zeros(0, dtype=np.uint64)
    runs = (" ".join(tokens[i:i + k]) for i in range(max(1, len(tokens) - k + 1)))
    return np.unique(np.fromiter((zlib.crc32(r.encode()) for r in runs), dtype=np.uint64))


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


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The estimated Jaccard similarity of two signatures."""
    return float(np.mean(a == b))


def candidate_pairs(sigs: np.ndarray) -> np.ndarray:
    """Index pairs (i < j, shape (n, 2)) sharing at least one LSH band of `sigs` (m x NUM_PERM)."""
    found = []
    for band in range(BANDS):
        rows = sigs[:, band * ROWS:(band + 1) * ROWS]
        # One 64-bit key per band (a collision only adds a candidate; verification drops it).
        key = np.zeros(len(sigs), dtype=np.uint64)
        for col in range(ROWS):
            key = key * np.uint64(0x9E3779B97F4A7C15) + (rows[:, col] & _MASK32)
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
        sizes = np.diff(np.r_[starts, len(order)])
        for start, size in zip(starts[sizes > 1], sizes[sizes > 1], strict=True):
            members = np.sort(order[start:start + size])
            i, j = np.triu_indices(size, k=1)
            found.append(np.stack([members[i], members[j]], axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(found), axis=0)


def similar_pairs(sigs: np.ndarray, threshold: float = THRESHOLD) -> np.ndarray:
    """Candidate pairs whose estimated Jaccard is >= threshold, with it: rows (i, j, sim)."""
    pairs = candidate_pairs(sigs)
    sims = np.empty(len(pairs))
    for start in range(0, len(pairs), 65536):  # bounded memory for huge buckets
        p = pairs[start:start + 65536]
        sims[start:start + len(p)] = (sigs[p[:, 0]] == sigs[p[:, 1]]).mean(axis=1)
    keep = sims >= threshold
    return np.column_stack([pairs[keep], sims[keep]])


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
    sigs = [article_signature(headline, body) for _, headline, body in texts]
    have = [i for i, s in enumerate(sigs) if s is not None]
    matrix = (np.stack([sigs[i] for i in have]) if have
              else np.zeros((0, NUM_PERM), dtype=np.uint64))
    pairs = [(have[int(i)], have[int(j)]) for i, j, _ in similar_pairs(matrix, threshold)]
    return clusters([t[0] for t in texts], pairs)
