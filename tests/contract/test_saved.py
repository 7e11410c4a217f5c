"""Saved searches and alerts over every backend: save (HTML and JSON), list with the new
matches since last seen, open (marks seen), delete, the saved search's Atom feed, and
`alerts.run` printing and mailing through a real SMTP server (tests/smtpsink.py)."""

from __future__ import annotations

import re
import sqlite3
import time

import pytest
from conftest import article, write_jsonl
from smtpsink import SmtpSink

from contract.helpers import app_of
from contract.test_feed import NS, atom_schema, valid_atom  # noqa: F401 - a fixture
from searchapp import alerts
from searchapp.indexing import reindex, update
from searchapp.saved import Store

FIRST = [article(id=f"harbour-{i}", headline=f"Harbour story {i}", body="Harbour news.",
                 source="Coast Gazette", published=f"202{i}-01-01") for i in range(3)]
NEW = article(id="harbour-new", headline="Harbour <script>alert(1)</script> & more",
              body="Harbour news again.", source="Coast Gazette", published="1999-01-01")
OTHER = article(id="ferry-new", headline="Ferry strike", body="Ferry news.",
                source="River Post")
NAME = "Harbour <b>watch & \"co\""


@pytest.fixture
def world(engine, tmp_path, monkeypatch):
    """A backend with FIRST, its web app and saved-search store, and `add_more()` to
    update it with NEW and OTHER."""
    monkeypatch.chdir(tmp_path)
    write_jsonl(tmp_path / "src.jsonl", FIRST)
    backend = engine.new(tmp_path)
    reindex(["src.jsonl"], backend, jobs=1)
    app = app_of(engine, backend, tmp_path)

    def add_more():
        time.sleep(0.05)
        write_jsonl(tmp_path / "src.jsonl", [*FIRST, NEW, OTHER])
        update(["src.jsonl"], backend, jobs=1)

    yield backend, app, add_more
    backend.close()


def listed(client) -> dict:
    got = client.get("/api/saved")
    assert got.status_code == 200
    return {s["name"]: s for s in got.get_json()["saved"]}


def test_save_list_open_and_delete(world):
    backend, app, add_more = world
    client = app.test_client()
    got = client.post("/saved", data={"name": NAME, "q": "harbour", "source": "Coast Gazette",
                                      "page": "2", "per_page": "50"})
    assert got.status_code == 303 and got.headers["Location"].startswith("/saved")
    saved = listed(client)[NAME]
    assert saved["new"] == 0
    assert saved["args"] == "q=harbour&source=Coast+Gazette"  # no page, no per_page

    page = client.get("/saved").get_data(as_text=True)
    assert "Harbour &lt;b&gt;watch &amp; &#34;co&#34;" in page and "<b>watch" not in page
    assert "nothing new" in page

    add_more()
    assert listed(client)[NAME]["new"] == 1  # NEW, not OTHER (another source)
    assert re.search(r"<strong>1</strong> new", client.get("/saved").get_data(as_text=True))

    opened = client.get(saved["links"]["open"])
    assert opened.status_code == 303
    assert opened.headers["Location"] == "/search?q=harbour&source=Coast+Gazette"
    assert listed(client)[NAME]["new"] == 0  # seen

    assert client.post(f"{saved['links']['open']}/delete").status_code == 303
    assert listed(client) == {}
    assert client.post(f"{saved['links']['open']}/delete").status_code == 404


def test_json_api_and_errors(world):
    backend, app, _ = world
    client = app.test_client()
    made = client.post("/api/saved", data={"name": "  ferries   all ", "q": "ferry"})
    assert made.status_code == 201 and made.get_json()["name"] == "ferries all"
    again = client.post("/api/saved", data={"name": "ferries all", "q": "tram"})
    assert again.status_code == 409
    assert again.get_json()["error"] == ("A saved search named 'ferries all' exists already; "
                                         "delete it or choose another name.")
    for name, error in [("", "A saved search needs a name."),
                        ("x" * 81, "A saved search's name is at most 80 characters."),
                        ("a/b", "A saved search's name cannot contain '/'.")]:
        bad = client.post("/api/saved", data={"name": name, "q": "x"})
        assert (bad.status_code, bad.get_json()["error"]) == (400, error)
    bad_sort = client.post("/api/saved", data={"name": "s", "sort": "sideways"})
    assert bad_sort.status_code == 400
    html_bad = client.post("/saved", data={"name": ""})
    assert html_bad.status_code == 400 and html_bad.mimetype == "text/html"

    foreign = client.post("/saved", data={"name": "evil", "q": "x"},
                          headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    cross = client.post("/saved", data={"name": "evil", "q": "x"},
                        headers={"Sec-Fetch-Site": "cross-site", "Origin": "null"})
    assert cross.status_code == 403
    own = client.post("/saved", data={"name": "mine", "q": "x"},
                      headers={"Origin": "http://localhost"})
    assert own.status_code == 303
    assert set(listed(client)) == {"ferries all", "mine"}
    assert client.delete("/api/saved/mine").get_json() == {"deleted": "mine"}
    assert client.delete("/api/saved/mine").status_code == 404
    assert client.get("/saved/nobody/feed.atom").status_code == 404

    # The web app wrote the store, never the index; the store is a WAL SQLite file.
    con = sqlite3.connect(Store(app.instance_path + "/saved.sqlite3").path)
    assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    con.close()


def test_feed_is_valid_with_stable_ids_and_entry_times(world, atom_schema):  # noqa: F811
    backend, app, add_more = world
    client = app.test_client()
    client.post("/saved", data={"name": "harbour", "q": "harbour"})
    client.post("/saved", data={"name": "nothing", "q": "zzzunfound"})
    empty = valid_atom(atom_schema, client.get("/saved/nothing/feed.atom").get_data())
    assert empty.xpath("atom:entry", namespaces=NS) == []

    add_more()
    data = client.get("/saved/harbour/feed.atom").get_data()
    feed = valid_atom(atom_schema, data)
    ids = feed.xpath("atom:entry/atom:id/text()", namespaces=NS)
    assert ids[0] == "urn:scrapesearch:entered:harbour-new"  # the last to enter first
    assert sorted(ids[1:]) == [f"urn:scrapesearch:entered:harbour-{i}" for i in range(3)]
    entered = backend.added(["harbour-new"])["harbour-new"]
    updated = feed.xpath("atom:entry[1]/atom:updated/text()", namespaces=NS)[0]
    assert updated == entered.strftime("%Y-%m-%dT%H:%M:%SZ")  # not its 1999 date
    assert b"<script>" not in data
    time.sleep(1.1)
    assert client.get("/saved/harbour/feed.atom").get_data() == data  # stable


def test_alerts_print_then_mail_and_keep_what_failed(world):
    backend, app, add_more = world
    app.test_client().post("/saved", data={"name": NAME, "q": "harbour"})
    app.test_client().post("/saved", data={"name": "ferries", "q": "ferry"})
    store = Store(app.instance_path + "/saved.sqlite3")
    config = {"PUBLIC_URL": "https://news.example"}
    out: list[str] = []
    assert alerts.run(backend, store, config, out.append) == 0 and out == []

    add_more()
    assert alerts.run(backend, store, config, out.append, dry_run=True) == 2
    assert alerts.run(backend, store, config, out.append, dry_run=True) == 2  # kept
    printed = "".join(out)
    assert f"{NAME}: 1 new since" in printed
    assert "https://news.example/articles/harbour-new" in printed
    assert "ferries: 1 new since" in printed

    # A mail server that refuses: nothing is lost.
    with SmtpSink(refuse=True) as sink:
        mail = {**config, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": sink.port,
                "ALERTS_TO": "desk@example.org, night@example.org"}
        with pytest.raises(alerts.AlertError):
            alerts.run(backend, store, mail, out.append)
    with SmtpSink() as sink:
        mail["SMTP_PORT"] = sink.port
        assert alerts.run(backend, store, mail, out.append) == 2
        assert len(sink.messages) == 2
        first = sink.messages[0]
    assert first["rcpt"] == ["desk@example.org", "night@example.org"]
    assert "Subject: 1 new for the saved search 'ferries'" in first["data"]
    assert "https://news.example/articles/ferry-new" in first["data"]
    # Reported: the next run has nothing new.
    assert alerts.run(backend, store, config, out.append) == 0
