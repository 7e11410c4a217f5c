"""The query language (DESIGN 3.3) read leniently into a small syntax tree. Never raises.

    words (AND by default)  "phrases"  "phrase"~3  OR  AND  NOT word  -word  +word
    ( groups )  field:word  field:"phrase"  field:(a OR b)  word*  word~  word~2
    date:[2019-01-01 TO 2019-06-30]  date:>2019  date:<2020-06  date:2019-05

Junk is read as words: an unclosed quote runs to the end, an unmatched parenthesis is
dropped, an operator with nothing to apply to is ignored, an unknown `field:` prefix is
just text. `read_as()` prints the tree back in the same language, so the page can say how
a query was read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 512
MAX_WORDS = 64
MAX_DEPTH = 8

# User-visible field prefixes -> the field they search (see query.py for the index fields).
FIELD_PREFIXES = {
    "headline": "headline", "title": "headline",
    "body": "body", "text": "body",
    "caption": "captions", "captions": "captions",
    "quote": "quotes", "quotes": "quotes",
    "speaker": "speaker", "said": "speaker",
    "comment": "comments", "comments": "comments",
    "commenter": "commenter",
    "source": "source", "site": "source",
    "author": "author", "byline": "author",
    "tag": "tag", "section": "tag",
}
DATE_PREFIXES = ("date", "published")

# Typographic quotes users paste from documents become plain ones.
_QUOTE_CHARS = str.maketrans({c: '"' for c in "“”„‟«»＂〝〞"})
_TOKEN = re.compile(
    r"""
    (?P<date>(?:date|published):(?:\[[^\]]*\]|\[\s*[^\]\s]*(?:\s+(?:TO|to)\s*[^\]\s]*)?
                                   |[<>]=?[^\s()]+|[^\s()]+))
  | (?P<sign>[-+](?=[^\s)]))   # -word, -field:"a phrase", -(group), +word
  | (?P<field>[A-Za-z_]+):(?=[^\s)])
  | (?P<phrase>"[^"]*"?(?:~\d+)?)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<word>[^\s()"]+)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Word:
    text: str
    field: str | None = None
    prefix: bool = False  # word*
    fuzzy: int = 0  # word~ (1) / word~2 (2)


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    field: str | None = None
    slop: int = 0


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class Not:
    item: object


@dataclass
class DateRange:
    start: str | None = None  # ISO date, inclusive
    end: str | None = None  # ISO date, inclusive


@dataclass
class Parsed:
    tree: object | None
    dates: DateRange | None = None
    notices: list[str] = field(default_factory=list)


def _date_bound(value: str, upper: bool) -> str | None:
    """'2019', '2019-06' or '2019-06-30' as an inclusive ISO day; None when not a date."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", value.strip())
    if not m:
        return None
    year, month, day = int(m[1]), int(m[2] or 0), int(m[3] or 0)
    if not (year >= 1 and 1 <= (month or 1) <= 12 and 1 <= (day or 1) <= 31):
        return None
    if not month:
        month, day = (12, 31) if upper else (1, 1)
    elif not day:
        day = _days_in_month(year, month) if upper else 1
    day = min(day, _days_in_month(year, month))
    return f"{year:04d}-{month:02d}-{day:02d}"


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def parse_date_clause(text: str) -> DateRange | None:
    """`date:[a TO b]`, `date:>a`, `date:<=b`, `date:2019` -> a DateRange, or None."""
    value = text.split(":", 1)[1]
    if value.startswith("["):
        inner = value.strip("[]")
        parts = re.split(r"\s+TO\s+|\s+to\s+", inner, maxsplit=1)
        if len(parts) != 2:
            return None
        lo, hi = (p.strip() for p in parts)
        start = None if lo in ("", "*") else _date_bound(lo, upper=False)
        end = None if hi in ("", "*") else _date_bound(hi, upper=True)
        if (lo not in ("", "*") and start is None) or (hi not in ("", "*") and end is None):
            return None
        return DateRange(start, end)
    m = re.fullmatch(r"([<>]=?)(.+)", value)
    if m:
        op, v = m.groups()
        if op.startswith(">"):
            bound = _date_bound(v, upper=op == ">")
            if op == ">" and bound is not None:
                bound = _next_day(bound)
            return DateRange(start=bound) if bound else None
        bound = _date_bound(v, upper=op == "<=")
        if op == "<" and bound is not None:
            bound = _prev_day(bound)
        return DateRange(end=bound) if bound else None
    start, end = _date_bound(value, upper=False), _date_bound(value, upper=True)
    return DateRange(start, end) if start else None


def _next_day(iso: str) -> str | None:
    """The day after, or None past the last representable day (date:>9999)."""
    try:
        return (dt.date.fromisoformat(iso) + dt.timedelta(days=1)).isoformat()
    except OverflowError:
        return None


def _prev_day(iso: str) -> str | None:
    """The day before, or None before the first representable day (date:<0001)."""
    try:
        return (dt.date.fromisoformat(iso) - dt.timedelta(days=1)).isoformat()
    except OverflowError:
        return None


def _merge_dates(a: DateRange | None, b: DateRange) -> DateRange:
    if a is None:
        return b
    starts = [d for d in (a.start, b.start) if d]
    ends = [d for d in (a.end, b.end) if d]
    return DateRange(max(starts) if starts else None, min(ends) if ends else None)


def tokenize(q: str) -> list[tuple[str, str]]:
    return [(m.lastgroup, m.group()) for m in _TOKEN.finditer(q)]


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], notices: list[str]):
        self.tokens = tokens
        self.i = 0
        self.notices = notices
        self.words = 0
        self.dates: DateRange | None = None

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def parse(self):
        items = []
        while self.peek() is not None:
            node = self.or_expr(0, None)
            if node is not None:
                items.append(node)
            if self.peek() is not None and self.peek()[0] == "rparen":
                self.take()
                self.notice("an unmatched ')' was ignored")
        return _and(items)

    def notice(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)

    def or_expr(self, depth: int, fieldname: str | None):
        items = [self.and_expr(depth, fieldname)]
        while self.peek() is not None and self.peek() == ("word", "OR"):
            self.take()
            if self.peek() is None or self.peek()[0] == "rparen":
                self.notice("a trailing OR was ignored")
                break
            items.append(self.and_expr(depth, fieldname))
        items = [x for x in items if x is not None]
        if len(items) > 1:
            return Or(tuple(items))
        return items[0] if items else None

    def and_expr(self, depth: int, fieldname: str | None):
        items = []
        while True:
            tok = self.peek()
            if tok is None or tok[0] == "rparen" or tok == ("word", "OR"):
                break
            if tok == ("word", "AND"):
                self.take()
                continue
            node = self.unary(depth, fieldname)
            if node is not None:
                items.append(node)
        return _and(items)

    def unary(self, depth: int, fieldname: str | None):
        kind, text = self.peek()
        if (kind, text) == ("word", "NOT") or (kind == "word" and text == "-"):
            self.take()
            nxt = self.peek()
            if nxt is None or nxt[0] == "rparen" or nxt == ("word", "OR"):
                self.notice(f"a trailing {text} was ignored")
                return None
            node = self.unary(depth, fieldname)
            return Not(node) if node is not None else None
        if kind == "sign":
            # The sign is a token of its own, so "-speaker:\"john smith\"" negates the whole
            # field phrase (the tokenizer only makes a sign when something follows it).
            self.take()
            node = self.unary(depth, fieldname)
            if text == "+" or node is None:
                return node
            return Not(node)
        return self.primary(depth, fieldname)

    def primary(self, depth: int, fieldname: str | None):
        kind, text = self.take()
        if kind == "lparen":
            if depth >= MAX_DEPTH:
                self.notice(f"parentheses nested deeper than {MAX_DEPTH} levels were flattened")
                return None
            node = self.or_expr(depth + 1, fieldname)
            if self.peek() is not None and self.peek()[0] == "rparen":
                self.take()
            else:
                self.notice("an unclosed '(' was closed at the end")
            return node
        if kind == "date":
            rng = parse_date_clause(text)
            if rng is None:
                self.notice(f"'{text}' is not a date range like date:[2019-01-01 TO 2019-06-30]"
                            "; it was ignored")
                return None
            if "[" in text and not text.endswith("]"):
                self.notice("an unclosed '[' was closed after the date range")
            self.dates = _merge_dates(self.dates, rng)
            return None
        if kind == "field":
            name = text[:-1].lower()
            target = FIELD_PREFIXES.get(name)
            nxt = self.peek()
            if target is None or nxt is None or nxt[0] == "rparen":
                if target is None:
                    self.notice(f"'{name}:' is not a field; it was read as a word")
                return self.word(text[:-1], fieldname)
            return self.unary(depth, target)
        if kind == "phrase":
            return self.phrase(text, fieldname)
        if kind == "rparen":  # only reached through recovery paths
            return None
        return self.word(text, fieldname)

    def phrase(self, text: str, fieldname: str | None):
        m = re.fullmatch(r'"([^"]*)("?)(?:~(\d+))?', text)
        body, closed, slop = m.group(1), m.group(2), m.group(3)
        if not closed:
            self.notice("an unclosed quote was closed at the end")
        words = tuple(w for w in re.split(r"\s+", body) if w)
        if not words:
            return None
        self.words += len(words)
        if self.words > MAX_WORDS:
            self.notice(f"only the first {MAX_WORDS} words were searched")
            return None
        if len(words) == 1:
            return Word(words[0], fieldname)
        return Phrase(words, fieldname, min(int(slop), 20) if slop else 0)

    def word(self, text: str, fieldname: str | None):
        fuzzy = 0
        m = re.fullmatch(r"(.+?)~([12]?)", text)
        if m and m.group(1):
            text, fuzzy = m.group(1), int(m.group(2) or 1)
        prefix = text.endswith("*")
        stripped = text.strip("*?")
        if "*" in stripped or "?" in stripped or (text.startswith(("*", "?")) and stripped):
            self.notice("wildcards work only at the end of a word (elect*); others were ignored")
        core = stripped.replace("*", "").replace("?", "")
        if core != stripped or text.startswith(("*", "?")):
            # Dropping wildcards can leave text that reads as syntax ("*-x*" -> "-x",
            # "a*:b*" -> "a:b"); such a word is searched as it stands, without * or ~.
            if tokenize(core) != [("word", core)] or core == "-":
                prefix, fuzzy = False, 0
        if not core:
            if text.strip("*?") == "" and text:
                self.notice(f"'{text}' matches everything and was ignored")
            return None
        self.words += 1
        if self.words > MAX_WORDS:
            self.notice(f"only the first {MAX_WORDS} words were searched")
            return None
        return Word(core, fieldname, prefix=prefix and not fuzzy, fuzzy=fuzzy)


def _and(items: list):
    items = [x for x in items if x is not None]
    if not items:
        return None
    return items[0] if len(items) == 1 else And(tuple(items))


def parse(q: str) -> Parsed:
    """Read a query string leniently; the result says what was changed to make sense of it."""
    notices: list[str] = []
    q = (q or "").translate(_QUOTE_CHARS)
    if len(q) > MAX_QUERY_CHARS:
        q = q[:MAX_QUERY_CHARS]
        notices.append(f"the query was cut to its first {MAX_QUERY_CHARS} characters")
    p = _Parser(tokenize(q), notices)
    return Parsed(p.parse(), p.dates, notices)


def read_as(tree, dates: DateRange | None = None) -> str:
    """The tree printed back in the query language."""
    parts = [_show(tree, top=True)] if tree is not None else []
    if dates is not None:
        parts.append(f"date:[{dates.start or '*'} TO {dates.end or '*'}]")
    return " ".join(p for p in parts if p)


_REVERSE_PREFIX = {"headline": "headline", "body": "body", "captions": "caption",
                   "quotes": "quote", "speaker": "speaker", "comments": "comment",
                   "commenter": "commenter", "source": "source", "author": "author", "tag": "tag"}


def _show_word(node: Word) -> str:
    """The word as typed, or quoted when typing it bare would read as something else.

    A one-word phrase ("OR", "-x", "foo*", "a:b") becomes a plain Word whose text may look
    like an operator, a wildcard or a field prefix; printed bare it would not read back.
    """
    s = node.text + ("*" if node.prefix else "") + (
        "~" + (str(node.fuzzy) if node.fuzzy > 1 else "") if node.fuzzy else "")
    tokens = tokenize(s)
    if tokens == [("word", s)] and s not in ("AND", "OR", "NOT", "-"):
        if _Parser(tokens, []).word(s, None) == Word(node.text, None, node.prefix, node.fuzzy):
            return s
    return f'"{node.text}"'


def _show(node, top: bool = False) -> str:
    if isinstance(node, Word):
        s = _show_word(node)
        return f"{_REVERSE_PREFIX[node.field]}:{s}" if node.field else s
    if isinstance(node, Phrase):
        s = '"' + " ".join(node.words) + '"' + (f"~{node.slop}" if node.slop else "")
        return f"{_REVERSE_PREFIX[node.field]}:{s}" if node.field else s
    if isinstance(node, Not):
        return "-" + _show(node.item)
    if isinstance(node, And):
        s = " ".join(_show(x) for x in node.items)
        return s if top else f"({s})"
    if isinstance(node, Or):
        s = " OR ".join(_show(x) for x in node.items)
        return s if top else f"({s})"
    return ""
