"""When each article entered the index: the stored `added` field, and how builds keep it.

A full build starts from the live generation's times (an article it already held keeps
its time), an update from the generation it writes into; only an id the index never held
gets the time of the run. A generation written before the field existed has no times:
its articles count as added when that generation was built.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterable

from whoosh import index as whoosh_index

from searchapp.backends.base import IndexUnavailable
from searchapp.backends.whoosh import generations
from searchapp.backends.whoosh.schema import ADDED, ID


def build_time(gen_path: str) -> float:
    """When the generation went live (its build report), for articles without a time."""
    report = generations.read_report(gen_path) or {}
    when = report.get("swapped_at_epoch")
    if isinstance(when, int | float):
        return float(when)
    try:
        return os.path.getmtime(os.path.join(gen_path, generations.REPORT))
    except OSError:
        return os.path.getmtime(gen_path)


def times_of(searcher, gen_path: str, ids: Iterable[str]) -> dict[str, float]:
    """id -> when it entered the index, for the ids the searcher's generation holds."""
    default = None
    out = {}
    for article_id in ids:
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            continue
        when = searcher.stored_fields(docnum).get(ADDED)
        if when is None:
            default = build_time(gen_path) if default is None else default
            when = default
        out[article_id] = when
    return out


def all_times(gen_path: str | None) -> dict[str, float]:
    """id -> time of every article of a generation ({} when there is none, or when it
    cannot be read: its articles then count as new)."""
    from searchapp.backends.whoosh.snapshot import check_format, open_generation

    if gen_path is None:
        return {}
    try:
        check_format(generations.read_report(gen_path) or {})
        ix = open_generation(gen_path)
        default = build_time(gen_path)
        with ix.searcher() as s:
            return {f[ID]: f.get(ADDED, default) for f in s.all_stored_fields()}
    except (IndexUnavailable, OSError, whoosh_index.EmptyIndexError):
        return {}


class Stamp:
    """Sets `added` on prepared documents: the time the index already has for the id, else
    the time of this run. `gen_path` is read on first use (an update that changes nothing
    reads nothing)."""

    def __init__(self, gen_path: str | None):
        self.gen_path = gen_path
        self.now = time.time()
        self.known: dict[str, float] | None = None

    def __call__(self, article_id: str, fields: dict) -> None:
        if self.known is None:
            self.known = all_times(self.gen_path)
        fields[ADDED] = self.known.get(article_id, self.now)


def as_datetime(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC)
