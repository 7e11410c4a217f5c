"""Pair precision and recall of near-duplicate detection, and its cost per article.

    .venv/bin/python bench/dedup_eval.py [--shared DIR] [--runs 3] [--no-timing]

Reads the labelled pairs of tests/fixtures/dedup/ (texts from ../shared at run time: Reuters
as the JSON-lines extractor reads it, bbc rewrites regenerated from their recipes) and asks
indexer.dedup whether each pair is found: both signatures share an LSH band and their
estimated Jaccard is >= the threshold. "other-event" pairs (the same words filed again for a
later event) count as duplicates, as the reader sees the same text twice (they are counted
apart too). "unsure" pairs are left out.

The threshold is chosen on the pairs marked half="tune" (both sets together: the highest on
a 0.05 grid whose F1 is within F1_SLACK of the best) and reported on half="test". On
Reuters the whole corpus is also clustered at that threshold, and a pair counts as found
when both articles get one cluster id (chains included): what indexing will store.
Timing: fingerprints, then candidates + verification + union-find, over all of Reuters,
median of --runs.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere, without installing
sys.path.insert(0, str(ROOT / "bench"))
import dedup_pairs  # noqa: E402

from indexer import dedup  # noqa: E402
from indexer.errors import ExtractError  # noqa: E402
from indexer.extract.jsonl import parse_record  # noqa: E402

GRID = [round(0.2 + 0.05 * i, 2) for i in range(15)]  # 0.20 .. 0.90
# F1 is flat near its top: of the thresholds within this of the best tune F1, the highest is
# taken (fewer false merges, fewer LSH candidates to verify).
F1_SLACK = 0.01


def reuters_articles(shared: Path) -> dict[int, object]:
    """NEWID -> Article, as `reindex` reads the JSON-lines file."""
    path = shared / "corpora" / "reuters21578" / "reuters21578.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    out = {}
    for n, rec in enumerate(records, 1):
        try:
            out[rec["newid"]] = parse_record(rec, f"reuters21578.jsonl.gz#{n}")
        except ExtractError:  # skipped by indexing too (one story has no text)
            continue
    return out


def pair_rows(shared: Path, by_newid: dict) -> list[dict]:
    """One row per labelled pair: set, kind, label, half, similarity, shares a band."""
    rows = []
    reuters = json.loads((ROOT / "tests/fixtures/dedup/reuters_pairs.json").read_text())
    for p in reuters["pairs"]:
        a, b = by_newid[p["a"]], by_newid[p["b"]]
        rows.append({"set": "reuters", "kind": p["found_by"], "label": p["label"],
                     "half": p["half"], "texts": ((a.headline, a.body), (b.headline, b.body)),
                     "ids": (a.id, b.id)})
    bbc = json.loads((ROOT / "tests/fixtures/dedup/bbc_pairs.json").read_text())
    for p in bbc:
        rows.append({"set": "bbc", "kind": p["kind"], "label": p["label"], "half": p["half"],
                     "texts": dedup_pairs.bbc_pair_texts(shared, p), "ids": None})
    for row in rows:
        fa, fb = (dedup.fingerprint(*t) for t in row["texts"])
        row["figures"] = dedup.same_figures(fa.figures, fb.figures)
        row["short"] = min(fa.size, fb.size) < dedup.SHORT_SHINGLES
        if fa.signature is None or fb.signature is None:
            row["sim"], row["band"] = 0.0, False
            continue
        row["sim"] = dedup.similarity(fa.signature, fb.signature)
        row["band"] = len(dedup.candidate_pairs(np.stack([fa.signature, fb.signature]))) == 1
    return rows


def truth(row: dict) -> bool:
    return row["label"] in ("dup", "other-event")


def scores(rows: list[dict], found) -> tuple[float, float, int, int]:
    """(precision, recall, positives, negatives) of `found(row)` over rows not 'unsure'."""
    rows = [r for r in rows if r["label"] != "unsure"]
    tp = sum(1 for r in rows if found(r) and truth(r))
    fp = sum(1 for r in rows if found(r) and not truth(r))
    pos = sum(1 for r in rows if truth(r))
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / pos if pos else 1.0), pos, len(rows) - pos


def at(t: float):
    """Found at threshold t, as dedup.duplicate_pairs decides (short texts need more)."""
    return lambda r: (r["band"] and r["figures"]
                      and r["sim"] >= (max(t, dedup.SHORT_THRESHOLD) if r["short"] else t))


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def timing(articles: list, runs: int, threshold: float) -> dict:
    texts = [(a.id, a.headline, a.body) for a in articles]
    sig_t, clu_t = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        prints = [dedup.fingerprint(h, b) for _, h, b in texts]
        t1 = time.perf_counter()
        found = dedup.clusters([t[0] for t in texts], dedup.duplicate_pairs(prints, threshold))
        t2 = time.perf_counter()
        sig_t.append(t1 - t0)
        clu_t.append(t2 - t1)
    return {"articles": len(texts), "signature_s": statistics.median(sig_t),
            "clusters_s": statistics.median(clu_t), "clusters": found}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=dedup_pairs.SHARED)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-timing", action="store_true")
    args = parser.parse_args(argv)
    articles = reuters_articles(args.shared)
    rows = pair_rows(args.shared, articles)
    tune = [r for r in rows if r["half"] == "tune"]
    test = [r for r in rows if r["half"] == "test"]

    print(f"pairs: {len(rows)} (tune {len(tune)}, test {len(test)}); "
          f"signatures: {dedup.NUM_PERM} values, {dedup.BANDS} bands x {dedup.ROWS} rows, "
          f"{dedup.SHINGLE_WORDS}-word shingles")
    print("\nthreshold  tune P    R     F1   |  test P    R     F1")
    top = max(f1(*scores(tune, at(t))[:2]) for t in GRID)
    best = max(t for t in GRID if f1(*scores(tune, at(t))[:2]) >= top - F1_SLACK)
    for t in GRID:
        tp, tr, _, _ = scores(tune, at(t))
        sp, sr, _, _ = scores(test, at(t))
        mark = "  <- chosen on tune" if t == best else ""
        mark += f"  (tune F1 within {F1_SLACK} of the best)" if t == best else ""
        print(f"  {t:.2f}    {tp:.3f} {tr:.3f} {f1(tp, tr):.3f} | {sp:.3f} {sr:.3f} "
              f"{f1(sp, sr):.3f}{mark}")
    print(f"\nchosen threshold {best:.2f} (dedup.THRESHOLD = {dedup.THRESHOLD}); test half:")
    for name in ("reuters", "bbc"):
        part = [r for r in test if r["set"] == name]
        p, r, pos, neg = scores(part, at(best))
        print(f"  {name:8s} P {p:.3f} R {r:.3f} ({pos} dup, {neg} not)")
    other = [r for r in rows if r["label"] == "other-event"]
    print(f"  other-event pairs (both halves; duplicates above, not under a strict reading): "
          f"{sum(at(best)(r) for r in other)}/{len(other)} found")
    print("  recall / false-positive rate by kind (both halves, at the chosen threshold):")
    for kind in sorted({(r["set"], r["kind"]) for r in rows}):
        part = [r for r in rows if (r["set"], r["kind"]) == kind and r["label"] != "unsure"]
        pos = [r for r in part if truth(r)]
        neg = [r for r in part if not truth(r)]
        rec = f"recall {sum(at(best)(r) for r in pos)}/{len(pos)}" if pos else ""
        fpr = f"false positives {sum(at(best)(r) for r in neg)}/{len(neg)}" if neg else ""
        print(f"    {kind[0]:8s} {kind[1]:22s} {rec:16s} {fpr}")
    missed = sorted((r for r in test if truth(r) and not at(best)(r)), key=lambda r: r["sim"])
    wrong = [r for r in test if not truth(r) and at(best)(r)]
    print(f"  test misses: {len(missed)}, false positives: {len(wrong)}")

    if args.no_timing:
        return 0
    t = timing(list(articles.values()), args.runs, best)
    n = t["articles"]
    reuters_test = [r for r in test if r["set"] == "reuters"]
    clusters = t["clusters"]
    p, r, _, _ = scores(reuters_test, lambda row: clusters[row["ids"][0]]
                        == clusters[row["ids"][1]])
    sizes = np.bincount(np.unique(list(clusters.values()), return_inverse=True)[1])
    print(f"\nReuters, whole corpus at {best:.2f}: {int((sizes > 1).sum())} clusters of 2+ "
          f"holding {int(sizes[sizes > 1].sum())} of {n} articles, largest {int(sizes.max())}")
    print(f"  same cluster id, test half: P {p:.3f} R {r:.3f}")
    headlines = {a.id: a.headline for a in articles.values()}
    members: dict[str, list[str]] = {}
    for article_id, cluster in clusters.items():
        members.setdefault(cluster, []).append(headlines[article_id])
    for cluster in sorted(members, key=lambda c: -len(members[c]))[:5]:
        distinct = sorted(set(members[cluster]))
        print(f"  a cluster of {len(members[cluster])}: {len(distinct)} headlines, e.g. "
              f"{' | '.join(h[:50] for h in distinct[:3])}")
    print(f"  time per article: fingerprint {t['signature_s'] / n * 1e3:.3f} ms, "
          f"candidates+verify+clusters {t['clusters_s'] / n * 1e3:.3f} ms "
          f"(whole corpus {t['signature_s']:.2f} s + {t['clusters_s']:.2f} s, "
          f"median of {args.runs}; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
