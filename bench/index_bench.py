#!/usr/bin/env python3
"""Index a collection with `scrapesearch reindex`; report articles/second and peak memory.

    .venv/bin/python bench/index_bench.py COLLECTION [--jobs N] [--index-dir DIR] [--timeline FILE]

Peak memory is sampled from /proc over the indexing process and all its descendants
(extraction workers, forked segment writers and mergers): the largest sum seen, and the
parent's own peak. The figure that counts is the PSS sum (shared pages once); the RSS sum
is also given, though it counts the pages a forked writer shares with its parent twice.
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


def _status(pid: int) -> dict[str, str] | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            return dict(line.split(":", 1) for line in f if ":" in line)
    except OSError:
        return None


def tree(root: int) -> list[int]:
    """root and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit() and (fields := _status(int(name))) is not None:
            children.setdefault(int(fields["PPid"]), []).append(int(name))
    out, stack = [], [root]
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(children.get(pid, []))
    return out


def rss_kb(pid: int) -> int:
    fields = _status(pid) or {}
    return int(fields.get("VmRSS", "0 kB").split()[0])


def pss_kb(pid: int) -> dict[str, int]:
    """Proportional set size (kB) of a process: its pages, each shared page divided by the
    number of processes mapping it, so that the sum over a process tree counts every page
    once (RSS counts a page once per process: forked writers share their parent's pages)."""
    out = {"pss": 0, "anon": 0, "file": 0}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                key, _, value = line.partition(":")
                name = {"Pss": "pss", "Pss_Anon": "anon", "Pss_File": "file"}.get(key)
                if name:
                    out[name] = int(value.split()[0])
    except OSError:
        pass
    return out


class Sampler:
    """Peaks of a process tree's memory: RSS summed (every 0.1 s) and PSS summed (every
    0.5 s: reading smaps walks the page tables), with the PSS split into anonymous memory
    and mapped files (index files the build reads back, clean pages the kernel can drop)."""

    def __init__(self, root: int, timeline: str | None = None):
        self.root = root
        self.peak_rss = self.peak_rss_root = 0
        self.peak = {"pss": 0, "anon": 0, "file": 0, "root_pss": 0, "root_anon": 0}
        self.at_peak: dict[str, int] = {}
        self.started = time.perf_counter()
        self.timeline = open(timeline, "w") if timeline else None  # noqa: SIM115
        self.ticks = 0

    def sample(self) -> None:
        pids = tree(self.root)
        self.peak_rss = max(self.peak_rss, sum(rss_kb(p) for p in pids))
        self.peak_rss_root = max(self.peak_rss_root, rss_kb(self.root))
        self.ticks += 1
        if self.ticks % 5:
            return
        each = {p: pss_kb(p) for p in pids}
        total = {k: sum(m[k] for m in each.values()) for k in ("pss", "anon", "file")}
        root = each.get(self.root, {"pss": 0, "anon": 0})
        if total["pss"] > self.peak["pss"]:
            self.at_peak = dict(total)
        for key, value in (*total.items(), ("root_pss", root["pss"]),
                           ("root_anon", root["anon"])):
            self.peak[key] = max(self.peak[key], value)
        if self.timeline:
            self.timeline.write(json.dumps({
                "s": round(time.perf_counter() - self.started, 1), **total,
                "processes": {str(p): m for p, m in each.items()}}) + "\n")
            self.timeline.flush()

    def figures(self) -> dict[str, int]:
        mb = lambda kb: round(kb / 1024)  # noqa: E731
        return {
            "peak_pss_mb_all_processes": mb(self.peak["pss"]),
            "peak_pss_mb_anonymous": mb(self.peak["anon"]),
            "peak_pss_mb_mapped_files": mb(self.peak["file"]),
            "at_peak_pss_mb": {k: mb(v) for k, v in self.at_peak.items()},
            "peak_pss_mb_indexer": mb(self.peak["root_pss"]),
            "peak_rss_mb_all_processes": mb(self.peak_rss),
            "peak_rss_mb_indexer": mb(self.peak_rss_root)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("collection", nargs="+")
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--index-dir", default=None, help="default: a temporary directory")
    ap.add_argument("--timeline", default=None,
                    help="write each PSS sample (every process of the tree) to this file")
    args = ap.parse_args()
    index_dir = args.index_dir or tempfile.mkdtemp(prefix="scrapesearch-bench-")
    shutil.rmtree(index_dir, ignore_errors=True)
    cmd = [sys.executable, "-m", "searchapp", "reindex", "--quiet", "--index-dir", index_dir]
    if args.jobs:
        cmd += ["--jobs", str(args.jobs)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd + args.collection, stderr=subprocess.PIPE, text=True)
    sampler = Sampler(proc.pid, args.timeline)
    while proc.poll() is None:
        sampler.sample()
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
        **sampler.figures(), "index_mb": round(stats["size_bytes"] / 1e6, 1),
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
