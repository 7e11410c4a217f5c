"""A real gunicorn serving the app over one test backend, and the CLI run beside it.

Shared by the tests that serve while the index is rebuilt (tests/test_resilience_serving.py,
tests/backends/whoosh/test_gunicorn_swap.py): the server runs our gunicorn.conf.py from the
repository, with the backend chosen by environment variables, as in production.
"""

from __future__ import annotations

import contextlib
import json
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, article

WORDS = ("harbour strike ferry council budget heatwave tram election market football "
         "museum library river bridge school hospital police festival port union").split()
NAMES = ("Lena Ortiz", "Amir Haddad", "Brian Hollis", "Priya Raman", "Kofi Mensah")


def corpus(n: int, seed: int, body_words: int = 60) -> list[dict]:
    """`n` articles with ids of their own, quotes and comments, from `seed`."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        words = [rnd.choice(WORDS) for _ in range(body_words)]
        speaker = rnd.choice(NAMES)
        out.append(article(
            id=f"swap-{seed}-{i}", headline=f"{rnd.choice(WORDS).title()} story {i}",
            body=" ".join(words) + ".", source=f"Source {i % 5}",
            published=f"20{10 + i % 12:02d}-0{1 + i % 9}-1{i % 9}",
            quotes=[{"text": " ".join(rnd.choice(WORDS) for _ in range(8)), "speaker": speaker}],
            comments=[{"author": rnd.choice(NAMES), "text": " ".join(words[:10])}]))
    return out


def settings_env(settings: dict) -> dict[str, str]:
    """The environment variables that give the CLI and the app these settings."""
    env = {}
    for key, value in settings.items():
        name = "SCRAPESEARCH_" + key
        env[name] = str(value).lower() if isinstance(value, bool) else str(value)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(*args: str, env: dict, log: Path) -> subprocess.Popen:
    """Start `scrapesearch ARGS` (stderr to `log`: a killed build's workers may outlive it)."""
    with open(log, "ab") as err:
        return subprocess.Popen([sys.executable, "-m", "searchapp", *args], cwd=REPO, env=env,
                                stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)


def finish(proc: subprocess.Popen, log: Path, timeout: float = 300) -> int:
    """Wait for a CLI run; its stderr goes to the test output when it failed."""
    proc.wait(timeout=timeout)
    if proc.returncode not in (0, -signal.SIGKILL):
        print(log.read_text(errors="replace"))
    return proc.returncode


def get(url: str, timeout: float = 60) -> tuple[int, dict | None]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            body = r.read()
            is_json = r.headers.get_content_type() == "application/json"
            return r.status, (json.loads(body) if is_json else None)
    except urllib.error.HTTPError as e:
        return e.code, None


@contextlib.contextmanager
def gunicorn(env: dict, log: Path, *options: str, ready: str = "/healthz") -> Iterator[str]:
    """gunicorn with the repository's gunicorn.conf.py (plus `options`); yields its base URL
    once `ready` answers 200 (/healthz opens the index in the worker that answers it)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
         "--access-logfile", "/dev/null", "--error-logfile", str(log), *options, "wsgi:app"],
        cwd=REPO, env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if get(base + ready, timeout=5)[0] == 200:
                    break
            if server.poll() is not None:
                pytest.fail(f"gunicorn exited: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start")
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)


def slow_download(base: str, path: str, chunk: int = 4096, pause: float = 0.02,
                  limit_seconds: float = 300, rcvbuf: int = 4096) -> bytes:
    """GET `path` through a small receive buffer, read slowly: the worker has to wait on the
    socket for as long as the client takes, as with a user on a slow line."""
    host, port = base.removeprefix("http://").split(":")
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        s.settimeout(60)
        s.connect((host, int(port)))
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = bytearray()
        deadline = time.monotonic() + limit_seconds
        while time.monotonic() < deadline:
            got = s.recv(chunk)
            if not got:
                break
            data += got
            time.sleep(pause)
    return bytes(data)


def http_body(raw: bytes) -> tuple[int, bytes]:
    """Status and de-chunked body of a raw HTTP/1.1 response."""
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if b"transfer-encoding: chunked" not in head.lower():
        return status, body
    out = bytearray()
    at = 0  # an offset, not slices of the rest: a 120 MB export comes in ~20,000 chunks
    while at < len(body):
        eol = body.find(b"\r\n", at)
        if eol < 0:
            break
        size = int(body[at:eol].split(b";")[0], 16)
        if size == 0:
            return status, bytes(out)
        out += body[eol + 2:eol + 2 + size]
        at = eol + 2 + size + 2
    raise AssertionError("the chunked response ended without its last chunk")


class Load:
    """Threads sending GETs of `urls` (seeded random picks) until `stop()`: every response's
    (url, status, JSON body or None), and every request that failed outright."""

    def __init__(self, base: str, urls: list[str], threads: int = 3):
        self.base, self.urls = base, urls
        self.results: list[tuple[str, int, dict | None]] = []
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,), daemon=True)
                         for i in range(threads)]

    def _run(self, seed: int) -> None:
        rnd = random.Random(seed)
        while not self._stop.is_set():
            url = rnd.choice(self.urls)
            try:
                status, body = get(self.base + url)
                self.results.append((url, status, body))
            except Exception as e:  # noqa: BLE001 - any failure is what we count
                self.errors.append(f"{url}: {e!r}")

    def start(self) -> Load:
        for t in self._threads:
            t.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(60)
