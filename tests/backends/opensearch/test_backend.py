"""What only the OpenSearch backend has: the alias switched in one request, the writer's lock,
bulk retries, the point-in-time export past OpenSearch's 10,000 window, its settings, and
a cluster that cannot be reached. Against the real test node (.ci/run starts it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from conftest import REPO, article, write_jsonl
from contract.helpers import app_of, ids
from engines import opensearch_url

from indexer.article import Article
from indexer.work import Extracted
from searchapp.backends.base import (
    BackendError,
    IndexBusy,
    IndexUnavailable,
    Query,
    SearchRequest,
)
from searchapp.indexing import reindex
from searchapp.search.params import SearchParams
from searchapp.search.service import run_search

RECORDS = [article(id=f"a{i}", headline=f"Harbour story {i}", body="The harbour was busy.",
                   source="Gazette", published=f"2020-01-{i + 1:02d}") for i in range(5)]


def _load(tmp_path, backend, records, name="in.jsonl"):
    return reindex([str(write_jsonl(tmp_path / name, records))], backend, jobs=1)


def _prepared(a: dict) -> Extracted:
    from searchapp.backends.opensearch.mapping import prepare

    art = Article.from_dict({**a, "path": "x"})
    return Extracted(art.id, "x", "h-" + art.id, prepare(art, "h-" + art.id), [])


def test_searches_read_the_old_index_until_the_alias_moves(backend, tmp_path):
    first = _load(tmp_path, backend, RECORDS)
    build = backend.start_build()
    for r in RECORDS[:2]:
        build.add(_prepared({**r, "headline": "Quay story"}))
    build.finish()
    # Finished but not switched: every search still reads the old index.
    assert backend.health().generation == first.generation
    assert len(ids(backend, q="harbour")) == 5 and ids(backend, q="quay") == []
    build.commit({"documents": 2})
    assert backend.health().generation == build.generation
    assert len(ids(backend, q="quay")) == 2 and ids(backend, q='"harbour story"') == []
    # The replaced index is retired: kept as the previous one (the grace period, 0 here,
    # counts for the older ones), deleted when another replaces it.
    indexes = backend.client.indices.get(index=f"{backend.alias}-g*")
    assert set(indexes) == {build.generation, first.generation}
    assert backend.stats()["report"] == {"documents": 2}
    third = _load(tmp_path, backend, RECORDS)
    indexes = backend.client.indices.get(index=f"{backend.alias}-g*")
    assert set(indexes) == {third.generation, build.generation}


def test_an_aborted_build_leaves_the_live_index_alone(backend, tmp_path):
    first = _load(tmp_path, backend, RECORDS)
    with backend.start_build() as build:
        build.add(_prepared(RECORDS[0]))
        name = build.generation
    assert not backend.client.indices.exists(index=name)
    assert backend.health().generation == first.generation
    assert len(ids(backend)) == 5


def test_one_writer_at_a_time_and_a_dead_writers_lock_is_taken_over(backend, tmp_path):
    from searchapp.backends.opensearch import lock

    _load(tmp_path, backend, RECORDS)
    build = backend.start_build()
    try:
        with pytest.raises(IndexBusy, match="another reindex or update is writing"):
            backend.start_update()
        with pytest.raises(IndexBusy):
            backend.start_build(lock_timeout=0.5)
    finally:
        build.abort()
    update = backend.start_update()  # released: the next writer gets it
    update.abort()
    # A writer that died keeps its lock document; once stale, the next writer takes it.
    backend.client.index(index=f"{backend.alias}-lock", id="writer", refresh="true",
                         body={"host": "gone", "pid": 1, "since": "2020-01-01T00:00:00+00:00",
                               "beat": time.time() - lock.LOCK_STALE - 1})
    update = backend.start_update()
    update.abort()
    # At once when it was a process of this machine that no longer runs (killed, say).
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    for pid, free in ((os.getpid(), False), (ended.pid, True)):
        backend.client.index(index=f"{backend.alias}-lock", id="writer", refresh="true",
                             body={"host": "here", "pid": pid, "machine": lock._machine(),
                                   "since": "2020-01-01T00:00:00+00:00", "beat": time.time()})
        if free:
            backend.start_update().abort()
        else:
            with pytest.raises(IndexBusy):
                backend.start_update()


def test_update_adds_replaces_and_removes_by_id(backend, tmp_path):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, RECORDS)
    reindex([str(src)], backend, jobs=1)
    from searchapp.indexing import update

    changed = [{**RECORDS[0], "headline": "Quay story"}, *RECORDS[1:4],
               article(id="new", headline="New harbour story", body="x")]
    write_jsonl(src, changed)
    report = update([str(src)], backend, jobs=1)
    assert (report.added, report.changed, report.unchanged, report.removed) == (1, 1, 3, 1)
    assert set(ids(backend)) == {"a0", "a1", "a2", "a3", "new"}
    assert ids(backend, q="quay") == ["a0"]
    assert backend.stats()["last_update"]["removed"] == 1


def test_export_goes_past_ten_thousand(backend, tmp_path):
    n = 10_050
    records = [{"id": f"n{i:05d}", "headline": f"Note {i}", "body": "tide"} for i in range(n)]
    _load(tmp_path, backend, records)
    got = [a.id for a in backend.export(Query())]
    assert len(got) == n and len(set(got)) == n
    # A page past the window is read with search_after, in the same order as the export.
    params = SearchParams.from_args({"q": "tide", "sort": "oldest", "page": "101",
                                     "per_page": "100"})  # matches 10,000 to 10,099
    response = run_search(backend, params)
    assert response.total == n
    oldest = [a.id for a in backend.export(Query(sort="oldest"))]
    assert [h.id for h in response.results] == oldest[10_000:10_100]
    assert len(response.results) == 50


def test_bulk_retries_429_items_with_backoff(backend, tmp_path, monkeypatch):
    """A bulk item refused with 429 (the engine's write queue full) is sent again."""
    from searchapp.backends.opensearch import building

    monkeypatch.setattr(building, "BACKOFF", 0.01)
    build = backend.start_build()
    real_bulk = build.w.client.bulk
    calls = []

    def busy_once(body, **kw):
        calls.append(body.count("\n") // 2)
        resp = real_bulk(body=body, **kw)
        if len(calls) == 1:  # as a full write queue answers: the first item refused
            first = next(iter(resp["items"][0].values()))
            first.update(status=429, error={"type": "es_rejected_execution_exception",
                                            "reason": "queue full"})
            resp["errors"] = True
        return resp

    monkeypatch.setattr(build.w.client, "bulk", busy_once)
    try:
        for r in RECORDS:
            build.add(_prepared(r))
        build.finish()
        build.commit({})
    finally:
        build.abort()
    assert calls == [5, 1]
    assert len(ids(backend)) == 5


def test_settings_are_checked_and_passwords_never_shown():
    from searchapp.backends.opensearch.connection import Settings

    s = Settings.from_config({"OPENSEARCH_URL": "https://bob:s3cret@h1:9200, h2:9201",
                              "OPENSEARCH_USER": "x"})
    assert s.hosts == ("https://bob:s3cret@h1:9200", "h2:9201")
    assert "s3cret" not in s.where and s.where == "https://h1:9200, http://h2:9201"
    assert s.verify_certs is True
    assert Settings.from_config({"OPENSEARCH_VERIFY_CERTS": "false"}).verify_certs is False
    for bad, message in ((" , ", "names no host"), ("ftp://h", "not an http"),):
        with pytest.raises(BackendError, match=message):
            Settings.from_config({"OPENSEARCH_URL": bad})
    with pytest.raises(BackendError, match="not a usable index name"):
        Settings.from_config({"OPENSEARCH_INDEX": "Bad Name"})
    with pytest.raises(BackendError, match="does not exist"):
        Settings.from_config({"OPENSEARCH_CA_CERTS": "/nonexistent/ca.pem"})


def test_the_term_strings_stay_out_of_source(backend, tmp_path):
    first = _load(tmp_path, backend, [article(id="x1", headline="Ports and harbours",
                                              body="Busy quays.",
                                              quotes=[{"text": "Ships!", "speaker": "Ann"}])])
    got = backend.client.get(index=first.generation, id="x1")["_source"]
    assert set(got) - {"quotes", "comments", "captions", "author_names", "source_name",
                       "tag_names"} >= {"article", "id"}
    assert "headline" not in got and "body" not in got
    assert got["article"]["headline"] == "Ports and harbours"


# -- a cluster that cannot be reached ---------------------------------------------------------

DOWN = {"BACKEND": "opensearch", "OPENSEARCH_URL": "http://127.0.0.1:9",
        "OPENSEARCH_INDEX": "nowhere", "OPENSEARCH_TIMEOUT": 2}


def test_a_cluster_that_is_down_is_a_503_with_one_sentence(tmp_path):
    pytest.importorskip("opensearchpy")
    from searchapp import create_app

    app = create_app({"TESTING": True, **DOWN}, instance_path=str(tmp_path / "instance"))
    c = app.test_client()
    for url in ("/search?q=harbour", "/api/search?q=harbour", "/healthz", "/export.csv",
                "/api/articles/x"):
        resp = c.get(url)
        assert resp.status_code == 503, url
        body = resp.get_data(as_text=True)
        assert "cannot be reached" in body and "Traceback" not in body, url


def test_the_cli_says_one_sentence_when_the_cluster_is_down(tmp_path):
    pytest.importorskip("opensearchpy")
    src = write_jsonl(tmp_path / "in.jsonl", RECORDS)
    env = {**os.environ, "SCRAPESEARCH_BACKEND": "opensearch",
           "SCRAPESEARCH_OPENSEARCH_URL": DOWN["OPENSEARCH_URL"],
           "SCRAPESEARCH_OPENSEARCH_TIMEOUT": "2",
           "SCRAPESEARCH_INSTANCE": str(tmp_path / "instance")}
    for args in (["reindex", str(src)], ["search", "harbour"], ["stats"]):
        run = subprocess.run([sys.executable, "-m", "searchapp", *args], env=env, cwd=REPO,
                             capture_output=True, text=True, timeout=120)
        assert run.returncode != 0, args
        lines = [x for x in run.stderr.splitlines() if x.strip()]
        assert lines and "cannot be reached" in lines[-1], (args, run.stderr)
        assert "Traceback" not in run.stderr


def test_opensearch_backend_named_by_the_environment(engine, tmp_path):
    """SCRAPESEARCH_BACKEND and SCRAPESEARCH_OPENSEARCH_URL take the CLI to the cluster."""
    alias = f"test-cli-{os.getpid()}"
    engine.aliases.append(alias)
    src = write_jsonl(tmp_path / "in.jsonl", RECORDS)
    env = {**os.environ, "SCRAPESEARCH_BACKEND": "opensearch",
           "SCRAPESEARCH_OPENSEARCH_URL": opensearch_url(),
           "SCRAPESEARCH_OPENSEARCH_INDEX": alias,
           "SCRAPESEARCH_INSTANCE": str(tmp_path / "instance")}
    run = subprocess.run([sys.executable, "-m", "searchapp", "reindex", "-q", str(src)],
                         env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    stats = subprocess.run([sys.executable, "-m", "searchapp", "stats", "--json"], env=env,
                           cwd=REPO, capture_output=True, text=True, timeout=120)
    info = json.loads(stats.stdout)
    assert info["backend"] == "opensearch" and info["documents"] == 5
    assert info["alias"] == alias
    app = app_of(engine, engine.new(tmp_path), tmp_path)  # the web app, same settings
    assert app.test_client().get("/healthz").status_code == 503  # its own empty alias


def test_an_index_of_another_format_is_refused_with_one_sentence(backend, tmp_path):
    from searchapp.backends.base import NEWER, OLDER
    from searchapp.backends.opensearch import OpenSearchBackend, mapping

    first = _load(tmp_path, backend, RECORDS)
    for version, sentence in ((mapping.FORMAT_VERSION + 1, NEWER), (None, OLDER)):
        meta = backend.client.indices.get_mapping(index=first.generation)[
            first.generation]["mappings"]["_meta"]
        backend.client.indices.put_mapping(index=first.generation,
                                           body={"_meta": {**meta, "format_version": version}})
        fresh = OpenSearchBackend(backend.settings)  # a worker that has not looked yet
        calls = ((fresh.search, SearchRequest(Query())), (fresh.health,), (fresh.get, "a1"),
                 (fresh.start_update,))
        for fn, *args in calls:
            with pytest.raises(IndexUnavailable) as e:
                fn(*args)
            assert str(e.value) == sentence


def test_huge_words_and_facet_values_do_not_cost_the_article(backend, tmp_path):
    """Lucene refuses a term over 32,766 bytes with the whole document; ours goes in."""
    huge = "ж" * 20_000  # 40,000 bytes in UTF-8
    report = _load(tmp_path, backend, [
        article(id="big", headline="Harbour", body=f"harbour {huge} quay", tags=[huge],
                source="Gazette")])
    assert "rejected" not in report.index
    assert ids(backend, q="quay") == ["big"]
    got = backend.get("big")
    assert got.tags == (huge,) and huge in got.body


def test_an_index_in_the_aliass_place_is_refused_before_building(backend):
    backend.client.indices.create(index=backend.alias)
    try:
        with pytest.raises(BackendError, match="is an index, not an alias"):
            backend.start_build()
        assert backend.client.indices.get(index=f"{backend.alias}-g*") == {}
    finally:
        backend.client.indices.delete(index=backend.alias)
