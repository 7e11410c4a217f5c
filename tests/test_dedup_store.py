"""Keeping near-duplicate clusters in an index (indexer/dedup_store.py, searchapp/duplicates.py,
the Whoosh backend's tables): an update gives the clusters a rebuild gives."""

from __future__ import annotations

import numpy as np

from indexer import dedup, dedup_store
from searchapp import duplicates
from searchapp.backends.whoosh import dupdata


def _texts(n: int, seed: int = 1) -> dict[str, str]:
    rng = np.random.default_rng(seed)
    vocabulary = [f"w{i}" for i in range(3000)]
    return {f"a{i:03d}": " ".join(rng.choice(vocabulary, 60)) for i in range(n)}


def test_a_fingerprint_survives_encoding():
    fp = dedup.fingerprint("Rates", "The bank cut its rate to 7-1/4 pct from 7-1/2 pct today.")
    back = dedup_store.decode(dedup_store.encode(fp))
    assert back.signature.tolist() == fp.signature.tolist()
    assert back.figures.tolist() == fp.figures.tolist() and back.size == fp.size
    assert dedup.is_copy(fp, back)
    empty = dedup_store.decode(dedup_store.encode(dedup.fingerprint("", "")))
    assert empty.signature is None
    assert dedup_store.decode("d0:1::") is None  # another format: reindex


def test_update_gives_the_clusters_a_rebuild_gives():
    texts = _texts(120)
    words = {k: v.split() for k, v in texts.items()}
    texts["a200"] = " ".join(words["a005"][:50])  # copies of a005 and a006 ...
    texts["a201"] = " ".join(words["a006"][4:])
    texts["a202"] = " ".join(words["a007"][:52] + words["a008"][:52])  # ... a link 007-008
    before = dict(texts)

    after = dict(texts)
    del after["a202"]  # the link goes: 007 and 008 part
    after["a001"] = " ".join(words["a005"][2:])  # a changed article now copies a005
    after["a300"] = " ".join(words["a009"][:45])  # new: a copy of a009 ...
    after["a301"] = " ".join(words["a009"][10:])  # ... and of that one
    after["a000"] = texts["a010"]  # a changed article, now an exact copy of a010

    def full(corpus):
        return dedup.cluster_articles([(k, "", v) for k, v in sorted(corpus.items())])

    old, new = full(before), full(after)
    assert old["a202"] == old["a007"] == old["a008"] and new["a007"] != new["a008"]
    assert new["a300"] == new["a301"] == new["a009"] and new["a000"] == new["a010"] == "a000"

    # What the index keeps (searchapp/backends/whoosh/dupdata.py's tables), and the update
    # (searchapp/duplicates.reclustered) over what it keeps.
    encoded = {k: dedup_store.encode(dedup.fingerprint("", v)) for k, v in after.items()}
    table = {k: (dedup_store.encode(dedup.fingerprint("", v)), "" if old[k] == k else old[k])
             for k, v in before.items()}
    added = {k: encoded[k] for k, v in after.items() if before.get(k) != v}
    removed = [k for k in before if k not in after]
    changes = duplicates.reclustered(dupdata.Stored(table), added, removed)
    kept = dupdata.updated(table, added, removed, changes)
    assert {k: cluster or k for k, (_, cluster) in kept.items()} == new
    assert len(changes) < len(after) // 4  # only what the changes touch
