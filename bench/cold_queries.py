"""The first (cold) and second (warm) time of every plain query in a fresh process, for
several checkouts or indexes side by side, alternately.

    .venv/bin/python bench/cold_queries.py CHECKOUT=INDEX_DIR [CHECKOUT=INDEX_DIR ...]
        [--rounds 2]

A gunicorn worker answers each query with caches of its own: what a query costs the first
time a worker sees its words is what a user meets after a start, a switch, or on a worker
the query has not reached yet (bench/query_bench.py over HTTP mixes both). Here each round
opens every CHECKOUT=INDEX_DIR pair in a new process (the code of CHECKOUT, e.g. a git
worktree, over INDEX_DIR), runs each query of query_bench.QUERIES twice as a plain query
(10 hits, no facets, no snippets), and prints per query the first times of every round
and the best second time, slowest first, then the p95 and maximum of the first times (the
best over rounds). The index files should be in the page cache: run it twice, or read the
first round as the disk's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

PROBE = r"""
import json, sys, time
sys.path.insert(0, "bench")
from query_bench import QUERIES, in_process
run = in_process(sys.argv[1])
run("zzzqqqxxx", False)  # opens the index
out = {}
for q in QUERIES:
    t = time.perf_counter(); run(q, False); cold = time.perf_counter() - t
    t = time.perf_counter(); run(q, False); warm = time.perf_counter() - t
    out[q] = [round(cold * 1000, 1), round(warm * 1000, 1)]
print(json.dumps(out))
"""


def probe(checkout: str, index_dir: str) -> dict[str, list[float]]:
    env = {**os.environ, "PYTHONPATH": "."}
    r = subprocess.run([sys.executable, "-c", PROBE, os.path.abspath(index_dir)],
                       cwd=checkout, env=env, capture_output=True, text=True, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pairs", nargs="+", metavar="CHECKOUT=INDEX_DIR")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    pairs = [tuple(p.split("=", 1)) for p in args.pairs]
    if any(len(p) != 2 for p in pairs):
        ap.error("each argument is CHECKOUT=INDEX_DIR")
    runs: dict[tuple, list[dict]] = {p: [] for p in pairs}
    for _ in range(args.rounds):
        for p in pairs:
            runs[p].append(probe(*p))
    queries = list(runs[pairs[0]][0])

    def best_cold(p, q):
        return min(r[q][0] for r in runs[p])

    width = 34
    print(f"{'query':28}" + "".join(f"{'=' .join(p)[-width + 2:]:>{width}}" for p in pairs))
    for q in sorted(queries, key=lambda q: -best_cold(pairs[0], q)):
        cells = [f"{[r[q][0] for r in runs[p]]} warm {min(r[q][1] for r in runs[p])}"
                 for p in pairs]
        print(f"{q:28}" + "".join(f"{c:>{width}}" for c in cells))
    for p in pairs:
        colds = sorted(best_cold(p, q) for q in queries)
        print(f"{'='.join(p)}: first-time p95 {colds[int(0.95 * len(colds))]} ms, "
              f"max {colds[-1]} ms, sum {round(sum(colds))} ms")


if __name__ == "__main__":
    main()
