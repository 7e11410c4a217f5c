"""kill -9 during `reindex` and `update`, on every engine (issue 9, finding 3 and the chaos
suite): after each kill the index opens and holds exactly the old or the new articles,
no id twice, and the next run succeeds with nobody repairing anything.

The real command line runs on a generated collection (tests/chaoskit.py) and is killed
with its whole process group — extraction workers and the Whoosh backend's forked segment
writers too — at seeded random moments over its run. The CI run is bounded (KILLS per
command and engine); bench/chaos.py is the long run (>= 50 kills per engine).
"""

from __future__ import annotations

import pytest
from chaoskit import Chaos, whoosh_leftovers
from engines import ENGINES

pytestmark = pytest.mark.slow

KILLS = 4  # per command and engine: 8 kills per engine in all


@pytest.fixture(params=list(ENGINES))
def engine(request):
    chosen = ENGINES[request.param]
    chosen.check()
    return chosen


@pytest.fixture
def chaos(engine, tmp_path):
    backend = engine.new(tmp_path)
    settings = engine.settings(backend)
    backend.close()
    after_run = None
    if engine.name == "whoosh":
        def after_run():
            whoosh_leftovers(settings["INDEX_DIR"])
    yield Chaos(settings, tmp_path / "work", seed=20260903, feed=200, dumps=80,
                after_run=after_run)
    if engine.name == "opensearch":  # this test's indexes only (the engine's cleanup is
        _drop_opensearch(settings)  # the contract session's, which may still be using it)


def _drop_opensearch(settings: dict) -> None:
    from opensearchpy import OpenSearch

    client = OpenSearch([settings["OPENSEARCH_URL"]], timeout=60)
    client.indices.delete(index=f"{settings['OPENSEARCH_INDEX']}-*", ignore=[404])


@pytest.mark.parametrize("command", ["reindex", "update"])
def test_killed_runs_leave_the_old_or_the_new_index(chaos, command):
    chaos.start(command)
    for _ in range(KILLS):
        chaos.kill_once(command)
        if chaos.broken:
            break
    assert not chaos.log, "\n".join(chaos.log + chaos.summary())
    assert [k.outcome for k in chaos.kills if k.outcome == "bad"] == []
