"""SearchParams.from_args: pure, validated, clamped; a ParamError sentence for every 400."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from searchapp.fields import FACETS as FACET_FIELDS
from searchapp.search.params import (
    DEFAULT_FACET_SIZE,
    DEFAULT_PER_PAGE,
    MAX_FACET_SIZE,
    ParamError,
    SearchParams,
)


def test_defaults():
    for args in ({}, MultiDict()):
        p = SearchParams.from_args(args)
        assert p == SearchParams(
            q="", scope="all", filters={}, date_from=None, date_to=None, sort="relevance",
            page=1, per_page=DEFAULT_PER_PAGE, facets=FACET_FIELDS,
            facet_size={name: DEFAULT_FACET_SIZE for name in FACET_FIELDS}, snippets=True,
            notices=())
        assert p.to_args() == []


def test_plain_dict_and_multidict_read_the_same():
    plain = {"q": " election  minister ", "scope": "body", "source": ["BBC", "Reuters", "BBC"],
             "year": "2019", "from": "2019-02", "to": "2019-06", "sort": "newest", "page": "3",
             "per_page": "25", "tag_size": "40", "facets": "source,tag", "snippets": "none"}
    multi = MultiDict([("q", " election  minister "), ("scope", "body"), ("source", "BBC"),
                       ("source", "Reuters"), ("source", "BBC"), ("year", "2019"),
                       ("from", "2019-02"), ("to", "2019-06"), ("sort", "newest"),
                       ("page", "3"), ("per_page", "25"), ("tag_size", "40"),
                       ("facets", "source,tag"), ("snippets", "none")])
    a, b = SearchParams.from_args(plain), SearchParams.from_args(multi)
    assert a == b
    assert a.q == "election minister"
    assert a.filters == {"source": ("BBC", "Reuters"), "year": ("2019",)}
    assert (a.date_from, a.date_to) == ("2019-02-01", "2019-06-30")
    assert (a.scope, a.sort, a.page, a.per_page) == ("body", "newest", 3, 25)
    assert a.facet_size["tag"] == 40 and a.facet_size["source"] == DEFAULT_FACET_SIZE
    assert a.facets == ("source", "tag") and a.snippets is False


def test_first_value_wins_for_single_valued_arguments():
    p = SearchParams.from_args(MultiDict([("q", "first"), ("q", "second"),
                                          ("page", "2"), ("page", "7")]))
    assert (p.q, p.page) == ("first", 2)


def test_query_text_is_cleaned():
    p = SearchParams.from_args({"q": "  a\x00b\tc \ud800 d\x1b[31m \u0085 "})
    assert p.q == "a b c d [31m"
    assert SearchParams.from_args({"q": "x" * 10_000}).q == "x" * 10_000  # the parser cuts
    assert SearchParams.from_args({"source": ["", " ", "\x00"]}).filters == {}


@pytest.mark.parametrize(("value", "start", "end"), [
    ("2019", "2019-01-01", "2019-12-31"),
    ("2019-02", "2019-02-01", "2019-02-28"),
    ("2020-02", "2020-02-01", "2020-02-29"),
    ("2019-12", "2019-12-01", "2019-12-31"),
    ("9999-12", "9999-12-01", "9999-12-31"),
    ("2019-6-3", "2019-06-03", "2019-06-03"),
])
def test_dates_widen_to_whole_periods(value, start, end):
    p = SearchParams.from_args({"from": value, "to": value})
    assert (p.date_from, p.date_to) == (start, end)


BAD = [
    ({"scope": "titles"}, "scope must be one of all, headline, body, quotes, comments, "
                          "not 'titles'"),
    ({"scope": "x" * 100}, "scope must be one of all, headline, body, quotes, comments, "
                           f"not '{'x' * 40}'"),
    ({"sort": "best"}, "sort must be one of relevance, newest, oldest, comments, not 'best'"),
    ({"source": [f"s{i}" for i in range(51)]}, "at most 50 values of source can be selected"),
    ({"tag": "t" * 301}, "a tag value is longer than 300 characters"),
    ({"from": "yesterday"}, "from must be a date like 2019-06-30 (or 2019-06, or 2019)"),
    ({"to": "2019/06/30"}, "to must be a date like 2019-06-30 (or 2019-06, or 2019)"),
    ({"from": "2019-02-30"}, "from is not a real date: '2019-02-30'"),
    ({"to": "2019-13"}, "to is not a real date: '2019-13'"),
    ({"from": "0000"}, "from is not a real date: '0000'"),
    ({"from": "2019-06", "to": "2019-01"}, "from (2019-06-01) is after to (2019-01-31)"),
    ({"page": "0"}, "page must be 1 or more"),
    ({"page": "-3"}, "page must be 1 or more"),
    ({"page": "-" + "9" * 40}, "page must be 1 or more"),
    ({"page": "two"}, "page must be a whole number, not 'two'"),
    ({"page": "1.5"}, "page must be a whole number, not '1.5'"),
    ({"per_page": "0"}, "per_page must be 1 or more"),
    ({"per_page": "1e3"}, "per_page must be a whole number, not '1e3'"),
    ({"source_size": "0"}, "source_size must be 1 or more"),
    ({"year_size": "many"}, "year_size must be a whole number, not 'many'"),
    ({"facets": "source,colour"},
     "facets must be none, all, or names from source, year, speaker, commenter, author, tag"),
    ({"snippets": "some"}, "snippets must be all or none"),
    ({"not_speaker": [f"s{i}" for i in range(51)]},
     "at most 50 values of speaker can be excluded"),
    ({"not_tag": "t" * 301}, "a tag value is longer than 300 characters"),
    ({"source": ["BBC", "Reuters"], "not_source": ["Le Monde", "BBC"]},
     "'BBC' cannot be both selected and excluded in source"),
    ({"speaker_contains": "x" * 101}, "speaker_contains is longer than 100 characters"),
    ({"tag_sort": "popular"}, "tag_sort must be count or name, not 'popular'"),
    ({"author_page": "0"}, "author_page must be 1 or more"),
    ({"author_page": "last"}, "author_page must be a whole number, not 'last'"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[m[:40] for _, m in BAD])
def test_bad_values_are_a_sentence(args, message):
    with pytest.raises(ParamError) as e:
        SearchParams.from_args(args)
    assert str(e.value) == message
    with pytest.raises(ParamError):
        SearchParams.from_args(MultiDict(list(
            (k, x) for k, v in args.items() for x in (v if isinstance(v, list) else [v]))))


@pytest.mark.parametrize(("args", "field", "value", "notice"), [
    ({"per_page": str(10**6)}, "per_page", 100, "at most 100 results are shown per page"),
    ({"page": str(10**9)}, "page", 1000, "only the first 1,000 pages can be shown"),
    ({"page": "9" * 40}, "page", 1000, "only the first 1,000 pages can be shown"),
    ({"page": "+7"}, "page", 7, None),
    ({"speaker_page": "101"}, "facet_page", {"speaker": 100},
     "only the first 100 pages of a facet's values can be shown; search within them to find "
     "the others"),
    ({"speaker_page": "1"}, "facet_page", {}, None),
])
def test_clamps_say_so(args, field, value, notice):
    p = SearchParams.from_args(args)
    assert getattr(p, field) == value
    assert p.notices == ((notice,) if notice else ())


def test_facet_size_is_capped_quietly():
    p = SearchParams.from_args({"commenter_size": "100000"})
    assert p.facet_size["commenter"] == MAX_FACET_SIZE and p.notices == ()


@pytest.mark.parametrize("args", [
    {},
    {"q": "election -minister", "scope": "quotes"},
    {"q": "x", "source": ["BBC", "Le Monde"], "year": "2019", "speaker": "Yury Popov",
     "commenter": "jens holm", "author": "A B", "tag": ["war", "peace"]},
    {"from": "2019", "to": "2019-06", "sort": "oldest"},
    {"page": "4", "per_page": "50", "sort": "comments"},
    {"source_size": "30", "tag_size": "500"},
    {"facets": "none", "snippets": "none"},
    {"facets": "year,source"},
    {"facets": "all", "snippets": "all", "page": "1", "per_page": "10", "scope": "all"},
    {"q": "x", "speaker": "Lena Ortiz", "not_speaker": ["Declan Ofori", "Ann Lee"],
     "not_source": "BBC", "tag": "war", "not_tag": "peace"},
    {"speaker_contains": "Ortíz  Lena", "speaker_sort": "name", "speaker_page": "3",
     "commenter_sort": "count", "tag_contains": "a|b.*", "speaker_size": "100"},
])
def test_to_args_round_trip(args):
    p = SearchParams.from_args(args)
    again = SearchParams.from_args(MultiDict(p.to_args()))
    assert again == p
    assert SearchParams.from_args(MultiDict(again.to_args())).to_args() == p.to_args()


def test_to_args_leaves_defaults_out_and_keeps_order_of_values():
    p = SearchParams.from_args({"q": "x", "tag": ["b", "a"], "page": "2", "per_page": "10"})
    assert p.to_args() == [("q", "x"), ("tag", "b"), ("tag", "a"), ("page", "2")]
    assert p.with_(page=1).to_args() == [("q", "x"), ("tag", "b"), ("tag", "a")]


def test_exclusions_and_facet_options_are_read():
    p = SearchParams.from_args(MultiDict([
        ("not_speaker", "Lena Ortiz"), ("not_speaker", " Declan  Ofori "),
        ("not_speaker", "Lena Ortiz"), ("not_source", ""), ("speaker", "Ann Lee"),
        ("speaker_contains", "  ortiz\x00 "), ("tag_sort", "name"), ("tag_page", "4"),
        ("author_contains", "  ")]))
    assert p.exclude == {"speaker": ("Lena Ortiz", "Declan Ofori")}
    assert p.filters == {"speaker": ("Ann Lee",)}
    assert p.facet_contains == {"speaker": "ortiz"}
    assert (p.facet_sort, p.facet_page) == ({"tag": "name"}, {"tag": 4})
    assert p.to_args() == [("speaker", "Ann Lee"), ("not_speaker", "Lena Ortiz"),
                           ("not_speaker", "Declan Ofori"), ("speaker_contains", "ortiz"),
                           ("tag_sort", "name"), ("tag_page", "4")]
