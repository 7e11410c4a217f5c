"""Clusters of copies in an OpenSearch index (opensearch/clusters.py, copies.py): the fields
each document carries, the documents written again with their cluster (still found by
their words), an update that joins or splits clusters, and the collapsed search. Against
the real test node (.ci/run starts it)."""

from __future__ import annotations

import pytest
from conftest import article, write_jsonl
from dedup_texts import OTHER, STORY

from searchapp.backends.base import Query, SearchRequest
from searchapp.backends.opensearch import backend as os_backend
from searchapp.backends.opensearch import mapping
from searchapp.indexing import reindex, update
from searchapp.search.parser import parse

COPY = STORY.upper().replace(" ", "  ") + "\n REUTER"


def _story(article_id: str, body: str, source: str, headline: str = "Bundesbank policy"):
    return article(id=article_id, headline=headline, body=body, source=source,
                   published="1987-03-01")


def _records():
    return [_story("s-b", STORY, "Wire B"), _story("s-c", COPY, "Wire C"),
            _story("s-z", OTHER, "Wire Z", "Bahia cocoa review")]


def _load(tmp_path, backend, records):
    src = write_jsonl(tmp_path / "in.jsonl", records)
    reindex([str(src)], backend, jobs=1)
    return src


def _search(backend, words="", **kwargs) -> dict:
    request = SearchRequest(Query(parse(words).tree), size=kwargs.pop("size", 10), **kwargs)
    return backend.search(request)


def _clusters(backend) -> dict[str, str]:
    return {f.article.id: f.cluster for f in _search(backend, size=50).found}


def test_the_mapping_keeps_a_cluster_a_fingerprint_and_its_band_keys(backend, tmp_path):
    _load(tmp_path, backend, _records())
    index = backend.health().generation
    got = backend.client.indices.get_mapping(index=index)[index]["mappings"]
    props = got["properties"]
    assert props[mapping.CLUSTER] == {"type": "keyword"}  # doc values: collapse reads them
    assert props[mapping.CLUSTER_KEY] == {"type": "long"}  # what collapse reads: fast
    assert props[mapping.DEDUP] == {"type": "keyword", "index": False, "doc_values": False}
    assert props[mapping.DEDUP_BANDS] == {"type": "long", "doc_values": False}
    assert mapping.DEDUP_BANDS in got["_source"]["excludes"]
    assert got["_meta"]["format_version"] == mapping.FORMAT_VERSION == 3
    doc = backend.client.get(index=backend.alias, id="s-z")["_source"]
    assert doc[mapping.CLUSTER] == "s-z" and doc[mapping.DEDUP].startswith("d1:")
    assert doc[mapping.CLUSTER_KEY] == mapping.cluster_key("s-z") != mapping.cluster_key("s-b")
    assert set(doc[mapping.ARTICLE]) == set(backend.get("s-z").as_dict())  # not in the Article
    bands = backend.client.count(index=backend.alias, body={"query": {"exists": {
        "field": mapping.DEDUP_BANDS}}})["count"]
    assert bands == 3


def test_a_build_writes_copies_with_their_cluster_and_keeps_their_words(backend, tmp_path):
    _load(tmp_path, backend, _records())
    assert _clusters(backend) == {"s-b": "s-b", "s-c": "s-b", "s-z": "s-z"}
    # Written again with the cluster: still found by their words, dates and facets.
    assert {f.article.id for f in _search(backend, "lombard").found} == {"s-b", "s-c"}
    page = _search(backend, "lombard", facets=("source",))
    assert {v.value: v.count for v in page.facets["source"].values} == {"Wire B": 1,
                                                                        "Wire C": 1}
    assert backend.client.count(index=backend.alias)["count"] == 3


def test_an_update_that_adds_a_copy_joins_its_cluster(backend, tmp_path):
    records = [_story("s-b", STORY, "Wire B"), _story("s-z", OTHER, "Wire Z", "Cocoa")]
    src = _load(tmp_path, backend, records)
    assert _clusters(backend) == {"s-b": "s-b", "s-z": "s-z"}
    write_jsonl(src, [*records, _story("s-a", COPY, "Wire A")])
    update([str(src)], backend, jobs=1)
    assert _clusters(backend) == {"s-a": "s-a", "s-b": "s-a", "s-z": "s-z"}
    # s-b, which the update did not put, was written again: still found by its words.
    assert {f.article.id for f in _search(backend, "lombard").found} == {"s-a", "s-b"}
    assert backend.article("s-b").cluster == "s-a"


def test_removing_the_representative_reclusters_the_rest(backend, tmp_path):
    records = [_story("s-a", STORY, "Wire A"), *_records()]
    src = _load(tmp_path, backend, records)
    assert _clusters(backend) == {"s-a": "s-a", "s-b": "s-a", "s-c": "s-a", "s-z": "s-z"}
    write_jsonl(src, records[1:])
    update([str(src)], backend, jobs=1)
    assert _clusters(backend) == {"s-b": "s-b", "s-c": "s-b", "s-z": "s-z"}
    assert [c.id for c in backend.article("s-c").copies] == ["s-b"]
    page = _search(backend, "lombard", collapse=True)  # collapsed on the new cluster key
    assert [(f.cluster, f.copies_total) for f in page.found] == [("s-b", 1)]


def test_a_collapsed_search_shows_a_story_once_with_its_copies(backend, tmp_path):
    _load(tmp_path, backend, [_story("s-a", STORY, "Wire A"), *_records()])
    plain = _search(backend, "bundesbank")
    assert plain.total == 3 and plain.stories is None
    assert all(f.copies == () and f.copies_total == 0 for f in plain.found)
    page = _search(backend, "bundesbank", collapse=True)
    assert (page.total, page.stories, len(page.found)) == (3, 1, 1)
    hit = page.found[0]
    assert (hit.cluster, hit.copies_total) == ("s-a", 2)
    assert {(c.id, c.source, c.headline) for c in hit.copies} == {
        ("s-b", "Wire B", "Bundesbank policy"), ("s-c", "Wire C", "Bundesbank policy")}
    everything = _search(backend, collapse=True, facets=("source",))
    assert (everything.total, everything.stories, len(everything.found)) == (4, 2, 2)
    assert sum(v.count for v in everything.facets["source"].values) == 4  # articles
    # The facet filters reach the copies and the stories too (a post_filter).
    wire_b = backend.search(SearchRequest(
        Query(None, filters={"source": ("Wire B", "Wire Z")}), collapse=True))
    assert wire_b.stories == 2 and all(f.copies_total == 0 for f in wire_b.found)


def test_start_and_size_count_stories(backend, tmp_path):
    _load(tmp_path, backend, _records())
    query = Query(None, sort="oldest")
    first = backend.search(SearchRequest(query, size=1, collapse=True))
    second = backend.search(SearchRequest(query, start=1, size=1, collapse=True))
    assert {first.found[0].cluster, second.found[0].cluster} == {"s-b", "s-z"}


def test_one_cluster_everywhere_the_query_filters(backend, tmp_path):
    undated = {**_story("s-y", OTHER, "Wire Y", "Cocoa"), "published": None}
    _load(tmp_path, backend, [*_records(), undated])
    assert _clusters(backend)["s-z"] == "s-y"
    query = Query(None, cluster="s-b", sort="oldest")
    page = backend.search(SearchRequest(query, facets=("source",), timeline="year"))
    assert {f.article.id for f in page.found} == {"s-b", "s-c"} and page.total == 2
    assert sum(v.count for v in page.facets["source"].values) == 2
    assert sum(b.count for b in page.timeline.buckets) == 2 and page.timeline.undated == 0
    assert [a.id for a in backend.export(query)] == ["s-b", "s-c"]
    assert [(a.id, c) for a, c in backend.export_clustered(Query(None, sort="oldest"))
            ] == [("s-b", "s-b"), ("s-c", "s-b"), ("s-z", "s-y"), ("s-y", "s-y")]
    at = backend.article("s-c", query)
    assert (at.total, at.cluster, [c.id for c in at.copies]) == (2, "s-b", ["s-b"])
    assert backend.article("s-z", query).matched is False


def test_a_collapsed_page_past_the_window_walks_the_matches(backend, tmp_path, monkeypatch):
    _load(tmp_path, backend, [_story("s-a", STORY, "Wire A"), *_records()])
    wires = {"source": ("Wire A", "Wire C", "Wire Z")}
    requests = [SearchRequest(Query(None, sort="oldest", filters=f), start=start, size=1,
                              collapse=True, facets=("source",))
                for f in ({}, wires) for start in (0, 1, 2)]
    within = [backend.search(r) for r in requests]
    assert [[h.article.id for h in p.found] for p in within] == [["s-a"], ["s-z"], []] * 2
    # OpenSearch has no search_after with collapse: past its window the page walks the
    # matches for its clusters, and gives what a page within the window gives.
    monkeypatch.setattr(os_backend, "MAX_WINDOW", 0)
    for request, expected in zip(requests, within, strict=True):
        page = backend.search(request)
        assert [(h.article.id, h.copies, h.copies_total) for h in page.found] == [
            (h.article.id, h.copies, h.copies_total) for h in expected.found]
        assert (page.total, page.stories, page.facets) == (
            expected.total, expected.stories, expected.facets)
    assert within[3].total == 3 and within[3].found[0].copies_total == 1


@pytest.mark.parametrize("collapse", [False, True])
def test_an_index_of_the_older_format_is_refused(backend, tmp_path, collapse):
    _load(tmp_path, backend, _records())
    index = backend.health().generation
    backend.client.indices.put_mapping(index=index, body={"_meta": {
        **backend.client.indices.get_mapping(index=index)[index]["mappings"]["_meta"],
        "format_version": 2}})
    fresh = type(backend)(backend.settings)
    with pytest.raises(Exception, match="run `scrapesearch reindex`"):
        fresh.search(SearchRequest(Query(None), collapse=collapse))
