"""A near-duplicate fingerprint as an index keeps it: one ASCII string (`encode`/`decode`),
made in the extraction workers (indexer/work.py) and read back by `update` to verify later
candidates (searchapp/duplicates.py, which also says how clusters are kept up to date).
"""

from __future__ import annotations

import base64

import numpy as np

from indexer import dedup

FORMAT = "d1"  # bump with any change to dedup's words, shingles, hashes or sketch


def encode(fp: dedup.Fingerprint) -> str:
    """The fingerprint as ASCII: format, shingle count, signature, figures (base64)."""
    sig = b"" if fp.signature is None else fp.signature.astype("<u4").tobytes()
    figs = fp.figures.astype("<u4").tobytes()
    return ":".join([FORMAT, str(fp.size), base64.b64encode(sig).decode(),
                     base64.b64encode(figs).decode()])


def decode(text: str) -> dedup.Fingerprint | None:
    """The fingerprint `encode` wrote; None when it is of another format (then: reindex)."""
    parts = text.split(":")
    if len(parts) != 4 or parts[0] != FORMAT:
        return None
    sig = np.frombuffer(base64.b64decode(parts[2]), dtype="<u4").astype(np.uint64)
    figs = np.frombuffer(base64.b64decode(parts[3]), dtype="<u4").astype(np.uint64)
    return dedup.Fingerprint(sig if sig.size else None, figs, int(parts[1]))
