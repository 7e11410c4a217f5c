"""Fixtures of the OpenSearch-only tests: the test cluster's engine, and a fresh backend."""

from __future__ import annotations

import pytest
from engines import ENGINES


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
