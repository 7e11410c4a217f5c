#!/usr/bin/env python3
"""Replay a fixed query mix; report p50/p95 of the plain top-10 query and of the full page.

    .venv/bin/python bench/query_bench.py --index-dir DIR          # in process
    .venv/bin/python bench/query_bench.py --url http://127.0.0.1:8000   # over HTTP

The mix is words, two-word ANDs, phrases, field-scoped words, prefixes and ORs (the same
shapes as ../shared/tools/peer_bench.py). "Plain" is the top 10 with the exact total
(`facets=none&snippets=none`); "page" is what the search page needs: top 10, exact total,
the four facets source/year/speaker/commenter over all matches, and highlighted snippets.
Each query runs twice; the first pass warms caches and is not counted. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.parse
import urllib.request

WORDS = ["economy", "election", "film", "music", "football", "mobile", "government", "market",
         "oil", "games", "police", "china", "chelsea", "broadband", "budget", "tax", "award",
         "injury", "software", "shares"]
QUERIES = (WORDS
           + ["economy growth", "mobile phone", "tax cuts", "film award", "oil prices"]
           + ['"prime minister"', '"interest rates"', '"chief executive"', '"world cup"']
           + ["headline:china", "headline:film", "headline:election", "comment:football",
              "comment:government", "comment:music", "speaker:blair", "commenter:smith"]
           + ["elect*", "broadb*", "champion*"]
           + ["gold OR silver", "labour OR tory", "(tax OR budget) -election"])
PAGE_FACETS = "source,year,speaker,commenter"


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return round(1000 * xs[min(len(xs) - 1, int(p * len(xs)))], 2)


def in_process(index_dir: str):
    """Through the configured backend (SCRAPESEARCH_BACKEND, default whoosh) in this process."""
    from searchapp import config
    from searchapp.backends import load_backend
    from searchapp.search.params import SearchParams
    from searchapp.search.service import run_search

    backend = load_backend(config.load("instance", {"INDEX_DIR": index_dir}))

    def run(q: str, full: bool) -> int:
        args = {"q": q, "per_page": "10"}
        args.update({"facets": PAGE_FACETS} if full else {"facets": "none", "snippets": "none"})
        return run_search(backend, SearchParams.from_args(args)).total
    return run


def over_http(base: str):
    def run(q: str, full: bool) -> int:
        extra = f"&facets={PAGE_FACETS}" if full else "&facets=none&snippets=none"
        url = f"{base.rstrip('/')}/api/search?per_page=10&q={urllib.parse.quote(q)}{extra}"
        with urllib.request.urlopen(url, timeout=60) as r:
            return json.load(r)["total"]
    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = ap.add_mutually_exclusive_group(required=True)
    where.add_argument("--index-dir")
    where.add_argument("--url")
    ap.add_argument("--verbose", "-v", action="store_true", help="print each query's times")
    args = ap.parse_args()
    run = in_process(args.index_dir) if args.index_dir else over_http(args.url)
    plain, page, rows = [], [], []
    for rnd in range(2):
        for q in QUERIES:
            t0 = time.perf_counter()
            total = run(q, False)
            t1 = time.perf_counter()
            run(q, True)
            t2 = time.perf_counter()
            if rnd:
                plain.append(t1 - t0)
                page.append(t2 - t1)
                rows.append((q, total, round((t1 - t0) * 1000, 1), round((t2 - t1) * 1000, 1)))
    if args.verbose:
        for row in sorted(rows, key=lambda r: -r[3]):
            print(*row, sep="\t")
    print(json.dumps({"engine": "scrapesearch", "mode": "in-process" if args.index_dir
                      else "http", "queries": len(QUERIES),
                      "plain_p50_ms": pct(plain, .5), "plain_p95_ms": pct(plain, .95),
                      "page_p50_ms": pct(page, .5), "page_p95_ms": pct(page, .95)}))


if __name__ == "__main__":
    main()
