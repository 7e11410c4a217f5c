"""The array engine against Whoosh's own searcher on the same index generation.

Every query here is also written by hand as a whoosh.query tree (terms analysed with the
schema's analyzer) and run through a plain Whoosh Searcher; the sets of matching article
ids must be equal, and for term queries so must the scores: Whoosh's BM25F with Lucene's
idf (LuceneIdfBM25F) in one field, the BM25F formula over Whoosh's postings for a word in
several of the article's own parts (Scores).
"""

from __future__ import annotations

import datetime as dt
import math

import newsgen
import pytest
from conftest import article, build_index
from whoosh import query as Q
from whoosh import scoring

from searchapp.backends.whoosh import WhooshBackend, building, generations, merge
from searchapp.backends.whoosh import evaluate as engine
from searchapp.backends.whoosh.evaluate import Evaluator
from searchapp.backends.whoosh.leaves import K1, B
from searchapp.backends.whoosh.matching import filter_query, order
from searchapp.backends.whoosh.snapshot import Snapshot, open_generation
from searchapp.fields import COMBINED_PARTS
from searchapp.search import matcher
from searchapp.search.params import SearchParams
from searchapp.search.parser import parse
from searchapp.search.service import run_search, to_query


class Ours:
    """Our backend over a generation, and its snapshot (arrays, searcher) for engine tests."""

    def __init__(self, index_dir):
        self.backend = WhooshBackend(str(index_dir))
        self.snap: Snapshot = self.backend.snapshot()
        self.searcher = self.snap.searcher
        self.data = self.snap.data

    def close(self):
        self.backend.close()


def matching_docs(ours: Ours, params: SearchParams):
    f = filter_query(ours.data, to_query(params)[0])
    return order(f.match, ours.data, f.final, params.sort)

TEXT = ("headline", "body", "captions", "quotes", "comments")
SCOPE_FIELDS = {"all": TEXT, "headline": ("headline",), "body": ("body", "captions"),
                "quotes": ("quotes",), "comments": ("comments",)}
DUP_FIRST = article(id="dup-story", headline="Zyzzyva sighted", body="A zyzzyva was seen.",
                    source="Gazette", published="2019-05-05")
DUP_LAST = article(id="dup-story", headline="Quokka sighted", body="A quokka was seen.",
                   source="Gazette", published="2019-05-06")


def _records() -> list[dict]:
    recs = newsgen.records()
    return recs[:5] + [DUP_FIRST] + recs[5:] + [DUP_LAST]


class LuceneIdfBM25F(scoring.BM25F):
    """Whoosh's BM25F with Lucene's idf, as our evaluator scores (arrays.IndexData.idf)."""

    def idf(self, searcher, fieldname, text):
        parent = searcher.get_parent()
        n = parent.doc_frequency(fieldname, text)
        return math.log(1 + (parent.doc_count_all() - n + 0.5) / (n + 0.5))


@pytest.fixture(scope="module", params=["one-segment", "many-segments"])
def ix(request, tmp_path_factory):
    """(Ours, a plain Whoosh searcher) over one generation of the generated corpus."""
    mp = pytest.MonkeyPatch()
    if request.param == "many-segments":
        # A tiny writer budget flushes a segment every few documents, so postings, lengths
        # and deletions span segments (and the duplicate's two versions sit in different ones).
        mp.setattr(building, "WRITER_MEMORY", 300_000)
        mp.setattr(merge, "KEEP_SEGMENTS", 1000)  # and the build does not merge them
    try:
        index_dir = build_index(tmp_path_factory.mktemp(request.param), _records())
    finally:
        mp.undo()
    real = generations.current_path(str(index_dir))
    ours = Ours(index_dir)
    ref = open_generation(real).searcher(weighting=LuceneIdfBM25F())
    segments = len(list(ref.reader().leaf_readers()))
    assert segments > 3 if request.param == "many-segments" else segments == 1
    yield ours, ref
    ours.close()
    ref.close()


# -- Whoosh query builders (the reference) -------------------------------------------------

class Ref:
    """Builds whoosh.query trees with the index schema's own analyzers."""

    def __init__(self, searcher):
        self.schema = searcher.schema

    def toks(self, field: str, text: str) -> list[str]:
        return [t.text for t in self.schema[field].analyzer(text)]

    def word(self, word: str, fields=TEXT):
        subs = []
        for f in fields:
            ts = self.toks(f, word)
            if len(ts) == 1:
                subs.append(Q.Term(f, ts[0]))
            elif ts:
                subs.append(Q.Phrase(f, ts))
        return Q.Or(subs)

    def phrase(self, words: str, fields=TEXT, slop: int = 0):
        subs = []
        for f in fields:
            ts = self.toks(f, words)
            # Whoosh's slop counts the distance between neighbours (1 = adjacent); ours
            # counts the words allowed in between (0 = adjacent).
            subs.append(Q.Phrase(f, ts, slop=slop + 1) if len(ts) > 1 else Q.Term(f, ts[0]))
        return Q.Or(subs)

    def prefix(self, text: str, fields=TEXT):
        return Q.Or([Q.Prefix(f, text) for f in fields])

    def fuzzy(self, word: str, dist: int, fields=TEXT):
        return Q.Or([Q.FuzzyTerm(f, self.toks(f, word)[0], maxdist=dist, prefixlength=1)
                     for f in fields])


def days(start: str | None, end: str | None):
    s = dt.datetime.fromisoformat(start) if start else None
    e = (dt.datetime.fromisoformat(end) + dt.timedelta(days=1, microseconds=-1)) if end else None
    return Q.DateRange("published", s, e)


H, BO, C, QU, CO = ("headline",), ("body",), ("captions",), ("quotes",), ("comments",)
SPK, CMT, SRC = ("speaker_names",), ("commenter_names",), ("source_name",)

# (query, scope, reference builder)
CASES = [
    ("election", "all", lambda r: r.word("election")),
    ("Elections", "all", lambda r: r.word("elections")),
    ("elected", "all", lambda r: r.word("elected")),
    ("café", "all", lambda r: r.word("cafe")),
    ("CAFE", "all", lambda r: r.word("café")),
    ("Müller", "all", lambda r: r.word("muller")),
    ("naive", "all", lambda r: r.word("naïve")),
    ("strasse", "all", lambda r: r.word("Straße")),
    ("zoe", "all", lambda r: r.word("Zoë")),
    ("election minister", "all", lambda r: Q.And([r.word("election"), r.word("minister")])),
    ("election AND minister", "all",
     lambda r: Q.And([r.word("election"), r.word("minister")])),
    ("election OR treaty", "all", lambda r: Q.Or([r.word("election"), r.word("treaty")])),
    ("election -minister", "all",
     lambda r: Q.And([r.word("election"), Q.Not(r.word("minister"))])),
    ("election NOT minister", "all",
     lambda r: Q.And([r.word("election"), Q.Not(r.word("minister"))])),
    ("-minister", "all", lambda r: Q.Not(r.word("minister"))),
    ("NOT minister NOT election", "all",
     lambda r: Q.And([Q.Not(r.word("minister")), Q.Not(r.word("election"))])),
    ("(election OR treaty) (russia OR syria)", "all",
     lambda r: Q.And([Q.Or([r.word("election"), r.word("treaty")]),
                      Q.Or([r.word("russia"), r.word("syria")])])),
    ("election OR (treaty -peace)", "all",
     lambda r: Q.Or([r.word("election"), Q.And([r.word("treaty"), Q.Not(r.word("peace"))])])),
    ("strike troops russia", "all",
     lambda r: Q.And([r.word("strike"), r.word("troops"), r.word("russia")])),
    ("the election", "all", lambda r: r.word("election")),
    ("the", "all", lambda r: Q.NullQuery),
    ('"secretary of state"', "all", lambda r: r.phrase("secretary of state")),
    ('"state of emergency"', "all", lambda r: r.phrase("state of emergency")),
    ("“prime minister”", "all", lambda r: r.phrase("prime minister")),
    ('"minister state"', "all", lambda r: r.phrase("minister state")),
    ('"central bank"~2', "all", lambda r: r.phrase("central bank", slop=2)),
    ('"minister state"~1', "all", lambda r: r.phrase("minister state", slop=1)),
    ('"election minister"~6', "all", lambda r: r.phrase("election minister", slop=6)),
    ('"secretary state"~3 -peace', "all",
     lambda r: Q.And([r.phrase("secretary state", slop=3), Q.Not(r.word("peace"))])),
    ("well-known", "all", lambda r: r.word("well-known")),
    ("U.S.-linked", "all", lambda r: r.word("U.S.-linked")),
    ("long-term OR cease-fire", "all",
     lambda r: Q.Or([r.word("long-term"), r.word("cease-fire")])),
    ("elect*", "all", lambda r: r.prefix("elect")),
    ("tax*", "all", lambda r: r.prefix("tax")),
    ("Caf*", "all", lambda r: r.prefix("caf")),
    ("mül*", "all", lambda r: r.prefix("mul")),
    ("elect* -election", "all",
     lambda r: Q.And([r.prefix("elect"), Q.Not(r.word("election"))])),
    ("election zzqx*", "all", lambda r: Q.And([r.word("election"), r.prefix("zzqx")])),
    ("election OR zzqx*", "all", lambda r: Q.Or([r.word("election"), r.prefix("zzqx")])),
    ("election -zzqx*", "all", lambda r: Q.And([r.word("election"), Q.Not(r.prefix("zzqx"))])),
    ("election qxzvbn~", "all", lambda r: Q.And([r.word("election"), r.fuzzy("qxzvbn", 1)])),
    ("electon~", "all", lambda r: r.fuzzy("electon", 1)),
    ("minstr~2", "all", lambda r: r.fuzzy("minstr", 2)),
    ("headline:election", "all", lambda r: r.word("election", H)),
    ("title:election", "all", lambda r: r.word("election", H)),
    ("body:election", "all", lambda r: r.word("election", BO)),
    ("quote:peace", "all", lambda r: r.word("peace", QU)),
    ("comment:peace", "all", lambda r: r.word("peace", CO)),
    ("caption:strike", "all", lambda r: r.word("strike", C)),
    ("speaker:popov", "all", lambda r: r.word("popov", SPK)),
    ('speaker:"yury popov"', "all", lambda r: r.phrase("yury popov", SPK)),
    ('speaker:"popov maria"', "all", lambda r: r.phrase("popov maria", SPK)),
    ("commenter:holm", "all", lambda r: r.word("holm", CMT)),
    ("commenter:zoë", "all", lambda r: r.word("zoe", CMT)),
    ("source:bbc", "all", lambda r: r.word("bbc", SRC)),
    ('source:"le monde"', "all", lambda r: r.phrase("le monde", SRC)),
    ("headline:(election OR minister)", "all",
     lambda r: Q.Or([r.word("election", H), r.word("minister", H)])),
    ("-headline:election", "all", lambda r: Q.Not(r.word("election", H))),
    ('-speaker:"john smith" election', "all",
     lambda r: Q.And([Q.Not(r.phrase("john smith", SPK)), r.word("election")])),
    ("headline:election body:minister", "all",
     lambda r: Q.And([r.word("election", H), r.word("minister", BO)])),
    ("election date:[2019-01-01 TO 2019-06-30]", "all",
     lambda r: Q.And([r.word("election"), days("2019-01-01", "2019-06-30")])),
    ("date:2020", "all", lambda r: days("2020-01-01", "2020-12-31")),
    ("minister date:>2020-06", "all",
     lambda r: Q.And([r.word("minister"), days("2020-07-01", None)])),
    ("minister date:<2018", "all", lambda r: Q.And([r.word("minister"), days(None, "2017-12-31")])),
    ("zyzzyva", "all", lambda r: r.word("zyzzyva")),
    ("quokka OR zyzzyva", "all", lambda r: Q.Or([r.word("quokka"), r.word("zyzzyva")])),
    ("election", "headline", lambda r: r.word("election", H)),
    ("election", "body", lambda r: r.word("election", BO + C)),
    ("peace", "quotes", lambda r: r.word("peace", QU)),
    ("peace", "comments", lambda r: r.word("peace", CO)),
    ('"secretary of state"', "body", lambda r: r.phrase("secretary of state", BO + C)),
    ("elect*", "quotes", lambda r: r.prefix("elect", QU)),
    ("-peace", "comments", lambda r: Q.Not(r.word("peace", CO))),
    ("election OR peace", "headline",
     lambda r: Q.Or([r.word("election", H), r.word("peace", H)])),
    # A field prefix overrides the scope.
    ("speaker:smith", "comments", lambda r: r.word("smith", SPK)),
]


def our_ids(ours: Ours, q: str, scope: str = "all", **args) -> set[str]:
    params = SearchParams.from_args({"q": q, "scope": scope, **args})
    docs = matching_docs(ours, params)
    ids = [ours.searcher.stored_fields(int(d))["id"] for d in docs]
    assert len(ids) == len(set(ids))
    return set(ids)


def whoosh_ids(ref, query) -> set[str]:
    return {hit["id"] for hit in ref.search(query, limit=None)}


@pytest.mark.parametrize(("q", "scope", "build"), CASES,
                         ids=[f"{q}|{scope}" for q, scope, _ in CASES])
def test_matches_equal_whoosh(ix, q, scope, build):
    ours, ref = ix
    expected = whoosh_ids(ref, build(Ref(ref)))
    assert our_ids(ours, q, scope) == expected
    # run_search counts the same documents matching_docs lists.
    response = run_search(ours.backend, SearchParams.from_args({"q": q, "scope": scope}))
    assert response.total == len(expected)


def test_the_cases_are_not_trivial(ix):
    """The comparison means something only if most cases match some but not all documents."""
    ours, ref = ix
    r = Ref(ref)
    sizes = [len(whoosh_ids(ref, build(r))) for _, _, build in CASES]
    live = ours.data.doc_count
    assert sum(0 < n < live for n in sizes) >= len(CASES) - 8
    assert sizes[[c[0] for c in CASES].index('speaker:"popov maria"')] == 0


def test_deleted_duplicate_never_matches(ix):
    ours, ref = ix
    assert ours.data.n == ours.data.doc_count + 1  # the replaced version is deleted, not gone
    assert our_ids(ours, "zyzzyva") == set()
    assert our_ids(ours, "quokka") == {"dup-story"}
    assert our_ids(ours, "sighted") == {"dup-story"}
    assert "dup-story" in our_ids(ours, "-zyzzyva")
    assert len(our_ids(ours, "-zyzzyva")) == ours.data.doc_count
    assert our_ids(ours, "", source="Gazette") == {"dup-story"}
    assert our_ids(ours, "zyzz*") == set()
    assert our_ids(ours, "zyzzyvo~") == set()


@pytest.mark.parametrize(("date_from", "date_to", "start", "end"), [
    ("2019", "2019-06", "2019-01-01", "2019-06-30"),
    ("2020-02-29", None, "2020-02-29", None),
    (None, "2018-02", None, "2018-02-28"),
])
def test_from_to_params_equal_whoosh_date_range(ix, date_from, date_to, start, end):
    ours, ref = ix
    args = {k: v for k, v in (("from", date_from), ("to", date_to)) if v}
    r = Ref(ref)
    assert our_ids(ours, "minister", **args) == whoosh_ids(
        ref, Q.And([r.word("minister"), days(start, end)]))
    # Query dates and from/to intersect.
    assert our_ids(ours, "minister date:2019", **args) == whoosh_ids(
        ref, Q.And([r.word("minister"), days(start, end), days("2019-01-01", "2019-12-31")]))
    # An empty query with dates lists every dated article in the range.
    assert our_ids(ours, "", **args) == whoosh_ids(ref, days(start, end))


class Scores:
    """Expected scores, {docnum: score}, worked out from Whoosh's own postings and lengths.

    A word in one field scores as Whoosh's BM25F (with Lucene's idf) scores it; a word in
    two or more of the article's own parts (COMBINED_PARTS) by the BM25F formula over them
    together: each part's weight (tf times boost) over (1 - B + B * length / average),
    summed, saturated once, times the idf of the articles having it in any of them. AND
    and OR add their items' scores, as Whoosh's do."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.ref = Ref(searcher)

    def _whoosh(self, q) -> dict[int, float]:
        return {hit.docnum: hit.score for hit in self.searcher.search(q, limit=None)}

    def word(self, word: str, fields=TEXT) -> dict[int, float]:
        parts = [f for f in fields if f in COMBINED_PARTS]
        terms = {tuple(self.ref.toks(f, word)) for f in parts}
        if len(parts) < 2 or len(terms) != 1 or len(next(iter(terms))) != 1:
            return self._whoosh(self.ref.word(word, fields))
        term = next(iter(terms))[0]
        tf: dict[int, float] = {}
        for f in parts:
            if (f, term) not in self.searcher.reader():
                continue
            m = self.searcher.postings(f, term)
            average = self.searcher.avg_field_length(f)
            while m.is_active():
                d = m.id()
                length = self.searcher.doc_field_length(d, f)
                tf[d] = tf.get(d, 0.0) + m.weight() / (1 - B + B * length / average)
                m.next()
        n = self.searcher.doc_count_all()
        idf = math.log(1 + (n - len(tf) + 0.5) / (len(tf) + 0.5))
        out = {d: idf * t * (K1 + 1) / (t + K1) for d, t in tf.items()}
        others = [f for f in fields if f not in parts]
        if others:
            for d, score in self._whoosh(self.ref.word(word, others)).items():
                out[d] = out.get(d, 0.0) + score
        return out

    @staticmethod
    def and_(items: list[dict[int, float]]) -> dict[int, float]:
        common = set.intersection(*(set(x) for x in items))
        return {d: sum(x[d] for x in items) for d in common}

    @staticmethod
    def or_(items: list[dict[int, float]]) -> dict[int, float]:
        out: dict[int, float] = {}
        for x in items:
            for d, score in x.items():
                out[d] = out.get(d, 0.0) + score
        return out


SCORED = [
    ("election", "all", lambda r: r.word("election")),
    ("café", "all", lambda r: r.word("café")),
    ("minister", "all", lambda r: r.word("minister")),
    ("strike", "headline", lambda r: r.word("strike", H)),
    ("peace", "body", lambda r: r.word("peace", BO + C)),
    ("headline:strike", "all", lambda r: r.word("strike", H)),
    ("comment:peace", "all", lambda r: r.word("peace", CO)),
    ("speaker:smith", "all", lambda r: r.word("smith", SPK)),
    ("commenter:holm", "all", lambda r: r.word("holm", CMT)),
    ("source:reuters", "all", lambda r: r.word("reuters", SRC)),
    ("election minister", "all", lambda r: r.and_([r.word("election"), r.word("minister")])),
    ("election OR peace", "all", lambda r: r.or_([r.word("election"), r.word("peace")])),
    # AND binds tighter than OR: read as "(strike troops) OR russia".
    ("strike troops OR russia", "all",
     lambda r: r.or_([r.and_([r.word("strike"), r.word("troops")]), r.word("russia")])),
]


@pytest.mark.parametrize(("q", "scope", "build"), SCORED, ids=[c[0] for c in SCORED])
def test_scores_equal_whoosh_bm25f(ix, q, scope, build):
    ours, ref = ix
    expected = build(Scores(ref))
    assert len(expected) > 1
    match = Evaluator(ours.data, scope).run(parse(q).tree)
    docs = {int(d) for d in match.mask.nonzero()[0]}
    assert docs == set(expected)
    for d, score in expected.items():
        assert float(match.scores[d]) == pytest.approx(score, rel=1e-4), d


@pytest.mark.parametrize(("q", "build"), [SCORED[0][::2], SCORED[10][::2], SCORED[11][::2],
                                           SCORED[12][::2]], ids=["one", "and", "or", "mixed"])
def test_relevance_order_follows_whoosh_scores(ix, q, build):
    ours, ref = ix
    by_docnum = build(Scores(ref))
    expected = {ref.stored_fields(d)["id"]: score for d, score in by_docnum.items()}
    response = run_search(ours.backend, SearchParams.from_args({"q": q, "per_page": "100"}))
    got = [h.id for h in response.results]
    assert set(got) == set(expected) or len(got) == 100
    ranked = [expected[i] for i in got]
    for a, b in zip(ranked, ranked[1:], strict=False):
        assert a >= b * (1 - 1e-4)
    # The expected top ten, where the scores leave no tie at the cut.
    top = sorted(expected.items(), key=lambda x: -x[1])[:11]
    if len(top) == 11 and top[9][1] > top[10][1] * (1 + 1e-4):
        assert set(got[:10]) == {i for i, _ in top[:10]}
    for hit in response.results:
        assert hit.score == pytest.approx(expected[hit.id], rel=1e-4)


def test_prefix_expansion_is_capped_to_the_most_frequent(ix, monkeypatch):
    ours, ref = ix
    reader = ref.reader()
    expansions = [t.decode() for t in reader.expand_prefix("body", "re")]
    assert len(expansions) > 2
    monkeypatch.setattr(matcher, "MAX_PREFIX_TERMS", 2)
    match = Evaluator(ours.data, "body").run(parse("re*").tree)
    notice = "too many words start with 're'; the 2 most frequent were searched"
    assert notice in match.notices
    chosen = match.marks["body"].terms
    assert len(chosen) == 2
    df = {t: reader.doc_frequency("body", t) for t in expansions}
    assert min(df[t] for t in chosen) >= max(df[t] for t in set(expansions) - chosen)
    assert len(match.marks.get("captions", engine.Marks()).terms) <= 2
    got = {ours.searcher.stored_fields(int(d))["id"] for d in match.mask.nonzero()[0]}
    capped = Q.Or([Q.Term(f, t) for f, marks in match.marks.items() for t in marks.terms])
    assert got == whoosh_ids(ref, capped)
    assert got < whoosh_ids(ref, Ref(ref).prefix("re", BO + C))
    # The notice reaches the page.
    response = run_search(ours.backend, SearchParams.from_args({"q": "re*", "scope": "body"}))
    assert notice in response.query.notices
    assert response.total == len(got)


def test_short_prefix_and_bare_star_search_nothing(ix):
    ours, _ = ix
    m = Evaluator(ours.data).run(parse("e* election").tree)
    assert "'e*' is too short for a prefix search; use at least 2 letters" in m.notices
    assert our_ids(ours, "e* election") == our_ids(ours, "election")
    response = run_search(ours.backend, SearchParams.from_args({"q": "*"}))
    assert "'*' matches everything and was ignored" in response.query.notices
    assert response.total == ours.data.doc_count  # read as an empty query: browse
