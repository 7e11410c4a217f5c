"""Excluding facet values (not_F) and listing a facet's values (F_contains, F_sort, F_page),
checked against counts and orders taken by brute force from the records."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import article

from contract.helpers import ids, search
from searchapp.facetnames import folded

# Tags whose names differ only in case, accents or "ß", or hold regular-expression
# characters: what a search within the values must find exactly, and no more.
TAGS = [
    ["Zoë Ärnd", "harbour"], ["zoe arnd", "harbour"], ["Straße", "harbour"], ["strasse"],
    ["O'Brien (Co.)+", "harbour"], ["ob.*"], ["Émile", "harbour"], ["emile", "Zoë Ärnd"],
    ["a|b", "[x]"], ["Zoë Ärnd", "c:\\path"], ["Ärger"], ["arger", "harbour"],
    ["Zoë Ärnd", "zoe arnd", "Émile"], ["Harbour"], ["Straße", "Émile"], ["zzz"],
]
SOURCES = ["Coast Gazette", "Harbour Times", "River Post", "Coast Gazette"]
RECORDS = [
    article(id=f"doc-{i}", headline=f"Story {i}",
            body=("The harbour opened." if i % 3 else "The ferry sailed.") + f" Day {i}.",
            source=SOURCES[i % 4], published=f"{2018 + i % 3}-03-0{1 + i % 9}",
            authors=["Ann Lee"] if i % 2 else ["Bo Chen"], tags=tags,
            quotes=[{"text": "We will see.", "speaker": "Lena Ortiz" if i % 2 else "Declan Ofori"}],
            comments=[{"author": "harbour watcher",
                       "text": "Fine harbour news." if i % 2 == 0 else "Fine news."}])
    for i, tags in enumerate(TAGS)
]
BY_ID = {r["id"]: r for r in RECORDS}


@pytest.fixture(scope="module")
def ours(engine, tmp_path_factory):
    backend = engine.build(tmp_path_factory.mktemp("facet-options"), RECORDS)
    yield backend
    backend.close()


def values_of(rec: dict, name: str) -> set[str]:
    return {"tag": set(rec["tags"]), "source": {rec["source"]},
            "author": set(rec["authors"])}[name]


def matching(q: str) -> list[dict]:
    """The records a one-word query (or none) matches (in the body or a comment)."""
    return [r for r in RECORDS if not q or q in r["body"].lower()
            or q in r["comments"][0]["text"].lower()]


def passes(rec: dict, filters: dict, exclude: dict, but: str | None = None) -> bool:
    return (all(values_of(rec, n) & set(v) for n, v in filters.items() if n != but)
            and not any(values_of(rec, n) & set(v) for n, v in exclude.items() if n != but))


def brute(q: str, name: str, filters: dict, exclude: dict) -> Counter:
    """Counts of facet `name` over the matches filtered by every *other* facet."""
    counts: Counter = Counter()
    for r in matching(q):
        if passes(r, filters, exclude, but=name):
            counts.update(values_of(r, name))
    return counts


def listed(counts: Counter, contains: str = "", sort: str | None = None, offset: int = 0,
           size: int = 10) -> list[tuple[str, int]]:
    keep = [v for v in counts if folded(contains) in folded(v)]
    by_name = bool(contains) or sort == "name"

    def name(v):
        return (folded(v), v)

    if sort == "name":
        keep.sort(key=name)
    else:
        keep.sort(key=lambda v: (-counts[v], name(v) if by_name else v))
    return [(v, counts[v]) for v in keep[offset:offset + size]]


def got(response, name: str) -> list[tuple[str, int]]:
    return [(v.value, v.count) for v in response.facets[name].values]


# -- excluding values ------------------------------------------------------------------------

EXCLUDES = [
    ("", {}, {"tag": ["harbour"]}),
    ("harbour", {}, {"tag": ["Zoë Ärnd", "Straße"]}),
    ("harbour", {"source": ["Coast Gazette", "River Post"]}, {"tag": ["emile"]}),
    ("", {"tag": ["Émile"]}, {"source": ["Coast Gazette"], "author": ["Ann Lee"]}),
    ("ferry", {}, {"source": ["Nowhere Weekly"]}),
]


@pytest.mark.parametrize(("q", "filters", "exclude"), EXCLUDES,
                         ids=[f"{q}|{f}|{e}" for q, f, e in EXCLUDES])
def test_excluded_values_leave_their_articles_out(ours, q, filters, exclude):
    args = {"q": q, **filters, **{f"not_{n}": v for n, v in exclude.items()}, "per_page": "50",
            "tag_size": "50"}
    expected = sorted(r["id"] for r in matching(q) if passes(r, filters, exclude))
    response = search(ours, **args)
    assert response.total == len(expected)
    assert sorted(h.id for h in response.results) == expected
    assert sorted(ids(ours, **args)) == expected  # the export (and the feed) too
    for name in ("tag", "source", "author"):
        counts = brute(q, name, filters, exclude)
        facet = response.facets[name]
        pinned = [*filters.get(name, ()), *exclude.get(name, ())]
        top = [(v, c) for v, c in listed(counts, size=50)]
        assert got(response, name) == top + [(v, counts[v]) for v in pinned
                                              if v not in dict(top)], name
        assert facet.total_values == len(counts)
        for v in facet.values:
            assert (v.selected, v.excluded) == (v.value in filters.get(name, ()),
                                                v.value in exclude.get(name, ())), v


def test_an_excluded_value_stays_listed_to_be_put_back(ours):
    response = search(ours, not_tag="zzz", tag_size="1")
    tags = [v.to_dict() for v in response.facets["tag"].values]
    # Its own facet is counted without its exclusion: the count says what it would add.
    assert tags == [{"value": "harbour", "count": 6, "selected": False, "excluded": False},
                    {"value": "zzz", "count": 1, "selected": False, "excluded": True}]
    assert response.total == len(RECORDS) - 1
    assert search(ours, not_tag="nothing-like-it").facets["tag"].values[-1].to_dict() == {
        "value": "nothing-like-it", "count": 0, "selected": False, "excluded": True}


def test_scope_counts_follow_the_exclusion(ours):
    from searchapp.search.params import SearchParams
    from searchapp.search.service import run_search

    plain = run_search(ours, SearchParams.from_args({"q": "harbour"}), scope_counts=True)
    left_out = run_search(ours, SearchParams.from_args({"q": "harbour", "not_source":
                                                        "Coast Gazette"}), scope_counts=True)
    coast = [r for r in RECORDS if r["source"] == "Coast Gazette"]
    in_body = [r for r in coast if "harbour" in r["body"].lower()]
    in_comments = [r for r in coast if "harbour" in r["comments"][0]["text"].lower()]
    assert in_body and in_comments and in_body != in_comments
    assert left_out.scope_counts["body"] == plain.scope_counts["body"] - len(in_body)
    assert left_out.scope_counts["comments"] == \
        plain.scope_counts["comments"] - len(in_comments)
    coast_matches = len([r for r in coast if r in matching("harbour")])
    assert left_out.scope_counts["all"] == left_out.total == plain.total - coast_matches


# -- listing values ----------------------------------------------------------------------------

LISTS = [
    ("", "", None, 1, 10), ("", "zoe", None, 1, 10), ("", "ZOË", "name", 1, 10),
    ("", "ss", None, 1, 10), ("", "ß", "name", 1, 10), ("", "(co.)+", None, 1, 10),
    ("", ".*", None, 1, 10), ("", "|", None, 1, 10), ("", "[", None, 1, 10),
    ("", "\\", None, 1, 10), ("", "e", "count", 1, 3), ("", "e", "count", 2, 3),
    ("", "e", "name", 3, 3), ("", "", "name", 1, 4), ("", "", "name", 3, 4),
    ("", "", "count", 2, 5), ("harbour", "r", "name", 2, 2), ("ferry", "a", None, 1, 10),
    ("", "no such tag", None, 1, 10), ("", "arnd", "name", 2, 10),
]


@pytest.mark.parametrize(("q", "contains", "sort", "page", "size"), LISTS,
                         ids=[f"{q}|{c}|{s}|{p}|{n}" for q, c, s, p, n in LISTS])
def test_values_containing_a_text_in_either_order(ours, q, contains, sort, page, size):
    args = {"q": q, "tag_contains": contains, "tag_size": str(size), "tag_page": str(page)}
    if sort:
        args["tag_sort"] = sort
    facet = search(ours, **args).facets["tag"]
    counts = brute(q, "tag", {}, {})
    assert [(v.value, v.count) for v in facet.values] == listed(
        counts, contains, sort, (page - 1) * size, size)
    assert facet.total_values == len([v for v in counts if folded(contains) in folded(v)])
    assert facet.offset == (page - 1) * size
    assert facet.more == (facet.total_values > page * size)


def test_search_within_values_by_hand(ours):
    def tags(**args):
        return [v.value for v in search(ours, **args, tag_size="50").facets["tag"].values]

    assert tags(tag_contains="ZOE ARND", tag_sort="name") == ["Zoë Ärnd", "zoe arnd"]
    assert tags(tag_contains="strasse", tag_sort="name") == ["Straße", "strasse"]
    assert tags(tag_contains="STRAẞE", tag_sort="name") == ["Straße", "strasse"]
    assert tags(tag_contains="(Co.)+") == ["O'Brien (Co.)+"]
    assert tags(tag_contains=".*") == ["ob.*"]
    assert tags(tag_contains="c:\\") == ["c:\\path"]
    assert tags(tag_contains="x]") == ["[x]"]
    assert tags(tag_contains="émile") == ["Émile", "emile"]  # by count: 3 and 1
    assert tags(tag_sort="name")[:5] == ["[x]", "arger", "Ärger", "a|b", "c:\\path"]


def test_selected_values_are_not_pinned_into_a_search_within_values(ours):
    facet = search(ours, tag="zzz", not_tag="Straße", tag_contains="arnd").facets["tag"]
    assert [v.value for v in facet.values] == ["Zoë Ärnd", "zoe arnd"]
    facet = search(ours, tag="zzz", tag_page="2", tag_size="2").facets["tag"]
    assert [(v.value, v.count) for v in facet.values] == listed(
        brute("", "tag", {}, {}), offset=2, size=2)
    assert "zzz" not in [v.value for v in facet.values]
