"""The saved-search store (searchapp/saved.py) without a web app: names, what is kept of a
search, marks that only move forward, and several processes writing at once (gunicorn
workers and a cron job share the file)."""

from __future__ import annotations

import multiprocessing
import sqlite3

import pytest

from searchapp.saved import Duplicate, Store, check_name, saved_args
from searchapp.search.params import ParamError, SearchParams


def test_names_are_cleaned_and_checked():
    assert check_name("  Ports \t and\n docks ") == "Ports and docks"
    assert check_name("x" * 80) == "x" * 80
    for bad in ("", "   ", "\x00\x01", "x" * 81, "a/b"):
        with pytest.raises(ParamError):
            check_name(bad)


def test_only_what_makes_the_search_is_kept():
    params = SearchParams.from_args({
        "q": "harbour", "scope": "quotes", "source": ["A", "B"], "not_tag": "sport",
        "from": "2019", "sort": "newest", "match": "all", "page": "3", "per_page": "50",
        "source_size": "40", "facets": "source", "snippets": "none"})
    assert saved_args(params) == ("q=harbour&scope=quotes&source=A&source=B&not_tag=sport"
                                  "&from=2019-01-01&sort=newest&match=all")


def test_add_get_mark_delete(tmp_path):
    store = Store(str(tmp_path / "deep" / "saved.sqlite3"))  # the folder is made
    assert store.all() == []
    made = store.add("b", SearchParams(q="ferry"), 10.0)
    store.add("A", SearchParams(), 5.0)
    with pytest.raises(Duplicate):
        store.add("b", SearchParams(q="tram"), 1.0)
    assert [s.name for s in store.all()] == ["A", "b"]
    assert store.get("b") == made and made.params.q == "ferry"
    store.mark("b", "seen", 20.0)
    store.mark("b", "seen", 15.0)  # never back
    assert (store.get("b").seen, store.get("b").alerted) == (20.0, 10.0)
    assert store.delete("b") and not store.delete("b")
    assert store.get("b") is None


def _writer(path: str, worker: int) -> None:
    store = Store(path)
    for i in range(40):
        store.add(f"w{worker}-{i}", SearchParams(q=f"word{i}"), float(i))
        store.mark(f"w{worker}-{i}", "seen", float(i + 1))
        store.all()


def test_processes_writing_at_once_lose_nothing(tmp_path):
    path = str(tmp_path / "saved.sqlite3")
    Store(path).all()  # made before the workers race to make it
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_writer, args=(path, w)) for w in range(4)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(60)
    assert [p.exitcode for p in workers] == [0, 0, 0, 0]
    saved = Store(path).all()
    assert len(saved) == 160
    assert all(s.seen == s.alerted + 1 for s in saved)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    con.close()
