"""What "more like this" costs per article page: the median and p95 over the first
--articles articles of an index (in process, after one warm-up call).

    PYTHONPATH=. .venv/bin/python bench/similar_bench.py --index-dir DIR [--articles 50]
    SCRAPESEARCH_BACKEND=opensearch ... bench/similar_bench.py   # the instance's backend
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from searchapp import config
from searchapp.backends import load_backend
from searchapp.backends.base import Query
from searchapp.search.similar import more_like_this


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index-dir")
    ap.add_argument("--articles", type=int, default=50)
    args = ap.parse_args()
    settings = config.load(config.instance_folder() or "instance",
                           {"INDEX_DIR": args.index_dir} if args.index_dir else {})
    backend = load_backend(settings)
    ids = [a.id for a in backend.export(Query(), limit=args.articles)]
    more_like_this(backend, ids[0])  # warm-up
    times, copies_left_out = [], 0
    for article_id in ids:
        started = time.perf_counter()
        found = more_like_this(backend, article_id)
        times.append((time.perf_counter() - started) * 1000)
        copies_left_out += len(getattr(backend.article(article_id), "copies", ()))
    times.sort()
    print(json.dumps({"articles": len(ids), "median_ms": round(statistics.median(times), 1),
                      "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
                      "with_copies": copies_left_out, "last_results": len(found.results)}))


if __name__ == "__main__":
    main()
