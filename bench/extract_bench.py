"""HTML extraction speed: pages per second on one core, extraction alone.

    .venv/bin/python bench/extract_bench.py ../shared/corpora/dragnet/html [--limit N]

Reads every page into memory first (decompressed), then times `indexer.extract.html.parse`
over them in this one process, so disk and gzip are not counted, as in the issue's
figures for trafilatura (11 pages/s) and readability (42 pages/s) on this machine.
"""

from __future__ import annotations

import argparse
import gzip
import time
from pathlib import Path

from indexer.errors import ExtractError
from indexer.extract.html import parse


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    paths = sorted(p for p in args.folder.iterdir() if p.name.endswith((".html", ".html.gz")))
    pages = [(str(p), gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes())
             for p in paths[: args.limit]]
    size = sum(len(d) for _, d in pages)
    failed = 0
    slowest = (0.0, "")
    start = time.perf_counter()
    for _ in range(args.rounds):
        for path, data in pages:
            t = time.perf_counter()
            try:
                parse(data, path)
            except ExtractError:
                failed += 1
            slowest = max(slowest, (time.perf_counter() - t, path))
    elapsed = time.perf_counter() - start
    n = len(pages) * args.rounds
    print(f"{n} pages ({size / len(pages) / 1024:.0f} KB average) in {elapsed:.2f} s: "
          f"{n / elapsed:.1f} pages/s on one core; {failed} without an article; "
          f"slowest {slowest[0] * 1000:.0f} ms ({Path(slowest[1]).name})")


if __name__ == "__main__":
    main()
