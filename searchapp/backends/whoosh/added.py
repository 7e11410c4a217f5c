"""When each article entered the index: the stored `added` field, and how builds keep it.

A full build takes the times of the live generation (an article it already held keeps its
time), an update those of the generation it writes into, as it was before the update; only
an id the index never held gets the time of the run. A generation written before the field
existed has no times: its articles count as added when that generation was built.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterable

from whoosh import index as whoosh_index

from searchapp.backends.base import IndexUnavailable
from searchapp.backends.whoosh import generations
from searchapp.backends.whoosh.mapped import release_pages
from searchapp.backends.whoosh.schema import ADDED


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


class Stamp:
    """Sets `added` on prepared documents: the time the generation at `gen_path` has for the
    id (looked up one id at a time, about 0.2 ms each: an update changes few articles), else
    the time of this run. The generation is opened on first use."""

    # The pages of the generation's mapped files that the lookups read are released after
    # this many: a reindex beside a live generation reads a stored record per article, and
    # would otherwise end with the live stored fields resident (4.4 GB at 1,000,000).
    RELEASE_EVERY = 5000

    def __init__(self, gen_path: str | None):
        self.gen_path = gen_path
        self.now = time.time()
        self.searcher = None
        self.looked_up = 0

    def __call__(self, article_id: str, fields: dict) -> None:
        if self.searcher is None and self.gen_path is not None:
            self.searcher = _open(self.gen_path)
            if self.searcher is None:
                self.gen_path = None  # unreadable: its articles count as new
        known = times_of(self.searcher, self.gen_path, [article_id]) if self.gen_path else {}
        fields[ADDED] = known.get(article_id, self.now)
        if self.searcher is not None:
            self.looked_up += 1
            if self.looked_up % self.RELEASE_EVERY == 0:
                release_pages([r for r, _ in self.searcher.reader().leaf_readers()])


def _open(gen_path: str):
    """A searcher of the generation, or None when this code cannot read it."""
    from searchapp.backends.whoosh.snapshot import check_format, open_generation, open_searcher

    try:
        check_format(generations.read_report(gen_path) or {})
        return open_searcher(open_generation(gen_path))
    except (IndexUnavailable, OSError, whoosh_index.EmptyIndexError):
        return None


def as_datetime(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC)
