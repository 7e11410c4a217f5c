"""The query language's matches, on every backend, against the slow reference model.

One case per feature of DESIGN 3.3 (stems, accents, AND/OR/NOT, groups, stop words,
phrases and slop, hyphenated words, prefixes, fuzzy words, every field prefix, dates,
scopes, filters), over a generated corpus with a replaced duplicate: what the backend
lists must be what tests/reference.py works out from the records.
"""

from __future__ import annotations

import html
import re

import newsgen
import pytest
from conftest import article
from reference import Model

from contract.helpers import ids, search
from indexer.article import Article
from searchapp.analysis import terms as analyse
from searchapp.search.params import SearchParams

DUP_FIRST = article(id="dup-story", headline="Zyzzyva sighted", body="A zyzzyva was seen.",
                    source="Gazette", published="2019-05-05")
DUP_LAST = article(id="dup-story", headline="Quokka sighted", body="A quokka was seen.",
                   source="Gazette", published="2019-05-06")
RECORDS = newsgen.records()[:5] + [DUP_FIRST] + newsgen.records()[5:] + [DUP_LAST]
MODEL = Model([Article.from_dict({**r, "path": "x"}) for r in RECORDS])

QUERIES = [
    ("election", "all"),
    ("Elections", "all"),
    ("CAFE", "all"),
    ("Müller", "all"),
    ("strasse", "all"),
    ("election minister", "all"),
    ("election OR treaty", "all"),
    ("election -minister", "all"),
    ("NOT minister NOT election", "all"),
    ("(election OR treaty) (russia OR syria)", "all"),
    ("election OR (treaty -peace)", "all"),
    ("the election", "all"),
    ("the", "all"),
    ('"secretary of state"', "all"),
    ("“prime minister”", "all"),
    ('"minister state"', "all"),
    ('"central bank"~2', "all"),
    ('"secretary state"~3 -peace', "all"),
    ("U.S.-linked", "all"),
    ("long-term OR cease-fire", "all"),
    ("elect*", "all"),
    ("mül*", "all"),
    ("elect* -election", "all"),
    ("election zzqx*", "all"),
    ("e* election", "all"),
    ("electon~", "all"),
    ("minstr~2", "all"),
    ("election qxzvbn~", "all"),
    ("headline:election", "all"),
    ("title:election body:minister", "all"),
    ("quote:peace", "all"),
    ("comment:peace", "all"),
    ("caption:strike", "all"),
    ("speaker:popov", "all"),
    ('speaker:"yury popov"', "all"),
    ('speaker:"popov maria"', "all"),
    ("commenter:zoë", "all"),
    ('source:"le monde"', "all"),
    ("author:chen", "all"),
    ("tag:climate", "all"),
    ("headline:(election OR minister)", "all"),
    ('-speaker:"john smith" election', "all"),
    ("election date:[2019-01-01 TO 2019-06-30]", "all"),
    ("minister date:>2020-06", "all"),
    ("zyzzyva", "all"),
    ("quokka OR zyzzyva", "all"),
    ("election", "headline"),
    ("election", "body"),
    ("peace", "quotes"),
    ("-peace", "comments"),
    ("elect*", "quotes"),
    ("speaker:smith", "comments"),
]
# Search arguments besides the query: dates and facet filters.
FILTERED = [
    ("minister", {"from": "2019", "to": "2019-06"}),
    ("minister date:2019", {"to": "2019-06"}),
    ("", {"from": "2018-02", "to": "2018-02"}),
    ("election", {"source": ["BBC", "Reuters"], "year": ["2019", "2020"]}),
    ("", {"speaker": ["John Smith"], "tag": ["war", "climate"]}),
    ("-election", {"commenter": ["jens holm"]}),
]


@pytest.fixture(scope="module")
def backend(engine, tmp_path_factory):
    built = engine.build(tmp_path_factory.mktemp("matching"), RECORDS)
    yield built
    built.close()


def test_the_cases_are_not_trivial():
    """The comparison means something only if most cases match some but not all articles."""
    sizes = [len(MODEL.ids(q, scope)) for q, scope in QUERIES]
    assert sum(0 < n < len(MODEL.docs) for n in sizes) >= len(QUERIES) - 8
    assert sizes[QUERIES.index(('speaker:"popov maria"', "all"))] == 0


@pytest.mark.parametrize(("q", "scope"), QUERIES, ids=[f"{q}|{s}" for q, s in QUERIES])
def test_matches_equal_the_reference(backend, q, scope):
    found = ids(backend, q=q, scope=scope)
    assert len(found) == len(set(found))
    assert set(found) == MODEL.ids(q, scope)
    assert search(backend, q=q, scope=scope).total == len(found)


@pytest.mark.parametrize(("q", "args"), FILTERED, ids=[f"{q}|{a}" for q, a in FILTERED])
def test_dates_and_filters_equal_the_reference(backend, q, args):
    params = SearchParams.from_args({"q": q, **args})
    expected = MODEL.ids(q, "all", params.date_from, params.date_to,
                         {k: list(v) for k, v in params.filters.items()})
    assert 0 < len(expected) < len(MODEL.docs)
    assert set(ids(backend, q=q, **args)) == expected


def test_a_replaced_duplicate_never_matches(backend):
    assert ids(backend, q="zyzzyva") == []
    assert ids(backend, q="quokka") == ["dup-story"]
    assert ids(backend, q="sighted") == ["dup-story"]
    assert "dup-story" in ids(backend, q="-zyzzyva")
    assert len(ids(backend, q="-zyzzyva")) == backend.health().documents == len(MODEL.docs)
    assert ids(backend, source="Gazette") == ["dup-story"]
    assert ids(backend, q="zyzz*") == []
    assert ids(backend, q="zyzzyvo~") == []


def test_phrase_slop_counts_the_words_skipped_in_all(make_backend):
    """`"a b c"~N` allows N other words in all between the words, in order (Lucene's ordered
    intervals; Whoosh's own phrase query would allow N per gap). Every occurrence of each
    word is tried, not only the first one after the word before."""
    backend = make_backend([
        article(id="later", headline="x", body="alpha beta beta delta gamma"),
        article(id="none", headline="x", body="alpha beta delta epsilon zeta gamma"),
        article(id="exact", headline="x", body="alpha beta gamma"),
        article(id="second", headline="x", body="alpha delta delta alpha beta gamma"),
    ])
    for slop, expected in ((0, {"exact", "second"}), (1, {"exact", "second"}),
                           (2, {"exact", "second", "later"}),
                           (3, {"exact", "second", "later", "none"})):
        q = f'"alpha beta gamma"~{slop}' if slop else '"alpha beta gamma"'
        assert set(ids(backend, q=q)) == expected, slop


def test_phrase_never_spans_two_entries(make_backend):
    backend = make_backend([
        article(id="two", headline="x", body="y",
                quotes=[{"text": "we want peace", "speaker": "Ann Lee"},
                        {"text": "treaty now", "speaker": "Bo Diaz"}],
                comments=[{"author": "Cy Young", "text": "first peace"},
                          {"author": "Di Park", "text": "treaty second"}]),
    ])
    assert ids(backend, q='"peace treaty"') == []
    assert ids(backend, q='"peace treaty"~20') == []
    assert ids(backend, q='speaker:"lee bo"') == []
    assert ids(backend, q='commenter:"young di"~5') == []
    assert ids(backend, q='quote:"want peace"') == ["two"]
    assert ids(backend, q='speaker:"bo diaz"') == ["two"]


def test_words_left_out_are_said(backend):
    r = search(backend, q="e* election")
    assert "'e*' is too short for a prefix search; use at least 2 letters" in r.query.notices
    r = search(backend, q="the election")
    assert "'the' is too common or too short to search for; it was left out" in r.query.notices
    r = search(backend, q="*")
    assert "'*' matches everything and was ignored" in r.query.notices
    assert r.total == backend.health().documents  # read as an empty query: browse


@pytest.mark.parametrize(("q", "scope", "terms"), [
    ("election", "body", {"elect"}),
    ('"secretary of state"', "body", {("secretari", "state")}),
    ("elect*", "body", {"elect", "elector"}),
    ("minstr~2", "body", {"minist", "ministri"}),
    ("peace", "quotes", {"peac"}),
    ("peace", "comments", {"peac"}),
    ("strike", "headline", {"strike"}),
])
def test_every_hit_has_its_match_marked(backend, q, scope, terms):
    """The spans a backend gives point at the matched words, and only at them."""
    response = search(backend, q=q, scope=scope, per_page="100")
    assert min(response.total, 100) == len(response.results) > 3
    for hit in response.results:
        s = hit.snippets
        shown = {"body": s.body + s.captions, "quotes": [t for t, _ in s.quotes],
                 "comments": [t for t, _, _ in s.comments], "headline": [s.headline]}[scope]
        marked = [html.unescape(m) for f in shown
                  for m in re.findall(r"<mark>(.*?)</mark>", f, re.S)]
        assert marked, hit.id
        for m in marked:
            found = [t for t, _, _, _ in analyse(m)]
            assert (found[0] if len(found) == 1 else tuple(found)) in terms, (hit.id, m)


ENTRY_RECORDS = [
    article(id="same", headline="Talks", body="Talks went on.",
            quotes=[{"text": "We need a ceasefire now", "speaker": "General Yury Popov"},
                    {"text": "No comment", "speaker": "Ann Lee"}],
            comments=[{"author": "Cy Young", "text": "A treaty at last"},
                      {"author": "Di Park", "text": "Too late"}]),
    article(id="split", headline="Talks", body="Talks went on.",
            quotes=[{"text": "The weather is fine", "speaker": "Yury Popov"},
                    {"text": "A ceasefire is near", "speaker": "Ann Lee"}],
            comments=[{"author": "Cy Young", "text": "Too late"},
                      {"author": "Di Park", "text": "A treaty at last"}]),
]
ENTRY_MODEL = Model([Article.from_dict({**r, "path": "x"}) for r in ENTRY_RECORDS])


@pytest.mark.parametrize(("q", "scope", "expected"), [
    # The speaker's words in the speaker's own quote.
    ("speaker:popov ceasefire", "quotes", {"same"}),
    ("speaker:popov quote:ceasefire", "all", {"same"}),
    ('speaker:"yury popov" "need a ceasefire"', "quotes", {"same"}),
    ("speaker:popov ceasef*", "quotes", {"same"}),
    ("speaker:(popov OR lee) ceasefire", "quotes", {"same", "split"}),
    # Plain words in the "all" scope search the whole article, quotes included.
    ("speaker:popov ceasefire", "all", {"same", "split"}),
    # Without a person, words of quotes may sit in different quotes.
    ("quote:ceasefire quote:weather", "all", {"split"}),
    # An excluded word is excluded from the whole article.
    ("speaker:popov -ceasefire", "quotes", set()),
    ("speaker:popov -weather", "quotes", {"same"}),
    # Commenters and their comments.
    ('commenter:"cy young" treaty', "comments", {"same"}),
    ("commenter:park comment:treaty", "all", {"split"}),
    ("commenter:park treaty", "all", {"same", "split"}),
])
def test_a_person_and_words_meet_in_one_entry(make_backend, q, scope, expected):
    backend = make_backend(ENTRY_RECORDS)
    assert set(ids(backend, q=q, scope=scope)) == ENTRY_MODEL.ids(q, scope) == expected
