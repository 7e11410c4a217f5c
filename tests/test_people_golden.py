"""The golden speakers of issue 11 (tests/fixtures/people): their shape, the rule that drew
their articles, and the speaker figures of the old facet rule measured on them."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from conftest import bench_module, need

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GOLDEN = ROOT / "tests" / "fixtures" / "people" / "golden.json"


def _corpora() -> None:
    need(all((SHARED / "corpora" / c).is_dir() for c in ("bbc", "aeb", "reuters21578")),
         f"../shared/corpora (bbc, aeb, reuters21578) is not beside the repository ({SHARED})")


def test_golden_speakers_size_and_shape():
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    quotes = [q for a in golden for q in a["quotes"]]
    assert len(golden) >= 40 and len(quotes) >= 150
    assert Counter(a["corpus"] for a in golden) == {"bbc": 15, "aeb": 12, "reuters21578": 18}
    assert len({(a["corpus"], a["ref"]) for a in golden}) == len(golden)
    for q in quotes:
        assert set(q) == {"text", "speaker", "kind", "role", "forms"}
        assert q["text"].strip() == q["text"] and q["text"]
        if q["speaker"] is None:
            assert (q["kind"], q["role"], q["forms"]) == (None, None, [])
        else:
            assert q["kind"] in ("person", "organisation")
            assert q["forms"] and all(isinstance(f, str) and f for f in q["forms"])
            # canonical: no honorific or title in front ("Mr Flynn" is a form of "Jeremy Flynn")
            assert not re.match(r"(Mr|Mrs|Ms|Dr|Sir|President|Prime Minister|The)\b",
                                q["speaker"]), q["speaker"]


def test_golden_speakers_articles_are_the_seeded_sample_and_their_quotes_are_in_them():
    _corpora()
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    sample = bench_module("people_sample").sample(SHARED)
    assert [(c, r) for c, r, _ in sample] == [(a["corpus"], a["ref"]) for a in golden]
    qe = bench_module("quotes_eval")
    for a in golden:
        body = " ".join(qe.load_body(SHARED, a["corpus"], a["ref"]).split())
        for q in a["quotes"]:
            # joined quotes (a mark left open, then reopened) are in the body sentence by sentence
            parts = [q["text"]] if q["text"] in body else re.split(r"(?<=[.?!]) ", q["text"])
            assert all(p in body for p in parts), (a["ref"], q["text"])
            assert q["speaker"] is None or q["speaker"] in body
            assert all(f in body for f in q["forms"]), (a["ref"], q["forms"])


def test_speaker_figures_before_the_people_model():
    _corpora()
    pe = bench_module("people_eval")
    res = pe.evaluate(pe.load_golden(), "before", SHARED)
    total = res.total.summary()
    assert (total["golden"], total["golden_named"]) == (204, 189)
    # Measured 0.739 / 0.688 / 0.723 (130 right of 176 named; 195 of 204 quotes matched),
    # the old facet rule (fields.person) on the blind set; floors leave room for a
    # harmless change in the quote finder.
    assert total["precision"] >= 0.72
    assert total["recall"] >= 0.67
    assert total["accuracy_matched"] >= 0.70
    assert total["matched"] >= 190


def test_speaker_figures_of_the_people_model():
    _corpora()
    pe = bench_module("people_eval")
    res = pe.evaluate(pe.load_golden(), "after", SHARED)
    total = res.total.summary()
    # The first blind run (daf61cd, the rules' author never saw this set) measured 0.884 /
    # 0.810 / 0.841 (153 right of 173 named); floors leave room for a harmless change, and
    # stay above the old rule's 0.739 / 0.688.
    assert total["precision"] >= 0.86
    assert total["recall"] >= 0.79
    assert total["accuracy_matched"] >= 0.82
