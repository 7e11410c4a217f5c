"""The Atom feed and the times it is built on, over every backend (issue 9, findings 9, 10a).

Every feed must parse as XML and be valid Atom: RFC 4287's RELAX NG grammar (appendix B,
tests/fixtures/atom/atom.rnc, converted with rnc2rng and checked by lxml) and the
grammar's Schematron rules (checked as XPath here). An undated entry is dated by the time
its article entered the index, which updates and rebuilds keep; absolute URLs start with
PUBLIC_URL when the instance sets it, whatever Host header a client sends.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
import rnc2rng
from conftest import REPO, article, write_jsonl
from lxml import etree

from contract.helpers import app_of
from searchapp.backends.opensearch import added as opensearch_added
from searchapp.backends.whoosh import added as whoosh_added
from searchapp.indexing import reindex, update
from searchapp.views.atom import xml_text

ATOM = "http://www.w3.org/2005/Atom"
NS = {"atom": ATOM}
# Characters XML 1.0 does not allow, as a query or an article may carry them.
NOT_XML = "\ufffe\uffff\x01\x08\x0b\x1b"

RECORDS = [
    article(id="dated-1", headline="Zebra crossing opens", body="The zebra crossing.",
            source="Coast Gazette", published="2021-03-04"),
    article(id="undated-1", headline="Zebra keepers", body="Undated zebra news.",
            source="River Post"),
    article(id="unsourced-1", headline="Zebra without a source", body="No source here."),
    article(id="odd-1", headline=f"Odd{NOT_XML} zebra", body=f"Body{NOT_XML} of zebra.",
            source=f"Odd{NOT_XML} Source", published="2020-01-02",
            quotes=[{"text": f"zebra{NOT_XML}", "speaker": f"Spk{NOT_XML}"}]),
]


@pytest.fixture(scope="session")
def atom_schema():
    rng = rnc2rng.dumps(rnc2rng.load(str(REPO / "tests" / "fixtures" / "atom" / "atom.rnc")))
    # lxml refuses the empty prefix the grammar declares (`namespace local = ""`); the
    # grammar names no-namespace attributes through it without needing the declaration.
    rng = rng.replace(' xmlns:local=""', "")
    return etree.RelaxNG(etree.fromstring(rng.encode("utf-8")))


def valid_atom(schema, data: bytes):
    """The parsed feed; fails unless it is well-formed, valid Atom 1.0."""
    feed = etree.fromstring(data)  # raises XMLSyntaxError when not well-formed
    assert schema.validate(feed), str(schema.error_log)
    # RFC 4287's Schematron rules (annotations in the grammar, not checked by RELAX NG).
    assert feed.xpath("atom:author or not(atom:entry[not(atom:author)])", namespaces=NS)
    for entry in feed.xpath("atom:entry", namespaces=NS):
        assert entry.xpath("atom:link[@rel='alternate'] or atom:link[not(@rel)] "
                           "or atom:content", namespaces=NS)
        assert entry.xpath("atom:author or ../atom:author or atom:source/atom:author",
                           namespaces=NS)
    return feed


def updated_of(feed) -> dict[str, str]:
    return {e.findtext(f"{{{ATOM}}}id").rsplit(":", 1)[1]: e.findtext(f"{{{ATOM}}}updated")
            for e in feed.iter(f"{{{ATOM}}}entry")}


def stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def backend(engine, tmp_path_factory):
    built = engine.build(tmp_path_factory.mktemp("feed"), RECORDS)
    yield built
    built.close()


@pytest.fixture(scope="module")
def client(engine, backend, tmp_path_factory):
    return app_of(engine, backend, tmp_path_factory.mktemp("app")).test_client()


# ---- valid Atom -----------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    {}, {"q": "zebra"}, {"q": f"zebra {NOT_XML}"}, {"q": "\ufffe"}, {"q": "zebra\uffff"},
    {"q": "zebra", "source": f"Odd{NOT_XML} Source"}, {"q": "nothing-matches-this"},
    {"q": "<script>&amp;"}])
def test_every_feed_is_valid_atom(client, atom_schema, args):
    resp = client.get("/feed.atom", query_string=args)
    assert resp.status_code == 200
    assert resp.mimetype == "application/atom+xml"
    feed = valid_atom(atom_schema, resp.get_data())
    if args in ({}, {"q": "zebra"}):
        assert set(updated_of(feed)) == {"dated-1", "undated-1", "unsourced-1", "odd-1"}


def test_text_the_feed_prints_keeps_its_allowed_characters(client, atom_schema):
    feed = valid_atom(atom_schema, client.get("/feed.atom?q=zebra").get_data())
    titles = {e.findtext(f"{{{ATOM}}}title") for e in feed.iter(f"{{{ATOM}}}entry")}
    assert "Odd zebra" in titles
    authors = {e.findtext(f"{{{ATOM}}}author/{{{ATOM}}}name")
               for e in feed.iter(f"{{{ATOM}}}entry")}
    assert {"Odd Source", "River Post", "Coast Gazette", None} == authors


def test_xml_text_removes_exactly_what_xml_forbids():
    allowed = "a\t\n\r \ud7ff\ue000\ufffd\U00010000\U0010ffffé"
    assert xml_text(allowed) == allowed
    assert xml_text("a\x00\x01\x1f\ud800\udfff\ufffe\uffffb") == "ab"


# ---- entry times ----------------------------------------------------------------------------

def test_undated_entries_keep_the_time_they_entered_the_index(client, backend, atom_schema):
    first = updated_of(valid_atom(atom_schema, client.get("/feed.atom").get_data()))
    time.sleep(1.1)  # the clock moves on: a time taken from the request would too
    again = updated_of(valid_atom(atom_schema, client.get("/feed.atom").get_data()))
    assert again == first
    entered = backend.added(["undated-1", "unsourced-1"])
    assert first["undated-1"] == stamp(entered["undated-1"])
    assert first["unsourced-1"] == stamp(entered["unsourced-1"])
    assert first["dated-1"] == "2021-03-04T00:00:00Z"


def times(backend, ids) -> dict[str, dt.datetime]:
    found = backend.added(ids)
    assert set(found) == set(ids) & set(found)
    return found


def test_added_times_survive_updates_and_rebuilds(engine, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    records = [article(id=f"a-{i}", headline=f"Story {i}", body=f"Body {i}.") for i in range(3)]
    write_jsonl(tmp_path / "src.jsonl", records)
    backend = engine.new(tmp_path)
    try:
        before = time.time()
        reindex(["src.jsonl"], backend, jobs=1)
        first = times(backend, ["a-0", "a-1", "a-2", "missing"])
        assert set(first) == {"a-0", "a-1", "a-2"}
        assert all(before - 1 <= t.timestamp() <= time.time() + 1 for t in first.values())

        # An update: a-1 edited, a-3 new, a-2 gone.
        write_jsonl(tmp_path / "src.jsonl", [
            records[0], article(id="a-1", headline="Story 1, corrected", body="New body."),
            article(id="a-3", headline="Story 3", body="Body 3.")])
        update(["src.jsonl"], backend, jobs=1)
        second = times(backend, ["a-0", "a-1", "a-2", "a-3"])
        assert set(second) == {"a-0", "a-1", "a-3"}
        assert second["a-0"] == first["a-0"]
        assert second["a-1"] == first["a-1"]  # an edit is not a new article
        assert second["a-3"] > first["a-0"]

        # A full rebuild of the same sources, plus a new article.
        write_jsonl(tmp_path / "more.jsonl", [article(id="a-4", headline="Story 4")])
        reindex(["src.jsonl", "more.jsonl"], backend, jobs=1)
        third = times(backend, ["a-0", "a-1", "a-3", "a-4"])
        assert {k: third[k] for k in second} == second
        assert third["a-4"] > second["a-3"]
    finally:
        backend.close()


def test_an_index_without_times_answers_with_its_build_time(engine, tmp_path, monkeypatch):
    """An index built before times were kept (made here by a writer that stores none):
    its articles count as added when it was built, and a rebuild keeps those times."""
    for module in (whoosh_added, opensearch_added):
        monkeypatch.setattr(module.Stamp, "__call__", lambda self, article_id, doc: doc)
    write_jsonl(tmp_path / "src.jsonl",
                [article(id=f"b-{i}", headline=f"Story {i}") for i in range(3)])
    backend = engine.new(tmp_path)
    try:
        before = time.time()
        reindex([str(tmp_path / "src.jsonl")], backend, jobs=1)
        after = time.time()
        old = times(backend, ["b-0", "b-1", "b-2"])
        assert len(set(old.values())) == 1  # the one build time
        assert before - 1 <= next(iter(old.values())).timestamp() <= after + 1
        time.sleep(1.1)
        assert times(backend, ["b-0", "b-1", "b-2"]) == old  # not the time of asking
        assert abs(backend.newest_added() - next(iter(old.values())).timestamp()) < 1e-5

        monkeypatch.undo()
        reindex([str(tmp_path / "src.jsonl")], backend, jobs=1)
        assert times(backend, ["b-0", "b-1", "b-2"]) == old
    finally:
        backend.close()


# ---- absolute URLs --------------------------------------------------------------------------

def test_public_url_fixes_absolute_urls_whatever_the_host(engine, backend, tmp_path,
                                                         atom_schema):
    from searchapp import create_app

    public = "https://search.example.org/news"
    app = create_app({"TESTING": True, **engine.settings(backend), "PUBLIC_URL": public + "/"},
                     instance_path=str(tmp_path / "instance"))
    resp = app.test_client().get("/feed.atom?q=zebra", headers={"Host": "evil.example:666"})
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "evil" not in body
    feed = valid_atom(atom_schema, resp.get_data())
    urls = [feed.findtext(f"{{{ATOM}}}id")] + [link.get("href") for link in feed.iter(
        f"{{{ATOM}}}link")]
    assert len(urls) == 1 + 2 + 4  # the id, self and alternate links, four entries
    assert all(u.startswith(public + "/") for u in urls), urls
    assert feed.findtext(f"{{{ATOM}}}id") == public + "/feed.atom?q=zebra"
    assert public + "/articles/undated-1" in urls
