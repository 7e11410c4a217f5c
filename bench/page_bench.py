#!/usr/bin/env python3
"""The search page as a browser gets it (HTML, through the Flask test client, in process):
p50/p95 over a query mix, for comparing two checkouts on the same index.

    PYTHONPATH=/work/main .venv/bin/python bench/page_bench.py --index-dir DIR   # before
    PYTHONPATH=.          .venv/bin/python bench/page_bench.py --index-dir DIR   # after

Each URL runs `--rounds` times after one warm-up pass; prints one JSON line. Issue 13
measured the timeline (and the undated count) the page gained with it this way.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time

QUERIES = ["oil", "economy", "market", "prices", "bank", "government", "trade", "growth",
           "oil prices", "interest rates", '"chief executive"', "tax OR budget", "shar*", ""]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index-dir", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--extra", default="", help="arguments added to every URL, e.g. from=1987-03")
    args = ap.parse_args()
    from searchapp import create_app

    app = create_app({"INDEX_DIR": args.index_dir, "SEARCH_BUDGET_SECONDS": 30},
                     instance_path=tempfile.mkdtemp())
    client = app.test_client()
    urls = [f"/search?q={q}&{args.extra}" for q in QUERIES]
    for url in urls:  # warm-up
        assert client.get(url).status_code == 200, url
    times: list[float] = []
    for _ in range(args.rounds):
        for url in urls:
            t = time.perf_counter()
            client.get(url).get_data()
            times.append(time.perf_counter() - t)
    times.sort()
    print(json.dumps({"pages": len(times), "p50_ms": round(1000 * times[len(times) // 2], 2),
                      "p95_ms": round(1000 * times[int(0.95 * len(times))], 2),
                      "mean_ms": round(1000 * sum(times) / len(times), 2)}))


if __name__ == "__main__":
    main()
