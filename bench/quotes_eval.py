"""Precision and recall of the quote finder on the hand-checked golden quotes.

    .venv/bin/python bench/quotes_eval.py [--verbose] [--golden FILE] [--shared DIR]

Runs `indexer.extract.quotes.find_quotes` — the call the text-dump and JSON-lines
extractors make — over the bodies of the articles named in
tests/fixtures/quotes/golden.json, read from ../shared/corpora at run time (bbc, aeb and
reuters21578, the last as its JSON-lines record is indexed), and compares
its quotes with the golden ones. A predicted quote matches a golden one when the F1 of
their normalised tokens is at least 0.8, one to one (best pairs first). Speakers are
compared over matched quotes only, normalised and case-insensitive; a golden quote may
list other forms of its speaker's name in "aka" ("Rod Eddington" for "Mr Eddington").
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "fixtures" / "quotes" / "golden.json"
SHARED = ROOT.parent / "shared"
MATCH_F1 = 0.8

sys.path.insert(0, str(ROOT))  # run as a script from anywhere, without installing
from indexer.extract.jsonl import parse_record  # noqa: E402
from indexer.extract.quotes import find_quotes  # noqa: E402


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.replace("’", "'").casefold())


def token_f1(a: str, b: str) -> float:
    ta, tb = Counter(tokens(a)), Counter(tokens(b))
    common = sum((ta & tb).values())
    if not common:
        return 0.0
    p, r = common / sum(ta.values()), common / sum(tb.values())
    return 2 * p * r / (p + r)


def norm_speaker(name: str | None) -> str | None:
    if not name:
        return None
    s = re.sub(r"[.,]", " ", name.replace("’", "'").casefold())
    return re.sub(r"^the\s+", "", " ".join(s.split())) or None


def load_body(shared: Path, corpus: str, ref: str) -> str:
    """The article body as the extractors hand it to the quote finder."""
    if corpus == "bbc":  # line 1 is the headline
        path = shared / "corpora" / "bbc" / ref
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(lines[1:]).strip()
    if corpus == "aeb":
        truth = json.loads((shared / "corpora" / "aeb" / "ground-truth.json").read_text())
        return truth[ref]["articleBody"]
    if corpus == "reuters21578":  # the JSON-lines record, as indexing reads it
        return reuters_article(shared, ref).body
    raise ValueError(f"unknown corpus {corpus!r}")


def reuters_article(shared: Path, ref: str):
    """Story `ref` (its NEWID) of reuters21578.jsonl.gz as the JSON-lines extractor reads it."""
    record = _reuters_records(shared)[ref]
    return parse_record(record, f"reuters21578.jsonl.gz#{record['newid']}")


@functools.cache
def _reuters_records(shared: Path) -> dict[str, dict]:
    path = shared / "corpora" / "reuters21578" / "reuters21578.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return {str(rec["newid"]): rec for rec in map(json.loads, f)}


@dataclass
class Result:
    golden: int = 0
    predicted: int = 0
    matched: int = 0
    speaker_right: int = 0
    speaker_predicted: int = 0  # matched quotes given a speaker
    speaker_predicted_right: int = 0
    speaker_golden: int = 0  # matched quotes whose golden speaker is named
    speaker_golden_found: int = 0
    misses: list[tuple[str, dict]] = field(default_factory=list)
    false: list[tuple[str, object]] = field(default_factory=list)
    wrong_speaker: list[tuple[str, dict, object]] = field(default_factory=list)

    def ratio(self, a: int, b: int) -> float:
        return a / b if b else 1.0

    @property
    def precision(self) -> float:
        return self.ratio(self.matched, self.predicted)

    @property
    def recall(self) -> float:
        return self.ratio(self.matched, self.golden)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.ratio(self.speaker_right, self.matched)

    @property
    def speaker_precision(self) -> float:
        return self.ratio(self.speaker_predicted_right, self.speaker_predicted)

    @property
    def speaker_recall(self) -> float:
        return self.ratio(self.speaker_golden_found, self.speaker_golden)


def match(gold: list[str], pred: list[str]) -> list[tuple[int, int]]:
    """(golden index, predicted index) pairs whose token F1 reaches MATCH_F1, one to one,
    best pairs first."""
    scored = sorted(((token_f1(g, q), i, j) for i, g in enumerate(gold)
                     for j, q in enumerate(pred)), reverse=True)
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for f1, i, j in scored:
        if f1 < MATCH_F1:
            break
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            out.append((i, j))
    return out


def evaluate(golden: list[dict], shared: Path = SHARED) -> Result:
    res = Result()
    for article in golden:
        ref = f"{article['corpus']}:{article['ref']}"
        gold = article["quotes"]
        pred = find_quotes(load_body(shared, article["corpus"], article["ref"]))
        res.golden += len(gold)
        res.predicted += len(pred)
        used_g: set[int] = set()
        used_p: set[int] = set()
        for i, j in match([g["text"] for g in gold], [q.text for q in pred]):
            used_g.add(i)
            used_p.add(j)
            res.matched += 1
            g, q = gold[i], pred[j]
            accepted = {norm_speaker(s) for s in [g["speaker"], *g.get("aka", [])]}
            got = norm_speaker(q.speaker)
            right = got in accepted
            res.speaker_right += right
            res.speaker_predicted += got is not None
            res.speaker_predicted_right += got is not None and right
            res.speaker_golden += g["speaker"] is not None
            res.speaker_golden_found += g["speaker"] is not None and right
            if not right:
                res.wrong_speaker.append((ref, g, q.speaker))
        res.misses += [(ref, g) for i, g in enumerate(gold) if i not in used_g]
        res.false += [(ref, q) for j, q in enumerate(pred) if j not in used_p]
    return res


def load_golden(path: Path = GOLDEN) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--golden", type=Path, default=GOLDEN)
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--verbose", "-v", action="store_true", help="list misses and false quotes")
    args = ap.parse_args(argv)
    golden = load_golden(args.golden)
    res = evaluate(golden, args.shared)
    print(f"golden: {res.golden} quotes in {len(golden)} articles; predicted: {res.predicted}")
    print(f"quote text   precision {res.precision:.3f}  recall {res.recall:.3f}  "
          f"F1 {res.f1:.3f}  ({res.matched} matched)")
    print(f"speaker      accuracy {res.speaker_accuracy:.3f}  precision "
          f"{res.speaker_precision:.3f}  recall {res.speaker_recall:.3f}  (over matched quotes)")
    if args.verbose:
        for ref, g in res.misses:
            print(f"MISS   {ref}: {g['text'][:90]!r} ({g['speaker']})")
        for ref, q in res.false:
            print(f"FALSE  {ref}: {q.text[:90]!r} ({q.speaker})")
        for ref, g, got in res.wrong_speaker:
            print(f"WHO    {ref}: {g['text'][:60]!r} golden {g['speaker']!r}, got {got!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
