"""The per-query cap on wildcard and fuzzy expansions, counted where each engine expands.

The Whoosh backend expands in our evaluator: it counts the terms it reads postings for.
OpenSearch expands in the engine: the query we send bounds it (`top_terms_N` on each
prefix, `max_expansions` on each fuzzy word), so the bounds are summed from the query.
The behaviour both share (the answer, the notice) is in tests/contract/test_budget.py.
"""

from __future__ import annotations

from conftest import build_index
from contract.test_budget import MANY_PREFIXES, PREFIXES, RECORDS

from searchapp.backends.opensearch.translate import Translator
from searchapp.backends.whoosh import WhooshBackend
from searchapp.backends.whoosh.evaluate import Evaluator
from searchapp.fields import SCOPES
from searchapp.search.matcher import (
    MAX_FUZZY_TERMS,
    MAX_PREFIX_TERMS,
    MAX_QUERY_EXPANSIONS,
    Expansions,
)
from searchapp.search.parser import parse


def test_whoosh_evaluates_at_most_the_cap(tmp_path):
    backend = WhooshBackend(str(build_index(tmp_path, RECORDS)))
    data = backend.snapshot().data
    try:
        for scope in ("all", "body"):
            ev = Evaluator(data, scope)
            match = ev.run(parse(MANY_PREFIXES).tree)
            assert 0 < match.mask.sum() <= len(RECORDS)
            each = Expansions.of(parse(MANY_PREFIXES).tree, scope).each
            assert ev.expanded["body"] == each * len(PREFIXES)  # body holds them all
            assert sum(ev.expanded.values()) <= MAX_QUERY_EXPANSIONS
        fuzzy = " OR ".join(f"{p}zzz~2" for p in PREFIXES)
        ev = Evaluator(data, "body")
        ev.run(parse(fuzzy).tree)
        assert 0 < sum(ev.expanded.values()) <= MAX_QUERY_EXPANSIONS
        one = Evaluator(data, "body")
        one.run(parse("ba*").tree)  # one prefix: all of its words
        assert one.expanded["body"] == len([w for w in _body_words() if w.startswith("ba")])
    finally:
        backend.close()


def _body_words() -> set[str]:
    return {w for r in RECORDS for w in r["body"].split()}


def _bounds(q: dict, out: dict[str, int]) -> dict[str, int]:
    """Per field, the most terms the prefix and fuzzy clauses of `q` may expand to."""
    if isinstance(q, dict):
        for key, value in q.items():
            if key == "prefix":
                ((f, spec),) = value.items()
                out[f] = out.get(f, 0) + int(spec["rewrite"].removeprefix("top_terms_"))
            elif key == "fuzzy":
                ((f, spec),) = value.items()
                out[f] = out.get(f, 0) + spec["max_expansions"]
            else:
                _bounds(value, out)
    elif isinstance(q, list):
        for item in q:
            _bounds(item, out)
    return out


def test_opensearch_query_bounds_its_expansions():
    for scope in SCOPES:
        bounds = _bounds(Translator(scope).run(parse(MANY_PREFIXES).tree).query, {})
        assert bounds and sum(bounds.values()) <= MAX_QUERY_EXPANSIONS
    mixed = " ".join(f"{p}*" if i % 2 else f"{p}zzz~" for i, p in enumerate(PREFIXES))
    bounds = _bounds(Translator("all").run(parse(mixed).tree).query, {})
    assert sum(bounds.values()) <= MAX_QUERY_EXPANSIONS
    one = _bounds(Translator("headline").run(parse("ba*").tree).query, {})
    assert list(one.values()) == [MAX_PREFIX_TERMS]  # alone, a prefix keeps its own cap
    one = _bounds(Translator("headline").run(parse("bazzz~").tree).query, {})
    assert list(one.values()) == [MAX_FUZZY_TERMS]
