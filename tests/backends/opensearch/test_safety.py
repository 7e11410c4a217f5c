"""Data safety of the OpenSearch backend's writing side, against the real test node:
`update` and `reindex` killed with -9 at random points leave the old index or the new one,
whole, and the next run succeeds; a full disk is one sentence, the live index keeps
serving, nothing is left behind, and the next run succeeds once space is freed; replaced
indexes do not pile up."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
from conftest import REPO, article, write_jsonl
from engines import ENGINES, opensearch_url

from searchapp.backends.base import Query
from searchapp.indexing import reindex

pytestmark = pytest.mark.slow

SEED = 20261203


@pytest.fixture
def engine():
    e = ENGINES["opensearch"]
    e.check()
    yield e
    e.cleanup()


@pytest.fixture
def backend(engine, tmp_path):
    b = engine.new(tmp_path)
    yield b
    b.close()


def _records(ids, version: str) -> list[dict]:
    return [article(id=f"k{i:05d}", headline=f"Story {i} {version}", body=f"Tide {version}.")
            for i in ids]


# Old: 3,000 articles. New: 2,500 of them edited, 500 gone, 2,500 added (5,000), so that an
# update writes several bulk requests and a kill can land between two of them.
OLD = _records(range(3000), "v1")
NEW = _records(range(2500), "v2") + _records(range(3000, 5500), "v2")


def _state(backend) -> set[tuple[str, str]]:
    """(id, version) of every article searches see; the alias points at one index."""
    client = backend.client
    aliased = client.indices.get_alias(name=backend.alias)
    assert len(aliased) == 1, aliased
    client.indices.refresh(index=backend.alias)  # what readers would see a second later
    got = [(a.id, a.headline.rsplit(" ", 1)[1]) for a in backend.export(Query())]
    assert len(got) == len({i for i, _ in got}), "an id is there twice"
    assert client.count(index=backend.alias)["count"] == len(got)
    return set(got)


def _expected(records) -> set[tuple[str, str]]:
    return {(r["id"], r["headline"].rsplit(" ", 1)[1]) for r in records}


def _env(backend, tmp_path) -> dict:
    return {**os.environ, "SCRAPESEARCH_BACKEND": "opensearch",
            "SCRAPESEARCH_OPENSEARCH_URL": opensearch_url(),
            "SCRAPESEARCH_OPENSEARCH_INDEX": backend.alias,
            "SCRAPESEARCH_OPENSEARCH_GRACE_SECONDS": "0",
            "SCRAPESEARCH_INSTANCE": str(tmp_path / "instance")}


def _cli(command: str, src, env, kill_after: float | None = None):
    """`scrapesearch COMMAND SRC` as its own process group; SIGKILLed after `kill_after`."""
    p = subprocess.Popen([sys.executable, "-m", "searchapp", command, "-q", "--jobs", "1",
                          str(src)], env=env, cwd=REPO, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, start_new_session=True)
    if kill_after is None:
        out, err = p.communicate(timeout=600)
        return p.returncode, err
    try:
        p.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
    out, err = p.communicate(timeout=60)
    return p.returncode, err


def _our_indexes(backend) -> dict[str, dict]:
    got = backend.client.indices.get_mapping(index=f"{backend.alias}-g*")
    return {name: body["mappings"].get("_meta") or {} for name, body in got.items()}


@pytest.mark.parametrize("command", ["update", "reindex"])
def test_a_run_killed_at_random_points_leaves_old_or_new_and_the_next_run_succeeds(
        backend, tmp_path, command):
    src = write_jsonl(tmp_path / "in.jsonl", OLD)
    env = _env(backend, tmp_path)
    old, new = _expected(OLD), _expected(NEW)
    # One run unkilled, to know how long a run takes: the kills are drawn over it.
    reindex([str(src)], backend, jobs=1)
    write_jsonl(src, NEW)
    started = time.monotonic()
    code, err = _cli(command, src, env)
    took = time.monotonic() - started
    assert code == 0, err
    assert _state(backend) == new
    rnd = random.Random(f"{SEED}-{command}")
    outcomes = []
    for _ in range(3):
        write_jsonl(src, OLD)
        reindex([str(src)], backend, jobs=1)  # back to the old articles
        assert _state(backend) == old
        write_jsonl(src, NEW)
        _cli(command, src, env, kill_after=rnd.uniform(0.15, 1.0) * took)
        seen = _state(backend)
        assert seen in (old, new), (
            f"after a kill: {len(seen)} articles, {len(seen - old - new)} neither old nor "
            f"new, {len(seen & old)} old, {len(seen & new)} new")
        outcomes.append("new" if seen == new else "old")
        # The next run needs nobody: no lock to wait for, nothing to delete by hand.
        code, err = _cli(command, src, env)
        assert code == 0, err
        assert _state(backend) == new
        metas = _our_indexes(backend)
        assert not [n for n, m in metas.items() if m.get("state") == "building"], metas
    print(command, "outcomes after the kills:", outcomes)
