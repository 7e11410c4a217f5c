"""An OpenSearch index made before articles carried their `added` time (its strict mapping
lacks the field): an update first adds the field, then keeps and stamps times as usual."""

from __future__ import annotations

import time

from conftest import article, write_jsonl

from searchapp.backends.opensearch import added, mapping
from searchapp.indexing import reindex, update


def test_update_of_an_index_without_the_field(engine, tmp_path, monkeypatch):
    old_body = mapping.index_body

    def without_added(*args, **kwargs):
        body = old_body(*args, **kwargs)
        del body["mappings"]["properties"][mapping.ADDED]
        return body

    monkeypatch.setattr(mapping, "index_body", without_added)
    monkeypatch.setattr(added.Stamp, "__call__", lambda self, article_id, doc: doc)
    src = write_jsonl(tmp_path / "src.jsonl",
                      [article(id=f"c-{i}", headline=f"Story {i}") for i in range(3)])
    backend = engine.new(tmp_path)
    try:
        reindex([str(src)], backend, jobs=1)
        built = backend.added(["c-0", "c-1", "c-2"])
        assert len(set(built.values())) == 1  # the index's build time
        monkeypatch.undo()

        write_jsonl(src, [article(id="c-0", headline="Story 0"),
                          article(id="c-1", headline="Story 1, corrected"),
                          article(id="c-2", headline="Story 2"),
                          article(id="c-3", headline="Story 3")])
        before = time.time()
        report = update([str(src)], backend, jobs=1)
        assert (report.added, report.changed) == (1, 1)
        assert not backend.stats()["last_update"].get("rejected")
        now = backend.added(["c-0", "c-1", "c-2", "c-3"])
        assert {k: now[k] for k in built} == built
        assert now["c-3"].timestamp() >= before - 1
    finally:
        backend.close()
