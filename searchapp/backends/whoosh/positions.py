"""Phrase checks over many documents at once, from their packed positions (formats.py).

The documents to check are those holding every word of the phrase; each word's encoded
values for them (read from the blocks holding them, arrays.values_for) are decoded
together: the packed deltas of all of them joined and summed in one pass. A phrase without
slop is then one set intersection of (document, position - i) keys over the words; with
slop, each document is checked by the shared rule (search.matcher.phrase_at).
"""

from __future__ import annotations

import numpy as np

from searchapp.backends.whoosh.formats import _SMALL, CompactCharacters, CompactPositions
from searchapp.search.matcher import phrase_at

_KEY = np.int64(1) << 33  # document index * _KEY + position: positions stay far below


def decode(fmt, values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(starts, positions): document i's positions are positions[starts[i]:starts[i + 1]]."""
    stride = 3 if isinstance(fmt, CompactCharacters) else \
        1 if isinstance(fmt, CompactPositions) else None
    counts = np.empty(len(values), np.int64)
    sizes = np.fromiter(map(len, values), np.int64, len(values))
    joined = np.frombuffer(b"".join(values), np.uint8)
    at = np.cumsum(sizes) - sizes  # each value's type byte
    if stride is not None and len(values) and sizes.min() > 0 and \
            np.all(joined[at] == _SMALL[0]):
        keep = np.ones(len(joined), bool)
        keep[at] = False
        nums = joined[keep].view("<u2")
        counts[:] = (sizes - 1) // (2 * stride)
        starts = np.zeros(len(values) + 1, np.int64)
        np.cumsum(counts, out=starts[1:])
        return starts, summed(nums[::stride], starts)
    lists = [fmt.decode_positions(v) for v in values]
    counts[:] = [len(x) for x in lists]
    starts = np.zeros(len(values) + 1, np.int64)
    np.cumsum(counts, out=starts[1:])
    flat = np.fromiter((p for x in lists for p in x), np.int64, int(starts[-1]))
    return starts, flat


def summed(deltas: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Each document's positions from its deltas (document i's are
    deltas[starts[i]:starts[i + 1]]): a running sum that starts again at each document."""
    total = np.cumsum(deltas, dtype=np.int64)
    counts = np.diff(starts)
    nonempty = counts > 0
    before = np.zeros(len(counts), np.int64)
    firsts = starts[:-1][nonempty]
    before[nonempty] = np.where(firsts > 0, total[np.maximum(firsts - 1, 0)], 0)
    return total - np.repeat(before, counts)


def joined(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Several (starts, positions) of consecutive runs of documents as one."""
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return np.zeros(1, np.int64), np.empty(0, np.int64)
    shifted, base = [np.zeros(1, np.int64)], 0
    for starts, _ in parts:
        shifted.append(starts[1:] + base)
        base += int(starts[-1])
    return np.concatenate(shifted), np.concatenate([pos for _, pos in parts])


def phrase_matches(decoded: list[tuple[np.ndarray, np.ndarray]], slop: int) -> np.ndarray:
    """Which of the documents (bool per document) hold the words in order, at most `slop`
    other words between them (matcher.phrase_at's rule)."""
    n = len(decoded[0][0]) - 1
    if slop:
        ok = np.zeros(n, bool)
        for d in range(n):
            ok[d] = phrase_at([pos[starts[d]:starts[d + 1]].tolist()
                               for starts, pos in decoded], slop)
        return ok
    common = None
    for i, (starts, pos) in enumerate(decoded):
        doc = np.repeat(np.arange(n, dtype=np.int64), np.diff(starts))
        keys = doc * _KEY + (pos - i)
        common = keys if common is None else np.intersect1d(common, keys, assume_unique=True)
        if not len(common):
            break
    ok = np.zeros(n, bool)
    ok[(common // _KEY)] = True
    return ok
