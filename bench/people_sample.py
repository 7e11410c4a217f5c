"""The articles of tests/fixtures/people/golden.json: a seeded sample, reproducible.

    .venv/bin/python bench/people_sample.py [--shared DIR]

Prints `corpus ref pairs` for each chosen article. The rule (tests/fixtures/people/README.md):
articles with quotation marks, not already in the quote golden sets, drawn with
random.Random(11) in this order: 3 bbc stories per section (sections in name order, at
least 2 pairs of marks), 12 aeb pages (2 to 12 pairs, so that one long feature does not
fill the set), 18 Reuters-21578 NORM stories (at least 3 pairs: several quotes).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = 11
QUOTE_SETS = [ROOT / "tests" / "fixtures" / "quotes" / n for n in ("golden.json", "heldout.json")]


def pairs(text: str) -> int:
    """Pairs of quotation marks: straight ones halved, curly ones by their opening mark."""
    return text.count('"') // 2 + text.count("“")


def sample(shared: Path = SHARED) -> list[tuple[str, str, int]]:
    used = {(a["corpus"], a["ref"]) for f in QUOTE_SETS for a in json.loads(f.read_text())}
    corpora = shared / "corpora"
    rng = random.Random(SEED)
    chosen: list[tuple[str, str, int]] = []
    for section in ("business", "entertainment", "politics", "sport", "tech"):
        pool = []
        for path in sorted((corpora / "bbc" / section).glob("*.txt")):
            ref, n = f"{section}/{path.name}", pairs(path.read_text(errors="replace"))
            if ("bbc", ref) not in used and n >= 2:
                pool.append(("bbc", ref, n))
        chosen += rng.sample(pool, 3)
    truth = json.loads((corpora / "aeb" / "ground-truth.json").read_text())
    pool = [("aeb", k, n) for k, v in sorted(truth.items())
            if ("aeb", k) not in used and 2 <= (n := pairs(v["articleBody"])) <= 12]
    chosen += rng.sample(pool, 12)
    pool = []
    with gzip.open(corpora / "reuters21578" / "reuters21578.jsonl.gz", "rt") as f:
        for line in f:
            rec = json.loads(line)
            n = pairs(rec["body"] or "")
            if rec["text_type"] == "NORM" and n >= 3:
                pool.append(("reuters21578", str(rec["newid"]), n))
    chosen += rng.sample(pool, 18)
    return chosen


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=SHARED)
    args = ap.parse_args(argv)
    for corpus, ref, n in sample(args.shared):
        print(corpus, ref, n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
