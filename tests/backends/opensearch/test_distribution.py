"""A real 3-node cluster: an index of 3 shards with a replica each, spread over the nodes;
one node stops and every search still answers in full, and a reindex still works."""

from __future__ import annotations

import pytest

from backends.opensearch.cluster import Cluster
from searchapp.indexing import reindex
from searchapp.search.params import SearchParams
from searchapp.search.service import iter_articles, run_search

pytestmark = [pytest.mark.slow, pytest.mark.shared]

HTTP, TRANSPORT = 19400, 19500
QUERIES = [
    {},
    {"q": "oil"},
    {"q": "\"interest rates\""},
    {"q": "bank OR banks", "scope": "headline"},
    {"q": "minist*"},
    {"q": "said", "scope": "quotes"},
    {"q": "market -oil", "scope": "body"},
    {"q": "govern~1"},
]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, shared):
    c = Cluster(tmp_path_factory.mktemp("cluster"), nodes=3, http=HTTP, transport=TRANSPORT,
                name="scrapesearch-distribution")
    try:
        c.start()
        yield c
    finally:
        c.stop()


def _totals(backend) -> list[int]:
    return [run_search(backend, SearchParams.from_args(args)).total for args in QUERIES]


def test_three_nodes_three_shards_one_node_down(cluster, shared):
    from searchapp.backends.opensearch import OpenSearchBackend

    backend = OpenSearchBackend.from_config({
        "OPENSEARCH_URL": ",".join(cluster.urls), "OPENSEARCH_INDEX": "distribution",
        "OPENSEARCH_SHARDS": 3, "OPENSEARCH_REPLICAS": 1})
    sources = [str(shared / "corpora" / "bbc"),
               str(shared / "corpora" / "reuters21578" / "reuters21578.jsonl.gz")]
    report = reindex(sources, backend, jobs=2)
    assert report.indexed > 20_000
    client = backend.client
    cluster.wait_for(lambda h: h["status"] == "green" and h["relocating_shards"] == 0, 180)

    shards = client.cat.shards(index=report.generation, format="json")
    assert len(shards) == 6 and all(s["state"] == "STARTED" for s in shards), shards
    assert {s["node"] for s in shards} == {"node-0", "node-1", "node-2"}
    for n in range(3):  # a shard's primary and its replica are on two different nodes
        assert len({s["node"] for s in shards if int(s["shard"]) == n}) == 2

    before = _totals(backend)
    assert before[0] == report.indexed and all(t > 0 for t in before), before
    everything = sum(1 for _ in iter_articles(backend, SearchParams()))
    assert everything == report.indexed

    cluster.stop_node(2)  # a data node holding shards (and maybe the cluster manager)
    # Yellow or green: every primary is on a live node (replicas of the lost ones promoted).
    cluster.wait_for(lambda h: h["number_of_nodes"] == 2
                     and h["status"] in ("yellow", "green"), 180)
    assert _totals(backend) == before
    assert sum(1 for _ in iter_articles(backend, SearchParams())) == everything

    again = reindex(sources, backend, jobs=2)
    assert again.generation != report.generation
    assert backend.health().generation == again.generation
    assert _totals(backend) == before
    backend.close()
