#!/usr/bin/env python3
"""Clusters of copies on OpenSearch (issue 13): what they cost a `reindex`, and what a
collapsed search costs against a plain one, in one run.

    .venv/bin/python bench/os_clusters_bench.py --url http://127.0.0.1:19260 \\
        [CHECKOUT...] [--collection ../shared/corpora/reuters21578/reuters21578.jsonl.gz]
        [--jobs 2] [--runs 7]

Each checkout (default: this one; give main's and this branch's for before/after) runs
`scrapesearch reindex` of the collection into its own alias, with its own code
(PYTHONPATH). Then, on the index of the last checkout (which must have clusters), each
query is searched plain and collapsed (the page's facets counted, as the web page asks),
once to warm up and `--runs` times each, alternating; the medians are printed. Every alias
made is deleted at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from searchapp.backends.base import Query, SearchRequest  # noqa: E402
from searchapp.backends.opensearch import OpenSearchBackend  # noqa: E402
from searchapp.fields import FACETS  # noqa: E402
from searchapp.search.parser import parse  # noqa: E402

COLLECTION = REPO.parent / "shared" / "corpora" / "reuters21578" / "reuters21578.jsonl.gz"
QUERIES = ["", "oil", "bank rate", "coffee prices", "trade deficit", "dividend"]


def settings(url: str, alias: str) -> dict:
    return {"BACKEND": "opensearch", "OPENSEARCH_URL": url, "OPENSEARCH_INDEX": alias,
            "OPENSEARCH_GRACE_SECONDS": 0}


def reindex(checkout: Path, url: str, alias: str, collection: Path, jobs: int) -> dict:
    """Seconds of `scrapesearch reindex` with `checkout`'s code, and what it printed."""
    instance = tempfile.mkdtemp(prefix="os_clusters_bench-")
    env = {**os.environ, "PYTHONPATH": str(checkout), "SCRAPESEARCH_INSTANCE": instance,
           "SCRAPESEARCH_BACKEND": "opensearch", "SCRAPESEARCH_OPENSEARCH_URL": url,
           "SCRAPESEARCH_OPENSEARCH_INDEX": alias}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", "from searchapp.cli import main; main()",
                           "reindex", "--quiet", "--jobs", str(jobs), str(collection)],
                          env=env, cwd=checkout, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode not in (0, 1):
        sys.exit(f"{checkout}: reindex failed:\n{done.stderr[-2000:]}")
    return {"checkout": str(checkout), "reindex_s": round(seconds, 2),
            "printed": done.stdout.strip().splitlines()[-3:]}


def search_times(backend, runs: int) -> list[dict]:
    out = []
    for words in QUERIES:
        query = Query(parse(words).tree)
        seconds: dict[bool, list[float]] = {False: [], True: []}
        pages = {}
        for i in range(runs + 1):
            for collapse in (False, True):
                started = time.perf_counter()
                pages[collapse] = backend.search(SearchRequest(query, facets=FACETS,
                                                               collapse=collapse))
                if i:  # the first is the warm-up
                    seconds[collapse].append(time.perf_counter() - started)
        out.append({"query": words, "matches": pages[False].total,
                    "stories": pages[True].stories,
                    "plain_ms": round(1000 * statistics.median(seconds[False]), 1),
                    "collapsed_ms": round(1000 * statistics.median(seconds[True]), 1)})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("checkouts", type=Path, nargs="*", default=[REPO])
    ap.add_argument("--url", required=True)
    ap.add_argument("--collection", type=Path, default=COLLECTION)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    tag = secrets.token_hex(3)
    aliases = [f"bench-clusters-{tag}-{i}" for i in range(len(args.checkouts))]
    try:
        for checkout, alias in zip(args.checkouts, aliases, strict=True):
            print(json.dumps(reindex(checkout.resolve(), args.url, alias, args.collection,
                                     args.jobs)), flush=True)
        backend = OpenSearchBackend.from_config(settings(args.url, aliases[-1]))
        print(json.dumps({"documents": backend.health().documents,
                          "load": os.getloadavg()[0]}))
        for row in search_times(backend, args.runs):
            print(json.dumps(row), flush=True)
    finally:
        from opensearchpy import OpenSearch

        client = OpenSearch([args.url], timeout=60)
        for alias in aliases:
            client.indices.delete(index=f"{alias}-*", ignore=[404])
    return 0


if __name__ == "__main__":
    sys.exit(main())
