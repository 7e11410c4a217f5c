"""The extraction pipeline: a worker that dies outright costs only its own item (reliability D1).

The pipeline is the same whichever backend writes; the default one receives the results.
"""

from __future__ import annotations

import os

import pytest

from indexer import pipeline
from indexer.work import extract_batch
from searchapp.backends.whoosh import WhooshBackend
from searchapp.indexing import reindex
from searchapp.search.params import SearchParams
from searchapp.search.service import iter_articles


def _crash_on_marker(items, prepare=None):
    """extract_batch, except that a worker dies outright on an item named like *crash*."""
    if any("crash" in os.path.basename(item.path) for item in items):
        os._exit(70)
    return extract_batch(items, prepare)


@pytest.mark.slow
def test_a_crashing_worker_loses_only_its_item(tmp_path, monkeypatch):
    # The pool pickles the function by reference, so the worker imports it from this module.
    monkeypatch.setattr(pipeline, "extract_batch", _crash_on_marker)
    monkeypatch.setattr(pipeline, "BATCH_ITEMS", 2)
    src = tmp_path / "src"
    src.mkdir()
    for i in range(7):
        (src / f"{i:02d}.txt").write_text(f"Story {i}\n\nBody of story {i}.\n", encoding="utf-8")
    (src / "03-crash.txt").write_text("Crash\n\nThis one kills its worker.\n", encoding="utf-8")
    backend = WhooshBackend(str(tmp_path / "idx"))
    report = reindex([str(src)], backend, jobs=2)
    assert report.skipped == [(str(src / "03-crash.txt"), "the extractor crashed on it")]
    assert report.indexed == 7
    assert sorted(a.headline for a in iter_articles(backend, SearchParams())) == [
        f"Story {i}" for i in range(7)]
