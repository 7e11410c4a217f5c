"""parse_date: every common notation to ISO 8601, and None rather than a guess."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.extract.dates import parse_date

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def parse(value: object, **kwargs: object) -> str | None:
    return parse_date(value, now=NOW, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ISO 8601, extended and basic, any fraction, any offset form
        ("2019-06-04", "2019-06-04"),
        ("2019-06-04T10:00:00", "2019-06-04T10:00:00"),
        ("2019-06-04T10:00", "2019-06-04T10:00:00"),
        ("2019-06-04T10:00:00Z", "2019-06-04T10:00:00+00:00"),
        ("2019-06-04t10:00:00z", "2019-06-04T10:00:00+00:00"),
        ("2019-06-04T10:00:00.123456789+02:00", "2019-06-04T10:00:00+02:00"),
        ("2019-06-04T10:00:00-0530", "2019-06-04T10:00:00-05:30"),
        ("2019-06-04 10:00:00 +0000", "2019-06-04T10:00:00+00:00"),
        ("2019-06-04 10:00:00 UTC", "2019-06-04T10:00:00+00:00"),
        ("20190604T100000+0200", "2019-06-04T10:00:00+02:00"),
        ("  2019-06-04  ", "2019-06-04"),
        # RFC 2822 / RFC 822 (e-mail, RSS), asctime, JavaScript Date.toString()
        ("Tue, 04 Jun 2019 10:00:00 GMT", "2019-06-04T10:00:00+00:00"),
        ("Tue, 4 Jun 2019 10:00:00 -0400 (EDT)", "2019-06-04T10:00:00-04:00"),
        ("Tue, 04 Jun 2019 10:00:00 EDT", "2019-06-04T10:00:00-04:00"),
        ("Tue, 04 Jun 19 10:00:00 GMT", "2019-06-04T10:00:00+00:00"),
        ("Mon, 04 Jun 2019", "2019-06-04"),
        ("Tue Jun  4 10:00:00 2019", "2019-06-04T10:00:00"),
        ("Tue Jun 04 10:00:00 UTC 2019", "2019-06-04T10:00:00+00:00"),
        (
            "Tue Jun 04 2019 10:00:00 GMT+0200 (Central European Summer Time)",
            "2019-06-04T10:00:00+02:00",
        ),
        # Month names
        ("June 4, 2019", "2019-06-04"),
        ("Jun. 4, 2019", "2019-06-04"),
        ("June 4th, 2019", "2019-06-04"),
        ("JUNE 4 2019", "2019-06-04"),
        ("4 June 2019", "2019-06-04"),
        ("4th of June, 2019", "2019-06-04"),
        ("04 Jun 2019 10:00", "2019-06-04T10:00:00"),
        ("2019 Jun 4", "2019-06-04"),
        ("2019-Jun-04", "2019-06-04"),
        ("Sept. 30, 2019", "2019-09-30"),
        ("Published: June 4, 2019", "2019-06-04"),
        ("Posted on 4 June 2019", "2019-06-04"),
        ("Friday, June 7, 2019 - 10:00", "2019-06-07T10:00:00"),
        ("London, 4 June 2019", "2019-06-04"),
        # Other languages
        ("4. Juni 2019", "2019-06-04"),
        ("Dienstag, 4. Juni 2019, 10:15 Uhr", "2019-06-04T10:15:00"),
        ("12. März 2019", "2019-03-12"),
        ("1er décembre 2019", "2019-12-01"),
        ("4 de junio de 2019", "2019-06-04"),
        ("4 giugno 2019", "2019-06-04"),
        ("4 juni 2019", "2019-06-04"),
        # 12-hour clocks and zone names
        ("June 4, 2019 10:00 AM EDT", "2019-06-04T10:00:00-04:00"),
        ("June 4, 2019 at 10:30 p.m.", "2019-06-04T22:30:00"),
        ("June 4, 2019 12:00 am", "2019-06-04T00:00:00"),
        ("June 4, 2019 12:15 PM", "2019-06-04T12:15:00"),
        ("Jun 4 2019 10am", "2019-06-04T10:00:00"),
        ("June 4, 2019 10:00 CEST", "2019-06-04T10:00:00+02:00"),
        ("04 Jun 2019 10:00 GMT+2", "2019-06-04T10:00:00+02:00"),
        ("June 4, 2019 10:00 ET", "2019-06-04T10:00:00"),  # EST or EDT: no offset guessed
        ("June 4, 2019 10:00 IST", "2019-06-04T10:00:00"),  # India, Ireland or Israel
        # Numeric dates: year first, dotted day first, slashes month first unless > 12
        ("2019/06/04", "2019-06-04"),
        ("2019.6.4", "2019-06-04"),
        ("04.06.2019", "2019-06-04"),
        ("4.6.2019 10:00", "2019-06-04T10:00:00"),
        ("06/04/2019", "2019-06-04"),
        ("06-04-2019", "2019-06-04"),
        ("25/12/2019", "2019-12-25"),
        ("12/25/2019", "2019-12-25"),
        ("04/06/19", "2019-04-06"),
        ("04.06.87", "1987-06-04"),
        # Reuters-21578: fraction of a second, then service codes or nothing
        ("26-FEB-1987 15:01:01.79", "1987-02-26T15:01:01"),
        ("3-MAR-1987  09:15:05.40", "1987-03-03T09:15:05"),
        ("27-MAR-1987 00:02:59.13RM", "1987-03-27T00:02:59"),
        ("27-MAR-1987 02:17:09.88T C", "1987-03-27T02:17:09"),
        ("9-APR-1987 11:33:42.2", "1987-04-09T11:33:42"),
        # Unix time and compact forms as strings
        ("1559642400", "2019-06-04T10:00:00+00:00"),
        ("1559642400000", "2019-06-04T10:00:00+00:00"),
        ("1559642400.75", "2019-06-04T10:00:00+00:00"),
        ("20190604", "2019-06-04"),
        ("20190604103000", "2019-06-04T10:30:00"),
        # Plausibility bounds around NOW (2024-06-01 12:00 UTC) and 1800
        ("1800-01-01", "1800-01-01"),
        ("2024-06-04", "2024-06-04"),
        ("2024-06-04T11:59:59Z", "2024-06-04T11:59:59+00:00"),
    ],
)
def test_parses(text: str, expected: str) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "2 hours ago",
        "yesterday",
        "2019",
        "2019-06",
        "June 2019",
        "June 4",
        "1799-12-31",  # before 1800
        "2024-06-05",  # more than three days ahead
        "2024-06-04T12:00:01Z",
        "2099-12-31",  # a placeholder, not a date
        "2019-02-29",  # no such day
        "2019-13-01",
        "13/13/2019",
        "31.02.2019",
        "2019-06-04T25:00:00",
        "2019-06-04T10:61",
        "June 4, 2019 13:00 pm",
        "2019-06-04T10:00:00+15:00",  # no zone is 15 hours off
        "Smarch 4, 2019",
        "4 June 2019 and then some words",
        "9-APR-1987 00:00:00.00    # date added by S Finch as guesswork",
        "31-MAR-1987 605:12:19.12",
        "12345",
        "-1559642400",
        "x" * 200,
        "2019-06-04 " + "x" * 100,
    ],
)
def test_refuses(text: str) -> None:
    assert parse(text) is None


def test_day_first_option_for_ambiguous_slashes() -> None:
    assert parse("06/04/2019") == "2019-06-04"
    assert parse("06/04/2019", day_first=True) == "2019-04-06"
    assert parse("04.06.2019", day_first=False) == "2019-06-04"  # dots are always day first


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1559642400, "2019-06-04T10:00:00+00:00"),  # seconds
        (1559642400.9, "2019-06-04T10:00:00+00:00"),
        (1559642400000, "2019-06-04T10:00:00+00:00"),  # milliseconds
        (1559642400123456, "2019-06-04T10:00:00+00:00"),  # microseconds
        (1559642400123456789, "2019-06-04T10:00:00+00:00"),  # nanoseconds
        (100_000_000, "1973-03-03T09:46:40+00:00"),  # the smallest accepted
        (20190604, "2019-06-04"),  # YYYYMMDD as a number
        (99_999_999, None),
        (2019, None),
        (0, None),
        (-1559642400, None),
        (1e30, None),
        (float("nan"), None),
        (float("inf"), None),
        (1_717_502_400, "2024-06-04T12:00:00+00:00"),  # NOW + 3 days exactly
        (1_717_502_401, None),  # one second later
        (True, None),
        (None, None),
        ([2019, 6, 4], None),
        ({"date": "2019-06-04"}, None),
        (b"2019-06-04", None),
    ],
)
def test_numbers_and_other_types(value: object, expected: str | None) -> None:
    assert parse(value) == expected


def test_date_and_datetime_objects() -> None:
    assert parse(date(2019, 6, 4)) == "2019-06-04"
    assert parse(datetime(2019, 6, 4, 10, 0, 5, 999)) == "2019-06-04T10:00:05"
    eastern = timezone(timedelta(hours=-5))
    assert parse(datetime(2019, 6, 4, 10, tzinfo=eastern)) == "2019-06-04T10:00:00-05:00"
    assert parse(datetime(2019, 6, 4, 10, tzinfo=UTC)) == "2019-06-04T10:00:00+00:00"
    assert parse(date(1799, 12, 31)) is None
    assert parse(date(2030, 1, 1)) is None


def test_now_defaults_to_the_clock_and_may_be_naive() -> None:
    assert parse_date("2019-06-04") == "2019-06-04"
    assert parse_date("2999-01-01") is None
    assert parse_date("2024-06-04", now=datetime(2024, 6, 1)) == "2024-06-04"


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(max_size=60),
        st.text(alphabet="0123456789 -/.:,TZtz+apmAPMJunejunOctGMT", max_size=40),
        st.integers(),
        st.floats(),
    )
)
def test_never_raises_and_output_is_iso(value: object) -> None:
    result = parse(value)
    if result is not None:
        parsed = datetime.fromisoformat(result)
        assert 1800 <= parsed.year <= 2024
        assert result == (parsed.date().isoformat() if len(result) == 10 else result)
