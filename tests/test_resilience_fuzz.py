"""Query fuzzing over every search route and argument, on every backend (issue 9, the suite).

A seeded generator (SCRAPESEARCH_FUZZ_SEED replays a run; the seed is in every failure)
writes queries from the query language's own pieces (words of the collection, phrases with
~N, prefixes, fuzzy words, NOT/OR/-/parentheses, every field prefix, dates) mixed with junk
(unbalanced syntax, U+FFFE, lone surrogates, control characters, invalid UTF-8, very long
input), and sends them with random search arguments (facets, dates, sort, page, per_page,
scope...) to every route through the Flask test client. What must hold for each request:
no response >= 500; every response well-formed for its type (JSON parses, the Atom feed
parses as XML, JSON lines and CSV parse); and a bound on the CPU one request takes in this
process (time.thread_time: a generous ceiling, not a benchmark). The long run with
>= 100,000 queries on the 20,000-article collection is bench/fuzz.py; it uses the same
generator and checks (tests/fuzzgen.py).
"""

from __future__ import annotations

import os
import random

import newsgen
import pytest
from contract.helpers import app_of
from engines import ENGINES
from fuzzgen import check_response, fuzz_requests, run_one, vocabulary

SEED = int(os.environ.get("SCRAPESEARCH_FUZZ_SEED") or 20261203)
REQUESTS = {"whoosh": 1500, "opensearch": 400}  # per engine; bounded for `make test`
CPU_CEILING = 2.0  # seconds of this process's CPU for one request

@pytest.fixture(scope="module", params=list(ENGINES))
def served(request, tmp_path_factory):
    engine = ENGINES[request.param]
    engine.check()
    tmp = tmp_path_factory.mktemp(f"fuzz-{engine.name}")
    records = newsgen.records(300)
    backend = engine.build(tmp, records)
    app = app_of(engine, backend, tmp)
    yield engine.name, app, records
    backend.close()
    engine.cleanup()


def test_fuzzed_queries_never_fail(served):
    name, app, records = served
    vocab = vocabulary(records)
    ids = [r["id"] for r in records if r.get("id")] or ["gen-000"]
    with app.test_client() as client:
        ids = [h["id"] for h in client.get("/api/search?per_page=100").get_json()["results"]]
    rng = random.Random(SEED)
    bad: list[str] = []
    slowest = (0.0, "")
    client = app.test_client()
    for path, query in fuzz_requests(rng, vocab, ids, REQUESTS[name]):
        try:
            resp, body, cpu = run_one(client, path, query)
            why = check_response(path, resp, body)
        except Exception as e:  # noqa: BLE001 - a body that does not parse is the finding
            why = f"{type(e).__name__}: {str(e)[:200]}"
            cpu = 0.0
        if cpu > slowest[0]:
            slowest = (cpu, f"{path}?{query[:200]}")
        if why is None and cpu > CPU_CEILING:
            why = f"{cpu:.2f} s of CPU"
        if why:
            bad.append(f"{why}: {path}?{query[:300]}")
    assert not bad, (f"seed {SEED} ({name}): {len(bad)} bad responses, e.g.\n"
                     + "\n".join(bad[:15]))
