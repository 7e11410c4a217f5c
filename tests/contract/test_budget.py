"""What one search may cost, on every backend (issue 9, finding 8).

The wildcard and fuzzy words of a query share one cap on the words they expand to (not a
cap per word: 64 prefixes once cost 8 s of CPU), and every search has a time budget past
which it gives up extras (snippets, per-scope counts, respellings) and says so. The budget
is given to the search, so a test forces "over budget" with a zero budget, not a clock.
"""

from __future__ import annotations

import json
import random

import pytest
from conftest import article

from contract.helpers import app_of
from searchapp.backends.base import Budget
from searchapp.search.matcher import MAX_QUERY_EXPANSIONS, Expansions
from searchapp.search.params import SearchParams
from searchapp.search.parser import MAX_QUERY_CHARS, MAX_WORDS, parse
from searchapp.search.service import MAX_FUZZY_WORDS, run_search

PREFIXES = [a + b for a in "bcdfgklmnprstvwz" for b in "aeio"][:64]
WORDS_EACH = 3 * MAX_QUERY_EXPANSIONS // len(PREFIXES)  # three times a fair share


def distinct_words() -> dict[str, list[str]]:
    """WORDS_EACH made-up words per prefix, all different (seeded)."""
    rng = random.Random(9)
    out = {}
    for p in PREFIXES:
        words: set[str] = set()
        while len(words) < WORDS_EACH:
            words.add(p + "".join(rng.choice("bdgkmnprstvz") + rng.choice("aeiou")
                                  for _ in range(3)))
        out[p] = sorted(words)
    return out


WORDS = distinct_words()
RECORDS = [article(id=f"words-{n}", headline=f"Wordlist {n}",
                   body=" ".join(w for ws in WORDS.values() for w in ws[n::20]),
                   source="Lexicon", published=f"2020-01-{n + 1:02d}")
           for n in range(20)]
MANY_PREFIXES = " OR ".join(f"{p}*" for p in PREFIXES)


@pytest.fixture(scope="module")
def lexicon(engine, tmp_path_factory):
    built = engine.build(tmp_path_factory.mktemp("lexicon"), RECORDS)
    yield built
    built.close()


def test_many_prefixes_share_one_cap_and_say_so(lexicon):
    r = run_search(lexicon, SearchParams.from_args({"q": MANY_PREFIXES}))
    assert len(MANY_PREFIXES) > 400 and len(PREFIXES) == 64
    assert r.total > 0 and r.results  # answered, with the most frequent words of each
    each = Expansions.of(parse(MANY_PREFIXES).tree, "all").each
    assert each * 64 * 5 <= MAX_QUERY_EXPANSIONS  # 64 words, 5 parts
    assert (f"the query's wildcards matched too many words; only {each:,} of each were "
            "searched") in r.query.notices


def test_many_wildcards_and_words_stay_within_the_engines_limit(lexicon):
    words = [WORDS[p][0] for p in PREFIXES[:40]]
    q = " OR ".join(words + [f"{p}*" for p in PREFIXES[40:]] + [f"{p}zz~" for p in "bcd"])
    r = run_search(lexicon, SearchParams.from_args({"q": q}))
    assert r.total == len(RECORDS)


def test_a_long_phrase_and_wildcards_stay_within_the_engines_limit(lexicon):
    # OpenSearch counts every word of a phrase as one clause, in each part it searches: a
    # 136-word phrase (680 clauses) and eight wildcards on the body (368 words) made 1,048
    # clauses, and the engine refused the query (HTTP 500). Since queries may be 1,024
    # characters, each piece of a hyphenated word counts toward parser.MAX_WORDS (128): at
    # most 640 clauses in five parts.
    phrase = "-".join([a + b for a in "xyzqjv" for b in "abcdefghijklmnopqrstuvwxyz"][:119])
    q = phrase + " OR " + " OR ".join(f"body:{p}*" for p in PREFIXES[:8])
    assert len(q) <= MAX_QUERY_CHARS and 119 + 8 <= MAX_WORDS
    r = run_search(lexicon, SearchParams.from_args({"q": q}))
    assert r.total == len(RECORDS)


def test_over_budget_the_page_still_answers_without_snippets(lexicon):
    params = SearchParams.from_args({"q": "ba*", "per_page": "5"})
    full = run_search(lexicon, params, scope_counts=True)
    assert all("<mark>" in "".join(h.snippets.to_dict()["body"]) for h in full.results)
    assert full.scope_counts is not None
    cut = run_search(lexicon, params, scope_counts=True, budget=Budget(0))
    assert cut.total == full.total
    assert [h.id for h in cut.results] == [h.id for h in full.results]
    assert not any("<mark>" in json.dumps(h.to_dict()) for h in cut.results)
    assert all(h.snippets.body for h in cut.results)  # the lead instead of fragments
    assert cut.scope_counts is None
    notice = [n for n in cut.query.notices if "time" in n]
    assert notice == ["the search ran out of time; left out: the marked snippets of "
                      "5 results, the counts per scope"]
    assert not [n for n in full.query.notices if "time" in n]


def test_over_budget_no_respelling(lexicon):
    word = WORDS["ba"][0]
    params = SearchParams.from_args({"q": word[:-1] + "x"})
    assert run_search(lexicon, params).suggestion == word
    cut = run_search(lexicon, params, budget=Budget(0))
    assert cut.total == 0 and cut.suggestion is None
    assert "the search ran out of time; left out: the spelling suggestions" in \
        cut.query.notices


def test_the_budget_comes_from_the_config(engine, lexicon, tmp_path):
    app = app_of(engine, lexicon, tmp_path)
    app.config["SEARCH_BUDGET_SECONDS"] = 0
    client = app.test_client()
    api = client.get("/api/search", query_string={"q": "ba*"}).get_json()
    assert api["total"] == len(RECORDS)
    assert any("ran out of time" in n for n in api["notices"])
    assert "<mark>" not in json.dumps(api["results"])
    page = client.get("/search", query_string={"q": "ba*"}).get_data(as_text=True)
    assert "The search ran out of time" in page
    app.config["SEARCH_BUDGET_SECONDS"] = 30
    api = client.get("/api/search", query_string={"q": "ba*"}).get_json()
    assert not any("ran out of time" in n for n in api["notices"])
    assert "<mark>" in json.dumps(api["results"])


def test_fuzzy_words_past_the_first_few_are_read_as_typed(lexicon):
    # Finding fuzzy candidates reads a field's whole lexicon: 8 words~2 took 1.9 s of CPU
    # on the 20,000-article collection, whatever the expansion cap.
    words = [WORDS[p][i] for i, p in enumerate(PREFIXES[:8])]  # in articles 0 to 7
    r = run_search(lexicon, SearchParams.from_args({"q": " OR ".join(w + "~2" for w in words)}))
    assert r.total == 8  # each word is in one article, found fuzzy or as typed
    assert (f"only the first {MAX_FUZZY_WORDS} fuzzy words (word~) were searched for "
            "similar words; the others as typed") in r.query.notices
    assert r.query.read_as.count("~") == MAX_FUZZY_WORDS
