"""Dates in any common notation to ISO 8601, or None: a wrong date is worse than no date.

`parse_date` returns `YYYY-MM-DD` for a date, `YYYY-MM-DDTHH:MM:SS` when a time is given
and `YYYY-MM-DDTHH:MM:SS+HH:MM` when the offset is known too (fractions of a second are
dropped). Rules, in the order they apply:

- `datetime` / `date` objects: as they are (an aware datetime keeps its offset).
- Numbers and all-digit strings: 8 digits are `YYYYMMDD`, 14 digits `YYYYMMDDHHMMSS` (web
  archive timestamps); otherwise Unix time, the unit chosen by magnitude: seconds from
  1e8 (March 1973) on, then milliseconds, microseconds, nanoseconds. Unix time is UTC.
- ISO 8601, extended or basic (`2019-06-04T10:00:00.5Z`, `20190604T100000+0200`).
- Numeric dates: a four-digit first number is year-month-day (`2019/06/04`, `2019.6.4`);
  dotted dates are day-first (`04.06.2019`); slashed and dashed ones are month-first as in
  the US (`06/04/2019` is June 4) unless the first number is over 12 (`25/12/2019`) or the
  caller passes `day_first=True`. Two-digit years are in this century unless that is in
  the future (`87` is 1987).
- Month names (English, German, French, Spanish, Italian, Portuguese, Dutch, abbreviated
  or not): `June 4, 2019`, `4 June 2019`, `4. Juni 2019`, `4 de junio de 2019`,
  `26-FEB-1987`, `2019 Jun 4`; a leading weekday is ignored (RFC 2822, asctime, JavaScript's
  `Date.toString()`).
- A time anywhere (`10:00`, `10:00:05.79`, `10 am`, `10:30 p.m.`), optionally followed by
  a zone: `Z`, `+0200`, `+02:00`, `GMT+2`, or a name from ZONES. A zone name whose offset is
  ambiguous (`ET`, `IST`) keeps the time without an offset; so do the one- and two-letter
  codes the Reuters corpus appends (`15:01:01.79 RM`).

Anything else is None: relative dates ("2 hours ago"), a month or year alone, dates
before 1800 or more than FUTURE_SLACK ahead of `now`, and values longer than MAX_CHARS.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

MIN_YEAR = 1800
# Time zones and clock skew put a just-published article up to a day ahead; scheduled
# posts a little more. Beyond this the date is a typo or a placeholder (e.g. 2099-12-31).
FUTURE_SLACK = timedelta(days=3)
MAX_CHARS = 100

# Month names and abbreviations, accents removed, per month. English first, then de, fr,
# es, it, pt, nl; a name shared by languages (april, juni) only needs to appear once.
_MONTH_NAMES = (
    "january jan januar janner janv janvier enero ene gennaio gen janeiro januari",
    "february feb februar fevrier fevr fev febrero febbraio fevereiro februari",
    "march mar marz maerz mars marzo marco maart mrt",
    "april apr avril avr abril aprile",
    "may mai maio mayo maggio mag mei",
    "june jun juni juin junio giugno giu junho",
    "july jul juli juillet juil julio luglio lug julho",
    "august aug aout agosto ago augustus",
    "september sep sept septembre septiembre setiembre settembre set setembro",
    "october oct oktober okt octobre octubre ottobre ott outubro out",
    "november nov novembre noviembre novembro",
    "december dec dezember dez decembre diciembre dic dicembre dezembro",
)
MONTHS: dict[str, int] = {
    name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names.split()
}

WEEKDAYS = frozenset(
    "monday mon tuesday tue tues wednesday wed thursday thu thur thurs friday fri "
    "saturday sat sunday sun".split()
)

# Zone names and their offsets in minutes: RFC 2822's, plus common unambiguous ones.
# None means "a zone, but which offset is unclear" (ET is EST or EDT; IST is India, Ireland
# or Israel): the time is kept without an offset rather than with a guessed one.
ZONES: dict[str, int | None] = {
    "z": 0, "ut": 0, "utc": 0, "gmt": 0, "wet": 0,
    "est": -300, "edt": -240, "cst": -360, "cdt": -300,
    "mst": -420, "mdt": -360, "pst": -480, "pdt": -420,
    "akst": -540, "akdt": -480, "hst": -600,
    "west": 60, "cet": 60, "cest": 120, "met": 60, "mest": 120, "eet": 120, "eest": 180,
    "msk": 180, "sgt": 480, "hkt": 480, "awst": 480, "jst": 540, "kst": 540,
    "acst": 570, "aest": 600, "aedt": 660, "nzst": 720, "nzdt": 780,
    "et": None, "ct": None, "mt": None, "pt": None, "ist": None, "bst": None, "ast": None,
}  # fmt: skip

# Unix time units by magnitude: (smallest value, divisor to seconds).
_EPOCH_UNITS = ((1e17, 1e9), (1e14, 1e6), (1e11, 1e3), (1e8, 1.0))
_MAX_OFFSET = 14 * 60

_ZONE_NAMES = "|".join(sorted(ZONES, key=len, reverse=True))
_ZONE = rf"(?P<zone>[+-]\d{{2}}(?::?\d{{2}})?|(?:{_ZONE_NAMES})(?:\s?[+-]\d{{1,2}}(?::?\d{{2}})?)?)"

# ISO 8601, the common case, without the general machinery below.
_ISO = re.compile(
    r"(?P<y>\d{4})(?P<sep>-?)(?P<m>\d{2})(?P=sep)(?P<d>\d{2})"
    r"(?:[t ](?P<H>\d{2})(?::?(?P<M>\d{2})(?::?(?P<S>\d{2})(?:[.,]\d+)?)?)?"
    r"\s?(?P<zone>z|[+-]\d{2}(?::?\d{2})?)?)?"
)
# A time of day anywhere in the string, with an optional am/pm and zone after it.
_TIME = re.compile(
    r"(?:(?<=\d)t|\b)(?P<H>\d{1,2})"
    r"(?::(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?|(?=\s?[ap]\.?m\b))"
    r"(?:\s?(?P<ampm>[ap])\.?m\b\.?)?"
    r"(?:\s?uhr\b)?"  # German "10:15 Uhr"
    rf"(?:\s?{_ZONE}\b)?"
)
_CODES_AFTER_TIME = re.compile(r"(?:\s*[a-z]{1,2}\b)+\s*")  # Reuters' "RM", "F", "T C" ...
_PAREN_SUFFIX = re.compile(r"\s*\([^()]*\)$")  # "(Central European Summer Time)"
_PREFIX = re.compile(r"^(?:(?:first\s+)?published|posted|dated?)(?:\s+on)?\s*:?\s*")
_LEADING_WORD = re.compile(r"^([a-z]+)\.?,?\s+")
_CONNECTOR = re.compile(r"\s+(?:at|um|a las|a|alle|om|as|kl)$")  # "June 4, 2019 at 10:00"
_EDGES = " ,;|/-"

_NUMERIC = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})")
_YMD_NUMERIC = re.compile(r"(\d{4})([./-])(\d{1,2})\2(\d{1,2})")
_ORD = r"(?:st|nd|rd|th|er|o)?"
_DMY = re.compile(
    rf"(\d{{1,2}}){_ORD}\.?[\s-]*(?:de\s+|of\s+)?([a-z]+)\.?,?[\s-]*(?:de\s+)?(\d{{4}}|\d{{2}})"
)
_MDY = re.compile(rf"([a-z]+)\.?[\s-]*(\d{{1,2}}){_ORD},?[\s-]*(\d{{4}})")
_YMD = re.compile(r"(\d{4})[\s.,-]*([a-z]+)\.?[\s-]*(\d{1,2})")


class _Time(NamedTuple):
    hour: int
    minute: int
    second: int
    offset: int | None  # minutes east of UTC, None when not given or not known


# A date inside a longer line ("Posted by Ann | June 4, 2012 at 5:32 pm", "Wed 2012/11/07").
DATE_IN_TEXT = re.compile(
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[T ]\d\d:\d\d(?::\d\d)?)?"
    r"|(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*[.,]?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?\d{4}"
    r"(?:,?\s+(?:at\s+|@\s*|-\s*)?\d{1,2}:\d\d(?::\d\d)?(?:\s*[ap]\.?m\.?)?)?"
    r"|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"
    r"(?:,?\s+(?:at\s+|@\s*|-\s*)?\d{1,2}:\d\d(?::\d\d)?(?:\s*[ap]\.?m\.?)?)?",
    re.I,
)


def find_date(text: str | None) -> str | None:
    """The date a short line is, or the first date inside a longer one; ISO 8601 or None."""
    if not text:
        return None
    text = " ".join(text.split())
    d = parse_date(text) if len(text) <= 40 else None
    if d:
        return d
    m = DATE_IN_TEXT.search(text)
    return parse_date(m[0]) if m else None


def parse_date(
    value: object, *, day_first: bool = False, now: datetime | None = None
) -> str | None:
    """ISO 8601 for a date in any common form, or None when it is not clearly a plausible date."""
    now = datetime.now(UTC) if now is None else now
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    if isinstance(value, datetime):
        offset = value.utcoffset()
        minutes = None if offset is None else round(offset.total_seconds() / 60)
        t = _Time(value.hour, value.minute, value.second, minutes)
        return _format(value.year, value.month, value.day, t, now)
    if isinstance(value, date):
        return _format(value.year, value.month, value.day, None, now)
    if isinstance(value, bool):  # an int subclass, never a date
        return None
    if isinstance(value, int | float):
        return _from_number(value, now)
    if isinstance(value, str):
        return _from_string(value, day_first, now)
    return None


def _from_string(s: str, day_first: bool, now: datetime) -> str | None:
    s = s.strip()
    if not s or len(s) > MAX_CHARS:
        return None
    if s.isascii() and s.isdigit():
        return _from_digits(s, now)
    if re.fullmatch(r"\d+\.\d+", s):
        return _from_number(float(s), now)
    s = _fold(s)
    m = _ISO.fullmatch(s)
    if m:
        t = _time_of(m) if m["H"] else None
        if m["H"] and t is None:
            return None
        return _format(int(m["y"]), int(m["m"]), int(m["d"]), t, now)
    return _from_words(s, day_first, now)


def _from_digits(s: str, now: datetime) -> str | None:
    if len(s) == 8:
        return _format(int(s[:4]), int(s[4:6]), int(s[6:]), None, now)
    if len(s) == 14:
        t = _Time(int(s[8:10]), int(s[10:12]), int(s[12:]), None)
        return _format(int(s[:4]), int(s[4:6]), int(s[6:8]), t, now)
    return _from_number(int(s), now)


def _from_number(x: float, now: datetime) -> str | None:
    """Unix time in seconds, ms, µs or ns (by magnitude), or an 8-digit YYYYMMDD number."""
    if not math.isfinite(x) or x <= 0:
        return None
    if isinstance(x, int) and 10_000_000 <= x < 100_000_000:
        return _from_digits(str(x), now)
    for smallest, divisor in _EPOCH_UNITS:
        if x >= smallest:
            try:
                dt = datetime.fromtimestamp(x / divisor, tz=UTC)
            except (OverflowError, OSError, ValueError):
                return None
            return parse_date(dt, now=now)
    return None


def _from_words(s: str, day_first: bool, now: datetime) -> str | None:
    """Dates with month names or numbers, a time and zone anywhere in the string."""
    s = _PAREN_SUFFIX.sub("", s)
    s = _PREFIX.sub("", s)
    lead = _LEADING_WORD.match(s)
    if lead and (lead[1] in WEEKDAYS or (lead[0].rstrip().endswith(",") and lead[1] not in MONTHS)):
        s = s[lead.end() :]
    t: _Time | None = None
    m = _TIME.search(s)
    if m:
        t = _time_of(m)
        if t is None:
            return None
        after = s[m.end() :]
        if _CODES_AFTER_TIME.fullmatch(after):
            after = ""
        s = s[: m.start()] + " " + after
    s = _CONNECTOR.sub("", s.strip(_EDGES)).strip(_EDGES)
    ymd = _date_of(" ".join(s.split()), day_first, now)
    return _format(*ymd, t, now) if ymd else None


def _date_of(s: str, day_first: bool, now: datetime) -> tuple[int, int, int] | None:
    if m := _YMD_NUMERIC.fullmatch(s):
        return int(m[1]), int(m[3]), int(m[4])
    if m := _NUMERIC.fullmatch(s):
        a, b, year = int(m[1]), int(m[3]), _year(m[4], now)
        if m[2] == "." or day_first or a > 12:
            return year, b, a
        return year, a, b
    if m := _DMY.fullmatch(s):
        month = MONTHS.get(m[2])
        return (_year(m[3], now), month, int(m[1])) if month else None
    if m := _MDY.fullmatch(s):
        month = MONTHS.get(m[1])
        return (int(m[3]), month, int(m[2])) if month else None
    if m := _YMD.fullmatch(s):
        month = MONTHS.get(m[2])
        return (int(m[1]), month, int(m[3])) if month else None
    return None


def _year(digits: str, now: datetime) -> int:
    """A four-digit year as is; a two-digit one in this century unless that is in the future."""
    year = int(digits)
    if len(digits) == 2:
        year += 2000 if 2000 + year <= now.year else 1900
    return year


def _time_of(m: re.Match[str]) -> _Time | None:
    """The time in a _TIME or _ISO match, or None when it is not a valid time of day."""
    hour, minute, second = int(m["H"]), int(m["M"] or 0), int(m["S"] or 0)
    ampm = m.groupdict().get("ampm")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "p" else 0)
    second = min(second, 59) if second == 60 else second  # a leap second, not an error
    offset = _offset_of(m["zone"]) if m["zone"] else None
    if hour > 23 or minute > 59 or second > 59 or abs(offset or 0) > _MAX_OFFSET:
        return None
    return _Time(hour, minute, second, offset)


def _offset_of(zone: str) -> int | None:
    """Minutes east of UTC for a zone, None when unknown; out of range when malformed."""
    name = zone.rstrip("+-0123456789: ").strip()
    numeric = zone[len(name) :].strip()
    base = ZONES.get(name, None) if name else 0
    if not numeric:
        return base
    if base is None:
        return None
    sign = -1 if numeric[0] == "-" else 1
    digits = numeric[1:].replace(":", "")
    hours, minutes = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
    if minutes > 59:
        return _MAX_OFFSET + 1  # "+0075" is not an offset; the caller rejects the time
    return base + sign * (hours * 60 + minutes)


def _format(year: int, month: int, day: int, t: _Time | None, now: datetime) -> str | None:
    """The ISO string, or None when the date does not exist or is implausible."""
    try:
        d = date(year, month, day)
    except ValueError:
        return None
    if year < MIN_YEAR:
        return None
    if t is None:
        return d.isoformat() if d <= (now + FUTURE_SLACK).date() else None
    stamp = f"{d.isoformat()}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
    instant = datetime(year, month, day, t.hour, t.minute, t.second, tzinfo=UTC)
    if t.offset is not None:
        instant -= timedelta(minutes=t.offset)
        sign = "-" if t.offset < 0 else "+"
        stamp += f"{sign}{abs(t.offset) // 60:02d}:{abs(t.offset) % 60:02d}"
    return stamp if instant <= now + FUTURE_SLACK else None


def _fold(s: str) -> str:
    """Lower case, accents removed, white space collapsed: 'Décembre' and 'decembre' match."""
    if not s.isascii():
        s = unicodedata.normalize("NFKD", s)
        s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return " ".join(s.lower().split())
