"""An OpenSearch index made before articles carried their input digest (its strict mapping
lacks `input`): the first update adds the field and the digests, the next one reads
nothing that did not change."""

from __future__ import annotations

from conftest import article, write_jsonl

from indexer import work
from searchapp.backends.opensearch import mapping
from searchapp.indexing import reindex, update


def properties(backend) -> dict:
    client = backend.client
    live = next(iter(client.indices.get_alias(name=backend.alias)))
    got = client.indices.get_mapping(index=live)
    return got[live]["mappings"]["properties"]


def test_update_of_an_index_without_input(engine, tmp_path, monkeypatch):
    old_body = mapping.index_body

    def without_input(*args, **kwargs):
        body = old_body(*args, **kwargs)
        del body["mappings"]["properties"][mapping.INPUT]
        return body

    monkeypatch.setattr(mapping, "index_body", without_input)
    monkeypatch.setattr(work, "input_digest", lambda item: "")  # jobs=1: in this process
    src = write_jsonl(tmp_path / "src.jsonl",
                      [article(id=f"c-{i}", headline=f"Story {i}") for i in range(3)])
    backend = engine.new(tmp_path)
    try:
        reindex([str(src)], backend, jobs=1)
        assert mapping.INPUT not in properties(backend)
        monkeypatch.undo()

        first = update([str(src)], backend, jobs=1)
        assert (first.unchanged, first.unread) == (3, 0)
        assert not backend.stats()["last_update"].get("rejected")
        assert mapping.INPUT in properties(backend)

        second = update([str(src)], backend, jobs=1)
        assert (second.unchanged, second.unread) == (3, 3)
    finally:
        backend.close()
