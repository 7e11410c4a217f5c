"""Facet counts and filters, checked against counts taken by brute force from the records."""

from __future__ import annotations

from collections import Counter

import newsgen
import pytest
from conftest import article
from reference import Model

from indexer.article import Article
from searchapp.search.params import SearchParams
from searchapp.search.service import run_search

GHOST = article(id="dup-story", headline="Ghost", body="first version", source="Ghost Weekly",
                published="2016-01-01", tags=["ghost"],
                quotes=[{"text": "boo", "speaker": "Casper"}])
REAL = article(id="dup-story", headline="Real", body="second version", source="Gazette",
               published="2019-05-06", tags=["politics"])


def facet_values(rec: dict) -> dict[str, set[str]]:
    return {
        "source": {rec["source"]} if rec["source"] else set(),
        "year": {rec["published"][:4]} if rec["published"] else set(),
        "speaker": {q["speaker"] for q in rec["quotes"] if q["speaker"]},
        # A commenter is the handle, case-folded (issue 11: "Zoë Adams" is "zoë adams").
        "commenter": {c["author"].lower() for c in rec["comments"] if c["author"]},
        "author": set(rec["authors"]),
        "tag": set(rec["tags"]),
    }


RECORDS = [GHOST] + newsgen.records() + [REAL]
MODEL = Model([Article.from_dict({**r, "path": "x"}) for r in RECORDS])


@pytest.fixture(scope="module")
def ix(engine, tmp_path_factory):
    backend = engine.build(tmp_path_factory.mktemp("facets"), RECORDS)
    by_id = {r["id"]: facet_values(r) for r in RECORDS}  # the later duplicate wins
    yield backend, by_id
    backend.close()


def query_ids(ours, by_id: dict, q: str) -> set[str]:
    """The documents a query matches, by the reference model (test_matching checks the
    backend agrees)."""
    return MODEL.ids(q)


def brute(by_id: dict, ids: set[str], name: str, filters: dict[str, list[str]]) -> Counter:
    """Counts of facet `name` over `ids` filtered by every other facet's selection."""
    counts: Counter = Counter()
    for i in ids:
        values = by_id[i]
        if all(values[g] & set(sel) for g, sel in filters.items() if g != name):
            counts.update(values[name])
    return counts


def expected_list(counts: Counter, name: str, size: int, selected: list[str]):
    if name == "year":
        top = sorted(counts, reverse=True)[:size]
    else:
        top = sorted(counts, key=lambda v: (-counts[v], v))[:size]
    out = [(v, counts[v], v in selected) for v in top]
    out += [(v, counts[v], True) for v in selected if v not in top]
    return out


CASES = [
    ("", {}),
    ("election", {}),
    ("minister -peace", {}),
    ("", {"source": ["BBC"]}),
    ("", {"source": ["BBC", "Reuters"]}),
    ("election", {"source": ["BBC", "Reuters"], "year": ["2019", "2020"]}),
    ("election", {"tag": ["politics"], "speaker": ["John Smith", "Yury Popov"]}),
    ("", {"commenter": ["jens holm"], "author": ["Alice Brown", "Chen Wei"]}),
    ("minister -peace", {"year": ["2018"], "tag": ["war", "climate"]}),
    # Selected values with no match at all.
    ("", {"source": ["Ghost Weekly"]}),
    ("election", {"speaker": ["Nobody Known"], "year": ["1999"]}),
]


@pytest.mark.parametrize(("q", "filters"), CASES, ids=[f"{q}|{f}" for q, f in CASES])
def test_counts_equal_brute_force(ix, q, filters):
    ours, by_id = ix
    args = {"q": q, **filters}
    response = run_search(ours, SearchParams.from_args(args))
    ids = query_ids(ours, by_id, q)
    total = {i for i in ids if all(by_id[i][g] & set(sel) for g, sel in filters.items())}
    assert response.total == len(total)
    for name in ("source", "year", "speaker", "commenter", "author", "tag"):
        counts = brute(by_id, ids, name, filters)
        got = [(v.value, v.count, v.selected) for v in response.facets[name].values]
        assert got == expected_list(counts, name, 10, filters.get(name, [])), name
        assert response.facets[name].total_values == len(counts)


@pytest.mark.parametrize("size", [1, 2, 3, 4])
def test_top_values_by_count_then_value(ix, size):
    """With fewer places than values, ties at the cut go to the first values in order."""
    ours, by_id = ix
    names = ("source", "year", "speaker", "commenter", "author", "tag")
    ties = 0
    for q, filters in CASES:
        args = {"q": q, **filters, **{f"{name}_size": str(size) for name in names}}
        response = run_search(ours, SearchParams.from_args(args))
        ids = query_ids(ours, by_id, q)
        for name in names:
            counts = brute(by_id, ids, name, filters)
            got = [(v.value, v.count, v.selected) for v in response.facets[name].values]
            assert got == expected_list(counts, name, size, filters.get(name, [])), (q, name)
            assert response.facets[name].more == bool(set(counts) - {v for v, _, _ in got})
            ranked = sorted(counts.values(), reverse=True)
            ties += len(ranked) > size and ranked[size - 1] == ranked[size]
    assert ties  # some cut fell between equal counts


def test_cases_are_not_trivial(ix):
    ours, by_id = ix
    totals = [run_search(ours, SearchParams.from_args({"q": q, **f})).total for q, f in CASES]
    assert sum(0 < t < len(by_id) for t in totals) >= 7


def test_or_within_a_facet_and_across_facets(ix):
    ours, by_id = ix

    def total(**filters):
        return run_search(ours, SearchParams.from_args(filters)).total

    bbc, reuters = total(source="BBC"), total(source="Reuters")
    assert bbc and reuters
    assert total(source=["BBC", "Reuters"]) == bbc + reuters  # one source per article
    politics = total(tag="politics")
    both = total(source="BBC", tag="politics")
    assert 0 < both < min(bbc, politics)
    assert both == sum(1 for v in by_id.values() if "BBC" in v["source"]
                       and "politics" in v["tag"])


def test_deleted_version_is_never_counted(ix):
    ours, by_id = ix
    response = run_search(ours, SearchParams.from_args({"source_size": "50", "tag_size": "50",
                                                         "speaker_size": "50"}))
    values = {name: {v.value for v in f.values} for name, f in response.facets.items()}
    assert "Ghost Weekly" not in values["source"] and "Gazette" in values["source"]
    assert "ghost" not in values["tag"] and "Casper" not in values["speaker"]
    assert "2016" not in values["year"]
    assert run_search(ours, SearchParams.from_args({"source": "Ghost Weekly"})).total == 0
    assert response.total == len(by_id)


def test_selected_value_never_disappears(ix):
    ours, by_id = ix
    response = run_search(ours, SearchParams.from_args(
        {"q": "election", "source": ["Ghost Weekly", "BBC"], "source_size": "1"}))
    counts = brute(by_id, query_ids(ours, by_id, "election"), "source", {})
    top = sorted(counts, key=lambda v: (-counts[v], v))[0]
    assert top != "BBC"
    sources = [(v.value, v.count, v.selected) for v in response.facets["source"].values]
    # The top value (by count) first, then each selected value missing from it.
    assert sources == [(top, counts[top], False), ("Ghost Weekly", 0, True),
                       ("BBC", counts["BBC"], True)]
    assert response.total == counts["BBC"] > 0

    response = run_search(ours, SearchParams.from_args(
        {"q": "election", "speaker": "Nobody Known"}))
    assert response.total == 0
    assert [v.to_dict() for v in response.facets["speaker"].values][-1] == {
        "value": "Nobody Known", "count": 0, "selected": True, "excluded": False}
    assert {"value": "Nobody Known", "count": 0, "selected": True, "excluded": False} in \
        response.to_dict()["facets"]["speaker"]
    # Other facets are counted over no document at all.
    assert response.facets["source"].values == []


def test_size_and_more(ix):
    ours, by_id = ix
    small = run_search(ours, SearchParams.from_args({"source_size": "2", "year_size": "3"}))
    assert len(small.facets["source"].values) == 2 and small.facets["source"].more
    assert [v.value for v in small.facets["year"].values] == ["2021", "2020", "2019"]
    assert small.facets["year"].more
    everything = run_search(ours, SearchParams.from_args({"source_size": "50",
                                                           "year_size": "50"}))
    sources = {v for r in by_id.values() for v in r["source"]}
    assert {v.value for v in everything.facets["source"].values} == sources
    assert not everything.facets["source"].more
    assert not everything.facets["year"].more


def test_year_facet_is_newest_first_whatever_the_counts(ix):
    ours, by_id = ix
    response = run_search(ours, SearchParams.from_args({}))
    years = [v.value for v in response.facets["year"].values]
    assert years == sorted({y for r in by_id.values() for y in r["year"]}, reverse=True)
    counts = [v.count for v in response.facets["year"].values]
    assert counts != sorted(counts, reverse=True)  # else the test would not tell orders apart


def test_facets_param_limits_which_facets_are_counted(ix):
    ours, _ = ix
    assert set(run_search(ours, SearchParams.from_args({"facets": "source,tag"})).facets) == \
        {"source", "tag"}
    assert run_search(ours, SearchParams.from_args({"facets": "none"})).facets == {}
