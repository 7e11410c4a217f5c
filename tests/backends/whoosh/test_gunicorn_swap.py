"""Rebuild the index while a real gunicorn (3 sync workers) answers requests: no failure.

reliability.md T35, bounded for CI: threads keep requesting searches, pages and /healthz
while the CLI reindexes several times (one run killed with SIGKILL half-way). Every
response must be a 200 from a generation that completed; at the end every worker serves
the last generation.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO, write_jsonl
from served import cli, corpus, finish, free_port, get

from searchapp.backends.whoosh import generations

pytestmark = pytest.mark.slow

def test_reindex_under_load(tmp_path: Path):
    a = write_jsonl(tmp_path / "a.jsonl", corpus(300, 1))
    b = write_jsonl(tmp_path / "b.jsonl", corpus(360, 2))
    index_dir = tmp_path / "index"
    env = {**os.environ, "SCRAPESEARCH_INDEX_DIR": str(index_dir),
           "SCRAPESEARCH_GENERATION_GRACE": "0", "PYTHONDONTWRITEBYTECODE": "1"}
    log = tmp_path / "cli.log"
    first = cli("reindex", "-q", str(a), env=env, log=log)
    assert finish(first, log) == 0

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "3", "--bind", f"127.0.0.1:{port}",
         "--access-logfile", "/dev/null", "--error-logfile", str(tmp_path / "gunicorn.log"),
         "wsgi:app"], cwd=REPO, env=env)
    urls = ["/api/search?q=harbour", "/api/search?q=%22council+budget%22&sort=newest",
            "/api/search?q=speaker%3Aortiz&source=Source+1", "/search?q=strike+OR+ferry",
            "/api/search?q=tram*&scope=comments", "/healthz"]
    results: list[tuple[str, int, str | None]] = []
    errors: list[str] = []
    stop = threading.Event()

    def load(seed: int) -> None:
        rnd = random.Random(seed)
        while not stop.is_set():
            url = rnd.choice(urls)
            try:
                status, body = get(base + url)
                results.append((url, status, (body or {}).get("generation")))
            except Exception as e:  # noqa: BLE001 - any failure is what we count
                errors.append(f"{url}: {e!r}")

    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start")
        threads = [threading.Thread(target=load, args=(i,), daemon=True) for i in range(4)]
        for t in threads:
            t.start()
        time.sleep(1)
        for n, source in enumerate([b, a, b, a, b]):
            run = cli("reindex", "-q", str(source), env=env, log=log)
            if n == 2:  # kill one build half-way: it must leave the live index alone
                time.sleep(0.8)
                run.send_signal(signal.SIGKILL)
                finish(run, log)
            else:
                assert finish(run, log) == 0
            time.sleep(0.5)
        time.sleep(1)
        stop.set()
        for t in threads:
            t.join(30)
        _, health = get(base + "/healthz")
    finally:
        stop.set()
        server.send_signal(signal.SIGTERM)
        server.wait(30)

    assert not errors, errors[:5]
    assert len(results) > 100
    bad = [r for r in results if r[1] != 200]
    assert not bad, bad[:5]
    complete = {n for n in os.listdir(index_dir) if n.startswith(generations.GEN_PREFIX)}
    seen = {g for _, _, g in results if g}
    assert len(seen) >= 2  # requests were answered from more than one generation
    live = os.path.basename(generations.current_path(str(index_dir)))
    assert health["generation"] == live
    assert health["documents"] == 360  # the last build read b.jsonl
    # Generations seen while serving all completed (each had a build report when served);
    # with no grace period only the live one and its predecessor remain.
    assert complete <= {live} | seen
    assert len(complete) <= 2
