"""'Did you mean': misspelt words of zero-hit queries are respelt as articles write them."""

from __future__ import annotations

import pytest
from conftest import article

from contract.helpers import app_of
from contract.helpers import search as search_args

RECORDS = [
    article(headline="Government spending rises", body="The government said spending on "
            "companies would rise. Companies welcomed it."),
    article(headline="Harbour strike", body="Dock workers at the harbour went on strike."),
    article(headline="Company results", body="The company reported results for the harbour."),
]


@pytest.fixture(scope="module")
def index_dir(engine, tmp_path_factory):
    backend = engine.build(tmp_path_factory.mktemp("suggest"), RECORDS)
    yield backend
    backend.close()


def search(backend, q):
    return search_args(backend, q=q)


@pytest.mark.parametrize("q, expected", [
    ("govermnent", "government"),
    ("harbuor strik", "harbour strike"),
    ("compnay results", "company results"),  # the word as written, not the stem "compani"
    ("Dock workres", "Dock workers"),
])
def test_misspelt_words_are_respelt(index_dir, q, expected):
    r = search(index_dir, q)
    assert r.total == 0
    assert r.suggestion == expected
    assert search(index_dir, r.suggestion).total > 0


@pytest.mark.parametrize("q", ["harbour", "zzqxv", "the", "-harbuor", "speaker:smiht"])
def test_no_suggestion(index_dir, q):
    assert search(index_dir, q).suggestion is None


def test_suggestion_in_the_api(engine, index_dir, tmp_path):
    client = app_of(engine, index_dir, tmp_path).test_client()
    data = client.get("/api/search?q=govermnent").get_json()
    assert data["total"] == 0 and data["suggestion"] == "government"
    page = client.get("/search?q=govermnent").get_data(as_text=True)
    assert "Did you mean" in page and ">government</a>" in page
