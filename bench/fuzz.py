"""The long query-fuzzing run (issue 9): >= 100,000 fuzzed requests on the bench collection.

    .venv/bin/python bench/fuzz.py --engine whoosh --queries 100000 [--seed S]
        [--index-dir DIR | --collection bench/out/bench-20000.jsonl]
    .venv/bin/python bench/fuzz.py --engine opensearch --opensearch-url http://127.0.0.1:9200 ...

The requests are tests/fuzzgen.py's (the generator of tests/test_resilience_fuzz.py, same
seed, same requests) sent through the Flask test client in this process, so no HTTP server
or worker timeout hides anything. Without --index-dir (Whoosh) or an existing alias
(OpenSearch), the collection is indexed first (`make_bench_corpus.py` makes it when it is
missing, as bench/backends.sh does). Reports: responses by status, >= 500 (must be 0),
malformed bodies (must be 0), wall and CPU time per request (p50/p95/p99, slowest; CPU is
this process's thread time, plus for OpenSearch the node's own CPU over the whole run),
the 10 slowest requests by wall time and the 10 by CPU, and the machine's load. Exports
stream every match of a search (their time grows with the matches, not the query), so they
are reported apart from the search routes, whose slowest request is the target (<= 1 s on
20,000 articles).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from fuzzgen import check_response, fuzz_requests, run_one, vocabulary  # noqa: E402

from searchapp import create_app  # noqa: E402
from searchapp.search.params import SearchParams  # noqa: E402
from searchapp.search.service import iter_articles  # noqa: E402

EXPORTS = ("/export.csv", "/export.jsonl")
# Exports are rarer here than in the test: one streams up to the whole collection.
WEIGHTS = (30, 4, 30, 0.3, 0.3, 10, 8, 6)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (cores: {os.cpu_count()})"


def node_cpu(url: str) -> float | None:
    """CPU seconds the OpenSearch node has used so far (its JVM, from /proc), if local."""
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url}/_nodes/stats/process", timeout=10) as r:
            nodes = json.load(r)["nodes"]
        return sum(n["process"]["cpu"]["total_in_millis"] for n in nodes.values()) / 1000
    except Exception:  # noqa: BLE001 - a figure we can do without
        return None


def make_corpus(n: int) -> Path:
    corpus = REPO / "bench" / "out" / f"bench-{n}.jsonl"
    if not corpus.exists():
        corpus.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(REPO.parent / "shared" / "tools" /
                                            "make_bench_corpus.py"), str(n), str(corpus),
                        "--bbc", str(REPO.parent / "shared" / "corpora" / "bbc")], check=True)
    return corpus


def settings(args) -> dict:
    if args.engine == "whoosh":
        index_dir = args.index_dir or str(REPO / "bench" / "out" / f"fuzz-index-{args.n}")
        config = {"BACKEND": "whoosh", "INDEX_DIR": index_dir}
        needs_build = not (Path(index_dir) / "current").exists()
    else:
        config = {"BACKEND": "opensearch", "OPENSEARCH_URL": args.opensearch_url,
                  "OPENSEARCH_INDEX": args.opensearch_index}
        import urllib.request
        try:
            urllib.request.urlopen(f"{args.opensearch_url}/_alias/{args.opensearch_index}",
                                   timeout=10)
            needs_build = False
        except Exception:  # noqa: BLE001 - a 404: no such alias yet
            needs_build = True
    if args.budget is not None:
        config["SEARCH_BUDGET_SECONDS"] = args.budget
    if needs_build:
        corpus = Path(args.collection) if args.collection else make_corpus(args.n)
        env = {**os.environ, **{f"SCRAPESEARCH_{k}": str(v) for k, v in config.items()}}
        print(f"indexing {corpus} ...", flush=True)
        subprocess.run([str(REPO / ".venv" / "bin" / "scrapesearch"), "reindex",
                        "--jobs", "1", str(corpus)], env=env, check=True)
    return config


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engine", choices=("whoosh", "opensearch"), default="whoosh")
    ap.add_argument("--queries", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=20261203)
    ap.add_argument("--index-dir", help="a built Whoosh index (else the collection's)")
    ap.add_argument("--collection", help="JSON lines to index when there is no index yet")
    ap.add_argument("-n", type=int, default=20_000, help="articles of the bench collection")
    ap.add_argument("--opensearch-url", default="http://127.0.0.1:9200")
    ap.add_argument("--opensearch-index", default="scrapesearch-fuzz")
    ap.add_argument("--budget", type=float, help="SEARCH_BUDGET_SECONDS (default: config)")
    ap.add_argument("--out", help="write the report as JSON here (also every --every)")
    ap.add_argument("--every", type=int, default=5000, help="progress every N requests")
    args = ap.parse_args(argv)

    config = settings(args)
    app = create_app({"TESTING": False, **config}, instance_path=str(REPO / "instance"))
    from searchapp.app import BACKEND

    backend = app.extensions[BACKEND]
    sample = [a.as_dict() for a in iter_articles(backend, SearchParams(), limit=3000)]
    vocab = vocabulary(sample)
    ids = [a["id"] for a in sample]
    rng = random.Random(args.seed)
    client = app.test_client()
    print(f"seed {args.seed}, {args.queries:,} requests, engine {args.engine}, "
          f"{backend.health().documents:,} articles; load before: {load()}", flush=True)
    statuses: dict[int, int] = {}
    bad: list[str] = []
    search_wall: list[float] = []
    search_cpu: list[float] = []
    slow: list[tuple[float, float, str]] = []
    exports: list[tuple[float, float, int, str]] = []
    node_before = node_cpu(args.opensearch_url) if args.engine == "opensearch" else None
    started = time.perf_counter()
    cpu_started = time.process_time()
    for i, (path, query) in enumerate(fuzz_requests(rng, vocab, ids, args.queries, WEIGHTS)):
        t0 = time.perf_counter()
        resp, body, cpu = run_one(client, path, query)
        wall = time.perf_counter() - t0
        statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1
        try:
            why = check_response(path, resp, body)
        except Exception as e:  # noqa: BLE001 - a body that does not parse is the finding
            why = f"{type(e).__name__}: {str(e)[:200]}"
        if why:
            bad.append(f"{why}: {path}?{query[:300]}")
        if path in EXPORTS:
            exports.append((wall, cpu, body.count(b"\n"), f"{path}?{query[:200]}"))
        else:
            search_wall.append(wall)
            search_cpu.append(cpu)
            slow.append((wall, cpu, f"{path}?{query[:300]}"))
            if len(slow) > 200:  # the 10 slowest by wall and the 10 by CPU
                slow = sorted(set(sorted(slow, reverse=True)[:10]
                                  + sorted(slow, key=lambda x: -x[1])[:10]), reverse=True)
        if (i + 1) % args.every == 0:
            print(f"  {i + 1:,} done, {time.perf_counter() - started:.0f} s, "
                  f"{len(bad)} bad, slowest {max(search_wall):.3f} s, load {load()}",
                  flush=True)
            if args.out:  # a run stopped early still leaves its figures
                write(args.out, report(args, backend, i + 1, started, cpu_started,
                                       node_before, statuses, bad, search_wall,
                                       search_cpu, slow, exports))
    final = report(args, backend, args.queries, started, cpu_started, node_before,
                   statuses, bad, search_wall, search_cpu, slow, exports)
    print(json.dumps(final, indent=2, ensure_ascii=False))
    if args.out:
        write(args.out, final)
    return 1 if final["responses_5xx"] or bad else 0


def write(path: str, figures: dict) -> None:
    Path(path).write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n",
                          encoding="utf-8")


def report(args, backend, done, started, cpu_started, node_before, statuses, bad,
           search_wall, search_cpu, slow, exports) -> dict:
    """The figures of the requests so far."""
    elapsed = time.perf_counter() - started
    node_after = node_cpu(args.opensearch_url) if args.engine == "opensearch" else None
    by_cpu = sorted(slow, key=lambda x: -x[1])[:10]
    slow = sorted(slow, reverse=True)[:10]
    return {
        "engine": args.engine,
        "seed": args.seed,
        "requests": done,
        "articles": backend.health().documents,
        "elapsed_s": round(elapsed, 1),
        "process_cpu_s": round(time.process_time() - cpu_started, 1),
        "node_cpu_s": (round(node_after - node_before, 1)
                       if node_before is not None and node_after is not None else None),
        "load_after": load(),
        "statuses": dict(sorted(statuses.items())),
        "responses_5xx": sum(n for s, n in statuses.items() if s >= 500),
        "bad": len(bad),
        "bad_examples": bad[:20],
        "search_requests": len(search_wall),
        "wall_ms": {f"p{p}": round(percentile(search_wall, p) * 1000, 1) for p in (50, 95, 99)}
        | {"max": round(max(search_wall, default=0) * 1000, 1)},
        "cpu_ms": {f"p{p}": round(percentile(search_cpu, p) * 1000, 1) for p in (50, 95, 99)}
        | {"max": round(max(search_cpu, default=0) * 1000, 1)},
        "slowest": [{"wall_ms": round(w * 1000, 1), "cpu_ms": round(c * 1000, 1), "request": r}
                    for w, c, r in slow],
        "most_cpu": [{"wall_ms": round(w * 1000, 1), "cpu_ms": round(c * 1000, 1), "request": r}
                     for w, c, r in by_cpu],
        "exports": {"requests": len(exports),
                    "slowest_wall_ms": round(max((e[0] for e in exports), default=0) * 1000, 1),
                    "lines_of_slowest": max(exports, default=(0, 0, 0, ""))[2]},
    }

if __name__ == "__main__":
    sys.exit(main())
