"""Memory of one gunicorn worker by thread count, under concurrent searches (by hand).

  bench/serve_threads.py --index-dir DIR [--threads 1 4] [--clients 4] [--requests 40]

Each thread of a gthread worker opens its own searcher and arrays over the index
(reliability.md B2), so a worker's memory grows with the threads that served searches.
For each thread count: gunicorn with gunicorn.conf.py, one worker; `--clients` threads send
`--requests` searches each (a fixed mix); then the worker's VmRSS and VmHWM.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
QUERIES = ["election", "minister said", '"prime minister"', "speaker:blair", "econom*",
           "football OR rugby", "bank -interest", "comment:agree", "music", "film"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss(pid: int) -> tuple[int, int]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text()
                  .splitlines() if ":" in line)
    return (int(fields["VmRSS"].split()[0]) // 1024, int(fields["VmHWM"].split()[0]) // 1024)


def run(index_dir: str, threads: int, clients: int, requests: int) -> tuple[int, int]:
    port = free_port()
    env = {**os.environ, "SCRAPESEARCH_INDEX_DIR": index_dir}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", "1",
         "--threads", str(threads), "--bind", f"127.0.0.1:{port}", "--access-logfile",
         "/dev/null", "--error-logfile", "/dev/null", "wsgi:app"], cwd=REPO, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=5).read()
                break
            except OSError:
                time.sleep(0.2)

        def client(n: int) -> None:
            for i in range(requests):
                q = QUERIES[(n + i) % len(QUERIES)]
                args = urllib.parse.urlencode({"q": q, "sort": "newest" if i % 2 else "relevance"})
                urllib.request.urlopen(f"{base}/search?{args}", timeout=120).read()

        workers = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        child = int(Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()[0])
        return rss(child)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index-dir", required=True)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--requests", type=int, default=40)
    args = ap.parse_args()
    for t in args.threads:
        now, peak = run(os.path.abspath(args.index_dir), t, args.clients, args.requests)
        print(f"threads={t}: worker RSS {now} MB, peak {peak} MB")


if __name__ == "__main__":
    main()
