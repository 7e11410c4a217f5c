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

import re
from dataclasses import dataclass, field

from searchapp.fields import FIELD_PREFIXES, PREFIX_OF
from searchapp.search.dates import DateRange, day_bound, intersect, next_day, prev_day

# A pasted paragraph is a query too (CISI's judged queries are abstracts: 355 characters
# and 56 words at the median, 983 and 141 at the 90th percentile). At 512 characters and
# 64 words, nDCG@10 on the tune half of bench/relevance.py's CISI was 0.398; at these
# 0.427 (at 2,000 and 400, 0.428). 128 words in five parts stay within OpenSearch's
# 1,024 clauses (matcher.MAX_CLAUSES).
MAX_QUERY_CHARS = 1024
MAX_WORDS = 128
MAX_DEPTH = 8

DATE_PREFIXES = ("date", "published")

_SURROGATES = re.compile("[\ud800-\udfff]")
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


@dataclass(frozen=True)
class Exact:
    """A facet filter of people (`speaker=`, `commenter=`: exact values, any of them) put
    into the tree beside the words, so that it can be tied to the one quote or comment the
    words match in (searchapp.search.entries.tie). Never typed: `read_as` leaves it out."""

    name: str
    values: tuple[str, ...]


@dataclass
class Parsed:
    tree: object | None
    dates: DateRange | None = None
    notices: list[str] = field(default_factory=list)


def _bound(value: str, upper: bool) -> str | None:
    try:
        return day_bound(value, upper)
    except ValueError:
        return None


def parse_date_clause(text: str) -> DateRange | None:
    """`date:[a TO b]`, `date:>a`, `date:<=b`, `date:2019` -> a DateRange, or None."""
    value = text.split(":", 1)[1]
    if value.startswith("["):
        inner = value.strip("[]")
        parts = re.split(r"\s+TO\s+|\s+to\s+", inner, maxsplit=1)
        if len(parts) != 2:
            return None
        lo, hi = (p.strip() for p in parts)
        start = None if lo in ("", "*") else _bound(lo, upper=False)
        end = None if hi in ("", "*") else _bound(hi, upper=True)
        if (lo not in ("", "*") and start is None) or (hi not in ("", "*") and end is None):
            return None
        return DateRange(start, end)
    m = re.fullmatch(r"([<>]=?)(.+)", value)
    if m:
        op, v = m.groups()
        if op.startswith(">"):
            bound = _bound(v, upper=op == ">")
            if op == ">" and bound is not None:
                bound = next_day(bound)
            return DateRange(start=bound) if bound else None
        bound = _bound(v, upper=op == "<=")
        if op == "<" and bound is not None:
            bound = prev_day(bound)
        return DateRange(end=bound) if bound else None
    start, end = _bound(value, upper=False), _bound(value, upper=True)
    return DateRange(start, end) if start else None


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
            self.dates = intersect(self.dates, rng)
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
        self.words += sum(_pieces(w) for w in words)
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
            # "a*:b*" -> "a:b", "*headline:*" -> "headline:" whose "headline:*" is a
            # field); such a word is searched as it stands, without * or ~.
            tail = "~" * bool(fuzzy) or "*" * prefix
            if core == "-" or any(tokenize(t) != [("word", t)] for t in (core, core + tail)):
                prefix, fuzzy = False, 0
        if not core:
            if text.strip("*?") == "" and text:
                self.notice(f"'{text}' matches everything and was ignored")
            return None
        self.words += _pieces(core)
        if self.words > MAX_WORDS:
            self.notice(f"only the first {MAX_WORDS} words were searched")
            return None
        return Word(core, fieldname, prefix=prefix and not fuzzy, fuzzy=fuzzy)


def _pieces(word: str) -> int:
    """How many words `word` counts for toward MAX_WORDS: "four-power" is two (each is a
    term, and on OpenSearch a clause in each part it searches)."""
    return max(1, len(re.findall(r"[^\W_]+", word)))


def _and(items: list):
    items = [x for x in items if x is not None]
    if not items:
        return None
    return items[0] if len(items) == 1 else And(tuple(items))


def parse(q: str) -> Parsed:
    """Read a query string leniently; the result says what was changed to make sense of it."""
    notices: list[str] = []
    # Lone surrogates cannot be encoded, so no index holds them (the request arguments
    # drop them already; this keeps a caller of parse() safe too).
    q, dropped = _SURROGATES.subn("", (q or "").translate(_QUOTE_CHARS))
    if dropped:
        notices.append("characters that cannot be searched (lone surrogates) were left out")
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
        return f"{PREFIX_OF[node.field]}:{s}" if node.field else s
    if isinstance(node, Phrase):
        s = '"' + " ".join(node.words) + '"' + (f"~{node.slop}" if node.slop else "")
        return f"{PREFIX_OF[node.field]}:{s}" if node.field else s
    if isinstance(node, Not):
        return "-" + _show(node.item)
    if isinstance(node, And):
        s = " ".join(_show(x) for x in node.items)
        return s if top else f"({s})"
    if isinstance(node, Or):
        s = " OR ".join(_show(x) for x in node.items)
        return s if top else f"({s})"
    return ""


def plain_words(tree) -> list[str]:
    """Plain words of the query (no field, no prefix or fuzzy, not negated), in order."""
    if isinstance(tree, Word):
        plain = tree.field is None and not tree.prefix and not tree.fuzzy
        return [tree.text] if plain else []
    if isinstance(tree, Phrase):
        return list(tree.words) if tree.field is None else []
    if isinstance(tree, And | Or):
        return [w for item in tree.items for w in plain_words(item)]
    return []  # Not, None
