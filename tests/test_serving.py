"""A real gunicorn with our settings (gunicorn.conf.py) streams exports past its worker timeout.

reliability.md T38's first half: an export whose stream lasts longer than gunicorn's
`timeout` arrives whole. The stream is made long honestly: the export (about 8 MB) is larger
than the loopback socket buffers and the client reads it slowly, so the worker waits on
the socket for longer than the timeout. With sync workers the master kills the worker
mid-stream (the export stops short); with our settings every article arrives.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, article, write_jsonl
from engines import ENGINES

from searchapp.indexing import reindex

pytestmark = pytest.mark.slow

ARTICLES = 1500
# gunicorn's worker timeout for these tests (seconds; ours is 30). Above 2: a worker's main
# thread may linger up to 2 s closing a connection (gunicorn's close_graceful), not beating.
TIMEOUT = 4
WORDS = ("harbour strike ferry council budget heatwave tram election market football museum "
         "library river bridge school hospital police festival port union").split()


def corpus(n: int) -> list[dict]:
    rnd = random.Random(9)
    return [article(id=f"export-{i}", headline=f"Export story {i}", source=f"Source {i % 4}",
                    published=f"20{10 + i % 12:02d}-0{1 + i % 9}-1{i % 9}",
                    body=" ".join(rnd.choice(WORDS) for _ in range(700)) + ".")
            for i in range(n)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SlowConnection(http.client.HTTPConnection):
    """A client with a small receive buffer: the server's writes block until it reads."""

    def connect(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
        self.sock.settimeout(self.timeout)
        self.sock.connect((self.host, self.port))


def slow_get(port: int, path: str, seconds: float) -> tuple[int, bytes]:
    """GET `path`, reading the body in small pieces spread over about `seconds`.

    Raises http.client.IncompleteRead (or a connection error) when the server stops the
    chunked stream before its end."""
    conn = SlowConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        assert resp.getheader("Transfer-Encoding") == "chunked"
        body = bytearray()
        while True:
            piece = resp.read(16384)
            if not piece:
                break
            body += piece
            time.sleep(seconds * 16384 / 8e6)  # the export is about 8 MB
        return resp.status, bytes(body)
    finally:
        conn.close()


def serve(tmp: Path, settings: dict, *args: str) -> tuple[subprocess.Popen, int]:
    """gunicorn with gunicorn.conf.py (our defaults) and `args`, on a free port."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1",
           "SCRAPESEARCH_INSTANCE": str(tmp / "instance")}
    env.update({f"SCRAPESEARCH_{k}": str(v) for k, v in settings.items()
                if k in ("BACKEND", "INDEX_DIR") or k.startswith("OPENSEARCH_")})
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", "1",
         "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null",
         "--error-logfile", str(tmp / "gunicorn.log"), *args, "wsgi:app"], cwd=REPO, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return server, port
        except OSError:
            time.sleep(0.2)
    stop(server)
    pytest.fail("gunicorn did not start: " + (tmp / "gunicorn.log").read_text())


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@pytest.fixture(scope="module", params=list(ENGINES))
def served(request, tmp_path_factory):
    """(engine, backend) holding the export corpus, built once per engine."""
    engine = ENGINES[request.param]
    engine.check()
    tmp = tmp_path_factory.mktemp(f"serve-{engine.name}")
    src = write_jsonl(tmp / "input.jsonl", corpus(ARTICLES))
    backend = engine.new(tmp)
    reindex([str(src)], backend, jobs=2)
    yield engine, backend, tmp
    backend.close()
    engine.cleanup()


def test_exports_outlast_the_worker_timeout(served):
    engine, backend, tmp = served
    server, port = serve(tmp, engine.settings(backend), "--timeout", str(TIMEOUT))
    try:
        status, body = slow_get(port, "/export.jsonl", seconds=2.5 * TIMEOUT)
        assert status == 200
        text = body.decode("utf-8")
        assert text.endswith("\n")
        ids = [json.loads(line)["id"] for line in text.splitlines()]
        assert sorted(ids) == sorted(f"export-{i}" for i in range(ARTICLES))

        status, body = slow_get(port, "/export.csv?sort=oldest", seconds=2.5 * TIMEOUT)
        assert status == 200
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
        assert rows[0][0] == "id"
        assert sorted(r[0] for r in rows[1:]) == sorted(f"export-{i}" for i in range(ARTICLES))
    finally:
        stop(server)
    assert "WORKER TIMEOUT" not in (tmp / "gunicorn.log").read_text()


def test_an_export_that_recycles_its_worker_finishes(served):
    """A gthread worker starts to recycle when its last request (max_requests) *starts*,
    and then gives it graceful_timeout (300 s in our settings) to finish: an export that is
    a worker's last request must still arrive whole."""
    engine, backend, tmp = served
    # serve() asks for /healthz once: the export is the worker's second and last request.
    server, port = serve(tmp, engine.settings(backend), "--timeout", str(TIMEOUT),
                         "--max-requests", "2", "--max-requests-jitter", "0")
    try:
        status, body = slow_get(port, "/export.jsonl", seconds=2.5 * TIMEOUT)
    finally:
        stop(server)
    assert status == 200
    assert len(body.decode("utf-8").splitlines()) == ARTICLES
    assert "Autorestarting worker" in (tmp / "gunicorn.log").read_text()
