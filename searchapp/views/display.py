"""Small presentation helpers for the templates (pure; no request state)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask import Flask

from searchapp.fields import FACET_LABELS, SCOPE_LABELS, SORT_LABELS
from searchapp.search import timeline

# Gaps between years are filled with empty bars only up to this span, so one stray
# "1900" date does not squeeze a century of empty bars into the sidebar.
MAX_FILLED_SPAN = 40


@dataclass(frozen=True)
class Bar:
    year: str
    value: object | None  # the facet value (value, count, selected), None for an empty year
    height: int  # percent of the tallest bar


def year_bars(values) -> list[Bar]:
    """The year facet's values as histogram bars, oldest first, with empty years filled in."""
    by_year = {v.value: v for v in values}
    top = max((v.count for v in values), default=0) or 1
    years = sorted(by_year)
    if years and all(y.isdigit() for y in years):
        first, last = int(years[0]), int(years[-1])
        if last - first < MAX_FILLED_SPAN:
            years = [str(y) for y in range(first, last + 1)]
    bars = []
    for y in years:
        v = by_year.get(y)
        height = 0 if v is None else max(1, math.ceil(v.count * 100 / top)) if v.count else 0
        bars.append(Bar(y, v, height))
    return bars


def bar_width(count: int, most: int) -> int:
    """A timeline bar's length, percent of the longest; at least 1 for a bucket with any."""
    if not count or not most:
        return 0
    return max(1, math.ceil(count * 100 / most))


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(bucket_label=timeline.label, bucket_short=timeline.short_label,
                                 bar_width=bar_width)
    app.jinja_env.globals.update(year_bars=year_bars, scope_labels=SCOPE_LABELS,
                                 sort_labels=SORT_LABELS, facet_labels=FACET_LABELS)
