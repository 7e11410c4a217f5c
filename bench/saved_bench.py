"""What saved searches cost on an index: the first `newest_added()` in a process (on
Whoosh it reads every article's entry time from the stored fields, once per generation),
the next one, and a saved search's "new since" count (`Query.added_after`) for a few
queries, each the median of --rounds.

    PYTHONPATH=. .venv/bin/python bench/saved_bench.py --index-dir bench/out/scale-20000/index
    SCRAPESEARCH_BACKEND=opensearch ... bench/saved_bench.py   # the instance's backend
"""

from __future__ import annotations

import argparse
import statistics
import time

from searchapp import config
from searchapp.backends import load_backend
from searchapp.search.params import SearchParams
from searchapp.search.service import run_search

QUERIES = ["", "oil", "bank rates", '"interest rates"', "minister -president"]


def timed(f):
    started = time.perf_counter()
    out = f()
    return out, (time.perf_counter() - started) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index-dir")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    settings = config.load(config.instance_folder() or "instance",
                           {"INDEX_DIR": args.index_dir})
    backend = load_backend(settings)
    print(f"{settings['BACKEND']} {backend.location}: {backend.health().documents:,} articles")
    newest, first = timed(backend.newest_added)
    _, again = timed(backend.newest_added)
    print(f"newest_added: first {first:.0f} ms, then {again:.1f} ms")
    for since in (newest - 86400, 0.0):
        for q in QUERIES:
            params = SearchParams(q=q, added_after=since, per_page=1, facets=(),
                                  snippets=False)
            runs = [timed(lambda p=params: run_search(backend, p, suggest=False))
                    for _ in range(args.rounds)]
            total = runs[0][0].total
            ms = statistics.median(t for _, t in runs)
            print(f"  new since {'a day before the newest' if since else 'ever'}, "
                  f"q={q!r}: {total:,} new, {ms:.1f} ms")
    backend.close()


if __name__ == "__main__":
    main()
