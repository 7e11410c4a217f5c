"""Time of an OpenSearch `update` of a few articles in a big index (the update works on a
clone of the live index: how much does that cost?).

    .venv/bin/python bench/os_update_bench.py --url http://127.0.0.1:9200 [--articles 20000]
        [--changed 10] [--runs 3]

Builds `--articles` generated articles (tests/newsgen.py) under a fresh alias, then runs
`--runs` updates, each changing `--changed` articles, and prints each update's seconds and
the median; then the engine's part alone (start, which clones the live index, and
commit). The alias and its indexes are deleted at the end.
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from newsgen import records  # noqa: E402

from indexer.article import Article  # noqa: E402
from indexer.work import Extracted  # noqa: E402
from searchapp.backends.opensearch import OpenSearchBackend, mapping  # noqa: E402
from searchapp.indexing import reindex, update  # noqa: E402


def prepared(record: dict) -> Extracted:
    a = Article.from_dict({**record, "path": "bench"})
    return Extracted(a.id, "bench", "h-" + a.id, mapping.prepare(a, "h-" + a.id), [])


def write(path: Path, recs: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--changed", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    alias = f"bench-update-{secrets.token_hex(3)}"
    backend = OpenSearchBackend.from_config({"OPENSEARCH_URL": args.url,
                                             "OPENSEARCH_INDEX": alias,
                                             "OPENSEARCH_GRACE_SECONDS": 0})
    recs = records(args.articles)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "in.jsonl"
            write(src, recs)
            t = time.monotonic()
            reindex([str(src)], backend, jobs=2)
            print(f"reindex of {args.articles} articles: {time.monotonic() - t:.1f} s")
            seconds = []
            for run in range(args.runs):
                for r in recs[run * args.changed:(run + 1) * args.changed]:
                    r["body"] += f" Edited in run {run}."
                write(src, recs)
                t = time.monotonic()
                rep = update([str(src)], backend, jobs=2)
                seconds.append(time.monotonic() - t)
                print(f"update {run + 1}: {rep.changed} changed, {rep.unchanged} unchanged "
                      f"in {seconds[-1]:.2f} s (generation {rep.generation})")
            print(f"median update: {statistics.median(seconds):.2f} s; "
                  f"documents: {backend.health().documents}")
            # The engine's part alone (no reading of the sources): start (the lock, and the
            # clone of the live index), write the changed articles, commit (refresh, switch).
            docs = [prepared(r) for r in recs[:args.changed]]
            starts, commits = [], []
            for _ in range(args.runs):
                t = time.monotonic()
                with backend.start_update() as upd:
                    starts.append(time.monotonic() - t)
                    for d in docs:
                        upd.put(d)
                    t = time.monotonic()
                    upd.commit({})
                    commits.append(time.monotonic() - t)
            print(f"engine part, median of {args.runs}: start {statistics.median(starts):.2f} s,"
                  f" commit {statistics.median(commits):.2f} s")
    finally:
        backend.client.indices.delete(index=f"{alias}-*", ignore=[404])


if __name__ == "__main__":
    main()
