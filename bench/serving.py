"""The long run of "serving while the index is rebuilt": load, slow exports, rebuilds, updates.

    .venv/bin/python bench/serving.py [--engine whoosh|opensearch] [--opensearch-url URL]
        [--collection bench/out/bench-20000.jsonl] [--rounds 6] [--worker-timeout 5]

A real gunicorn (the repository's gunicorn.conf.py, worker timeout cut to --worker-timeout)
serves the collection while threads send a query mix and slow clients download whole
exports, each taking several times the worker timeout, one after another. Meanwhile the CLI
alternates `reindex` of the whole collection with `update` from an edited copy (a tenth of
the articles changed, a twentieth removed). Prints the requests sent, the failed ones (any
status but 200, or a broken connection), the exports and whether each arrived whole (the
stream's last chunk, one article per line, no id twice), the longest export against the
worker timeout. The tests run the same thing, bounded (tests/test_resilience_serving.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from served import cli, finish, get, gunicorn, http_body, slow_download  # noqa: E402

QUERIES = ["/api/search?q=government", "/api/search?q=%22prime+minister%22&sort=newest",
           "/search?q=election+OR+vote", "/api/search?q=econom*", "/search?q=speaker%3Abrown",
           "/api/search?q=market&scope=comments", "/healthz", "/feed.atom?q=minister",
           "/api/search?q=police+NOT+court&page=3"]
EXPORTS = ["/export.jsonl", "/export.csv?q=government", "/export.jsonl?q=market+OR+bank"]


def edited_copy(collection: Path, out: Path, seed: int, edit: float = 0.10,
                drop: float = 0.05) -> int:
    """`collection` with a share `edit` of the articles edited (a sentence added to the body)
    and a share `drop` left out: by default a tenth and a twentieth."""
    rnd = random.Random(seed)
    kept = 0
    with open(collection, encoding="utf-8") as src, open(out, "w", encoding="utf-8") as dst:
        for line in src:
            roll = rnd.random()
            if roll < drop:
                continue
            if roll < drop + edit:
                record = json.loads(line)
                record["body"] = (record.get("body") or "") + f"\n\nCorrection {seed}."
                line = json.dumps(record, ensure_ascii=False) + "\n"
            dst.write(line)
            kept += 1
    return kept


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engine", choices=("whoosh", "opensearch"), default="whoosh")
    ap.add_argument("--opensearch-url", default="http://127.0.0.1:9200")
    ap.add_argument("--collection", type=Path, default=REPO / "bench/out/bench-20000.jsonl")
    ap.add_argument("--rounds", type=int, default=6, help="reindex/update runs while serving")
    ap.add_argument("--worker-timeout", type=int, default=5)
    ap.add_argument("--threads", type=int, default=3, help="threads sending the query mix")
    args = ap.parse_args()
    if not args.collection.is_file():
        ap.error(f"{args.collection} does not exist (bench/backends.sh makes it)")

    tmp = Path(tempfile.mkdtemp(prefix="scrapesearch-serving-"))
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "SCRAPESEARCH_GENERATION_GRACE": "900",
           "SCRAPESEARCH_OPENSEARCH_GRACE_SECONDS": "900"}
    if args.engine == "whoosh":
        env.update(SCRAPESEARCH_BACKEND="whoosh", SCRAPESEARCH_INDEX_DIR=str(tmp / "index"))
    else:
        env.update(SCRAPESEARCH_BACKEND="opensearch",
                   SCRAPESEARCH_OPENSEARCH_URL=args.opensearch_url,
                   SCRAPESEARCH_OPENSEARCH_INDEX=f"bench-serving-{secrets.token_hex(3)}")
    log = tmp / "cli.log"
    started = time.monotonic()
    if finish(cli("reindex", "-q", str(args.collection), env=env, log=log), log) != 0:
        print(f"the first reindex failed; see {log}")
        return 1
    print(f"indexed {args.collection} in {time.monotonic() - started:.0f} s")

    requests = failures = 0
    failed: list[str] = []
    exports: list[dict] = []
    stop = threading.Event()
    lock = threading.Lock()

    def load(seed: int) -> None:
        nonlocal requests, failures
        rnd = random.Random(seed)
        while not stop.is_set():
            url = rnd.choice(QUERIES)
            try:
                ok = get(base + url)[0] == 200
            except Exception as e:  # noqa: BLE001 - every failure is counted
                ok, url = False, f"{url}: {e!r}"
            with lock:
                requests += 1
                if not ok:
                    failures += 1
                    failed.append(url)

    def download() -> None:
        n = 0
        while not stop.is_set():
            path = EXPORTS[n % len(EXPORTS)]
            n += 1
            began = time.monotonic()
            entry = {"path": path, "whole": False}
            try:
                status, body = http_body(slow_download(base, path, chunk=65536, limit_seconds=1800,
                                                       rcvbuf=65536))
                entry["status"] = status
                if path.startswith("/export.jsonl"):
                    ids = [json.loads(line)["id"] for line in body.decode().splitlines()]
                    entry["articles"] = len(ids)
                    entry["whole"] = status == 200 and len(set(ids)) == len(ids)
                else:
                    entry["articles"] = body.count(b"\r\n") - 1
                    entry["whole"] = status == 200
            except Exception as e:  # noqa: BLE001
                entry["error"] = repr(e)
            entry["seconds"] = round(time.monotonic() - began, 1)
            exports.append(entry)

    runs = []
    with gunicorn(env, tmp / "gunicorn.log", "--timeout", str(args.worker_timeout)) as base:
        threads = [threading.Thread(target=load, args=(i,), daemon=True)
                   for i in range(args.threads)]
        threads.append(threading.Thread(target=download, daemon=True))
        for t in threads:
            t.start()
        for n in range(args.rounds):
            if n % 2 == 0:
                source = tmp / f"edited-{n}.jsonl"
                edited_copy(args.collection, source, n)
                command = "update"
            else:
                source, command = args.collection, "reindex"
            began = time.monotonic()
            code = finish(cli(command, "-q", str(source), env=env, log=log), log, timeout=3600)
            runs.append((command, code, round(time.monotonic() - began)))
            print(f"{command}: exit {code} in {runs[-1][2]} s; {requests} requests, "
                  f"{failures} failed, {len(exports)} exports so far", flush=True)
        stop.set()
        for t in threads:
            t.join(1800)

    whole = sum(1 for e in exports if e["whole"])
    longest = max((e["seconds"] for e in exports), default=0)
    summary = {"engine": args.engine, "collection": str(args.collection),
               "worker_timeout_s": args.worker_timeout, "runs": runs, "requests": requests,
               "failed_requests": failures, "exports": len(exports), "exports_whole": whole,
               "longest_export_s": longest, "first_failures": failed[:10],
               "broken_exports": [e for e in exports if not e["whole"]][:5]}
    print(json.dumps(summary, indent=1))
    ok = failures == 0 and whole == len(exports) and all(code == 0 for _, code, _ in runs)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
