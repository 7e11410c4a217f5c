"""The query fuzzer's generator and checks, shared by tests/test_resilience_fuzz.py (bounded,
in `make test`) and bench/fuzz.py (the long run).

Queries are written from the query language's own pieces (words of the collection, phrases
with ~N, prefixes, fuzzy words, NOT/OR/-/parentheses, every field prefix, dates) mixed with
junk (unbalanced syntax, U+FFFE, lone surrogates, control characters, invalid UTF-8, very
long input), and sent with random search arguments to every route. Same seed, same requests.
"""

from __future__ import annotations

import csv
import io
import json
import random
import time
import xml.etree.ElementTree as ET
from urllib.parse import quote

from searchapp.fields import FACETS, SCOPES, SORTS

FIELDS = ("headline", "title", "body", "text", "caption", "quote", "quotes", "speaker", "said",
          "comment", "comments", "commenter", "source", "site", "author", "tag", "date",
          "nosuch", "_stored", "id")
OPERATORS = ("AND", "OR", "NOT", "and", "or", "-", "+", "(", ")", '"', "*", "?", "~", "~2",
             "~9", "^2", ":", "[", "]", "{", "}", "TO", "\\", "/", "!", "&&", "||", "''", "'")
ODD = ("\ufffe", "\uffff", "\ud800", "\udfff", "\x00", "\x01", "\x1b[31m", "\t", "\r\n",
       "\u202e", "\u200b", "\u0301", "é", "ß", "İ", "ﬁ", "Ω", "中文", "😀", "\U0010ffff",
       "<script>", "&amp;", "%00", "%", "'; DROP TABLE", "${x}", "{{7*7}}", "\\u0000")
DATES = ("2019-01-01", "2019-06-30", "2019", "2019-06", "1970-01-01", "9999-12-31",
         "0001-01-01", "2019-02-30", "2019-13-01", "20190630", "yesterday", "", "-1",
         "2019-06-30T12:00:00", "10000-01-01")
ROUTES = ("/search", "/", "/api/search", "/export.csv", "/export.jsonl", "/feed.atom",
          "/articles/{id}", "/api/articles/{id}")
ROUTE_WEIGHTS = (30, 4, 30, 6, 6, 10, 8, 6)


def vocabulary(records: list[dict]) -> dict[str, list[str]]:
    """Words, people and facet values of the collection, for queries that match something."""
    words = sorted({w.strip(".,;:“”\"'") for r in records
                    for w in (r["headline"] + " " + r["body"]).split()} - {""})
    people = sorted({q["speaker"] for r in records for q in r.get("quotes") or []
                     if q.get("speaker")} | {c["author"] for r in records
                                             for c in r.get("comments") or []
                                             if c.get("author")})
    values = sorted({r.get("source") or "" for r in records} - {""})
    return {"words": words, "people": people, "values": values}


def _word(rng: random.Random, vocab) -> str:
    w = rng.choice(vocab["words"])
    roll = rng.random()
    if roll < 0.12:
        return w[: rng.randint(0, 4)] + "*"
    if roll < 0.2:
        return w + rng.choice(("~", "~1", "~2", "~3"))
    if roll < 0.25:
        return w.upper()
    if roll < 0.3:
        return w[:-1] + rng.choice("xqz")  # misspelt
    return w


def _term(rng: random.Random, vocab, depth: int = 0) -> str:
    roll = rng.random()
    if roll < 0.45:
        return _word(rng, vocab)
    if roll < 0.55:
        words = " ".join(_word(rng, vocab) for _ in range(rng.randint(1, 4)))
        slop = rng.choice(("", "", "~1", "~3", "~0", "~99", "~"))
        return f'"{words}"{slop}'
    if roll < 0.65:
        target = rng.choice(vocab["people"] + vocab["words"])
        return f"{rng.choice(FIELDS)}:{_quoted(rng, target)}"
    if roll < 0.7:
        a, b = rng.choice(DATES), rng.choice(DATES)
        return rng.choice((f"date:[{a} TO {b}]", f"date:>{a}", f"date:<{b}", f"date:{a}",
                           f"date:[{a} TO *]", f"date:{{{a} TO {b}}}"))
    if roll < 0.78 and depth < 4:
        inner = f" {rng.choice(('OR', 'AND', ''))} ".join(
            _term(rng, vocab, depth + 1) for _ in range(rng.randint(1, 3)))
        return f"({inner})" if rng.random() < 0.85 else f"({inner}"
    if roll < 0.86:
        return rng.choice(("NOT ", "-", "+")) + _word(rng, vocab)
    if roll < 0.94:
        return rng.choice(OPERATORS)
    return rng.choice(ODD) * rng.choice((1, 1, 2, 50))


def _quoted(rng: random.Random, text: str) -> str:
    return f'"{text}"' if " " in text and rng.random() < 0.7 else text.split()[0]


def fuzz_query(rng: random.Random, vocab) -> str:
    """One query: mostly the language's own pieces, sometimes junk or something huge."""
    roll = rng.random()
    if roll < 0.02:  # very long
        return " ".join(_term(rng, vocab) for _ in range(rng.randint(100, 400)))
    if roll < 0.04:  # many prefixes (finding 8) or many ORs
        n = rng.randint(20, 80)
        return " OR ".join(rng.choice(vocab["words"])[:2] + "*" for _ in range(n))
    if roll < 0.05:
        return "(" * rng.randint(10, 300) + _word(rng, vocab) + ")" * rng.randint(0, 300)
    if roll < 0.07:  # random characters, any code point but most in the BMP
        return "".join(chr(rng.choice((rng.randint(0, 0x2FF), rng.randint(0, 0xFFFF),
                                       rng.randint(0, 0x10FFFF))))
                       for _ in range(rng.randint(1, 60)))
    sep = rng.choice((" ", " ", " ", " OR ", " AND ", "  ", "\t"))
    return sep.join(_term(rng, vocab) for _ in range(rng.randint(1, 6)))


def _value(rng: random.Random, vocab, pool: list[str]) -> str:
    roll = rng.random()
    if roll < 0.6 and pool:
        return rng.choice(pool)
    if roll < 0.8:
        return rng.choice(ODD) + rng.choice(vocab["words"])
    return "x" * rng.choice((1, 300, 301, 5000))


def fuzz_args(rng: random.Random, vocab, ids: list[str]) -> list[tuple[str, str]]:
    """Search arguments: each present sometimes, mostly valid, sometimes not."""
    args: list[tuple[str, str]] = []
    if rng.random() < 0.9:
        args.append(("q", fuzz_query(rng, vocab)))
    if rng.random() < 0.3:
        args.append(("scope", rng.choice((*SCOPES, *SCOPES, "nope", "", "ALL"))))
    for name in FACETS:
        if rng.random() < 0.08:
            pool = {"source": vocab["values"], "year": ["2019", "2020", "1999", "x"],
                    "speaker": vocab["people"], "commenter": vocab["people"]}.get(name, [])
            for _ in range(rng.choice((1, 1, 2, 3, 60))):
                args.append((name, _value(rng, vocab, pool)))
    for name in ("from", "to"):
        if rng.random() < 0.15:
            args.append((name, rng.choice(DATES)))
    if rng.random() < 0.3:
        args.append(("sort", rng.choice((*SORTS, "random", ""))))
    numbers = ("1", "2", "3", "0", "-1", "1000", "1001", "10" * 30, "x", "1.5", "", " 2")
    for name in ("page", "per_page"):
        if rng.random() < 0.25:
            args.append((name, rng.choice(numbers)))
    if rng.random() < 0.15:
        args.append(("facets", rng.choice(("all", "none", "source,year", "nope", ""))))
    if rng.random() < 0.1:
        args.append((f"{rng.choice(FACETS)}_size", rng.choice(numbers)))
    if rng.random() < 0.1:
        args.append(("snippets", rng.choice(("all", "none", "some"))))
    if rng.random() < 0.1:
        args.append(("scope_counts", rng.choice(("1", "0"))))
    if rng.random() < 0.03:  # an argument nobody reads
        args.append((rng.choice(ODD), rng.choice(ODD)))
    return args


def encode(args: list[tuple[str, str]]) -> str:
    """A query string as a browser (or a hostile client) sends it: percent-encoded bytes,
    lone surrogates as the invalid UTF-8 they would be, sometimes a raw invalid byte."""
    def enc(s: str) -> str:
        return quote(s.encode("utf-8", "surrogatepass"), safe="")

    return "&".join(f"{enc(k)}={enc(v)}" for k, v in args)


def fuzz_requests(rng: random.Random, vocab, ids: list[str], n: int,
                  weights=ROUTE_WEIGHTS):
    """`n` (path, query string) pairs over every route."""
    for _ in range(n):
        route = rng.choices(ROUTES, weights=weights)[0]
        if "{id}" in route:
            article_id = rng.choice(ids) if rng.random() < 0.8 else rng.choice(
                ("nope", "../../etc/passwd", "%2e%2e", "a" * 200, "x%00y", "%FF"))
            route = route.replace("{id}", article_id)
        query = encode(fuzz_args(rng, vocab, ids))
        if rng.random() < 0.02:
            query += "&q=%FF%FE%C3"  # invalid UTF-8 straight in the URL
        yield route, query


def check_response(path: str, resp, body: bytes) -> str | None:
    """Why the response is not well-formed, or None."""
    status = resp.status_code
    if status >= 500:
        return f"HTTP {status}"
    kind = resp.mimetype
    if kind == "application/json":
        data = json.loads(body)
        if status == 200 and path == "/api/search":
            missing = {"query", "total", "page", "per_page", "results", "facets",
                       "notices"} - set(data)
            if missing:
                return f"JSON without {sorted(missing)}"
        elif status != 200 and "error" not in data:
            return "a JSON error without its sentence"
    elif status == 200 and path == "/feed.atom":
        ET.fromstring(body)  # raises on a feed that does not parse
    elif status == 200 and path == "/export.jsonl":
        for line in body.decode("utf-8").splitlines():
            json.loads(line)
    elif status == 200 and path == "/export.csv":
        list(csv.reader(io.StringIO(body.decode("utf-8"))))
    elif kind == "text/html":
        body.decode("utf-8")
    return None


def run_one(client, path: str, query: str) -> tuple[object, bytes, float]:
    """One request, its whole (streamed) body, and this thread's CPU seconds for it."""
    cpu = time.thread_time()
    resp = client.get(f"{path}?{query}")
    body = resp.get_data()
    spent = time.thread_time() - cpu
    resp.close()
    return resp, body, spent
