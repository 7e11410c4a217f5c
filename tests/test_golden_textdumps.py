"""Golden text dumps from ../shared: every field compared the way score_textdumps.py does.

The shared folder sits beside the repository. Without it these tests skip, except under
CI (CI=true), where a missing folder is a broken checkout and fails.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from indexer.extract.text import clean_line, join_paragraphs, split_paragraphs
from indexer.extract.textdump import parse

SHARED = Path(__file__).resolve().parents[2] / "shared"
GOLDEN = SHARED / "golden" / "textdump"
BBC = SHARED / "corpora" / "bbc"
BBC_SAMPLE = 50

pytestmark = pytest.mark.shared


def _require(path: Path) -> None:
    if path.is_dir():
        return
    reason = f"{path} is missing (the shared folder belongs beside the repository)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def _cases(folder: Path, pattern: str) -> list:
    """The files to test, or one placeholder that skips (or fails under CI) with the reason."""
    files = sorted(folder.glob(pattern)) if folder.is_dir() else []
    return [pytest.param(f, id=f.name) for f in files] or [pytest.param(None, id="missing")]


# The scorer's comparisons (../shared/tools/score_textdumps.py), kept to the letter.


def _norm(s: str | None) -> str:
    return re.sub(r"\s+", " ", s or "").strip()


def _f1(a: str | None, b: str | None) -> float:
    ta, tb = Counter(re.findall(r"\w+", (a or "").lower())), Counter(
        re.findall(r"\w+", (b or "").lower()))
    if not ta and not tb:
        return 1.0
    tp = sum((ta & tb).values())
    if not tp:
        return 0.0
    p, r = tp / sum(ta.values()), tp / sum(tb.values())
    return 2 * p * r / (p + r)


def _misses(got: dict, exp: dict) -> list[str]:
    """The fields the scorer would count as wrong."""
    miss = []
    if _norm(got["headline"]) != _norm(exp["headline"]):
        miss.append("headline")
    if _f1(got["body"], exp["body"]) < 0.98:
        miss.append("body")
    if [_norm(c) for c in got["captions"]] != [_norm(c) for c in exp["captions"]]:
        miss.append("captions")
    if (got["source"] or None) != exp["source"]:
        miss.append("source")
    ec, oc = exp["comments"], got["comments"]
    if len(ec) != len(oc):
        miss.append("comment_count")
    if [c["author"] for c in ec] != [c["author"] or None for c in oc]:
        miss.append("comment_authors")
    if len(ec) != len(oc) or any(_f1(a["text"], b["text"]) < 0.98 for a, b in zip(oc, ec,
                                                                                  strict=False)):
        miss.append("comment_text")
    indexed = _norm(" ".join([got["headline"], got["body"], *(c["text"] for c in oc),
                              *(q["text"] for q in got["quotes"])]))
    if any(_norm(b) in indexed for b in exp["must_not_appear_in_any_indexed_text_field"]):
        miss.append("no_boilerplate")
    if "quotes" in exp:
        texts = [_norm(q["text"]).strip(",.") for q in got["quotes"]]
        speakers_ok = all(
            (e["speaker"] or "").split()[-1:] == _norm(q["speaker"]).split()[-1:]
            for e, q in zip(exp["quotes"], got["quotes"], strict=False))
        if texts != [_norm(q["text"]).strip(",.") for q in exp["quotes"]] or not speakers_ok:
            miss.append("quotes")
    return miss


@pytest.mark.parametrize("dump", _cases(GOLDEN, "*.txt"))
def test_golden_dump(dump):
    _require(GOLDEN)
    assert dump is not None, f"{GOLDEN} holds no *.txt dumps"
    exp = json.loads(dump.with_suffix(".expected.json").read_text(encoding="utf-8"))
    got = parse(dump.read_text(encoding="utf-8"), str(dump)).as_dict()
    assert got["path"] == str(dump)
    assert _misses(got, exp) == []


def test_golden_real_article_has_exactly_its_one_quote():
    _require(GOLDEN)
    dump = GOLDEN / "000_67f601015fe74bc5.txt"
    got = parse(dump.read_text(encoding="utf-8"), str(dump))
    assert [(q.text[:30], q.speaker) for q in got.quotes] == [
        ("The Russian aerospace forces d", "Major General Yury Popov")]
    assert got.source == "SouthFront"
    assert [c.author for c in got.comments] == [
        "jens holm", "Pas de pseudo", "Abdulkarim Nasser Salah", None, "Massa John"]


def _bbc_sample() -> list:
    files = sorted(BBC.glob("*/*.txt")) if BBC.is_dir() else []
    step = max(1, len(files) // BBC_SAMPLE)
    return [pytest.param(f, id=f"{f.parent.name}/{f.name}") for f in files[::step]][
        :BBC_SAMPLE] or [pytest.param(None, id="missing")]


@pytest.mark.parametrize("path", _bbc_sample())
def test_plain_bbc_article_is_headline_and_body_only(path):
    """A plain "headline, blank line, paragraphs" file: nothing is footer, caption or comment."""
    _require(BBC)
    assert path is not None, f"{BBC} holds no articles"
    text = path.read_text(encoding="utf-8", errors="replace")
    a = parse(text, str(path))
    first_line = next(line for line in text.splitlines() if line.strip())
    assert a.headline == clean_line(first_line)
    assert a.body != ""
    assert a.body == join_paragraphs(split_paragraphs(text)[1:])
    assert (a.comments, a.captions, a.source, a.published) == ((), (), None, None)
