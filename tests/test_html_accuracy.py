"""Extraction accuracy on the shared news corpora, measured by the shared scoring tool.

The tool runs `scrapesearch extract` over every page of a set and scores it against the
set's ground truth (../shared/tools/README.md). A drop below a floor fails CI. Floors are
the issue's targets where we reach them, otherwise what we reach today (see CHANGES.md),
so that a change can only move them up.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import SHARED, need

TOOL = SHARED / "tools" / "evaluate_extraction.py"

# set -> {score name in the tool's output: lowest accepted value}
FLOORS = {
    "aeb": {"bodyF1": 0.965},
    "l3s-gn1": {"bodyF1": 0.930, "headline_acc": 0.90,
                # The issue asks 0.60; 15 of the 49 gold "comment" regions are forms and
                # notices ("This article has no comments"), which are not comments here, so
                # even every real thread found would score about 0.59. We reach 0.42.
                "commentsF1": 0.40},
    "dragnet": {"bodyF1": 0.910, "commentsF1": 0.80},
}
# set -> most pages (share) with comments reported where the page has none
FALSE_COMMENTS = {"l3s-gn1": 0.01, "dragnet": 0.03}


def _scores(dataset: str) -> dict[str, float]:
    need(TOOL.is_file(), f"the scoring tool is missing ({TOOL})")
    cmd = f"cmd:{sys.executable} -m searchapp extract"
    out = subprocess.run([sys.executable, str(TOOL), str(SHARED / "corpora"), dataset, cmd],
                         capture_output=True, text=True, timeout=900, check=True).stdout
    line = out.strip().splitlines()[-1]
    scores = {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", line)}
    m = re.search(r"comment_false_pos=(\d+)/(\d+)", line)
    if m:
        scores["false_comment_share"] = int(m.group(1)) / int(m.group(2))
    scores["missing"] = float(re.search(r"missing=(\d+)", line).group(1))
    return scores


@pytest.mark.slow
@pytest.mark.parametrize("dataset", sorted(FLOORS))
def test_accuracy_floors(dataset):
    scores = _scores(dataset)
    assert scores["missing"] == 0, "every page must give an article"
    below = {k: (scores.get(k), floor) for k, floor in FLOORS[dataset].items()
             if scores.get(k, 0.0) < floor}
    assert below == {}
    if dataset in FALSE_COMMENTS:
        assert scores["false_comment_share"] <= FALSE_COMMENTS[dataset]


@pytest.mark.slow
def test_every_shared_page_goes_through():
    """Every HTML page of every set, cleaneval's old messy pages included: an Article or a
    one-sentence reason, never a crash."""
    import gzip

    from indexer.errors import ExtractError
    from indexer.extract.html import parse

    need((SHARED / "corpora" / "cleaneval").is_dir(), "the shared corpora are missing")
    folders = ["aeb/html", "l3s-gn1/original", "dragnet/html", "cleaneval/input"]
    pages = [p for f in folders for p in sorted((SHARED / "corpora" / f).glob("*.html.gz"))]
    assert len(pages) > 2000
    refused = []
    for path in pages:
        try:
            parse(gzip.decompress(path.read_bytes()), str(path))
        except ExtractError as e:
            refused.append((path.name, e.reason))
    assert refused == []
