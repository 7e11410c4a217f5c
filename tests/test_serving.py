"""A real gunicorn with our settings (gunicorn.conf.py) streams exports past its worker timeout.

reliability.md T38's first half: an export whose stream lasts longer than gunicorn's
`timeout` arrives whole. The stream is made long honestly: the export (about 8 MB) is larger
than the loopback socket buffers and the client reads it slowly, so the worker waits on
the socket for longer than the timeout. With sync workers the master kills the worker
mid-stream (the export stops short); with our settings every article arrives.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
from pathlib import Path

import pytest
from conftest import article, write_jsonl
from engines import ENGINES
from served import gunicorn, http_body, settings_env, slow_download

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


def served_env(tmp: Path, settings: dict) -> dict:
    return {**os.environ, "PYTHONDONTWRITEBYTECODE": "1",
            "SCRAPESEARCH_INSTANCE": str(tmp / "instance"), **settings_env(settings)}


def slow_get(base: str, path: str) -> tuple[int, bytes]:
    """GET `path` through an 8 KB receive buffer, read slowly (about 8 MB in 10 s); an
    AssertionError when the server stops the chunked stream before its end."""
    return http_body(slow_download(base, path, chunk=16384, pause=0.02, rcvbuf=8192))


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
    log = tmp / "gunicorn.log"
    with gunicorn(served_env(tmp, engine.settings(backend)), log, "--workers", "1",
                  "--timeout", str(TIMEOUT)) as base:
        status, body = slow_get(base, "/export.jsonl")
        assert status == 200
        text = body.decode("utf-8")
        assert text.endswith("\n")
        ids = [json.loads(line)["id"] for line in text.splitlines()]
        assert sorted(ids) == sorted(f"export-{i}" for i in range(ARTICLES))

        status, body = slow_get(base, "/export.csv?sort=oldest")
        assert status == 200
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
        assert rows[0][0] == "id"
        assert sorted(r[0] for r in rows[1:]) == sorted(f"export-{i}" for i in range(ARTICLES))
    assert "WORKER TIMEOUT" not in log.read_text()


def test_an_export_that_recycles_its_worker_finishes(served):
    """A gthread worker starts to recycle when its last request (max_requests) *starts*,
    and then gives it graceful_timeout (300 s in our settings) to finish: an export that is
    a worker's last request must still arrive whole."""
    engine, backend, tmp = served
    # gunicorn() asks for /healthz once: the export is the worker's second and last request.
    log = tmp / "gunicorn-recycled.log"
    with gunicorn(served_env(tmp, engine.settings(backend)), log, "--workers", "1",
                  "--timeout", str(TIMEOUT), "--max-requests", "2",
                  "--max-requests-jitter", "0") as base:
        status, body = slow_get(base, "/export.jsonl")
    assert status == 200
    assert len(body.decode("utf-8").splitlines()) == ARTICLES
    assert "Autorestarting worker" in log.read_text()
