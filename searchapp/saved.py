"""Saved searches: a name, the search's arguments, and two marks, in a small SQLite file in
the instance folder (never in the index: the web app does not write it).

A mark is a time on the index's own clock, `SearchBackend.newest_added()` read when the
search was last seen (`seen`, the web page) or last alerted (`alerted`, `scrapesearch
alerts`): what is new since then is `Query.added_after` of it. Using the index's newest time
rather than the wall clock keeps an article that a long reindex started before the mark
but made live after it: its time is that run's start, later than any article before it.

Every call opens its own connection and holds it for one short transaction, in WAL mode
with a busy timeout, so gunicorn workers and a cron job can share the file.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from searchapp.search.params import ParamError, SearchParams, _clean

FILE_NAME = "saved.sqlite3"
MAX_NAME_CHARS = 80
# How long a writer waits for another connection's transaction (they last milliseconds).
BUSY_SECONDS = 10.0
# The arguments that make a search what it is; display choices (page, per_page, facet
# lists, snippets) are not saved.
KEPT_ARGS = ("q", "scope", "from", "to", "sort", "match")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS saved (
    name    TEXT PRIMARY KEY,
    args    TEXT NOT NULL,     -- the search's arguments, as a query string
    created REAL NOT NULL,     -- wall clock, for the list
    seen    REAL NOT NULL,     -- index mark when last opened from the list
    alerted REAL NOT NULL      -- index mark of the last successful `scrapesearch alerts`
)
"""


class Duplicate(ParamError):
    """A saved search with that name exists already."""


@dataclass(frozen=True)
class Saved:
    name: str
    args: str
    created: float
    seen: float
    alerted: float

    @property
    def params(self) -> SearchParams:
        return SearchParams.from_args(_multi(self.args))


def db_path(config: Mapping[str, Any], instance_path: str) -> str:
    """SAVED_SEARCHES_DB, else saved.sqlite3 in the instance folder."""
    return config.get("SAVED_SEARCHES_DB") or os.path.join(instance_path, FILE_NAME)


def check_name(raw: str | None) -> str:
    """The name as it will be kept (spaces collapsed), or ParamError with a sentence."""
    name = _clean(raw or "")
    if not name:
        raise ParamError("a saved search needs a name")
    if len(name) > MAX_NAME_CHARS:
        raise ParamError(f"a saved search's name is at most {MAX_NAME_CHARS} characters")
    if "/" in name:
        raise ParamError("a saved search's name cannot contain '/'")
    return name


def saved_args(params: SearchParams) -> str:
    """The query string that keeps a search's words, scope, filters, dates, sort, match."""
    kept = [(k, v) for k, v in params.to_args()
            if k in KEPT_ARGS or _is_filter(k)]
    return urlencode(kept)


def _is_filter(key: str) -> bool:
    from searchapp.fields import FACETS
    from searchapp.search.params import EXCLUDE_PREFIX

    return key in FACETS or (key.startswith(EXCLUDE_PREFIX)
                             and key[len(EXCLUDE_PREFIX):] in FACETS)


def _multi(args: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in parse_qsl(args, keep_blank_values=False):
        out.setdefault(k, []).append(v)
    return out


class Store:
    """The saved searches of one instance, in the SQLite file at `path`."""

    def __init__(self, path: str):
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        con = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute(_SCHEMA)
        return con

    def _run(self, sql: str, args: tuple = ()) -> list[tuple]:
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")  # one short transaction, the writer's lock first
            try:
                rows = con.execute(sql, args).fetchall()
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
            return rows
        finally:
            con.close()

    def all(self) -> list[Saved]:
        """Every saved search, by name (case aside)."""
        rows = self._run("SELECT name, args, created, seen, alerted FROM saved "
                         "ORDER BY lower(name), name")
        return [Saved(*r) for r in rows]

    def get(self, name: str) -> Saved | None:
        rows = self._run("SELECT name, args, created, seen, alerted FROM saved "
                         "WHERE name = ?", (name,))
        return Saved(*rows[0]) if rows else None

    def add(self, name: str, params: SearchParams, mark: float) -> Saved:
        """Save a search as new from `mark` on; Duplicate when the name is taken."""
        saved = Saved(check_name(name), saved_args(params), time.time(), mark, mark)
        try:
            self._run("INSERT INTO saved VALUES (?, ?, ?, ?, ?)",
                      (saved.name, saved.args, saved.created, saved.seen, saved.alerted))
        except sqlite3.IntegrityError:
            raise Duplicate(f"a saved search named '{saved.name}' exists already; delete it "
                            "or choose another name") from None
        return saved

    def delete(self, name: str) -> bool:
        """False when there was none by that name."""
        return bool(self._run("DELETE FROM saved WHERE name = ? RETURNING name", (name,)))

    def mark(self, name: str, column: str, mark: float) -> None:
        """Move `seen` or `alerted` forward to `mark` (never back)."""
        assert column in ("seen", "alerted")
        self._run(f"UPDATE saved SET {column} = max({column}, ?) WHERE name = ?",
                  (mark, name))
