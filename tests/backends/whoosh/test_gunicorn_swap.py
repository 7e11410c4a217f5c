"""Rebuild the index while a real gunicorn (3 sync workers) answers requests: no failure.

reliability.md T35, bounded for CI: threads keep requesting searches, pages and /healthz
while the CLI reindexes several times (one run killed with SIGKILL half-way). Every
response must be a 200 from a generation that completed; at the end every worker serves
the last generation.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import REPO, article, write_jsonl

from searchapp.backends.whoosh import generations

pytestmark = pytest.mark.slow

WORDS = ("harbour strike ferry council budget heatwave tram election market football "
         "museum library river bridge school hospital police festival port union").split()
NAMES = ("Lena Ortiz", "Amir Haddad", "Brian Hollis", "Priya Raman", "Kofi Mensah")


def corpus(n: int, seed: int) -> list[dict]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        words = [rnd.choice(WORDS) for _ in range(60)]
        speaker = rnd.choice(NAMES)
        out.append(article(
            id=f"swap-{seed}-{i}", headline=f"{rnd.choice(WORDS).title()} story {i}",
            body=" ".join(words) + ".", source=f"Source {i % 5}",
            published=f"20{10 + i % 12:02d}-0{1 + i % 9}-1{i % 9}",
            quotes=[{"text": " ".join(rnd.choice(WORDS) for _ in range(8)), "speaker": speaker}],
            comments=[{"author": rnd.choice(NAMES), "text": " ".join(words[:10])}]))
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(*args: str, env: dict, log: Path) -> subprocess.Popen:
    # stderr to a file, not a pipe: a killed build's pool workers may outlive it briefly.
    with open(log, "ab") as err:
        return subprocess.Popen([sys.executable, "-m", "searchapp", *args], cwd=REPO, env=env,
                                stdout=subprocess.DEVNULL, stderr=err)


def finish(proc: subprocess.Popen, log: Path) -> int:
    """Wait for a CLI run; its stderr goes to the test output when it failed."""
    proc.wait(timeout=120)
    if proc.returncode not in (0, -signal.SIGKILL):
        print(log.read_text(errors="replace"))
    return proc.returncode


def get(url: str) -> tuple[int, dict | None]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            body = r.read()
            is_json = r.headers.get_content_type() == "application/json"
            return r.status, (json.loads(body) if is_json else None)
    except urllib.error.HTTPError as e:
        return e.code, None


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
