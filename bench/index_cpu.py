#!/usr/bin/env python3
"""Index a collection with `scrapesearch reindex`; report the CPU seconds per 1,000 articles
of each kind of process in its tree (the indexing process, the extraction workers, the
segment writers and merge children).

    .venv/bin/python bench/index_cpu.py COLLECTION [--index-dir DIR]

On a shared machine the articles/second of index_bench.py follow the other load more than
the code; CPU seconds per article do not, so old and new code compare by them (run both
alternately). Sampled from /proc every 0.1 s (the last value seen of each process, so a
process's last tenth of a second may be missed). Prints one JSON line.
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
from collections import defaultdict

TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu(root: int) -> dict[int, tuple[float, str]]:
    """{pid: (CPU seconds so far, command line)} of root and its descendants."""
    children: dict[int, list[int]] = defaultdict(list)
    info: dict[int, tuple[float, str]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
            with open(f"/proc/{name}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after the command's name
        children[int(fields[1])].append(int(name))
        info[int(name)] = ((int(fields[11]) + int(fields[12])) / TICKS, cmd)
    out, stack = {}, [root]
    while stack:
        pid = stack.pop()
        if pid in info:
            out[pid] = info[pid]
        stack.extend(children.get(pid, []))
    return out


def kind(pid: int, root: int, cmd: str) -> str:
    if pid == root:
        return "indexer"
    if "forkserver" in cmd:
        return "workers"  # the extraction pool (forkserver and its children)
    if "resource_tracker" in cmd:
        return "tracker"
    return "writers"  # forked segment writers and merge children


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("collection", nargs="+")
    ap.add_argument("--index-dir", default=None, help="default: a temporary directory")
    args = ap.parse_args()
    index_dir = args.index_dir or tempfile.mkdtemp(prefix="scrapesearch-bench-")
    shutil.rmtree(index_dir, ignore_errors=True)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "searchapp", "reindex", "--quiet",
                             "--index-dir", index_dir, *args.collection],
                            stdout=subprocess.DEVNULL)
    seen: dict[int, tuple[float, str]] = {}
    while proc.poll() is None:
        for pid, (cpu, cmd) in tree_cpu(proc.pid).items():
            seen[pid] = (max(cpu, seen.get(pid, (0.0, ""))[0]), cmd)
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    stats = json.loads(subprocess.run(
        [sys.executable, "-m", "searchapp", "stats", "--json", "--index-dir", index_dir],
        capture_output=True, text=True, check=True).stdout)
    docs = stats["documents"]
    by_kind: dict[str, float] = defaultdict(float)
    for pid, (cpu, cmd) in seen.items():
        by_kind[kind(pid, proc.pid, cmd)] += cpu
    per_1000 = {k: round(v / docs * 1000, 3) for k, v in sorted(by_kind.items())}
    print(json.dumps({"docs": docs, "index_s": round(seconds, 1),
                      "docs_per_s": round(docs / seconds, 1), "exit_code": proc.returncode,
                      "cpu_s_per_1000": {"total": round(sum(by_kind.values()) / docs * 1000, 3),
                                         **per_1000}}))
    if not args.index_dir:
        shutil.rmtree(index_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
