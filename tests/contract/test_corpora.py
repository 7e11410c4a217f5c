"""End to end on real data: index ../shared/corpora/bbc and reuters21578, then search them.

Expected counts are computed from the raw files here, independently of the extractors and
the search engine (the analysis function is shared, so a stem means the same thing).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from contract.helpers import search as search_args
from searchapp.analysis import terms
from searchapp.indexing import reindex

pytestmark = [pytest.mark.shared, pytest.mark.slow]


def _stems(text: str) -> set[str]:
    return {t for t, _, _, _ in terms(text)}


@pytest.fixture(scope="module")
def corpora_index(engine, tmp_path_factory, shared):
    bbc = shared / "corpora" / "bbc"
    reuters = shared / "corpora" / "reuters21578" / "reuters21578.jsonl.gz"
    backend = engine.new(tmp_path_factory.mktemp("e2e"))
    report = reindex([str(bbc), str(reuters)], backend, jobs=2)
    yield backend, report, bbc, reuters
    backend.close()


def _bbc_files(bbc: Path) -> list[Path]:
    return sorted(p for p in bbc.rglob("*") if p.suffix.lower() == ".txt")


def _reuters_records(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def search(backend, **args):
    return search_args(backend, **args)


def test_counts(corpora_index):
    index_dir, report, bbc, reuters = corpora_index
    files = _bbc_files(bbc)  # 2,225 articles and README.TXT, which is text too
    records = _reuters_records(reuters)
    unusable = [r for r in records if not (r.get("title") or "").strip()
                and not (r.get("body") or "").strip()]
    assert report.indexed == len(files) + len(records) - len(unusable)
    assert report.skipped_total == len(unusable)
    assert all(reason == "the record has neither a headline nor a body"
               for _, reason in report.skipped)
    assert search(index_dir).total == report.indexed


def test_bbc_word_counts_match_the_files(corpora_index):
    index_dir, _, bbc, _ = corpora_index
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in _bbc_files(bbc)]
    for word in ("dortmund", "yushchenko", "broadband", "chelsea"):
        expected = sum(word in _stems(t) for t in texts)
        got = search(index_dir, q=word, facets="none", snippets="none")
        # Reuters has none of these words, or very few; count them too.
        reuters_hits = search(index_dir, q=f"{word} date:1987", facets="none").total
        assert got.total - reuters_hits == expected, word
        assert expected > 0


def test_headline_scope_and_phrase(corpora_index):
    index_dir, _, bbc, reuters = corpora_index
    headlines = [p.read_text(encoding="utf-8", errors="replace").splitlines()[0]
                 for p in _bbc_files(bbc)]
    headlines += [r.get("title") or "" for r in _reuters_records(reuters)]
    expected = sum("dortmund" in _stems(h) for h in headlines)
    assert search(index_dir, q="dortmund", scope="headline").total == expected > 0
    assert search(index_dir, q="headline:dortmund").total == expected
    hit = search(index_dir, q='"Borussia Dortmund"').results[0]
    shown = str(hit.headline) + "".join(str(s) for s in hit.snippets.body)
    assert "<mark>Borussia Dortmund</mark>" in shown


def test_reuters_dates_and_topics(corpora_index):
    index_dir, _, _, reuters = corpora_index
    records = _reuters_records(reuters)
    coffee = sum("coffee" in (r.get("topics") or []) for r in records
                 if (r.get("title") or "").strip() or (r.get("body") or "").strip())
    res = search(index_dir, tag="coffee")
    assert res.total == coffee > 0
    years = {v.value: v.count for v in search(index_dir).facets["year"].values}
    assert set(years) == {"1987"}  # bbc stories have no date
    assert years["1987"] >= len(records) - 5  # a few Reuters timestamps are garbled
    march = search(index_dir, q="date:[1987-03-01 TO 1987-03-31]", facets="none")
    assert 0 < march.total < len(records)
    newest = search(index_dir, q="cocoa", sort="newest", per_page="5").results
    dates = [h.published for h in newest]
    assert dates == sorted(dates, reverse=True)


def test_reuters_word_count(corpora_index):
    index_dir, _, _, reuters = corpora_index
    records = _reuters_records(reuters)
    expected = sum("cocoa" in _stems(f"{r.get('title') or ''}\n{r.get('body') or ''}")
                   for r in records)
    got = search(index_dir, q="cocoa date:1987", facets="none", snippets="none").total
    assert got == expected > 0
