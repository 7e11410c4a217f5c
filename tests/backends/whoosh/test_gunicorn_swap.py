"""Rebuild the index while a real gunicorn (3 workers) answers requests: no failure.

reliability.md T35, bounded for CI: threads keep requesting searches, pages and /healthz
while the CLI reindexes several times (one run killed with SIGKILL half-way). Every
response must be a 200 from a generation that completed; at the end every worker serves
the last generation.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from conftest import write_jsonl
from served import Load, cli, corpus, finish, get, gunicorn

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

    urls = ["/api/search?q=harbour", "/api/search?q=%22council+budget%22&sort=newest",
            "/api/search?q=speaker%3Aortiz&source=Source+1", "/search?q=strike+OR+ferry",
            "/api/search?q=tram*&scope=comments", "/healthz"]
    with gunicorn(env, tmp_path / "gunicorn.log", "--workers", "3") as base:
        load = Load(base, urls, threads=4).start()
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
        load.stop()
        _, health = get(base + "/healthz")
    results = [(url, status, (body or {}).get("generation"))
               for url, status, body in load.results]
    errors = load.errors

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
