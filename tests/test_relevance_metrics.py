"""bench/relevance.py: its metrics on hand-made rankings (exact values), its query text, the
split of the queries, the TIME and CISI readers, and each system's ranking on a tiny index."""

from __future__ import annotations

import dataclasses
import math
import sys
from pathlib import Path

import pytest
from conftest import bench_module, build_index, need

from searchapp.search.parser import MAX_QUERY_CHARS

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"


rv = bench_module("relevance")
rc = sys.modules["relevance_collections"]


def _corpora() -> None:
    need((CORPORA / "time").is_dir() and (CORPORA / "cisi").is_dir(),
         f"../shared/corpora/time and cisi are not beside the repository ({CORPORA})")


# -- metrics -------------------------------------------------------------------------------

def test_precision_counts_empty_places_as_misses():
    assert rv.precision_at(["a", "x", "b"], {"a", "b"}) == 0.2
    assert rv.precision_at(["a", "x", "b"], {"a", "b"}, k=2) == 0.5
    assert rv.precision_at([], {"a"}) == 0.0


def test_ndcg_binary_gains_log2_discount_ideal_from_the_relevant_count():
    assert rv.ndcg_at(["a"], {"a"}) == 1.0
    assert rv.ndcg_at(["x", "a"], {"a"}) == pytest.approx(1 / math.log2(3), abs=1e-15)
    # two of three relevant, at ranks 1 and 3: (1 + 1/2) / (1 + 1/log2(3) + 1/2)
    assert rv.ndcg_at(["a", "x", "b"], {"a", "b", "c"}) == pytest.approx(
        1.5 / (1.5 + 1 / math.log2(3)), abs=1e-15)
    assert round(rv.ndcg_at(["a", "x", "b"], {"a", "b", "c"}), 4) == 0.7039
    # the ideal holds at most k documents: 12 relevant, the first 10 places all hits
    twelve = {f"r{i}" for i in range(12)}
    assert rv.ndcg_at(sorted(twelve), twelve) == 1.0
    # a hit past the cutoff gains nothing
    assert rv.ndcg_at([f"x{i}" for i in range(10)] + ["a"], {"a"}) == 0.0
    assert rv.ndcg_at([], {"a"}) == 0.0


def test_average_precision_over_all_relevant_within_the_depth():
    assert rv.average_precision(["a", "x", "b"], {"a", "b", "c"}) == pytest.approx(5 / 9)
    assert rv.average_precision(["x", "a"], {"a"}) == 0.5
    misses = [f"x{i}" for i in range(99)]
    assert rv.average_precision([*misses, "a"], {"a"}) == 0.01  # rank 100 still counts
    assert rv.average_precision([*misses, "y", "a"], {"a"}) == 0.0  # rank 101 does not
    assert rv.average_precision([], {"a"}) == 0.0


def test_summary_by_half_counts_queries_without_results():
    rows = {"1": {"ndcg@10": 1.0, "ap@100": 0.5, "p@10": 0.1, "found": 3},
            "2": {"ndcg@10": 0.0, "ap@100": 0.0, "p@10": 0.0, "found": 0},
            "3": {"ndcg@10": 0.5, "ap@100": 0.25, "p@10": 0.2, "found": 40}}
    which = {"1": "tune", "2": "tune", "3": "report"}
    assert rv.summary(rows, which, "tune") == {"queries": 2, "ndcg@10": 0.5, "map@100": 0.25,
                                               "p@10": 0.05, "zero": 1, "under10": 2}
    assert rv.summary(rows, which, "all") == {"queries": 3, "ndcg@10": 0.5, "map@100": 0.25,
                                              "p@10": 0.1, "zero": 1, "under10": 2}


# -- the query text and the split -----------------------------------------------------------

def test_typed_is_one_line_cut_to_the_query_limit_at_a_word_boundary():
    assert rv.typed("  WHAT\n\nCOUNTRIES  JOINED .\n") == "WHAT COUNTRIES JOINED ."
    assert MAX_QUERY_CHARS == 1024
    long = " ".join(f"word{i:03d}" for i in range(200))  # word128 starts at character 1,024
    cut = rv.typed(long)
    assert len(cut) == 1023 and cut.endswith(" word127") and long.startswith(cut)
    exact = "x" * MAX_QUERY_CHARS
    assert rv.typed(exact + " tail") == exact
    assert rv.typed("y" * 1100) == "y" * MAX_QUERY_CHARS  # no word boundary: the parser's cut


def test_halves_split_every_listed_query_the_same_way_whatever_is_dropped():
    qids = [str(i) for i in range(1, 41)]
    full = rc.Collection("demo", [], {q: "text" for q in qids}, {q: {"d"} for q in qids},
                         listed=set(qids))
    split = rc.halves(full)
    assert sorted(split, key=int) == qids
    assert list(split.values()).count("tune") == 20
    fewer = rc.Collection("demo", [], {q: "text" for q in qids[5:]},
                          {q: {"d"} for q in qids[5:]}, {q: "x" for q in qids[:5]},
                          listed=set(qids))
    assert rc.halves(fewer) == {q: h for q, h in split.items() if q in qids[5:]}
    assert rc.halves(dataclasses.replace(full, name="other")) != split


# -- the readers ---------------------------------------------------------------------------

def test_time_reader_documents_queries_and_judgments():
    _corpora()
    time = rc.read_time(CORPORA / "time")
    assert len(time.articles) == 423
    first = time.articles[0]
    assert (first["id"], first["headline"], first["published"]) == ("time-017", "", "1963-01-04")
    assert first["body"].startswith("THE ALLIES AFTER NASSAU IN DECEMBER 1960, THE U.S . FIRST")
    assert time.queries["1"] == ("KENNEDY ADMINISTRATION PRESSURE ON NGO DINH DIEM TO STOP "
                                 "SUPPRESSING THE BUDDHISTS .")
    assert len(time.queries) == 58
    assert sorted(time.dropped, key=int) == ["56", "59", "62", "72", "83"]
    assert len(time.listed) == 62
    # positions up to 370 are positions here; from 380 on, two places earlier
    assert time.qrels["1"] == {time.articles[p - 1]["id"] for p in (268, 288, 304, 308, 323,
                                                                    326, 334)}
    assert time.qrels["75"] == {"time-524"}  # 390 -> 388, "CONGO: READING THE RUSSIANS' MAIL"
    assert time.qrels["23"] == {"time-563"}  # 425 -> 423, the U.N.'s new members
    assert time.qrels["15"] == {"time-133", "time-160", "time-176", "time-562"}
    assert sum(map(len, time.qrels.values())) == 196
    assert list(rc.halves(time).values()).count("tune") == 31


def test_time_reader_as_given_takes_the_numbers_as_positions():
    _corpora()
    time = rc.read_time(CORPORA / "time", "as-given")
    assert len(time.queries) == 57
    assert time.dropped["23"] == "its relevant documents (425) are not in TIME.ALL"
    assert time.qrels["75"] == {"time-526"}
    assert time.qrels["15"] == {"time-133", "time-160", "time-176"}  # 424 is not there


def test_cisi_reader_documents_queries_and_judgments():
    _corpora()
    cisi = rc.read_cisi(CORPORA / "cisi")
    assert len(cisi.articles) == 1460
    assert cisi.articles[0] == {
        "id": "cisi-1", "source": "CISI", "lang": "en",
        "headline": "18 Editions of the Dewey Decimal Classifications",
        "body": cisi.articles[0]["body"], "authors": ["Comaromi, J.P."]}
    assert cisi.articles[0]["body"].startswith("The present study is a history of the DEWEY")
    assert cisi.articles[0]["body"].endswith("librarianship in this country and abroad.")
    assert len(cisi.queries) == 57 and len(cisi.dropped) == 36
    assert cisi.queries["1"].startswith("What problems and concerns are there in making up "
                                        "descriptive titles?")
    assert len(cisi.qrels["1"]) == 46 and "cisi-28" in cisi.qrels["1"]
    assert sum(map(len, cisi.qrels.values())) == 2386  # the lines of CISI.REL
    assert list(rc.halves(cisi).values()).count("tune") == 29


# -- the systems on a tiny collection --------------------------------------------------------

ARTICLES = [
    {"id": "both", "headline": "Apple harvest", "body": "Banana boats and apple carts."},
    {"id": "apple", "headline": "Orchards", "body": "An apple a day, apple pie."},
    {"id": "cherry", "headline": "Cherry season", "body": "Cherries are red."},
]


def test_the_readings_the_harness_compares(tmp_path):
    from searchapp.backends.whoosh import WhooshBackend

    backend = WhooshBackend(str(build_index(tmp_path, ARTICLES)))
    try:
        assert rv.as_typed(backend, "apple banana") == ["both"]  # strict: every word
        # before issue 12: the strict hits, then the "any of the words" link's
        assert rv.strict_then_or(backend, "apple banana") == ["both", "apple"]
        assert rv.as_typed(backend, "apple durian") == []
        assert sorted(rv.strict_then_or(backend, "apple durian")) == ["apple", "both"]
        # ours: as the page reads it; two words are not a long query, four are
        assert rv.ours(backend, "apple durian") == []
        assert sorted(rv.ours(backend, "apple durian grape melon")) == ["apple", "both"]
        assert rv.ours(backend, "cherry") == ["cherry"]
    finally:
        backend.close()


@pytest.mark.parametrize("peer", ["Fts5", "PlainWhoosh"])
def test_peers_rank_an_or_of_the_words(peer):
    system = getattr(sys.modules["relevance_peers"], peer)(ARTICLES)
    try:
        assert system.rank("apple banana", 10)[0] == "both"
        assert sorted(system.rank("apple banana", 10)) == ["apple", "both"]
        assert system.rank("durian", 10) == []
    finally:
        system.close()
