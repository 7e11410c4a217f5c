#!/usr/bin/env python3
"""Index a collection with `scrapesearch reindex`; report articles/second and peak memory.

    .venv/bin/python bench/index_bench.py COLLECTION [--jobs N] [--index-dir DIR]

Peak memory is sampled every 0.1 s from /proc over the indexing process and all its
descendants (the extraction workers): the largest sum seen, and the parent's own peak.
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


def tree_rss_kb(root: int) -> tuple[int, int]:
    """(RSS of root and its descendants, RSS of root) in kB, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        pid = int(name)
        children.setdefault(int(fields["PPid"]), []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total, rss.get(root, 0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("collection", nargs="+")
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--index-dir", default=None, help="default: a temporary directory")
    args = ap.parse_args()
    index_dir = args.index_dir or tempfile.mkdtemp(prefix="scrapesearch-bench-")
    shutil.rmtree(index_dir, ignore_errors=True)
    cmd = [sys.executable, "-m", "searchapp", "reindex", "--quiet", "--index-dir", index_dir]
    if args.jobs:
        cmd += ["--jobs", str(args.jobs)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd + args.collection, stderr=subprocess.PIPE, text=True)
    peak_tree = peak_parent = 0
    while proc.poll() is None:
        tree, parent = tree_rss_kb(proc.pid)
        peak_tree, peak_parent = max(peak_tree, tree), max(peak_parent, parent)
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    err = proc.stderr.read()
    stats = json.loads(subprocess.run(
        [sys.executable, "-m", "searchapp", "stats", "--json", "--index-dir", index_dir],
        capture_output=True, text=True, check=True).stdout)
    docs = stats["documents"]
    print(json.dumps({
        "engine": "scrapesearch", "backend": stats.get("backend"), "docs": docs,
        "index_s": round(seconds, 1),
        "docs_per_s": round(docs / seconds, 1), "exit_code": proc.returncode,
        "peak_rss_mb_all_processes": round(peak_tree / 1024), "peak_rss_mb_indexer":
        round(peak_parent / 1024), "index_mb": round(stats["size_bytes"] / 1e6, 1),
        "segments": stats.get("segments"), "shards": stats.get("shards"),
        # Whoosh: segments written before the merge, seconds after the last article was read
        "segments_written": stats.get("report", {}).get("segments_written"),
        "finish_s": stats.get("report", {}).get("finish_seconds"),
        "index_dir": index_dir if stats.get("backend") == "whoosh" else None}))
    if proc.returncode not in (0, 1):
        sys.stderr.write(err)
        sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
