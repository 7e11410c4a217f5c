#!/usr/bin/env python3
"""Issue 10's table for one collection size: index, serve, update and export N articles.

    .venv/bin/python bench/scale.py N [--out bench/out/scale-N.json] [--skip-plain-whoosh]
        [--workers 3]

One run on bench/out/bench-N.jsonl (made by ../shared/tools/make_bench_corpus.py when it is
missing), everything in bench/out/scale-N/:
1. SQLite FTS5 and plain Whoosh (../shared/tools/peer_bench.py; plain Whoosh builds only).
2. `scrapesearch reindex` through bench/index_bench.py: articles/s, peak memory of the whole
   process tree (PSS: a page shared by forked writers counted once), segments (Whoosh's
   TOC) and size of the live generation.
3. gunicorn with gunicorn.conf.py and --workers, ready when a static file answers (so no
   worker has opened the index): each worker's first search (/api/search, the full page),
   sent one at a time until every worker answered one (the worker that answered is the one
   whose CPU time grew; a search past its time budget, 1 s by default, leaves snippets or
   facets out: the table says how many were cut short); the query mix (peer_bench.py http);
   each worker's memory from /proc/PID/smaps_rollup (private = Private_Clean + Private_Dirty,
   Rss, Pss); the whole CSV export (/export.csv?q=).
4. While it serves: `reindex` again into the same index (`current` switches), then each
   worker's first search; the same after `update` from the same source with 1% of the
   articles edited (bench/serving.py's edited_copy), its time against the full reindex.
Prints a markdown table and writes every figure, the commands and the versions to --out
(and, as each step begins, the figures so far to scale-N.partial.json beside it: what is
left of a run cut short; removed at the end).
Run by hand, never by the tests; the machine's load is noted at each step.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from served import cli, finish, get, gunicorn  # noqa: E402
from serving import edited_copy  # noqa: E402

TOOLS = REPO.parent / "shared" / "tools"
PROBE = "/api/search?q=" + urllib.parse.quote("prime minister")
COLUMNS = ["articles", "reindex (articles/s)", "plain Whoosh reindex (articles/s)", "segments",
           "index size", "page p95 over HTTP, ours / FTS5", "plain query p95, ours / FTS5",
           "worker private memory after the query mix ({w} gunicorn workers; also RSS and PSS)",
           "first search after start", "first search after a generation switch",
           "update of 1% of the collection (s, and as % of the full reindex time)",
           "full CSV export (articles/s)",
           "reindex peak memory of the whole process tree: PSS (anonymous / mapped files; "
           "RSS summed)"]
RESULT: dict = {"commands": [], "load": []}
PARTIAL: list = []  # where the figures so far go as each step begins (a run cut short)
STARTED = time.monotonic()
TICKS = os.sysconf("SC_CLK_TCK")


def note(step: str) -> None:
    """The machine's load average as a step begins (the machine is shared)."""
    RESULT["load"].append({"step": step, "at_s": round(time.monotonic() - STARTED),
                           "loadavg": os.getloadavg()})
    print(f"# {step} (load {os.getloadavg()[0]:.2f})", file=sys.stderr, flush=True)
    for path in PARTIAL:
        path.write_text(json.dumps(RESULT, indent=1, default=str) + "\n")


def run_json(cmd: list, env: dict) -> dict:
    """Run a bench tool from the repository; its last line of output is JSON."""
    cmd = [str(c) for c in cmd]
    RESULT["commands"].append(" ".join(cmd))
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def timed_cli(env: dict, log: Path, *args: str) -> float:
    """Seconds a `scrapesearch` command takes (wall, process start to exit)."""
    RESULT["commands"].append("scrapesearch " + " ".join(args))
    began = time.perf_counter()
    if finish(cli(*args, env=env, log=log), log, timeout=24 * 3600) != 0:
        sys.exit(f"scrapesearch {' '.join(args)} failed; see {log}")
    return round(time.perf_counter() - began, 1)


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def gunicorn_master() -> int:
    """Our gunicorn: the child of this process that runs it (never found by name alone)."""
    for pid in children(os.getpid()):
        if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():
            return pid
    raise RuntimeError("gunicorn is not a child of this process")


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def settled(master: int, workers: int) -> list[int]:
    """The workers, once all are up and none used CPU for half a second (all have booted:
    a booting worker's CPU time would be taken for a search's)."""
    last: dict = {}
    for _ in range(240):
        pids = children(master)
        now = {p: cpu_ticks(p) for p in pids}
        if len(pids) >= workers and now == last:
            return pids
        last = now
        time.sleep(0.5)
    sys.exit("gunicorn's workers did not settle in 2 minutes")


def first_searches(base: str, master: int, workers: int, tries: int = 40) -> dict:
    """Each worker's first search: one request at a time (a new connection each), until every
    worker has answered one. The answering worker is the one whose CPU time grew; a request
    that took no measurable CPU time was answered by a worker that had searched before."""
    began = time.perf_counter()
    pids = settled(master, workers)
    waited, seen = time.perf_counter() - began, {}
    for n in range(1, tries + 1):
        before = {p: cpu_ticks(p) for p in pids}
        t0 = time.perf_counter()
        status, body = get(base + PROBE, timeout=600)
        t1 = time.perf_counter()
        if status != 200:
            sys.exit(f"the probe search failed with HTTP {status}")
        grew = {p: cpu_ticks(p) - before[p] for p in pids}
        pid = max(grew, key=grew.get)
        if grew[pid] > 0 and pid not in seen:
            seen[pid] = {"request": n, "s": round(t1 - t0, 3), "cpu_s": grew[pid] / TICKS,
                         "server_took_ms": body["took_ms"], "generation": body["generation"],
                         "notices": body["notices"]}
        if len(seen) == len(pids):
            break
    return {"max_s": max(w["s"] for w in seen.values()), "workers_reached": len(seen),
            "out_of_time": sum(any("ran out of time" in t for t in w["notices"])
                               for w in seen.values()),
            "requests": n, "waited_for_idle_workers_s": round(waited, 1), "per_worker": seen}


def worker_memory(master: int) -> dict:
    """Private (Private_Clean + Private_Dirty), Rss and Pss of each worker in MB; max and sum."""
    per = {}
    for pid in children(master):
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
        kb = {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in lines)}
        per[pid] = {"private": (kb["Private_Clean"] + kb["Private_Dirty"]) / 1024,
                    "rss": kb["Rss"] / 1024, "pss": kb["Pss"] / 1024}
    out = {f"{k}_{f.__name__}_mb": round(f(w[k] for w in per.values()))
           for k in ("private", "rss", "pss") for f in (max, sum)}
    return {**out, "per_worker_mb": {p: {k: round(v) for k, v in w.items()}
                                     for p, w in per.items()}}


def export_csv(base: str) -> dict:
    """The whole collection as CSV over HTTP, its rows counted as they arrive."""
    began = time.perf_counter()
    with urllib.request.urlopen(base + "/export.csv?q=", timeout=600) as r:
        rows = sum(1 for _ in csv.reader(io.TextIOWrapper(r, encoding="utf-8", newline="")))
    seconds = time.perf_counter() - began
    return {"articles": rows - 1, "s": round(seconds, 1),
            "articles_per_s": round((rows - 1) / seconds)}


def versions() -> dict:
    import gunicorn as gunicorn_pkg
    import whoosh

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout
    return {"git_commit": git("rev-parse", "HEAD").strip(),
            "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no").strip()),
            "python": platform.python_version(), "whoosh": whoosh.versionstring(),
            "gunicorn": gunicorn_pkg.__version__, "sqlite": sqlite3.sqlite_version,
            "machine": f"{platform.platform()}, {os.cpu_count()} cores"}


def row(r: dict) -> list[str]:
    """The table's cells from the figures."""
    ix, fts, http, plain = r["reindex"], r["fts5"], r["http"], r.get("plain_whoosh")
    mem, upd = r["memory_after_mix"], r["update"]
    def ratio(key: str) -> str:
        return f"{http[key]:.1f} / {fts[key]:.1f} ms ({http[key] / fts[key]:.2f}×)"

    def first(f: dict) -> str:  # a search past its time budget leaves out snippets or facets
        cut = f", {f['out_of_time']} cut short by the time budget" if f["out_of_time"] else ""
        return f"{f['max_s']:.2f} s (max of {f['workers_reached']} workers{cut})"
    return [f"{ix['docs']:,}", f"{ix['docs_per_s']:,.0f} ({ix['index_s']:,.0f} s)",
            (f"{plain['docs_per_s']:,.0f} (ours {ix['docs_per_s'] / plain['docs_per_s']:.1f}×)"
             if plain else "not measured"), str(ix["segments"]),
            f"{ix['index_mb']:,.0f} MB (FTS5 {r['fts5_db_mb']:,.0f} MB)",
            ratio("page_p95_ms"), ratio("plain_p95_ms"),
            f"private max {mem['private_max_mb']:,} / sum {mem['private_sum_mb']:,} MB "
            f"(RSS {mem['rss_max_mb']:,} / {mem['rss_sum_mb']:,}, PSS {mem['pss_max_mb']:,} / "
            f"{mem['pss_sum_mb']:,})",
            first(r["first_search"]), f"after reindex {first(r['first_after_reindex'])}; "
            f"after update {first(r['first_after_update'])}",
            f"{upd['s']:,.1f} s ({100 * upd['s'] / ix['index_s']:.0f}%)",
            f"{r['export']['articles_per_s']:,} ({r['export']['s']:,.1f} s)",
            (f"{ix['peak_pss_mb_all_processes']:,} MB ({ix['peak_pss_mb_anonymous']:,} / "
             f"{ix['peak_pss_mb_mapped_files']:,} MB; RSS {ix['peak_rss_mb_all_processes']:,}"
             " MB)" if "peak_pss_mb_all_processes" in ix
             else f"RSS {ix['peak_rss_mb_all_processes']:,} MB")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="articles in the collection")
    ap.add_argument("--out", type=Path, help="default: bench/out/scale-N.json")
    ap.add_argument("--skip-plain-whoosh", action="store_true",
                    help="do not build plain Whoosh (hours at 1,000,000 articles)")
    ap.add_argument("--workers", type=int, default=3)
    args = ap.parse_args()
    out_dir = REPO / "bench" / "out"
    work, corpus = out_dir / f"scale-{args.n}", out_dir / f"bench-{args.n}.jsonl"
    out = args.out or out_dir / f"scale-{args.n}.json"
    PARTIAL.append(out.with_name(out.stem + ".partial.json"))
    work.mkdir(parents=True, exist_ok=True)
    py, tools = sys.executable, os.path.relpath(TOOLS, REPO)
    index, log = work / "index", work / "cli.log"
    env = {**os.environ, "SCRAPESEARCH_BACKEND": "whoosh", "SCRAPESEARCH_INDEX_DIR": str(index)}
    RESULT.update(n=args.n, workers=args.workers, corpus=str(corpus), work_dir=str(work),
                  command=" ".join([py, *sys.argv]), cwd=os.getcwd(),
                  pythonpath=os.environ.get("PYTHONPATH"), **versions())
    if not corpus.is_file() or corpus.stat().st_size == 0:
        note("collection")
        cmd = ["python3", f"{tools}/make_bench_corpus.py", str(args.n), str(corpus),
               "--bbc", os.path.relpath(TOOLS.parent / "corpora" / "bbc", REPO)]
        RESULT["commands"].append(" ".join(cmd))
        subprocess.run(cmd, cwd=REPO, check=True)
    # reindex and update read the same path (an update knows articles by path and hash)
    source = work / "articles.jsonl"
    source.unlink(missing_ok=True)
    source.symlink_to(corpus.resolve())

    note("SQLite FTS5")
    RESULT["fts5"] = run_json([py, f"{tools}/peer_bench.py", "fts5", corpus, work / "pb-fts5"],
                              env)
    RESULT["fts5_db_mb"] = round((work / "pb-fts5" / "fts5.db").stat().st_size / 1e6, 1)
    subprocess.run(["rm", "-rf", work / "pb-fts5"], check=True)
    if not args.skip_plain_whoosh:
        note("plain Whoosh")
        RESULT["plain_whoosh"] = run_json([py, f"{tools}/peer_bench.py", "whoosh", corpus,
                                           work / "pb-whoosh", "--index-only"], env)
        subprocess.run(["rm", "-rf", work / "pb-whoosh"], check=True)
    note("reindex")
    RESULT["reindex"] = run_json([py, "bench/index_bench.py", source, "--index-dir", index], env)

    note("gunicorn start")
    with gunicorn(env, work / "gunicorn.log", "--workers", str(args.workers),
                  ready="/static/favicon.svg") as base:
        RESULT["commands"].append(  # from the repository, which reads its gunicorn.conf.py
            f"SCRAPESEARCH_INDEX_DIR={index} {py} -m gunicorn --bind {base.split('//')[1]} "
            f"--access-logfile /dev/null --error-logfile {work}/gunicorn.log "
            f"--workers {args.workers} wsgi:app")
        master = gunicorn_master()
        RESULT["first_search"] = first_searches(base, master, args.workers)
        note("query mix")
        RESULT["http"] = run_json([py, f"{tools}/peer_bench.py", "http", corpus, base], env)
        RESULT["memory_after_mix"] = worker_memory(master)
        note("CSV export")
        RESULT["export"] = export_csv(base)
        RESULT["memory_after_export"] = worker_memory(master)
        note("reindex while serving")
        RESULT["reindex_while_serving_s"] = timed_cli(env, log, "reindex", "--quiet", str(source))
        RESULT["first_after_reindex"] = first_searches(base, master, args.workers)
        note("update of 1%")
        edited = work / "articles.edited.jsonl"
        edited_copy(corpus, edited, seed=10, edit=0.01, drop=0)
        os.replace(edited, source)  # the same path, a sentence added to 1% of the bodies
        seconds = timed_cli(env, log, "update", "--quiet", str(source))
        said = re.findall(r"Updated .* in ([\d.]+) s: ([\d,]+) added, ([\d,]+) changed, "
                          r"([\d,]+) removed, ([\d,]+) unchanged", log.read_text())[-1]
        RESULT["update"] = {
            "s": seconds, "of_reindex": round(seconds / RESULT["reindex"]["index_s"], 3),
            "reported_s": float(said[0]),
            **{k: int(v.replace(",", "")) for k, v in zip(("added", "changed", "removed",
                                                            "unchanged"), said[1:], strict=True)}}
        RESULT["first_after_update"] = first_searches(base, master, args.workers)
        note("done")
    source.unlink()
    RESULT["total_s"] = round(time.monotonic() - STARTED)
    out.write_text(json.dumps(RESULT, indent=1) + "\n")
    for path in PARTIAL:
        path.unlink(missing_ok=True)
    cells = [c.format(w=args.workers) for c in COLUMNS]
    print("| " + " | ".join(cells) + " |\n|" + " --- |" * len(cells))
    print("| " + " | ".join(row(RESULT)) + " |")
    print(f"(figures, commands and versions in {out}; "
          f"{RESULT['total_s']} s in all)")


if __name__ == "__main__":
    main()
