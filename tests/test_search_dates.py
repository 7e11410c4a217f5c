"""One reading of a day for `date:` in the query language and for the `from`/`to` arguments:
the same text gives the same day in both, and a text one refuses the other refuses."""

from __future__ import annotations

import pytest

from searchapp.search.dates import DateRange, day_bound, intersect
from searchapp.search.params import ParamError, SearchParams
from searchapp.search.parser import parse

BOUNDS = ["2019", "2019-06", "2019-6", "2020-02", "2019-02", "2019-02-28", "2020-02-29",
          "2019-02-29", "2019-02-31", "2019-13", "2019-00", "0000", "0001", "9999-12-31",
          "19", "2019-06-30T10:00", "june", "2019/06/30"]


@pytest.mark.parametrize("text", BOUNDS)
def test_the_query_and_the_arguments_read_a_day_alike(text):
    try:
        params = SearchParams.from_args({"from": text, "to": text})
    except ParamError:
        params = None
    parsed = parse(f"date:{text}").dates
    if params is None:
        assert parsed is None, text
        with pytest.raises(ValueError):
            day_bound(text, upper=False)
    else:
        assert parsed == DateRange(params.date_from, params.date_to), text


def test_the_cases_hold_both_kinds():
    refused = [t for t in BOUNDS if parse(f"date:{t}").dates is None]
    assert 0 < len(refused) < len(BOUNDS)


def test_ranges_intersect():
    a, b = DateRange("2019-01-01", "2019-12-31"), DateRange("2019-06-01", None)
    assert intersect(a, b) == DateRange("2019-06-01", "2019-12-31")
    assert intersect(None, b) == b and intersect(a, None) == a
