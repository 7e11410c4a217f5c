"""The contract suite: every test in this folder runs, unchanged, against every backend.

Tests take `engine` (one of tests/engines.ENGINES, a parameter of the whole session) and
make their backends with `engine.build(tmp, records)` (or the `make_backend` fixture); the
helpers in contract/helpers.py search them and make the web app over them. Nothing here
may know which engine it is talking to.
"""

from __future__ import annotations

import pytest
from engines import ENGINES


@pytest.fixture(scope="session", params=list(ENGINES))
def engine(request):
    chosen = ENGINES[request.param]
    chosen.check()
    yield chosen
    chosen.cleanup()


@pytest.fixture
def make_backend(engine, tmp_path):
    """A backend holding the given records, made for one test."""
    made = []

    def make(records: list[dict], name: str = "index", **reindex_args):
        folder = tmp_path / name
        folder.mkdir()
        backend = engine.build(folder, records, **reindex_args)
        made.append(backend)
        return backend

    yield make
    for backend in made:
        backend.close()
